"""Settings of the NLU: where the Rasa service answers, its model and how long to wait for it.

Section ``[rasa]`` of ``vozvrat.toml``, or ``VOZVRAT_RASA_<KEY>`` for single values. Relative
paths are taken from the working directory; the defaults point into this checkout, where
``scripts/setup.sh`` installs Rasa and trains the model.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from models.config import load_section

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class RasaSettings(BaseModel):
    # Where the service answers; Vozvrat starts one there when nothing answers.
    url: str = "http://127.0.0.1:5005"
    # Rasa 3.6 needs Python 3.10, so it has its own environment beside .venv.
    venv: Path = PROJECT_ROOT / ".venv-rasa"
    # Trained models, one per version of voicebot/rasa/ (named by its hash).
    model_dir: Path = PROJECT_ROOT / "var" / "rasa" / "models"
    # Seconds one parse may take before the turn goes on as nlu_fallback: the caller is waiting.
    timeout: float = 2.0
    # Seconds a started service may take to load its model (about 20 s on two busy cores).
    start_timeout: float = 180.0
    # Seconds before a service Vozvrat started and that exited is started again, so one that
    # keeps crashing does not take the CPU from the calls.
    restart_delay: float = 5.0
    # Below this the intent is reported as nlu_fallback. The model's own FallbackClassifier
    # (voicebot/rasa/config.yml) already applies 0.45; a higher value here tightens it
    # without retraining.
    confidence_threshold: float = 0.45


def rasa_settings() -> RasaSettings:
    return load_section("rasa", RasaSettings)
