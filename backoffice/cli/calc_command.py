"""``vozvrat calc penalty|fee``: the legal calculators as a JSON contract for outside checks.

The contract (issue 8) is kept stable: ``calc penalty --input FILE`` reads
``{"as_of", "charges": [{"period", "amount"}], "payments": [{"date", "amount", "period"}]}``
and prints at least ``penalty``, ``debt`` and ``rows`` with amounts as decimal strings;
``calc fee --claim AMOUNT --kind court_order|lawsuit`` prints ``{"fee": "2750"}``.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from backoffice.legal.penalty import PenaltyCalculation, PenaltyPolicy, calculate_penalty
from backoffice.legal.settings import legal_settings, penalty_policy
from backoffice.legal.state_fee import FeeKind, NotEligibleForCourtOrder, state_fee
from models.ledger import ChargeRow, DueDateRule, LedgerPolicy, PaymentRow


class InputError(ValueError):
    """The input names what is wrong with it, for the user to fix."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calc = subparsers.add_parser("calc", help="legal calculators (JSON out)")
    calc_sub = calc.add_subparsers(dest="calc_command", required=True)
    penalty = calc_sub.add_parser(
        "penalty", help="penalty table (ЖК ст. 155 ч. 14) for charges and payments in a JSON file")
    penalty.add_argument("--input", required=True,
                         help='JSON file ("-" for standard input): {"as_of", "charges", "payments"}')
    penalty.set_defaults(func=run_penalty)
    fee = calc_sub.add_parser("fee", help="state fee (НК ст. 333.19) for a claim")
    fee.add_argument("--claim", required=True, help="claim amount in roubles, e.g. 150000.00")
    fee.add_argument("--kind", required=True, choices=[k.value for k in FeeKind])
    fee.set_defaults(func=run_fee)


def _fail(message: str) -> int:
    print(f"vozvrat calc: {message}", file=sys.stderr)
    return 2


def _amount(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise InputError(f"{where}: not an amount: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise InputError(f"{where}: not an amount: {value!r}")
    return amount


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{where}: not a date YYYY-MM-DD: {value!r}") from None


def _month(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise InputError(f"{where}: not a period YYYY-MM: {value!r}") from None


def parse_penalty_input(
    data: Any, policy: PenaltyPolicy
) -> tuple[date, list[ChargeRow], list[PaymentRow], int | None, PenaltyPolicy]:
    """The rows and options of a penalty request; optional ``due_day`` (the building's) and
    ``shift_to_working_day`` override the statutory defaults and the settings."""
    if not isinstance(data, dict):
        raise InputError("the input must be a JSON object")
    as_of = _date(data.get("as_of"), "as_of")
    charges = [
        ChargeRow(_month(c.get("period"), f"charges[{i}].period"), str(c.get("service", "")),
                  _amount(c.get("amount"), f"charges[{i}].amount"))
        for i, c in enumerate(data.get("charges") or [])
    ]
    payments = [
        PaymentRow(
            _date(p.get("date"), f"payments[{i}].date"),
            _amount(p.get("amount"), f"payments[{i}].amount"),
            _month(p["period"], f"payments[{i}].period") if p.get("period") else None,
            payment_id=str(p.get("id", i)),
        )
        for i, p in enumerate(data.get("payments") or [])
    ]
    due_day = data.get("due_day")
    if due_day is not None and (not isinstance(due_day, int) or not 1 <= due_day <= 31):
        raise InputError(f"due_day: not a day of a month: {due_day!r}")
    shift = data.get("shift_to_working_day")
    if shift is not None:
        if not isinstance(shift, bool):
            raise InputError(f"shift_to_working_day: not true or false: {shift!r}")
        policy = PenaltyPolicy(
            ledger=LedgerPolicy(due_dates=DueDateRule(shift_to_working_day=shift)),
            reference=policy.reference,
        )
    return as_of, charges, payments, due_day, policy


def penalty_json(result: PenaltyCalculation) -> dict[str, Any]:
    return {
        "as_of": result.as_of.isoformat(),
        "penalty": str(result.penalty),
        "debt": str(result.debt),
        "total": str(result.debt + result.penalty),
        "rows": [
            {
                "period": f"{row.period:%Y-%m}",
                "principal": str(row.principal),
                "from": row.starts.isoformat(),
                "to": row.ends.isoformat(),
                "days": row.days,
                "fraction": row.fraction,
                "rate": str(row.rate),
                "amount": str(row.amount),
                "note": row.note,
            }
            for row in result.rows
        ],
        "warnings": list(result.warnings),
    }


def run_penalty(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text("utf-8")
        data = json.loads(text)
        as_of, charges, payments, due_day, policy = parse_penalty_input(data, penalty_policy())
        result = calculate_penalty(charges, payments, as_of, policy=policy, due_day=due_day)
    except OSError as exc:
        return _fail(f"cannot read {args.input}: {exc.strerror}")
    except json.JSONDecodeError as exc:
        return _fail(f"{args.input} is not JSON: {exc}")
    except (InputError, LookupError, ValueError) as exc:
        return _fail(str(exc))
    print(json.dumps(penalty_json(result), ensure_ascii=False, indent=2))
    return 0


def run_fee(args: argparse.Namespace) -> int:
    try:
        claim = _amount(args.claim, "--claim")
        fee = state_fee(claim, args.kind, halve_rounded=legal_settings().halve_rounded_fee)
    except NotEligibleForCourtOrder as exc:
        return _fail(str(exc))
    except (InputError, ValueError) as exc:
        return _fail(str(exc))
    print(json.dumps({"fee": str(fee.fee)}))
    return 0
