"""DOCX → PDF with LibreOffice headless (Debian's ``libreoffice-writer-nogui``).

One ``soffice`` process converts a whole batch: starting LibreOffice costs seconds, a page
milliseconds. Each conversion gets its own user profile, so parallel conversions (tests,
workers) never share LibreOffice's profile lock. The call runs as an asyncio subprocess.
"""
from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_SECONDS = 300


class PdfConversionError(RuntimeError):
    pass


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise PdfConversionError(
            "LibreOffice is not installed (scripts/setup.sh installs libreoffice-writer-nogui)")
    return found


async def docx_to_pdf(files: Sequence[Path], out_dir: Path) -> list[Path]:
    """Convert ``files`` into PDFs of the same names in ``out_dir``; return their paths."""
    if not files:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vozvrat-lo-") as profile:
        process = await asyncio.create_subprocess_exec(
            soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir),
            *(str(f) for f in files),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            stdout, stderr = await asyncio.wait_for(process.communicate(), TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise PdfConversionError(f"LibreOffice did not finish in {TIMEOUT_SECONDS} s") from None
    pdfs = [out_dir / f"{f.stem}.pdf" for f in files]
    missing = [p.name for p in pdfs if not p.exists()]
    if process.returncode != 0 or missing:
        raise PdfConversionError(
            f"LibreOffice exited {process.returncode}, missing {missing}: "
            f"{(stderr or stdout).decode(errors='replace').strip()}")
    return pdfs
