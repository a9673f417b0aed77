from __future__ import annotations

from datetime import date
from decimal import Decimal
from email import message_from_string
from pathlib import Path

import pytest

from messaging.sms.encoding import Alphabet, Concatenation, segment
from messaging.templating.context import WORST_CASE, AccountFacts, CreditorFacts, Debtor, MessageContext
from messaging.templating.render import email_text, sms_text
from messaging.templating.store import TemplateRejected, TemplateStore

CONTEXT = MessageContext(
    debtor=Debtor("Иванов", "Иван", "Петрович"),
    account=AccountFacts("100200", "Рязань, ул. Ленина, д. 1, кв. 5"),
    creditor=CreditorFacts(name="ООО «Управляющая компания „Дом“»", short_name="УК «Дом»",
                           inn="6234000014", bik="046126614", bank_account="40702810100000000001",
                           phone="+7 4912 00-00-00"),
    debt=Decimal("12345.6"), as_of=date(2026, 3, 2))


def store(tmp_path: Path, budget: int = 3) -> TemplateStore:
    return TemplateStore(tmp_path / "saved", segment_budget=budget, segment_price=2.5)


def test_every_shipped_template_renders_russian_sms_and_email(tmp_path: Path) -> None:
    templates = store(tmp_path)
    assert templates.codes() == ["debt_notice", "payment_details", "promise_confirmation",
                                 "reminder", "restriction_warning"]
    text = sms_text(templates.get("reminder"), CONTEXT)
    assert text == ("Иван Петрович, по л/с 100200 задолженность 12\u00a0345,60\u00a0₽ на 02.03.2026. "
                    "Просим оплатить. УК «Дом», тел. +7 4912 00-00-00")
    warning = email_text(templates.get("restriction_warning"), CONTEXT)
    assert warning.subject == "Предупреждение об ограничении коммунальной услуги, лицевой счёт 100200"
    assert "с 22.03.2026 предоставление коммунальной услуги может быть ограничено" in warning.text
    # HTML is escaped, the plain text is not.
    assert "ООО «Управляющая компания „Дом“»" in warning.text
    details = email_text(templates.get("payment_details"), CONTEXT)
    assert "БИК 046126614" in details.text and "<td>40702810100000000001</td>" in details.html
    for code in templates.codes():
        # Each shipped SMS stays within the default budget even for the longest debtor.
        assert templates.preview(templates.get(code)).segments <= 3


def test_preview_shows_alphabet_segments_and_cost(tmp_path: Path) -> None:
    templates = store(tmp_path)
    preview = templates.preview(templates.get("promise_confirmation"), WORST_CASE)
    assert (preview.alphabet, preview.segments, str(preview.cost)) == (Alphabet.UCS2, 2, "5.00")
    assert preview.describe() == f"UCS-2, {preview.characters} симв., 2 сегм., 5.00 руб."


def test_segments_gsm_and_ucs2_with_udh_and_sar() -> None:
    assert segment("Pay 100 RUB").alphabet == Alphabet.GSM7
    assert segment("a" * 160).count == 1 and segment("a" * 161).count == 2
    # An extension character takes two septets and is never split from its escape.
    euro = segment("€" * 80)
    assert (euro.units, euro.count) == (160, 1)
    split = segment("a" * 152 + "€" + "a" * 10)
    assert split.count == 2 and split.parts[0] == b"a" * 152 and split.parts[1] == b"\x1b\x65" + b"a" * 10
    cyrillic = segment("я" * 70)
    assert (cyrillic.alphabet, cyrillic.count, cyrillic.data_coding) == (Alphabet.UCS2, 1, 8)
    assert segment("я" * 71).count == 2 and segment("я" * 134).count == 2 and segment("я" * 135).count == 3
    # sar_ parts carry no header in the text, so they hold the full 70.
    assert segment("я" * 140, Concatenation.SAR).count == 2
    assert "".join(part.decode("utf-16-be") for part in segment("ж" * 200).parts) == "ж" * 200


def test_template_over_the_budget_is_rejected_when_saved(tmp_path: Path) -> None:
    templates = store(tmp_path, budget=2)
    source = (Path(__file__).resolve().parents[2] / "messaging/templating/default/reminder.j2").read_text()
    with pytest.raises(TemplateRejected, match="SMS займёт 3 сегм.*не более 2"):
        templates.save("reminder", source)
    assert not (tmp_path / "saved" / "reminder.j2").exists()
    short = source.replace("Просим оплатить. {{ creditor.title }}, тел. {{ creditor.phone }}", "")
    preview = templates.save("reminder", short)
    assert preview.segments == 2
    # The saved template now wins over the shipped one.
    assert "Просим" not in sms_text(templates.get("reminder"), CONTEXT)


def test_broken_or_incomplete_templates_are_rejected(tmp_path: Path) -> None:
    templates = store(tmp_path)
    with pytest.raises(TemplateRejected, match="ошибка в тексте"):
        templates.save("bad", "{% block sms %}{{ debt|money {% endblock %}")
    with pytest.raises(TemplateRejected, match="нет блоков subject, text, html"):
        templates.save("bad", "{% block sms %}Долг{% endblock %}")
    with pytest.raises(TemplateRejected, match="не удаётся подставить"):
        templates.save("bad", "{% block sms %}{{ nobody.name }}{% endblock %}{% block subject %}{% endblock %}"
                              "{% block text %}{% endblock %}{% block html %}{% endblock %}")


def test_email_text_is_a_valid_message_body(tmp_path: Path) -> None:
    rendered = email_text(store(tmp_path).get("reminder"), CONTEXT)
    assert rendered.text.startswith("Здравствуйте, Иван Петрович!\n\n")
    assert message_from_string(f"Subject: x\n\n{rendered.html}").get_payload().startswith("<html>")
