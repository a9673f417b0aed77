"""The notice of debt as a Word document: one page per notice, a whole route in one file."""
from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from backoffice.notices.content import Notice
from models.organisation import Creditor
from models.ru_format import day, money, period

TITLE = "УВЕДОМЛЕНИЕ О ЗАДОЛЖЕННОСТИ"


def _creditor_lines(creditor: Creditor | None) -> list[str]:
    if creditor is None:
        return ["Управляющая организация"]
    lines = [creditor.name]
    codes = ", ".join(part for part in (f"ИНН {creditor.inn}" if creditor.inn else "",
                                        f"КПП {creditor.kpp}" if creditor.kpp else "") if part)
    lines += [text for text in (codes, creditor.address,
                                f"тел. {creditor.phone}" if creditor.phone else "") if text]
    return lines


def _how_to_pay(notice: Notice) -> str:
    creditor = notice.creditor
    text = ("Оплатите задолженность по квитанции за жилищно-коммунальные услуги, в личном кабинете "
            "или в отделении банка")
    if creditor is not None and creditor.bank_account:
        text += (f" по реквизитам: получатель {creditor.name}, ИНН {creditor.inn}"
                 f"{f', КПП {creditor.kpp}' if creditor.kpp else ''}, р/с {creditor.bank_account} "
                 f"в {creditor.bank_name}, БИК {creditor.bik}, к/с {creditor.corr_account}")
    return (text + f". В назначении платежа укажите номер лицевого счёта {notice.account} и "
            "период, за который вносите плату.")


def _add_notice(document: Document, notice: Notice) -> None:
    for line in _creditor_lines(notice.creditor):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(f"Кому: {notice.debtor}").paragraph_format.space_before = Pt(12)
    document.add_paragraph(f"Адрес: {notice.address}")
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    run = title.add_run(TITLE)
    run.bold = True
    run.font.size = Pt(14)
    subtitle = document.add_paragraph(f"по лицевому счёту № {notice.account}")
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(
        f"Сообщаем, что на {day(notice.as_of)} по лицевому счёту № {notice.account} за помещение "
        f"по адресу {notice.address} не оплачены жилищно-коммунальные услуги. "
        f"Задолженность составляет {money(notice.total)}, в том числе по периодам:")
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Период", "Сумма долга"
    for debt in notice.periods:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = period(debt.period), money(debt.amount)
    total = table.add_row().cells
    total[0].text, total[1].text = "Итого", money(notice.total)
    for row in table.rows:
        row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Pt(12)
    heading.add_run("Как оплатить").bold = True
    document.add_paragraph(_how_to_pay(notice))
    document.add_paragraph(
        "Если вы уже оплатили долг, не учитывайте это уведомление. Если вы не согласны с суммой, "
        "обратитесь к нам" + (f" по телефону {notice.creditor.phone}"
                              if notice.creditor and notice.creditor.phone else "") + ".")
    document.add_paragraph(
        "Если задолженность не будет погашена, взыскатель вправе обратиться в суд за её "
        "взысканием вместе с пенями (ч. 14 ст. 155 ЖК РФ) и судебными расходами.")


def notices_docx(notices: Sequence[Notice]) -> bytes:
    """All ``notices`` in one document, each starting on a new page."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    style = document.styles["Normal"]
    style.font.name = "DejaVu Serif"
    style.font.size = Pt(12)
    for index, notice in enumerate(notices):
        if index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _add_notice(document, notice)
    out = BytesIO()
    document.save(out)
    return out.getvalue()
