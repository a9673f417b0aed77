"""A route's notices printed as one PDF: one Word document, one LibreOffice conversion."""
from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Sequence
from pathlib import Path

from backoffice.legal.documents.pdf import docx_to_pdf
from backoffice.notices.document import notices_docx
from backoffice.notices.content import Notice


async def notices_pdf(notices: Sequence[Notice]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="vozvrat-notices-") as folder:
        source = Path(folder) / "uvedomleniya.docx"
        source.write_bytes(await asyncio.to_thread(notices_docx, notices))
        (pdf,) = await docx_to_pdf([source], Path(folder))
        return pdf.read_bytes()
