"""A courier's result carries where it was recorded; no other channel's outcome may."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from campaigns.outcomes.report import GeoFix, OutcomeKind, OutcomeReport

HERE = GeoFix(latitude=54.6269, longitude=39.6916, accuracy_m=12.0)


def test_a_courier_result_keeps_its_location_in_the_outcome_data() -> None:
    report = OutcomeReport(kind=OutcomeKind.COURIER_MAILBOX, location=HERE)
    assert report.model_dump(mode="json", exclude_defaults=True)["location"] == {
        "latitude": 54.6269, "longitude": 39.6916, "accuracy_m": 12.0}


@pytest.mark.parametrize("kind", [OutcomeKind.ANSWERED, OutcomeKind.DELIVERED, OutcomeKind.MANUAL])
def test_other_outcomes_carry_no_location(kind: OutcomeKind) -> None:
    with pytest.raises(ValidationError, match="courier"):
        OutcomeReport(kind=kind, location=HERE)


@pytest.mark.parametrize("fix", [{"latitude": 90.5, "longitude": 0}, {"latitude": 0, "longitude": -181},
                                 {"latitude": 0, "longitude": 0, "accuracy_m": -1}])
def test_impossible_places_are_refused(fix: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        GeoFix.model_validate(fix)
