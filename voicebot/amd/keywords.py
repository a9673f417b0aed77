"""The key phrases of phrases.yaml and their spotting in an ASR transcript."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PHRASES_FILE = Path(__file__).with_name("phrases.yaml")
# The kinds a phrase may name, in the order they win when one transcript holds several.
PHRASE_KINDS = ("carrier_announcement", "screening", "machine")


@dataclass(frozen=True)
class PhraseMatch:
    kind: str
    phrase: str


def _words(text: str) -> list[str]:
    cleaned = "".join(ch if ch.isalnum() else " " for ch in text.lower().replace("ё", "е"))
    return cleaned.split()


@cache
def load_phrases(path: Path = PHRASES_FILE) -> dict[str, tuple[tuple[str, ...], ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(data) - set(PHRASE_KINDS)
    if unknown:
        raise ValueError(f"{path}: unknown phrase kinds {sorted(unknown)}")
    return {kind: tuple(tuple(_words(phrase)) for phrase in data.get(kind, ()))
            for kind in PHRASE_KINDS}


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    """Each phrase word begins a transcript word, in order and without gaps."""
    for start in range(len(words) - len(phrase) + 1):
        if all(words[start + i].startswith(part) for i, part in enumerate(phrase)):
            return True
    return False


def spot(text: str, path: Path = PHRASES_FILE) -> PhraseMatch | None:
    words = _words(text)
    for kind, phrases in load_phrases(path).items():
        for phrase in phrases:
            if _contains(words, phrase):
                return PhraseMatch(kind, " ".join(phrase))
    return None
