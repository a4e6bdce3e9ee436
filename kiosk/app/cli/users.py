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


def add_commands(commands: Subcommands) -> None:
    users = commands.add_parser("users", help="staff accounts for the staff mode")
    user_commands = users.add_subparsers(dest="users_command", metavar="ACTION")
    users.set_defaults(handler=_list)
    add_user = user_commands.add_parser("add", help="add a staff account (asks for the PIN)")
    add_user.add_argument("name")
    add_user.add_argument("--role", choices=[role.value for role in Role], required=True)
    add_user.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    add_user.set_defaults(handler=_add)
    passwd = user_commands.add_parser("passwd", help="set a new PIN (also unlocks)")
    passwd.add_argument("name")
    passwd.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    passwd.set_defaults(handler=_passwd)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    for account in build_services(settings).staff.accounts():
        locked = (
            f"  locked until {account.locked_until:%Y-%m-%d %H:%M}" if account.locked_until else ""
        )
        print(f"{account.name:<30} {account.role.value}{locked}")
    return EXIT_OK


def _add(args: argparse.Namespace, settings: Settings) -> int:
    staff = build_services(settings).staff
    account = staff.add(args.name, Role(args.role), _new_pin(args.pin_stdin))
    print(f"added {account.name} ({account.role.value})")
    return EXIT_OK


def _passwd(args: argparse.Namespace, settings: Settings) -> int:
    build_services(settings).staff.change_pin(args.name, _new_pin(args.pin_stdin))
    print(f"PIN changed for {args.name}")
    return EXIT_OK


def _new_pin(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    pin = getpass.getpass("New PIN: ")
    if getpass.getpass("Repeat the PIN: ") != pin:
        raise InvalidValue("the two PINs differ")
    return pin
