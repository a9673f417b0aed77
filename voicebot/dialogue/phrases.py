"""The bot's Russian phrases, kept as data (phrases.yaml) so a manager can read and edit them."""
from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

PHRASES_FILE = Path(__file__).with_name("phrases.yaml")

# Every key the dialogue speaks, with the values it fills in: a file missing one, or using a
# value the dialogue never supplies, fails at load time rather than in the middle of a call.
REQUIRED: dict[str, frozenset[str]] = {
    "greeting": frozenset({"creditor"}),
    "identity_question": frozenset({"full_name"}),
    "identity_first": frozenset(),
    "who_is_calling_unconfirmed": frozenset({"creditor"}),
    "ask_handover": frozenset({"full_name"}),
    "waiting": frozenset(),
    "goodbye_stranger": frozenset(),
    "wrong_person": frozenset(),
    "callback_unconfirmed": frozenset(),
    "identity_failed": frozenset(),
    "disclosure": frozenset({"name", "creditor", "amount"}),
    "no_debt": frozenset({"name"}),
    "when_pay": frozenset(),
    "debt_keys": frozenset(),
    "amount": frozenset({"amount"}),
    "debt_details": frozenset({"periods", "services", "amount"}),
    "how_to_pay": frozenset({"payment"}),
    "who_is_calling": frozenset({"creditor"}),
    "ask_promise_date": frozenset(),
    "promise_past_date": frozenset(),
    "confirm_promise": frozenset({"date"}),
    "promise_taken": frozenset({"date"}),
    "promise_too_far": frozenset(),
    "promise_without_date": frozenset(),
    "dispute": frozenset({"creditor"}),
    "ask_callback_time": frozenset(),
    "callback_taken": frozenset({"moment"}),
    "callback_any_time": frozenset(),
    "stop_calls": frozenset(),
    "operator": frozenset({"creditor"}),
    "installment": frozenset(),
    "already_paid": frozenset(),
    "refuse_first": frozenset(),
    "refuse_final": frozenset(),
    "too_long": frozenset(),
    "reprompt": frozenset({"question"}),
    "close_with_sms": frozenset(),
    "keys_only": frozenset({"question"}),
    "handover_keys": frozenset(),
    "callback_keys": frozenset(),
    "nlu_down_close": frozenset({"creditor"}),
    "payment_details": frozenset({"creditor", "bank", "bik", "bank_account", "account"}),
    "payment_receipt": frozenset({"creditor", "account"}),
}


@dataclass(frozen=True)
class Phrases:
    texts: Mapping[str, str]

    def say(self, key: str, **values: str) -> str:
        return " ".join(self.texts[key].format_map(values).split())


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def load_phrases(path: Path = PHRASES_FILE) -> Phrases:
    texts = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(texts, dict):
        raise ValueError(f"{path}: expected a mapping of phrase names to texts")
    problems = [f"no phrase «{key}»" for key in REQUIRED if key not in texts]
    for key, allowed in REQUIRED.items():
        unknown = _fields(str(texts.get(key, ""))) - allowed
        if unknown:
            problems.append(f"«{key}» uses {sorted(unknown)}; allowed: {sorted(allowed)}")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return Phrases({key: str(texts[key]) for key in REQUIRED})
