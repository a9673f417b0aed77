"""Labelled clips of the callee's side from the moment of answer, made on the spot: Russian speech
by espeak-ng (resampled to the line by sox, as tests/dialer/speech.py does), tones and silence by
numpy. Shared by the tests and bench/amd.py."""
from __future__ import annotations

import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicebot.amd.tones import CED_HZ, CNG_HZ, SIT_HZ
from voicebot.speech.audio import SAMPLE_RATE

HUMAN_REPLIES = ["Алло.", "Да.", "Алло, да.", "Слушаю.", "Да, слушаю.", "Алло, здравствуйте.",
                 "Алло, кто это?", "Да, говорите."]
GREETINGS = [
    "Здравствуйте, вы позвонили Ивану Петрову. Я не могу сейчас ответить, оставьте сообщение "
    "после сигнала.",
    "Добрый день. Сейчас я не могу подойти к телефону. Пожалуйста, оставьте ваше сообщение, и я "
    "перезвоню вам.",
    "Привет, это Марина. Перезвоню, как только смогу, говорите после гудка.",
    "Вы дозвонились в квартиру Сидоровых. Нас нет дома, оставьте, пожалуйста, сообщение.",
]
ANNOUNCEMENTS = [
    "Аппарат абонента выключен или находится вне зоны действия сети.",
    "Номер набран неправильно. Проверьте номер и наберите его снова.",
    "Абонент временно недоступен. Попробуйте позвонить позднее.",
]
SCREENINGS = [
    "Здравствуйте, я голосовой помощник абонента. Представьтесь и скажите, по какому вы вопросу.",
    "Добрый день, это умный секретарь. Скажите, кто вы и по какому вопросу звоните.",
]
# What a screening assistant says when the caller leaves its turn silent.
FOLLOW_UPS = ["Пожалуйста, представьтесь.", "Говорите, я вас слушаю.",
              "Извините, я вас не расслышала. Кто звонит?"]
VOICES = ["ru", "ru+m3", "ru+f2", "ru+f4", "ru+m5"]
# A switch plays its announcement over and over with a short pause between, until the caller hangs up.
LOOP_PAUSE_S = 1.5


@dataclass(frozen=True)
class Clip:
    name: str
    label: str
    pcm: bytes
    # What the keyword path would hear with a Russian ASR (the tests' injected transcript).
    text: str = ""


def speech(text: str, voice: str = "ru", speed: int = 160, gain_db: float = -3.0) -> bytes:
    """``text`` spoken by espeak-ng at ``speed`` words a minute, at the line's rate and format."""
    with tempfile.TemporaryDirectory() as folder:
        raw, line = Path(folder) / "raw.wav", Path(folder) / "line.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text],
                       check=True)
        subprocess.run(["sox", str(raw), "-r", str(SAMPLE_RATE), "-b", "16", "-c", "1", str(line),
                        "gain", "-n", str(gain_db)], check=True)
        with wave.open(str(line), "rb") as clip:
            return clip.readframes(clip.getnframes())


def silence(seconds: float) -> bytes:
    return b"\0\0" * round(seconds * SAMPLE_RATE)


def tone(hz: float, seconds: float, level_dbfs: float = -10.0) -> bytes:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    amplitude = 10 ** (level_dbfs / 20)
    return (amplitude * np.sin(2 * np.pi * hz * t) * 32767).astype("<i2").tobytes()


