"""Settings of the phone line: section ``[sip]`` of vozvrat.toml, or VOZVRAT_SIP_<KEY>."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from models.config import load_section


class SipSettings(BaseModel):
    # Registrar/proxy (PBX, SIP trunk or the Kamailio in front of them) every request goes to.
    registrar: str = "127.0.0.1"
    registrar_port: int = Field(default=5060, gt=0, lt=65536)
    user: str = "vozvrat"
    password: str = ""
    # Number shown to the debtor (From user part); empty: the SIP user.
    caller_id: str = ""
    # Address the user agent binds and advertises in SDP: pyVoIP has no NAT support, so this must
    # be reachable from the proxy (production puts Kamailio or an SBC in front).
    local_address: str = "127.0.0.1"
    # 0: any free port (tests); production fixes it for the firewall.
    local_port: int = Field(default=5060, ge=0, lt=65536)
    rtp_port_low: int = Field(default=10000, gt=1024, lt=65536)
    rtp_port_high: int = Field(default=20000, gt=1024, lt=65536)
    # No final answer within this many seconds: CANCEL, outcome no_answer.
    ring_timeout_s: float = Field(default=30.0, gt=0)
    # Seconds granted to the registrar for each answer; on failure retry after retry_s.
    register_timeout_s: float = Field(default=4.0, gt=0)
    register_retry_s: float = Field(default=10.0, gt=0)
    register_expires_s: int = Field(default=300, gt=0)
    # Live calls one worker process holds (PEERS.md: pyVoIP stays regular up to ~50).
    concurrency: int = Field(default=20, gt=0)
    # New calls per second one worker starts.
    calls_per_second: float = Field(default=2.0, gt=0)
    # Payload types offered, in order of preference: 0 PCMU, 8 PCMA.
    codecs: tuple[int, ...] = (0, 8)
    # Seconds of early media (a 183's ringback or carrier announcement before or instead of the
    # answer) kept per call for the answer classifier; the newest part of a longer one. 0 keeps none.
    early_media_max_s: float = Field(default=30.0, ge=0)
    recordings_dir: Path = Path("var/recordings")
    # Days a call recording is kept; 0 keeps none.
    recording_retention_days: int = Field(default=90, ge=0)


def sip_settings() -> SipSettings:
    return load_section("sip", SipSettings)
