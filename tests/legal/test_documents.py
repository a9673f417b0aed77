"""The court-order pack: fields, refusals, DOCX, and the PDF a court receives (real LibreOffice)."""
from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backoffice.legal.documents.fields import goes_to_district_court
from backoffice.legal.documents.names import GrammaticalCase, full_name_in
from backoffice.legal.documents.pack import write_pack
from backoffice.legal.documents.render import COURT_ORDER_PACK, CompiledTemplate, DocumentKind
from backoffice.legal.documents.render import DEFAULT_DIR as DEFAULT_TEMPLATES
from backoffice.legal.documents.words import amount_text, whole_roubles_text
from backoffice.legal.settings import LegalSettings
from backoffice.legal.state_fee import FeeKind
from models.entities import Case, CaseEvent, CourtFiling
from tests.campaigns.builders import default_plan
from tests.legal import world

FILED = date(2026, 8, 31)
_SCRIPT = Path(sys.executable).with_name("vozvrat")


def test_amounts_in_figures_and_words() -> None:
    assert amount_text(Decimal("5270.38")) == (
        "5\u00a0270,38 руб. (пять тысяч двести семьдесят рублей 38 копеек)")
    assert amount_text(Decimal("21.01")) == "21,01 руб. (двадцать один рубль 01 копейка)"
    assert whole_roubles_text(Decimal("2001")) == "2\u00a0001 руб. (две тысячи один рубль)"


@pytest.mark.parametrize(
    ("names", "case", "declined"),
    [
        (("Петрова", "Анна", "Сергеевна"), GrammaticalCase.GENITIVE, "Петровой Анны Сергеевны"),
        (("Петров", "Олег", "Иванович"), GrammaticalCase.GENITIVE, "Петрова Олега Ивановича"),
        (("Черных", "Игорь", "Петрович"), GrammaticalCase.GENITIVE, "Черных Игоря Петровича"),
        (("Петров", "Илья", "Олегович"), GrammaticalCase.DATIVE, "Петрову Илье Олеговичу"),
    ],
)
def test_names_in_cases(names: tuple[str, str, str], case: GrammaticalCase, declined: str) -> None:
    assert full_name_in(case, *names) == declined


async def family_account(session: AsyncSession, *, father_snils: str = "112-233-445 95") -> None:
    """Flat 5 at ул. Ленина, 12 (court 62MS0002): the mother owns 1/2, their son 1/2."""
    house = await world.building(session)
    acc = await world.account(session, house, "100200", "5", {"2026-03": "5000.00"})
    mother = await world.person(session, "M", "Петрова", "Анна", "Сергеевна")
    father = await world.person(session, "F", "Петров", "Олег", "Иванович", snils=father_snils)
    son = await world.person(session, "C", "Петров", "Илья", "Олегович", birth="2015-02-01")
    await world.owns(session, acc, mother, (1, 2))
    await world.owns(session, acc, son, (1, 2), minor_of=(mother, father))
    await session.commit()


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True, timeout=60)
    return " ".join(done.stdout.split())


