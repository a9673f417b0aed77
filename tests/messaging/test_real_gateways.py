"""One SMS test through a real Jasmin 0.11.0 gateway (the simulator as its upstream SMSC)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messaging.settings import SmppSettings
from messaging.sms.worker import SmsWorker
from messaging.templating.store import TemplateStore
from tests.messaging.fixtures import attempts, go, phone, queue_attempts, run_until_done
from tests.peers import jasmin_gateway
from tests.peers.smsc_sim import PASSWORD, USER, start_smsc

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
