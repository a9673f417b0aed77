"""Dialer benchmark: how many answered calls with RTP both ways one dialer process holds.

Kamailio and one sipp callee (uas_answer with -rtp_echo: it answers every call and echoes our
audio back) run on loopback; the dialer places ``level`` calls at once, plays speech into each for
``--seconds`` and reads the echo. Per level: the interval between consecutive RTP packets each
call sent (p50/p99/p99.9/max; pyVoIP alone measured p99.9 22 ms at 50 calls and 61 ms at 100),
frames received per call (the echo came back), and the process's CPU per call. The bot pipeline is
measured by bench/voicebot.py. Writes bench/results/dialer.json.

    .venv/bin/python bench/dialer.py [--levels 10,25,50,100] [--seconds 20] [--processes 1,2]

With ``--processes 2`` a level's calls are split over two dialer processes (each with its own
Kamailio and sipp), as a deployment runs several workers; the worst process's figures count.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from dialer.line import CallEndedError, LiveCall, PhoneLine  # noqa: E402
from dialer.peers.processes import HOST, PASSWORD, Kamailio, SippCallee  # noqa: E402
from dialer.settings import SipSettings  # noqa: E402
from dialer.sip.registration import RegistrationStatus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "dialer.json"
GOAL_P999_MS = 25.0
# A tone-like test signal: speech content does not change the cost of G.711 and RTP.
SPEECH = (np.sin(np.arange(8000 * 5) * 2 * np.pi * 440 / 8000) * 8000).astype("<i2").tobytes()


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


async def run_level(workdir: Path, level: int, seconds: float) -> dict[str, object]:
    proxy = Kamailio(workdir, ("WITH_AUTH",)).start()
    callee = SippCallee(workdir, proxy.port, "uas_answer", "echo",
                        ("-m", str(level), "-max_socket", str(level + 10))).start()
    line = PhoneLine(SipSettings(registrar=HOST, registrar_port=proxy.port, user="bench",
                                 password=PASSWORD, local_address=HOST, local_port=0,
                                 recording_retention_days=0, ring_timeout_s=10))
    try:
        await line.start()
        await line.wait_registration(RegistrationStatus.REGISTERED)
        calls = await asyncio.gather(*(line.dial("echo") for _ in range(level)))
        answered = await asyncio.gather(*(call.wait_answered() for call in calls))
        for call in calls:
            assert call.sip is not None
            call.sip.rtp.send_times = []
        handoff = line.handoff
        assert handoff is not None
        drains_before, items_before = handoff.drains, handoff.items
        cpu_before, wall_before = _cpu_s(), time.monotonic()
        received = await asyncio.gather(*(_hold(call, seconds) for call in calls))
        cpu = _cpu_s() - cpu_before
        wall = time.monotonic() - wall_before
        drains, items = handoff.drains - drains_before, handoff.items - items_before
        intervals = np.concatenate([np.diff(np.array(call.sip.rtp.send_times)) * 1000
                                    for call in calls if call.sip and call.sip.rtp.send_times])
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


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="10,25,50,100")
    parser.add_argument("--processes", default="1")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(await run_level(Path(folder), args.child, args.seconds)), flush=True)
        return
    results = []
    for processes in (int(x) for x in args.processes.split(",")):
        for level in (int(x) for x in args.levels.split(",")):
            if processes == 1:
                with tempfile.TemporaryDirectory() as folder:
                    result = await run_level(Path(folder), level, args.seconds)
                result["processes"] = 1
            else:
                result = await run_in_processes(level, processes, args.seconds)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "measured_at": datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average_1m_at_end": round(os.getloadavg()[0], 2)},
        "goal": {"packet_interval_p99_9_ms": GOAL_P999_MS, "concurrent_calls": 100},
        "process": "dialer processes with one media clock and one receive thread each, no voice bot",
        "levels": results,
    }, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
