"""Late bounces: an email the server accepted (250) whose delivery status notification comes
later, to the attempt's VERP address, where the worker's bounce receiver turns it undelivered."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import aiosmtplib
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.email.bounce_receiver import BounceReceiver
from messaging.email.worker import EmailWorker
from messaging.peers.smtp_sim import start_smtp
from messaging.settings import SmtpSettings
from messaging.templating.store import TemplateStore
from models.case import Case, CaseEvent
from models.outreach import Attempt
from tests.campaigns.builders import T0
from tests.messaging.fixtures import attempts, go, queue_attempts, run_until_done
from tests.peers.postfix_mta import free_port

RETURN_PATH = "bounces@uk-dom.example"


async def until_undelivered(sessionmaker: async_sessionmaker[AsyncSession], address: str,
                            timeout: float = 30.0) -> None:
    """Keeps a batch run going until the bounce for ``address`` has been recorded."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if (await attempts(sessionmaker))[address].outcome == "undelivered":
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"no bounce recorded for {address}")


async def test_a_bounce_after_acceptance_turns_the_delivered_attempt_undelivered(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    port = free_port()
    server = start_smtp(tmp_path, bounce_to=f"127.0.0.1:{port}")
    try:
        ids = await queue_attempts(sessionmaker, "email", ["ivanov@example.test", "late-1@example.test"])
        settings = SmtpSettings(port=server.port, sender="dolg@uk-dom.example",
                                message_id_domain="uk-dom.example", return_path=RETURN_PATH,
                                bounce_listen=f"127.0.0.1:{port}")
        worker = EmailWorker(sessionmaker, settings, TemplateStore(tmp_path / "t", 3, 2.5),
                             "bounce-test", check=go)
        await run_until_done(sessionmaker, worker,
                             during=until_undelivered(sessionmaker, "late-1@example.test"))
    finally:
        server.process.stop()
    # Each went out from its attempt's own bounce address.
    assert [e["mail_from"] for e, _ in server.received()] == [f"bounces+{i}@uk-dom.example" for i in ids]
    rows = await attempts(sessionmaker)
    assert (rows["ivanov@example.test"].outcome, rows["ivanov@example.test"].note) == ("delivered", "")
    late = rows["late-1@example.test"]
    assert (late.status, late.outcome, late.message_id) == ("done", "undelivered", "<email-1@uk-dom.example>")
    assert late.note.startswith("письмо вернулось: late-1@example.test: 5.1.1 550 5.1.1")
    assert "User unknown in virtual mailbox table" in late.note
    async with sessionmaker() as session:
        case = await session.get(Case, late.case_id)
        events = list((await session.execute(select(CaseEvent.message).where(
            CaseEvent.case_id == late.case_id).order_by(CaseEvent.id))).scalars())
    # The delivery no longer counts as a contact with the debtor.
    assert case is not None and case.last_contact_at is None
    assert events[-2] == "Письмо: доставлено"
    assert events[-1].startswith("Письмо: не доставлено (после отчёта о доставке): письмо вернулось")


async def test_the_receiver_takes_only_reports_on_its_own_messages(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    (attempt_id,) = await queue_attempts(sessionmaker, "email", ["late-2@example.test"])
    async with sessionmaker() as session, session.begin():
        # Sent, the server's answer not handled yet: a bounce can overtake the worker's report.
        await session.execute(update(Attempt).values(status="started", started_at=T0))
    receiver = BounceReceiver(sessionmaker, SmtpSettings(return_path=RETURN_PATH,
                                                         message_id_domain="uk-dom.example",
                                                         bounce_listen="127.0.0.1:0"))
    await receiver.start()
    server = start_smtp(tmp_path, bounce_to=f"127.0.0.1:{receiver.port}")
    to = f"bounces+{attempt_id}@uk-dom.example"
    try:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=receiver.port) as client:
            with pytest.raises(aiosmtplib.SMTPRecipientsRefused, match="not a bounce address"):
                await client.sendmail("", ["dolg@uk-dom.example"], b"Subject: x\r\n\r\nx\r\n")
            reply = b"Subject: Re: x\r\nAuto-Submitted: auto-replied\r\n\r\nI am away.\r\n"
            _, answer = await client.sendmail("", [to], reply)
        assert "not a delivery report" in answer
        # A bounce to this attempt's address returning another message: not this attempt's.
        for key in ("other", "email-0"):
            message = f"Message-ID: <{key}@uk-dom.example>\r\nSubject: x\r\n\r\nx\r\n".encode()
            await aiosmtplib.send(message, sender=to, recipients=["late-2@example.test"],
                                  hostname="127.0.0.1", port=server.port)
            await until(lambda: receiver.reports == (1 if key == "other" else 2))
            if key == "other":
                assert (await attempts(sessionmaker))["late-2@example.test"].status == "started"
    finally:
        server.process.stop()
        await receiver.stop()
    assert receiver.failed == [attempt_id]
    row = (await attempts(sessionmaker))["late-2@example.test"]
    assert (row.status, row.outcome) == ("done", "undelivered")
    assert "late-2@example.test: 5.1.1" in row.note


async def test_a_bounce_settles_an_unconfirmed_delivery_as_undelivered(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    (attempt_id,) = await queue_attempts(sessionmaker, "email", ["late-3@example.test"])
    async with sessionmaker() as session, session.begin():
        # The connection died after the message was written: the worker left it for review.
        await session.execute(update(Attempt).values(status="done", outcome="unconfirmed",
                                                     started_at=T0, finished_at=T0))
    receiver = BounceReceiver(sessionmaker, SmtpSettings(return_path=RETURN_PATH,
                                                         message_id_domain="uk-dom.example",
                                                         bounce_listen="127.0.0.1:0"))
    await receiver.start()
    server = start_smtp(tmp_path, bounce_to=f"127.0.0.1:{receiver.port}")
    try:
        message = b"Message-ID: <email-0@uk-dom.example>\r\nSubject: x\r\n\r\nx\r\n"
        await aiosmtplib.send(message, sender=f"bounces+{attempt_id}@uk-dom.example",
                              recipients=["late-3@example.test"], hostname="127.0.0.1",
                              port=server.port)
        await until(lambda: receiver.reports == 1)
    finally:
        server.process.stop()
        await receiver.stop()
    assert receiver.failed == [attempt_id]
    row = (await attempts(sessionmaker))["late-3@example.test"]
    assert (row.status, row.outcome) == ("done", "undelivered")
    async with sessionmaker() as session:
        last = (await session.execute(select(CaseEvent.message, CaseEvent.data).where(
            CaseEvent.case_id == row.case_id).order_by(CaseEvent.id.desc()).limit(1))).one()
    assert last.message.startswith("Письмо: не доставлено (доставка не была подтверждена): ")
    assert last.data["revised_from"] == "unconfirmed"


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)
