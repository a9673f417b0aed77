"""Through real gateways: SMS via Jasmin 0.11.0 (the simulator as its upstream SMSC), email via a
private instance of Debian's postfix."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.email.bounce_receiver import BounceReceiver
from messaging.email.worker import EmailWorker
from messaging.settings import SmppSettings, SmtpSettings
from messaging.sms.worker import SmsWorker
from messaging.templating.store import TemplateStore
from tests.messaging.fixtures import attempts, go, phone, queue_attempts, run_until_done
from tests.peers import jasmin_gateway, postfix_mta
from messaging.peers.smsc_sim import PASSWORD, USER, start_smsc
from messaging.peers.smtp_sim import make_certificate

LONG = """{% block sms %}{{ debtor.name }}, по л/с {{ account.number }} долг {{ debt|money }}. \
{% for i in range(3) %}Просим оплатить задолженность в ближайшее время. {% endfor %}{% endblock %}
{% block subject %}{% endblock %}{% block text %}{% endblock %}{% block html %}{% endblock %}"""


@pytest.mark.slow
async def test_sms_through_jasmin_arrive_whole_and_receipts_finish_attempts(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    if not jasmin_gateway.installed():
        pytest.fail("Jasmin is not installed: run scripts/setup.sh")
    if not jasmin_gateway.services_up():
        pytest.skip("Redis and RabbitMQ are not running on this machine")
    smsc = start_smsc(tmp_path)
    try:
        jasmin = jasmin_gateway.start_jasmin(tmp_path / "jasmin", smsc.port, USER, PASSWORD)
        try:
            await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(3)], "long")
            (tmp_path / "templates").mkdir()
            (tmp_path / "templates" / "long.j2").write_text(LONG, encoding="utf-8")
            settings = SmppSettings(port=jasmin.smpp_port, system_id=jasmin_gateway.USER,
                                    password=jasmin_gateway.PASSWORD)
            templates = TemplateStore(tmp_path / "templates", segment_budget=10, segment_price=2.5)
            await run_until_done(sessionmaker, SmsWorker(sessionmaker, settings, templates, "jasmin-test",
                                                         check=go), timeout=120)
        finally:
            jasmin.stop()
    finally:
        smsc.process.stop()
    # Jasmin forwarded every part; the SMSC behind it put each message together once.
    assert smsc.message_counts() == {phone(i).lstrip("+"): 1 for i in range(3)}
    assert all(m["parts"] == 3 and m["text"].endswith("в ближайшее время.") for m in smsc.messages())
    rows = await attempts(sessionmaker)
    assert {(row.status, row.outcome) for row in rows.values()} == {("done", "delivered")}
    # Jasmin's own message ids (UUIDs), its receipts matched by the id: in their text.
    assert all(len(row.message_id) == 36 and row.message_id.count("-") == 4 for row in rows.values())


@pytest.mark.slow
async def test_email_through_debian_postfix_with_starttls(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    if not postfix_mta.installed():
        pytest.fail("postfix is not installed: run scripts/setup.sh")
    certificate = make_certificate(tmp_path)
    postfix = postfix_mta.start_postfix(*certificate)
    try:
        await queue_attempts(sessionmaker, "email", ["ivanov@example.test", "bounce-1@example.test",
                                                      "defer-1@example.test"])
        settings = SmtpSettings(port=postfix.port, starttls="required", ca_file=str(certificate[0]),
                                sender="dolg@uk-dom.example", message_id_domain="uk-dom.example",
                                tries=2, retry_pause_seconds=0.1)
        await run_until_done(sessionmaker, EmailWorker(sessionmaker, settings,
                                                       TemplateStore(tmp_path / "t", 3, 2.5),
                                                       "postfix-test", check=go), timeout=60)
        for _ in range(100):  # the log line of the delivery comes after the 250
            if "status=sent" in postfix.log_text():
                break
            await asyncio.sleep(0.1)
        log = postfix.log_text()
    finally:
        postfix.stop()
    rows = await attempts(sessionmaker)
    delivered = rows["ivanov@example.test"]
    assert (delivered.status, delivered.outcome, delivered.message_id) == (
        "done", "delivered", "<email-0@uk-dom.example>")
    # Postfix took it over STARTTLS, kept our Message-ID and passed it on.
    assert "message-id=<email-0@uk-dom.example>" in log and "starttls=1" in log
    assert "to=<ivanov@example.test>, relay=none" in log and "status=sent" in log
    bounced = rows["bounce-1@example.test"]
    # Postfix's own reject code for an access map REJECT is 554.
    assert (bounced.status, bounced.outcome) == ("done", "undelivered") and "554 5.1.1" in bounced.note
    deferred = rows["defer-1@example.test"]
    assert deferred.status == "queued" and "450 4.3.0" in deferred.note and "2 попыт." in deferred.note


@pytest.mark.slow
async def test_a_postfix_bounce_reaches_the_receiver_and_fails_the_delivered_attempt(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    if not postfix_mta.installed():
        pytest.fail("postfix is not installed: run scripts/setup.sh")
    settings = SmtpSettings(sender="dolg@uk-dom.example", message_id_domain="uk-dom.example",
                            return_path="bounces@bounces.vozvrat.test", bounce_listen="127.0.0.1:0")
    receiver = BounceReceiver(sessionmaker, settings)
    await receiver.start()
    postfix = postfix_mta.start_postfix(*make_certificate(tmp_path),
                                        bounces=("bounces.vozvrat.test", receiver.port))
    try:
        ids = await queue_attempts(sessionmaker, "email", ["ivanov@example.test", "no-such-user@localhost"])
        # The worker's own receiver is off: this one outlives the batch run, as the bounce may.
        worker = EmailWorker(sessionmaker, settings.model_copy(update={"port": postfix.port,
                                                                       "bounce_listen": ""}),
                             TemplateStore(tmp_path / "t", 3, 2.5), "postfix-bounce-test", check=go)

        async def until_bounced() -> None:
            deadline = asyncio.get_running_loop().time() + 90
            while not receiver.failed and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.1)

        await run_until_done(sessionmaker, worker, timeout=120, during=until_bounced())
        log = postfix.log_text()
    finally:
        postfix.stop()
        await receiver.stop()
    assert receiver.failed == [ids[1]], log[-3000:]
    # Postfix sent its DSN from the null sender to the attempt's VERP address.
    assert f"to=<bounces+{ids[1]}@bounces.vozvrat.test>" in log and "status=sent" in log
    rows = await attempts(sessionmaker)
    assert rows["ivanov@example.test"].outcome == "delivered"
    bounced = rows["no-such-user@localhost"]
    assert (bounced.status, bounced.outcome, bounced.message_id) == (
        "done", "undelivered", "<email-1@uk-dom.example>")
    assert bounced.note.startswith("письмо вернулось: no-such-user@localhost: 5.1.1") and "unknown user" in bounced.note
