"""Filling the pack's DOCX templates (docxtpl: Jinja2 inside Word documents).

Templates are files a lawyer opens and edits in Word; their fields are listed in
docs/legal-documents.md.

docxtpl re-reads the package, re-patches and re-compiles the body's Jinja source and re-zips every
part on each render — about 70 ms a page, too slow for thousands of packs. :class:`CompiledTemplate`
wraps it: docxtpl's own patching runs once per template file, each render runs only the compiled
Jinja template and those of docxtpl's post-processing steps that can change it (line breaks in
values, ``{%tc %}`` column loops, drawing ids), and the package's other parts are copied as they
are compressed. A template with fields outside the body (headers, footers) goes through plain
docxtpl, which renders those too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment
from lxml import etree

from backoffice.legal.documents.docx_package import DocxPackage

DEFAULT_DIR = Path(__file__).resolve().with_name("templates")
_BODY_PART = "word/document.xml"
_OTHER_TEMPLATED = re.compile(rb"^word/(header|footer|footnotes)\d*\.xml$")
_TAG = re.compile(rb"\{[{%]")
# What docxtpl's resolve_listing turns into Word breaks; without them it changes nothing.
_LISTING = re.compile(r"[\t\n\a\f]")
# docxtpl's escapes for literal braces, undone after rendering (as DocxTemplate.render_xml_part).
_LITERALS = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))


@dataclass(frozen=True, slots=True)
class DocumentKind:
    template: str  # file name in the templates folder
    title: str  # what the lawyer calls it
    slug: str  # part of the output file name


COURT_ORDER_APPLICATION = DocumentKind(
    "court_order_application.docx", "заявление о выдаче судебного приказа", "zayavlenie")
DEBT_CALCULATION = DocumentKind("debt_calculation.docx", "расчёт задолженности", "raschet-dolga")
PENALTY_CALCULATION = DocumentKind("penalty_calculation.docx", "расчёт пени", "raschet-peni")
LAWSUIT = DocumentKind("lawsuit.docx", "исковое заявление", "isk")
FSSP_APPLICATION = DocumentKind(
    "fssp_application.docx", "заявление в ФССП о возбуждении исполнительного производства", "fssp")
BANK_APPLICATION = DocumentKind(
    "bank_application.docx", "заявление в банк о принятии судебного приказа к исполнению", "bank")
OBJECTION_RESPONSE = DocumentKind(
    "objection_response.docx", "отзыв на возражения должника", "otzyv")
COURT_ORDER_PACK = (COURT_ORDER_APPLICATION, DEBT_CALCULATION, PENALTY_CALCULATION)
LAWSUIT_PACK = (LAWSUIT, DEBT_CALCULATION, PENALTY_CALCULATION)


class CompiledTemplate:
    """One template file, patched and compiled once, rendered many times."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._package = DocxPackage(data)
        self._plain = any(_OTHER_TEMPLATED.match(part.name)
                          and _TAG.search(self._package.read(part.name.decode()))
                          for part in self._package.parts)
        if self._plain:
            return
        self._docxtpl = DocxTemplate(BytesIO(data))
        self._docxtpl.render_init()
        source = self._docxtpl.patch_xml(self._docxtpl.get_xml())
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", source)
        self._jinja = Environment(autoescape=True).from_string(source)
        # Only a column loop or a drawing needs the body parsed again after rendering.
        self._fix_tree = "{%tc" in source or "docPr" in source
        document = self._package.read(_BODY_PART).decode("utf-8")
        start, end = document.index("<w:body"), document.index("</w:body>") + len("</w:body>")
        self._head, self._tail = document[:start], document[end:]

    def render(self, fields: dict[str, Any]) -> bytes:
        if self._plain:
            template = DocxTemplate(BytesIO(self._data))
            template.render(fields, autoescape=True)
            out = BytesIO()
            template.save(out)
            return out.getvalue()
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", self._jinja.render(fields))
        for escaped, literal in _LITERALS:
            xml = xml.replace(escaped, literal)
        if _LISTING.search(xml):
            xml = self._docxtpl.resolve_listing(xml)
        if self._fix_tree:
            tree = self._docxtpl.fix_tables(xml)
            self._docxtpl.docx_ids_index = 1000
            self._docxtpl.fix_docpr_ids(tree)
            xml = etree.tostring(tree, encoding="unicode")
        return self._package.with_part(_BODY_PART, f"{self._head}{xml}{self._tail}".encode())


@cache
def _compiled(path: Path) -> CompiledTemplate:
    return CompiledTemplate(path.read_bytes())


def render_docx(kind: DocumentKind, fields: dict[str, Any], *,
                templates_dir: Path | None = None) -> bytes:
    """The DOCX of ``kind`` filled with ``fields``. Each template file is compiled once per
    process: an edited template is picked up at the next start."""
    return _compiled((templates_dir or DEFAULT_DIR) / kind.template).render(fields)
