"""One call's inbound audio, frame by frame: where the debtor's speech starts and where a turn ends.

Voice activity gates the ASR: only speech (with a short pre-roll) reaches the recogniser, so a
call's silences cost almost nothing, which is what lets many calls share two cores. Blocking (ONNX
runs): the audio session calls ``listen`` from a worker thread.
"""
from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import onnxruntime

from voicebot.speech.audio import FRAME_MS, FRAME_SAMPLES, pcm_to_float
from voicebot.speech.settings import SpeechSettings
from voicebot.speech.turn import TURN_WINDOW_SAMPLES, turn_complete_probability
from voicebot.speech.vad import VoiceActivity


@dataclass(frozen=True)
class StampedFrame:
    pcm: bytes
    # Event-loop time the frame arrived.
    at: float


@dataclass(frozen=True)
class SpeechStarted:
    """Speech confirmed (the barge-in signal); ``at`` is the confirming frame's arrival."""

    at: float


@dataclass(frozen=True)
class SpeechAudio:
    """A frame for the recogniser."""

    pcm: bytes


@dataclass(frozen=True)
class TurnEnded:
    """The debtor finished a turn; ``speech_ended_at`` is the arrival of its last voiced frame."""

    speech_ended_at: float


Heard = SpeechStarted | SpeechAudio | TurnEnded

# Smart Turn runs (about 80 ms each) while the listener goes on with the pause's frames: one
# worker per core, shared by every call of the process.
TURN_WORKERS = os.cpu_count() or 1
TURN_QUESTIONS = ThreadPoolExecutor(max_workers=TURN_WORKERS, thread_name_prefix="smart-turn")


class TurnListener:
    """``wait_for_verdicts``: for recorded audio fed faster than real time (tests, the benchmark's
    cost measure), wait at the frame that needs Smart Turn's answer, as a line's 20 ms pace would
    have given it time to come; a call never waits (see ``_turn_is_over``)."""

    def __init__(self, settings: SpeechSettings, vad_model: onnxruntime.InferenceSession,
                 turn_model: onnxruntime.InferenceSession | None,
                 wait_for_verdicts: bool = False) -> None:
        self._settings = settings
        self._wait_for_verdicts = wait_for_verdicts
        self._vad = VoiceActivity(vad_model)
        self._turn_model = turn_model
        self._voiced = False
        self._pre_roll: deque[bytes] = deque(maxlen=max(1, settings.pre_roll_ms // FRAME_MS))
        self._voiced_run = 0
        self._in_turn = False
        # The turn's recent audio for the end-of-turn model, which looks at its last 8 s.
        self._turn_audio: deque[bytes] = deque(maxlen=TURN_WINDOW_SAMPLES // FRAME_SAMPLES)
        self._last_voiced_at = 0.0
        self._silent_frames = 0
        # The Smart Turn answer for the current pause, asked or given (None: not asked yet).
        self._verdict: Future[float] | None = None

    def listen(self, frames: list[StampedFrame]) -> list[Heard]:
        """What ``frames`` reveal, in order (a batch may end one turn and start the next)."""
        heard: list[Heard] = []
        for frame in frames:
            self._frame(frame, heard)
        return heard

    def _frame(self, frame: StampedFrame, heard: list[Heard]) -> None:
        probabilities = self._vad.push(frame.pcm)
        if probabilities:
            self._voiced = probabilities[-1] >= self._settings.vad_threshold
        self._voiced_run = self._voiced_run + 1 if self._voiced else 0
        if not self._in_turn:
            self._pre_roll.append(frame.pcm)
            if self._voiced_run * FRAME_MS >= self._settings.speech_start_ms:
                self._start_turn(frame, heard)
            return
        heard.append(SpeechAudio(frame.pcm))
        self._turn_audio.append(frame.pcm)
        if self._voiced:
            self._last_voiced_at = frame.at
            self._forget_verdict()
            return
        self._silent_frames += 1
        if self._turn_is_over():
            heard.append(TurnEnded(self._last_voiced_at))
            self._in_turn = False
            self._turn_audio.clear()
            self._voiced_run = 0

    def _start_turn(self, frame: StampedFrame, heard: list[Heard]) -> None:
        self._in_turn = True
        heard.append(SpeechStarted(frame.at))
        heard.extend(SpeechAudio(pcm) for pcm in self._pre_roll)
        self._turn_audio.clear()
        self._turn_audio.extend(self._pre_roll)
        self._pre_roll.clear()
        self._last_voiced_at = frame.at
        self._forget_verdict()

    def _forget_verdict(self) -> None:
        self._silent_frames = 0
        if self._verdict is not None:
            self._verdict.cancel()
        self._verdict = None

    def _turn_is_over(self) -> bool:
        pause_ms = self._silent_frames * FRAME_MS
        if pause_ms >= self._settings.turn_max_pause_ms:
            self._forget_verdict()
            return True
        if self._turn_model is None:
            return False
        if self._verdict is None and pause_ms >= self._settings.turn_ask_ms:
            # Asked once per pause, ahead of turn_pause_ms so that the model's run overlaps the
            # rest of the pause instead of following it.
            audio = pcm_to_float(b"".join(self._turn_audio))
            self._verdict = TURN_QUESTIONS.submit(turn_complete_probability, self._turn_model,
                                                  audio)
        if self._verdict is None or pause_ms < self._settings.turn_pause_ms:
            return False
        # Usually answered by now; if not (a loaded machine), the next frame asks again. Waiting
        # here would hold this worker, which every call of the process shares, and at sixteen
        # calls whose turns end together it stalled every call's voice activity for seconds. A
        # "not yet" waits for more speech or the longest pause.
        if not self._verdict.done() and not self._wait_for_verdicts:
            return False
        complete = self._verdict.result() > 0.5
        if complete:
            self._forget_verdict()
        return complete

