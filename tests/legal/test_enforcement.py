"""After the court order: заявление в ФССП, заявление в банк, отзыв на возражения — fields,
refusals for the lawyer, the objection term by the production calendar, and the PDF text."""
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

from backoffice.legal.account_claim import load_account_claim
from backoffice.legal.court_orders import BadCourtOrder, CourtOrderRecord, record_court_order
from backoffice.legal.courts import load_bailiffs, load_courts
from backoffice.legal.documents.enforcement import Enforcement, enforcement_fields
from backoffice.legal.documents.objection import (
    BadObjection,
    Objection,
    objection_response_fields,
    record_objection,
)
from backoffice.legal.documents.on_demand import OnDemand, write_on_demand, write_on_demand_docx
from backoffice.legal.documents.pdf import docx_to_pdf
from backoffice.legal.documents.render import (
    BANK_APPLICATION,
    FSSP_APPLICATION,
    OBJECTION_RESPONSE,
    CompiledTemplate,
)
from backoffice.legal.documents.render import DEFAULT_DIR as DEFAULT_TEMPLATES
from backoffice.legal.settings import LegalSettings
from models.entities import Account, Building, Case, CaseEvent, CourtFiling, Person
from tests.campaigns.builders import default_plan
from tests.legal import world
from tests.legal.test_documents import _text, pdf_text

TODAY = date(2026, 8, 31)
_SCRIPT = Path(sys.executable).with_name("vozvrat")


async def ordered_account(
    session: AsyncSession, *, number: str = "300100", street: str = "ул. Ленина",
    house: Building | None = None, creditor_bank: bool = True, debtor_bank: bool = True,
    copy_received: date | None = date(2026, 6, 1), in_force: date | None = None,
) -> CourtFiling:
    """Flat 7 of Орлов Пётр Ильич: a court order of 10.05.2026 for 5 270,38 ₽, fee 2 000 ₽,
    by magistrate district 62MS0002, its copy received on ``copy_received``; an open case."""
    house = house or await world.building(session, street=street, bank=creditor_bank)
    acc = await world.account(session, house, number, "7", {"2026-03": "5000.00"})
    debtor = await world.person(session, f"P{number}", "Орлов", "Пётр", "Ильич")
    if debtor_bank:
        debtor.bank_name, debtor.bik = "АО «Тинькофф Банк»", "044525974"
        debtor.bank_account = "40817810000000012345"
    await world.owns(session, acc, debtor)
    order = CourtFiling(account_id=acc.id, kind="court_order", filed_on=date(2026, 5, 4),
                        first_period=date(2026, 3, 1), last_period=date(2026, 3, 1),
                        amount=Decimal("5270.38"), fee_paid=Decimal("2000"),
                        court_code="62MS0002", case_number="2-777/2026",
                        issued_on=date(2026, 5, 10), copy_received_on=copy_received,
                        in_force_on=in_force)
    session.add(order)
    plan = await default_plan(session)
    session.add(Case(account_id=acc.id, plan_id=plan.id, stage="court",
                     debt_at_open=Decimal("5000.00")))
    await session.commit()
    return order


async def produce(sessionmaker: async_sessionmaker[AsyncSession], number: str,
                  document: OnDemand, out: Path):
    async with sessionmaker() as session:
        return await write_on_demand(session, number, out, document, filed_on=TODAY, pdf=False,
                                     settings=LegalSettings())


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


