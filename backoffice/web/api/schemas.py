"""Request bodies and query parameters of the API, as pydantic models (also the OpenAPI schemas)."""
from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from backoffice.web.cases.registry import RegistryRow
from campaigns.waves.segment import Segment
from models.enums import Channel


class WaveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    channel: Channel
    template: str = Field(min_length=1, max_length=100)
    step_code: str = ""
    segment: Segment = Segment()
    window_start: AwareDatetime
    window_end: AwareDatetime
    per_minute: int = Field(default=60, ge=1, le=100_000)
    max_concurrent: int = Field(default=10, ge=1, le=10_000)
    holdout_share: float = Field(default=0.0, ge=0, lt=1)


class AccountQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    after: str = Field(default="", description="the last account number of the previous page")
    limit: int = Field(default=100, ge=1, le=1000)


class AttemptQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_id: int | None = None
    wave_id: int | None = None
    status: str = ""
    before: int | None = Field(default=None, ge=1, description="the last id of the previous page")
    limit: int = Field(default=100, ge=1, le=1000)


class AttemptOut(BaseModel):
    id: int
    case_id: int
    wave_id: int | None
    channel: str
    address: str
    template: str
    status: str
    not_before: datetime
    finished_at: datetime | None
    outcome: str
    note: str


# The registry's rows as the API writes them (pydantic's JSON forms of amounts and times).
CASE_ROWS = TypeAdapter(list[RegistryRow])
