"""The building blocks: identifiers, names, households, tariffs."""
from __future__ import annotations

import random
from datetime import date
from fractions import Fraction

import pytest

from backoffice.demo_data.households import FAMILY, JOINT, TEMPLATES, Template, household
from backoffice.demo_data.identifiers import random_person_inn, random_snils
from backoffice.demo_data.names import feminine_surname, male_name
from backoffice.demo_data.periods import make_timeline
from backoffice.demo_data.tariffs import SERVICES, building_rates
from models.identifiers import is_valid_inn, is_valid_snils

AS_OF = date(2026, 5, 9)


def test_random_identifiers_pass_the_importers_checks() -> None:
    rng = random.Random(1)
    for _ in range(2000):
        snils = random_snils(rng)
        assert is_valid_snils(snils) and snils[:11].replace("-", "").isdigit()
        inn = random_person_inn(rng)
        assert is_valid_inn(inn) and inn.startswith("62") and len(inn) == 12


@pytest.mark.parametrize(("male", "female"), [
    ("Иванов", "Иванова"), ("Соловьёв", "Соловьёва"), ("Ильин", "Ильина"),
    ("Троицкий", "Троицкая"), ("Шевченко", "Шевченко"), ("Черных", "Черных"), ("Ким", "Ким"),
    ("Акопян", "Акопян"), ("Ковальчук", "Ковальчук"),
])
def test_feminine_surname(male: str, female: str) -> None:
    assert feminine_surname(male) == female


def test_patronymics_agree_with_gender() -> None:
    rng = random.Random(2)
    for year in (1940, 1970, 2000, 2015):
        for _ in range(200):
            name, son, daughter = male_name(rng, year)
            assert son.endswith("ич") and daughter.endswith("на"), name


@pytest.mark.parametrize("template", [t for t in Template if t is not Template.SECOND_FLAT])
def test_households_match_their_template(template: Template) -> None:
    for seed in range(300):
        home = household(random.Random(seed), template, "6200010001", 1, AS_OF)
        # The plan numbers person codes by this count before any household is drawn.
        assert len(home.persons) == TEMPLATES[template].new_persons
        codes = {p[0] for p in home.persons}
        total = Fraction(0)
        joint_counted = False
        for _, code, kind, share, minor, representatives in home.ownership:
            assert code in codes
            if kind == FAMILY:
                continue
            if kind == JOINT:
                if joint_counted:
                    continue
                joint_counted = True
            total += Fraction(share)
            if minor == "Да":
                assert set(representatives.split(", ")) <= codes - {code}
        assert 0 < total <= 1
        assert home.residents >= 1


def test_second_flat_reuses_the_owner() -> None:
    home = household(random.Random(1), Template.SECOND_FLAT, "6200010002", 5, AS_OF, "ФЛ-0000001")
    assert home.persons == []
    assert [row[1] for row in home.ownership] == ["ФЛ-0000001"]


def test_tariffs_rise_with_indexation_and_heat_only_in_season() -> None:
    timeline = make_timeline(AS_OF, 36)
    rates = building_rates(random.Random(3), timeline, SERVICES).per_period
    maintenance, heating = rates[0], rates[1]
    assert maintenance[-1] > maintenance[0] * 1.15  # July 2024 and July 2025 indexations
    for month, rate in zip(timeline.month_numbers, heating):
        assert (rate > 0) == (month in (10, 11, 12, 1, 2, 3, 4))
