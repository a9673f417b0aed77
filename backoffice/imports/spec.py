"""How a kind of import record is described: its columns, staging tables, checks and upsert."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from backoffice.imports.values import Cell

# Staging rows end with these two columns so every check can point at the source line.
SOURCE_COLUMNS: tuple[tuple[str, str], ...] = (("src_file", "INTEGER"), ("src_line", "INTEGER"))


def normalise_header(name: str) -> str:
    """Header matching ignores case, spaces, _ - . / and ё/е, as the format doc promises."""
    lowered = name.strip().lower().replace("ё", "е")
    return "".join(ch for ch in lowered if ch not in " _-./\u00a0")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[Cell], Any]
    aliases: tuple[str, ...] = ()
    required: bool = False

    def header_names(self) -> set[str]:
        return {normalise_header(n) for n in (self.name, *self.aliases)}


@dataclass(frozen=True)
class StagingTable:
    name: str
    columns: tuple[tuple[str, str], ...]
    # Columns to index after loading, for the checks' joins on large imports.
    index: tuple[str, ...] = ()

    @property
    def all_columns(self) -> tuple[tuple[str, str], ...]:
        return self.columns + SOURCE_COLUMNS

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.all_columns]


@dataclass(frozen=True)
class Check:
    """A set-based validation: ``sql`` selects (src_file, src_line, detail) of bad staged rows."""

    sql: str
    message: Callable[[str], str]


@dataclass(frozen=True)
class UpsertCounts:
    staged: int = 0
    inserted: int = 0
    updated: int = 0

    @property
    def unchanged(self) -> int:
        return self.staged - self.inserted - self.updated


StagedRows = Iterable[tuple[int, tuple[Any, ...]]]
"""(staging table index, values without the source columns) produced from one parsed row."""


ReferenceMaps = Mapping[str, Mapping[str, int]]
"""Parsed column name → (natural key → id) of the table that column refers to."""


@dataclass(frozen=True)
class Reference:
    """A parsed column that names a row of another table, whose id the target stores."""

    table: str
    key: str
    # What the value is, for "неизвестный {what} «…»".
    what: str


@dataclass(frozen=True)
class DirectLoad:
    """How a kind loads straight into its empty target table (see direct_load)."""

    target: str
    columns: tuple[str, ...]
    # The parsed column that fills each target column, in the same order.
    fields: tuple[str, ...]
    # Parsed columns replaced by the id they refer to; their maps are loaded before streaming.
    references: Mapping[str, Reference]


@dataclass(frozen=True)
class RecordKind:
    name: str
    title: str
    columns: tuple[Column, ...]
    staging: tuple[StagingTable, ...]
    to_staged: Callable[[dict[str, Any]], StagedRows]
    upsert: Callable[[AsyncConnection], Any]
    checks: tuple[Check, ...] = ()
    # Checks that need Python (exact fractions), run over staged rows: returns bad rows.
    python_checks: tuple[Callable[[AsyncConnection], Any], ...] = field(default=())
    # The initial-load fast path, for the kinds that come by the million.
    direct: DirectLoad | None = None
    # Tables the upsert writes in bulk: while empty, their indexes and foreign keys are built
    # after it (deferred_indexes).
    targets: tuple[str, ...] = ()

    def required_headers(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def match_columns(self, header: Sequence[str]) -> dict[str, int] | None:
        """Column name → position in ``header``, or None if a required column is missing."""
        positions: dict[str, int] = {}
        normalised = [normalise_header(h) for h in header]
        for column in self.columns:
            names = column.header_names()
            for index, cell in enumerate(normalised):
                if cell in names:
                    positions[column.name] = index
                    break
        if all(c.name in positions for c in self.required_headers()):
            return positions
        return None
