"""Documents a lawyer asks for one at a time, after the court order: заявление в ФССП,
заявление в банк, отзыв на возражения должника — DOCX per debtor (a bank application per person
of joint debtors, whose banks differ) and PDF, refusals recorded as lawyer tasks like the pack's.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backoffice.legal.account_claim import AccountClaim, load_account_claim
from backoffice.legal.courts import load_bailiffs, load_courts
from backoffice.legal.documents.court_order import debtor_orders
from backoffice.legal.documents.enforcement import Enforcement, enforcement_fields
from backoffice.legal.documents.fields import MissingFields
from backoffice.legal.documents.objection import objection_response_fields
from backoffice.legal.documents.pack import PackResult
from backoffice.legal.documents.pdf import docx_to_pdf
from backoffice.legal.documents.render import (
    BANK_APPLICATION,
    FSSP_APPLICATION,
    OBJECTION_RESPONSE,
    DocumentKind,
    render_docx,
)
from backoffice.legal.lawyer_tasks import record_lawyer_tasks
from backoffice.legal.settings import LegalSettings, legal_settings, penalty_policy


class OnDemand(StrEnum):
    FSSP = "fssp"
    BANK = "bank"
    OBJECTION_RESPONSE = "objection-response"


KINDS = {OnDemand.FSSP: FSSP_APPLICATION, OnDemand.BANK: BANK_APPLICATION,
         OnDemand.OBJECTION_RESPONSE: OBJECTION_RESPONSE}


def _units(claim: AccountClaim, document: OnDemand, settings: LegalSettings, filed_on: date
           ) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    """(file name stem, fields builder) of every document to produce."""
    courts = load_courts(settings.courts_dir or None)
    common = {"courts": courts, "filed_on": filed_on,
              "halve_rounded_fee": settings.halve_rounded_fee}
    number = claim.account.number
    units: list[tuple[str, Callable[[], dict[str, Any]]]] = []
    if document is OnDemand.OBJECTION_RESPONSE:
        # Only debtors who objected get a response; with none, the first debtor's refusal says
        # that no objection is recorded.
        objected = [(n, d) for n, d in enumerate(claim.debtors, 1)
                    if any(o.objection_on for o in debtor_orders(claim, d))]
        for n, debtor in objected or list(enumerate(claim.debtors, 1))[:1]:
            units.append((f"{number}-{n}", lambda d=debtor: objection_response_fields(
                claim, d, **common)))
        return units
    kind = Enforcement(document.value)
    bailiffs = load_bailiffs(settings.bailiffs_dir or None)
    for n, debtor in enumerate(claim.debtors, 1):
        groups = [debtor.persons] if kind is Enforcement.FSSP else [(p,) for p in debtor.persons]
        for m, persons in enumerate(groups, 1):
            stem = f"{number}-{n}" if len(groups) == 1 else f"{number}-{n}-{m}"
            units.append((stem, lambda d=debtor, ps=persons: enforcement_fields(
                claim, d, ps, kind, bailiffs=bailiffs, **common)))
    return units


def write_on_demand_docx(claim: AccountClaim, out_dir: Path, document: OnDemand, *,
                         settings: LegalSettings, filed_on: date) -> PackResult:
    """Render ``document`` for every debtor of ``claim`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    kind: DocumentKind = KINDS[document]
    templates = Path(settings.templates_dir) if settings.templates_dir else None
    result = PackResult(claim.account.number, problems=claim.problems)
    for stem, build in _units(claim, document, settings, filed_on):
        try:
            fields = build()
        except MissingFields as exc:
            result.refused.append(exc)
            continue
        path = out_dir / f"{stem}-{kind.slug}.docx"
        path.write_bytes(render_docx(kind, fields, templates_dir=templates))
        result.docx.append(path)
    return result


async def write_on_demand(session: AsyncSession, account: str, out_dir: Path,
                          document: OnDemand, *, filed_on: date, pdf: bool = True,
                          settings: LegalSettings | None = None) -> PackResult:
    """``document`` for ``account`` on ``filed_on`` in ``out_dir``; LookupError if no account."""
    settings = settings or legal_settings()
    claim = await load_account_claim(session, account, filed_on, policy=penalty_policy(settings))
    result = write_on_demand_docx(claim, out_dir, document, settings=settings, filed_on=filed_on)
    result.lawyer_tasks = await record_lawyer_tasks(session, claim.account.id, result.refused)
    if pdf:
        result.pdf = await docx_to_pdf(result.docx, out_dir)
    return result
