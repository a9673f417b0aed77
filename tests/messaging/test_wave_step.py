"""A wave's SMS step and email step go out through the real peers, with the real pre-contact check."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.waves.control import wave_counts
from campaigns.waves.planning import WaveSpec, create_wave, materialise
from campaigns.waves.scheduler import tick
from campaigns.waves.segment import Segment
from messaging.email.worker import EmailWorker
from messaging.settings import SmppSettings, SmtpSettings
from messaging.sms.worker import SmsWorker
from messaging.templating.store import TemplateStore
from models.column_types import utc_now
from models.entities import Attempt, Building, PersonEmail
from models.enums import Channel
from tests.campaigns.builders import debtor_case
from tests.messaging.fixtures import attempts, midday_zone, run_until_done
from messaging.peers.smsc_sim import PASSWORD, USER, Smsc, start_smsc
from messaging.peers.smtp_sim import SmtpServer, start_smtp

DEBTORS = 6


async def _send_all(sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
                    name: str) -> tuple[Smsc, SmtpServer]:
    """Run an SMS and an email worker against fresh peers until the queue is done; the stopped
    peers keep what they received."""
    smsc = start_smsc(tmp_path)
    smtp = start_smtp(tmp_path)
    templates = TemplateStore(tmp_path / "templates", 3, 2.5)
    try:
        await run_until_done(sessionmaker, [
            SmsWorker(sessionmaker, SmppSettings(port=smsc.port, system_id=USER, password=PASSWORD),
                      templates, f"{name}-sms"),
            EmailWorker(sessionmaker, SmtpSettings(port=smtp.port), templates, f"{name}-email"),
        ])
    finally:
        smsc.process.stop()
        smtp.process.stop()
    return smsc, smtp


async def test_a_wave_of_sms_and_a_wave_of_email_reach_every_debtor_once(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    now = utc_now()
    async with sessionmaker() as session, session.begin():
        for n in range(DEBTORS):
            person, case = await debtor_case(session, f"77{n:04d}", phone=f"+7920{n:07d}",
                                             owes=Decimal(1000 * (n + 1)))
            case.current_debt, case.days_overdue, case.debt_as_of = Decimal(1000 * (n + 1)), 385, now.date()
            session.add(PersonEmail(person_id=person.id, address=f"debtor{n}@example.test"))
        await session.execute(update(Building).values(timezone=midday_zone()))
        waves = []
        for channel, template in ((Channel.SMS, "reminder"), (Channel.EMAIL, "payment_details")):
            wave = await create_wave(session, WaveSpec(
                name=f"Напоминание: {channel}", channel=channel, template=template,
                segment=Segment(min_debt=Decimal("2000")), window_start=now - timedelta(minutes=1),
                window_end=now + timedelta(hours=1), per_minute=600))
            await materialise(session, wave, now=now)
            waves.append(wave.id)
        await tick(session)
    smsc, smtp = await _send_all(sessionmaker, tmp_path, "wave")
    rows = await attempts(sessionmaker)
    # 2 000 ₽ and more: five of the six debtors, each by SMS and by email.
    assert len(rows) == 10
    assert {(row.channel, row.status, row.outcome) for row in rows.values()} == {
        ("sms", "done", "delivered"), ("email", "done", "delivered")}
    assert smsc.message_counts() == {f"7920{n:07d}": 1 for n in range(1, DEBTORS)}
    texts = {m["dst"]: m["text"] for m in smsc.messages()}
    assert "задолженность 6\u00a0000,00\u00a0₽" in texts["79200000005"]
    received = {e["rcpt_tos"][0]: m for e, m in smtp.received()}
    assert set(received) == {f"debtor{n}@example.test" for n in range(1, DEBTORS)}
    assert received["debtor1@example.test"]["Subject"] == "Реквизиты для оплаты по лицевому счёту 770001"
    async with sessionmaker() as session:
        for wave_id in waves:
            counts = await wave_counts(session, wave_id)
            assert counts.members == 5


async def test_sms_and_email_count_against_the_contact_budget_of_messages(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    """230-ФЗ: two messages a day by default; a third for the same debtor waits for another day."""
    async with sessionmaker() as session, session.begin():
        person, case = await debtor_case(session, "880001", phone="+79300000001")
        session.add(PersonEmail(person_id=person.id, address="budget@example.test"))
        await session.execute(update(Building).values(timezone=midday_zone()))
        for key, channel, address in (("b1", "sms", "+79300000001"), ("b2", "email", "budget@example.test"),
                                      ("b3", "sms", "+79300000001")):
            session.add(Attempt(case_id=case.id, person_id=person.id, channel=channel, address=address,
                                template="reminder", idempotency_key=key, not_before=utc_now()))
    smsc, smtp = await _send_all(sessionmaker, tmp_path, "budget")
    async with sessionmaker() as session:
        rows = {a.idempotency_key: a for a in (await session.execute(select(Attempt))).scalars()}
    done = [key for key, row in rows.items() if row.status == "done"]
    assert len(done) == 2 and all(rows[key].outcome == "delivered" for key in done)
    (waiting,) = [row for row in rows.values() if row.status == "queued"]
    assert waiting.channel == "sms" and waiting.not_before > utc_now()
    assert waiting.note == "лимит сообщений в день исчерпан (2)"
    assert sum(smsc.message_counts().values()) + len(smtp.received()) == 2