def noise(seconds: float, level_dbfs: float = -55.0, seed: int = 0) -> bytes:
    """Line noise under everything, as a real trunk has (the rules must not take it for speech)."""
    amplitude = 10 ** (level_dbfs / 20)
    samples = np.random.default_rng(seed).normal(0, amplitude, round(seconds * SAMPLE_RATE))
    return (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()


def with_noise(pcm: bytes, seed: int = 0) -> bytes:
    signal = np.frombuffer(pcm, dtype="<i2").astype(np.int32)
    line = np.frombuffer(noise(len(signal) / SAMPLE_RATE, seed=seed), dtype="<i2")
    return np.clip(signal + line, -32768, 32767).astype("<i2").tobytes()


def sit() -> bytes:
    """The three SIT segments of ITU-T E.180 (274, 274, 380 ms)."""
    return tone(SIT_HZ[0], 0.274) + tone(SIT_HZ[1], 0.274) + tone(SIT_HZ[2], 0.380)


def human(reply: str, voice: str = "ru", speed: int = 160, gain_db: float = -3.0,
          pickup_s: float = 0.4) -> bytes:
    """A person: picks up, says a few words, and waits for the caller."""
    return silence(pickup_s) + speech(reply, voice, speed, gain_db) + silence(4.0)


def voicemail(greeting: str, beep_hz: float | None = 1000.0, voice: str = "ru", speed: int = 160,
              gain_db: float = -3.0) -> bytes:
    tail = tone(beep_hz, 0.5) + silence(3.0) if beep_hz else silence(3.0)
    return silence(0.2) + speech(greeting, voice, speed, gain_db) + silence(0.3) + tail


def announcement(text: str, with_sit: bool = True, voice: str = "ru", speed: int = 160,
                 lead_s: float = 0.1, loops: int = 1, started_s: float = 0.0) -> bytes:
    """A carrier's announcement ``loops`` times over; ``started_s`` of it already played before the
    answer (early media), so the clip opens in the middle of a word."""
    spoken = speech(text, voice, speed)
    first = spoken[round(started_s * SAMPLE_RATE) * 2:]
    loop = silence(LOOP_PAUSE_S) + spoken
    return silence(lead_s) + (sit() if with_sit else b"") + first + loop * (loops - 1) + silence(1.0)


def screening(text: str, follow_up: str, voice: str = "ru", speed: int = 160,
              turn_s: float = 2.0) -> bytes:
    """A screening assistant: its greeting, a silent turn left for the caller, then it asks again."""
    return (silence(0.3) + speech(text, voice, speed) + silence(turn_s)
            + speech(follow_up, voice, speed) + silence(2.0))


def fax_calling() -> bytes:
    """CNG: 0.5 s of 1100 Hz every 3.5 s."""
    return silence(0.3) + (tone(CNG_HZ, 0.5) + silence(3.0)) * 2


def fax_answer() -> bytes:
    return silence(0.2) + tone(CED_HZ, 3.0) + silence(1.0)


def write_wav(path: Path, pcm: bytes) -> Path:
    with wave.open(str(path), "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(SAMPLE_RATE)
        clip.writeframes(pcm)
    return path


def labelled_set() -> list[Clip]:
    """The benchmark's set: every kind, in varied voices, speeds and levels, over line noise."""
    clips: list[Clip] = []
    for i, reply in enumerate(HUMAN_REPLIES * 2):
        voice, speed = VOICES[i % len(VOICES)], (130, 160, 190)[i % 3]
        gain = (-3.0, -12.0, -20.0)[i % 3]
        clips.append(Clip(f"human-{i:02d}", "human",
                          human(reply, voice, speed, gain, pickup_s=0.2 + 0.2 * (i % 4)), reply))
    for i, greeting in enumerate(GREETINGS * 3):
        voice, speed = VOICES[(i + 1) % len(VOICES)], (140, 170, 200)[i % 3]
        beep = (1000.0, None, 1400.0, 850.0)[i % 4]
        clips.append(Clip(f"machine-{i:02d}", "machine",
                          voicemail(greeting, beep, voice, speed, (-3.0, -15.0)[i % 2]), greeting))
    for i, text in enumerate(ANNOUNCEMENTS):
        clips.append(Clip(f"carrier-{i:02d}", "carrier_announcement",
                          announcement(text, voice=VOICES[i % len(VOICES)]), text))
    # Without SIT: the first three already sounding at the answer, the next three starting after a
    # gap as a voicemail would, told by their loop.
    for i, text in enumerate(ANNOUNCEMENTS * 2, start=len(ANNOUNCEMENTS)):
        sounding = i < 2 * len(ANNOUNCEMENTS)
        clips.append(Clip(f"carrier-{i:02d}", "carrier_announcement",
                          announcement(text, with_sit=False, voice=VOICES[i % len(VOICES)],
                                       speed=(150, 175, 200)[i % 3], lead_s=0.0 if sounding else 0.4,
                                       loops=2, started_s=0.3 * sounding), text))
    for i, text in enumerate(SCREENINGS * 3):
        clips.append(Clip(f"screening-{i:02d}", "screening",
                          screening(text, FOLLOW_UPS[i % len(FOLLOW_UPS)], VOICES[(i + 2) % len(VOICES)],
                                    (145, 170, 195)[i % 3], turn_s=(1.5, 2.0, 2.5)[i % 3]), text))
    for i in range(3):
        clips.append(Clip(f"silence-{i}", "silence", silence(6.0 + i)))
    clips.append(Clip("fax-cng", "fax", fax_calling()))
    clips.append(Clip("fax-ced", "fax", fax_answer()))
    return [Clip(c.name, c.label, with_noise(c.pcm, seed=n), c.text) for n, c in enumerate(clips)]


def breadth_set() -> list[Clip]:
    """Beyond the labelled set: every person's reply and every machine's text in every voice at
    120–180 words a minute, persons picking up late (0.8 s), machines without a beep. Slower speech
    than the labelled set's machines has longer sentence pauses, so this is where a person's pause
    and a greeting's meet."""
    clips: list[Clip] = []
    for voice in VOICES:
        for speed in (120, 150, 180):
            for i, reply in enumerate(HUMAN_REPLIES):
                clips.append(Clip(f"human-{i}-{voice}-{speed}", "human",
                                  human(reply, voice, speed, pickup_s=0.8), reply))
            for i, text in enumerate(GREETINGS + SCREENINGS):
                clips.append(Clip(f"machine-{i}-{voice}-{speed}", "machine",
                                  voicemail(text, None, voice, speed), text))
            for i, text in enumerate(ANNOUNCEMENTS):
                clips.append(Clip(f"carrier-{i}-{voice}-{speed}", "carrier_announcement",
                                  announcement(text, False, voice, speed, lead_s=0.4, loops=2), text))
    return [Clip(c.name, c.label, with_noise(c.pcm, seed=n), c.text) for n, c in enumerate(clips)]
