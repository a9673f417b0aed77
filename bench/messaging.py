"""Messaging benchmark: SMS per second on one bind, windowed against one at a time, and emails
per second over one reused connection, a new connection each, and pools of four and eight.

SMS: the real SmsSender (segmenting, the SMPP link thread over smpplib, submit answers and one
delivery receipt per message matched back) against the SMSC simulator on npm ``smpp``; a run
ends when every message is accepted and its receipt is in. Email: the real SmtpPool against the
aiosmtpd test server, ~2.3 KB Russian messages. Writes bench/results/messaging.json.

    .venv/bin/python bench/messaging.py [--sms N] [--emails N]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The peers' launchers live with the tests, which are not an installed package.
sys.path.insert(0, str(ROOT))

from messaging.email.compose import Envelope, compose, message_id  # noqa: E402
from messaging.email.smtp_sender import SmtpPool, Verdict  # noqa: E402
from messaging.settings import SmppSettings, SmtpSettings  # noqa: E402
from messaging.sms.sender import MessageAccepted, MessageRefused, SmsSender  # noqa: E402
from messaging.sms.smpp_link import LinkState, Receipt  # noqa: E402
from messaging.templating.render import EmailText  # noqa: E402
from messaging.peers.smsc_sim import PASSWORD, USER, start_smsc  # noqa: E402
from messaging.peers.smtp_sim import start_smtp  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "messaging.json"
GOAL_SMS_PER_SECOND = 4000
GOAL_EMAILS_PER_SECOND = 600
POOL_SIZES = {"pool_of_4": 4, "pool_of_8": 8}
SENDER, RECIPIENT = "dolg@uk-dom.example", "debtor@example.test"
SMS_TEXT = "Долг по л/с 100200: 5 000,00 руб. Оплатите, пожалуйста."


async def sms_run(port: int, count: int, window: int) -> dict[str, float]:
    sender = SmsSender(SmppSettings(port=port, system_id=USER, password=PASSWORD, window=window))
    await sender.start()
    while not isinstance(event := await sender.next_event(), LinkState) or not event.bound:
        pass
    started, cpu = time.perf_counter(), time.process_time()
    for attempt in range(1, count + 1):
        sender.send(attempt, f"+7910{attempt:07d}", SMS_TEXT)
    accepted = receipts = refused = 0
    while accepted + refused < count or receipts < accepted:
        event = await sender.next_event()
        if isinstance(event, MessageAccepted):
            accepted += 1
        elif isinstance(event, Receipt):
            receipts += 1
            # As the worker does once it has stored one: the SMSC holds it until answered.
            sender.acknowledge([event])
        elif isinstance(event, MessageRefused):
            refused += 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    await sender.stop()
    # CPU per message (both threads of this process) is the figure load on the machine spares.
    return {"messages": count, "window": window, "accepted": accepted, "receipts": receipts,
            "seconds": round(seconds, 3), "per_second": round(count / seconds, 1),
            "cpu_us_per_message": round(cpu / count * 1e6, 1)}


def letter(index: int) -> bytes:
    body = ("Здравствуйте, Иван Петрович! По лицевому счёту 100200 числится задолженность "
            "5 000,00 ₽. Просим оплатить её в ближайшее время.\n") * 6
    text = EmailText(f"Напоминание о задолженности № {index}", body, f"<html><body><p>{body}</p></body></html>")
    return compose(Envelope(SENDER, "УК «Дом»", RECIPIENT, "Иванов Иван"),
                   text, message_id(f"bench-{index}", "uk-dom.example"))


async def email_run(port: int, count: int, mode: str) -> dict[str, float]:
    settings = SmtpSettings(port=port, pool_size=POOL_SIZES.get(mode, 1))
    messages = [letter(i) for i in range(count)]
    size = len(messages[0])
    started, cpu = time.perf_counter(), time.process_time()
    opened = 0
    if mode == "new_connection_each":
        for message in messages:
            pool = SmtpPool(settings)
            assert (await pool.send(message, SENDER, [RECIPIENT])).verdict == Verdict.ACCEPTED
            await pool.close()
            opened += pool.connections_opened
    else:
        pool = SmtpPool(settings)
        results = await asyncio.gather(*(pool.send(m, SENDER, [RECIPIENT]) for m in messages))
        assert all(r.verdict == Verdict.ACCEPTED for r in results)
        await pool.close()
        opened = pool.connections_opened
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"messages": count, "message_bytes": size, "connections": opened,
            "seconds": round(seconds, 3), "per_second": round(count / seconds, 1),
            "client_cpu_us_per_message": round(cpu / count * 1e6, 1)}


async def main(args: argparse.Namespace) -> None:
    # The machine's 2 cores are shared: the load when the run began says how far the rates are
    # from an idle machine's; CPU per message does not depend on it.
    results: dict[str, object] = {"machine": f"{platform.machine()}, {platform.python_version()}",
                                  "load_average_1min": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        smsc = start_smsc(folder, journal=False)
        try:
            windowed = await sms_run(smsc.port, args.sms, window=50)
            one_at_a_time = await sms_run(smsc.port, max(args.sms // 4, 1000), window=1)
        finally:
            smsc.process.stop()
        results["sms"] = {"windowed": windowed, "one_at_a_time": one_at_a_time,
                          "windowed_to_one_at_a_time": round(windowed["per_second"]
                                                             / one_at_a_time["per_second"], 2),
                          "goal_per_second": GOAL_SMS_PER_SECOND,
                          "meets_goal": windowed["per_second"] >= GOAL_SMS_PER_SECOND}
        print(f"SMS, one bind, receipt per message: window 50 {windowed['per_second']}/s, "
              f"one at a time {one_at_a_time['per_second']}/s", flush=True)
        smtp = start_smtp(folder, keep=False)
        try:
            email = {mode: await email_run(smtp.port, args.emails, mode)
                     for mode in ("reused_connection", "new_connection_each", *POOL_SIZES)}
        finally:
            smtp.process.stop()
        best = max(run["per_second"] for run in email.values())
        results["email"] = {**email, "pool_of_8_to_new_connection_each": round(
                                email["pool_of_8"]["per_second"] / email["new_connection_each"]["per_second"], 2),
                            "goal_per_second": GOAL_EMAILS_PER_SECOND,
                            "meets_goal": best >= GOAL_EMAILS_PER_SECOND}
        print("emails/s: " + ", ".join(f"{mode} {run['per_second']}" for mode, run in email.items()),
              flush=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sms", type=int, default=20000)
    parser.add_argument("--emails", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
