"""`kiosk bounces check`: read the bounce mailbox once and record what came back."""

from __future__ import annotations

import argparse

from kiosk.app.cli.arguments import Subcommands, add_json_option
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.json_output import to_json
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.language.catalogue import Texts
from kiosk.services.bounces import BounceReport


def add_commands(commands: Subcommands, texts: Texts) -> None:
    bounces = commands.add_parser("bounces", help=texts["cli_bounce_help"])
    bounce_commands = bounces.add_subparsers(
        dest="bounces_command", metavar=texts["cli_metavar_action"], required=True
    )
    check = bounce_commands.add_parser("check", help=texts["cli_bounce_help_check"])
    add_json_option(check, texts)
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    report = services.bounces.check()
    if report.paper_copies:
        services.delivery.send_due()  # the bounced invoices' paper copies, where auto-printed
    if args.json:
        print(to_json(report.__dict__))
    else:
        print(bounce_summary(report, texts))
    return EXIT_OK


def bounce_summary(report: BounceReport, texts: Texts) -> str:
    return texts.format(
        "cli_bounce_summary",
        read=report.read,
        bounced=report.bounced,
        paper=report.back_to_paper,
        copies=report.paper_copies,
        delayed=report.delayed,
        left=report.left_alone,
    )
