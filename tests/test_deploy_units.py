"""The systemd unit examples run commands that exist, with options the commands take."""
from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from backoffice.cli.main import build_parser
from backoffice.cli.worker_command import CHANNEL_WORKERS

UNITS = Path(__file__).resolve().parents[1] / "deploy" / "systemd"
VOZVRAT = "/opt/vozvrat/.venv/bin/vozvrat"


def commands(unit: Path) -> list[list[str]]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(unit.read_text(encoding="utf-8"))
    if not parser.has_section("Service"):
        return []
    return [shlex.split(parser["Service"][key]) for key in ("ExecStartPre", "ExecStart")
            if key in parser["Service"]]


def test_the_units_cover_web_workers_rasa_and_scheduler() -> None:
    names = {unit.name for unit in UNITS.glob("*.service")}
    assert {"vozvrat-web.service", "vozvrat-worker@.service", "vozvrat-rasa.service",
            "vozvrat-scheduler.service"} <= names


@pytest.mark.parametrize("unit", sorted(UNITS.glob("*.service")), ids=lambda p: p.name)
def test_every_vozvrat_command_of_a_unit_parses(unit: Path) -> None:
    for argv in commands(unit):
        if argv[0] != VOZVRAT:
            continue
        for channel in CHANNEL_WORKERS:
            args = [arg.replace("%i", channel).replace("%H", "host1") for arg in argv[1:]]
            parsed = build_parser().parse_args(args)
            assert callable(parsed.func), args
