"""The words the bot understands: what the recogniser needs to hear for the NLU and the date
resolver to do their work.

They are the words of the Rasa training examples, the words the date resolver reads and the
numbers a debtor says in a date or a time ("двадцать пятого", "в семь тридцать"). The resolver's
words are read from its own module's string constants, so that a rule added there is heard
without a second list to keep in step.
"""
from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import yaml

from voicebot.nlu import dates
from voicebot.nlu.rasa_model import RASA_PROJECT
from voicebot.russian.numerals import Case, Gender, cardinal, ordinal

_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*")
# Cardinals cover hours, minutes and "через двадцать дней"; ordinals the days of a month.
_LARGEST_CARDINAL = 60
_DAYS_IN_MONTH = 31


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower().replace("ё", "е")))


def training_words(data: Path = RASA_PROJECT / "data") -> set[str]:
    words: set[str] = set()
    for path in sorted(data.rglob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            words |= _words(block.get("examples", ""))
    return words


def date_words() -> set[str]:
    tree = ast.parse(Path(dates.__file__).read_text())
    # The letters of its text normalisation ("ё" to "е") are not words anyone says.
    normalising = {id(argument) for node in ast.walk(tree)
                   if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                   and node.func.attr == "replace" for argument in node.args}
    words: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in normalising):
            words |= _words(node.value)
    return words


def number_words() -> set[str]:
    words: set[str] = set()
    for value in range(_LARGEST_CARDINAL + 1):
        for gender in Gender:
            words |= _words(cardinal(value, gender))
    for value in range(1, _DAYS_IN_MONTH + 1):
        for gender in Gender:
            for case in Case:
                words |= _words(ordinal(value, gender, case))
    return words


@cache
def understood_words() -> tuple[str, ...]:
    """Sorted, lowercase, ё written е as the training data writes it."""
    return tuple(sorted(training_words() | date_words() | number_words()))
