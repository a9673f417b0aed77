"""The demo's whole run on one database: a generated utility imported, cases opened by the
default plan's daily run, one wave by calls, SMS and email through loopback peers, the daily run
fast-forwarded through the plan's stages (the notice stage's courier tasks go to the demo
courier), and court packs, DOCX and, where LibreOffice is installed, PDF, for the cases that
reach court."""
from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from backoffice.demo_data.expected import EXPECTED_CALLS, call_failures
from backoffice.demo_data.outreach import WaveRun, run_demo_wave
from backoffice.legal.documents.pack import write_pack
from backoffice.legal.documents.pdf import docx_to_pdf
from backoffice.web.auth.users import assign_buildings
from backoffice.web.courier import tasks_of
from campaigns.cases.daily import run_day
from campaigns.plans.loader import load_default_plans
from models.account import Account
from models.building import Building
from models.case import Case
from models.column_types import utc_now
from models.db import make_sessionmaker
from models.enums import AttemptStatus, Channel
from models.outreach import Attempt
from models.user import Role, User

COURT_STAGE = "court"
MESSAGE_CHANNELS = ("sms", "email")
# How a wave's message may end: delivered, moved to another day by the daily limit, or cancelled
# because a call of the same wave froze the case first (a payment to verify, a promise, a dispute).
FINISHED_MESSAGES = ("delivered", "deferred", "cancelled")
# The demo courier's login (demo_command creates one user per role, named after it).
COURIER = Role.COURIER.value
# Days after the wave on which the daily run is replayed: each run moves a case one stage on,
# after the default plan's soft (10), robot (14), notice (20) and warning (20) days.
FAST_FORWARD_DAYS = (10, 24, 44, 64)


@dataclass
class DemoRun:
    opened: int = 0
    wave: WaveRun = field(default_factory=WaveRun)
    stages: Counter[str] = field(default_factory=Counter)
    packs: list[str] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    # Whether LibreOffice is installed to convert the packs to PDF.
    pdf_expected: bool = False
    pack_refusals: int = 0
    courier_tasks: int = 0

    def summary(self) -> dict[str, Any]:
        by_channel: dict[str, dict[str, int]] = {}
        for (channel, outcome), count in sorted(self.wave.outcomes.items()):
            by_channel.setdefault(channel, {})[outcome] = count
        calls = self.wave.calls
        return {
            "cases_opened": self.opened,
            "calls_placed": len(calls),
            "calls_answered": sum(call["outcome"] == "answered" for call in calls.values()),
            "intents_heard": dict(Counter(intent for call in calls.values() for intent in call["intents"])),
            "calls": calls,
            "results_per_behaviour": {debtor: calls.get(debtor, {}).get("results", [])
                                      for debtor in EXPECTED_CALLS},
            "outcomes": by_channel,
            "sms_delivered": self.wave.delivered["sms"],
            "sms_received_by_smsc": self.wave.sms_received,
            "emails_delivered": self.wave.delivered["email"],
            "emails_received_by_smtp": self.wave.emails_received,
            "cases_per_stage": dict(sorted(self.stages.items())),
            "courier_tasks": self.courier_tasks,
            "packs_generated": len(self.packs),
            "packs_pdf": len({path.parent for path in self.pdfs}),
            "pack_refusals": self.pack_refusals,
        }

    def failures(self) -> list[str]:
        """What an expected outcome lacked; empty when the demo did everything it should."""
        found = []
        if not self.opened:
            found.append("no case opened")
        for channel in MESSAGE_CHANNELS:
            if not self.wave.outcomes[(channel, "delivered")]:
                found.append(f"no {channel} delivered")
        unfinished = {key: n for key, n in self.wave.outcomes.items()
                      if key[0] in MESSAGE_CHANNELS and key[1] not in FINISHED_MESSAGES}
        if unfinished:
            found.append(f"wave attempts neither delivered, deferred nor cancelled: {unfinished}")
        if self.wave.sms_received != self.wave.delivered["sms"]:
            found.append("the SMSC received a different number of SMS than were delivered")
        if self.wave.emails_received != self.wave.delivered["email"]:
            found.append("the SMTP server received a different number of emails than were delivered")
        for debtor in EXPECTED_CALLS:
            found += call_failures(debtor, self.wave.calls.get(debtor, {}))
        if not self.courier_tasks:
            found.append("no courier task on the demo courier's route")
        if not self.stages[COURT_STAGE]:
            found.append("no case reached the court stage")
        if not self.packs:
            found.append("no court pack generated")
        if self.pdf_expected and len({path.parent for path in self.pdfs}) != len(self.packs):
            found.append(f"{len(self.packs)} packs, PDFs of {len({p.parent for p in self.pdfs})}")
        if len(self.packs) + self.pack_refusals != self.stages[COURT_STAGE]:
            found.append(f"{len(self.packs)} packs, {self.pack_refusals} refusals "
                         f"for {self.stages[COURT_STAGE]} court cases")
        return found


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


