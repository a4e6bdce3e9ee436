"""`kiosk db upgrade` and `kiosk doctor`: the database schema and a check of everything set up."""

from __future__ import annotations

import argparse

from kiosk.app.cli.arguments import Subcommands
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_USER_ERROR
from kiosk.app.doctor import Outcome, run_checks
from kiosk.app.settings import Settings
from kiosk.app.wiring import database_engine
from kiosk.bundled_files import migrations_path
from kiosk.language.catalogue import Texts
from kiosk.storage.database import describe
from kiosk.storage.schema_migration import upgrade_schema

_OUTCOME_KEYS = {
    Outcome.OK: "cli_doctor_ok",
    Outcome.WARN: "cli_doctor_warn",
    Outcome.FAIL: "cli_doctor_fail",
    Outcome.SKIPPED: "cli_doctor_skipped",
}


def add_commands(commands: Subcommands, texts: Texts) -> None:
    db = commands.add_parser("db", help=texts["cli_help_db"])
    db_commands = db.add_subparsers(
        dest="db_command", metavar=texts["cli_metavar_action"], required=True
    )
    db_commands.add_parser("upgrade", help=texts["cli_help_db_upgrade"]).set_defaults(
        handler=_db_upgrade
    )

    commands.add_parser("doctor", help=texts["cli_help_doctor"]).set_defaults(handler=_doctor)


def _db_upgrade(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    engine = database_engine(settings.database)
    try:
        revision = upgrade_schema(engine, migrations_path())
    finally:
        engine.dispose()
    print(texts.format("cli_db_upgraded", database=describe(engine), revision=revision))
    return EXIT_OK


def _doctor(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    results = run_checks(settings, args.config_path)
    outcomes = {outcome: texts[key] for outcome, key in _OUTCOME_KEYS.items()}
    # The outcome column fits the longest word of the language ("ok", "FAIL" ...).
    outcome_width = max(len(text) for text in outcomes.values())
    width = max(len(result.name) for result in results)
    for result in results:
        print(
            f"{outcomes[result.outcome]:<{outcome_width}}  {result.name:<{width}}  {result.detail}"
        )
    return EXIT_USER_ERROR if any(r.outcome is Outcome.FAIL for r in results) else EXIT_OK
