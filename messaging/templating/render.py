"""Rendering a template's blocks: the SMS text, and the email's subject, plain text and HTML."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from messaging.templating.context import MessageContext
from models.ru_format import day, money, period

DEFAULT_DIR = Path(__file__).resolve().parent / "default"
SUFFIX = ".j2"
SMS_BLOCK = "sms"
EMAIL_BLOCKS = ("subject", "text", "html")
BLOCKS = (SMS_BLOCK, *EMAIL_BLOCKS)

_SPACES = re.compile(r"[ \t\r\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def environment(folders: list[Path]) -> Environment:
    """Templates looked up in ``folders`` in order (a manager's folder first), Russian filters."""
    env = Environment(loader=FileSystemLoader([str(f) for f in folders]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
                      autoescape=False)
    env.filters.update(money=money, day=day, period=period)
    return env


@dataclass(frozen=True, slots=True)
class EmailText:
    subject: str
    text: str
    html: str


def render_block(template: Template, block: str, context: MessageContext) -> str:
    render = template.blocks.get(block)
    if render is None:
        raise LookupError(f"template {template.name} has no block {block!r}")
    return "".join(render(template.new_context(context.variables())))


def sms_text(template: Template, context: MessageContext) -> str:
    """One line: an SMS pays for every character, so runs of spaces and line breaks become one space."""
    return _SPACES.sub(" ", render_block(template, SMS_BLOCK, context)).strip()


def email_text(template: Template, context: MessageContext) -> EmailText:
    subject = _SPACES.sub(" ", render_block(template, "subject", context)).strip()
    text = _BLANK_LINES.sub("\n\n", render_block(template, "text", context)).strip() + "\n"
    html = render_block(template, "html", context).strip()
    return EmailText(subject, text, f"<html><body>\n{html}\n</body></html>\n")
