"""The `kiosk` command: the parser assembled from the command groups in the settings' language,
and one clear line and a non-zero exit code for every error."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.app.cli import (
    bounces,
    customers,
    db,
    deliveries,
    disputes,
    emulator,
    invoices,
    outbox,
    payments,
    report,
    serve_sync,
    sync,
    users,
    window,
)
from kiosk.app.cli.arguments import Command
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
from kiosk.app.wiring import close_built_services
from kiosk.domain.errors import DomainError
from kiosk.language.catalogue import DEFAULT_LANGUAGE, Texts
from kiosk.services.errors import ExternalRejected, ExternalUnavailable

logger = logging.getLogger(__name__)


def build_parser(texts: Texts) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=texts["cli_description"])
    parser.add_argument(
        "--version",
        action="version",
        version=f"kiosk {__version__}",
        help=texts["cli_help_version"],
    )
    parser.add_argument(
        "--config", metavar=texts["cli_metavar_path"], help=texts["cli_help_config"]
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=texts["cli_help_verbose"])
    window.add_options(parser, texts)
    commands = parser.add_subparsers(dest="command", metavar=texts["cli_metavar_command"])
    # The order here is the order `kiosk --help` lists the commands in.
    for group in (
        db,
        invoices,
        emulator,
        deliveries,
        bounces,
        payments,
        customers,
        disputes,
        users,
        sync,
        serve_sync,
        outbox,
        report,
    ):
        group.add_commands(commands, texts)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command, or open the kiosk window when none is given; return the exit code."""
    config_path = config_path_from(_config_option(argv))
    try:
        settings = load_settings(config_path)
    except SettingsError as error:
        # --help and usage errors still answer, in the default language, before the error.
        args = build_parser(Texts(DEFAULT_LANGUAGE)).parse_args(argv)
        fail(str(error), EXIT_USAGE)
        if args.command is None and not args.smoke_test:
            from kiosk.app.gui import show_startup_error

            show_startup_error(str(error))  # the kiosk has no terminal to read stderr on
        return EXIT_USAGE
    texts = Texts(settings.kiosk.language)
    args = build_parser(texts).parse_args(argv)
    args.config_path = config_path
    configure_logging(
        settings.logging.directory,
        level=settings.logging.level,
        stderr_level=logging.INFO if args.verbose else logging.WARNING,
        secrets=settings.secrets(),
    )
    handler: Command = args.handler
    try:
        return _run(handler, args, settings, texts)
    except DomainError as error:
        return fail(str(error), EXIT_USER_ERROR)
    except ExternalUnavailable as error:
        return fail(str(error), EXIT_UNAVAILABLE)
    except ExternalRejected as error:
        return fail(str(error), EXIT_REJECTED)
    except KeyboardInterrupt:
        return fail(texts["cli_interrupted"], 130)
    except BrokenPipeError:
        # The reader went away (`kiosk ... | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USER_ERROR
    except Exception:
        logger.exception("unexpected error in `kiosk %s`", args.command)
        return fail(
            texts.format("cli_internal_error", directory=settings.logging.directory), EXIT_BUG
        )


def _run(handler: Command, args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    try:
        return handler(args, settings, texts)
    finally:
        close_built_services()


def _config_option(argv: Sequence[str] | None) -> str | None:
    """--config, read before the parser: the settings it names choose the parser's language."""
    early = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    early.add_argument("--config")
    try:
        known, _ = early.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # the full parser reports it, with its usage line
    config: str | None = known.config
    return config