async def test_a_pack_renders_to_docx_and_pdf_with_every_figure(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await family_account(session)
    async with sessionmaker() as session:
        result = await write_pack(session, "100200", tmp_path, filed_on=FILED,
                                  settings=LegalSettings())
    assert result.refused == [] and result.problems == ()
    # Two debtors (the mother: her half and half the son's; the father: half the son's), three
    # documents each.
    assert sorted(p.name for p in result.docx) == sorted(
        f"100200-{n}-{slug}.docx" for n in (1, 2)
        for slug in ("zayavlenie", "raschet-dolga", "raschet-peni"))
    assert len(result.pdf) == 6 and all(p.stat().st_size > 5000 for p in result.pdf)

    # The worked example's account: 5 000 ₽ of March 2026 unpaid, 270,38 ₽ penalty on 31.08.2026.
    mother = pdf_text(tmp_path / "100200-1-zayavlenie.pdf")
    for text in ("Мировому судье судебного участка № 2 судебного района Советского",
                 "Должник: Петрова Анна Сергеевна", "СНИЛС 112-233-445 95",
                 "с Петровой Анны Сергеевны", "ООО «УК Тест»", "ИНН 6234000014",
                 "ОГРН 1026200000016",
                 "несовершеннолетнего собственника Петрова Ильи Олеговича",
                 # 3/4 of 5 000 and of 270,38 (202,785 → 202,79)
                 "3 750,00 руб. (три тысячи семьсот пятьдесят рублей 00 копеек)",
                 "202,79 руб. (двести два рубля 79 копеек)",
                 "всего 3 952,79 руб.", "2 000 руб. (две тысячи рублей)",
                 "за период с 01.03.2026 по 31.03.2026"):
        assert text in mother, text
    father = pdf_text(tmp_path / "100200-2-zayavlenie.pdf")
    assert "с Петрова Олега Ивановича" in father and "1 250,00 руб." in father
    penalty = pdf_text(tmp_path / "100200-1-raschet-peni.pdf")
    for text in ("16.05.2026 14.07.2026 60 1/300 9,50 95,00",
                 "15.07.2026 31.08.2026 48 1/130 9,50 175,38",
                 "Итого пени по лицевому счёту: 270,38 руб.", "Пени должника (доля 3/4): 202,79"):
        assert text in penalty, text
    debt = pdf_text(tmp_path / "100200-2-raschet-dolga.pdf")
    assert "март 2026 15.04.2026 5 000,00 1 250,00" in debt

    # The PDF is a real document a person can look at: every page renders to a PNG.
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / "100200-1-zayavlenie.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)


async def test_a_debtor_without_an_identifier_gets_no_documents(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await family_account(session, father_snils="")
    async with sessionmaker() as session:
        result = await write_pack(session, "100200", tmp_path, filed_on=FILED, pdf=False,
                                  settings=LegalSettings())
    [refused] = result.refused
    assert refused.debtor == "Петров Олег Иванович"
    assert refused.fields == [
        "идентификатор должника Петров Олег Иванович (СНИЛС, ИНН или паспорт)"]
    assert {p.name.split("-")[1] for p in result.docx} == {"1"}
    # The templates a lawyer edits stay Word documents with the figures in them.
    text = "\n".join(p.text for p in Document(str(tmp_path / "100200-1-zayavlenie.docx")).paragraphs)
    assert "Петровой Анны Сергеевны" in text


async def test_an_address_without_a_court_is_refused_for_the_lawyer(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        house = await world.building(session, street="ул. Неизвестная", house="3")
        acc = await world.account(session, house, "100400", "1", {"2026-03": "5000.00"})
        await world.owns(session, acc, await world.person(session, "X", "Орлов", "Иван", "Ильич"))
        plan = await default_plan(session)
        case = Case(account_id=acc.id, plan_id=plan.id, stage="court",
                    debt_at_open=Decimal("5000.00"))
        session.add(case)
        await session.commit()
    async with sessionmaker() as session:
        result = await write_pack(session, "100400", tmp_path, filed_on=FILED, pdf=False,
                                  settings=LegalSettings())
    [refused] = result.refused
    assert result.docx == []
    assert "суд: адрес не найден в таблице судебных участков" in refused.fields[0]
    assert "ул. Неизвестная" in refused.fields[0]
    # The lawyer queue sees it in the case's history.
    assert result.lawyer_tasks == 1
    async with sessionmaker() as session:
        [task] = (await session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id,
                                    CaseEvent.kind == "lawyer_task"))).all()
    assert task.data["missing"] == refused.fields and task.actor == "legal"


@pytest.mark.skipif(not _SCRIPT.exists(), reason="the vozvrat console script is not installed")
async def test_docs_pack_command(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await family_account(session, father_snils="")
    base = [str(_SCRIPT), "docs", "pack", "--url", database_url, "--date", "2026-08-31"]
    done = subprocess.run([*base, "--account", "100200", "--out", str(tmp_path), "--no-pdf"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "идентификатор должника Петров Олег Иванович" in done.stderr
    assert sorted(Path(line).name for line in done.stdout.split()) == [
        "100200-1-raschet-dolga.docx", "100200-1-raschet-peni.docx", "100200-1-zayavlenie.docx"]
    missing = subprocess.run([*base, "--account", "999", "--out", str(tmp_path)],
                             capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == 2 and "нет лицевого счёта 999" in missing.stderr


def _text(docx: bytes) -> list[str]:
    document = Document(BytesIO(docx))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


@pytest.mark.parametrize("kind", COURT_ORDER_PACK, ids=lambda k: k.slug)
def test_the_compiled_renderer_writes_what_docxtpl_writes(kind: DocumentKind) -> None:
    fields = {
        "account": {"number": "42", "address": "г. Рязань, ул. Ленина, д. 1 & <кв. 2>"},
        "debtors": [{"full_name": "Петрова Анна Сергеевна", "birth_date": "17.05.1980",
                     "full_name_genitive": "Петровой Анны Сергеевны", "identifier": "СНИЛС 1"}],
        "share": "1/2", "own_share": "1/2", "debtor": {"full_name": "Петрова Анна Сергеевна"},
        "minors": [{"full_name_genitive": "Петрова Ильи Олеговича", "share": "1/4"}],
        "creditor": {"name": "ООО «УК»", "short_name": "ООО «УК»"},
        "court": {"to": "Мировому судье судебного участка № 2"},
        "penalty_rows": [{"period": "март 2026", "amount": "95,00", "moratorium": False},
                         {"period": "апрель 2020", "amount": "0,00", "moratorium": True}],
        "debt_rows": [{"period": "март 2026", "share_amount": "2 500,00"}],
        "claim": {"principal_text": "2 500,00 руб.", "penalty_text": "47,50 руб."},
    }
    data = (DEFAULT_TEMPLATES / kind.template).read_bytes()
    reference = DocxTemplate(BytesIO(data))
    reference.render(fields, autoescape=True)
    out = BytesIO()
    reference.save(out)
    assert _text(CompiledTemplate(data).render(fields)) == _text(out.getvalue())


def test_a_template_with_fields_in_its_header_is_rendered_whole() -> None:
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Дело {{ number }}"
    document.add_paragraph("Счёт {{ number }}")
    source = BytesIO()
    document.save(source)
    rendered = Document(BytesIO(CompiledTemplate(source.getvalue()).render({"number": "7"})))
    assert rendered.sections[0].header.paragraphs[0].text == "Дело 7"
    assert rendered.paragraphs[-1].text == "Счёт 7"


async def test_a_lawsuit_after_the_order_was_cancelled_credits_its_fee(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        house = await world.building(session)
        acc = await world.account(session, house, "100500", "9", {"2026-03": "5000.00"})
        await world.owns(session, acc, await world.person(session, "O", "Орлов", "Пётр", "Ильич"))
        await session.commit()
    async with sessionmaker() as session:
        without_order = await write_pack(session, "100500", tmp_path, filed_on=FILED, pdf=False,
                                         kind=FeeKind.LAWSUIT, settings=LegalSettings())
    [refused] = without_order.refused
    assert refused.document == "исковое заявление"
    assert refused.fields == ["отменённый судебный приказ (иск подаётся после отмены приказа)"]

    async with sessionmaker() as session:
        session.add(CourtFiling(account_id=acc.id, kind="court_order", filed_on=date(2026, 6, 1),
                                first_period=date(2026, 3, 1), last_period=date(2026, 3, 1),
                                amount=Decimal("5000.00"), case_number="2-1234/2026",
                                issued_on=date(2026, 6, 10), cancelled_on=date(2026, 7, 1)))
        await session.commit()
    async with sessionmaker() as session:
        result = await write_pack(session, "100500", tmp_path, filed_on=FILED,
                                  kind=FeeKind.LAWSUIT, settings=LegalSettings())
    assert result.refused == []
    assert sorted(p.name for p in result.pdf) == [
        "100500-1-isk.pdf", "100500-1-raschet-dolga.pdf", "100500-1-raschet-peni.pdf"]
    text = pdf_text(tmp_path / "100500-1-isk.pdf")
    # 5 270,38 ₽ claimed: the lawsuit fee is 4 000, of which the order's 2 000 is credited.
    for fragment in ("ИСКОВОЕ ЗАЯВЛЕНИЕ", "Ответчик: Орлов Пётр Ильич", "Цена иска: 5 270,38 руб.",
                     "Государственная пошлина: 4 000 руб., в том числе зачтено 2 000 руб.",
                     "(дело № 2-1234/2026)", "от 10.06.2026",
                     "отменён определением мирового судьи от 01.07.2026",
                     "с Орлова Петра Ильича", "доплачено 2 000 руб. (две тысячи рублей)",
                     "Мировому судье судебного участка № 2"):
        assert fragment in text, fragment


@pytest.mark.parametrize(
    ("kind", "total", "district"),
    [
        (FeeKind.LAWSUIT, "50000.00", False),  # ГПК ст. 23 ч. 1 п. 5: up to 50 000 inclusive
        (FeeKind.LAWSUIT, "50000.01", True),
        (FeeKind.COURT_ORDER, "400000.00", False),  # court orders are always the magistrate's
    ],
)
def test_magistrate_or_district_court_by_the_claim(kind: FeeKind, total: str,
                                                   district: bool) -> None:
    assert goes_to_district_court(kind, Decimal(total)) is district


async def test_a_lawsuit_over_50000_goes_to_the_district_court(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        house = await world.building(session)
        acc = await world.account(session, house, "100600", "3", {"2026-03": "60000.00"})
        await world.owns(session, acc, await world.person(session, "B", "Белов", "Иван", "Ильич"))
        session.add(CourtFiling(account_id=acc.id, kind="court_order", filed_on=date(2026, 6, 1),
                                first_period=date(2026, 3, 1), last_period=date(2026, 3, 1),
                                amount=Decimal("60000.00"), cancelled_on=date(2026, 7, 1)))
        await session.commit()
    async with sessionmaker() as session:
        result = await write_pack(session, "100600", tmp_path, filed_on=FILED, pdf=False,
                                  kind=FeeKind.LAWSUIT, settings=LegalSettings())
    assert result.refused == []
    text = "\n".join(p.text for p in Document(str(tmp_path / "100600-1-isk.docx")).paragraphs)
    assert "В Советский районный суд г. Рязани" in text and "Мировому судье" not in text

    # A district court table without the debtor's street: a lawyer task, not the magistrate.
    tables = tmp_path / "district"
    tables.mkdir()
    (tables / "62.csv").write_text(
        "region,court_code,court_name,court_address,locality,street,from_house,to_house,side\n"
        "Рязанская область,62RS0001,Железнодорожный районный суд г. Рязани,адрес,г. Рязань,"
        "ул. Бирюзова,,,all\n", encoding="utf-8")
    async with sessionmaker() as session:
        refused = await write_pack(session, "100600", tmp_path / "out", filed_on=FILED, pdf=False,
                                   kind=FeeKind.LAWSUIT,
                                   settings=LegalSettings(district_courts_dir=str(tables)))
    assert refused.docx == []
    assert refused.refused[0].fields == [
        "районный суд (иск больше 50 000 ₽): адрес не найден в таблице районных судов "
        "(Рязанская область, Рязань, ул. Ленина, д. 12); адрес передан юристу"]
