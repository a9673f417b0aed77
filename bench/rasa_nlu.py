"""Rasa NLU benchmark: training time, cold start of the service, and parse latency.

Training is timed only when asked (``--train``: it trains a copy of the model into a scratch
folder, leaving var/rasa/models alone). The service is started on a free port with the model of
this checkout, and every held-out utterance is parsed through ``RasaClient`` one after the other
(as a call does), ``--rounds`` times. Writes bench/results/rasa_nlu.json.

    .venv/bin/python bench/rasa_nlu.py [--rounds 4] [--train]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import yaml

from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_model import RASA_PROJECT, project_hash, train
from voicebot.nlu.rasa_service import rasa_service
from voicebot.nlu.settings import rasa_settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "rasa_nlu.json"
NOW = datetime(2026, 11, 27, 11, 0, tzinfo=timezone.utc)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _utterances() -> list[str]:
    data = yaml.safe_load((RASA_PROJECT / "heldout" / "nlu.yml").read_text(encoding="utf-8"))
    return [line[2:].strip() for block in data["nlu"]
            for line in block["examples"].splitlines() if line.startswith("- ")]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _training_seconds() -> float:
    with tempfile.TemporaryDirectory() as scratch:
        settings = rasa_settings().model_copy(update={"model_dir": Path(scratch) / "models"})
        started = time.monotonic()
        train(settings)
        return time.monotonic() - started


async def _serve_and_parse(rounds: int) -> dict[str, float]:
    settings = rasa_settings().model_copy(update={"url": f"http://127.0.0.1:{_free_port()}"})
    started = time.monotonic()
    async with rasa_service(settings) as url:
        start_seconds = time.monotonic() - started
        latencies = []
        async with RasaClient(url, timeout=settings.timeout) as client:
            for _ in range(rounds):
                for text in _utterances():
                    began = time.perf_counter()
                    await client.parse(text, NOW)
                    latencies.append((time.perf_counter() - began) * 1000)
    return {"service_start_seconds": round(start_seconds, 1), "parses": len(latencies),
            "parse_ms_p50": round(statistics.median(latencies), 1),
            "parse_ms_p95": round(_percentile(latencies, 0.95), 1),
            "parse_ms_max": round(max(latencies), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="passes over the held-out utterances")
    parser.add_argument("--train", action="store_true", help="also time a training from scratch")
    args = parser.parse_args()
    figures: dict[str, object] = {
        "model": project_hash(), "cpu_cores": os.cpu_count(),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    if args.train:
        figures["training_seconds"] = round(_training_seconds(), 1)
    figures |= asyncio.run(_serve_and_parse(args.rounds))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
