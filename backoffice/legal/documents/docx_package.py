"""Writing a DOCX package whose parts are all the template's but one, without recompressing them.

A Word package is a zip of ~17 parts; the styles alone are 800 KB uncompressed. Python's zipfile
can only write a part by compressing it again, which took most of a pack's rendering time. Here
the template's parts are kept as compressed bytes, and each output is written by hand in the zip
format (APPNOTE 4.3): local headers with the stored CRC and sizes, the raw data, the central
directory. Only the one changed part is compressed.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20


@dataclass(frozen=True, slots=True)
class _Part:
    name: bytes
    method: int
    crc: int
    compressed: bytes
    size: int
    dos_time: int
    dos_date: int
    utf8: bool


def _dos(info: zipfile.ZipInfo) -> tuple[int, int]:
    year, month, day, hour, minute, second = info.date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


class DocxPackage:
    """The parts of a template package, ready to be written again with one part replaced."""

    def __init__(self, data: bytes) -> None:
        self.parts: list[_Part] = []
        with zipfile.ZipFile(BytesIO(data)) as package:
            for info in package.infolist():
                header = info.header_offset
                name_len, extra_len = struct.unpack_from("<2H", data, header + 26)
                start = header + _LOCAL.size + name_len + extra_len
                dos_time, dos_date = _dos(info)
                self.parts.append(_Part(
                    info.filename.encode(), info.compress_type, info.CRC,
                    data[start:start + info.compress_size], info.file_size, dos_time, dos_date,
                    not info.filename.isascii()))

    def read(self, name: str) -> bytes:
        part = next(p for p in self.parts if p.name == name.encode())
        if part.method == zipfile.ZIP_STORED:
            return part.compressed
        return zlib.decompress(part.compressed, -15)

    def with_part(self, name: str, content: bytes) -> bytes:
        """The package with part ``name`` replaced by ``content``."""
        key = name.encode()
        out = BytesIO()
        central: list[bytes] = []
        for part in self.parts:
            if part.name == key:
                compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
                part = _Part(key, zipfile.ZIP_DEFLATED, zlib.crc32(content),
                             compressor.compress(content) + compressor.flush(), len(content),
                             part.dos_time, part.dos_date, part.utf8)
            flags = 0x800 if part.utf8 else 0
            offset = out.tell()
            out.write(_LOCAL.pack(b"PK\x03\x04", _VERSION, flags, part.method, part.dos_time,
                                  part.dos_date, part.crc, len(part.compressed), part.size,
                                  len(part.name), 0))
            out.write(part.name)
            out.write(part.compressed)
            central.append(_CENTRAL.pack(
                b"PK\x01\x02", _VERSION, _VERSION, flags, part.method, part.dos_time,
                part.dos_date, part.crc, len(part.compressed), part.size, len(part.name), 0, 0,
                0, 0, 0, offset) + part.name)
        directory_offset = out.tell()
        for entry in central:
            out.write(entry)
        out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central),
                            out.tell() - directory_offset, directory_offset, 0))
        return out.getvalue()
