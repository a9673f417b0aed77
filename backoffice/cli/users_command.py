"""``vozvrat users add LOGIN --role ROLE`` and ``vozvrat users token LOGIN``: backoffice users."""
from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import select

from backoffice.cli.common import add_database_option, open_database
from backoffice.web.auth.users import (
    UserError,
    assign_buildings,
    disable_user,
    issue_token,
    save_user,
)
from models.db import make_sessionmaker
from models.user import Role, User


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = subparsers.add_parser("users", help="backoffice users")
    commands = users.add_subparsers(dest="users_command", required=True)
    add = commands.add_parser(
        "add", help="create a user (or reset their password); the password is read from stdin "
                    "or asked for twice on a terminal")
    add.add_argument("login")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--name", default="", help="full name shown in the pages")
    add_database_option(add)
    add.set_defaults(func=_add)
    token = commands.add_parser("token", help="issue a new API token for a user (printed once)")
    token.add_argument("login")
    add_database_option(token)
    token.set_defaults(func=_token)
    disable = commands.add_parser("disable", help="bar a user from logging in and end their sessions")
    disable.add_argument("login")
    add_database_option(disable)
    disable.set_defaults(func=_disable)
    route = commands.add_parser("route", help="give a courier the notices of these buildings")
    route.add_argument("login")
    route.add_argument("--building", action="append", required=True, help="building code (repeatable)")
    add_database_option(route)
    route.set_defaults(func=_route)


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Пароль: ")
    if first != getpass.getpass("Пароль ещё раз: "):
        raise UserError("пароли не совпадают")
    return first


async def _add(args: argparse.Namespace) -> int:
    try:
        password = _read_password()
        engine = await open_database(args)
        try:
            async with make_sessionmaker(engine).begin() as session:
                await save_user(session, args.login, Role(args.role), password, args.name)
        finally:
            await engine.dispose()
    except UserError as exc:
        print(f"пользователь не создан: {exc}", file=sys.stderr)
        return 2
    print(f"пользователь {args.login} ({args.role}) сохранён")
    return 0


async def _token(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine).begin() as session:
            user = (await session.scalars(select(User).where(User.login == args.login))).first()
            if user is None:
                print(f"пользователя {args.login} нет", file=sys.stderr)
                return 2
            token = await issue_token(session, user)
    finally:
        await engine.dispose()
    print(token)
    return 0


async def _disable(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine).begin() as session:
            found = await disable_user(session, args.login)
    finally:
        await engine.dispose()
    if not found:
        print(f"пользователя {args.login} нет", file=sys.stderr)
        return 2
    print(f"пользователь {args.login} отключён, его сеансы завершены")
    return 0


async def _route(args: argparse.Namespace) -> int:
    engine = await open_database(args)
    try:
        async with make_sessionmaker(engine).begin() as session:
            user = (await session.scalars(select(User).where(User.login == args.login))).first()
            if user is None or user.role != Role.COURIER.value:
                print(f"курьера {args.login} нет", file=sys.stderr)
                return 2
            unknown = await assign_buildings(session, user, args.building)
    finally:
        await engine.dispose()
    if unknown:
        print(f"нет домов с кодами: {', '.join(unknown)}", file=sys.stderr)
        return 2
    print(f"курьеру {args.login} назначены дома: {', '.join(args.building)}")
    return 0
