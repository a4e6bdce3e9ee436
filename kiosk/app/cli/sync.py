"""`kiosk sync` and `kiosk status`: push the outbox and pull from SAP, with a progress line on a
terminal, and how fresh the cache is."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option
from kiosk.app.cli.deliveries import delivery_summary
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE, fail
from kiosk.app.cli.json_output import to_json
from kiosk.app.interpreter_tuning import tuned_for_bulk
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.language.catalogue import Texts
from kiosk.services.ports.lease import LeaseHolder
from kiosk.services.sync import SyncReport
from kiosk.services.sync_status import SyncStatus, branch_sync_text


def add_commands(commands: Subcommands, texts: Texts) -> None:
    sync = commands.add_parser("sync", help=texts["cli_help_sync"])
    sync.add_argument("--full", action="store_true", help=texts["cli_help_full"])
    add_json_option(sync, texts)
    sync.add_argument("--no-deliver", action="store_true", help=texts["cli_help_no_deliver"])
    sync.set_defaults(handler=_sync)

    status = commands.add_parser("status", help=texts["cli_help_status"])
    add_json_option(status, texts)
    status.set_defaults(handler=_status)


def _sync(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    if missing := settings.sap.missing_keys():
        return fail(texts.format("cli_sap_not_set", keys=", ".join(missing)), EXIT_USAGE)
    services = build_services(settings)
    progress = _TerminalProgress(texts) if not args.json and sys.stderr.isatty() else None
    try:
        with tuned_for_bulk():
            # Under the branch's sync lease; every new invoice then goes out by its customer's
            # preference, and (for a kiosk synced by cron or a systemd timer) old events go.
            outcome = services.branch.run(
                full=args.full, progress=progress, asked=True, deliver=not args.no_deliver
            )
    finally:
        services.close()
        if progress is not None:
            progress.finish()
    report, delivered = outcome.report, outcome.delivered
    if report.held_by is not None:
        if args.json:
            print(to_json(sync_record(report)))
        return fail(texts.format("cli_sync_held", holder=report.held_by), EXIT_UNAVAILABLE)
    if args.json:
        record = sync_record(report)
        record["delivery"] = delivered.__dict__ if delivered else None
        print(to_json(record))
    else:
        print(sync_summary(report, texts))
        if delivered is not None:
            print(delivery_summary(delivered, texts))
    if report.error:
        kept = report.pending + report.parked
        return fail(texts.format("cli_sync_kept", error=report.error, count=kept), EXIT_UNAVAILABLE)
    return EXIT_OK


class _TerminalProgress:
    """One line on the terminal that a long first sync keeps rewriting, so it is seen working."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.shown = False

    def __call__(self, entity: str, count: int) -> None:
        line = self.texts.format(
            "cli_sync_progress", entity=entity_name(entity, self.texts), count=f"{count:,}"
        )
        # Carriage return and erase-to-end-of-line: the line is rewritten, never scrolled.
        print(f"\r{line}\x1b[K", end="", file=sys.stderr, flush=True)
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _status(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    status = build_services(settings).sync_status.current()
    if args.json:
        print(to_json(status_record(status)))
    else:
        print(sync_status_text(status, texts))
    return EXIT_OK


def entity_name(entity: str, texts: Texts) -> str:
    """What the sync calls "invoices", "customers" ... in the words of the language."""
    return texts.get(f"entity_{entity}", entity)


def sync_record(report: SyncReport) -> dict[str, Any]:
    record: dict[str, Any] = {
        "started_at": report.started_at.isoformat(),
        "full": report.full,
        "seconds": round(report.seconds, 2),
        "pulled": report.pulled,
        "stored": report.stored,
        "refreshed_by_payments": report.refreshed_by_payments,
        "refreshed_by_credit_notes": report.refreshed_by_credit_notes,
        "payment_history": report.payment_history,
        "fiscal_downloaded": report.fiscal_downloaded,
        "disputes_closed": report.disputes_closed,
        "settled_requests": report.settled_requests,
        "mismatched_requests": report.mismatched_requests,
        "pushed": report.push.pushed,
        "parked": report.push.parked,
        "outbox_pending": report.pending,
        "outbox_parked": report.parked,
        "error": report.error,
        "held_by": report.held_by,
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


def sync_summary(report: SyncReport, texts: Texts) -> str:
    """A few lines a person reads after `kiosk sync`."""
    pulled = texts.format(
        "cli_sync_pulled",
        invoices=f"{report.pulled['invoices']:,}",
        stored_invoices=f"{report.stored['invoices']:,}",
        customers=f"{report.pulled['customers']:,}",
        stored_customers=f"{report.stored['customers']:,}",
        payments=f"{report.pulled['payments']:,}",
        refreshed=f"{report.refreshed_by_payments:,}",
    )
    outcome = texts.format(
        "cli_sync_stopped" if report.error else "cli_sync_done", seconds=f"{report.seconds:.1f}"
    )
    lines = [
        f"{outcome} - {pulled}",
        texts.format(
            "cli_sync_pushed",
            pushed=report.push.pushed,
            parked=report.push.parked,
            pending=report.pending,
            outbox_parked=report.parked,
        ),
    ]
    lines += [texts.format("cli_sync_parked", error=error) for error in report.push.parked_errors]
    credit_notes = report.stored["credit_notes"]
    if credit_notes or report.stored["payments"] or report.payment_history:
        lines.append(
            texts.format(
                "cli_sync_ledger",
                credit_notes=f"{credit_notes:,}",
                payments=f"{report.stored['payments']:,}",
                history=f"{report.payment_history:,}",
            )
        )
    if report.settled_requests or report.mismatched_requests:
        lines.append(
            texts.format(
                "cli_sync_payment_requests",
                settled=f"{report.settled_requests:,}",
                open=f"{report.mismatched_requests:,}",
            )
        )
    found = report.reconciliation
    if found is not None:
        lines.append(
            texts.format(
                "cli_sync_reconciled",
                in_sap=f"{found.invoices_in_sap:,}",
                invoices=f"{found.flagged_invoices:,}",
                customers=f"{found.flagged_customers:,}",
                other_count=f"{len(found.customers_with_different_count):,}",
                other_balance=f"{len(found.customers_with_different_balance):,}",
            )
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
        "branch": branch_record(status.branch),
    }


def branch_record(holder: LeaseHolder | None) -> dict[str, Any] | None:
    if holder is None:
        return None
    return {
        "holder": holder.holder,
        "running": holder.running,
        "granted_at": holder.granted_at.isoformat(),
        "heartbeat_at": holder.heartbeat_at.isoformat(),
        "activity": holder.activity,
        "progress": holder.progress,
        "finished_at": holder.finished_at.isoformat() if holder.finished_at else None,
        "outcome": holder.outcome,
        "error": holder.error,
    }


def sync_status_text(status: SyncStatus, texts: Texts) -> str:
    if not status.last_success:
        lines = [texts["cli_never_synced"]]
    else:
        lines = [
            texts.format(
                "cli_last_pull",
                entity=entity_name(entity, texts),
                moment=f"{moment:%Y-%m-%d %H:%M:%S}",
            )
            if moment
            else texts.format("cli_never_pulled", entity=entity_name(entity, texts))
            for entity, moment in status.last_success.items()
        ]
    if status.first_download_stored_up_to is not None:
        lines.append(
            texts.format("cli_first_download_unfinished", entry=status.first_download_stored_up_to)
        )
    lines.append(texts.format("cli_outbox_status", pending=status.pending, parked=status.parked))
    if status.branch is not None:
        lines.append(branch_sync_text(status.branch, texts))
    return "\n".join(lines)
