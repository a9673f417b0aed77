"""The lawyer's view of one account: what can be claimed, the penalty table, each debtor's part,
court and fee — or what is missing — and the court-order pack in one click (a ZIP of DOCX); after
the order, заявление в ФССП / в банк and отзыв на возражения the same way."""
from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from backoffice.legal.account_claim import AccountClaim, load_account_claim
from backoffice.legal.courts import load_courts
from backoffice.legal.documents.fields import (
    MissingFields,
    PackSettings,
    debtor_court,
    pack_fields,
)
from backoffice.legal.documents.on_demand import OnDemand, write_on_demand_docx
from backoffice.legal.documents.pack import PackResult, write_docx
from backoffice.legal.settings import legal_settings, penalty_policy
from backoffice.web.auth.audit import audit
from backoffice.web.keys import SESSIONMAKER, TODAY


async def load_claim(app: web.Application, number: str) -> AccountClaim:
    """The claim of account ``number`` filed today; LookupError if there is no such account."""
    async with app[SESSIONMAKER]() as session:
        return await load_account_claim(session, number, app[TODAY](),
                                        policy=penalty_policy(legal_settings()))


def write_court_pack(claim: AccountClaim, folder: Path) -> PackResult:
    """The court-order pack's DOCX files of ``claim`` in ``folder`` (blocking: run in a thread)."""
    settings = legal_settings()
    return write_docx(claim, folder, load_courts(settings.courts_dir or None), settings=settings,
                      filed_on=claim.filed_on)


async def _claim(request: web.Request) -> AccountClaim:
    number = request.match_info["number"]
    await audit(request, f"account:{number}", "legal_view" if request.path.endswith("/legal") else "pack")
    try:
        return await load_claim(request.app, number)
    except LookupError:
        raise web.HTTPNotFound(text=f"лицевой счёт {number} не найден") from None


@aiohttp_jinja2.template("legal.html")
async def show_claim(request: web.Request) -> dict[str, Any]:
    claim = await _claim(request)
    settings = legal_settings()
    courts = load_courts(settings.courts_dir or None)
    pack_settings = PackSettings(claim.filed_on, settings.halve_rounded_fee)
    debtors = []
    for debtor in claim.debtors:
        court = debtor_court(debtor, claim, courts)
        try:
            fields: dict[str, Any] | None = pack_fields(claim, debtor, court, pack_settings)
            missing: list[str] = []
        except MissingFields as exc:
            fields, missing = None, exc.fields
        debtors.append({"claim": debtor, "court": court, "fields": fields, "missing": missing})
    return {"claim": claim, "debtors": debtors, "settings": settings}


async def download_pack(request: web.Request) -> web.Response:
    claim = await _claim(request)
    return await _zip_response(claim, "pack", lambda folder: write_court_pack(claim, folder))


async def download_document(request: web.Request) -> web.Response:
    try:
        document = OnDemand(request.match_info["document"])
    except ValueError:
        raise web.HTTPNotFound(text="нет такого документа") from None
    claim = await _claim(request)
    settings = legal_settings()
    return await _zip_response(claim, document.value, lambda folder: write_on_demand_docx(
        claim, folder, document, settings=settings, filed_on=claim.filed_on))


async def _zip_response(claim: AccountClaim, name: str,
                        write: Callable[[Path], PackResult]) -> web.Response:
    """The DOCX files ``write`` produces, as one ZIP; 422 naming the missing fields if none."""

    def render() -> tuple[bytes, list[MissingFields]]:
        # Rendering is CPU and disk work: off the event loop.
        with tempfile.TemporaryDirectory(prefix="vozvrat-pack-") as folder:
            result = write(Path(folder))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
                for path in result.docx:
                    archive.write(path, path.name)
            return out.getvalue(), result.refused if not result.docx else []

    data, refused = await asyncio.to_thread(render)
    if refused:
        raise web.HTTPUnprocessableEntity(text="\n".join(str(r) for r in refused))
    if not claim.debtors:
        raise web.HTTPUnprocessableEntity(text="у лицевого счёта нет должников")
    return web.Response(body=data, content_type="application/zip", headers={
        "Content-Disposition":
            f'attachment; filename="{name}-{claim.account.number}-{claim.filed_on}.zip"'})
