"""Digest authentication (RFC 2617/3261) for REGISTER and INVITE challenges.

pyVoIP hashes a fixed ``sip:SERVER;transport=UDP`` URI, ignores ``qop`` and never parses a 407's
Proxy-Authenticate header at all (its INVITE then waits for ever): we answer both challenges here.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

_PARAM = re.compile(r'(\w+)=("[^"]*"|[^,\s]+)')


@dataclass(frozen=True)
class Challenge:
    # "Authorization" answers a 401 (WWW-Authenticate), "Proxy-Authorization" a 407.
    answer_header: str
    realm: str
    nonce: str
    opaque: str | None
    qop: str | None
    algorithm: str


def parse_challenge(status: int, header_value: str) -> Challenge:
    params = {k.lower(): v.strip('"') for k, v in _PARAM.findall(header_value.replace("Digest ", "", 1))}
    qop_options = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
    return Challenge(
        answer_header="Proxy-Authorization" if status == 407 else "Authorization",
        realm=params.get("realm", ""),
        nonce=params.get("nonce", ""),
        opaque=params.get("opaque"),
        qop="auth" if "auth" in qop_options else None,
        algorithm=params.get("algorithm", "MD5"),
    )


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf8")).hexdigest()


def authorization(challenge: Challenge, method: str, uri: str, user: str, password: str) -> str:
    """The whole header line (with CRLF) answering ``challenge`` for one request."""
    ha1 = _md5(f"{user}:{challenge.realm}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    fields = [f'username="{user}"', f'realm="{challenge.realm}"', f'nonce="{challenge.nonce}"',
              f'uri="{uri}"', f"algorithm={challenge.algorithm}"]
    if challenge.qop:
        cnonce, nc = secrets.token_hex(8), "00000001"
        response = _md5(f"{ha1}:{challenge.nonce}:{nc}:{cnonce}:{challenge.qop}:{ha2}")
        fields += [f"qop={challenge.qop}", f"nc={nc}", f'cnonce="{cnonce}"']
    else:
        response = _md5(f"{ha1}:{challenge.nonce}:{ha2}")
    fields.append(f'response="{response}"')
    if challenge.opaque is not None:
        fields.append(f'opaque="{challenge.opaque}"')
    return f"{challenge.answer_header}: Digest {', '.join(fields)}\r\n"
