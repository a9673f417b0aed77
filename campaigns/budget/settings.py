"""Contact limits (230-ФЗ ст. 7) as settings, and which limits each channel counts against.

Read from the ``contact_limits`` section (``VOZVRAT_CONTACT_LIMITS_<KEY>`` overrides one key;
hours as ``"8,22"``). The defaults are the statutory maxima: a utility may be stricter, never
looser, so the settings exist to tighten them.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PositiveInt, field_validator

from models.config import load_section
from models.enums import Channel

# A voicemail the robot leaves is a voice message (230-ФЗ ст. 7 ч. 5), not a call; the channel has
# no member in models.enums.Channel yet, so its stored name is fixed here.
VOICE_MESSAGE = "voice_message"

Hours = tuple[int, int]


class ChannelClass(StrEnum):
    """The groups 230-ФЗ ст. 7 ч. 3–5 counts separately."""

    CALLS = "calls"  # телефонные переговоры, a robot's call included
    MESSAGES = "messages"  # текстовые и голосовые сообщения
    MEETINGS = "meetings"  # личные встречи: the courier's visit


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


CHANNEL_CLASSES: dict[str, ChannelClass] = {
    Channel.CALL.value: ChannelClass.CALLS,
    Channel.SMS.value: ChannelClass.MESSAGES,
    Channel.EMAIL.value: ChannelClass.MESSAGES,
    VOICE_MESSAGE: ChannelClass.MESSAGES,
    Channel.COURIER.value: ChannelClass.MEETINGS,
}


def channel_class(channel: str) -> ChannelClass:
    """The class ``channel`` is counted in; an unknown channel is an error, never "unlimited"."""
    try:
        return CHANNEL_CLASSES[channel]
    except KeyError:
        raise ValueError(f"channel {channel!r} has no contact limits defined") from None


def channels_of(cls: ChannelClass) -> tuple[str, ...]:
    return tuple(sorted(name for name, c in CHANNEL_CLASSES.items() if c is cls))


class ContactLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    calls_per_day: PositiveInt = 1
    calls_per_week: PositiveInt = 2
    calls_per_month: PositiveInt = 8
    messages_per_day: PositiveInt = 2
    messages_per_week: PositiveInt = 4
    messages_per_month: PositiveInt = 16
    # Personal meetings have no daily limit in 230-ФЗ ст. 7 ч. 3 п. 1, only these two.
    courier_per_week: PositiveInt = 1
    courier_per_month: PositiveInt = 4
    # Local hours [start, end): contact is allowed from start:00 up to, not including, end:00.
    working_day_hours: Hours = (8, 22)
    day_off_hours: Hours = (9, 20)
    # "rolling": a week is any 7 days and a month any 31 days before the contact; "calendar": the
    # ISO week (Mon–Sun) and the calendar month in the debtor's local time, the literal reading of
    # "в неделю/в месяц". Rolling is the default because it is never less strict: every calendar
    # week is one of the 7-day windows, and every calendar month (at most 31 days) fits in one of
    # the 31-day windows. A 30-day window would not: it lets a 31-day month hold 9 calls.
    window: Literal["rolling", "calendar"] = "rolling"

    @field_validator("working_day_hours", "day_off_hours", mode="before")
    @classmethod
    def _hours_from_text(cls, value: Any) -> Any:
        # Environment overrides arrive as text.
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(","))
        return value

    @field_validator("working_day_hours", "day_off_hours")
    @classmethod
    def _hours_in_a_day(cls, value: Hours) -> Hours:
        start, end = value
        if not 0 <= start < end <= 24:
            raise ValueError(f"hours must satisfy 0 <= start < end <= 24, got {start}–{end}")
        return value

    def caps(self, cls: ChannelClass) -> dict[Period, int]:
        """The limit per period for a channel class (periods without a limit are absent)."""
        if cls is ChannelClass.CALLS:
            return {Period.DAY: self.calls_per_day, Period.WEEK: self.calls_per_week,
                    Period.MONTH: self.calls_per_month}
        if cls is ChannelClass.MESSAGES:
            return {Period.DAY: self.messages_per_day, Period.WEEK: self.messages_per_week,
                    Period.MONTH: self.messages_per_month}
        return {Period.WEEK: self.courier_per_week, Period.MONTH: self.courier_per_month}


def contact_limits() -> ContactLimits:
    return load_section("contact_limits", ContactLimits)
