"""``vozvrat docs``: court documents of one account (DOCX and PDF).

``pack``: the court-order pack (or the lawsuit after cancellation); ``order``: records the court
order the court issued (its number, dates, sums); ``enforcement``: заявление в
ФССП or в банк for the order in force; ``objection-response``: records the debtor's objection
and writes the creditor's response. Exit 1 names the missing fields, 2 an unknown account.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from backoffice.cli.common import add_database_option, open_database
from backoffice.legal.court_orders import BadCourtOrder, CourtOrderRecord, record_court_order
from backoffice.legal.courts import load_courts
from backoffice.legal.documents.objection import BadObjection, Objection, record_objection
from backoffice.legal.documents.on_demand import OnDemand, write_on_demand
from backoffice.legal.documents.pack import PackResult, write_pack
from backoffice.legal.settings import legal_settings
from backoffice.legal.state_fee import FeeKind
from models.db import make_sessionmaker


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    docs = subparsers.add_parser("docs", help="court documents")
    docs_sub = docs.add_subparsers(dest="docs_command", required=True)
    pack = docs_sub.add_parser(
        "pack", help="заявление о выдаче судебного приказа, расчёт задолженности и пени")
    pack.add_argument("--account", required=True, help="лицевой счёт (account number)")
    pack.add_argument("--out", required=True, type=Path, help="folder for the documents")
    pack.add_argument("--date", type=date.fromisoformat, default=None,
                      help="filing and calculation date, YYYY-MM-DD (default: today)")
    pack.add_argument("--no-pdf", action="store_true", help="DOCX only, skip LibreOffice")
    pack.add_argument("--kind", choices=[k.value for k in FeeKind],
                      default=FeeKind.COURT_ORDER.value,
                      help="court_order (default), or lawsuit after the order was cancelled")
    add_database_option(pack)
    pack.set_defaults(func=run_pack)

    order = docs_sub.add_parser("order", help="записать вынесенный судебный приказ")
    order.add_argument("--account", required=True, help="лицевой счёт (account number)")
    order.add_argument("--case-number", required=True, help="номер дела, e.g. 2-777/2026")
    order.add_argument("--court-code", required=True, help="код судебного участка, e.g. 62MS0002")
    order.add_argument("--issued", required=True, type=date.fromisoformat,
                       help="date of the order, YYYY-MM-DD")
    order.add_argument("--filed", type=date.fromisoformat, default=None,
                       help="date the application was filed (default: --issued)")
    order.add_argument("--periods", required=True, type=_periods,
                       help="claimed months, YYYY-MM:YYYY-MM")
    order.add_argument("--amount", required=True, type=_amount, help="debt and penalty awarded")
    order.add_argument("--fee", type=_amount, default=None, help="state fee paid, roubles")
    for flag, what in (("--copy-received", "the debtor received the copy"),
                       ("--in-force", "entry into force as stamped"),
                       ("--cancelled", "cancelled on the debtor's objection")):
        order.add_argument(flag, type=date.fromisoformat, default=None, help=f"{what}, YYYY-MM-DD")
    order.add_argument("--person", default=None,
                       help="the debtor's person code (accounts with several debtors)")
    add_database_option(order)
    order.set_defaults(func=run_order)

    enforcement = docs_sub.add_parser(
        "enforcement", help="заявление в ФССП (229-ФЗ ст. 30) или в банк (ст. 8) по приказу")
    _add_common(enforcement)
    enforcement.add_argument("--kind", choices=[OnDemand.FSSP.value, OnDemand.BANK.value],
                             required=True, help="fssp: bailiffs; bank: the debtor's bank")
    enforcement.set_defaults(func=run_enforcement)

    response = docs_sub.add_parser(
        "objection-response", help="отзыв на возражения должника относительно судебного приказа")
    _add_common(response)
    response.add_argument("--copy-received", type=date.fromisoformat, default=None,
                          help="with --objection: the day the debtor received the order's copy")
    response.add_argument("--objection", type=date.fromisoformat, default=None,
                          help="record the debtor's objection filed on this day, YYYY-MM-DD")
    response.add_argument("--text", default="", help="what the objection says")
    response.add_argument("--person", default=None,
                          help="the objecting debtor's person code (accounts with several)")
    response.set_defaults(func=run_objection_response)


def _periods(text: str) -> tuple[date, date]:
    first, _, last = text.partition(":")
    try:
        return (date.fromisoformat(f"{first}-01"), date.fromisoformat(f"{last or first}-01"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM:YYYY-MM, got {text!r}") from None


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None


async def run_order(args: argparse.Namespace) -> int:
    record = CourtOrderRecord(
        case_number=args.case_number, court_code=args.court_code,
        filed_on=args.filed or args.issued, issued_on=args.issued,
        first_period=args.periods[0], last_period=args.periods[1], amount=args.amount,
        fee_paid=args.fee, copy_received_on=args.copy_received, in_force_on=args.in_force,
        cancelled_on=args.cancelled, person_code=args.person)
    courts = load_courts(legal_settings().courts_dir or None)
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            _, new = await record_court_order(session, args.account, record, courts)
    except (LookupError, BadCourtOrder) as exc:
        print(f"vozvrat docs: {exc}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"судебный приказ {record.case_number} {'записан' if new else 'обновлён'}")
    return 0


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", required=True, help="лицевой счёт (account number)")
    parser.add_argument("--out", required=True, type=Path, help="folder for the documents")
    parser.add_argument("--date", type=date.fromisoformat, default=None,
                        help="date of the document, YYYY-MM-DD (default: today)")
    parser.add_argument("--no-pdf", action="store_true", help="DOCX only, skip LibreOffice")
    add_database_option(parser)


async def run_pack(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await write_pack(session, args.account, args.out,
                                      filed_on=args.date or date.today(), pdf=not args.no_pdf,
                                      kind=FeeKind(args.kind))
    except LookupError as exc:
        print(f"vozvrat docs: {exc}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    return _report(result)


async def run_enforcement(args: argparse.Namespace) -> int:
    return await _on_demand(args, OnDemand(args.kind))


async def run_objection_response(args: argparse.Namespace) -> int:
    if (args.objection is None) != (args.copy_received is None):
        print("vozvrat docs: --objection and --copy-received go together", file=sys.stderr)
        return 2
    objection = None
    if args.objection is not None:
        objection = Objection(args.copy_received, args.objection, args.text, args.person)
    return await _on_demand(args, OnDemand.OBJECTION_RESPONSE, objection)


async def _on_demand(args: argparse.Namespace, document: OnDemand,
                     objection: Objection | None = None) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine)() as session:
            if objection is not None:
                await record_objection(session, args.account, objection)
            result = await write_on_demand(session, args.account, args.out, document,
                                           filed_on=args.date or date.today(),
                                           pdf=not args.no_pdf)
    except (LookupError, BadObjection) as exc:
        print(f"vozvrat docs: {exc}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    return _report(result)


def _report(result: PackResult) -> int:
    for path in [*result.docx, *result.pdf]:
        print(path)
    for warning in result.warnings:
        print(f"внимание: {warning}", file=sys.stderr)
    for problem in result.problems:
        print(f"проверьте собственников: {problem}", file=sys.stderr)
    for refusal in result.refused:
        print(f"vozvrat docs: {refusal}", file=sys.stderr)
    return 1 if result.refused or not result.docx else 0
