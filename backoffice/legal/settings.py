"""Settings of the legal engine (``[legal]`` in vozvrat.toml, ``VOZVRAT_LEGAL_<KEY>``).

The two points DOMAIN.md marks *unsettled* are here with its defaults, so a utility whose court
reads the law otherwise changes a setting, not code.
"""
from __future__ import annotations

from pydantic import BaseModel

from backoffice.legal.penalty import PenaltyPolicy
from backoffice.legal.reference import load_reference
from models.config import load_section
from models.ledger import DueDateRule, LedgerPolicy


class LegalSettings(BaseModel):
    # ГК ст. 193: a due date on a non-working day moves to the next working day (unsettled).
    shift_due_to_working_day: bool = True
    # НК ст. 52 п. 6 and ст. 333.19: halve the claim fee already rounded to roubles (unsettled);
    # False halves the exact fee and rounds after.
    halve_rounded_fee: bool = True
    # A folder with key_rate.csv, penalty_rate_caps.csv, moratoriums.csv; empty: the shipped ones.
    reference_dir: str = ""
    # A folder with per-region magistrate district CSV files; empty: the shipped ones.
    courts_dir: str = ""
    # A folder with per-region district court CSV files (lawsuits over 50 000 ₽); empty: shipped.
    district_courts_dir: str = ""
    # A folder with per-region bailiff department CSV files (229-ФЗ ст. 33); empty: shipped.
    bailiffs_dir: str = ""
    # A folder with the DOCX templates of the pack; empty: the shipped ones.
    templates_dir: str = ""


def legal_settings() -> LegalSettings:
    return load_section("legal", LegalSettings)


def penalty_policy(settings: LegalSettings | None = None) -> PenaltyPolicy:
    """The penalty policy the settings describe: due-date shift and reference files."""
    settings = settings or legal_settings()
    return PenaltyPolicy(
        ledger=LedgerPolicy(
            due_dates=DueDateRule(shift_to_working_day=settings.shift_due_to_working_day)
        ),
        reference=load_reference(settings.reference_dir or None),
    )
