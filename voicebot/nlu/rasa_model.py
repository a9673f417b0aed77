"""The trained Rasa model of this checkout: named by a hash of the Rasa project, trained once.

``python -m voicebot.nlu.rasa_model`` (run by scripts/setup.sh) trains the model unless one for
the current project files exists, so an unchanged project is never retrained and a changed one
never runs on a stale model.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from voicebot.nlu.settings import PROJECT_ROOT, RasaSettings, rasa_settings

RASA_PROJECT = PROJECT_ROOT / "voicebot" / "rasa"
MODEL_PREFIX = "nlu-"


class RasaUnavailable(RuntimeError):
    """Rasa is not installed, or no model is trained: the set-up has not been run."""


def project_files() -> list[Path]:
    """What the model is trained from (the held-out set is deliberately not among them)."""
    return [RASA_PROJECT / "config.yml", RASA_PROJECT / "domain.yml",
            *sorted((RASA_PROJECT / "data").rglob("*.yml"))]


def project_hash() -> str:
    digest = hashlib.sha256()
    for path in project_files():
        digest.update(path.relative_to(RASA_PROJECT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(settings: RasaSettings) -> Path:
    return settings.model_dir / f"{MODEL_PREFIX}{project_hash()}.tar.gz"


def rasa_executable(settings: RasaSettings) -> Path:
    executable = settings.venv / "bin" / "rasa"
    if not executable.exists():
        raise RasaUnavailable(
            f"Rasa is not installed at {settings.venv}: run scripts/setup.sh (it needs pyenv's Python 3.10)")
    return executable


def trained_model(settings: RasaSettings) -> Path:
    path = model_path(settings)
    if not path.exists():
        raise RasaUnavailable(f"no Rasa model trained for the current voicebot/rasa/ ({path.name}): "
                              "run scripts/setup.sh")
    return path


def rasa_environment() -> dict[str, str]:
    # No internet here, and nothing to report to: telemetry off, TensorFlow's chatter down.
    return os.environ | {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def working_directory(settings: RasaSettings) -> Path:
    """Rasa writes its cache (.rasa/) into the working directory: keep it beside the models."""
    folder = settings.model_dir.parent
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def train(settings: RasaSettings) -> Path:
    """The model for the current project files, trained first if there is none (blocking)."""
    target = model_path(settings)
    if target.exists():
        return target
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    command = [str(rasa_executable(settings)), "train", "nlu",
               "-c", str(RASA_PROJECT / "config.yml"), "-d", str(RASA_PROJECT / "domain.yml"),
               "-u", str(RASA_PROJECT / "data"), "--out", str(settings.model_dir),
               "--fixed-model-name", target.name.removesuffix(".tar.gz")]
    started = time.monotonic()
    result = subprocess.run(command, cwd=working_directory(settings), env=rasa_environment(),
                            capture_output=True, text=True)
    if result.returncode != 0 or not target.exists():
        output = (result.stdout + result.stderr)[-3000:]
        raise RuntimeError(f"rasa train failed ({result.returncode}):\n{output}")
    for stale in settings.model_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if stale != target:
            stale.unlink()
    print(f"trained {target} in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return target


def main() -> int:
    try:
        print(train(rasa_settings()))
    except RasaUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
