"""People who use the backoffice, what they looked at, and which buildings a courier serves."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.column_types import UtcDateTime, utc_now


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    LAWYER = "lawyer"
    COURIER = "courier"


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    # argon2id, as produced by argon2-cffi's PasswordHasher (parameters are inside the string).
    password_hash: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the API token; tokens are random, so a fast hash is enough and lookups are exact.
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class WebSession(Base):
    """A logged-in browser: the cookie carries a random id whose hash is the key here, so logging
    out, a password change or disabling the user deletes the row and a copied cookie is dead."""

    __tablename__ = "web_session"

    # SHA-256 of the id in the cookie: a leaked table does not give live cookies away.
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class AuditEntry(Base):
    """A view of a debtor's personal data (or an action on it): who, what, when. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    user_login: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    # What was seen, e.g. "case:12", "account:1001".
    subject: Mapped[str] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(String(500), default="")
    remote: Mapped[str] = mapped_column(String(64), default="")


class CourierRoute(Base):
    """A building assigned to a courier: the courier's tasks are the courier attempts there."""

    __tablename__ = "courier_route"
    __table_args__ = (UniqueConstraint("building_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id", ondelete="CASCADE"))
