"""`kiosk users`: the staff accounts for the staff mode, adding one and setting a new PIN."""

from __future__ import annotations

import argparse
import getpass
import sys

from kiosk.app.cli.arguments import Subcommands
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.errors import InvalidValue
from kiosk.domain.staff import Role
from kiosk.language.catalogue import Texts


def add_commands(commands: Subcommands, texts: Texts) -> None:
    users = commands.add_parser("users", help=texts["cli_help_users"])
    user_commands = users.add_subparsers(dest="users_command", metavar=texts["cli_metavar_action"])
    users.set_defaults(handler=_list)
    add_user = user_commands.add_parser("add", help=texts["cli_help_users_add"])
    add_user.add_argument("name", metavar=texts["cli_metavar_name"])
    add_user.add_argument("--role", choices=[role.value for role in Role], required=True)
    add_user.add_argument("--pin-stdin", action="store_true", help=texts["cli_help_pin_stdin"])
    add_user.set_defaults(handler=_add)
    passwd = user_commands.add_parser("passwd", help=texts["cli_help_users_passwd"])
    passwd.add_argument("name", metavar=texts["cli_metavar_name"])
    passwd.add_argument("--pin-stdin", action="store_true", help=texts["cli_help_pin_stdin"])
    passwd.set_defaults(handler=_passwd)


def _list(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    for account in build_services(settings).staff.accounts():
        locked = (
            "  " + texts.format("cli_locked_until", until=f"{account.locked_until:%Y-%m-%d %H:%M}")
            if account.locked_until
            else ""
        )
        print(f"{account.name:<30} {account.role.value}{locked}")
    return EXIT_OK


def _add(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    staff = build_services(settings).staff
    account = staff.add(args.name, Role(args.role), _new_pin(args.pin_stdin, texts))
    print(texts.format("cli_user_added", name=account.name, role=account.role.value))
    return EXIT_OK


def _passwd(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    build_services(settings).staff.change_pin(args.name, _new_pin(args.pin_stdin, texts))
    print(texts.format("cli_pin_changed", name=args.name))
    return EXIT_OK


def _new_pin(from_stdin: bool, texts: Texts) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    pin = getpass.getpass(texts["cli_new_pin"])
    if getpass.getpass(texts["cli_repeat_pin"]) != pin:
        raise InvalidValue(texts["cli_pins_differ"])
    return pin
