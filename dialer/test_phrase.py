"""The phrase an operator's line check plays: Russian espeak-ng speech at the line's rate."""
from __future__ import annotations

import io
import subprocess
import wave

from dialer.audio.frames import resample_to_line

TEST_PHRASE = "Проверка линии. Это тестовый звонок системы Возврат. Спасибо, до свидания."


def speak_ru(text: str) -> bytes:
    """16-bit PCM at 8 kHz of ``text`` spoken by espeak-ng (blocking: run it in a thread)."""
    spoken = subprocess.run(["espeak-ng", "-v", "ru", "-s", "160", "--stdout", text],
                            check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(spoken)) as clip:
        rate, pcm = clip.getframerate(), clip.readframes(clip.getnframes())
    return resample_to_line(pcm, rate)
