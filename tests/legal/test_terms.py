from __future__ import annotations

from datetime import date

import pytest

from backoffice.legal.terms import objection_deadline


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (date(2026, 6, 1), date(2026, 6, 16)),  # 12.06 (Russia Day) is skipped
        # 31.12.2026 is a transferred day off and 01–08.01.2027 are holidays.
        (date(2026, 12, 25), date(2027, 1, 19)),
        (date(2026, 3, 6), date(2026, 3, 23)),  # received on a Friday; 09.03 a day off
    ],
)
def test_objection_deadline_counts_working_days(received: date, deadline: date) -> None:
    assert objection_deadline(received) == deadline
