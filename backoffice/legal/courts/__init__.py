"""Who serves a debtor's address — magistrate, district court, bailiff department: address
normalisation and per-region tables."""
from __future__ import annotations

from backoffice.legal.courts.table import (
    AreaTable,
    NoOffice,
    Office,
    OfficeMatch,
    load_bailiffs,
    load_courts,
    load_district_courts,
)

__all__ = ["AreaTable", "NoOffice", "Office", "OfficeMatch", "load_bailiffs", "load_courts",
           "load_district_courts"]
