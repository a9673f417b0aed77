"""Places in and around Рязань: streets for the buildings, places of birth, other residences.

Street names are real; postal codes are plausible for each part of the city, not verified house
by house (the generated buildings are not real buildings anyway).
"""
from __future__ import annotations

import random
from itertools import accumulate

REGION = "Рязанская область"
CITY = "Рязань"
TIMEZONE = "Europe/Moscow"

# (street as the billing system writes it, postal code of that part of the city)
STREETS: tuple[tuple[str, str], ...] = (
    ("ул. Ленина", "390000"),
    ("Первомайский проспект", "390006"),
    ("ул. Есенина", "390046"),
    ("Московское шоссе", "390029"),
    ("ул. Гагарина", "390005"),
    ("ул. Каширина", "390013"),
    ("Касимовское шоссе", "390046"),
    ("ул. Новосёлов", "390048"),
    ("ул. Интернациональная", "390044"),
    ("ул. Бирюзова", "390047"),
    ("Михайловское шоссе", "390035"),
    ("ул. Советской Армии", "390013"),
    ("ул. Чкалова", "390039"),
    ("ул. Пушкина", "390006"),
    ("ул. Кальная", "390023"),
    ("ул. Мервинская", "390037"),
    ("ул. Крупской", "390044"),
    ("ул. Маяковского", "390006"),
    ("ул. Полетаева", "390000"),
    ("ул. Введенская", "390000"),
    ("ул. Свободы", "390006"),
    ("ул. Семинарская", "390000"),
    ("ул. Вокзальная", "390013"),
    ("ул. Зубковой", "390046"),
    ("проезд Шабулина", "390046"),
    ("ул. Костычева", "390044"),
    ("Славянский проспект", "390044"),
    ("Народный бульвар", "390023"),
    ("ул. Урицкого", "390006"),
    ("ул. Станкозаводская", "390037"),
    ("ул. Тимуровцев", "390048"),
    ("ул. Дзержинского", "390023"),
    ("ул. Циолковского", "390023"),
    ("ул. Островского", "390005"),
    ("ул. Шевченко", "390013"),
    ("ул. Фирсова", "390006"),
    ("ул. Большая", "390029"),
    ("ул. Октябрьская", "390006"),
)


def house_numbers(rng: random.Random, count: int) -> list[str]:
    """Distinct house numbers on one street as written in addresses: 12, 7А, 31/19, 5 корп. 2."""
    chosen: list[str] = []
    taken: set[str] = set()
    while len(chosen) < count:
        number = str(rng.randrange(1, 120 + 3 * count))
        roll = rng.random()
        if roll < 0.10:
            number += rng.choice("АБВ")
        elif roll < 0.18:
            number += f" корп. {rng.randrange(1, 4)}"
        elif roll < 0.22:
            number += f"/{rng.randrange(1, 60)}"
        if number not in taken:
            taken.add(number)
            chosen.append(number)
    return chosen


# Passport-style places of birth, weighted towards Рязань and its region.
_BIRTH_PLACES: tuple[tuple[str, int], ...] = (
    ("г. Рязань", 55),
    ("гор. Рязань", 4),
    ("с. Константиново Рыбновского р-на Рязанской обл.", 2),
    ("г. Касимов Рязанской обл.", 3),
    ("г. Скопин Рязанской обл.", 3),
    ("г. Сасово Рязанской обл.", 3),
    ("г. Ряжск Рязанской обл.", 2),
    ("г. Михайлов Рязанской обл.", 2),
    ("г. Шацк Рязанской обл.", 1),
    ("р.п. Шилово Рязанской обл.", 2),
    ("г. Спас-Клепики Рязанской обл.", 1),
    ("г. Рыбное Рязанской обл.", 2),
    ("с. Дядьково Рязанского р-на Рязанской обл.", 1),
    ("пос. Мурмино Рязанского р-на Рязанской обл.", 1),
    ("г. Москва", 5),
    ("г. Тула", 2),
    ("г. Липецк", 1),
    ("г. Тамбов", 1),
    ("г. Владимир", 1),
    ("г. Пенза", 1),
    ("г. Новомосковск Тульской обл.", 1),
    ("г. Караганда Казахской ССР", 1),
    ("г. Ташкент Узбекской ССР", 1),
)
_BIRTH_PLACE_NAMES = tuple(name for name, _ in _BIRTH_PLACES)
_BIRTH_PLACE_CUMULATIVE = tuple(accumulate(weight for _, weight in _BIRTH_PLACES))


def birth_place(rng: random.Random) -> str:
    return rng.choices(_BIRTH_PLACE_NAMES, cum_weights=_BIRTH_PLACE_CUMULATIVE)[0]


_ELSEWHERE = (
    "390000, Рязанская область, г. Рязань, ул. Ленина, д. {n}, кв. {f}",
    "390044, г. Рязань, ул. Интернациональная, д. {n}, кв. {f}",
    "390013, г. Рязань, ул. Вокзальная, д. {n}, кв. {f}",
    "390502, Рязанская обл., Рязанский р-н, с. Дядьково, ул. Центральная, д. {n}",
    "391300, Рязанская обл., г. Касимов, ул. Советская, д. {n}, кв. {f}",
    "391050, Рязанская обл., г. Скопин, ул. Пушкина, д. {n}",
    "117036, г. Москва, ул. Профсоюзная, д. {n}, кв. {f}",
    "141700, Московская обл., г. Долгопрудный, Лихачёвский пр-т, д. {n}, кв. {f}",
    "300041, г. Тула, пр-т Ленина, д. {n}, кв. {f}",
)


def residence_elsewhere(rng: random.Random) -> str:
    """A registration address away from the flat: landlords, owners who moved out."""
    return rng.choice(_ELSEWHERE).format(n=rng.randrange(1, 90), f=rng.randrange(1, 200))
