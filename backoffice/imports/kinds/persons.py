"""persons: debtors' identity and contacts (key: person code)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import checks, values as v
from backoffice.imports.spec import Column, RecordKind, StagedRows, StagingTable, UpsertCounts
from backoffice.imports.upsert_sql import differs, sync_children, upsert

_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "birth_place", "snils", "inn",
           "passport", "address", "bank_name", "bik", "bank_account")

STAGING = StagingTable(
    "stg_person",
    (("code", "TEXT"), *((f, "DATE" if f == "birth_date" else "TEXT") for f in _FIELDS)),
    index=("code",),
)
PHONES = StagingTable("stg_person_phone", (("person_code", "TEXT"), ("number", "TEXT"),
                                           ("position", "INTEGER")), index=("person_code",))
EMAILS = StagingTable("stg_person_email", (("person_code", "TEXT"), ("address", "TEXT"),
                                           ("position", "INTEGER")), index=("person_code",))


def _optional_date(value: v.Cell) -> Any:
    return None if v.text(value) == "" else v.a_date(value)


COLUMNS = (
    Column("person_code", v.text, ("код лица", "код физлица", "код абонента"), required=True),
    Column("last_name", v.text, ("фамилия",), required=True),
    Column("first_name", v.text, ("имя",), required=True),
    Column("middle_name", v.text, ("отчество",)),
    Column("birth_date", _optional_date, ("дата рождения",)),
    Column("birth_place", v.text, ("место рождения",)),
    Column("snils", v.a_snils, ("СНИЛС",)),
    Column("inn", v.an_inn, ("ИНН",)),
    Column("passport", v.a_passport, ("паспорт", "паспорт серия номер")),
    Column("address", v.text, ("адрес регистрации", "адрес")),
    # The debtor's bank, for presenting a court order to it directly (229-ФЗ ст. 8).
    Column("bank_name", v.text, ("банк", "банк должника")),
    Column("bik", v.a_bik, ("БИК", "БИК банка")),
    Column("bank_account", v.a_bank_account, ("счёт должника", "расчётный счёт")),
    Column("phones", v.phones, ("телефоны", "телефон")),
    Column("emails", v.emails, ("email", "emails", "электронная почта", "e-mail")),
)


def _staged(row: dict[str, Any]) -> StagedRows:
    code = row["person_code"]
    yield 0, (code, *(row[f] for f in _FIELDS))
    for position, number in enumerate(row["phones"]):
        yield 1, (code, number, position)
    for position, address in enumerate(row["emails"]):
        yield 2, (code, address, position)


_PARENTS = f"SELECT p.id FROM person p JOIN {STAGING.name} s ON s.code = p.code"


async def _sync_contacts(conn: AsyncConnection, staging: StagingTable, target: str, key: str) -> None:
    listed = (f"SELECT p.id, c.{key}, c.position FROM {staging.name} c"
              " JOIN person p ON p.code = c.person_code")
    await sync_children(
        conn, target=target, parent_column="person_id", child_key=key, parents_sql=_PARENTS,
        listed_sql=f"SELECT p.id AS parent_id, c.{key} AS child FROM {staging.name} c"
                   " JOIN person p ON p.code = c.person_code",
    )
    # The valid flag is the campaigns' knowledge ("not this person's number"); keep it.
    await conn.exec_driver_sql(
        f"INSERT INTO {target} (person_id, {key}, position, valid) SELECT src.*, true FROM"
        f" ({listed}) AS src WHERE true ON CONFLICT (person_id, {key}) DO UPDATE SET"
        f" position = excluded.position"
        f" WHERE {differs(f'{target}.position', 'excluded.position', conn.dialect.name)}"
    )


async def _upsert(conn: AsyncConnection) -> UpsertCounts:
    counts = await upsert(
        conn, target="person", keys=("code",), values=_FIELDS, staging_table=STAGING.name,
        select_sql=f"SELECT code, {', '.join(_FIELDS)} FROM {STAGING.name}",
    )
    await _sync_contacts(conn, PHONES, "person_phone", "number")
    await _sync_contacts(conn, EMAILS, "person_email", "address")
    return counts


KIND = RecordKind(
    name="persons", title="физические лица", columns=COLUMNS, staging=(STAGING, PHONES, EMAILS),
    to_staged=_staged, upsert=_upsert, targets=("person", "person_phone", "person_email"),
    checks=(checks.repeated_key(STAGING.name, ("code",), "код лица"),),
)
