"""The SMS worker against the SMSC simulator (npm ``smpp``), started by each test on a free port."""
from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.settings import SmppSettings
from messaging.sms.encoding import Concatenation, segment
from messaging.sms.worker import SmsWorker
from messaging.templating.store import TemplateStore
from models.outreach import SmsPart
from tests.messaging.fixtures import attempts, go, phone, queue_attempts, run_until_done
from messaging.peers.smsc_sim import PASSWORD, USER, Smsc, start_smsc

LONG_TEMPLATE = """{% block sms %}{{ debtor.name }}, {% for i in range(6) %}по лицевому счёту {{ account.number }} \
числится задолженность {{ debt|money }}; {% endfor %}конец.{% endblock %}
{% block subject %}{% endblock %}{% block text %}{% endblock %}{% block html %}{% endblock %}"""


def worker(sessionmaker: async_sessionmaker[AsyncSession], smsc: Smsc, tmp_path: Path,
           **overrides: object) -> SmsWorker:
    settings = SmppSettings(port=smsc.port, system_id=USER, password=PASSWORD,
                            reconnect_min_seconds=0.1, reconnect_max_seconds=0.5, **overrides)
    templates = TemplateStore(tmp_path / "templates", segment_budget=10, segment_price=2.5)
    return SmsWorker(sessionmaker, settings, templates, "sms-test", check=go)


@pytest.mark.parametrize("concatenation", ["udh", "sar"])
async def test_long_cyrillic_sms_arrives_whole_and_receipts_finish_attempts(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path, concatenation: str,
) -> None:
    smsc = start_smsc(tmp_path, "--undeliv-prefix", "7910000000", "--expire-prefix", "7910000001")
    try:
        # Numbers 0–9 are undeliverable, 10–19 expire, the rest are delivered.
        ids = await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(25)], "long")
        templates = tmp_path / "templates"
        templates.mkdir()
        (templates / "long.j2").write_text(LONG_TEMPLATE, encoding="utf-8")
        await run_until_done(sessionmaker, worker(sessionmaker, smsc, tmp_path,
                                                  concatenation=concatenation))
    finally:
        smsc.process.stop()
    messages = smsc.messages()
    assert len(messages) == 25 and Counter(m["dst"] for m in messages) == {
        phone(i).lstrip("+"): 1 for i in range(25)}
    whole = messages[0]["text"]
    assert whole.startswith("Иван, по лицевому счёту sms00") and whole.endswith("конец.")
    total = segment(whole, Concatenation(concatenation)).count
    assert whole.count("5\u00a0000,00\u00a0₽") == 6 and messages[0]["parts"] == total > 4
    rows = await attempts(sessionmaker)
    assert {rows[phone(i)].outcome for i in range(10)} == {"undelivered"}
    assert {rows[phone(i)].outcome for i in range(10, 20)} == {"expired"}
    assert {rows[phone(i)].outcome for i in range(20, 25)} == {"delivered"}
    assert all(row.status == "done" for row in rows.values())
    async with sessionmaker() as session:
        parts = (await session.execute(select(SmsPart).where(SmsPart.attempt_id == ids[24])
                                       .order_by(SmsPart.number))).scalars().all()
    # One receipt per part, each part with the SMSC's own id; the first is kept on the attempt.
    assert [p.number for p in parts] == list(range(1, total + 1)) and {p.state for p in parts} == {"delivered"}
    assert rows[phone(24)].message_id == parts[0].message_id != ""


async def test_refused_number_is_undelivered_with_the_smsc_reason(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    smsc = start_smsc(tmp_path, "--reject-prefix", "79100000001")
    try:
        await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(3)])
        await run_until_done(sessionmaker, worker(sessionmaker, smsc, tmp_path))
    finally:
        smsc.process.stop()
    rows = await attempts(sessionmaker)
    assert rows[phone(1)].outcome == "undelivered"
    assert "SMSC отклонил" in rows[phone(1)].note and "0x0000000B" in rows[phone(1)].note
    assert rows[phone(0)].outcome == rows[phone(2)].outcome == "delivered"