async def test_fssp_bank_and_response_render_to_pdf_with_every_figure(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        order = await ordered_account(session)
        await ordered_account(session, number="300200", copy_received=None,
                              house=await session.get(Building, (await session.get(
                                  Account, order.account_id)).building_id))
    async with sessionmaker() as session:
        await record_objection(session, "300200", Objection(
            date(2026, 6, 1), date(2026, 6, 22), "не согласен с суммой"))
    settings = LegalSettings()
    docx = []
    async with sessionmaker() as session:
        claim = await load_account_claim(session, "300100", TODAY)
        objected = await load_account_claim(session, "300200", TODAY)
    for document in (OnDemand.FSSP, OnDemand.BANK):
        result = write_on_demand_docx(claim, tmp_path, document, settings=settings,
                                      filed_on=TODAY)
        assert result.refused == []
        docx += result.docx
    result = write_on_demand_docx(objected, tmp_path, OnDemand.OBJECTION_RESPONSE,
                                  settings=settings, filed_on=TODAY)
    assert result.refused == []
    docx += result.docx
    assert [p.name for p in docx] == ["300100-1-fssp.docx", "300100-1-bank.docx",
                                      "300200-1-otzyv.docx"]
    fssp, bank, response = (pdf_text(p) for p in await docx_to_pdf(docx, tmp_path))

    # Copy received Monday 01.06.2026; 12.06 (Russia Day) is a holiday: the 10th working day
    # is 16.06, so the order entered into force on 17.06.2026.
    for text in ("В Советский районный отдел судебных приставов г. Рязани",
                 "Должник: Орлов Пётр Ильич", "СНИЛС 112-233-445 95",
                 "с Орлова Петра Ильича", "мирового судьи судебного участка № 2",
                 "по делу № 2-777/2026", "от 10.05.2026", "вступил в законную силу 17.06.2026",
                 "5 270,38 руб. (пять тысяч двести семьдесят рублей 38 копеек)",
                 "2 000 руб. (две тысячи рублей)", "всего 7 270,38 руб.",
                 "р/с 40702810753000001234", "БИК 046126614", "ст. 30"):
        assert text in fssp, text
    for text in ("В АО «Тинькофф Банк»", "БИК 044525974", "Счёт должника: 40817810000000012345",
                 "ст. 8", "вступивший в законную силу 17.06.2026", "Орлова Петра Ильича",
                 "7 270,38 руб.", "р/с 40702810753000001234"):
        assert text in bank, text
    # The same term; the objection of 22.06 is late, so the response asks to return it.
    for text in ("Мировому судье судебного участка № 2 судебного района Советского",
                 "Дело № 2-777/2026", "ОТЗЫВ", "получена должником 01.06.2026",
                 "истёк 16.06.2026", "поданы 22.06.2026", "«не согласен с суммой»",
                 "Отказать должнику в восстановлении срока", "Орлова Петра Ильича"):
        assert text in response, text
    assert "Приобщить настоящий отзыв" not in response


async def test_a_bank_application_without_the_debtors_bank_names_the_fields(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        order = await ordered_account(session, debtor_bank=False)
    result = await produce(sessionmaker, "300100", OnDemand.BANK, tmp_path)
    assert result.docx == [] and list(tmp_path.iterdir()) == []
    [refused] = result.refused
    assert refused.document == "заявление в банк о принятии судебного приказа к исполнению"
    assert refused.fields == ["банк должника Орлов Пётр Ильич (наименование)",
                              "БИК банка должника Орлов Пётр Ильич"]
    async with sessionmaker() as session:
        person = await session.scalar(select(Person).where(Person.code == "P300100"))
        assert person is not None
        person.bank_name, person.bik, person.bank_account = "ПАО «Банк»", "04612670", "4081"
        await session.commit()
    typo = await produce(sessionmaker, "300100", OnDemand.BANK, tmp_path)
    assert typo.refused[0].fields == [
        "БИК банка должника Орлов Пётр Ильич: 9 цифр, записано «04612670»",
        "счёт должника Орлов Пётр Ильич: 20 цифр, записано «4081»"]
    # The account number is optional (229-ФЗ ст. 8): name and БИК are enough.
    async with sessionmaker() as session:
        person = await session.scalar(select(Person).where(Person.code == "P300100"))
        assert person is not None
        person.bank_name, person.bik = "ПАО «Прио-Внешторгбанк»", "046126708"
        person.bank_account = ""
        await session.commit()
    result = await produce(sessionmaker, "300100", OnDemand.BANK, tmp_path)
    assert result.refused == []
    text = docx_text(tmp_path / "300100-1-bank.docx")
    assert "В ПАО «Прио-Внешторгбанк»" in text and "со счетов должника" in text
    assert "Счёт должника" not in text
    async with sessionmaker() as session:
        tasks = (await session.scalars(select(CaseEvent.message).where(
            CaseEvent.kind == "lawyer_task"))).all()
    assert len(tasks) == 2 and all("БИК банка должника" in t for t in tasks)
    assert order.case_number == "2-777/2026"


async def test_an_address_no_bailiff_department_serves_is_a_lawyer_task(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await ordered_account(session, street="ул. Неизвестная", creditor_bank=False)
    result = await produce(sessionmaker, "300100", OnDemand.FSSP, tmp_path)
    assert result.docx == [] and result.lawyer_tasks == 1
    [refused] = result.refused
    assert refused.fields == [
        "расчётный счёт взыскателя", "банк взыскателя", "БИК банка взыскателя",
        "корр. счёт банка взыскателя",
        "отдел судебных приставов: адрес не найден в таблице отделов судебных приставов "
        "(Рязанская область, Рязань, ул. Неизвестная, д. 12); адрес передан юристу"]
    async with sessionmaker() as session:
        [task] = (await session.scalars(select(CaseEvent).where(
            CaseEvent.kind == "lawyer_task"))).all()
    assert task.data["missing"] == refused.fields and task.data["document"] == refused.document


@pytest.mark.parametrize(
    ("copy_received", "in_force", "objection", "reason"),
    [
        # Received 10.08: 10 working days end 24.08, in force 25.08 — before the 31.08 filing.
        (date(2026, 8, 10), None, None, None),
        # Received 24.08: the term runs to 07.09; the order is not enforceable on 31.08.
        (date(2026, 8, 24), None, None, "судебный приказ вступает в силу только 08.09.2026"),
        (None, None, None, "дата вступления судебного приказа в законную силу"),
        # The court's stamp wins over the computed date.
        (None, date(2026, 7, 1), None, None),
        # An objection in time (the 10th working day): the order is to be cancelled.
        (date(2026, 6, 1), None, date(2026, 6, 16), "должник подал возражения в срок"),
        # A late objection leaves the order; its entry into force must then be stamped.
        (date(2026, 6, 1), None, date(2026, 6, 17), "дата вступления судебного приказа"),
    ],
)
async def test_only_an_order_in_force_is_enforced(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path, copy_received: date | None,
    in_force: date | None, objection: date | None, reason: str | None,
) -> None:
    async with sessionmaker() as session:
        order = await ordered_account(session, copy_received=copy_received, in_force=in_force)
        order.objection_on = objection
        await session.commit()
    result = await produce(sessionmaker, "300100", OnDemand.FSSP, tmp_path)
    if reason is None:
        assert result.refused == [] and len(result.docx) == 1
        expected = in_force or date(2026, 8, 25)
        assert f"вступил в законную силу {expected:%d.%m.%Y}" in docx_text(result.docx[0])
    else:
        [refused] = result.refused
        assert any(reason in field for field in refused.fields), refused.fields


async def test_an_order_without_number_or_known_court_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        order = await ordered_account(session)
        order.case_number, order.court_code = "", "62MS9999"
        await session.commit()
    result = await produce(sessionmaker, "300100", OnDemand.FSSP, tmp_path)
    [refused] = result.refused
    assert refused.fields == [
        "номер дела судебного приказа",
        "судебный участок 62MS9999 не найден в таблице судебных участков"]


async def test_an_objection_in_time_gets_the_creditors_position(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await ordered_account(session, copy_received=None)
    nothing = await produce(sessionmaker, "300100", OnDemand.OBJECTION_RESPONSE, tmp_path)
    assert nothing.docx == []
    assert nothing.refused[0].fields == [
        "возражения должника Орлов Пётр Ильич на судебный приказ (не записаны)"]
    async with sessionmaker() as session:
        with pytest.raises(BadObjection):
            await record_objection(session, "300100",
                                   Objection(date(2026, 6, 10), date(2026, 6, 9)))
        with pytest.raises(LookupError):
            await record_objection(session, "300100", Objection(
                date(2026, 6, 1), date(2026, 6, 9), person_code="nobody"))
        # Received Friday 05.06.2026: 12.06 is a holiday, the 10th working day is 22.06.
        order = await record_objection(session, "300100", Objection(
            date(2026, 6, 5), date(2026, 6, 22), "долг оплачен"))
        assert (order.copy_received_on, order.objection_on) == (date(2026, 6, 5),
                                                                date(2026, 6, 22))
        [event] = (await session.scalars(select(CaseEvent).where(
            CaseEvent.kind == "manual"))).all()
    assert "срок истёк 22.06.2026: в срок" in event.message and event.data["late"] is False
    result = await produce(sessionmaker, "300100", OnDemand.OBJECTION_RESPONSE, tmp_path)
    text = docx_text(result.docx[0])
    for fragment in ("истёк 22.06.2026", "поданы 22.06.2026", "«долг оплачен»",
                     "Приобщить настоящий отзыв", "в порядке искового производства"):
        assert fragment in text, fragment
    assert "Отказать должнику" not in text


@pytest.mark.skipif(not _SCRIPT.exists(), reason="the vozvrat console script is not installed")
async def test_docs_enforcement_and_objection_response_commands(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        await ordered_account(session, debtor_bank=False, copy_received=None)

    def vozvrat(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(_SCRIPT), "docs", *args, "--url", database_url,
                               "--date", "2026-08-31", "--out", str(tmp_path), "--no-pdf"],
                              capture_output=True, text=True, timeout=120, check=False)

    bank = vozvrat("enforcement", "--account", "300100", "--kind", "bank")
    assert bank.returncode == 1 and bank.stdout == ""
    assert "БИК банка должника Орлов Пётр Ильич" in bank.stderr
    fssp = vozvrat("enforcement", "--account", "300100", "--kind", "fssp")
    assert fssp.returncode == 1 and "дата вступления судебного приказа" in fssp.stderr
    response = vozvrat("objection-response", "--account", "300100", "--copy-received",
                       "2026-06-01", "--objection", "2026-06-25", "--text", "не проживаю")
    assert response.returncode == 0, response.stderr
    assert [Path(p).name for p in response.stdout.split()] == ["300100-1-otzyv.docx"]
    assert "Отказать должнику" in docx_text(tmp_path / "300100-1-otzyv.docx")
    unknown = vozvrat("enforcement", "--account", "999", "--kind", "fssp")
    assert unknown.returncode == 2 and "нет лицевого счёта 999" in unknown.stderr


async def test_the_compiled_renderer_writes_what_docxtpl_writes(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await ordered_account(session)
        await record_objection(session, "300100", Objection(date(2026, 6, 1), date(2026, 6, 30),
                                                            "текст & <разметка>"))
    async with sessionmaker() as session:
        claim = await load_account_claim(session, "300100", TODAY)
    [debtor] = claim.debtors
    common = {"courts": load_courts(), "filed_on": TODAY, "halve_rounded_fee": True}
    order = claim.court_orders[0]
    order.objection_on = None
    fields = {kind: enforcement_fields(claim, debtor, debtor.persons, Enforcement(kind.slug),
                                       bailiffs=load_bailiffs(), **common)
              for kind in (FSSP_APPLICATION, BANK_APPLICATION)}
    order.objection_on = date(2026, 6, 30)
    fields[OBJECTION_RESPONSE] = objection_response_fields(claim, debtor, **common)
    for kind, values in fields.items():
        data = (DEFAULT_TEMPLATES / kind.template).read_bytes()
        reference = DocxTemplate(BytesIO(data))
        reference.render(values, autoescape=True)
        out = BytesIO()
        reference.save(out)
        compiled = CompiledTemplate(data).render(values)
        assert _text(compiled) == _text(out.getvalue())
        assert "{{" not in "".join(_text(compiled)) and "{%" not in "".join(_text(compiled))


@pytest.mark.skipif(not _SCRIPT.exists(), reason="the vozvrat console script is not installed")
async def test_an_order_recorded_from_the_command_line_is_enforced(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        order = await ordered_account(session)
        await session.delete(order)
        await session.commit()

    def vozvrat(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(_SCRIPT), "docs", *args, "--url", database_url],
                              capture_output=True, text=True, timeout=120, check=False)

    record = ["order", "--account", "300100", "--case-number", "2-901/2026", "--issued",
              "2026-05-12", "--filed", "2026-05-04", "--periods", "2026-03:2026-03",
              "--amount", "5 270,38", "--fee", "2000", "--copy-received", "2026-06-01"]
    bad = vozvrat(*record, "--court-code", "62MS9999")
    assert bad.returncode == 2 and "62MS9999 нет в таблице судебных участков" in bad.stderr
    first = vozvrat(*record, "--court-code", "62MS0001")
    assert first.returncode == 0 and "записан" in first.stdout, first.stderr
    again = vozvrat(*record, "--court-code", "62MS0002")
    assert again.returncode == 0 and "обновлён" in again.stdout
    async with sessionmaker() as session:
        [filing] = (await session.scalars(select(CourtFiling))).all()
    assert (filing.court_code, filing.amount, filing.first_period) == (
        "62MS0002", Decimal("5270.38"), date(2026, 3, 1))
    fssp = subprocess.run(
        [str(_SCRIPT), "docs", "enforcement", "--account", "300100", "--kind", "fssp",
         "--url", database_url, "--date", "2026-08-31", "--out", str(tmp_path), "--no-pdf"],
        capture_output=True, text=True, timeout=120, check=False)
    assert fssp.returncode == 0, fssp.stderr
    text = docx_text(tmp_path / "300100-1-fssp.docx")
    assert "по делу № 2-901/2026" in text and "вступил в законную силу 17.06.2026" in text


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"case_number": " "}, "номер дела пуст"),
        ({"amount": Decimal("0")}, "сумма должна быть больше нуля"),
        ({"fee_paid": Decimal("2000.50")}, "в целых рублях"),
        ({"first_period": date(2026, 4, 1)}, "первый месяц не позже последнего"),
        ({"filed_on": date(2026, 5, 20)}, "раньше подачи заявления"),
        ({"copy_received_on": date(2026, 5, 1)}, "«копия получена» раньше вынесения"),
    ],
)
async def test_an_inconsistent_court_order_is_not_recorded(
    sessionmaker: async_sessionmaker[AsyncSession], change: dict[str, object], reason: str,
) -> None:
    good = {"case_number": "2-1/2026", "court_code": "62MS0002", "filed_on": date(2026, 5, 4),
            "issued_on": date(2026, 5, 12), "first_period": date(2026, 3, 1),
            "last_period": date(2026, 3, 1), "amount": Decimal("100.00")}
    async with sessionmaker() as session:
        with pytest.raises(BadCourtOrder, match=reason):
            await record_court_order(session, "300100", CourtOrderRecord(**{**good, **change}),
                                     load_courts())
        with pytest.raises(LookupError, match="нет лицевого счёта 300100"):
            await record_court_order(session, "300100", CourtOrderRecord(**good), load_courts())


async def test_several_debtors_each_have_their_own_order(
    sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
) -> None:
    async with sessionmaker() as session:
        house = await world.building(session, bank=True)
        acc = await world.account(session, house, "300300", "2", {"2026-03": "5000.00"})
        owners = [await world.person(session, code, last, first, middle)
                  for code, last, first, middle in (("A", "Зайцева", "Нина", "Петровна"),
                                                    ("B", "Зайцев", "Олег", "Ильич"))]
        for owner in owners:
            await world.owns(session, acc, owner, (1, 2))
        # One order per debtor, plus one naming nobody: ambiguous on a shared account.
        for person_id, number in ((owners[0].id, "2-1/2026"), (owners[1].id, "2-2/2026"),
                                  (None, "2-3/2026")):
            session.add(CourtFiling(
                account_id=acc.id, kind="court_order", filed_on=date(2026, 5, 4),
                first_period=date(2026, 3, 1), last_period=date(2026, 3, 1),
                amount=Decimal("2635.19"), court_code="62MS0002", case_number=number,
                issued_on=date(2026, 5, 10), copy_received_on=date(2026, 6, 1),
                person_id=person_id))
        await session.commit()
    async with sessionmaker() as session:
        with pytest.raises(BadObjection, match="укажите, кто возражает"):
            await record_objection(session, "300300",
                                   Objection(date(2026, 6, 1), date(2026, 6, 5)))
        order = await record_objection(session, "300300", Objection(
            date(2026, 6, 1), date(2026, 6, 5), person_code="B"))
    assert order.case_number == "2-2/2026"
    response = await produce(sessionmaker, "300300", OnDemand.OBJECTION_RESPONSE, tmp_path)
    assert [p.name for p in response.docx] == ["300300-2-otzyv.docx"]
    assert "с Зайцева Олега Ильича" in docx_text(response.docx[0])
    # Enforcement: the debtor who objected in time is refused, the other one's order is used.
    fssp = await produce(sessionmaker, "300300", OnDemand.FSSP, tmp_path)
    assert [p.name for p in fssp.docx] == ["300300-1-fssp.docx"]
    assert "по делу № 2-1/2026" in docx_text(fssp.docx[0])
    [refused] = fssp.refused
    assert refused.debtor == "Зайцев Олег Ильич"
    assert any("возражения в срок" in f for f in refused.fields)
