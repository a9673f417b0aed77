"""The bounce receiver: a small SMTP server (aiosmtpd) the mail server delivers bounces to.

Postfix, for one, is pointed at it by a transport map line for the return path's domain
(``bounces.example  smtp:[127.0.0.1]:2526``). It takes mail only for VERP addresses of
``[smtp] return_path``; a delivery status notification that reports a failure turns its attempt
undelivered, with the reported status and diagnostic as the reason, also when the attempt was
already reported delivered. A message that is no DSN (an auto-reply) is accepted and dropped.
When the database cannot take the result the answer is 451, so the server keeps the bounce
and delivers it again later: none is lost.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes import OutcomeKind, record_late_failure
from messaging.email.compose import message_id
from messaging.email.dsn import DeliveryReport, parse_dsn, verp_attempt
from messaging.settings import SmtpSettings
from models.enums import Channel
from models.outreach import Attempt

log = logging.getLogger(__name__)


@dataclass
class BounceReceiver:
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: SmtpSettings
    # Since start (for tests and the log): delivery reports read, attempts they turned undelivered.
    reports: int = 0
    failed: list[int] = field(default_factory=list)
    _server: asyncio.Server | None = field(init=False, default=None)

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        if not self.settings.return_path:
            raise ValueError("[smtp] return_path is needed to match bounces to attempts")
        host, _, port = self.settings.bounce_listen.rpartition(":")
        self._server = await asyncio.get_running_loop().create_server(
            lambda: SMTP(self, hostname="vozvrat-bounces", ident="Vozvrat bounce receiver"),
            host or "127.0.0.1", int(port or 0))
        log.info("bounce receiver on port %s", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def run(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    # aiosmtpd handler hooks.

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if verp_attempt(self.settings.return_path, address) is None:
            return f"550 5.1.1 <{address}>: not a bounce address of this sender"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        report = parse_dsn(envelope.original_content or b"")
        if report is None:
            log.info("mail to %s from %s is no delivery report; dropped", envelope.rcpt_tos,
                     envelope.mail_from)
            return "250 2.0.0 OK: not a delivery report, dropped"
        if not report.failures:
            log.info("delivery report for %s without a failure: %s", envelope.rcpt_tos, report.recipients)
        try:
            for address in envelope.rcpt_tos if report.failures else ():
                attempt_id = verp_attempt(self.settings.return_path, address)
                if attempt_id is not None and await self._fail(attempt_id, report):
                    self.failed.append(attempt_id)
        except Exception:
            log.exception("bounce for %s not stored; the server is asked to send it again",
                          envelope.rcpt_tos)
            return "451 4.3.0 Bounce not stored, try again later"
        self.reports += 1
        return "250 2.0.0 OK: delivery report read"

    async def _fail(self, attempt_id: int, report: DeliveryReport) -> bool:
        async with self.sessionmaker() as session, session.begin():
            attempt = await session.get(Attempt, attempt_id)
            if attempt is None or attempt.channel != Channel.EMAIL.value:
                log.warning("bounce for attempt %s, which is no email attempt: dropped", attempt_id)
                return False
            expected = message_id(attempt.idempotency_key, self.settings.message_id_domain)
            if report.original_message_id and report.original_message_id != expected:
                log.warning("bounce to attempt %s returns message %s, not %s: dropped", attempt_id,
                            report.original_message_id, expected)
                return False
            if not attempt.message_id:
                # The bounce overtook the worker's record of the server's 250.
                attempt.message_id = expected
            result = await record_late_failure(session, attempt_id, OutcomeKind.UNDELIVERED,
                                               f"письмо вернулось: {report.reason()}")
        log.info("attempt %s bounced (%s): %s", attempt_id, "recorded" if result.applied else
                 result.ignored_reason, report.reason())
        return result.applied