@pytest.mark.parametrize("busy", ["throttled", "queue-full"])
async def test_throttling_slows_the_worker_and_nothing_is_lost(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path, busy: str,
) -> None:
    # ESME_RTHROTTLED (0x58) or ESME_RMSGQFUL (0x14) over 10 messages a second.
    smsc = start_smsc(tmp_path, "--throttle-rate", "10", "--busy-status", busy)
    count = 40
    try:
        await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(count)])
        sms = worker(sessionmaker, smsc, tmp_path, window=20)
        started = asyncio.get_running_loop().time()
        await run_until_done(sessionmaker, sms)
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        smsc.process.stop()
    assert sms.sender.link.throttled > 0 and smsc.stats()["throttled"] == sms.sender.link.throttled
    assert smsc.message_counts() == {phone(i).lstrip("+"): 1 for i in range(count)}
    assert {row.outcome for row in (await attempts(sessionmaker)).values()} == {"delivered"}
    # 40 messages at 10/s after a full bucket of 10 cannot take less than three seconds.
    assert elapsed > 2.9


async def test_smsc_killed_and_restarted_mid_batch_delivers_every_message_once(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    # After 40 messages the SMSC hangs: it reads every later part and answers none, so parts
    # are surely written and unanswered when it dies, however fast the worker is.
    smsc = start_smsc(tmp_path, "--hang-at", "40")
    count = 120

    async def crash() -> None:
        while not smsc.records("hang"):
            await asyncio.sleep(0.01)
        while sms.sender.link.parts_in_flight < 10:
            await asyncio.sleep(0.01)
        smsc.process.kill()
        await asyncio.sleep(0.3)
        smsc.process.restart()

    sms = worker(sessionmaker, smsc, tmp_path, window=30)
    try:
        await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(count)])
        await run_until_done(sessionmaker, sms, timeout=90, during=crash())
    finally:
        smsc.process.stop()
    # Parts were written to the hung SMSC and never answered: written again after the restart,
    # and still every number got its message exactly once.
    assert sms.sender.link.resent > 0
    assert smsc.message_counts() == {phone(i).lstrip("+"): 1 for i in range(count)}
    rows = await attempts(sessionmaker)
    assert {row.outcome for row in rows.values()} == {"delivered"}
    # The restarted SMSC still owed receipts for what it took before the crash, and sent them.
    assert all(row.message_id for row in rows.values())


async def test_server_unbind_reconnects_and_resumes_without_loss_or_duplicates(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    # The tenth part answered on each connection triggers an unbind, with parts answered after
    # the unbind request on the same connection. A connection takes at most 10 + the window of 40
    # parts before the worker reads the unbind, so 120 parts make at least three connections.
    smsc = start_smsc(tmp_path, "--unbind-after", "10")
    count = 120
    try:
        await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(count)])
        sms = worker(sessionmaker, smsc, tmp_path, window=40)
        await run_until_done(sessionmaker, sms, timeout=90)
    finally:
        smsc.process.stop()
    stats = smsc.stats()
    assert stats["unbinds_sent"] >= 3 and stats["binds"] >= 3
    assert smsc.message_counts() == {phone(i).lstrip("+"): 1 for i in range(count)}
    assert {row.outcome for row in (await attempts(sessionmaker)).values()} == {"delivered"}


async def test_messages_without_receipts_expire_after_the_receipt_wait(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    # Receipts an hour late: the wait of two seconds ends first.
    smsc = start_smsc(tmp_path, "--dlr-delay", "3600")
    try:
        await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(3)])
        await run_until_done(sessionmaker, worker(sessionmaker, smsc, tmp_path,
                                                  receipt_wait_hours=2 / 3600), timeout=30)
    finally:
        smsc.process.stop()
    rows = await attempts(sessionmaker)
    assert {(row.status, row.outcome) for row in rows.values()} == {("done", "expired")}
    assert all(row.note == "квитанция о доставке не пришла за 0.000555556 ч" for row in rows.values())
    assert smsc.message_counts() == {phone(i).lstrip("+"): 1 for i in range(3)}


async def test_receipts_that_overtake_the_submit_answer_are_matched(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    smsc = start_smsc(tmp_path, "--receipt-first", "--undeliv-prefix", "79100000002")
    try:
        await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(4)])
        await run_until_done(sessionmaker, worker(sessionmaker, smsc, tmp_path), timeout=30)
    finally:
        smsc.process.stop()
    rows = await attempts(sessionmaker)
    assert [rows[phone(i)].outcome for i in range(4)] == ["delivered", "delivered", "undelivered", "delivered"]
    assert smsc.stats()["dlr"] == sum(m["parts"] for m in smsc.messages())
