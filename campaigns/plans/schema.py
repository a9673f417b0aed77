"""The shape of a work plan, validated when its YAML is loaded (so a bad plan never reaches a case)."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.enums import Channel, DebtorKind


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepConditions(_Strict):
    """A step runs only for cases that meet these (all optional); a due step waits for them
    until a later step on its channel falls due (campaigns.cases.steps)."""

    # On the case's debt snapshot (conditional debt).
    min_debt: Decimal | None = None
    # Wait until N whole days have passed since the debtor was last contacted on any channel.
    no_contact_days: int | None = Field(default=None, ge=1)


class Step(_Strict):
    # Short: it goes into the idempotency keys of the attempts it queues.
    code: str = Field(min_length=1, max_length=32)
    channel: Channel
    template: str
    # Days after the case entered the stage.
    day: int = Field(ge=0)
    conditions: StepConditions = StepConditions()
    # A step turned off (campaigns.plans.editing) stays in the plan, so it can be turned on again.
    enabled: bool = True


class Advance(_Strict):
    """When a case moves on from a stage to ``to``: after N days in it, if the debt is still this high."""

    to: str
    after_days: int = Field(ge=0)
    min_debt: Decimal = Decimal("0.01")


class Stage(_Strict):
    code: str
    name: str
    steps: tuple[Step, ...] = ()
    advance: Advance | None = None
    # Entering this stage hands the case to a lawyer (court, enforcement).
    escalate: bool = False

    @property
    def active_steps(self) -> tuple[Step, ...]:
        """The steps that run: those not turned off."""
        return tuple(step for step in self.steps if step.enabled)


class Entry(_Strict):
    """Which accounts get a case under this plan."""

    min_debt: Decimal = Field(gt=0)
    min_days_overdue: int = Field(ge=1)
    # Days after the debt forms (the oldest unpaid due date) before the plan starts.
    start_after_days: int = Field(default=0, ge=0)


class OutcomeSettings(_Strict):
    """Parameters of the outcome rules that a plan may tune."""

    promise_grace_days: int = Field(default=3, ge=0)
    listened_no_call_days: int = Field(default=7, ge=0)
    no_answer_limit: int = Field(default=3, ge=1)
    max_promise_days: int = Field(default=30, ge=1)


class PlanDefinition(_Strict):
    code: str
    version: int = Field(ge=1)
    name: str
    debtor_kind: DebtorKind
    master: bool = False
    entry: Entry
    stages: tuple[Stage, ...] = Field(min_length=1)
    outcomes: OutcomeSettings = OutcomeSettings()

    @model_validator(mode="after")
    def _stages_connect(self) -> PlanDefinition:
        codes = [stage.code for stage in self.stages]
        if len(set(codes)) != len(codes):
            raise ValueError("stage codes repeat")
        for stage in self.stages:
            if stage.advance and stage.advance.to not in codes:
                raise ValueError(f"stage {stage.code} advances to unknown stage {stage.advance.to}")
            step_codes = [step.code for step in stage.steps]
            if len(set(step_codes)) != len(step_codes):
                raise ValueError(f"step codes repeat in stage {stage.code}")
        return self

    def stage(self, code: str) -> Stage:
        for stage in self.stages:
            if stage.code == code:
                return stage
        raise KeyError(f"plan {self.code} v{self.version} has no stage {code}")

    @property
    def first_stage(self) -> Stage:
        return self.stages[0]
