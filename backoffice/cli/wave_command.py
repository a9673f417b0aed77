"""``vozvrat wave create|status|pause|resume|cancel`` and ``vozvrat scheduler``."""
from __future__ import annotations

import argparse
import asyncio
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from backoffice.cli.common import add_database_option, open_database
from campaigns.waves.control import WaveStateError, change_state, wave_counts
from campaigns.waves.planning import WaveSpec, create_wave
from campaigns.waves.results import HoldoutComparison, holdout_comparison
from campaigns.waves.scheduler import tick
from campaigns.waves.segment import Segment
from models.db import make_sessionmaker
from models.enums import Channel
from models.outreach import Wave
from models.ru_format import day, money

TICK_SECONDS = 30


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    wave = subparsers.add_parser("wave", help="outreach waves")
    commands = wave.add_subparsers(dest="wave_command", required=True)

    create = commands.add_parser("create", help="schedule a wave for a segment of cases")
    create.add_argument("--name", required=True)
    create.add_argument("--channel", required=True, choices=[c.value for c in Channel])
    create.add_argument("--template", required=True)
    create.add_argument("--step", default="", help="plan step code this wave carries out")
    create.add_argument("--min-debt", type=Decimal)
    create.add_argument("--max-debt", type=Decimal)
    create.add_argument("--min-days-overdue", type=int)
    create.add_argument("--building", action="append", default=[], help="building code (repeatable)")
    create.add_argument("--stage", action="append", default=[], help="case stage (repeatable)")
    create.add_argument("--last-outcome", action="append", default=[], help="repeatable")
    create.add_argument("--start", type=datetime.fromisoformat, help="window start (ISO, default now)")
    create.add_argument("--hours", type=float, default=8.0, help="window length in hours")
    create.add_argument("--per-minute", type=int, default=60)
    create.add_argument("--max-concurrent", type=int, default=10)
    create.add_argument("--holdout", type=float, default=0.0, help="control group share, 0–1")
    add_database_option(create)
    create.set_defaults(func=_create)

    status = commands.add_parser(
        "status", help="live counts of waves, and what a wave with a holdout recovered")
    status.add_argument("wave_id", nargs="?", type=int)
    status.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="count payments up to this date, YYYY-MM-DD (default: today)")
    add_database_option(status)
    status.set_defaults(func=_status)

    for action, text in (("pause", "pause"), ("resume", "resume"), ("cancel", "cancel")):
        command = commands.add_parser(action, help=f"{text} a wave")
        command.add_argument("wave_id", type=int)
        add_database_option(command)
        command.set_defaults(func=_change, action=action)

    scheduler = subparsers.add_parser("scheduler", help="open and close waves, recover leases")
    scheduler.add_argument("--once", action="store_true", help="one tick, then exit")
    add_database_option(scheduler)
    scheduler.set_defaults(func=_scheduler)


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


async def _create(args: argparse.Namespace) -> int:
    start = _aware(args.start)
    try:
        spec = WaveSpec(
            name=args.name, channel=Channel(args.channel), template=args.template, step_code=args.step,
            segment=Segment(min_debt=args.min_debt, max_debt=args.max_debt,
                            min_days_overdue=args.min_days_overdue, buildings=tuple(args.building),
                            stages=tuple(args.stage), last_outcomes=tuple(args.last_outcome)),
            window_start=start, window_end=start + timedelta(hours=args.hours),
            per_minute=args.per_minute, max_concurrent=args.max_concurrent,
            holdout_share=args.holdout)
    except ValueError as exc:
        print(f"волна не создана: {exc}")
        return 2
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            wave = await create_wave(session, spec)
            wave_id = wave.id
    finally:
        await engine.dispose()
    print(f"волна №{wave_id} «{spec.name}» запланирована: {spec.window_start:%d.%m.%Y %H:%M} — "
          f"{spec.window_end:%d.%m.%Y %H:%M} UTC; попытки встанут в очередь с началом окна")
    return 0


async def _status(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            query = select(Wave).order_by(Wave.id)
            if args.wave_id:
                query = query.where(Wave.id == args.wave_id)
            for wave in (await session.execute(query)).scalars():
                counts = await wave_counts(session, wave.id)
                attempts = ", ".join(f"{k}: {v}" for k, v in sorted(counts.attempts.items())) or "нет"
                outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(counts.outcomes.items())) or "нет"
                print(f"№{wave.id} «{wave.name}» [{wave.status}] {wave.channel}/{wave.template}: "
                      f"в сегменте {counts.members}, контрольная группа {counts.holdout}; "
                      f"попытки — {attempts}; исходы — {outcomes}")
                if counts.holdout:
                    _print_comparison(await holdout_comparison(
                        session, wave, args.as_of or date.today()))
    finally:
        await engine.dispose()
    return 0


def _print_comparison(comparison: HoldoutComparison) -> None:
    print(f"  взыскано с {day(comparison.since)} по {day(comparison.until)}:")
    for title, group in (("в работе волны", comparison.contacted),
                         ("контрольная группа", comparison.holdout)):
        print(f"    {title} — дел: {group.members}, оплачено {money(group.recovered)}, "
              f"на дело {money(group.per_member)}")
    print(f"    разница на дело: {money(comparison.difference_per_member)}; "
          f"сверх контрольной группы: {money(comparison.uplift)}")


async def _change(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            wave = await session.get(Wave, args.wave_id)
            if wave is None:
                print(f"волны №{args.wave_id} нет")
                return 2
            try:
                await change_state(session, wave, args.action)
            except WaveStateError as exc:
                print(exc)
                return 2
            print(f"волна №{wave.id}: {wave.status}")
    finally:
        await engine.dispose()
    return 0


async def _scheduler(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    sessions = make_sessionmaker(engine)
    try:
        while True:
            async with sessions() as session, session.begin():
                report = await tick(session)
            print(f"возвращено в очередь: {report.requeued}, на проверку: {report.to_review}, "
                  f"волн начато: {report.waves_started} (попыток {report.attempts_queued}), "
                  f"волн завершено: {report.waves_finished}", flush=True)
            if args.once:
                return 0
            await asyncio.sleep(TICK_SECONDS)
    finally:
        await engine.dispose()
