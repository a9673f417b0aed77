"""Vozvrat's loopback SMTP server for tests and the benchmark, on aiosmtpd (run as a child process).

    python messaging/peers/smtp_server.py --port 0 [--spool DIR] [--cert C --key K] [--auth USER:PASS]
                                      [--lifetime 600]

Prints ``LISTENING <port>``. Offers STARTTLS with the given certificate (and then requires it),
AUTH PLAIN/LOGIN when ``--auth`` is given, and answers by the recipient's local part:
``bounce-*`` 550 at RCPT (permanent), ``defer-*`` 451 at RCPT (always temporary), ``flaky-*``
451 the first time an address is seen and 250 after, ``toolarge-*`` 552 at DATA. Each accepted
message is written to the spool (if given) as ``<ns>.eml`` with ``<ns>.json`` (envelope sender,
recipients); the benchmark runs without one.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import time
import ssl
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


class Handler:
    def __init__(self, spool: Path | None) -> None:
        self.spool = spool
        self.seen: set[str] = set()
        self.count = 0

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
        if self.spool is None:
            return "250 2.0.0 Ok: queued"
        # Unique across restarts on one spool, and in arrival order.
        name = str(time.time_ns())
        content = envelope.original_content or b""
        (self.spool / f"{name}.eml").write_bytes(content)
        (self.spool / f"{name}.json").write_text(json.dumps(
            {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
             "tls": session.ssl is not None, "auth": bool(session.authenticated)}))
        return "250 2.0.0 Ok: queued"


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
    handler = Handler(spool)
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
    asyncio.run(serve(parser.parse_args()))
