"""The words the bot understands, which the recogniser listens for when it decodes a vocabulary."""
from __future__ import annotations

from datetime import datetime

import pytest

from voicebot.nlu.dates import resolve_day, resolve_moment
from voicebot.nlu.rasa_model import RASA_PROJECT
from voicebot.nlu.vocabulary import training_words, understood_words


@pytest.mark.parametrize("phrase", [
    "оплачу двадцать пятого декабря", "в следующую пятницу", "через полчаса",
    "перезвоните в половине седьмого вечера", "полседьмого", "послезавтра после обеда",
    "до конца месяца", "тридцать первого числа", "в семь тридцать", "через три недели",
])
def test_every_word_of_a_date_the_resolver_reads_is_heard(phrase: str) -> None:
    now = datetime(2026, 11, 25, 11, 0)
    assert resolve_day(phrase, now.date()) or resolve_moment(phrase, now)
    assert set(phrase.split()) <= set(understood_words())


def test_the_training_data_is_in_the_vocabulary_lowercase_without_yo() -> None:
    words = understood_words()
    assert training_words() <= set(words)
    assert {"да", "оплатил", "рассрочку", "оператора"} <= set(words)
    assert words == tuple(sorted(words))
    assert all(word == word.lower() and "ё" not in word for word in words)
    # The letter the resolver writes for "ё" is not a word a debtor says.
    assert "е" not in words


def test_most_words_of_phrasings_never_trained_on_are_heard() -> None:
    # The cost of decoding a vocabulary: words outside it are not heard. On the held-out set,
    # written apart from the training data, about five words in six are in it.
    held_out = training_words(RASA_PROJECT / "heldout")
    assert len(held_out & set(understood_words())) >= 0.75 * len(held_out)
