"""`kiosk serve-sync`: the branch's sync and delivery, headless, on the branch server, so the
touchscreens only read; runs until stopped (SIGTERM or Ctrl+C), one log line per pass."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType

from kiosk.app.cli.arguments import Subcommands
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_USAGE, fail
from kiosk.app.cli.sync import sync_summary
from kiosk.app.settings import Settings
from kiosk.app.wiring import Services, build_services, lease_holder_name, sync_schedule
from kiosk.language.catalogue import Texts
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.sync_schedule import SyncSchedule

logger = logging.getLogger(__name__)


def add_commands(commands: Subcommands, texts: Texts) -> None:
    serve = commands.add_parser("serve-sync", help=texts["cli_help_serve_sync"])
    serve.add_argument(
        "--tick", type=float, default=2.0, metavar="SECONDS", help=texts["cli_help_serve_tick"]
    )
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    if missing := settings.sap.missing_keys():
        return fail(texts.format("cli_sap_not_set", keys=", ".join(missing)), EXIT_USAGE)
    services = build_services(settings)
    stop = threading.Event()

    def stop_now(_signal: int, _frame: FrameType | None) -> None:
        # Between passes this only ends the wait; inside a pass it ends the pass too, which
        # is safe: each page is its own transaction, and the lease goes with the connection.
        stop.set()
        raise SystemExit(EXIT_OK)

    signal.signal(signal.SIGTERM, stop_now)
    signal.signal(signal.SIGINT, stop_now)
    _say(texts.format("cli_serve_started", holder=lease_holder_name(settings)))
    try:
        _serve_until_stopped(services, sync_schedule(settings.sync), texts, args.tick, stop)
    finally:
        services.close()
        _say(texts["cli_serve_stopped"])
    return EXIT_OK


def _serve_until_stopped(
    services: Services, schedule: SyncSchedule, texts: Texts, tick: float, stop: threading.Event
) -> None:
    clock = services.clock
    schedule.start(clock.now())
    waiting = 0
    while not stop.is_set():
        try:
            # A change made at any counter waits in the shared outbox: push it soon.
            now_waiting = services.sync_status.current().pending
            if now_waiting > waiting:
                schedule.local_change(clock.now())
            waiting = now_waiting
            if schedule.is_due(clock.now()):
                waiting = _one_pass(services, schedule, texts)
        except (ExternalUnavailable, ExternalRejected) as error:
            # The database itself is away: say so, and try again on the back-off.
            schedule.failed(clock.now())
            _say(texts.format("cli_serve_failed", error=error))
        stop.wait(max(0.05, min(tick, schedule.seconds_until_due(clock.now()))))


def _one_pass(services: Services, schedule: SyncSchedule, texts: Texts) -> int:
    """Run a pass, tell the schedule how it went, print its line; what waits in the outbox."""
    outcome = services.branch.run()
    report, now = outcome.report, services.clock.now()
    if report.held_by is not None:
        schedule.succeeded(now)
        _say(texts.format("cli_sync_held", holder=report.held_by))
    elif report.error:
        schedule.failed(now)
        _say(texts.format("cli_sync_kept", error=report.error, count=report.pending))
    else:
        schedule.succeeded(now, changes_waiting=report.pending > 0)
        _say(sync_summary(report, texts).splitlines()[0])
    return report.pending


def _say(line: str) -> None:
    print(line, flush=True)
    logger.info("%s", line)
