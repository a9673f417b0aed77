"""Speech clips for the audio tests: Russian espeak-ng voice, resampled by sox to the line's format."""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path

NUMBERS = ["один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
           "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
           "семнадцать", "восемнадцать", "девятнадцать", "двадцать"]


def long_text(opening: str, sentences: int) -> str:
    """Distinct sentences, so no stretch of the clip matches another (alignment stays unique)."""
    return " ".join(f"{opening}, фраза номер {NUMBERS[i % 20]}, квартира {i * 7 + 3}, "
                    f"сумма {i * 131 + 57} рублей." for i in range(sentences))


def speak(path: Path, text: str, pad_s: float = 0.0, speed: int = 170) -> Path:
    """8 kHz mono 16-bit WAV of ``text``, with ``pad_s`` of silence after it."""
    raw = path.with_suffix(".espeak.wav")
    subprocess.run(["espeak-ng", "-v", "ru", "-s", str(speed), "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "8000", "-b", "16", "-c", "1", str(path),
                    "gain", "-n", "-3", "pad", "0", str(pad_s)], check=True)
    raw.unlink()
    return path


def read_pcm(path: Path) -> bytes:
    with wave.open(str(path), "rb") as clip:
        assert (clip.getframerate(), clip.getsampwidth(), clip.getnchannels()) == (8000, 2, 1), path
        return clip.readframes(clip.getnframes())


def duration_s(pcm16: bytes) -> float:
    return len(pcm16) / 16000
