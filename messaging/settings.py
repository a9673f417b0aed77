"""Settings of the written channels: the SMSC (``[smpp]``), the mail server (``[smtp]``) and the
message templates (``[templates]``).

Read like every section (models/config.py): ``vozvrat.toml`` and ``VOZVRAT_SMPP_<KEY>`` /
``VOZVRAT_SMTP_<KEY>`` / ``VOZVRAT_TEMPLATES_<KEY>`` for single values.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

from models.config import load_section


class SmppSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 2775
    system_id: str = ""
    password: str = ""
    system_type: str = ""
    # Sender shown to the debtor: an alphanumeric name (TON 5) or a number (TON 1).
    source_addr: str = "Vozvrat"
    # Long messages: a user data header in the text ("udh") or the sar_ optional parameters.
    concatenation: Literal["udh", "sar"] = "udh"
    # submit_sm sent and not yet answered, at most; and submit_sm per second (0: no limit).
    window: PositiveInt = 50
    rate: float = Field(default=0.0, ge=0)
    enquire_link_seconds: PositiveFloat = 30.0
    # A submit_sm or a bind unanswered for this long counts the connection as dead.
    response_timeout_seconds: PositiveFloat = 10.0
    reconnect_min_seconds: PositiveFloat = 0.2
    reconnect_max_seconds: PositiveFloat = 30.0
    # After ESME_RTHROTTLED / ESME_RMSGQFUL: the first pause, doubled while it lasts.
    throttle_pause_seconds: PositiveFloat = 0.05
    throttle_max_pause_seconds: PositiveFloat = 5.0
    # A sent SMS whose receipt has not come in this long is reported expired (the usual SMSC
    # validity period is 24–72 hours).
    receipt_wait_hours: PositiveFloat = 72.0


class SmtpSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 25
    username: str = ""
    password: str = ""
    # STARTTLS: "never", or "required" (refuse to send in clear). The server's certificate is
    # checked against ``ca_file`` when given (a pinned certificate), else the system's CAs.
    starttls: Literal["never", "required"] = "never"
    ca_file: str = ""
    sender: str = "noreply@vozvrat.local"
    sender_name: str = "Возврат"
    # Where Message-IDs are made: <key@domain>.
    message_id_domain: str = "vozvrat.local"
    timeout_seconds: PositiveFloat = 30.0
    # Transient 4xx: how many tries in all, and the first pause (doubled each time).
    tries: PositiveInt = 4
    retry_pause_seconds: PositiveFloat = 1.0
    # Connections kept open and reused by the worker (aiosmtpd on loopback: 4 send about twice
    # what one does, 8 a third more again; bench/messaging.py).
    pool_size: PositiveInt = 4
    # Envelope sender for bounces (e.g. "bounces@vozvrat.local"): each email goes out from
    # <local>+<attempt id>@<domain>, so a bounce names its attempt; empty: ``sender``.
    return_path: str = ""
    # Where the email worker's bounce receiver listens ("127.0.0.1:2526"); empty: it does not run.
    bounce_listen: str = ""


class TemplateSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Templates a manager saved; a name found here wins over the shipped one.
    dir: str = "var/templates"
    # An SMS text longer than this many segments is refused when its template is saved.
    segment_budget: PositiveInt = 3
    # What one segment costs, in roubles, for the preview.
    segment_price: float = Field(default=2.5, ge=0)


def smpp_settings() -> SmppSettings:
    return load_section("smpp", SmppSettings)


def smtp_settings() -> SmtpSettings:
    return load_section("smtp", SmtpSettings)


def template_settings() -> TemplateSettings:
    return load_section("templates", TemplateSettings)
