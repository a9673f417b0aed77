"""The demo's wave: every active case reminded by SMS and sent its payment details by email,
through the loopback SMSC simulator and SMTP server, by the same workers production runs."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.demo_data.calls import demo_calls
from backoffice.demo_data.expected import call_record
from campaigns.waves.planning import WaveSpec, create_wave
from campaigns.waves.scheduler import tick
from campaigns.waves.segment import Segment
from dialer.peers.debtors import DEBTOR_USERS
from messaging.drain import run_until_done
from messaging.email.worker import EmailWorker
from messaging.peers.smsc_sim import PASSWORD as SMPP_PASSWORD
from messaging.peers.smsc_sim import USER as SMPP_USER
from messaging.peers.smsc_sim import start_smsc
from messaging.peers.smtp_sim import start_smtp
from messaging.settings import SmppSettings, SmtpSettings, template_settings
from messaging.sms.worker import SmsWorker
from messaging.templating.store import TemplateStore
from models.column_types import utc_now
from models.entities import Building
from models.case import Case
from models.enums import AttemptStatus, CaseStatus, Channel
from models.outreach import Attempt

# What the wave sends by each channel.
WAVE_TEMPLATES = {Channel.SMS: "reminder", Channel.EMAIL: "payment_details", Channel.CALL: "debt_call"}
# The wave of a few dozen debtors ends in seconds; this bounds a hung peer.
WAVE_TIMEOUT_S = 400.0


def midday_zone() -> str:
    """A fixed-offset zone where it is now about noon: the real contact hours then allow a contact."""
    offset = (12 - datetime.now(timezone.utc).hour + 12) % 24 - 12
    # Etc/GMT signs are inverted (Etc/GMT-3 is UTC+3).
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


@dataclass
class WaveRun:
    waves: dict[str, int] = field(default_factory=dict)
    # (channel, outcome) of every attempt of the demo's waves; "deferred" for one the daily
    # limit of messages (230-ФЗ) moved to a later day, as the plan's own reminder came first.
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    # Delivered attempts by channel, the wave's and the plan steps' alike: what the peers saw.
    delivered: Counter[str] = field(default_factory=Counter)
    # Each simulated debtor's call: its outcome, what the bot heard and what came of it.
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    sms_received: int = 0
    emails_received: int = 0


async def largest_debts(session: AsyncSession, count: int) -> Segment:
    """The active cases with the ``count`` largest debts (more on a tie)."""
    debts = list(await session.scalars(
        select(Case.current_debt).where(Case.status == CaseStatus.ACTIVE.value,
                                        Case.current_debt.is_not(None))
        .order_by(Case.current_debt.desc()).limit(count)))
    return Segment(min_debt=debts[-1]) if debts else Segment()


async def create_demo_waves(session: AsyncSession, now: datetime, calls: int) -> dict[str, int]:
    """One wave per channel, open now, their attempts queued: messages to every active case,
    calls to the ``calls`` largest debts (one per simulated debtor)."""
    waves = {}
    for channel, template in WAVE_TEMPLATES.items():
        segment = await largest_debts(session, calls) if channel == Channel.CALL else Segment()
        wave = await create_wave(session, WaveSpec(
            name=f"Демо: {template} ({channel.value})", channel=channel, template=template,
            segment=segment, window_start=now - timedelta(minutes=1),
            window_end=now + timedelta(hours=1), per_minute=600, created_by="demo"))
        waves[channel.value] = wave.id
    await tick(session, now)
    return waves


async def run_demo_wave(sessionmaker: async_sessionmaker[AsyncSession], folder: Path) -> WaveRun:
    """Create the waves and run the SMS and email workers against loopback peers until done."""
    folder.mkdir(parents=True, exist_ok=True)
    run = WaveRun()
    async with sessionmaker() as session, session.begin():
        # The demo runs at any hour: its buildings sit where it is now midday, so the real
        # contact-hours check lets the contacts through.
        await session.execute(update(Building).values(timezone=midday_zone()))
        run.waves = await create_demo_waves(session, utc_now(), len(DEBTOR_USERS))
    smsc = start_smsc(folder)
    smtp = start_smtp(folder)
    templates = TemplateStore.from_settings(template_settings())
    try:
        async with demo_calls(sessionmaker, folder / "calls", run.waves[Channel.CALL.value]) as calls:
            await run_until_done(sessionmaker, [
                SmsWorker(sessionmaker, SmppSettings(port=smsc.port, system_id=SMPP_USER,
                                                     password=SMPP_PASSWORD), templates, "demo/sms"),
                EmailWorker(sessionmaker, SmtpSettings(port=smtp.port), templates, "demo/email"),
                calls.channel,
            ], timeout=WAVE_TIMEOUT_S, during=calls.debtors_act)
    finally:
        smsc.process.stop()
        smtp.process.stop()
    run.sms_received = sum(smsc.message_counts().values())
    run.emails_received = len(smtp.received())
    async with sessionmaker() as session:
        now = utc_now()
        for row in list(await session.scalars(select(Attempt))):
            if row.outcome == "delivered":
                run.delivered[row.channel] += 1
            if row.wave_id in run.waves.values():
                later = row.status == AttemptStatus.QUEUED.value and row.not_before > now
                run.outcomes[(row.channel, "deferred" if later else row.outcome or row.status)] += 1
            if row.channel == Channel.CALL.value and row.wave_id in run.waves.values():
                run.calls[row.address] = await call_record(session, row)
    return run
