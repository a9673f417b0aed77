"""ownership: who owes for an account and in what share (key: account + person).

An ownership file is the full list of owners of every account it mentions: an owner of such an
account who is no longer listed is removed (the flat was sold, a share inherited). Accounts the
file does not mention keep their owners.
"""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports import checks, values as v
from backoffice.imports.spec import Column, RecordKind, StagedRows, StagingTable, UpsertCounts
from backoffice.imports.upsert_sql import sync_children, upsert
from models.enums import OwnershipKind

STAGING = StagingTable(
    "stg_ownership",
    (("account_number", "TEXT"), ("person_code", "TEXT"), ("kind", "TEXT"),
     ("share_numerator", "INTEGER"), ("share_denominator", "INTEGER"), ("is_minor", "BOOLEAN")),
    index=("account_number", "person_code"),
)
REPRESENTATIVES = StagingTable(
    "stg_ownership_rep",
    (("account_number", "TEXT"), ("person_code", "TEXT"), ("representative_code", "TEXT")),
    index=("account_number", "person_code"),
)


def _minor(value: v.Cell) -> bool:
    return v.a_flag(value, default=False)


COLUMNS = (
    Column("account_number", v.text, ("лицевой счет", "ЛС", "номер ЛС"), required=True),
    Column("person_code", v.text, ("код лица", "код физлица", "код собственника"), required=True),
    Column("kind", v.an_ownership_kind, ("вид", "вид собственности", "вид права")),
    Column("share", v.a_share, ("доля", "доля в праве")),
    Column("minor", _minor, ("несовершеннолетний",)),
    Column("representatives", v.a_list, ("законные представители", "представители")),
)


def _staged(row: dict[str, Any]) -> StagedRows:
    share: Fraction = row["share"]
    if row["kind"] == OwnershipKind.FAMILY.value:
        share = Fraction(0)
    yield 0, (row["account_number"], row["person_code"], row["kind"], share.numerator,
              share.denominator, row["minor"])
    for code in row["representatives"]:
        yield 1, (row["account_number"], row["person_code"], code)


async def _shares_within_one(conn: AsyncConnection) -> list[tuple[int, int, str]]:
    """Shared shares plus the joint part (counted once) may not exceed the whole premises.

    Only accounts with several owners are read: one owner's share is within (0, 1] as parsed.
    """
    rows = await conn.exec_driver_sql(
        "SELECT account_number, kind, share_numerator, share_denominator, src_file, src_line"
        f" FROM {STAGING.name} WHERE account_number IN (SELECT account_number FROM {STAGING.name}"
        " GROUP BY account_number HAVING COUNT(*) > 1)"
    )
    shared: dict[str, Fraction] = defaultdict(Fraction)
    joint: dict[str, Fraction] = defaultdict(Fraction)
    lines: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for account, kind, numerator, denominator, src_file, src_line in rows:
        share = Fraction(numerator, denominator)
        if kind == OwnershipKind.SHARED.value:
            shared[account] += share
        elif kind == OwnershipKind.JOINT.value:
            joint[account] = max(joint[account], share)
        lines[account].append((src_file, src_line))
    bad: list[tuple[int, int, str]] = []
    for account, account_lines in lines.items():
        total = shared[account] + joint[account]
        if total > 1:
            message = f"доли собственников счёта {account} в сумме {total} — больше 1"
            bad.extend((src_file, src_line, message) for src_file, src_line in account_lines)
    return bad


_OWNERSHIP_IDS = (
    "SELECT o.id FROM ownership o JOIN account a ON a.id = o.account_id"
    " JOIN person p ON p.id = o.person_id"
    f" JOIN {STAGING.name} s ON s.account_number = a.number AND s.person_code = p.code"
)


async def _upsert(conn: AsyncConnection) -> UpsertCounts:
    counts = await upsert(
        conn, target="ownership", keys=("account_id", "person_id"), staging_table=STAGING.name,
        values=("kind", "share_numerator", "share_denominator", "is_minor"),
        select_sql=(
            "SELECT a.id, p.id, s.kind, s.share_numerator, s.share_denominator, s.is_minor"
            f" FROM {STAGING.name} s JOIN account a ON a.number = s.account_number"
            " JOIN person p ON p.code = s.person_code"
        ),
    )
    await sync_children(
        conn, target="ownership", parent_column="account_id", child_key="person_id",
        parents_sql=f"SELECT a.id FROM account a JOIN {STAGING.name} s ON s.account_number = a.number",
        listed_sql=(
            f"SELECT a.id AS parent_id, p.id AS child FROM {STAGING.name} s"
            " JOIN account a ON a.number = s.account_number JOIN person p ON p.code = s.person_code"
        ),
    )
    listed_representatives = (
        "SELECT o.id AS parent_id, rp.id AS child FROM ownership o"
        " JOIN account a ON a.id = o.account_id JOIN person p ON p.id = o.person_id"
        f" JOIN {REPRESENTATIVES.name} r ON r.account_number = a.number AND r.person_code = p.code"
        " JOIN person rp ON rp.code = r.representative_code"
    )
    await sync_children(
        conn, target="ownership_representative", parent_column="ownership_id",
        child_key="person_id", parents_sql=_OWNERSHIP_IDS, listed_sql=listed_representatives,
    )
    await conn.exec_driver_sql(
        "INSERT INTO ownership_representative (ownership_id, person_id)"
        f" SELECT * FROM ({listed_representatives}) AS src WHERE true"
        " ON CONFLICT (ownership_id, person_id) DO NOTHING"
    )
    return counts


KIND = RecordKind(
    name="ownership", title="собственники", columns=COLUMNS,
    staging=(STAGING, REPRESENTATIVES), to_staged=_staged, upsert=_upsert,
    targets=("ownership", "ownership_representative"),
    checks=(
        checks.repeated_key(STAGING.name, ("account_number", "person_code"), "собственник счёта"),
        checks.unknown_reference(STAGING.name, "account_number", "account", "number", "лицевой счёт"),
        checks.unknown_reference(STAGING.name, "person_code", "person", "code", "код лица"),
        checks.unknown_reference(REPRESENTATIVES.name, "representative_code", "person", "code",
                                 "код законного представителя"),
    ),
    python_checks=(_shares_within_one,),
)
