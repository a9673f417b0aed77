"""Silero VAD as scripts/setup.sh extracts it, loaded once for the answering-machine tests."""
from __future__ import annotations

from pathlib import Path

import onnxruntime
import pytest

from voicebot.speech.settings import SpeechSettings
from voicebot.speech.vad import load_vad_model


@pytest.fixture(scope="session")
def vad_model() -> onnxruntime.InferenceSession:
    return load_vad_model(Path(SpeechSettings().vad_model))
