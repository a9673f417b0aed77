from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from backoffice.legal.liability import OwnerRow, share_of, split_liability


def test_shares_a_minor_and_a_parent_who_also_owns() -> None:
    split = split_liability([
        OwnerRow(1, "shared", Fraction(1, 2)),
        OwnerRow(2, "shared", Fraction(1, 4)),
        OwnerRow(3, "shared", Fraction(1, 4), is_minor=True, representatives=(1, 4)),
        OwnerRow(5, "family", Fraction(1)),
    ])
    assert split.problems == ()
    by_person = {d.person_ids: d for d in split.debtors}
    assert set(by_person) == {(1,), (2,), (4,)}
    assert by_person[(1,)].share == Fraction(5, 8)
    assert [p.minor_id for p in by_person[(1,)].parts] == [None, 3]
    assert by_person[(4,)].share == Fraction(1, 8)
    assert by_person[(2,)].share == Fraction(1, 4)


def test_joint_owners_are_one_application_jointly() -> None:
    split = split_liability([OwnerRow(7, "joint", Fraction(1)), OwnerRow(8, "joint", Fraction(1))])
    [debtor] = split.debtors
    assert debtor.person_ids == (7, 8) and debtor.jointly and debtor.share == 1
    assert split.problems == ()


def test_problems_a_lawyer_must_resolve() -> None:
    assert "без законных представителей" in split_liability(
        [OwnerRow(1, "shared", Fraction(1), is_minor=True)]).problems[0]
    assert split_liability([OwnerRow(1, "shared", Fraction(1, 2))]).problems == (
        "доли собственников в сумме 1/2, а не 1",)
    assert split_liability([]).problems == ("у лицевого счёта нет собственников",)


def test_share_of_rounds_to_kopecks() -> None:
    assert share_of(Decimal("100.00"), Fraction(1, 3)) == Decimal("33.33")
    assert share_of(Decimal("100.00"), Fraction(2, 3)) == Decimal("66.67")
