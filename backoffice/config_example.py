"""The documented example of ``vozvrat.toml``, made from the settings models themselves.

Every section a package reads with ``models.config.load_section`` is listed in ``SECTIONS``; the
example shows each key with its default and, above it, the comment written beside the field (or
beside the constant its default comes from) in the code. So the example cannot fall behind the
code: ``python -m backoffice.config_example > docs/vozvrat.example.toml`` writes it again, and
tests/test_config_example.py fails when a setting is missing from it or has no explanation.
"""
from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from backoffice.legal.settings import LegalSettings
from backoffice.web.settings import WebSettings
from campaigns.budget.settings import ContactLimits
from dialer.settings import SipSettings
from messaging.settings import SmppSettings, SmtpSettings, TemplateSettings
from models.settings import DatabaseSettings
from voicebot.amd.settings import AmdSettings
from voicebot.nlu.settings import RasaSettings
from voicebot.speech.settings import SpeechSettings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Where the example pretends the checkout is installed (paths under it are shown there).
INSTALLED_ROOT = "/opt/vozvrat"

# Section name → (its model, what the section is for).
SECTIONS: dict[str, tuple[type[BaseModel], str]] = {
    "database": (DatabaseSettings, "The database: SQLite by default, PostgreSQL in production."),
    "web": (WebSettings, "The backoffice web app (vozvrat serve)."),
    "legal": (LegalSettings, "The legal engine: penalties, fees, courts, the court pack."),
    "contact_limits": (ContactLimits, "The contact budget of 230-ФЗ ст. 7 (only ever stricter than the law)."),
    "templates": (TemplateSettings, "SMS and email templates."),
    "smpp": (SmppSettings, "The SMSC the SMS worker binds to (vozvrat worker --channels sms)."),
    "smtp": (SmtpSettings, "The mail server the email worker sends through (--channels email)."),
    "sip": (SipSettings, "The phone line of the call worker (--channels call): PBX, SIP trunk or Kamailio/SBC."),
    "rasa": (RasaSettings, "The Rasa NLU service the voice bot asks."),
    "speech": (SpeechSettings, "The voice bot's speech: ASR model, voice, turn-taking."),
    "amd": (AmdSettings, "Who answered a call: person, machine, announcement… (thresholds)."),
}

# What a key means where its model has no comment for it (the comment beside a field wins).
EXPLANATIONS: dict[tuple[str, str], str] = {
    ("database", "echo"): "Log every SQL statement (debugging only: it logs debtors' data).",
    ("web", "session_hours"): "Hours a login lasts before the user must log in again.",
    ("web", "login_window_seconds"): "The window, in seconds, the failed logins above are counted in.",
    ("contact_limits", "calls_per_day"): "Calls (robot calls included) to one debtor per day, week, month.",
    ("contact_limits", "calls_per_week"): "See calls_per_day.",
    ("contact_limits", "calls_per_month"): "See calls_per_day.",
    ("contact_limits", "messages_per_day"): "Text and voice messages (SMS, email, voicemail) to one debtor per day, week, month.",
    ("contact_limits", "messages_per_week"): "See messages_per_day.",
    ("contact_limits", "messages_per_month"): "See messages_per_day.",
    ("contact_limits", "courier_per_month"): "Courier visits to one debtor per month (see courier_per_week).",
    ("contact_limits", "day_off_hours"): "Local hours [start, end) on weekends and public holidays.",
    ("smpp", "host"): "The SMSC's (or SMS gateway's, e.g. Jasmin) address and SMPP port.",
    ("smpp", "port"): "See host.",
    ("smpp", "system_id"): "The bind's login and password given by the SMS provider (password: set "
                           "VOZVRAT_SMPP_PASSWORD).",
    ("smpp", "password"): "See system_id.",
    ("smpp", "system_type"): "The bind's system_type, if the provider asks for one.",
    ("smpp", "rate"): "submit_sm per second at most (the provider's contracted rate); 0: no limit.",
    ("smpp", "enquire_link_seconds"): "Seconds between enquire_link keep-alives on an idle bind.",
    ("smpp", "reconnect_min_seconds"): "After a lost bind, the first pause before binding again, "
                                       "doubled up to reconnect_max_seconds.",
    ("smpp", "reconnect_max_seconds"): "See reconnect_min_seconds.",
    ("smpp", "throttle_max_pause_seconds"): "The longest pause the throttling back-off grows to.",
    ("smtp", "host"): "The mail server (MTA or the provider's submission server) and its port "
                      "(25, or 587 for submission with STARTTLS).",
    ("smtp", "port"): "See host.",
    ("smtp", "username"): "AUTH login and password; empty: no AUTH (password: set VOZVRAT_SMTP_PASSWORD).",
    ("smtp", "password"): "See username.",
    ("smtp", "sender"): "The From address the debtor sees (and the envelope sender for bounces).",
    ("smtp", "sender_name"): "The From name the debtor sees: the utility's name.",
    ("smtp", "timeout_seconds"): "Seconds one SMTP command may take before the connection counts as dead.",
    ("smtp", "retry_pause_seconds"): "The first pause between tries of a 4xx, doubled each time.",
    ("sip", "registrar_port"): "The registrar's port.",
    ("sip", "user"): "The SIP account the worker registers and calls as; its password "
                     "(set VOZVRAT_SIP_PASSWORD).",
    ("sip", "password"): "See user.",
    ("sip", "rtp_port_low"): "The UDP port range of call audio (RTP); open it in the firewall.",
    ("sip", "rtp_port_high"): "See rtp_port_low.",
    ("sip", "register_retry_s"): "Seconds before a failed registration is tried again.",
    ("sip", "register_expires_s"): "Seconds a registration lasts (it is renewed before).",
    ("sip", "recordings_dir"): "Where the stereo recording of each answered call is written.",
    ("speech", "espeak_words_per_minute"): "The espeak-ng voice's speed.",
    ("speech", "vad_model"): "The Silero VAD model (ONNX); the default is what scripts/setup.sh extracts.",
    ("speech", "turn_model"): "The Smart Turn end-of-turn model (ONNX); the default is what "
                              "scripts/setup.sh extracts.",
    ("speech", "barge_in"): "How the debtor interrupts the bot: \"voice\" or \"words\" (see speech_start_ms).",
    ("amd", "speech_level_dbfs"): "A frame below this level is silence whatever Silero says "
                                  "(comfort noise of a quiet line), see vad_threshold.",
    ("amd", "ced_min_s"): "The fax answer tone (CED, 2100 Hz) heard this long means a fax (see cng_min_s).",
}


