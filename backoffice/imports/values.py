"""Parsers for one cell each. They raise CellError with the reason in Russian, for the row report."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from models.contacts import is_valid_email, normalise_phone
from models.enums import DebtorKind, OwnershipKind
from models.identifiers import digits_of, format_snils, is_valid_inn, is_valid_snils


class CellError(ValueError):
    """A value that cannot be accepted; the message is shown to the user."""


Cell = str | int | float | Decimal | date | datetime | None

_LIST_SEPARATORS = re.compile(r"[,|]")
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f")


def text(value: Cell) -> str:
    if value.__class__ is str:  # the CSV case, millions of times per import
        return value.strip()  # type: ignore[union-attr]
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Excel stores codes like 1001 as numbers; "1001.0" would never match the key.
        return str(int(value))
    return str(value).strip()


@lru_cache(maxsize=65536)
def _date_from_text(raw: str) -> date:
    try:
        if len(raw) == 10 and raw[2] == "." and raw[5] == ".":
            return date(int(raw[6:10]), int(raw[3:5]), int(raw[0:2]))
        if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
            return date(int(raw[0:4]), int(raw[5:7]), int(raw[8:10]))
        if len(raw) > 10 and raw[10] in " T":
            return _date_from_text(raw[:10])
    except ValueError:
        pass
    raise CellError(f"неверная дата «{raw}» (ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД)")


def a_date(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_from_text(text(value))


@lru_cache(maxsize=4096)
def _period_from_text(raw: str) -> date:
    try:
        if len(raw) == 7 and raw[2] == ".":
            return date(int(raw[3:7]), int(raw[0:2]), 1)
        if len(raw) == 7 and raw[4] == "-":
            return date(int(raw[0:4]), int(raw[5:7]), 1)
    except ValueError:
        pass
    try:
        return _date_from_text(raw).replace(day=1)
    except CellError:
        raise CellError(f"неверный период «{raw}» (ожидается ММ.ГГГГ или ГГГГ-ММ)") from None


def a_period(value: Cell) -> date:
    if isinstance(value, (date, datetime)):
        return a_date(value).replace(day=1)
    return _period_from_text(text(value))


KOPECK = Decimal("0.01")


def an_amount(value: Cell) -> Decimal:
    if isinstance(value, float):
        # Excel keeps money as binary floats; round-trip through repr gives the typed value.
        value = repr(value)
    raw = text(value)
    if not raw:
        raise CellError("не указана сумма")
    number = raw.replace(",", ".")
    if " " in number or "\u00a0" in number or "\u202f" in number:
        number = number.translate(_THOUSANDS)
    try:
        amount = Decimal(number)
    except InvalidOperation:
        raise CellError(f"неверная сумма «{raw}»") from None
    if not amount.is_finite():
        raise CellError(f"неверная сумма «{raw}»")
    rounded = amount.quantize(KOPECK)
    if rounded != amount:
        raise CellError(f"сумма «{raw}» точнее копейки")
    return rounded


def a_positive_amount(value: Cell) -> Decimal:
    amount = an_amount(value)
    if amount <= 0:
        raise CellError(f"сумма должна быть больше нуля, указано {amount}")
    return amount


def a_non_negative_amount(value: Cell) -> Decimal:
    amount = an_amount(value)
    if amount < 0:
        raise CellError(f"отрицательная сумма {amount}")
    return amount


def an_area(value: Cell) -> Decimal | None:
    if text(value) == "":
        return None
    try:
        area = an_amount(value)
    except CellError:
        raise CellError(f"неверная площадь «{text(value)}»") from None
    if area <= 0:
        raise CellError(f"площадь должна быть больше нуля, указано {area}")
    return area


_YES = {"да", "yes", "1", "true", "истина", "д", "y"}
_NO = {"нет", "no", "0", "false", "ложь", "н", "n"}


def a_flag(value: Cell, default: bool) -> bool:
    raw = text(value).lower()
    if raw == "":
        return default
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise CellError(f"ожидается «да» или «нет», указано «{raw}»")


def a_day_of_month(value: Cell) -> int | None:
    raw = text(value)
    if raw == "":
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 31:
        raise CellError(f"день месяца должен быть от 1 до 31, указано «{raw}»")
    return int(raw)


def a_share(value: Cell) -> Fraction:
    return _share_from_text(text(value).replace(",", "."))


@lru_cache(maxsize=1024)
def _share_from_text(raw: str) -> Fraction:
    # Fraction parses through a regular expression; the same few shares repeat in every file.
    if raw == "":
        return Fraction(1)
    try:
        share = Fraction(raw)
    except (ValueError, ZeroDivisionError):
        raise CellError(f"неверная доля «{raw}» (ожидается 1/3, 0.5 или 1)") from None
    if not 0 < share <= 1:
        raise CellError(f"доля должна быть больше 0 и не больше 1, указано «{raw}»")
    return share


def a_list(value: Cell) -> list[str]:
    return [item.strip() for item in _LIST_SEPARATORS.split(text(value)) if item.strip()]


def phones(value: Cell) -> list[str]:
    result: list[str] = []
    for item in a_list(value):
        number = normalise_phone(item)
        if number is None:
            raise CellError(f"неверный номер телефона «{item}»")
        if number not in result:
            result.append(number)
    return result


def emails(value: Cell) -> list[str]:
    result: list[str] = []
    for item in a_list(value):
        if not is_valid_email(item):
            raise CellError(f"неверный адрес электронной почты «{item}»")
        if item.lower() not in result:
            result.append(item.lower())
    return result


def a_snils(value: Cell) -> str:
    raw = text(value)
    if raw == "":
        return ""
    if not is_valid_snils(raw):
        raise CellError(f"неверный СНИЛС «{raw}» (11 цифр с контрольным числом)")
    return format_snils(raw)


def an_inn(value: Cell) -> str:
    raw = text(value)
    if raw == "":
        return ""
    if not is_valid_inn(raw):
        raise CellError(f"неверный ИНН «{raw}» (10 или 12 цифр с контрольными разрядами)")
    return raw


def a_passport(value: Cell) -> str:
    raw = text(value)
    if raw == "":
        return ""
    digits = digits_of(raw)
    if len(digits) != 10:
        raise CellError(f"неверный паспорт «{raw}» (серия 4 цифры и номер 6 цифр)")
    return f"{digits[:4]} {digits[4:]}"


def _digits_only(value: Cell, count: int, what: str) -> str:
    """Exactly ``count`` digits, spaces allowed between them; "" for an empty cell."""
    raw = text(value)
    compact = raw.replace(" ", "")
    if compact and (len(compact) != count or not compact.isdigit() or not compact.isascii()):
        raise CellError(f"неверный {what} «{raw}» ({count} цифр)")
    return compact


def a_bik(value: Cell) -> str:
    return _digits_only(value, 9, "БИК")


def a_bank_account(value: Cell) -> str:
    return _digits_only(value, 20, "номер счёта")


_DEBTOR_KINDS = {
    "": DebtorKind.INDIVIDUAL,
    "individual": DebtorKind.INDIVIDUAL,
    "физлицо": DebtorKind.INDIVIDUAL,
    "физическое лицо": DebtorKind.INDIVIDUAL,
    "budget": DebtorKind.BUDGET,
    "бюджет": DebtorKind.BUDGET,
    "бюджетная организация": DebtorKind.BUDGET,
    "business": DebtorKind.BUSINESS,
    "юрлицо": DebtorKind.BUSINESS,
    "юридическое лицо": DebtorKind.BUSINESS,
}

_OWNERSHIP_KINDS = {
    "": OwnershipKind.SHARED,
    "shared": OwnershipKind.SHARED,
    "долевая": OwnershipKind.SHARED,
    "joint": OwnershipKind.JOINT,
    "совместная": OwnershipKind.JOINT,
    "family": OwnershipKind.FAMILY,
    "член семьи": OwnershipKind.FAMILY,
}


def a_debtor_kind(value: Cell) -> str:
    raw = text(value).lower()
    if raw not in _DEBTOR_KINDS:
        raise CellError(f"неизвестный тип должника «{raw}» (физлицо, бюджет или юрлицо)")
    return _DEBTOR_KINDS[raw].value


def an_ownership_kind(value: Cell) -> str:
    raw = text(value).lower()
    if raw not in _OWNERSHIP_KINDS:
        raise CellError(f"неизвестный вид собственности «{raw}» (долевая, совместная, член семьи)")
    return _OWNERSHIP_KINDS[raw].value


def a_timezone(value: Cell) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    raw = text(value)
    if raw == "":
        return "Europe/Moscow"
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise CellError(f"неизвестный часовой пояс «{raw}» (например, Europe/Moscow)") from None
    return raw
