"""Court-document benchmark: court-order packs per second for 1 000 accounts, DOCX and PDF apart.

A generated demo utility (``vozvrat demo-data``) is imported into a fresh SQLite database; then,
for every account, the claim is read (a chunk of accounts per query) and calculated (limitation,
penalty, owners' parts) and its pack rendered to DOCX, one pack per debtor — the DOCX figure
includes the database reads and the calculation. The PDF figure is LibreOffice headless converting every DOCX written, in batches of
one ``soffice`` process each, ``--pdf-workers`` processes at a time. Debtors whose documents are refused (no identifier, …) are counted
apart and not in packs/s. Writes bench/results/documents.json.

    .venv/bin/python bench/documents.py [--accounts 1000] [--date 2026-11-29] [--pdf-batch 100] [--pdf-workers 2]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from backoffice.legal.account_claim import iter_account_claims
from backoffice.legal.courts import load_courts
from backoffice.legal.documents.pack import write_docx
from backoffice.legal.documents.pdf import docx_to_pdf
from backoffice.legal.settings import LegalSettings, penalty_policy
from models.db import make_engine, make_sessionmaker
from models.entities import Account

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "documents.json"
GOAL_DOCX_PACKS_PER_SECOND = 20.0
VOZVRAT = [sys.executable, "-m", "backoffice.cli.main"]


def load_demo(accounts: int, folder: Path) -> str:
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    subprocess.run([*VOZVRAT, "demo-data", "--accounts", str(accounts), "--out",
                    str(folder / "files")], check=True, capture_output=True)
    subprocess.run([*VOZVRAT, "import", str(folder / "files"), "--url", url], check=True,
                   capture_output=True)
    return url


async def run(accounts: int, filed_on: date, pdf_batch: int, pdf_workers: int) -> dict[str, object]:
    settings = LegalSettings()
    policy, courts = penalty_policy(settings), load_courts()
    with tempfile.TemporaryDirectory(prefix="vozvrat-bench-docs-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        url = load_demo(accounts, folder)
        load_seconds = time.perf_counter() - started
        engine = make_engine(url)
        out = folder / "packs"
        docx: list[Path] = []
        refused = packs = 0
        try:
            async with make_sessionmaker(engine)() as session:
                numbers = list(await session.scalars(select(Account.number).order_by(Account.number)))
                started = time.perf_counter()
                async for claim in iter_account_claims(session, numbers, filed_on, policy=policy):
                    if claim.principal <= 0:
                        continue
                    result = write_docx(claim, out, courts, settings=settings, filed_on=filed_on)
                    docx.extend(result.docx)
                    refused += len(result.refused)
                    packs += len(result.docx) // 3
                docx_seconds = time.perf_counter() - started
        finally:
            await engine.dispose()
        started = time.perf_counter()
        pdfs = 0
        if pdf_workers:
            batches = [docx[first:first + pdf_batch] for first in range(0, len(docx), pdf_batch)]
            # One LibreOffice process per worker at a time, each with its own profile.
            gate = asyncio.Semaphore(pdf_workers)

            async def convert(batch: list[Path]) -> int:
                async with gate:
                    return len(await docx_to_pdf(batch, out))

            pdfs = sum(await asyncio.gather(*(convert(b) for b in batches)))
        pdf_seconds = time.perf_counter() - started
    docx_rate = packs / docx_seconds if docx_seconds else 0.0
    return {
        "accounts": len(numbers),
        "demo_load_seconds": round(load_seconds, 1),
        "packs": packs,
        "refused_debtors": refused,
        "docx": {"files": len(docx), "seconds": round(docx_seconds, 2),
                 "packs_per_second": round(docx_rate, 1),
                 "goal_packs_per_second": GOAL_DOCX_PACKS_PER_SECOND,
                 "meets_goal": docx_rate >= GOAL_DOCX_PACKS_PER_SECOND},
        "pdf": {"files": pdfs, "seconds": round(pdf_seconds, 2), "batch": pdf_batch,
                "workers": pdf_workers,
                "packs_per_second": round(packs / pdf_seconds, 2) if pdf_seconds else 0.0},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 29))
    parser.add_argument("--pdf-batch", type=int, default=100)
    parser.add_argument("--pdf-workers", type=int, default=2,
                        help="LibreOffice processes at once (0: DOCX only)")
    args = parser.parse_args()
    figures = asyncio.run(run(args.accounts, args.date, args.pdf_batch, args.pdf_workers))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
