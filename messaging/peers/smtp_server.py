"""Vozvrat's loopback SMTP server for tests and the benchmark, on aiosmtpd (run as a child process).

    python messaging/peers/smtp_server.py --port 0 [--spool DIR] [--cert C --key K] [--auth USER:PASS]
                                      [--lifetime 600] [--bounce-to HOST:PORT]

Prints ``LISTENING <port>``. Offers STARTTLS with the given certificate (and then requires it),
AUTH PLAIN/LOGIN when ``--auth`` is given, and answers by the recipient's local part:
``bounce-*`` 550 at RCPT (permanent), ``defer-*`` 451 at RCPT (always temporary), ``flaky-*``
451 the first time an address is seen and 250 after, ``toolarge-*`` 552 at DATA, ``late-*``
250 and then, as an MTA whose next hop fails, a delivery status notification (RFC 3464) to the
envelope sender over SMTP at ``--bounce-to``, ``hangup-*`` 250 queued but the connection
dropped before that answer is sent (a server dying between queueing and answering). Each accepted
message is written to the spool (if given) as ``<ns>.eml`` with ``<ns>.json`` (envelope sender,
recipients); the benchmark runs without one.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import email.utils
import os
import signal
import time
import ssl
from pathlib import Path
from typing import Any

import aiosmtplib
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

BOUNCE_DELAY_SECONDS = 0.3
DSN = """From: MAILER-DAEMON@test-smtp.localhost (Mail Delivery System)
To: {sender}
Subject: Undelivered Mail Returned to Sender
Date: {date}
Message-ID: <dsn-{serial}@test-smtp.localhost>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-{serial}"

--dsn-{serial}
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered to one or more recipients.

--dsn-{serial}
Content-Type: message/delivery-status

Reporting-MTA: dns; test-smtp.localhost
Arrival-Date: {date}

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.test
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected:
    User unknown in virtual mailbox table

--dsn-{serial}
Content-Type: text/rfc822-headers

{headers}
--dsn-{serial}--
"""


class Handler:
    def __init__(self, spool: Path | None, bounce_to: str) -> None:
        self.spool = spool
        self.bounce_to = bounce_to
        self.seen: set[str] = set()
        self.count = 0
        self.bounces: set[asyncio.Task[None]] = set()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        local = address.split("@", 1)[0]
        if local.startswith("bounce"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if local.startswith("defer"):
            return f"451 4.3.0 <{address}>: Temporary lookup failure"
        if local.startswith("flaky") and address not in self.seen:
            self.seen.add(address)
            return f"451 4.7.1 <{address}>: Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if any(r.startswith("toolarge") for r in envelope.rcpt_tos):
            return "552 5.3.4 Message size exceeds fixed limit"
        self.count += 1
        late = [r for r in envelope.rcpt_tos if r.startswith("late")]
        if late and self.bounce_to:
            task = asyncio.create_task(self.bounce(envelope, late))
            self.bounces.add(task)
            task.add_done_callback(self.bounces.discard)
        if self.spool is not None:
            self.keep(session, envelope)
        if any(r.startswith("hangup") for r in envelope.rcpt_tos) and server.transport is not None:
            # Queued, then the connection drops before the answer leaves: the sender cannot know.
            server.transport.abort()
        return "250 2.0.0 Ok: queued"

    def keep(self, session: Session, envelope: Envelope) -> None:
        assert self.spool is not None
        # Unique across restarts on one spool, and in arrival order.
        name = str(time.time_ns())
        content = envelope.original_content or b""
        (self.spool / f"{name}.eml").write_bytes(content)
        # The .json marks the message taken; renamed into place, so that a server killed while
        # writing it leaves no half-written one.
        meta = self.spool / f"{name}.json.part"
        meta.write_text(json.dumps(
            {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
             "tls": session.ssl is not None, "auth": bool(session.authenticated)}))
        os.replace(meta, self.spool / f"{name}.json")


    async def bounce(self, envelope: Envelope, recipients: list[str]) -> None:
        await asyncio.sleep(BOUNCE_DELAY_SECONDS)
        content = (envelope.original_content or b"").replace(b"\r\n", b"\n")
        headers = content.split(b"\n\n", 1)[0].decode("ascii", "replace")
        host, _, port = self.bounce_to.rpartition(":")
        # From the null sender, as every DSN (aiosmtplib.send refuses an empty sender).
        async with aiosmtplib.SMTP(hostname=host, port=int(port), start_tls=False) as client:
            for serial, recipient in enumerate(recipients):
                dsn = DSN.format(sender=envelope.mail_from, recipient=recipient, headers=headers,
                                 date=email.utils.formatdate(), serial=f"{time.time_ns()}-{serial}")
                await client.sendmail("", [envelope.mail_from], dsn.encode("ascii"))


def authenticator(login: bytes, password: bytes) -> Any:
    def check(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == login and data.password == password
        # handled=False: aiosmtpd sends the 235/535 itself (handled=True would send nothing).
        return AuthResult(success=ok, handled=False)
    return check


async def serve(args: argparse.Namespace) -> None:
    spool = Path(args.spool) if args.spool else None
    if spool is not None:
        spool.mkdir(parents=True, exist_ok=True)
    handler = Handler(spool, args.bounce_to)
    options: dict[str, Any] = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)
        options.update(authenticator=authenticator(user.encode(), password.encode()), auth_required=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="localhost", ident="Vozvrat test SMTP", **options),
        "127.0.0.1", args.port)
    print(f"LISTENING {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), args.lifetime)
    except TimeoutError:
        pass
    server.close()
    print(f"STATS {json.dumps({'messages': handler.count})}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--spool", default="", help="where to write messages (none: count only)")
    parser.add_argument("--cert", default="")
    parser.add_argument("--key", default="")
    parser.add_argument("--auth", default="")
    parser.add_argument("--lifetime", type=float, default=600)
    parser.add_argument("--bounce-to", default="", help="HOST:PORT to send late-* bounces to")
    asyncio.run(serve(parser.parse_args()))
