"""How a text travels as SMS: GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2,
and split into segments when it does not fit one.

smpplib's own ``gsm.make_parts`` is not used: it splits GSM text inside escape pairs (its FIXME),
counts an 8-bit UDH reference only, and knows nothing of sar_ segment sizes; the preview and the
sender must agree on the count, so both use this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# GSM 03.38 basic alphabet, by septet value (0x1B is the escape to the extension table).
GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D,
                 "]": 0x3E, "|": 0x40, "€": 0x65}
_BASIC_INDEX = {char: index for index, char in enumerate(GSM_BASIC) if char != "\x1b"}
ESCAPE = 0x1B


class Alphabet(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


class Concatenation(StrEnum):
    UDH = "udh"
    SAR = "sar"


# SMPP data_coding: 0 is the SMSC default alphabet (GSM 03.38), 8 is UCS-2.
DATA_CODING = {Alphabet.GSM7: 0x00, Alphabet.UCS2: 0x08}
# Units (septets or UTF-16 code units) in one whole message, and in a part of a long one. With
# sar_ the parts carry no header inside the text, so they keep the full size.
SINGLE_UNITS = {Alphabet.GSM7: 160, Alphabet.UCS2: 70}
UDH_PART_UNITS = {Alphabet.GSM7: 153, Alphabet.UCS2: 67}
MAX_PARTS = 255


class MessageTooLong(ValueError):
    """More than 255 parts: no concatenation scheme can carry it."""


@dataclass(frozen=True, slots=True)
class SmsSegments:
    alphabet: Alphabet
    # Each part's text encoded (GSM-7 unpacked, one septet a byte; UCS-2 big-endian), no header.
    parts: tuple[bytes, ...]
    # Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text.
    units: int

    @property
    def data_coding(self) -> int:
        return DATA_CODING[self.alphabet]

    @property
    def count(self) -> int:
        return len(self.parts)


def _gsm_chars(text: str) -> list[bytes] | None:
    """Each character as its septets (an extension character is two), or None if one is missing."""
    encoded: list[bytes] = []
    for char in text:
        if char in _BASIC_INDEX:
            encoded.append(bytes((_BASIC_INDEX[char],)))
        elif char in GSM_EXTENSION:
            encoded.append(bytes((ESCAPE, GSM_EXTENSION[char])))
        else:
            return None
    return encoded


def _ucs2_chars(text: str) -> list[bytes]:
    # A character outside the BMP is a surrogate pair: four bytes that must stay in one part.
    return [char.encode("utf-16-be") for char in text]


def _pack(chars: list[bytes], unit_bytes: int, part_units: int) -> list[bytes]:
    parts: list[bytes] = []
    current = bytearray()
    for char in chars:
        if len(current) + len(char) > part_units * unit_bytes:
            parts.append(bytes(current))
            current = bytearray()
        current += char
    parts.append(bytes(current))
    return parts


def segment(text: str, concatenation: Concatenation = Concatenation.UDH) -> SmsSegments:
    """The alphabet and the parts ``text`` is sent as."""
    gsm = _gsm_chars(text)
    if gsm is not None:
        alphabet, chars, unit_bytes = Alphabet.GSM7, gsm, 1
        encoded = b"".join(chars)
    else:
        alphabet, unit_bytes = Alphabet.UCS2, 2
        encoded = text.encode("utf-16-be")
        # Without characters outside the BMP every character is one code unit and any even cut
        # is safe; only surrogate pairs need packing character by character.
        chars = [] if len(encoded) == 2 * len(text) else _ucs2_chars(text)
    units = len(encoded) // unit_bytes
    if units <= SINGLE_UNITS[alphabet]:
        return SmsSegments(alphabet, (encoded,), units)
    part_units = (UDH_PART_UNITS if concatenation == Concatenation.UDH else SINGLE_UNITS)[alphabet]
    if chars:
        parts = _pack(chars, unit_bytes, part_units)
    else:
        size = part_units * unit_bytes
        parts = [encoded[i:i + size] for i in range(0, len(encoded), size)]
    if len(parts) > MAX_PARTS:
        raise MessageTooLong(f"{len(parts)} parts; at most {MAX_PARTS} can be joined")
    return SmsSegments(alphabet, tuple(parts), units)


def udh_concatenation(reference: int, total: int, number: int) -> bytes:
    """The user data header of part ``number`` (from 1): IE 0x00, an 8-bit reference."""
    return bytes((0x05, 0x00, 0x03, reference & 0xFF, total, number))
