"""Filling the pack's DOCX templates (docxtpl: Jinja2 inside Word documents).

Templates are files a lawyer opens and edits in Word; their fields are listed in
docs/legal-documents.md. Each file is read once; every render gets a fresh copy because docxtpl
changes the document it renders.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

DEFAULT_DIR = Path(__file__).resolve().with_name("templates")


@dataclass(frozen=True, slots=True)
class DocumentKind:
    template: str  # file name in the templates folder
    title: str  # what the lawyer calls it
    slug: str  # part of the output file name


COURT_ORDER_APPLICATION = DocumentKind(
    "court_order_application.docx", "заявление о выдаче судебного приказа", "zayavlenie")
DEBT_CALCULATION = DocumentKind("debt_calculation.docx", "расчёт задолженности", "raschet-dolga")
PENALTY_CALCULATION = DocumentKind("penalty_calculation.docx", "расчёт пени", "raschet-peni")
COURT_ORDER_PACK = (COURT_ORDER_APPLICATION, DEBT_CALCULATION, PENALTY_CALCULATION)


@cache
def _template_bytes(path: Path) -> bytes:
    return path.read_bytes()


def render_docx(kind: DocumentKind, fields: dict[str, Any], *,
                templates_dir: Path | None = None) -> bytes:
    template = DocxTemplate(BytesIO(_template_bytes((templates_dir or DEFAULT_DIR) / kind.template)))
    template.render(fields, autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue()
