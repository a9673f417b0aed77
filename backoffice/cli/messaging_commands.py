"""``vozvrat sms send-test``, ``vozvrat email send-test`` and ``vozvrat templates …``: an operator
checks the SMSC and the mail server with the configured settings, and previews or saves templates."""
from __future__ import annotations

import argparse
import asyncio
import mimetypes
import sys
from pathlib import Path

from messaging.email.compose import Attachment, Envelope, compose, message_id
from messaging.email.smtp_sender import SmtpPool, Verdict
from messaging.settings import smpp_settings, smtp_settings, template_settings
from messaging.sms.encoding import Concatenation
from messaging.sms.sender import MessageAccepted, MessageRefused, SmsSender
from messaging.sms.smpp_link import LinkState, Receipt
from messaging.templating.context import WORST_CASE
from messaging.templating.preview import preview_sms
from messaging.templating.render import EmailText, email_text, sms_text
from messaging.templating.store import TemplateRejected, TemplateStore
from models.column_types import utc_now
from models.contacts import is_valid_email, normalise_phone

SMS_TEST_TEXT = "Проверка связи: тестовое сообщение системы «Возврат»."
TEST_ATTEMPT = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sms = subparsers.add_parser("sms", help="SMS over SMPP")
    sms_commands = sms.add_subparsers(dest="sms_command", required=True)
    sms_test = sms_commands.add_parser("send-test", help="send one SMS with the [smpp] settings")
    sms_test.add_argument("--to", required=True, help="phone number, e.g. +79101234567")
    sms_test.add_argument("--text", default=SMS_TEST_TEXT)
    sms_test.add_argument("--wait", type=float, default=30.0,
                          help="seconds to wait for the bind, the answer and the receipts")
    sms_test.set_defaults(func=_sms_send_test)

    mail = subparsers.add_parser("email", help="email over SMTP")
    mail_commands = mail.add_subparsers(dest="email_command", required=True)
    mail_test = mail_commands.add_parser("send-test", help="send one email with the [smtp] settings")
    mail_test.add_argument("--to", required=True)
    mail_test.add_argument("--subject", default="Проверка связи: тестовое письмо системы «Возврат»")
    mail_test.add_argument("--text", default="Это тестовое письмо. Отвечать на него не нужно.")
    mail_test.add_argument("--attach", type=Path, action="append", default=[], help="a file to attach")
    mail_test.set_defaults(func=_email_send_test)

    templates = subparsers.add_parser("templates", help="message templates")
    template_commands = templates.add_subparsers(dest="templates_command", required=True)
    listing = template_commands.add_parser("list", help="templates and what their SMS costs at most")
    listing.set_defaults(func=_templates_list)
    save = template_commands.add_parser("save", help="check a template and save it (refused over the budget)")
    save.add_argument("code")
    save.add_argument("file", type=Path)
    save.set_defaults(func=_templates_save)
    preview = template_commands.add_parser("preview", help="an SMS text: alphabet, segments, cost")
    preview.add_argument("text")
    preview.set_defaults(func=_sms_preview)


def _store() -> TemplateStore:
    return TemplateStore.from_settings(template_settings(), Concatenation(smpp_settings().concatenation))


async def _sms_send_test(args: argparse.Namespace) -> int:
    number = normalise_phone(args.to)
    if number is None:
        print(f"не номер телефона РФ: {args.to}", file=sys.stderr)
        return 2
    settings = smpp_settings()
    sender = SmsSender(settings)
    await sender.start()
    try:
        return await asyncio.wait_for(_sms_exchange(sender, number, args.text), args.wait)
    except TimeoutError:
        print(f"за {args.wait:g} с ответа нет ({settings.host}:{settings.port})", file=sys.stderr)
        return 1
    finally:
        await sender.stop()


async def _sms_exchange(sender: SmsSender, number: str, text: str) -> int:
    parts = sender.send(TEST_ATTEMPT, number, text)
    print(f"{number}: {preview_sms(text, template_settings().segment_price).describe()}")
    ids: set[str] = set()
    receipts = 0
    while receipts < parts:
        event = await sender.next_event()
        if isinstance(event, LinkState):
            print("SMSC: привязка установлена" if event.bound else "SMSC: связь потеряна")
        elif isinstance(event, MessageRefused):
            print(f"отклонено: {event.reason}")
            return 1
        elif isinstance(event, MessageAccepted):
            ids.update(event.message_ids)
            print(f"принято SMSC, id частей: {', '.join(event.message_ids)}")
        elif isinstance(event, Receipt) and event.message_id in ids:
            receipts += 1
            print(f"квитанция {event.message_id}: {event.state.value}")
            # Only our own: a worker's receipt left unanswered comes again on a worker's bind.
            sender.acknowledge([event])
    return 0


async def _email_send_test(args: argparse.Namespace) -> int:
    if not is_valid_email(args.to):
        print(f"не адрес электронной почты: {args.to}", file=sys.stderr)
        return 2
    settings = smtp_settings()
    attachments = tuple(
        Attachment(path.name, mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                   path.read_bytes()) for path in args.attach)
    msg_id = message_id(f"test-{utc_now():%Y%m%d%H%M%S%f}", settings.message_id_domain)
    html = f"<html><body><p>{args.text}</p></body></html>\n"
    message = compose(Envelope(settings.sender, settings.sender_name, args.to),
                      EmailText(args.subject, args.text + "\n", html), msg_id, attachments)
    pool = SmtpPool(settings, size=1)
    try:
        result = await pool.send(message, settings.sender, [args.to])
    finally:
        await pool.close()
    if result.verdict != Verdict.ACCEPTED:
        print(f"не отправлено ({result.verdict.value}, попыток {result.tries}): {result.reason}")
        return 1
    print(f"принято сервером {settings.host}:{settings.port}, Message-ID {msg_id}")
    for address, why in result.refused.items():
        print(f"  отказ для {address}: {why}")
    return 0


def _templates_list(args: argparse.Namespace) -> int:
    store = _store()
    for code in store.codes():
        template = store.get(code)
        print(f"{code}: SMS не более {store.preview(template).describe()}")
        print(f"  тема письма: {email_text(template, WORST_CASE).subject}")
        print(f"  пример SMS: {sms_text(template, WORST_CASE)}")
    return 0


def _templates_save(args: argparse.Namespace) -> int:
    store = _store()
    try:
        preview = store.save(args.code, args.file.read_text(encoding="utf-8"))
    except TemplateRejected as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"шаблон «{args.code}» сохранён в {store.folder}: SMS не более {preview.describe()}")
    return 0


def _sms_preview(args: argparse.Namespace) -> int:
    settings = template_settings()
    print(preview_sms(args.text, settings.segment_price, Concatenation(smpp_settings().concatenation)).describe())
    return 0
