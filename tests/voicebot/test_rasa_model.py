"""The model is named by the Rasa project it was trained from, so a stale one is never served."""
from __future__ import annotations

from pathlib import Path

import pytest

from voicebot.nlu import rasa_model
from voicebot.nlu.rasa_model import RASA_PROJECT, model_path, project_files, project_hash
from voicebot.nlu.settings import RasaSettings


def test_trained_from_config_domain_and_data_only() -> None:
    names = {path.relative_to(RASA_PROJECT).as_posix() for path in project_files()}
    assert {"config.yml", "domain.yml", "data/nlu.yml"} <= names
    assert not any(name.startswith("heldout/") for name in names)


def test_the_name_follows_the_project_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = project_hash()
    assert model_path(RasaSettings(model_dir=tmp_path)) == tmp_path / f"nlu-{original}.tar.gz"
    copy = tmp_path / "rasa"
    (copy / "data").mkdir(parents=True)
    for path in project_files():
        target = copy / path.relative_to(RASA_PROJECT)
        target.write_bytes(path.read_bytes())
    monkeypatch.setattr(rasa_model, "RASA_PROJECT", copy)
    assert project_hash() == original  # the same files wherever the checkout lies
    data = copy / "data" / "nlu.yml"
    data.write_text(data.read_text(encoding="utf-8") + "    - еще пример\n", encoding="utf-8")
    assert project_hash() != original
