"""Penalty vectors: every expected figure is worked out by hand in the comment beside it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from backoffice.legal.penalty import PenaltyPolicy, calculate_penalty
from models.ledger import DueDateRule, LedgerPolicy
from tests.ledger.rows import charge, day, month, pay

D = Decimal
UNSHIFTED = PenaltyPolicy(ledger=LedgerPolicy(due_dates=DueDateRule(shift_to_working_day=False)))


def table(result) -> list[tuple[str, str, int, str, str, str]]:
    return [
        (f"{r.starts:%d.%m.%Y}", f"{r.ends:%d.%m.%Y}", r.days, r.fraction, str(r.rate),
         str(r.amount))
        for r in result.rows
    ]


def test_domain_md_worked_example() -> None:
    result = calculate_penalty([charge("2026-03", "", "5000.00")], [], day("2026-08-31"))
    assert table(result) == [
        ("16.05.2026", "14.07.2026", 60, "1/300", "9.50", "95.00"),
        ("15.07.2026", "31.08.2026", 48, "1/130", "9.50", "175.38"),
    ]
    assert result.penalty == D("270.38")
    assert result.debt == D("5000.00")
    assert all(row.principal == D("5000.00") and row.period == month("2026-03")
               for row in result.rows)


@pytest.mark.parametrize(
    ("as_of", "penalty"),
    [
        ("2026-04-15", "0"),  # the due date itself
        ("2026-05-15", "0"),  # day 30: still free
        ("2026-05-16", "1.58"),  # day 31: 5000 × 9.5 % / 300 = 1.5833
        ("2026-07-14", "95.00"),  # day 90: 60 days at 1/300
        ("2026-07-15", "98.65"),  # day 91: + 5000 × 9.5 % / 130 = 3.6538
    ],
)
def test_band_edges(as_of: str, penalty: str) -> None:
    result = calculate_penalty([charge("2026-03", "", "5000.00")], [], day(as_of))
    assert result.penalty == D(penalty)
    bands = [row.fraction for row in result.rows]
    assert bands == {"0": [], "1.58": ["1/300"], "95.00": ["1/300"]}.get(
        penalty, ["1/300", "1/130"])


def test_partial_payments_on_different_dates_carry_their_own_days() -> None:
    result = calculate_penalty(
        [charge("2026-03", "", "5000.00")],
        [
            pay("2026-05-15", "500.00", "2026-03"),  # day 30: costs nothing
            pay("2026-05-20", "1500.00", "2026-03"),  # day 35: 5 days at 1/300
            pay("2026-08-01", "1000.00"),  # day 108, unnamed: goes to the only open period
        ],
        day("2026-08-31"),
    )
    assert table(result) == [
        # 1500 × 5 × 9.5 % / 300 = 2.375
        ("16.05.2026", "20.05.2026", 5, "1/300", "9.50", "2.38"),
        # 1000 × 60 × 9.5 % / 300 = 19.00; 1000 × 18 × 9.5 % / 130 = 13.1538
        ("16.05.2026", "14.07.2026", 60, "1/300", "9.50", "19.00"),
        ("15.07.2026", "01.08.2026", 18, "1/130", "9.50", "13.15"),
        # the unpaid 2000: 2000 × 60 × 9.5 % / 300 = 38.00; 2000 × 48 × 9.5 % / 130 = 70.1538
        ("16.05.2026", "14.07.2026", 60, "1/300", "9.50", "38.00"),
        ("15.07.2026", "31.08.2026", 48, "1/130", "9.50", "70.15"),
    ]
    assert [row.principal for row in result.rows] == [D("1500.00"), D("1000.00"),
                                                      D("1000.00"), D("2000.00"), D("2000.00")]
    assert result.penalty == D("142.68")
    assert result.debt == D("2000.00")


def test_an_unnamed_payment_pays_the_oldest_period_first() -> None:
    result = calculate_penalty(
        [charge("2026-02", "", "1000.00"), charge("2026-03", "", "1000.00")],
        [pay("2026-06-01", "1500.00")],
        day("2026-06-01"),
    )
    # February (due 16.03): 1000 paid on day 77 → 47 days at 1/300 = 14.8833.
    # March (due 15.04): 500 paid on day 47 → 17 days = 2.6917; 500 unpaid, same days = 2.6917.
    assert [(r.period, r.principal, r.days, r.amount) for r in result.rows] == [
        (month("2026-02"), D("1000.00"), 47, D("14.88")),
        (month("2026-03"), D("500.00"), 17, D("2.69")),
        (month("2026-03"), D("500.00"), 17, D("2.69")),
    ]
    assert result.debt == D("500.00")


def test_the_rate_is_the_one_on_the_payment_date() -> None:
    # January 2021, due 10.02.2021, paid in full on 01.06.2021 (key rate 5 % since 26.04.2021,
    # no cap in 2021): 13.03–11.05 60 days at 1/300 = 10.00; 12.05–01.06 21 days at 1/130
    # = 8.0769. Calculated later, in 2024, the rate stays the payment day's.
    result = calculate_penalty(
        [charge("2021-01", "", "1000.00")], [pay("2021-06-01", "1000.00")], day("2024-01-01"))
    assert table(result) == [
        ("13.03.2021", "11.05.2021", 60, "1/300", "5.00", "10.00"),
        ("12.05.2021", "01.06.2021", 21, "1/130", "5.00", "8.08"),
    ]
    assert result.debt == 0 and result.penalty == D("18.08")


def test_unpaid_debt_takes_the_calculation_dates_rate_capped() -> None:
    # January 2021 unpaid on 01.12.2024: key rate 21 %, capped at 9.5 % by decree №474.
    result = calculate_penalty([charge("2021-01", "", "1000.00")], [], day("2024-12-01"))
    assert {row.rate for row in result.rows} == {D("9.50")}
    assert all("474" in row.note for row in result.rows if row.amount)
    # Its days through 01.04–01.10.2022 fall in moratorium №497 (a charge from before April 2022).
    assert [(r.starts, r.ends) for r in result.rows if "497" in r.note] == [
        (date(2022, 4, 1), date(2022, 10, 1))]


def test_moratorium_424_edges() -> None:
    # December 2019, due 10.01.2020; day 31 = 10.02.2020, day 91 = 10.04.2020.
    charges = [charge("2019-12", "", "1000.00")]
    before = calculate_penalty(charges, [], day("2020-04-05"))
    first_day = calculate_penalty(charges, [], day("2020-04-06"))
    # 10.02–05.04 is 56 days at 6 % (key rate on both dates): 1000 × 56 × 6 % / 300 = 11.20.
    assert before.penalty == first_day.penalty == D("11.20")
    assert first_day.rows[-1].days == 1 and first_day.rows[-1].amount == 0
    assert "424" in first_day.rows[-1].note

    last_day = calculate_penalty(charges, [], day("2020-12-31"))
    after = calculate_penalty(charges, [], day("2021-01-01"))
    # On 31.12.2020 and 01.01.2021 the key rate is 4.25 %: 56 days = 7.9333.
    assert last_day.penalty == D("7.93")
    # 01.01.2021 is day 357: it costs 1000 × 4.25 % / 130 = 0.3269.
    assert table(after) == [
        ("10.02.2020", "05.04.2020", 56, "1/300", "4.25", "7.93"),
        ("06.04.2020", "09.04.2020", 4, "1/300", "4.25", "0.00"),
        ("10.04.2020", "31.12.2020", 266, "1/130", "4.25", "0.00"),
        ("01.01.2021", "01.01.2021", 1, "1/130", "4.25", "0.33"),
    ]


def test_moratorium_497_edges_and_only_for_charges_before_april_2022() -> None:
    february = [charge("2022-02", "", "1000.00")]  # due 10.03.2022, day 31 = 10.04.2022
    assert calculate_penalty(february, [], day("2022-10-01")).penalty == 0
    after = calculate_penalty(february, [], day("2022-10-02"))
    # 02.10.2022 is day 206, at 1/130 of 7.5 %: 0.5769.
    assert table(after)[-1] == ("02.10.2022", "02.10.2022", 1, "1/130", "7.50", "0.58")
    assert after.penalty == D("0.58")
    # The day before the moratorium: March 2022 was due 11.04.2022 (10.04 a Sunday), so nothing
    # was due at 1/300 yet; a January 2022 charge (due 10.02) had day 31 on 13.03.
    january = calculate_penalty([charge("2022-01", "", "1000.00")], [], day("2022-04-01"))
    # 13.03–31.03 = 19 days at 1/300 of min(9.5, 20) = 6.0167; 01.04 costs nothing.
    assert table(january) == [
        ("13.03.2022", "31.03.2022", 19, "1/300", "9.50", "6.02"),
        ("01.04.2022", "01.04.2022", 1, "1/300", "9.50", "0.00"),
    ]
    # April 2022 arose after the start: due 11.05.2022 (10.05 a holiday); day 31 = 11.06.2022.
    april = [charge("2022-04", "", "1000.00")]
    assert calculate_penalty(april, [], day("2022-06-10")).penalty == 0
    # 1000 × 9.5 % / 300 (key rate 11 % capped) = 0.3167
    assert calculate_penalty(april, [], day("2022-06-11")).penalty == D("0.32")


def test_due_day_change_of_2026_with_a_sunday_shift() -> None:
    # January 2026 is due on the 10th (10.02.2026): day 31 is 13.03.2026.
    january = [charge("2026-01", "", "1000.00")]
    assert calculate_penalty(january, [], day("2026-03-12")).penalty == 0
    assert calculate_penalty(january, [], day("2026-03-13")).penalty == D("0.32")
    # February 2026 is due on the 15th: 15.03.2026 is a Sunday, so 16.03; day 31 = 16.04.
    february = [charge("2026-02", "", "1000.00")]
    assert calculate_penalty(february, [], day("2026-04-15")).penalty == 0
    assert calculate_penalty(february, [], day("2026-04-16")).penalty == D("0.32")
    # With the shift off (the unsettled ГК ст. 193 point) day 31 is 15.04.
    unshifted = calculate_penalty(february, [], day("2026-04-15"), policy=UNSHIFTED)
    assert unshifted.penalty == D("0.32")


def test_weekend_due_date_moves_to_monday() -> None:
    # January 2024 is due 10.02.2024, a Saturday → Monday 12.02.2024; day 31 = 14.03.2024
    # (a leap February). 3000 × 9.5 % / 300 = 0.95 a day.
    january = [charge("2024-01", "", "3000.00")]
    assert calculate_penalty(january, [], day("2024-03-13")).penalty == 0
    assert calculate_penalty(january, [], day("2024-03-14")).penalty == D("0.95")
    # Unshifted, day 31 is 12.03.2024.
    assert calculate_penalty(january, [], day("2024-03-11"), policy=UNSHIFTED).penalty == 0
    assert calculate_penalty(january, [], day("2024-03-12"), policy=UNSHIFTED).penalty == D(
        "0.95")


def test_a_buildings_due_day_override() -> None:
    # Due day 25: March 2026 due 25.04.2026, a Saturday → 27.04.2026; day 31 = 28.05.2026.
    march = [charge("2026-03", "", "3000.00")]
    assert calculate_penalty(march, [], day("2026-05-27"), due_day=25).penalty == 0
    result = calculate_penalty(march, [], day("2026-05-28"), due_day=25)
    assert table(result) == [("28.05.2026", "28.05.2026", 1, "1/300", "9.50", "0.95")]


def test_periods_limit_the_table_but_payments_still_go_oldest_first() -> None:
    charges = [charge("2026-01", "", "1000.00"), charge("2026-02", "", "1000.00")]
    result = calculate_penalty(charges, [pay("2026-02-01", "1000.00")], day("2026-08-31"),
                               periods=[month("2026-02")])
    assert {row.period for row in result.rows} == {month("2026-02")}
    assert result.debt == D("1000.00")


def test_services_of_one_period_are_one_principal() -> None:
    one = calculate_penalty([charge("2026-03", "вода", "2000.00"),
                             charge("2026-03", "отопление", "3000.00")], [], day("2026-08-31"))
    assert one.penalty == D("270.38")