@dataclass(frozen=True)
class Key:
    name: str
    default: Any
    # The explanation above the key; a key right below another without a comment of its own
    # shares the one above if that one names it (``piper_voice`` under ``tts``).
    comment: list[str]


def _comment_above(lines: list[str], lineno: int) -> list[str]:
    """The ``#`` lines right above line ``lineno`` (1-based), without their ``#``."""
    found: list[str] = []
    index = lineno - 2
    while index >= 0 and lines[index].strip().startswith("#"):
        found.insert(0, lines[index].strip().lstrip("#").strip())
        index -= 1
    return found


def _names(name: str, comment: list[str]) -> bool:
    return any(name in line for line in comment)


def _default_name(value: ast.expr | None) -> str | None:
    """The module constant a field's default is taken from (``Field(default=NAME)`` or ``NAME``)."""
    if isinstance(value, ast.Name):
        return value.id
    if isinstance(value, ast.Call):
        for keyword in value.keywords:
            if keyword.arg == "default" and isinstance(keyword.value, ast.Name):
                return keyword.value.id
    return None


def keys(section: str, model: type[BaseModel]) -> list[Key]:
    """The model's fields in declaration order, each with the comment the code gives it (or, if
    none, its entry in EXPLANATIONS; an empty comment when neither has one)."""
    module_source = inspect.getsource(sys.modules[model.__module__])
    lines = module_source.splitlines()
    tree = ast.parse(module_source)
    constants = {target.id: node.lineno for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == model.__name__]
    found: list[Key] = []
    previous_line = None
    for node in cls.body:
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            previous_line = None
            continue
        name = node.target.id
        if name not in model.model_fields:
            continue
        comment = _comment_above(lines, node.lineno)
        constant = _default_name(node.value)
        if not comment and constant in constants:
            comment = _comment_above(lines, constants[constant])
        if not comment and found and previous_line == node.lineno - 1 and _names(name, found[-1].comment):
            comment = found[-1].comment
        if not comment and (section, name) in EXPLANATIONS:
            comment = textwrap.wrap(EXPLANATIONS[section, name], 94)
        found.append(Key(name, model.model_fields[name].get_default(call_default_factory=True), comment))
        previous_line = node.end_lineno
    return found


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    text = str(value).replace(str(PROJECT_ROOT), INSTALLED_ROOT)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


HEADER = """\
# vozvrat.toml — every setting of Vozvrat with its default (generated from the code by
# `python -m backoffice.config_example`; do not edit by hand, edit the comments in the code).
#
# Vozvrat reads the file named by VOZVRAT_CONFIG (default: vozvrat.toml in the working
# directory). Any single key can be set by the environment instead: VOZVRAT_<SECTION>_<KEY>,
# e.g. VOZVRAT_DATABASE_URL or VOZVRAT_SMPP_PASSWORD (secrets belong there, not in this file).
# Leave out what you do not change: a missing key keeps its default.
"""


def example() -> str:
    parts = [HEADER]
    for section, (model, title) in SECTIONS.items():
        parts.append(f"\n# {'=' * 96}\n# {title}\n[{section}]\n")
        shown: list[str] | None = None
        for key in keys(section, model):
            if key.comment and key.comment is not shown:
                parts.append("\n" + "".join(f"# {line}\n".replace("# \n", "#\n") for line in key.comment))
                shown = key.comment
            parts.append(f"{key.name} = {toml_value(key.default)}\n")
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(example())
