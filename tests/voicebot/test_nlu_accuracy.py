"""Accuracy of the trained model on the held-out set (voicebot/rasa/heldout/), never trained on.

Writes tests/artifacts/nlu_heldout.json (overall and per-intent figures, every miss) and asserts
a floor set below what was measured when the data was written (0.977 over 257 utterances:
0.988 on the sixteen intents, 0.8 on chatter that must fall back).
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import yaml

from voicebot.nlu.rasa_client import RasaClient
from voicebot.nlu.rasa_model import RASA_PROJECT, project_hash

HELD_OUT = RASA_PROJECT / "heldout" / "nlu.yml"
REPORT = Path(__file__).resolve().parents[1] / "artifacts" / "nlu_heldout.json"
ACCURACY_FLOOR = 0.9
# Each of the sixteen intents must stay usable on its own, not only on average.
INTENT_FLOOR = 0.75
NOW = datetime(2026, 11, 27, 11, 0, tzinfo=timezone.utc)


def held_out_examples() -> list[tuple[str, str]]:
    data = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))
    return [(block["intent"], line[2:].strip())
            for block in data["nlu"] for line in block["examples"].splitlines() if line.startswith("- ")]


async def test_held_out_accuracy(rasa_url: str) -> None:
    examples = held_out_examples()
    assert len(examples) >= 200
    totals: Counter[str] = Counter()
    right: Counter[str] = Counter()
    misses = []
    async with RasaClient(rasa_url) as parser:
        for expected, text in examples:
            result = await parser.parse(text, NOW)
            totals[expected] += 1
            if result.intent.value == expected:
                right[expected] += 1
            else:
                misses.append({"text": text, "expected": expected, "got": result.intent.value,
                               "confidence": round(result.confidence, 3)})
    accuracy = sum(right.values()) / len(examples)
    per_intent = {intent: {"right": right[intent], "total": totals[intent],
                           "accuracy": round(right[intent] / totals[intent], 3)} for intent in totals}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({
        "model": project_hash(), "examples": len(examples), "accuracy": round(accuracy, 4),
        "per_intent": per_intent, "misses": misses,
    }, ensure_ascii=False, indent=2), encoding="utf-8")
    assert accuracy >= ACCURACY_FLOOR, f"held-out accuracy {accuracy:.3f}, see {REPORT}"
    weak = {intent: figures["accuracy"] for intent, figures in per_intent.items()
            if intent != "nlu_fallback" and figures["accuracy"] < INTENT_FLOOR}
    assert not weak, f"intents under {INTENT_FLOOR}: {weak}, see {REPORT}"
