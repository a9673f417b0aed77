"""Answering-machine benchmark: accuracy and time to decision on a labelled set of generated clips
(tests/amd/clips.py: espeak-ng Russian in five voices, three speeds and levels, SIT, beeps, fax
tones, silence, carrier announcements without SIT (already sounding at the answer, or looping),
screening assistants asking again after the caller's turn, all over line noise). Two runs:
acoustic signals alone, and with the keyword path fed the clips' words at speaking pace, as a
Russian ASR would hear them (CI's vosk model is Korean).

Goals (issue 11): never ``human`` for a machine clip, never ``machine`` for a person, a person
decided within 2.5 s of the answer. A third run on sound alone over a broader set (clips.breadth_set:
slower speech, late persons) shows where the goals meet their limits, beside the same set with
Asterisk's full pause for everyone; the goals are judged on the labelled set. Writes bench/results/amd.json.

    .venv/bin/python bench/amd.py
"""
from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

from tests.amd.clips import Clip, breadth_set, labelled_set  # noqa: E402
from tests.amd.transcript import PacedTranscript  # noqa: E402
from voicebot.amd.settings import AmdSettings  # noqa: E402
from voicebot.amd.stream import AnswerDetector, classify_pcm  # noqa: E402
from voicebot.speech.audio import duration_seconds  # noqa: E402
from voicebot.speech.settings import SpeechSettings  # noqa: E402
from voicebot.speech.vad import load_vad_model  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "amd.json"
PERSON_GOAL_S = 2.5
MACHINE_LIKE = {"machine", "carrier_announcement", "screening"}


async def run(clips: list[Clip], with_words: bool, settings: AmdSettings) -> dict[str, object]:
    vad = load_vad_model(Path(SpeechSettings().vad_model))
    rows = []
    cpu_s = audio_s = 0.0
    for clip in clips:
        transcriber = PacedTranscript(clip.text, onset_s=0.3) if with_words and clip.text else None
        detector = AnswerDetector(settings, vad, transcriber)
        started = time.process_time()
        decision = await classify_pcm(detector, clip.pcm)
        cpu_s += time.process_time() - started
        audio_s += min(decision.decided_after_s, duration_seconds(clip.pcm))
        rows.append({"clip": clip.name, "label": clip.label, "kind": decision.kind.value,
                     "decided_after_s": decision.decided_after_s, "rule": decision.evidence.rule})
    right = sum(r["label"] == r["kind"] for r in rows)
    person_times = [r["decided_after_s"] for r in rows if r["label"] == "human"]
    confusion = Counter(f"{r['label']}->{r['kind']}" for r in rows if r["label"] != r["kind"])
    by_kind = {}
    for label in sorted({r["label"] for r in rows}):
        mine = [r for r in rows if r["label"] == label]
        by_kind[label] = {
            "clips": len(mine),
            "right": sum(r["kind"] == label for r in mine),
            "decided_after_s_median": round(statistics.median(r["decided_after_s"] for r in mine), 3),
            "decided_after_s_max": max(r["decided_after_s"] for r in mine),
        }
    return {
        "clips": len(rows),
        "accuracy": round(right / len(rows), 3),
        "human_for_a_machine": sum(r["kind"] == "human" and r["label"] in MACHINE_LIKE for r in rows),
        # Any machine-like kind: a carrier's or an assistant's reading loses the person just the same.
        "machine_for_a_person": sum(r["kind"] in MACHINE_LIKE and r["label"] == "human" for r in rows),
        "person_decided_after_s_median": statistics.median(person_times),
        "person_decided_after_s_max": max(person_times),
        "persons_within_goal": sum(t <= PERSON_GOAL_S for t in person_times),
        "confusions": dict(confusion),
        "by_kind": by_kind,
        "cpu_ms_per_audio_s": round(1000 * cpu_s / audio_s, 2),
        "rows": rows,
    }


def main() -> None:
    labelled, broad = labelled_set(), breadth_set()
    results = {"measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "goals": {"human_for_a_machine": 0, "machine_for_a_person": 0,
                         "person_decided_within_s": PERSON_GOAL_S}}
    # The baseline of the broad run: Asterisk's full pause for everyone, never shortened.
    full_pause = AmdSettings(min_after_greeting_silence_s=AmdSettings().after_greeting_silence_s)
    for name, clips, with_words, settings in (
            ("acoustic", labelled, False, AmdSettings()), ("with_keywords", labelled, True, AmdSettings()),
            ("breadth", broad, False, AmdSettings()), ("breadth_full_pause", broad, False, full_pause)):
        figures = asyncio.run(run(clips, with_words, settings))
        results[name] = figures
        print(f"{name}: {figures['clips']} clips, accuracy {figures['accuracy']:.1%}, "
              f"human for a machine {figures['human_for_a_machine']}, machine for a person "
              f"{figures['machine_for_a_person']}, person decided median "
              f"{figures['person_decided_after_s_median']:.2f} s max "
              f"{figures['person_decided_after_s_max']:.2f} s "
              f"({figures['persons_within_goal']}/{figures['by_kind']['human']['clips']} within "
              f"{PERSON_GOAL_S} s), CPU {figures['cpu_ms_per_audio_s']} ms per audio second")
        print(f"  confusions: {figures['confusions']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
