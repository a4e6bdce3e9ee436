"""`kiosk db upgrade` and `kiosk doctor`: the database schema and a check of everything set up."""

from __future__ import annotations

import argparse

from kiosk.app.cli.arguments import Subcommands
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_USER_ERROR
from kiosk.app.doctor import Outcome, run_checks
from kiosk.app.settings import Settings
from kiosk.app.wiring import database_engine
from kiosk.bundled_files import migrations_path
from kiosk.storage.database import describe
from kiosk.storage.schema_migration import upgrade_schema


def add_commands(commands: Subcommands) -> None:
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply pending migrations").set_defaults(
        handler=_db_upgrade
    )

    commands.add_parser("doctor", help="check settings, database and outside systems").set_defaults(
        handler=_doctor
    )


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = database_engine(settings.database)
    revision = upgrade_schema(engine, migrations_path())
    print(f"database {describe(engine)} is at schema {revision}")
    return EXIT_OK


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    results = run_checks(settings, args.config_path)
    width = max(len(result.name) for result in results)
    for result in results:
        print(f"{result.outcome.value:<4}  {result.name:<{width}}  {result.detail}")
    return EXIT_USER_ERROR if any(r.outcome is Outcome.FAIL for r in results) else EXIT_OK
