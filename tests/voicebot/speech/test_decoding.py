"""Which words a vosk model knows, and the grammar a call decodes with
(``[speech] asr_decoding``)."""
from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from tests.voicebot.speech.conftest import NO, YES
from tests.voicebot.speech.line import Debtor, RecordingSink
from tests.voicebot.speech.scripted import ScriptedConversation
from voicebot.speech.decoding import call_grammar
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.model_words import model_words
from voicebot.speech.session import AudioSession
from voicebot.speech.settings import SpeechSettings, vosk_model_path

KOREAN_MODEL = vosk_model_path(SpeechSettings())


def _static_graph_model(folder: Path, words: list[str]) -> Path:
    (folder / "graph").mkdir(parents=True)
    symbols = ["<eps>", "!SIL", *words, "#0", "<s>", "</s>"]
    (folder / "graph" / "words.txt").write_text(
        "".join(f"{symbol} {key}\n" for key, symbol in enumerate(symbols)))
    return folder


def test_the_words_of_a_lookahead_model_are_read_from_its_graph() -> None:
    words = model_words(KOREAN_MODEL)
    assert len(words) > 500_000
    assert {YES, NO, "내일"} <= words
    assert "да" not in words and "<eps>" not in words and "#0" not in words


def test_the_words_of_a_static_graph_model_are_read_from_its_list(tmp_path: Path) -> None:
    model = _static_graph_model(tmp_path, ["да", "нет", "[unk]"])
    assert model_words(model) == {"да", "нет", "[unk]"}


def test_a_graph_that_is_not_an_fst_is_refused(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "Gr.fst").write_bytes(b"not an fst at all")
    with pytest.raises(ValueError, match="not an OpenFst file"):
        model_words(tmp_path)


def test_free_decoding_has_no_grammar(tmp_path: Path) -> None:
    model = _static_graph_model(tmp_path, ["да"])
    assert call_grammar(SpeechSettings(asr_decoding="free"), model) is None


def test_a_vocabulary_keeps_the_models_words_and_its_unknown_word(tmp_path: Path) -> None:
    model = _static_graph_model(tmp_path, ["да", "нет", "оплачу", "пятницу", "[unk]", *(
        f"слово{n}" for n in range(10))])
    vocabulary = tmp_path / "words.txt"
    vocabulary.write_text("да\nНет\n\nоплачу в пятницу\nоплачу\n")
    grammar = call_grammar(SpeechSettings(asr_vocabulary=str(vocabulary)), model)
    # "оплачу в пятницу" holds a word the model lacks: vosk would drop it, so it is left out here.
    assert grammar == ["да", "нет", "оплачу", "[unk]"]


def test_a_model_of_another_language_decodes_freely_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert call_grammar(SpeechSettings(), KOREAN_MODEL) is None
    assert "decoding freely" in caplog.text


async def test_a_session_without_a_grammar_of_its_own_decodes_with_the_configured_vocabulary(
        tmp_path: Path, engines: SpeechEngines, korean: EspeakSynthesizer) -> None:
    vocabulary = tmp_path / "words.txt"
    vocabulary.write_text(f"{YES}\n{NO}\n내일\n")
    grammar = call_grammar(SpeechSettings(asr_vocabulary=str(vocabulary)), KOREAN_MODEL)
    assert grammar == [YES, NO, "내일"]
    conversation = ScriptedConversation()
    sink = RecordingSink()
    debtor = Debtor().wait_for_bot().say(await korean.synthesize(NO))
    # As the call worker builds it: no expected phrases, the engines' grammar.
    session = AudioSession(dataclasses.replace(engines, grammar=grammar), conversation, sink)
    await session.run(debtor.line(sink))
    # Free decoding of espeak's Korean is unreliable (PEERS.md); the vocabulary makes it exact.
    assert conversation.heard_texts == [NO]
