"""The classifier on a live stream or a file: Silero VAD for speech, vosk for key phrases, all of it
off the event loop.

Frames are taken in chunks of ``CHUNK_FRAMES``: each chunk goes through VAD, tones and (with
keywords on) the recogniser in one worker-thread hop, and the chunk's words reach the classifier
before its next chunk. That keeps a file's result independent of the machine's speed, costs at most
one chunk of decision latency on a live call, and spares a thread hop per 20 ms frame. The
recogniser is a bare vosk KaldiRecognizer rather than speech.asr.StreamingRecognizer because the
latter decodes in the background by turns, and the classifier needs the words of each chunk in
step with its frames.
"""
from __future__ import annotations

import asyncio
import json
import wave
from collections.abc import AsyncIterable, Iterable
from pathlib import Path
from typing import Protocol

import onnxruntime
import vosk

from voicebot.amd.classifier import AnsweringClassifier, Decision
from voicebot.amd.settings import AmdSettings
from voicebot.speech.asr import load_model
from voicebot.speech.audio import SAMPLE_RATE, SAMPLE_WIDTH, split_frames
from voicebot.speech.settings import SpeechSettings, speech_settings, vosk_model_path
from voicebot.speech.vad import VoiceActivity, load_vad_model

# 100 ms: a tenth of the shortest pause the rules wait for, so chunking never delays them noticeably.
CHUNK_FRAMES = 5


class _SileroProbability:
    """Silero scores 32 ms windows; a 20 ms frame takes the latest window's score."""

    def __init__(self, model: onnxruntime.InferenceSession) -> None:
        self._vad = VoiceActivity(model)
        self._last = 0.0

    def __call__(self, frame: bytes) -> float:
        scores = self._vad.push(frame)
        if scores:
            self._last = max(scores)
        return self._last


class Transcriber(Protocol):
    """Words heard so far on the call, given the next chunk of audio."""

    def transcribe(self, chunk: bytes) -> str: ...


class VoskTranscriber:
    def __init__(self, model: vosk.Model) -> None:
        self._recognizer = vosk.KaldiRecognizer(model, SAMPLE_RATE)
        self._final_words: list[str] = []

    def transcribe(self, chunk: bytes) -> str:
        if self._recognizer.AcceptWaveform(chunk):
            self._final_words.append(json.loads(self._recognizer.Result())["text"])
            partial = ""
        else:
            partial = json.loads(self._recognizer.PartialResult())["partial"]
        return " ".join(part for part in (*self._final_words, partial) if part)


class AnswerDetector:
    """One answered call's classification: ``feed`` chunks of frames until a decision comes.

    With a ``transcriber`` the classifier also listens for the key phrases of phrases.yaml.
    """

    def __init__(self, settings: AmdSettings, vad_model: onnxruntime.InferenceSession,
                 transcriber: Transcriber | None = None) -> None:
        self.classifier = AnsweringClassifier(settings, _SileroProbability(vad_model),
                                              listening_for_phrases=transcriber is not None)
        self._transcriber = transcriber

    def _take(self, frames: list[bytes]) -> Decision | None:
        for frame in frames:
            if self.classifier.push(frame) is not None:
                return self.classifier.decision
        if self._transcriber is not None:
            return self.classifier.hear(self._transcriber.transcribe(b"".join(frames)))
        return None

    async def feed(self, frames: list[bytes]) -> Decision | None:
        return await asyncio.to_thread(self._take, frames)

    def finish(self) -> Decision:
        return self.classifier.finish()


async def classify_stream(detector: AnswerDetector, frames: AsyncIterable[bytes]) -> Decision:
    """Read ``frames`` until the decision; the stream ending first decides on what was heard."""
    chunk: list[bytes] = []
    async for frame in frames:
        chunk.append(frame)
        if len(chunk) >= CHUNK_FRAMES:
            decision = await detector.feed(chunk)
            chunk = []
            if decision is not None:
                return decision
    if chunk and (decision := await detector.feed(chunk)) is not None:
        return decision
    return detector.finish()


async def _iterate(frames: Iterable[bytes]) -> AsyncIterable[bytes]:
    for frame in frames:
        yield frame


def read_line_wav(path: Path) -> bytes:
    """The PCM of an 8 kHz mono 16-bit WAV; anything else is refused, not resampled silently."""
    with wave.open(str(path), "rb") as clip:
        shape = (clip.getframerate(), clip.getsampwidth(), clip.getnchannels())
        if shape != (SAMPLE_RATE, SAMPLE_WIDTH, 1):
            raise ValueError(f"{path}: {shape[0]} Hz, {shape[1] * 8}-bit, {shape[2]} channel(s); "
                             f"expected 8000 Hz 16-bit mono")
        return clip.readframes(clip.getnframes())


async def classify_pcm(detector: AnswerDetector, pcm: bytes) -> Decision:
    return await classify_stream(detector, _iterate(split_frames(pcm)))


async def load_detector(settings: AmdSettings, speech: SpeechSettings | None = None) -> AnswerDetector:
    """A detector on the process's shared models (the ASR only with keyword spotting on)."""
    speech = speech or speech_settings()

    def load() -> AnswerDetector:
        transcriber = (VoskTranscriber(load_model(vosk_model_path(speech)))
                       if settings.keywords else None)
        return AnswerDetector(settings, load_vad_model(Path(speech.vad_model)), transcriber)

    return await asyncio.to_thread(load)
