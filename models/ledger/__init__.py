"""The debt ledger: due dates, payment allocation, balances, real and conditional debt.

Pure functions over plain rows (``inputs``), plus the async reader that feeds them from the
database (``bulk``).
"""

from __future__ import annotations

from models.ledger.account_ledger import (
    DEFAULT_POLICY,
    AccountLedger,
    DebtCriteria,
    LedgerLine,
    LedgerPolicy,
    build_ledger,
)
from models.ledger.allocation import Allocation, DueCharge, Overpayment, Placement, allocate
from models.ledger.bulk import account_ledger_for, iter_account_ledgers
from models.ledger.due_dates import DueDateRule, LimitationRule
from models.ledger.freezes import (
    DisputeFreeze,
    Freeze,
    FrozenBreakdown,
    InstalmentFreeze,
    PromiseFreeze,
    frozen_breakdown,
)
from models.ledger.inputs import ChargeRow, PaymentRow, kopecks

__all__ = [
    "DEFAULT_POLICY",
    "AccountLedger",
    "Allocation",
    "ChargeRow",
    "DebtCriteria",
    "DisputeFreeze",
    "DueCharge",
    "DueDateRule",
    "Freeze",
    "FrozenBreakdown",
    "InstalmentFreeze",
    "LedgerLine",
    "LedgerPolicy",
    "LimitationRule",
    "Overpayment",
    "PaymentRow",
    "Placement",
    "PromiseFreeze",
    "account_ledger_for",
    "allocate",
    "build_ledger",
    "frozen_breakdown",
    "iter_account_ledgers",
    "kopecks",
]
