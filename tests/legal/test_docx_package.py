from __future__ import annotations

import zipfile
from io import BytesIO, RawIOBase

from backoffice.legal.documents.docx_package import DocxPackage


class _Unseekable(RawIOBase):
    """A write-only stream: zipfile then writes data descriptors after each part."""

    def __init__(self) -> None:
        self.buffer = BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        return self.buffer.write(data)


def source(streamed: bool) -> bytes:
    target = _Unseekable() if streamed else BytesIO()
    with zipfile.ZipFile(target, "w") as package:
        package.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 11, 29, 14, 0, 0)),
                         b"<Types/>", zipfile.ZIP_STORED)
        package.writestr("word/document.xml", b"<w:document>old</w:document>" * 50,
                         zipfile.ZIP_DEFLATED)
        package.writestr("word/стили.xml", "<styles>ё</styles>" * 100, zipfile.ZIP_DEFLATED)
    return target.buffer.getvalue() if isinstance(target, _Unseekable) else target.getvalue()


def test_one_part_replaced_the_others_kept_byte_for_byte() -> None:
    for streamed in (False, True):
        package = DocxPackage(source(streamed))
        out = package.with_part("word/document.xml", "<w:document>новый</w:document>".encode())
        with zipfile.ZipFile(BytesIO(out)) as written:
            assert written.testzip() is None
            assert written.namelist() == ["[Content_Types].xml", "word/document.xml",
                                          "word/стили.xml"]
            assert written.read("word/document.xml").decode() == "<w:document>новый</w:document>"
            assert written.read("word/стили.xml").decode() == "<styles>ё</styles>" * 100
            assert written.read("[Content_Types].xml") == b"<Types/>"
            assert written.getinfo("[Content_Types].xml").date_time == (2026, 11, 29, 14, 0, 0)
        assert package.read("word/document.xml") == b"<w:document>old</w:document>" * 50
