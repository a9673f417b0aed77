"""``vozvrat demo-data`` through the real entry point."""
from __future__ import annotations

from pathlib import Path

import pytest

from backoffice.cli.main import main
from backoffice.demo_data import writer
from tests.demo_data.conftest import read_rows


def test_cli_writes_the_files_and_a_russian_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    code = main(["demo-data", "--accounts", "40", "--out", str(out), "--seed", "3",
                 "--months", "12", "--as-of", "2026-02-01", "--services", "6", "--jobs", "1"])
    assert code == 0
    assert {p.name for p in out.iterdir()} == {
        writer.CREDITORS_XLSX, writer.BUILDINGS_XLSX, *(s.name for s in writer.CSV_FILES)}
    charges = read_rows(out / writer.CHARGES.name, "utf-8")
    periods = {c["period"] for c in charges}
    assert len(periods) == 12 and {"02.2025", "01.2026"} <= periods
    assert "Электроснабжение ОДН" in {c["service"] for c in charges}
    printed = capsys.readouterr().out
    assert f"Демонстрационные данные записаны в {out}" in printed
    assert "лицевые счета: 40" in printed
    assert f"начисления: {len(charges):,}".replace(",", "\u00a0") in printed


@pytest.mark.parametrize("option", [["--services", "7"], ["--accounts", "0"],
                                    ["--as-of", "09.05.2026"]])
def test_cli_rejects_bad_options(option: list[str], tmp_path: Path) -> None:
    argv = ["demo-data", "--accounts", "5", "--out", str(tmp_path), *option]
    with pytest.raises(SystemExit):
        main(argv)
