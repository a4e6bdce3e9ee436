"""`kiosk sync` and `kiosk status`: push the outbox and pull from SAP, with a progress line on a
terminal, and how fresh the cache is."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.app.cli.arguments import Subcommands
from kiosk.app.cli.deliveries import delivery_summary
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE, fail
from kiosk.app.cli.json_output import to_json
from kiosk.app.interpreter_tuning import tuned_for_bulk
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.services.sync import SyncReport
from kiosk.services.sync_status import SyncStatus


def add_commands(commands: Subcommands) -> None:
    sync = commands.add_parser("sync", help="push queued changes to SAP, then pull changes")
    sync.add_argument("--full", action="store_true", help="re-read everything and reconcile")
    sync.add_argument("--json", action="store_true", help="print JSON")
    sync.add_argument(
        "--no-deliver", action="store_true", help="skip delivering new invoices afterwards"
    )
    sync.set_defaults(handler=_sync)

    status = commands.add_parser("status", help="sync freshness and what waits in the outbox")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=_status)


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    if missing := settings.sap.missing_keys():
        return fail(f"{', '.join(missing)} not set: configure SAP first", EXIT_USAGE)
    services = build_services(settings)
    progress = _TerminalProgress() if not args.json and sys.stderr.isatty() else None
    try:
        with tuned_for_bulk():
            report = services.sync.run_once(full=args.full, progress=progress, asked=True)
        delivered = None
        if not report.error and not args.no_deliver:
            # Every new invoice goes out by its customer's preference right after the pull.
            delivered = services.delivery.deliver_new_invoices()
    finally:
        services.close()
        if progress is not None:
            progress.finish()
    if args.json:
        record = sync_record(report)
        record["delivery"] = delivered.__dict__ if delivered else None
        print(to_json(record))
    else:
        print(sync_summary(report))
        if delivered is not None:
            print(delivery_summary(delivered))
    if report.error:
        kept = report.pending + report.parked
        return fail(f"{report.error}; {kept} change(s) kept in the outbox", EXIT_UNAVAILABLE)
    return EXIT_OK


class _TerminalProgress:
    """One line on the terminal that a long first sync keeps rewriting, so it is seen working."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, entity: str, count: int) -> None:
        # Carriage return and erase-to-end-of-line: the line is rewritten, never scrolled.
        print(f"\r{entity}: {count:,} received\x1b[K", end="", file=sys.stderr, flush=True)
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _status(args: argparse.Namespace, settings: Settings) -> int:
    status = build_services(settings).sync_status.current()
    if args.json:
        print(to_json(status_record(status)))
    else:
        print(sync_status_text(status))
    return EXIT_OK


def sync_record(report: SyncReport) -> dict[str, Any]:
    record: dict[str, Any] = {
        "started_at": report.started_at.isoformat(),
        "full": report.full,
        "seconds": round(report.seconds, 2),
        "pulled": report.pulled,
        "stored": report.stored,
        "refreshed_by_payments": report.refreshed_by_payments,
        "settled_requests": report.settled_requests,
        "mismatched_requests": report.mismatched_requests,
        "pushed": report.push.pushed,
        "parked": report.push.parked,
        "outbox_pending": report.pending,
        "outbox_parked": report.parked,
        "error": report.error,
    }
    if report.reconciliation is not None:
        found = report.reconciliation
        record["reconciliation"] = {
            "invoices_in_sap": found.invoices_in_sap,
            "invoices_missing_in_sap": found.flagged_invoices,
            "customers_missing_in_sap": found.flagged_customers,
            "customers_with_different_count": found.customers_with_different_count,
            "customers_with_different_balance": found.customers_with_different_balance,
        }
    return record


def sync_summary(report: SyncReport) -> str:
    """A few lines a person reads after `kiosk sync`."""
    verb = "stopped" if report.error else "done"
    lines = [
        f"sync {verb} in {report.seconds:.1f} s"
        f" - pulled {report.pulled['invoices']:,} invoices ({report.stored['invoices']:,} new or"
        f" changed), {report.pulled['customers']:,} customers"
        f" ({report.stored['customers']:,} new or changed), {report.pulled['payments']:,} payments"
        f" ({report.refreshed_by_payments:,} invoices refreshed)",
        f"pushed {report.push.pushed}, parked {report.push.parked};"
        f" outbox now {report.pending} pending, {report.parked} parked",
    ]
    lines += [f"parked: {error}" for error in report.push.parked_errors]
    if report.settled_requests or report.mismatched_requests:
        lines.append(
            f"payment requests: {report.settled_requests:,} settled,"
            f" {report.mismatched_requests:,} left open (a payment quoted the reference with"
            " another customer or amount; see the log)"
        )
    found = report.reconciliation
    if found is not None:
        lines.append(
            f"reconciled: {found.invoices_in_sap:,} invoices in SAP;"
            f" {found.flagged_invoices:,} cached invoices and {found.flagged_customers:,}"
            " customers no longer in SAP (flagged);"
            f" {len(found.customers_with_different_count):,} customers had a different number"
            f" of invoices and {len(found.customers_with_different_balance):,} a different open"
            " balance (now repaired)"
        )
    return "\n".join(lines)


def status_record(status: SyncStatus) -> dict[str, Any]:
    return {
        "last_success": {
            entity: moment.isoformat() if moment else None
            for entity, moment in status.last_success.items()
        },
        "outbox_pending": status.pending,
        "outbox_parked": status.parked,
        "first_download_stored_up_to": status.first_download_stored_up_to,
    }


def sync_status_text(status: SyncStatus) -> str:
    if not status.last_success:
        lines = ["never synced with SAP: run `kiosk sync`"]
    else:
        lines = [
            f"last pull of {entity}: {moment:%Y-%m-%d %H:%M:%S}" if moment else f"{entity}: never"
            for entity, moment in status.last_success.items()
        ]
    if status.first_download_stored_up_to is not None:
        lines.append(
            "first download of invoices unfinished: stored up to DocEntry "
            f"{status.first_download_stored_up_to}; `kiosk sync` goes on from there"
        )
    lines.append(f"outbox: {status.pending} pending, {status.parked} parked (see `kiosk outbox`)")
    return "\n".join(lines)
