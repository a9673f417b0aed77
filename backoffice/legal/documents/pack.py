"""The court-order pack of one account: per debtor, the application, the debt calculation and
the penalty calculation, as DOCX and (optionally) PDF.

A debtor whose documents miss a required field gets none of them; the result names the fields,
so the lawyer queue can show what to fix. Other debtors of the account are still produced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.account_claim import AccountClaim, load_account_claim
from backoffice.legal.courts import AreaTable, load_courts, load_district_courts
from backoffice.legal.documents.fields import (
    MissingFields,
    PackSettings,
    debtor_court,
    goes_to_district_court,
    pack_fields,
)
from backoffice.legal.documents.pdf import docx_to_pdf
from backoffice.legal.documents.render import (
    COURT_ORDER_PACK,
    LAWSUIT_PACK,
    render_docx,
)
from backoffice.legal.lawyer_tasks import record_lawyer_tasks
from backoffice.legal.settings import LegalSettings, legal_settings, penalty_policy
from backoffice.legal.state_fee import FeeKind


@dataclass
class PackResult:
    account: str
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    refused: list[MissingFields] = field(default_factory=list)
    # Ownership problems of the account a lawyer must check (shares, minors without parents).
    problems: tuple[str, ...] = ()
    # Refusals recorded as lawyer tasks in the account's open case.
    lawyer_tasks: int = 0
    # Reference data the calculation had to assume (a key rate past the file's checked date).
    warnings: tuple[str, ...] = ()


def write_docx(claim: AccountClaim, out_dir: Path, courts: AreaTable, *,
               settings: LegalSettings, filed_on: date,
               kind: FeeKind = FeeKind.COURT_ORDER,
               district_courts: AreaTable | None = None) -> PackResult:
    """Render the DOCX files of every debtor of ``claim`` into ``out_dir``: the court-order
    pack, or with ``kind`` lawsuit the one filed after the order's cancellation — at the
    magistrate's up to 50 000 ₽, else at the district court of ``district_courts`` (default:
    the settings' table)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = PackResult(claim.account.number, problems=claim.problems,
                        warnings=claim.penalty.warnings)
    pack_settings = PackSettings(filed_on, settings.halve_rounded_fee, kind)
    documents = LAWSUIT_PACK if kind is FeeKind.LAWSUIT else COURT_ORDER_PACK
    templates = Path(settings.templates_dir) if settings.templates_dir else None
    for number, debtor in enumerate(claim.debtors, 1):
        table = courts
        if goes_to_district_court(kind, debtor.total):
            table = district_courts or load_district_courts(settings.district_courts_dir or None)
        try:
            fields = pack_fields(claim, debtor, debtor_court(debtor, claim, table),
                                 pack_settings)
        except MissingFields as exc:
            result.refused.append(exc)
            continue
        for document in documents:
            path = out_dir / f"{claim.account.number}-{number}-{document.slug}.docx"
            path.write_bytes(render_docx(document, fields, templates_dir=templates))
            result.docx.append(path)
    return result


async def write_pack(session: AsyncSession, account: str, out_dir: Path, *,
                     filed_on: date, pdf: bool = True, kind: FeeKind = FeeKind.COURT_ORDER,
                     settings: LegalSettings | None = None) -> PackResult:
    """The pack of ``account`` filed on ``filed_on`` in ``out_dir``; LookupError if no account."""
    settings = settings or legal_settings()
    claim = await load_account_claim(session, account, filed_on,
                                     policy=penalty_policy(settings))
    result = write_docx(claim, out_dir, load_courts(settings.courts_dir or None),
                        settings=settings, filed_on=filed_on, kind=kind)
    result.lawyer_tasks = await record_lawyer_tasks(session, claim.account.id, result.refused)
    if pdf:
        result.pdf = await docx_to_pdf(result.docx, out_dir)
    return result
