"""The email worker: claims email attempts and sends them over a pool of reused SMTP connections.

The server's 250 after DATA is the outcome the worker can know: the attempt is delivered, its
Message-ID kept. A permanent refusal (5xx) makes it undelivered with the server's words. A
temporary one (4xx) is tried again with a doubling pause; if it still holds after the last try,
the attempt goes back to the queue for later, since nothing reached the debtor. A recipient
refused while the message was accepted for others is noted on the attempt. A connection that died
after the whole message was written, before the server answered, ends the attempt unconfirmed:
the server may have taken it, so it is never sent again and a manager gets the check as a task.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.outcomes import OutcomeKind
from campaigns.queue.claims import PreContactCheck
from campaigns.queue.precontact import pre_contact_check
from messaging.email.bounce_receiver import BounceReceiver
from messaging.email.compose import Attachment, Envelope, compose, message_id
from messaging.email.dsn import verp_address
from messaging.email.smtp_sender import SmtpPool, Verdict
from messaging.queue_work import Outcome, StartedAttempt, claim_and_start, report_all, requeue_unsent
from messaging.settings import SmtpSettings
from messaging.templating.render import EmailText, email_text
from messaging.templating.store import TemplateStore
from models.column_types import utc_now
from models.enums import Channel
from models.outage import database_away

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 1.0
REQUEUE_AFTER = timedelta(hours=1)

AttachmentsFor = Callable[[StartedAttempt, EmailText], tuple[Attachment, ...]]


def notice_attachment(item: StartedAttempt, text: EmailText) -> tuple[Attachment, ...]:
    """The notice template carries the notice itself as a file the debtor can keep and print."""
    if item.attempt.template != "debt_notice":
        return ()
    return (Attachment(f"Уведомление о задолженности {item.context.account.number}.html",
                       "text/html", text.html.encode("utf-8"), charset="utf-8"),)


@dataclass
class EmailWorker:
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: SmtpSettings
    templates: TemplateStore
    name: str
    check: PreContactCheck = pre_contact_check
    attachments: AttachmentsFor = notice_attachment
    channel: str = Channel.EMAIL.value
    pool: SmtpPool = field(init=False)

    def __post_init__(self) -> None:
        self.pool = SmtpPool(self.settings)

    async def run(self, stop: asyncio.Event) -> None:
        bounces = BounceReceiver(self.sessionmaker, self.settings) if self.settings.bounce_listen else None
        if bounces is not None:
            await bounces.start()
        try:
            while not stop.is_set():
                try:
                    started = await claim_and_start(self.sessionmaker, self.name, self.channel,
                                                    self.check, self.settings.pool_size * 4)
                except Exception as exc:
                    if not database_away(exc):
                        raise
                    log.warning("database away, no email claimed for now: %s", exc)
                    started = []
                if not started:
                    try:
                        await asyncio.wait_for(stop.wait(), IDLE_POLL_SECONDS)
                    except TimeoutError:
                        pass
                    continue
                outcomes = await asyncio.gather(*(self._deliver(item) for item in started))
                await report_all(self.sessionmaker, [o for o in outcomes if o is not None])
        finally:
            await self.pool.close()
            if bounces is not None:
                await bounces.stop()

    async def _deliver(self, item: StartedAttempt) -> Outcome | None:
        """Send one email; its outcome, or None when it went back to the queue."""
        attempt = item.attempt
        msg_id = message_id(attempt.idempotency_key, self.settings.message_id_domain)
        try:
            text = email_text(self.templates.get(attempt.template), item.context)
            message = compose(Envelope(self.settings.sender, self.settings.sender_name,
                                       attempt.address, item.context.debtor.full_name),
                              text, msg_id, self.attachments(item, text))
        except Exception as exc:
            log.exception("email for attempt %s not composed", attempt.id)
            return Outcome(attempt.id, OutcomeKind.UNDELIVERED, f"письмо не сформировано: {exc}")
        sender = (verp_address(self.settings.return_path, attempt.id) if self.settings.return_path
                  else self.settings.sender)
        result = await self.pool.send(message, sender, [attempt.address])
        if result.verdict == Verdict.TRANSIENT:
            await requeue_unsent(self.sessionmaker, attempt.id, utc_now() + REQUEUE_AFTER,
                                 f"сервер временно не принял письмо ({result.tries} попыт.): {result.reason}")
            return None
        if result.verdict == Verdict.UNCERTAIN:
            return Outcome(attempt.id, OutcomeKind.UNCONFIRMED,
                           f"связь с почтовым сервером оборвалась после передачи письма, "
                           f"ответ не получен: {result.reason}", msg_id)
        if result.verdict == Verdict.PERMANENT:
            return Outcome(attempt.id, OutcomeKind.UNDELIVERED, f"сервер отказал: {result.reason}", msg_id)
        note = "; ".join(f"отказ для {a}: {why}" for a, why in result.refused.items())
        return Outcome(attempt.id, OutcomeKind.DELIVERED, note, msg_id)
