"""The operator's commands and ``vozvrat worker``, run as the console script against the real peers."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.entities import Building
from tests.messaging.fixtures import attempts, midday_zone, phone, queue_attempts
from messaging.peers.smsc_sim import PASSWORD, USER, start_smsc
from messaging.peers.smtp_sim import PASSWORD as SMTP_PASSWORD
from messaging.peers.smtp_sim import USER as SMTP_USER
from messaging.peers.smtp_sim import make_certificate, start_smtp

VOZVRAT = [sys.executable, "-m", "backoffice.cli.main"]
ROOT = Path(__file__).resolve().parents[2]


def environment(tmp_path: Path, **values: object) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VOZVRAT_")}
    env["VOZVRAT_CONFIG"] = str(tmp_path / "none.toml")
    env["VOZVRAT_TEMPLATES_DIR"] = str(tmp_path / "templates")
    env.update({f"VOZVRAT_{key.upper()}": str(value) for key, value in values.items()})
    return env


def vozvrat(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VOZVRAT, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_sms_send_test_reports_acceptance_and_receipt(tmp_path: Path) -> None:
    smsc = start_smsc(tmp_path)
    try:
        env = environment(tmp_path, smpp_port=smsc.port, smpp_system_id=USER, smpp_password=PASSWORD)
        result = vozvrat(env, "sms", "send-test", "--to", "8 (910) 000-00-07", "--text",
                         "Проверка: " + "длинное сообщение " * 6, "--wait", "20")
        refused = vozvrat(env, "sms", "send-test", "--to", "12345")
    finally:
        smsc.process.stop()
    assert result.returncode == 0, result.stderr
    assert "+79100000007: UCS-2, 118 симв., 2 сегм., 5.00 руб." in result.stdout
    assert "принято SMSC" in result.stdout and result.stdout.count(": delivered") == 2
    assert smsc.message_counts() == {"79100000007": 1}
    assert refused.returncode == 2 and "не номер телефона" in refused.stderr


def test_email_send_test_with_attachment_over_starttls(tmp_path: Path) -> None:
    certificate = make_certificate(tmp_path)
    smtp = start_smtp(tmp_path, tls=certificate, auth=True)
    attachment = tmp_path / "Уведомление.pdf"
    attachment.write_bytes(b"%PDF-1.4\n%%EOF\n")
    try:
        env = environment(tmp_path, smtp_port=smtp.port, smtp_starttls="required",
                          smtp_ca_file=certificate[0], smtp_username=SMTP_USER,
                          smtp_password=SMTP_PASSWORD)
        result = vozvrat(env, "email", "send-test", "--to", "operator@example.test",
                         "--attach", str(attachment))
        bounced = vozvrat(env, "email", "send-test", "--to", "bounce-1@example.test")
    finally:
        smtp.process.stop()
    assert result.returncode == 0, result.stderr
    assert "принято сервером" in result.stdout and "Message-ID <test-" in result.stdout
    ((envelope, message),) = smtp.received()
    assert envelope["tls"] and message["Subject"].startswith("Проверка связи")
    assert [a.get_filename() for a in message.iter_attachments()] == ["Уведомление.pdf"]
    assert bounced.returncode == 1 and "permanent" in bounced.stdout and "550" in bounced.stdout


def test_templates_save_refuses_a_template_over_the_budget(tmp_path: Path) -> None:
    source = tmp_path / "long.j2"
    source.write_text("{% block sms %}" + "Оплатите долг. " * 30 + "{% endblock %}{% block subject %}"
                      "{% endblock %}{% block text %}{% endblock %}{% block html %}{% endblock %}",
                      encoding="utf-8")
    result = vozvrat(environment(tmp_path), "templates", "save", "long", str(source))
    assert result.returncode == 1 and "SMS займёт 7 сегм." in result.stderr
    assert not (tmp_path / "templates" / "long.j2").exists()
    listing = vozvrat(environment(tmp_path), "templates", "list")
    assert listing.returncode == 0 and "reminder: SMS не более UCS-2" in listing.stdout


async def test_worker_command_sends_sms_and_email_attempts_through_the_real_checks(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
) -> None:
    smsc = start_smsc(tmp_path)
    smtp = start_smtp(tmp_path)
    try:
        await queue_attempts(sessionmaker, "sms", [phone(i) for i in range(3)])
        await queue_attempts(sessionmaker, "email", [f"debtor{i}@example.test" for i in range(2)])
        async with sessionmaker() as session, session.begin():
            await session.execute(update(Building).values(timezone=midday_zone()))
        env = environment(tmp_path, smpp_port=smsc.port, smpp_system_id=USER, smpp_password=PASSWORD,
                          smtp_port=smtp.port)
        worker = subprocess.Popen([*VOZVRAT, "worker", "--channels", "sms,email", "--url", database_url],
                                  env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True)
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                rows = await attempts(sessionmaker)
                if all(row.status == "done" for row in rows.values()):
                    break
                await asyncio.sleep(0.2)
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=60)
    finally:
        smsc.process.stop()
        smtp.process.stop()
    assert worker.returncode == 0, output
    rows = await attempts(sessionmaker)
    assert {(row.channel, row.status, row.outcome) for row in rows.values()} == {
        ("sms", "done", "delivered"), ("email", "done", "delivered")}, output
    assert smsc.message_counts() == {phone(i).lstrip("+"): 1 for i in range(3)}
    assert sorted(e["rcpt_tos"][0] for e, _ in smtp.received()) == ["debtor0@example.test",
                                                                   "debtor1@example.test"]
    # The progress display's last lines, printed as the worker stops.
    assert "sms: в очереди 0 · в работе 0 · завершено 3 (доставлено 3)" in output
    assert "email: в очереди 0 · в работе 0 · завершено 2 (доставлено 2)" in output
