from __future__ import annotations

from pathlib import Path

import pytest

from backoffice.demo_data.addresses import CITY, REGION, STREETS
from backoffice.legal.courts import NoOffice, OfficeMatch, load_bailiffs, load_courts, load_district_courts
from backoffice.legal.courts.table import COLUMNS, DEFAULT_DIR

COURTS = load_courts()


def code(result: OfficeMatch | NoOffice) -> str:
    assert isinstance(result, OfficeMatch), result
    return result.office.code


BAILIFFS = load_bailiffs()
DISTRICT_COURTS = load_district_courts()


@pytest.mark.parametrize(("street", "_postcode"), STREETS)
def test_every_demo_street_and_house_has_exactly_one_court_and_bailiff(
    street: str, _postcode: str,
) -> None:
    for house in ("1", "2", "7А", "31/19", "5 корп. 2", "40", "41", "50", "51", "399"):
        magistrate = code(COURTS.find_parts(REGION, CITY, street, house))
        district = code(DISTRICT_COURTS.find_parts(REGION, CITY, street, house))
        code(BAILIFFS.find_parts(REGION, CITY, street, house))
        # Each magistrate district lies in its district court's judicial district.
        district_name = DISTRICT_COURTS.offices[district].name.split()[0][:-2]
        assert district_name in COURTS.offices[magistrate].name, (street, house)


@pytest.mark.parametrize(
    ("address", "department"),
    [
        ("390000, Рязанская обл., г. Рязань, ул. Ленина, д. 12, кв. 5", "62034"),
        ("г. Рязань, Московское шоссе, д. 41А", "62033"),
        ("г Рязань, ул Новоселов, 4", "62032"),
        ("390044, г. Рязань, Интернациональная ул., д. 3", "62031"),
    ],
)
def test_bailiff_department_by_residence(address: str, department: str) -> None:
    assert code(BAILIFFS.find_text(address)) == department


def test_an_address_no_bailiff_serves_is_not_guessed() -> None:
    result = BAILIFFS.find_text("390000, г. Рязань, ул. Неизвестная, д. 3")
    assert isinstance(result, NoOffice)
    assert result.reason == "адрес не найден в таблице отделов судебных приставов"


@pytest.mark.parametrize(
    ("street", "house", "district"),
    [
        ("ул. Ленина", "11", "62MS0001"),  # odd side
        ("ул. Ленина", "12", "62MS0002"),  # even side
        ("ул. Урицкого", "50", "62MS0001"),  # range edges
        ("ул. Урицкого", "51", "62MS0002"),
        ("Московское шоссе", "40", "62MS0005"),
        ("Московское шоссе", "41А", "62MS0006"),
        ("Первомайский проспект", "31/19", "62MS0003"),  # a corner house: its first number
    ],
)
def test_sides_and_ranges(street: str, house: str, district: str) -> None:
    assert code(COURTS.find_parts(REGION, CITY, street, house)) == district


@pytest.mark.parametrize(
    "address",
    [
        "390000, Рязанская область, г. Рязань, ул. Ленина, д. 12, кв. 5",
        "390000, Рязанская обл., г. Рязань, улица Ленина, дом 12",
        "г. Рязань, Ленина ул., д.12",
        "г Рязань, ул Ленина, 12",
    ],
)
def test_spellings_of_one_address(address: str) -> None:
    assert code(COURTS.find_text(address)) == "62MS0002"


def test_pr_t_and_prospekt_and_yo_are_the_same_street() -> None:
    assert code(COURTS.find_text("г. Рязань, пр-т Первомайский, д. 4")) == "62MS0004"
    assert code(COURTS.find_text("г. Рязань, ул. Новоселов, д. 4")) == "62MS0008"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("117036, г. Москва, ул. Профсоюзная, д. 3, кв. 4", "не найден"),
        ("390000, г. Рязань, ул. Неизвестная, д. 3", "не найден"),
        ("390000, г. Рязань, пр-т Ленина, д. 3", "не найден"),  # another kind of street
        ("390000, г. Рязань, ул. Ленина", "не удалось разобрать"),
        ("Рязань", "не удалось разобрать"),
    ],
)
def test_no_match_is_never_guessed(address: str, reason: str) -> None:
    result = COURTS.find_text(address)
    assert isinstance(result, NoOffice) and reason in result.reason
    assert result.address == address


def table_with(tmp_path: Path, *rows: str) -> Path:
    header = ",".join(COLUMNS)
    (tmp_path / "t.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return tmp_path


def test_overlapping_districts_are_ambiguous_not_guessed(tmp_path: Path) -> None:
    courts = load_courts(table_with(
        tmp_path,
        "Рязанская область,A1,Участок 1,адрес 1,г. Рязань,ул. Ленина,1,20,all",
        "Рязанская область,A2,Участок 2,адрес 2,г. Рязань,ул. Ленина,10,,even",
    ))
    assert code(courts.find_text("г. Рязань, ул. Ленина, д. 9")) == "A1"
    result = courts.find_text("г. Рязань, ул. Ленина, д. 12")
    assert isinstance(result, NoOffice) and "A1, A2" in result.reason


def test_malformed_tables_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="side must be"):
        load_courts(table_with(tmp_path, "Р обл,A1,У 1,а,г. Р,ул. Л,,,left"))
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(ValueError, match="house bound"):
        load_courts(table_with(other, "Р обл,A1,У 1,а,г. Р,ул. Л,1а,,all"))


def test_the_shipped_tables_are_the_default() -> None:
    assert sorted(p.name for p in DEFAULT_DIR.glob("*.csv")) == ["62_ryazanskaya_oblast.csv"]
    assert len(COURTS.offices) == 10
