"""The answering-machine classifier: a small state machine over 20 ms frames of the callee's audio
from the moment of answer, deciding as soon as one rule is sure.

Rules, in the order they can fire:
- a fax tone (CED at any time, CNG before any speech) → ``fax``;
- two different SIT tones back to back → ``carrier_announcement``;
- a key phrase heard by the ASR (phrases.yaml) → its kind;
- a beep (one steady tone that ends) → ``machine``: a voicemail asking for the message;
- a short first utterance followed by a pause → ``human``: a person says "алло" and waits (the
  pause shortened for one who spoke late, so that a person is still answered by the deadline);
- a first utterance that runs on past a person's longest greeting is no person; which machine it
  is, the sound tells as the greeting goes on:
  - it was already sounding at the answer → ``carrier_announcement`` (with keyword spotting on,
    held a little longer for the ASR to hear a phrase that says otherwise);
  - it stops, leaves a turn of silence, then speaks again: the same audio again (a loop) →
    ``carrier_announcement``, other words → ``screening`` (an assistant asking the caller again);
  - it stops and stays silent (no beep) → ``machine``: a voicemail recording;
- nothing heard for ``silence_s`` → ``silence``;
- still undecided at ``max_analysis_s`` (or when the audio ends): the best reading of what was
  heard, said so in the evidence.

The classifier is synchronous and cheap (a Goertzel bank, an FFT and Silero VAD per frame); the
async wrapper in stream.py runs it off the event loop and feeds it the ASR's words.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import numpy as np

from voicebot.amd.keywords import spot
from voicebot.amd.settings import AmdSettings
from voicebot.amd.similarity import band_envelope, best_alignment
from voicebot.amd.tones import CED_HZ, CNG_HZ, SIT_HZ, ToneDetector
from voicebot.speech.audio import FRAME_BYTES, FRAME_SECONDS, pcm_to_float

# Two frames' tone frequencies closer than this are one tone (the bank's resolution is 25 Hz).
SAME_TONE_HZ = 40.0
# SIT segments follow each other without a gap (E.180); a lost packet may open one of 40 ms.
SIT_GAP_S = 0.06
# A voicemail beep is over in 1.5 s; a steady tone longer than that is a line tone, not a beep.
BEEP_MAX_S = 1.5
# A tone survives this many frames without it: a late or lost RTP packet becomes a frame of
# silence on the line, and a loaded machine loses a few (a fax tone cut in two is two beeps).
TONE_GAP_FRAMES = 3
# Silero may open the two renditions of a looped announcement a few windows apart (a soft first
# consonant heard once and not the other time): their starts are aligned within this much.
REPEAT_ALIGN_S = 0.2


class AnswerKind(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"
    CARRIER_ANNOUNCEMENT = "carrier_announcement"
    SCREENING = "screening"
    SILENCE = "silence"
    FAX = "fax"


@dataclass
class Evidence:
    """What the decision rests on; every time in seconds from the answer."""

    rule: str = ""
    speech_onset_s: float | None = None
    first_utterance_s: float | None = None
    pause_after_s: float | None = None
    turn_pause_s: float | None = None
    repeat_similarity: float | None = None
    beep_at_s: float | None = None
    beep_hz: float | None = None
    sit_tones_hz: list[float] = field(default_factory=list)
    fax_tone_hz: float | None = None
    transcript: str = ""
    phrase: str = ""

    def as_dict(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if value not in (None, "", [])}


@dataclass(frozen=True)
class Decision:
    kind: AnswerKind
    decided_after_s: float
    evidence: Evidence


@dataclass
class _ToneRun:
    hz: float
    start_s: float
    end_s: float
    named: bool
    # A lone SIT-frequency tone is judged as a possible beep once, when no SIT tone followed it.
    judged: bool = False

    @property
    def length_s(self) -> float:
        return self.end_s - self.start_s


# Speech probability of each frame: the classifier does not care where it comes from (Silero in
# production; the tests of the rules may give a plain energy rule).
SpeechProbability = Callable[[bytes], float]


class AnsweringClassifier:
    def __init__(self, settings: AmdSettings, speech_probability: SpeechProbability,
                 listening_for_phrases: bool = False) -> None:
        self._settings = settings
        self._speech_probability = speech_probability
        self._listening = listening_for_phrases
        self._tones = ToneDetector(settings.tone_share, settings.tone_level_dbfs)
        self._min_speech_frames = max(1, round(settings.min_speech_s / FRAME_SECONDS))
        self.evidence = Evidence()
        self.decision: Decision | None = None
        self._frames = 0
        self._speech_run = 0
        self._utterance_start: float | None = None
        self._last_speech_end: float | None = None
        # Any voiced frame, also those too few yet to open speech: a pause is silence, and a word
        # that Silero starts hearing softly is not part of it.
        self._last_voiced = 0.0
        # The greeting is too long for a person; what follows tells which machine it is.
        self._long_greeting = False
        self._resumed_at: float | None = None
        self._envelopes: list[np.ndarray] = []
        self._first_utterance_over = False
        self._run: _ToneRun | None = None
        self._sit_runs: list[_ToneRun] = []
        self._heard_anything = False

    @property
    def now_s(self) -> float:
        return round(self._frames * FRAME_SECONDS, 3)

    def push(self, frame: bytes) -> Decision | None:
        """Take the next 20 ms; the decision once there is one (then further frames are ignored)."""
        if self.decision is not None:
            return self.decision
        if len(frame) != FRAME_BYTES:
            raise ValueError(f"a frame is {FRAME_BYTES} bytes, got {len(frame)}")
        self._frames += 1
        samples = pcm_to_float(frame)
        self._envelopes.append(band_envelope(samples))
        tones = self._tones.frame(samples)
        tone_hz = tones.named_hz or tones.beep_hz
        self._track_tone(tone_hz, tones.named_hz is not None)
        if self.decision is None:
            voiced = (tone_hz is None
                      and self._speech_probability(frame) >= self._settings.vad_threshold)
            self._track_speech(voiced, tones.level_dbfs >= self._settings.speech_level_dbfs)
        if self.decision is None:
            self._check_time()
        return self.decision

    def hear(self, transcript: str) -> Decision | None:
        """The ASR's words so far; a key phrase decides at once."""
        if self.decision is not None or not transcript:
            return self.decision
        self.evidence.transcript = transcript
        match = spot(transcript)
        if match is not None:
            self.evidence.phrase = match.phrase
            self._decide(AnswerKind(match.kind), f"key phrase of {match.kind}")
        return self.decision

    def finish(self) -> Decision:
        """The audio ended (the callee hung up, or the clip is over): decide on what was heard."""
        if self.decision is None:
            self._close_tone_run()
        if self.decision is None:
            self._best_reading("the audio ended")
        assert self.decision is not None
        return self.decision

    def _decide(self, kind: AnswerKind, rule: str) -> None:
        if self.decision is None:
            self.evidence.rule = rule
            self.decision = Decision(kind, self.now_s, self.evidence)

    # Tones.
    def _track_tone(self, hz: float | None, named: bool) -> None:
        end = self.now_s
        run = self._run
        if hz is not None and run is not None and abs(hz - run.hz) <= SAME_TONE_HZ:
            run.end_s = end
        elif (hz is None and run is not None
              and end - run.end_s < TONE_GAP_FRAMES * FRAME_SECONDS + FRAME_SECONDS / 2):
            pass  # a gap that may yet be bridged
        else:
            self._close_tone_run()
            if hz is not None:
                self._heard_anything = True
                self._run = _ToneRun(hz, round(end - FRAME_SECONDS, 3), end, named)
        if self.decision is None and self._run is not None:
            self._check_long_tone(self._run)
        if self.decision is None:
            self._check_lone_sit_tone()

    def _check_long_tone(self, run: _ToneRun) -> None:
        """Fax tones decide while they sound: nothing else sounds like them for so long."""
        if run.hz == CED_HZ and run.length_s >= self._settings.ced_min_s:
            self.evidence.fax_tone_hz = CED_HZ
            self._decide(AnswerKind.FAX, "fax answer tone (CED)")
        elif (run.hz == CNG_HZ and run.length_s >= self._settings.cng_min_s
              and self._utterance_start is None):
            self.evidence.fax_tone_hz = CNG_HZ
            self._decide(AnswerKind.FAX, "fax calling tone (CNG) before any speech")

    def _close_tone_run(self) -> None:
        run, self._run = self._run, None
        if run is None or self.decision is not None:
            return
        if run.named and run.hz in SIT_HZ and run.length_s >= self._settings.sit_min_tone_s:
            previous = self._sit_runs[-1] if self._sit_runs else None
            self._sit_runs.append(run)
            if (previous is not None and previous.hz != run.hz
                    and run.start_s - previous.end_s <= SIT_GAP_S):
                self.evidence.sit_tones_hz = [r.hz for r in self._sit_runs]
                self._decide(AnswerKind.CARRIER_ANNOUNCEMENT, "special information tones (SIT)")
            return  # a lone SIT-frequency tone may still be a beep: _check_lone_sit_tone
        self._judge_beep(run)

    def _check_lone_sit_tone(self) -> None:
        """A SIT-frequency tone that no other SIT tone followed was a beep of that pitch."""
        if not self._sit_runs or (self._run is not None and self._run.hz in SIT_HZ):
            return
        last = self._sit_runs[-1]
        if self.now_s - last.end_s > SIT_GAP_S and not last.judged:
            last.judged = True
            self._judge_beep(last)

    def _judge_beep(self, run: _ToneRun) -> None:
        if self._settings.beep_min_s <= run.length_s <= BEEP_MAX_S:
            self.evidence.beep_at_s = run.start_s
            self.evidence.beep_hz = run.hz
            self._decide(AnswerKind.MACHINE, "voicemail beep")

    # Speech.
    def _track_speech(self, voiced: bool, loud: bool) -> None:
        """Speech opens an utterance only when loud enough to be more than the line's noise;
        once open, Silero alone follows it: the quiet consonants of a soft voice fall below any
        level gate, and a gap there would cut a machine's greeting into a person's short words."""
        now = self.now_s
        speech = voiced and (loud or self._last_speech_end is not None
                             and now - self._last_speech_end < self._settings.after_greeting_silence_s)
        if speech:
            self._speech_run += 1
            self._last_voiced = now
            if self._speech_run >= self._min_speech_frames:
                self._heard_anything = True
                start = round(now - self._speech_run * FRAME_SECONDS, 3)
                if self._utterance_start is None:
                    self._utterance_start = start
                    self.evidence.speech_onset_s = start
                elif self._speech_run == self._min_speech_frames:
                    self._note_resumption(start)
                self._last_speech_end = now
            return
        self._speech_run = 0
        if self._utterance_start is None or self._first_utterance_over:
            return
        assert self._last_speech_end is not None
        pause_start = max(self._last_speech_end, self._last_voiced)
        pause = now - pause_start
        # A tone sounding in the pause is not a person waiting: hold on until it is judged.
        if pause >= self._pause_needed(pause_start) and self._run is None:
            self._first_utterance_over = True
            self.evidence.first_utterance_s = round(self._last_speech_end - self._utterance_start, 3)
            self.evidence.pause_after_s = round(pause, 3)
            if self.evidence.first_utterance_s <= self._settings.max_human_greeting_s:
                self._decide(AnswerKind.HUMAN, "a short first utterance, then a pause")
            else:
                self._long_greeting = True

    def _pause_needed(self, pause_start: float) -> float:
        """The pause that ends the first utterance: the full one where a person would still be
        answered within ``person_deadline_s``, else what is left until then, but never less than
        ``min_after_greeting_silence_s``. The longer the wait, the surer that no greeting's next
        sentence is coming, so the time the goal leaves is all spent on being sure; where even the
        least pause misses it, the goal is lost anyway and the full pause is taken again."""
        settings = self._settings
        left = settings.person_deadline_s - pause_start
        if left < settings.min_after_greeting_silence_s:
            return settings.after_greeting_silence_s
        return min(settings.after_greeting_silence_s, left)

    def _note_resumption(self, start: float) -> None:
        """Speech again after the long greeting: after a caller's turn of silence, it is what tells
        a loop from an assistant asking again."""
        assert self._last_speech_end is not None
        pause = start - self._last_speech_end
        if (self._long_greeting and self._resumed_at is None
                and pause >= self._settings.caller_turn_pause_s):
            self._resumed_at = start
            self.evidence.turn_pause_s = round(pause, 3)

    def _check_time(self) -> None:
        now = self.now_s
        settings = self._settings
        if self._utterance_start is not None and not self._first_utterance_over:
            # Up to the last voiced frame: a trailing pause is not part of the greeting.
            assert self._last_speech_end is not None
            spoken = self._last_speech_end - self._utterance_start
            if spoken > settings.max_human_greeting_s:
                self.evidence.first_utterance_s = round(spoken, 3)
                self._long_greeting = True
        if self._long_greeting:
            self._check_long_greeting()
            if self.decision is not None:
                return
        if not self._heard_anything and now >= settings.silence_s:
            self._decide(AnswerKind.SILENCE, "nothing heard")
        elif now >= settings.max_analysis_s:
            self._best_reading("analysis time over")

    def _check_long_greeting(self) -> None:
        now = self.now_s
        settings = self._settings
        assert self.evidence.speech_onset_s is not None and self._last_speech_end is not None
        if (self.evidence.speech_onset_s <= settings.announcement_onset_s
                and (not self._listening or now >= settings.keyword_wait_s)):
            self._decide(AnswerKind.CARRIER_ANNOUNCEMENT,
                         "a greeting too long for a person, already sounding at the answer")
        elif self._resumed_at is not None:
            if now - self._resumed_at >= settings.repeat_match_s:
                self._judge_resumption(self._resumed_at)
        elif (self._run is None
              and now - max(self._last_speech_end, self._last_voiced) >= settings.voicemail_silence_s):
            self._decide(AnswerKind.MACHINE, "a long greeting, then silence to record in")

    def _judge_resumption(self, resumed_at: float) -> None:
        assert self._utterance_start is not None
        similarity = best_alignment(
            np.array(self._envelopes), round(self._utterance_start / FRAME_SECONDS),
            round(resumed_at / FRAME_SECONDS), round(self._settings.repeat_match_s / FRAME_SECONDS),
            round(REPEAT_ALIGN_S / FRAME_SECONDS))
        self.evidence.repeat_similarity = round(similarity, 3)
        if similarity >= self._settings.repeat_similarity:
            self._decide(AnswerKind.CARRIER_ANNOUNCEMENT,
                         "the greeting again after a pause: a looped announcement")
        else:
            self._decide(AnswerKind.SCREENING,
                         "a long greeting, a turn left for the caller, then other words")

    def _best_reading(self, why: str) -> None:
        if self._sit_runs:
            self.evidence.sit_tones_hz = [r.hz for r in self._sit_runs]
            self._decide(AnswerKind.CARRIER_ANNOUNCEMENT, f"{why}: a SIT tone heard")
        elif self._utterance_start is not None:
            assert self._last_speech_end is not None
            length = self._last_speech_end - self._utterance_start
            if self.evidence.first_utterance_s is None:
                self.evidence.first_utterance_s = round(length, 3)
            kind = (AnswerKind.HUMAN if length <= self._settings.max_human_greeting_s
                    else AnswerKind.MACHINE)
            self._decide(kind, f"{why}: judged by the first utterance's length")
        else:
            self._decide(AnswerKind.SILENCE, f"{why}: no speech heard")
