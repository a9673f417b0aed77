"""Russian personal names in grammatical cases for court papers («взыскать с Петровой Анны
Сергеевны»).

pytrovich (a port of the petrovich rules) declines each part; it needs the bearer's gender, which
it guesses from the first name and patronymic. A name it cannot tell the gender of is left in the
nominative rather than declined wrongly: a clerk reads an undeclined name, but a wrongly declined
surname is a different person.
"""
from __future__ import annotations

from enum import StrEnum
from functools import cache

from pytrovich.detector import PetrovichGenderDetector
from pytrovich.enums import Case as PetrovichCase
from pytrovich.enums import Gender as PetrovichGender
from pytrovich.enums import NamePart
from pytrovich.maker import PetrovichDeclinationMaker


class GrammaticalCase(StrEnum):
    NOMINATIVE = "nominative"
    GENITIVE = "genitive"
    DATIVE = "dative"
    ACCUSATIVE = "accusative"
    INSTRUMENTAL = "instrumental"
    PREPOSITIONAL = "prepositional"


_CASES = {
    GrammaticalCase.GENITIVE: PetrovichCase.GENITIVE,
    GrammaticalCase.DATIVE: PetrovichCase.DATIVE,
    GrammaticalCase.ACCUSATIVE: PetrovichCase.ACCUSATIVE,
    GrammaticalCase.INSTRUMENTAL: PetrovichCase.INSTRUMENTAL,
    GrammaticalCase.PREPOSITIONAL: PetrovichCase.PREPOSITIONAL,
}


@cache
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


@cache
def _detector() -> PetrovichGenderDetector:
    return PetrovichGenderDetector()


@cache
def full_name_in(case: GrammaticalCase, last: str, first: str, middle: str = "") -> str:
    """«Петрова Анна Сергеевна» in ``case``; the nominative if the gender cannot be told."""
    parts = [(NamePart.LASTNAME, last), (NamePart.FIRSTNAME, first),
             (NamePart.MIDDLENAME, middle)]
    if case is GrammaticalCase.NOMINATIVE:
        return " ".join(text for _, text in parts if text)
    try:
        gender = _detector().detect(firstname=first, middlename=middle or None)
    except (KeyError, ValueError):
        gender = PetrovichGender.ANDROGYNOUS
    if gender is PetrovichGender.ANDROGYNOUS:
        return " ".join(text for _, text in parts if text)
    maker = _maker()
    return " ".join(maker.make(part, gender, _CASES[case], text) for part, text in parts if text)
