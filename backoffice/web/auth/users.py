"""Creating users and checking their passwords (argon2id) and API tokens."""
from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.building import Building
from models.column_types import utc_now
from models.user import CourierRoute, Role, User, WebSession

_HASHER = PasswordHasher()
# Verified against when the login is unknown, so both cases take the same time.
_DUMMY_HASH = _HASHER.hash("vozvrat-no-such-user")
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True, slots=True)
class CurrentUser:
    id: int
    login: str
    role: Role
    full_name: str

    @classmethod
    def of(cls, user: User) -> CurrentUser:
        return cls(user.id, user.login, Role(user.role), user.full_name)


class UserError(ValueError):
    """A user that cannot be created as asked (the message is for people, in Russian)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"пароль короче {MIN_PASSWORD_LENGTH} символов")
    return _HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def save_user(session: AsyncSession, login: str, role: Role, password: str,
                    full_name: str = "") -> User:
    """Create the user, or reset the password, role and name of an existing one."""
    password_hash = await asyncio.to_thread(hash_password, password)
    user = (await session.scalars(select(User).where(User.login == login))).first()
    if user is None:
        user = User(login=login, role=role.value, password_hash=password_hash,
                    full_name=full_name, active=True)
        session.add(user)
    else:
        user.role, user.password_hash, user.active = role.value, password_hash, True
        user.full_name = full_name or user.full_name
        # A new password logs the user out everywhere: whoever knew the old one is out too.
        await revoke_sessions(session, user.id)
    await session.flush()
    return user


async def disable_user(session: AsyncSession, login: str) -> bool:
    """Bar the user from logging in and end their open sessions; False if there is no such user."""
    user = (await session.scalars(select(User).where(User.login == login))).first()
    if user is None:
        return False
    user.active = False
    user.api_token_hash = None
    await revoke_sessions(session, user.id)
    await session.flush()
    return True


async def authenticate(session: AsyncSession, login: str, password: str) -> CurrentUser | None:
    user = (await session.scalars(
        select(User).where(User.login == login, User.active.is_(True)))).first()
    # argon2 costs tens of milliseconds of CPU: a thread, so other requests are not held up.
    ok = await asyncio.to_thread(_verify, user.password_hash if user else _DUMMY_HASH, password)
    return CurrentUser.of(user) if user and ok else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(session: AsyncSession, user: User) -> str:
    """A new API token for the user (the old one stops working); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    user.api_token_hash = _token_hash(token)
    await session.flush()
    return token


# Every request looks its user up: the four columns, not a User object (cheaper to load).
_CURRENT_USER = select(User.id, User.login, User.role, User.full_name)


def _current_user(row: Any) -> CurrentUser | None:
    return CurrentUser(row.id, row.login, Role(row.role), row.full_name) if row else None


async def user_by_token(session: AsyncSession, token: str) -> CurrentUser | None:
    return _current_user((await session.execute(_CURRENT_USER.where(
        User.api_token_hash == _token_hash(token), User.active.is_(True)))).first())


async def start_session(session: AsyncSession, user_id: int, lifetime: timedelta) -> str:
    """A new server-side session for the user; the returned id goes into the (encrypted) cookie.
    The user's expired sessions are swept here, so the table stays as small as the live ones."""
    session_id = secrets.token_urlsafe(32)
    await session.execute(delete(WebSession).where(
        WebSession.user_id == user_id, WebSession.created_at < utc_now() - lifetime))
    session.add(WebSession(id_hash=_token_hash(session_id), user_id=user_id))
    await session.flush()
    return session_id


async def user_by_session(session: AsyncSession, session_id: str,
                          lifetime: timedelta) -> CurrentUser | None:
    return _current_user((await session.execute(
        _CURRENT_USER.join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.id_hash == _token_hash(session_id), User.active.is_(True),
               WebSession.created_at >= utc_now() - lifetime))).first())


async def end_session(session: AsyncSession, session_id: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.id_hash == _token_hash(session_id)))


async def revoke_sessions(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(WebSession).where(WebSession.user_id == user_id))


async def assign_buildings(session: AsyncSession, courier: User, codes: list[str]) -> list[str]:
    """Move these buildings to the courier's route (a building has one courier); the codes
    that name no building are returned and nothing is changed then."""
    buildings = {b.code: b for b in await session.scalars(select(Building).where(Building.code.in_(codes)))}
    unknown = [code for code in codes if code not in buildings]
    if unknown:
        return unknown
    for building in buildings.values():
        route = (await session.scalars(
            select(CourierRoute).where(CourierRoute.building_id == building.id))).first()
        if route is None:
            session.add(CourierRoute(user_id=courier.id, building_id=building.id))
        else:
            route.user_id = courier.id
    await session.flush()
    return []
