"""One module per kind of record; ``KINDS`` is their dependency order."""
from __future__ import annotations

from backoffice.imports.kinds import (
    accounts,
    buildings,
    charges,
    creditors,
    ownership,
    payments,
    persons,
)
from backoffice.imports.spec import RecordKind

KINDS: tuple[RecordKind, ...] = (
    creditors.KIND,
    buildings.KIND,
    accounts.KIND,
    persons.KIND,
    ownership.KIND,
    charges.KIND,
    payments.KIND,
)
