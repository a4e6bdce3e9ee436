"""`kiosk outbox`: the changes waiting for SAP, and retrying or discarding a parked one."""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from kiosk.app.cli.arguments import Subcommands, positive_int
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.json_output import to_json
from kiosk.app.cli.text_table import columns
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.outbox import OutboxEntry


def add_commands(commands: Subcommands) -> None:
    outbox = commands.add_parser("outbox", help="changes waiting for SAP, for staff")
    outbox.add_argument("--json", action="store_true", help="print JSON")
    outbox.set_defaults(handler=_list)
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION")
    retry = outbox_commands.add_parser("retry", help="send a parked change again")
    retry.add_argument("entry_id", type=positive_int, metavar="ID")
    retry.add_argument("--by", default=getpass.getuser(), help="who decides it")
    retry.set_defaults(handler=_retry)
    discard = outbox_commands.add_parser("discard", help="give up a change for good")
    discard.add_argument("entry_id", type=positive_int, metavar="ID")
    discard.add_argument("--reason", required=True, help="why it is discarded")
    discard.add_argument("--by", default=getpass.getuser(), help="who decides it")
    discard.set_defaults(handler=_discard)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    entries = build_services(settings).outbox.entries()
    if args.json:
        print(to_json([outbox_record(entry) for entry in entries]))
    else:
        print(outbox_table(entries))
    return EXIT_OK


def _retry(args: argparse.Namespace, settings: Settings) -> int:
    entry = build_services(settings).outbox.retry(args.entry_id, by=args.by)
    print(f"outbox entry {entry.id} will be sent again with the next sync")
    return EXIT_OK


def _discard(args: argparse.Namespace, settings: Settings) -> int:
    entry = build_services(settings).outbox.discard(args.entry_id, reason=args.reason, by=args.by)
    print(f"outbox entry {entry.id} discarded: {entry.resolution}")
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


def outbox_table(entries: list[OutboxEntry]) -> str:
    if not entries:
        return "the outbox is empty: everything has reached SAP"
    header = ("ID", "State", "Change", "Customer", "Tries", "Created", "Next try / error")
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
