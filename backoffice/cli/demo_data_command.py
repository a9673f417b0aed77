"""``vozvrat demo-data``: write a demo utility as billing import files."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from backoffice.demo_data import writer
from backoffice.demo_data.generator import DemoConfig, Summary, default_jobs, generate
from backoffice.demo_data.tariffs import DEFAULT_SERVICE_COUNT, SERVICES

DEFAULT_OUT = Path("var/demo")
DEFAULT_SEED = 1
DEFAULT_MONTHS = 36

_FILE_TITLES = {
    writer.CREDITORS_XLSX: "кредиторы",
    writer.BUILDINGS_XLSX: "дома",
    writer.ACCOUNTS.name: "лицевые счета",
    writer.PERSONS.name: "физические лица",
    writer.OWNERSHIP.name: "собственники",
    writer.CHARGES.name: "начисления",
    writer.PAYMENTS.name: "оплаты",
}


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"нужно целое число больше нуля, указано {text}")
    return value


def _service_count(text: str) -> int:
    value = _positive(text)
    if value > len(SERVICES):
        raise argparse.ArgumentTypeError(f"услуг может быть от 1 до {len(SERVICES)}")
    return value


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"дата в виде ГГГГ-ММ-ДД, указано «{text}»") from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo-data", help="write a demo utility in Рязань as billing import files"
    )
    parser.add_argument("--accounts", type=_positive, required=True, help="number of accounts")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed: a seed always gives the same bytes "
                        f"(default {DEFAULT_SEED})")
    parser.add_argument("--months", type=_positive, default=DEFAULT_MONTHS,
                        help=f"months of charges, ending the month before --as-of "
                        f"(default {DEFAULT_MONTHS})")
    parser.add_argument("--as-of", type=_iso_date, default=None,
                        help="day of the export, YYYY-MM-DD (default today)")
    parser.add_argument("--services", type=_service_count, default=DEFAULT_SERVICE_COUNT,
                        help=f"services billed per account, 1-{len(SERVICES)} "
                        f"(default {DEFAULT_SERVICE_COUNT})")
    parser.add_argument("--jobs", type=_positive, default=None,
                        help="worker processes (default one per CPU); the output is the same")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    config = DemoConfig(
        accounts=args.accounts,
        out=args.out,
        seed=args.seed,
        months=args.months,
        as_of=args.as_of or date.today(),
        services=args.services,
        jobs=args.jobs or default_jobs(),
    )
    print(_report(config, generate(config)))
    return 0


def _report(config: DemoConfig, summary: Summary) -> str:
    lines = [
        f"Демонстрационные данные записаны в {summary.out} "
        f"(зерно {config.seed}, {config.months} мес. по {config.as_of:%d.%m.%Y}):"
    ]
    width = max(len(name) for name in summary.rows)
    for name, count in summary.rows.items():
        grouped = f"{count:,}".replace(",", "\u00a0")
        lines.append(f"  {name:<{width}}  {_FILE_TITLES[name]}: {grouped}")
    lines.append(f"Время: {summary.seconds:.1f} с".replace(".", ","))
    lines.append(f"Загрузить: vozvrat import {summary.out}")
    return "\n".join(lines)
