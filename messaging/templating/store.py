"""The templates a manager edits: shipped defaults, overridden by saved ones, checked on save.

A template whose SMS would exceed the segment budget is refused here, when it is saved, so a wave
never finds out at send time that its message costs five segments.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, Template, TemplateError

from messaging.sms.encoding import Concatenation, MessageTooLong
from messaging.templating.context import WORST_CASE, MessageContext
from messaging.templating.preview import SmsPreview, preview_sms
from messaging.templating.render import BLOCKS, DEFAULT_DIR, SUFFIX, environment, sms_text
from messaging.settings import TemplateSettings


class TemplateRejected(ValueError):
    """The template cannot be saved; the message says why, in Russian, for the manager."""


@dataclass(frozen=True, slots=True)
class TemplateStore:
    folder: Path
    segment_budget: int
    segment_price: float
    concatenation: Concatenation = Concatenation.UDH

    @classmethod
    def from_settings(cls, settings: TemplateSettings,
                      concatenation: Concatenation = Concatenation.UDH) -> TemplateStore:
        return cls(Path(settings.dir), settings.segment_budget, settings.segment_price, concatenation)

    def _env(self) -> Environment:
        return environment([self.folder, DEFAULT_DIR])

    def get(self, code: str) -> Template:
        return self._env().get_template(code + SUFFIX)

    def codes(self) -> list[str]:
        names = {path.stem for folder in (self.folder, DEFAULT_DIR) if folder.is_dir()
                 for path in folder.glob("*" + SUFFIX)}
        return sorted(names)

    def preview(self, template: Template, context: MessageContext = WORST_CASE) -> SmsPreview:
        return preview_sms(sms_text(template, context), self.segment_price, self.concatenation)

    def validate(self, code: str, source: str) -> SmsPreview:
        """Check a template's text as it would be saved: every block, and the SMS budget."""
        try:
            template = self._env().from_string(source)
            template.name = code
        except TemplateError as exc:
            raise TemplateRejected(f"шаблон «{code}»: ошибка в тексте: {exc}") from exc
        missing = [block for block in BLOCKS if block not in template.blocks]
        if missing:
            raise TemplateRejected(f"шаблон «{code}»: нет блоков {', '.join(missing)}")
        try:
            preview = self.preview(template)
        except MessageTooLong as exc:
            raise TemplateRejected(f"шаблон «{code}»: SMS слишком длинное ({exc})") from exc
        except TemplateError as exc:
            raise TemplateRejected(f"шаблон «{code}»: не удаётся подставить данные: {exc}") from exc
        if preview.segments > self.segment_budget:
            raise TemplateRejected(
                f"шаблон «{code}»: SMS займёт {preview.segments} сегм. ({preview.describe()}), "
                f"допустимо не более {self.segment_budget}")
        return preview

    def save(self, code: str, source: str) -> SmsPreview:
        preview = self.validate(code, source)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / (code + SUFFIX)).write_text(source, encoding="utf-8")
        return preview
