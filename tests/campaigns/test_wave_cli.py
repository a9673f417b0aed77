from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.cli import main as cli
from campaigns.plans.loader import DEFAULT_PLANS_DIR
from tests.imports.files import write_utility


def test_a_wave_from_the_command_line(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = ["--url", database_url]
    assert cli.main(["import", str(write_utility(tmp_path / "billing")), *url]) == 0
    assert cli.main(["plans", "load", str(DEFAULT_PLANS_DIR), *url]) == 0
    assert cli.main(["cases", "open", "--as-of", "2026-05-01", *url]) == 0
    capsys.readouterr()
    start = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    assert cli.main(["wave", "create", "--name", "Май: звонки", "--channel", "call",
                     "--template", "debt_call", "--min-debt", "1000", "--start", start, *url]) == 0
    assert "волна №1 «Май: звонки» запланирована" in capsys.readouterr().out
    assert cli.main(["scheduler", "--once", *url]) == 0
    assert "волн начато: 1 (попыток 1)" in capsys.readouterr().out
    assert cli.main(["wave", "status", *url]) == 0
    assert capsys.readouterr().out == (
        "№1 «Май: звонки» [running] call/debt_call: в сегменте 1, контрольная группа 0; "
        "попытки — queued: 1; исходы — нет\n")
    assert cli.main(["wave", "cancel", "1", *url]) == 0
    assert cli.main(["wave", "resume", "1", *url]) == 2
    assert capsys.readouterr().out == (
        "волна №1: cancelled\nволна «Май: звонки» в состоянии cancelled: resume невозможен\n")


def test_bad_wave_is_refused_with_a_reason(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["wave", "create", "--name", "x", "--channel", "sms", "--template", "t",
                     "--holdout", "1.5", "--url", database_url]) == 2
    assert capsys.readouterr().out == "волна не создана: доля контрольной группы должна быть от 0 до 1\n"
