"""The `kiosk` command: the parser assembled from the command groups, and one clear line and a
non-zero exit code for every error."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from kiosk import __version__
from kiosk.app.cli import (
    customers,
    db,
    deliveries,
    emulator,
    invoices,
    outbox,
    payments,
    sync,
    users,
    window,
)
from kiosk.app.cli.exit_codes import (
    EXIT_BUG,
    EXIT_REJECTED,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    EXIT_USER_ERROR,
    fail,
)
from kiosk.app.logging_setup import configure_logging
from kiosk.app.settings import Settings, SettingsError, config_path_from, load_settings
from kiosk.domain.errors import DomainError
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

logger = logging.getLogger(__name__)

Command = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Billing kiosk for SAP Business One."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="settings file (TOML); default: $KIOSK_CONFIG"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also show informational log lines on stderr"
    )
    window.add_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # The order here is the order `kiosk --help` lists the commands in.
    db.add_commands(commands)
    invoices.add_commands(commands)
    emulator.add_commands(commands)
    deliveries.add_commands(commands)
    payments.add_commands(commands)
    customers.add_commands(commands)
    users.add_commands(commands)
    sync.add_commands(commands)
    outbox.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command, or open the kiosk window when none is given; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    config_path = config_path_from(args.config)
    try:
        settings = load_settings(config_path)
    except SettingsError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        if args.command is None and not args.smoke_test:
            from kiosk.app.gui import show_startup_error

            show_startup_error(str(error))  # the kiosk has no terminal to read stderr on
        return EXIT_USAGE
    args.config_path = config_path
    configure_logging(
        settings.logging.directory,
        level=settings.logging.level,
        stderr_level=logging.INFO if args.verbose else logging.WARNING,
        secrets=settings.secrets(),
    )
    handler: Command = args.handler
    try:
        return handler(args, settings)
    except DomainError as error:
        return fail(str(error), EXIT_USER_ERROR)
    except ExternalUnavailable as error:
        return fail(str(error), EXIT_UNAVAILABLE)
    except ExternalRejected as error:
        return fail(str(error), EXIT_REJECTED)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except BrokenPipeError:
        # The reader went away (`kiosk ... | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USER_ERROR
    except Exception:
        logger.exception("unexpected error in `kiosk %s`", args.command)
        log_hint = settings.logging.directory
        return fail(
            f"unexpected internal error; the details are in the log in {log_hint}", EXIT_BUG
        )
