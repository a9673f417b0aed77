"""Typed keys of what the application object carries for its handlers."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

SESSIONMAKER: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessionmaker")
# The ledger date of every page: the real date, or a pinned one for tests and demos.
TODAY: web.AppKey[Callable[[], date]] = web.AppKey("today")
# The importer writes through its own connection (one transaction for a whole import).
ENGINE: web.AppKey[AsyncEngine] = web.AppKey("engine")
# How long a login lasts, checked on the server as well as by the cookie's own age.
SESSION_LIFETIME: web.AppKey[timedelta] = web.AppKey("session_lifetime")
# The folder of the photos couriers attach to delivery results.
COURIER_PHOTOS: web.AppKey[Path] = web.AppKey("courier_photos")
