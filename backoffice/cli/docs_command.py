"""``vozvrat docs pack``: the court-order pack of one account (DOCX and PDF)."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from backoffice.cli.common import add_database_option, open_database
from backoffice.legal.documents.pack import write_pack
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
    for path in [*result.docx, *result.pdf]:
        print(path)
    for warning in result.warnings:
        print(f"внимание: {warning}", file=sys.stderr)
    for problem in result.problems:
        print(f"проверьте собственников: {problem}", file=sys.stderr)
    for refusal in result.refused:
        print(f"vozvrat docs: {refusal}", file=sys.stderr)
    return 1 if result.refused or not result.docx else 0
