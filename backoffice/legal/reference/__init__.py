"""Versioned reference data of the legal engine: key rates, rate caps, moratoriums.

The CSV files beside this module are data the user may update without code changes (or point
``[legal] reference_dir`` at a copy); :func:`load_reference` reads them once per process.
"""
from __future__ import annotations

from backoffice.legal.reference.tables import (
    KeyRateChange,
    Moratorium,
    RateCap,
    ReferenceData,
    load_reference,
)

__all__ = ["KeyRateChange", "Moratorium", "RateCap", "ReferenceData", "load_reference"]
