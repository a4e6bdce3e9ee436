"""`kiosk outbox`: the changes waiting for SAP, and retrying or discarding a parked one."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option, positive_int
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.json_output import to_json
from kiosk.app.cli.text_table import columns
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.outbox import OutboxEntry
from kiosk.language.catalogue import Texts


def add_commands(commands: Subcommands, texts: Texts) -> None:
    outbox = commands.add_parser("outbox", help=texts["cli_help_outbox"])
    add_json_option(outbox, texts)
    outbox.set_defaults(handler=_list)
    outbox_commands = outbox.add_subparsers(
        dest="outbox_command", metavar=texts["cli_metavar_action"]
    )
    retry = outbox_commands.add_parser("retry", help=texts["cli_help_outbox_retry"])
    retry.add_argument("entry_id", type=positive_int(texts), metavar="ID")
    retry.add_argument("--by", default=getpass.getuser(), help=texts["cli_help_decided_by"])
    retry.set_defaults(handler=_retry)
    discard = outbox_commands.add_parser("discard", help=texts["cli_help_outbox_discard"])
    discard.add_argument("entry_id", type=positive_int(texts), metavar="ID")
    discard.add_argument("--reason", required=True, help=texts["cli_help_discard_reason"])
    discard.add_argument("--by", default=getpass.getuser(), help=texts["cli_help_decided_by"])
    discard.set_defaults(handler=_discard)


def _list(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    entries = build_services(settings).outbox.entries()
    if args.json:
        print(to_json([outbox_record(entry) for entry in entries]))
    else:
        print(outbox_table(entries, texts))
    return EXIT_OK


def _retry(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    entry = build_services(settings).outbox.retry(args.entry_id, by=args.by)
    print(texts.format("cli_outbox_retried", id=entry.id))
    return EXIT_OK


def _discard(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    entry = build_services(settings).outbox.discard(args.entry_id, reason=args.reason, by=args.by)
    print(texts.format("cli_outbox_discarded", id=entry.id, resolution=entry.resolution))
    return EXIT_OK


def outbox_record(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "reference": entry.reference,
        "kind": entry.kind,
        "customer": entry.customer_code,
        "state": entry.state.value,
        "attempts": entry.attempts,
        "created_at": entry.created_at.isoformat(),
        "next_attempt_at": entry.next_attempt_at.isoformat() if entry.next_attempt_at else None,
        "error_code": entry.last_error_code,
        "error": entry.last_error_message,
        "payload": entry.payload,
    }


def outbox_table(entries: list[OutboxEntry], texts: Texts) -> str:
    if not entries:
        return texts["cli_outbox_empty"]
    header = tuple(
        texts[key]
        for key in (
            "cli_column_id", "cli_column_state", "cli_column_change", "cli_column_customer",
            "cli_column_tries", "cli_column_created", "cli_column_next_try",
        )
    )  # fmt: skip
    rows = [
        (
            str(entry.id),
            entry.state.value,
            entry.kind,
            entry.customer_code,
            str(entry.attempts),
            f"{entry.created_at:%Y-%m-%d %H:%M}",
            (entry.last_error_message or "")
            if entry.state.value == "parked"
            else (f"{entry.next_attempt_at:%Y-%m-%d %H:%M:%S}" if entry.next_attempt_at else ""),
        )
        for entry in entries
    ]
    return columns([header, *rows], right_aligned={0, 4})
