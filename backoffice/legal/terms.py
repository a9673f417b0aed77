"""Procedural terms counted in working days by the production calendar."""
from __future__ import annotations

from datetime import date

from models.reference.production_calendar import ProductionCalendar, load_calendar

# ГПК ст. 128: objections within ten days of receiving the order's copy; ст. 107 ч. 3: terms in
# days count working days only.
OBJECTION_WORKING_DAYS = 10


def objection_deadline(received_on: date, calendar: ProductionCalendar | None = None) -> date:
    """The last day a debtor who received the court order on ``received_on`` may object."""
    return (calendar or load_calendar()).add_working_days(received_on, OBJECTION_WORKING_DAYS)
