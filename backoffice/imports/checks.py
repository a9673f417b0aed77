"""Set-based checks that every kind reuses: repeated keys and unknown references."""
from __future__ import annotations

from collections.abc import Sequence

from backoffice.imports.spec import Check

# Detail of a repeated key: where its first occurrence is, as "file index:line".
DUPLICATE_PREFIX = "dup:"


def repeated_key(table: str, keys: Sequence[str], what: str) -> Check:
    partition = ", ".join(keys)
    sql = (
        "SELECT src_file, src_line, first_loc FROM ("
        f" SELECT src_file, src_line, ROW_NUMBER() OVER (PARTITION BY {partition}"
        " ORDER BY src_file, src_line) AS rn,"
        f" FIRST_VALUE('{DUPLICATE_PREFIX}' || CAST(src_file AS TEXT) || ':' || CAST(src_line AS TEXT))"
        f" OVER (PARTITION BY {partition} ORDER BY src_file, src_line) AS first_loc"
        f" FROM {table}) AS numbered WHERE rn > 1"
    )
    return Check(sql, lambda first: f"{what} повторяется в импорте (впервые: {first})")


def unknown_reference(
    table: str, column: str, target: str, target_column: str, what: str
) -> Check:
    sql = (
        f"SELECT s.src_file, s.src_line, s.{column} FROM {table} s"
        f" WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{target_column} = s.{column})"
    )
    return Check(sql, lambda value: unknown_reference_message(what, value))


def unknown_reference_message(what: str, value: str) -> str:
    return f"неизвестный {what} «{value}»"
