"""Which magistrate hears a debtor: address normalisation and per-region district tables."""
from __future__ import annotations

from backoffice.legal.courts.table import (
    CourtMatch,
    CourtTable,
    MagistrateDistrict,
    NoCourt,
    load_courts,
)

__all__ = ["CourtMatch", "CourtTable", "MagistrateDistrict", "NoCourt", "load_courts"]
