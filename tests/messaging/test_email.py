"""Email over the test SMTP server (aiosmtpd, STARTTLS with a certificate made for the run, AUTH)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.email.compose import Attachment, Envelope, compose, message_id
from messaging.email.smtp_sender import SmtpPool, Verdict
from messaging.email.worker import EmailWorker
from messaging.settings import SmtpSettings
from messaging.templating.render import EmailText
from messaging.templating.store import TemplateStore
from tests.messaging.fixtures import attempts, go, queue_attempts, review_tasks, run_until_done
from messaging.peers.smtp_sim import PASSWORD, USER, SmtpServer, make_certificate, start_smtp

# The smallest well-formed PDF: what the notice attachment is in production.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>"
       b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tmp_path: Path, certificate: tuple[Path, Path]) -> SmtpServer:
    smtp = start_smtp(tmp_path, tls=certificate, auth=True)
    yield smtp
    smtp.process.stop()


def settings(server: SmtpServer, certificate: tuple[Path, Path], **overrides: object) -> SmtpSettings:
    values: dict[str, object] = dict(port=server.port, starttls="required", ca_file=str(certificate[0]),
                                     username=USER, password=PASSWORD, sender="dolg@uk-dom.example",
                                     sender_name="УК «Дом»", message_id_domain="uk-dom.example",
                                     retry_pause_seconds=0.05, tries=3)
    values.update(overrides)
    return SmtpSettings.model_validate(values)


SENDER = "dolg@uk-dom.example"


def letter(to: str, key: str, attachments: tuple[Attachment, ...] = ()) -> tuple[str, bytes]:
    msg_id = message_id(key, "uk-dom.example")
    text = EmailText("Напоминание о задолженности по лицевому счёту 100200",
                     "Здравствуйте, Иван Петрович!\n\nДолг 5 000,00 ₽.\n",
                     "<html><body><p>Здравствуйте, Иван Петрович!</p></body></html>\n")
    envelope = Envelope(SENDER, "УК «Дом»", to, "Иванов Иван Петрович")
    return msg_id, compose(envelope, text, msg_id, attachments)


async def test_email_with_attachment_arrives_with_correct_russian_headers(
    server: SmtpServer, certificate: tuple[Path, Path],
) -> None:
    pool = SmtpPool(settings(server, certificate))
    msg_id, message = letter("ivanov@example.test", "attempt-42",
                             (Attachment("Уведомление о задолженности.pdf", "application/pdf", PDF),))
    result = await pool.send(message, SENDER, ["ivanov@example.test"])
    await pool.close()
    assert (result.verdict, result.refused, result.tries) == (Verdict.ACCEPTED, {}, 1)
    ((envelope, received),) = server.received()
    # It went over STARTTLS, after AUTH, to the envelope recipient.
    assert envelope == {"mail_from": "dolg@uk-dom.example", "rcpt_tos": ["ivanov@example.test"],
                        "tls": True, "auth": True}
    (raw_file,) = server.spool.glob("*.eml")
    raw = raw_file.read_bytes()
    assert raw.isascii()  # every header and body encoded for a 7-bit transport
    assert b"Subject: =?utf-8?" in raw
    assert received["Subject"] == "Напоминание о задолженности по лицевому счёту 100200"
    assert received["From"].addresses[0].display_name == "УК «Дом»"
    assert str(received["To"]) == "Иванов Иван Петрович <ivanov@example.test>"
    assert received["Message-ID"] == msg_id == "<attempt-42@uk-dom.example>"
    assert received["Date"] and received["Content-Language"] == "ru"
    assert received.get_content_type() == "multipart/mixed"
    body = received.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content() == "Здравствуйте, Иван Петрович!\n\nДолг 5 000,00 ₽.\n"
    html = received.get_body(preferencelist=("html",))
    assert html is not None and "<p>Здравствуйте, Иван Петрович!</p>" in html.get_content()
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_filename() == "Уведомление о задолженности.pdf"
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content() == PDF


async def test_one_connection_is_reused_and_reopened_after_the_server_restarts(
    server: SmtpServer, certificate: tuple[Path, Path],
) -> None:
    pool = SmtpPool(settings(server, certificate), size=1)
    for index in range(5):
        to = f"a{index}@example.test"
        assert (await pool.send(letter(to, f"k{index}")[1], SENDER, [to])).verdict == Verdict.ACCEPTED
    assert pool.connections_opened == 1
    server.process.stop()
    server.process.restart()
    # The pooled connection is dead now; the message goes out on a new one, once.
    after = await pool.send(letter("after@example.test", "k-after")[1], SENDER, ["after@example.test"])
    assert after.verdict == Verdict.ACCEPTED, after
    await pool.close()
    assert pool.connections_opened == 2
    assert [e["rcpt_tos"][0] for e, _ in server.received()][-1] == "after@example.test"


async def test_partial_refusal_is_reported_not_lost(server: SmtpServer, certificate: tuple[Path, Path]) -> None:
    pool = SmtpPool(settings(server, certificate))
    _, message = letter("ok@example.test", "both")
    result = await pool.send(message, SENDER, ["ok@example.test", "bounce-7@example.test"])
    await pool.close()
    assert result.verdict == Verdict.ACCEPTED
    assert list(result.refused) == ["bounce-7@example.test"] and result.refused["bounce-7@example.test"].startswith("550")


async def test_wrong_password_and_plain_text_are_refused(server: SmtpServer, certificate: tuple[Path, Path]) -> None:
    wrong = SmtpPool(settings(server, certificate, password="wrong", tries=1))
    result = await wrong.send(letter("a@example.test", "k")[1], SENDER, ["a@example.test"])
    assert result.verdict == Verdict.PERMANENT and result.reason.startswith("535"), result
    clear = SmtpPool(settings(server, certificate, starttls="never", tries=1))
    result = await clear.send(letter("a@example.test", "k")[1], SENDER, ["a@example.test"])
    assert result.verdict == Verdict.PERMANENT and "TLS" in result.reason, result
    assert server.received() == []


async def test_worker_reports_delivered_undelivered_and_retries_temporary_refusals(
    sessionmaker: async_sessionmaker[AsyncSession], server: SmtpServer, certificate: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    addresses = ["ivanov@example.test", "bounce-1@example.test", "flaky-1@example.test",
                 "defer-1@example.test"]
    await queue_attempts(sessionmaker, "email", addresses, template="debt_notice")
    worker = EmailWorker(sessionmaker, settings(server, certificate),
                         TemplateStore(tmp_path / "templates", 3, 2.5), "email-test", check=go)
    await run_until_done(sessionmaker, worker)
    rows = await attempts(sessionmaker)
    delivered = rows["ivanov@example.test"]
    assert (delivered.status, delivered.outcome) == ("done", "delivered")
    assert delivered.message_id == "<email-0@uk-dom.example>"
    bounced = rows["bounce-1@example.test"]
    assert (bounced.status, bounced.outcome) == ("done", "undelivered")
    assert "550 5.1.1" in bounced.note and "User unknown" in bounced.note
    # Greylisted once, then accepted on the second try.
    assert (rows["flaky-1@example.test"].status, rows["flaky-1@example.test"].outcome) == ("done", "delivered")
    # Still refused after every try: back in the queue for later, not counted as a contact.
    deferred = rows["defer-1@example.test"]
    assert (deferred.status, deferred.started_at) == ("queued", None)
    assert "3 попыт." in deferred.note and "451 4.3.0" in deferred.note
    received = {e["rcpt_tos"][0]: m for e, m in server.received()}
    assert set(received) == {"ivanov@example.test", "flaky-1@example.test"}
    notice = received["ivanov@example.test"]
    assert notice["Subject"] == "Уведомление о задолженности по лицевому счёту email00000"
    assert str(notice["To"]) == "Иванов Иван <ivanov@example.test>"
    (attachment,) = list(notice.iter_attachments())
    assert attachment.get_filename() == "Уведомление о задолженности email00000.html"
    assert "5\u00a0000,00\u00a0₽" in attachment.get_content()


async def test_message_taken_but_unanswered_is_not_sent_again_and_goes_to_review(
    sessionmaker: async_sessionmaker[AsyncSession], server: SmtpServer, certificate: tuple[Path, Path],
    tmp_path: Path,
) -> None:
    # hangup-*: the server queues the message and the connection drops before its 250 leaves.
    pool = SmtpPool(settings(server, certificate))
    result = await pool.send(letter("hangup-0@example.test", "k")[1], SENDER, ["hangup-0@example.test"])
    assert (result.verdict, result.tries) == (Verdict.UNCERTAIN, 1), result
    await pool.close()

    addresses = ["hangup-1@example.test", "ivanov@example.test"]
    ids = await queue_attempts(sessionmaker, "email", addresses)
    worker = EmailWorker(sessionmaker, settings(server, certificate),
                         TemplateStore(tmp_path / "templates", 3, 2.5), "email-test", check=go)
    await run_until_done(sessionmaker, worker)

    # Each taken once: the unanswered message was not sent again, by the pool nor by the worker.
    assert sorted(e["rcpt_tos"][0] for e, _ in server.received()) == [
        "hangup-0@example.test", "hangup-1@example.test", "ivanov@example.test"]
    rows = await attempts(sessionmaker)
    unconfirmed = rows["hangup-1@example.test"]
    assert (unconfirmed.status, unconfirmed.outcome) == ("done", "unconfirmed")
    assert "ответ не получен" in unconfirmed.note and unconfirmed.lease_expires_at is None
    assert unconfirmed.message_id == "<email-0@uk-dom.example>"
    assert (rows["ivanov@example.test"].status, rows["ivanov@example.test"].outcome) == ("done", "delivered")
    tasks = await review_tasks(sessionmaker)
    assert list(tasks) == [ids[0]]
    assert "проверить, дошло ли сообщение (hangup-1@example.test)" in tasks[ids[0]]
