"""Dialer benchmark: how many answered calls with RTP both ways one dialer process holds, with RTP
alone and with the voice bot talking on every call.

RTP alone (``--levels``): Kamailio and one sipp callee (uas_answer with -rtp_echo: it answers every
call and echoes our audio back) run on loopback; the dialer places ``level`` calls at once, plays
speech into each for ``--seconds`` and reads the echo. Per level: the interval between consecutive
RTP packets each call sent (p50/p99/p99.9/max; pyVoIP alone measured p99.9 22 ms at 50 calls and
61 ms at 100), frames received per call (the echo came back), and the process's CPU per call.

With the bot (``--bot``): the callees are baresip debtors (CALLS_PER_DEBTOR calls each) that answer
and play generated Korean phrases (bench/voicebot.py's) after 2–4 s silences; every answered call
talks to a voice-bot session through dialer/bridge.py's ``talk`` on the engines the process shares
(Silero VAD, Smart Turn, vosk decoding freely or with bench/voicebot.py's grammar per ``--asr``, the
Rasa parse, espeak-ng), for ``--seconds`` once all are answered. Per level: turns heard and
answered within 5 s, response p50/p95 (debtor's last voiced frame → the bot's first frame), the
recogniser's text wait, the longest listening lag, the bot's RTP send interval, the cores used and
the load average. A level is at real time by bench/voicebot.py's measure: listening lag ≤ 200 ms,
send interval p99 ≤ 30 ms, at least 80 % of the heard turns answered within 5 s (goal: 16 calls).
bench/voicebot.py measures the bot without the line.

    .venv/bin/python bench/dialer.py [--levels 10,25,50,100] [--seconds 20] [--processes 1,2]
                                     [--bot 8,16,24 [--asr grammar,free] [--without-rasa]]

With ``--processes 2`` a level's calls are split over two dialer processes (each with its own
Kamailio and callees, and with the bot its own engines), as a deployment runs several workers; the
worst process's figures count. ``--bot`` alone measures only the bot (``--levels`` too, to measure
both). Writes bench/results/dialer.json: RTP alone under ``levels``, with the bot under
``with_bot``; a run replaces only its own.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path[0] = str(Path(__file__).resolve().parent.parent)

# Only now: from bench/ (the script's folder, first on the path until the line above) this would
# be bench/wave.py.
import wave  # noqa: E402

from bench.voicebot import (  # noqa: E402
    GOAL_SESSIONS,
    GRAMMAR,
    MAX_FRAME_INTERVAL_P99,
    MAX_LISTENING_LAG,
    MIN_ANSWERED_SHARE,
    BenchConversation,
    Utterance,
    cpu_seconds,
    nlu_client,
    nlu_service,
    percentile,
    utterances,
    voice_engines,
)
from dialer.bridge import LineSink, talk  # noqa: E402
from dialer.line import CallEndedError, LiveCall, PhoneLine  # noqa: E402
from dialer.peers.processes import HOST, PASSWORD, Baresip, Kamailio, SippCallee  # noqa: E402
from dialer.settings import SipSettings  # noqa: E402
from dialer.sip.registration import RegistrationStatus  # noqa: E402
from voicebot.speech.audio import SAMPLE_RATE  # noqa: E402
from voicebot.speech.engines import SpeechEngines  # noqa: E402
from voicebot.speech.session import AudioSession  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "dialer.json"
GOAL_P999_MS = 25.0
# A tone-like test signal: speech content does not change the cost of G.711 and RTP.
SPEECH = (np.sin(np.arange(8000 * 5) * 2 * np.pi * 440 / 8000) * 8000).astype("<i2").tobytes()
# Calls one baresip debtor takes at once (its config's call_max_calls); more calls, more debtors.
CALLS_PER_DEBTOR = 8
# The calls are placed over this long, so that the debtors' phrases (each call plays the same file
# from its answer) do not all end at the same moment, as they would not on a real wave.
DIAL_SPREAD_S = 3.0
# A turn counts as answered when the bot's first frame came this soon after the debtor's speech.
ANSWER_WITHIN_S = 5.0


async def _hold(call: LiveCall, seconds: float) -> int:
    received = 0
    deadline = time.monotonic() + seconds
    call.play(SPEECH * int(seconds // 5 + 1))
    try:
        while time.monotonic() < deadline:
            await call.read_frame()
            received += 1
    except CallEndedError:
        pass
    return received


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _line(proxy: Kamailio) -> PhoneLine:
    return PhoneLine(SipSettings(registrar=HOST, registrar_port=proxy.port, user="bench",
                                 password=PASSWORD, local_address=HOST, local_port=0,
                                 recording_retention_days=0, ring_timeout_s=10))


def _send_intervals_ms(calls: list[LiveCall]) -> np.ndarray:
    return np.concatenate([np.diff(np.array(call.sip.rtp.send_times)) * 1000
                           for call in calls if call.sip and call.sip.rtp.send_times])


def _start_measuring_sends(calls: list[LiveCall]) -> None:
    for call in calls:
        assert call.sip is not None
        call.sip.rtp.send_times = []


async def run_level(workdir: Path, level: int, seconds: float) -> dict[str, object]:
    proxy = Kamailio(workdir, ("WITH_AUTH",)).start()
    callee = SippCallee(workdir, proxy.port, "uas_answer", "echo",
                        ("-m", str(level), "-max_socket", str(level + 10))).start()
    line = _line(proxy)
    try:
        await line.start()
        await line.wait_registration(RegistrationStatus.REGISTERED)
        calls = await asyncio.gather(*(line.dial("echo") for _ in range(level)))
        answered = await asyncio.gather(*(call.wait_answered() for call in calls))
        _start_measuring_sends(calls)
        handoff = line.handoff
        assert handoff is not None
        drains_before, items_before = handoff.drains, handoff.items
        cpu_before, wall_before = _cpu_s(), time.monotonic()
        received = await asyncio.gather(*(_hold(call, seconds) for call in calls))
        cpu = _cpu_s() - cpu_before
        wall = time.monotonic() - wall_before
        drains, items = handoff.drains - drains_before, handoff.items - items_before
        intervals = _send_intervals_ms(calls)
        await asyncio.gather(*(call.hang_up() for call in calls))
    finally:
        await line.stop()
        callee.stop()
        proxy.stop()
    p50, p99, p999 = np.percentile(intervals, [50, 99, 99.9])
    return {
        "calls": level,
        "answered": int(sum(answered)),
        "seconds": round(wall, 1),
        "packet_interval_ms": {"p50": round(float(p50), 2), "p99": round(float(p99), 2),
                               "p99_9": round(float(p999), 2), "max": round(float(intervals.max()), 2)},
        "frames_received_per_call_min": int(min(received)),
        "frames_expected_per_call": int(seconds * 50),
        "cpu_percent_of_a_core_per_call": round(100 * cpu / wall / level, 2),
        # Event-loop wake-ups for the threads' frames and events (one per item before batching).
        "loop_wakeups_per_s": round(drains / wall),
        "items_per_loop_wakeup": round(items / max(drains, 1), 2),
        "meets_goal": bool(p999 <= GOAL_P999_MS and all(answered)),
    }


async def run_in_processes(level: int, processes: int, seconds: float) -> dict[str, object]:
    children = [await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--child", str(level // processes), "--seconds", str(seconds),
        stdout=asyncio.subprocess.PIPE) for _ in range(processes)]
    outputs = await asyncio.gather(*(child.communicate() for child in children))
    parts = [json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
    worst = {key: max(part["packet_interval_ms"][key] for part in parts)
             for key in ("p50", "p99", "p99_9", "max")}
    return {
        "calls": sum(part["calls"] for part in parts), "processes": processes,
        "answered": sum(part["answered"] for part in parts),
        "seconds": max(part["seconds"] for part in parts),
        "packet_interval_ms": worst,
        "frames_received_per_call_min": min(part["frames_received_per_call_min"] for part in parts),
        "frames_expected_per_call": parts[0]["frames_expected_per_call"],
        "cpu_percent_of_a_core_per_call": round(
            sum(part["cpu_percent_of_a_core_per_call"] * part["calls"] for part in parts)
            / sum(part["calls"] for part in parts), 2),
        "loop_wakeups_per_s": sum(part["loop_wakeups_per_s"] for part in parts),
        "items_per_loop_wakeup": min(part["items_per_loop_wakeup"] for part in parts),
        "meets_goal": all(part["meets_goal"] for part in parts),
    }


def _write_debtor(path: Path, phrases: list[Utterance], seconds: float, rng: random.Random) -> None:
    """The debtor's side of every call to one baresip: the phrases in random order, each after 2–4 s
    of silence, for ``seconds`` (baresip hangs up when the file ends)."""
    pcm = bytearray()
    while len(pcm) < seconds * SAMPLE_RATE * 2:
        pcm += bytes(int(rng.uniform(2.0, 4.0) * SAMPLE_RATE) * 2)
        pcm += rng.choice(phrases).pcm
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(SAMPLE_RATE)
        file.writeframes(bytes(pcm))


async def _converse(call: LiveCall, session: AudioSession) -> None:
    if await call.wait_answered():
        await talk(call, session)


async def bot_part(workdir: Path, level: int, seconds: float, grammar: list[str] | None,
                   engines: SpeechEngines, rasa_url: str | None) -> dict[str, object]:
    """``level`` calls to baresip debtors, each talking to a voice-bot session, for ``seconds``
    once all are answered; the raw figures that bot_row sums up (over processes too)."""
    loop = asyncio.get_running_loop()
    phrases = await utterances()
    proxy = Kamailio(workdir, ("WITH_AUTH",)).start()
    debtors: list[Baresip] = []
    line = _line(proxy)
    try:
        for n in range(math.ceil(level / CALLS_PER_DEBTOR)):
            audio = workdir / f"debtor{n}.wav"
            # Seeded by the proxy's port too: the processes of a split level play different files.
            _write_debtor(audio, phrases, seconds + DIAL_SPREAD_S + 10,
                          random.Random(proxy.port * 100 + n))
            debtors.append(Baresip(workdir, proxy.port, audio, user=f"debtor{n}").start())
        async with nlu_client(rasa_url) as rasa:
            await line.start()
            await line.wait_registration(RegistrationStatus.REGISTERED)
            calls: list[LiveCall] = []
            sessions: list[AudioSession] = []
            talks: list[asyncio.Task[None]] = []
            for n in range(level):
                call = await line.dial(debtors[n % len(debtors)].user)
                sessions.append(AudioSession(
                    engines, BenchConversation(False, random.Random(100 + n), rasa),
                    LineSink(call), expected_phrases=lambda: grammar))
                calls.append(call)
                talks.append(asyncio.create_task(_converse(call, sessions[-1])))
                await asyncio.sleep(DIAL_SPREAD_S / level)
            answered = await asyncio.gather(*(call.wait_answered() for call in calls))
            _start_measuring_sends(calls)
            cpu_before, wall_before = cpu_seconds(), time.monotonic()
            await asyncio.sleep(seconds)
            stopped_at = loop.time()
            cpu = cpu_seconds() - cpu_before
            wall = time.monotonic() - wall_before
            # Calls unanswered or hung up by the debtor before the end (its file too short).
            ended_early = sum(task.done() for task in talks)
            failures = [task.exception() for task in talks if task.done() and task.exception()]
            if failures:
                raise failures[0]  # type: ignore[misc]
            # A session ends with its call (or cancelled): hang up what is still up.
            for task in talks:
                task.cancel()
            await asyncio.gather(*talks, return_exceptions=True)
            intervals = _send_intervals_ms(calls)
            await asyncio.gather(*(call.hang_up() for call in calls if not call.ended),
                                 return_exceptions=True)
    finally:
        await line.stop()
        for debtor in debtors:
            debtor.stop()
        proxy.stop()
    # Turns whose answer could still be coming at the hang-up are left out.
    heard = [turn for session in sessions for turn in session.turns
             if turn.speech_ended_at <= stopped_at - ANSWER_WITHIN_S]
    responses = [turn.response_seconds for turn in heard
                 if turn.response_seconds is not None and turn.response_seconds <= ANSWER_WITHIN_S]
    p50, p99, p999 = np.percentile(intervals, [50, 99, 99.9])
    return {
        "calls": level,
        "answered": int(sum(answered)),
        "ended_early": ended_early,
        "seconds": round(wall, 1),
        "turns_heard": len(heard),
        "responses": responses,
        # From the end of the turn to the recogniser's final text: what vosk leaves the bot.
        "text_waits": [turn.text_at - turn.ended_at for turn in heard
                       if turn.text_at is not None and turn.ended_at is not None],
        "listening_lag_max_seconds": round(max(session.listening_lag for session in sessions), 3),
        "rtp_send_interval_ms": {"p50": round(float(p50), 2), "p99": round(float(p99), 2),
                                 "p99_9": round(float(p999), 2),
                                 "max": round(float(intervals.max()), 2)},
        "cpu_cores_used": round(cpu / wall, 2),
    }


def bot_row(parts: list[dict[str, object]], asr: str) -> dict[str, object]:
    """One level's figures from its processes' parts: turns pooled, the worst lag and pacing."""
    responses = [r for part in parts for r in part["responses"]]  # type: ignore[attr-defined]
    text_waits = [w for part in parts for w in part["text_waits"]]  # type: ignore[attr-defined]
    heard = sum(int(part["turns_heard"]) for part in parts)  # type: ignore[call-overload]
    lag = max(float(part["listening_lag_max_seconds"]) for part in parts)  # type: ignore[arg-type]
    intervals = {key: max(part["rtp_send_interval_ms"][key] for part in parts)  # type: ignore[index]
                 for key in ("p50", "p99", "p99_9", "max")}
    return {
        "calls": sum(int(part["calls"]) for part in parts),  # type: ignore[call-overload]
        "processes": len(parts),
        "asr": asr,
        "answered": sum(int(part["answered"]) for part in parts),  # type: ignore[call-overload]
        "ended_early": sum(int(part["ended_early"]) for part in parts),  # type: ignore[call-overload]
        "seconds": max(float(part["seconds"]) for part in parts),  # type: ignore[arg-type]
        "turns_heard": heard,
        "turns_answered": len(responses),
        "response_p50_seconds": percentile(responses, 50),
        "response_p95_seconds": percentile(responses, 95),
        "text_wait_p95_seconds": percentile(text_waits, 95),
        "listening_lag_max_seconds": lag,
        "rtp_send_interval_ms": intervals,
        "cpu_cores_used": round(sum(float(part["cpu_cores_used"])  # type: ignore[arg-type]
                                    for part in parts), 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "real_time": bool(lag <= MAX_LISTENING_LAG
                          and intervals["p99"] <= MAX_FRAME_INTERVAL_P99 * 1000
                          and len(responses) >= MIN_ANSWERED_SHARE * heard > 0),
    }


async def bot_in_processes(level: int, processes: int, seconds: float, asr: str,
                           rasa_url: str | None) -> dict[str, object]:
    """A level's calls split over ``processes`` dialer processes, each with its own engines,
    Kamailio and debtors, all parsing with the one Rasa service."""
    rasa = ("--rasa-url", rasa_url) if rasa_url else ()
    children = [await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--bot-child", str(level // processes), "--asr", asr,
        "--seconds", str(seconds), *rasa, stdout=asyncio.subprocess.PIPE)
        for _ in range(processes)]
    outputs = await asyncio.gather(*(child.communicate() for child in children))
    return bot_row([json.loads(out.decode().strip().splitlines()[-1]) for out, _ in outputs], asr)


def grammar_of(asr: str) -> list[str] | None:
    return GRAMMAR if asr == "grammar" else None


async def run_bot(levels: list[int], processes: list[int], asrs: list[str], seconds: float,
                  with_rasa: bool) -> dict[str, object]:
    load_at_start = round(os.getloadavg()[0], 2)
    rows = []
    engines: SpeechEngines | None = None
    async with nlu_service(with_rasa) as rasa_url:
        for count in processes:
            for asr in asrs:
                for level in levels:
                    if count > 1:
                        row = await bot_in_processes(level, count, seconds, asr, rasa_url)
                    else:
                        engines = engines or await voice_engines("espeak", before=False)
                        with tempfile.TemporaryDirectory() as folder:
                            row = bot_row([await bot_part(Path(folder), level, seconds,
                                                          grammar_of(asr), engines, rasa_url)],
                                          asr)
                    print(json.dumps(row, ensure_ascii=False), flush=True)
                    rows.append(row)

    def most(asr: str, processes: int | None = None) -> int:
        return max((int(row["calls"]) for row in rows  # type: ignore[call-overload]
                    if row["asr"] == asr and row["real_time"]
                    and processes in (None, row["processes"])), default=0)

    return {
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "load_average_1m_at_start_and_end": [load_at_start, round(os.getloadavg()[0], 2)],
        "process": "each answered call talks to a voice-bot session (bridge.talk: Silero VAD, Smart "
                   "Turn, vosk, " + ("Rasa over HTTP, " if with_rasa else "")
                   + "espeak-ng) on shared engines; the callees are baresip debtors playing Korean "
                   "phrases after 2–4 s silences",
        "real_time_means": {"listening_lag_max_seconds": MAX_LISTENING_LAG,
                            "rtp_send_interval_p99_ms": MAX_FRAME_INTERVAL_P99 * 1000,
                            "turns_answered_within_5_s_share": MIN_ANSWERED_SHARE},
        "levels": rows,
        # Over any process split (the goal allows several workers), and in one process.
        "most_real_time_calls": {asr: most(asr) for asr in asrs},
        "most_real_time_calls_one_process": {asr: most(asr, 1) for asr in asrs},
        "goal_calls": GOAL_SESSIONS,
        "meets_goal": max(most(asr) for asr in asrs) >= GOAL_SESSIONS,
    }


def write_results(update: dict[str, object]) -> None:
    """Replace this run's keys in the results file and keep the other mode's figures."""
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({**old, **update}, ensure_ascii=False, indent=2) + "\n")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", help="calls with RTP alone (default 10,25,50,100; none with "
                                         "--bot unless given)")
    parser.add_argument("--bot", default="", help="calls with the voice bot, e.g. 8,16,24")
    parser.add_argument("--asr", default="grammar,free", help="with --bot: vosk decoding, of "
                                                              "grammar and free")
    parser.add_argument("--without-rasa", action="store_true",
                        help="with --bot: reply without parsing the text")
    parser.add_argument("--processes", default="1")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bot-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rasa-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(await run_level(Path(folder), args.child, args.seconds)), flush=True)
        return
    if args.bot_child:
        engines = await voice_engines("espeak", before=False)
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(await bot_part(Path(folder), args.bot_child, args.seconds,
                                            grammar_of(args.asr), engines, args.rasa_url)),
                  flush=True)
        return
    processes = [int(x) for x in args.processes.split(",")]
    levels = args.levels if args.levels is not None else ("" if args.bot else "10,25,50,100")
    results = []
    for count in processes:
        for level in (int(x) for x in levels.split(",") if x):
            if count == 1:
                with tempfile.TemporaryDirectory() as folder:
                    result = await run_level(Path(folder), level, args.seconds)
                result["processes"] = 1
            else:
                result = await run_in_processes(level, count, args.seconds)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    if results:
        write_results({
            "measured_at": datetime.now().isoformat(timespec="seconds"),
            "machine": {"cpus": os.cpu_count(),
                        "load_average_1m_at_end": round(os.getloadavg()[0], 2)},
            "goal": {"packet_interval_p99_9_ms": GOAL_P999_MS, "concurrent_calls": 100},
            "process": "dialer processes with one media clock and one receive thread each, no "
                       "voice bot",
            "levels": results,
        })
    if args.bot:
        with_bot = await run_bot([int(x) for x in args.bot.split(",")], processes,
                                 args.asr.split(","), args.seconds, not args.without_rasa)
        write_results({"with_bot": with_bot})
        print(f"most calls with the bot at real time: {with_bot['most_real_time_calls']}; "
              f"wrote {RESULTS}")

if __name__ == "__main__":
    asyncio.run(main())