async def open_demo_cases(engine: AsyncEngine, as_of: date) -> int:
    """The default plans and the day's run: cases opened and their first steps queued."""
    async with make_sessionmaker(engine)() as session:
        await load_default_plans(session)
        opened = (await run_day(session, as_of, utc_now())).opening.opened
    print(f"открыто дел: {opened}", flush=True)
    return opened


async def run_demo_flow(engine: AsyncEngine, folder: Path, as_of: date) -> DemoRun:
    sessionmaker = make_sessionmaker(engine)
    run = DemoRun()
    run.opened = await open_demo_cases(engine, as_of)
    run.wave = await run_demo_wave(sessionmaker, folder / "peers")
    print(f"волна: {dict(run.wave.outcomes)}", flush=True)
    # The plan's later stages come weeks later; the demo replays those days' runs now.
    for offset in FAST_FORWARD_DAYS:
        day = as_of + timedelta(days=offset)
        async with sessionmaker() as session:
            report = await run_day(session, day, _noon(day))
        print(f"ежедневный прогон на {day}: переведено по этапам {report.advanced}", flush=True)
    async with sessionmaker() as session, session.begin():
        run.courier_tasks = await assign_courier_route(session)
    print(f"заданий курьеру (логин {COURIER}): {run.courier_tasks}", flush=True)
    async with sessionmaker() as session:
        run.stages.update(dict((await session.execute(  # type: ignore[arg-type]
            select(Case.stage, func.count()).group_by(Case.stage))).tuples().all()))
        court = list(await session.scalars(select(Account.number).join(Case, Case.account_id == Account.id)
                                           .where(Case.stage == COURT_STAGE).order_by(Account.number)))
        filed_on = as_of + timedelta(days=FAST_FORWARD_DAYS[-1])
        for number in court:
            result = await write_pack(session, number, folder / "packs" / number,
                                      filed_on=filed_on, pdf=False)
            await session.commit()
            if result.docx and not result.refused:
                run.packs.append(number)
            else:
                run.pack_refusals += 1
    run.pdf_expected = bool(shutil.which("soffice") or shutil.which("libreoffice"))
    if run.pdf_expected:
        run.pdfs = await packs_to_pdf(sorted((folder / "packs").glob("*/*.docx")))
    print(f"судебных пакетов: {len(run.packs)}, из них в PDF: {len({p.parent for p in run.pdfs})} "
          f"(в {folder / 'packs'})", flush=True)
    return run


async def packs_to_pdf(files: list[Path]) -> list[Path]:
    """Every pack's documents as PDFs beside them, by one LibreOffice run (its start costs
    seconds, a page milliseconds)."""
    with tempfile.TemporaryDirectory(prefix="vozvrat-demo-pdf-") as out:
        converted = await docx_to_pdf(files, Path(out))
        return [Path(shutil.move(pdf, docx.with_suffix(".pdf"))) for pdf, docx in zip(converted, files)]


async def assign_courier_route(session: AsyncSession) -> int:
    """Every building with an open courier task goes on the demo courier's route; their tasks."""
    courier = (await session.scalars(select(User).where(User.login == COURIER))).first()
    if courier is None:
        return 0
    codes = list(await session.scalars(
        select(Building.code).distinct().join(Account, Account.building_id == Building.id)
        .join(Case, Case.account_id == Account.id).join(Attempt, Attempt.case_id == Case.id)
        .where(Attempt.channel == Channel.COURIER.value,
               Attempt.status.in_((AttemptStatus.QUEUED.value, AttemptStatus.CLAIMED.value)))))
    await assign_buildings(session, courier, codes)
    # The daily runs above stand for weeks of the plan: the notices they queued for those days
    # are due on the demo's own day, so the courier sees them on the page now.
    await session.execute(
        update(Attempt).where(Attempt.channel == Channel.COURIER.value,
                              Attempt.status == AttemptStatus.QUEUED.value,
                              Attempt.not_before > utc_now())
        .values(not_before=utc_now()))
    return len((await session.execute(tasks_of(courier.id))).all())
