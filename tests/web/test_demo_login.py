"""``vozvrat demo`` leaves a usable backoffice: cases opened and a printed login for each role."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backoffice.cli.demo_command import create_demo_users
from backoffice.demo_data.flow import open_demo_cases
from backoffice.imports.pipeline import import_files
from backoffice.web.auth.users import authenticate
from models.entities import Case
from models.user import Role
from tests.imports.files import write_utility
from tests.web.world import CASES_AS_OF


async def test_demo_cases_and_printed_logins_work(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (await import_files(engine, [write_utility(tmp_path / "export")])).committed
    await open_demo_cases(engine, CASES_AS_OF)
    await create_demo_users(engine)
    await create_demo_users(engine)  # a restarted demo resets the passwords it prints
    printed = re.findall(r"логин (\w+)\s+пароль (\S+)", capsys.readouterr().out)
    logins = dict(printed[len(Role):])
    assert set(logins) == {role.value for role in Role}
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Case)) == 1
        for login, password in logins.items():
            user = await authenticate(session, login, password)
            assert user is not None and user.role == Role(login)
