"""`kiosk disputes`: open a dispute of an invoice or its lines, list and show them, move them."""

from __future__ import annotations

import argparse
import getpass
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option, positive_int
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.json_output import amount, to_json
from kiosk.app.cli.text_table import aligned, columns, label_width
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.display_formats import format_money
from kiosk.domain.dispute import Dispute, DisputeReason, DisputeState
from kiosk.domain.errors import InvalidValue
from kiosk.language.catalogue import LANGUAGES, Texts

_STEPS = {
    "review": (DisputeState.IN_REVIEW, "cli_help_disputes_review"),
    "accept": (DisputeState.ACCEPTED, "cli_help_disputes_accept"),
    "reject": (DisputeState.REJECTED, "cli_help_disputes_reject"),
    "withdraw": (DisputeState.WITHDRAWN, "cli_help_disputes_withdraw"),
}


def add_commands(commands: Subcommands, texts: Texts) -> None:
    number = positive_int(texts)
    disputes = commands.add_parser("disputes", help=texts["cli_help_disputes"])
    actions = disputes.add_subparsers(
        dest="dispute_command", metavar=texts["cli_metavar_action"], required=True
    )
    opening = actions.add_parser("open", help=texts["cli_help_disputes_open"])
    opening.add_argument("doc_num", type=number, metavar="DOCNUM")
    opening.add_argument("--line", type=number, action="append", help=texts["cli_help_line"])
    opening.add_argument(
        "--reason", required=True, choices=[r.value for r in DisputeReason],
        help=texts["cli_help_reason"],
    )  # fmt: skip
    opening.add_argument("--amount", help=texts["cli_help_dispute_amount"])
    opening.add_argument("--comment", default="", help=texts["cli_help_comment"])
    opening.add_argument("--by", default=getpass.getuser(), help=texts["cli_help_by"])
    opening.add_argument("--lang", choices=LANGUAGES, help=texts["cli_help_notice_lang"])
    add_json_option(opening, texts)
    opening.set_defaults(handler=_open)

    listing = actions.add_parser("list", help=texts["cli_help_disputes_list"])
    listing.add_argument("--state", choices=[s.value for s in DisputeState])
    listing.add_argument("--older-than", type=number, metavar=texts["cli_metavar_days"])
    add_json_option(listing, texts)
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help=texts["cli_help_disputes_show"])
    show.add_argument("id", type=number, metavar="ID")
    add_json_option(show, texts)
    show.set_defaults(handler=_show)

    for step, (_, help_key) in _STEPS.items():
        moving = actions.add_parser(step, help=texts[help_key])
        moving.add_argument("id", type=number, metavar="ID")
        moving.add_argument("--note", required=True, help=texts["cli_help_note"])
        moving.add_argument("--by", required=True, help=texts["cli_help_by"])
        moving.set_defaults(handler=_move, step=step)


def _open(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    reason = DisputeReason(args.reason)
    lines = [None] if not args.line else [line - 1 for line in args.line]
    given = _amount(args.amount, texts)
    if given is not None and len(lines) > 1:
        raise InvalidValue(texts["cli_dispute_one_amount"])
    opened = [
        services.disputes.open(
            invoice, line_number=line, reason=reason, comment=args.comment, amount=given,
            by=args.by, language=args.lang,
        )
        for line in lines
    ]  # fmt: skip
    services.delivery.send_due()  # the customer's notice, now if the mail server answers
    if args.json:
        print(to_json([dispute_record(d) for d in opened]))
    else:
        for dispute in opened:
            print(texts.format("cli_dispute_opened", number=dispute.number,
                               amount=format_money(dispute.amount)))  # fmt: skip
    return EXIT_OK


def _list(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    found = build_services(settings).disputes.disputes(
        state=DisputeState(args.state) if args.state else None, older_than_days=args.older_than
    )
    if args.json:
        print(to_json([dispute_record(d) for d in found]))
    elif not found:
        print(texts["cli_no_disputes"])
    else:
        header = tuple(texts[key] for key in (
            "cli_column_dispute", "cli_column_number", "cli_column_line", "cli_column_customer",
            "cli_column_amount", "cli_column_status", "cli_column_opened",
        ))  # fmt: skip
        rows = [
            (d.number, str(d.doc_num), "-" if d.line_number is None else str(d.line_number + 1),
             d.customer_code, str(d.amount.amount), d.state.value,
             d.opened_at.isoformat(timespec="minutes"))
            for d in found
        ]  # fmt: skip
        print(columns([header, *rows], right_aligned={4}))
    return EXIT_OK


def _show(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    dispute = build_services(settings).disputes.dispute(args.id)
    if args.json:
        print(to_json(dispute_record(dispute)))
    else:
        print(dispute_details(dispute, texts))
    return EXIT_OK


def _move(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    state = _STEPS[args.step][0]
    moved = services.disputes.move(args.id, state, note=args.note, by=args.by)
    services.delivery.send_due()
    print(texts.format("cli_dispute_moved", number=moved.number, state=moved.state.value))
    return EXIT_OK


def _amount(text: str | None, texts: Texts) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise InvalidValue(texts.format("cli_dispute_bad_amount", amount=text)) from None


def dispute_record(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.id,
        "number": dispute.number,
        "invoice": dispute.doc_num,
        "doc_entry": dispute.doc_entry,
        "customer": dispute.customer_code,
        "line": None if dispute.line_number is None else dispute.line_number + 1,
        "reason": dispute.reason.value,
        "comment": dispute.comment,
        "amount": amount(dispute.amount),
        "state": dispute.state.value,
        "opened_at": dispute.opened_at.isoformat(),
        "credit_note": dispute.credit_note,
        "timeline": [
            {"state": e.state.value, "note": e.note, "by": e.by, "at": e.at.isoformat()}
            for e in dispute.events
        ],
    }


def dispute_details(dispute: Dispute, texts: Texts) -> str:
    line = "-" if dispute.line_number is None else str(dispute.line_number + 1)
    heading = [
        (texts["cli_label_invoice"], str(dispute.doc_num)),
        (texts["cli_label_line"], line),
        (texts["cli_label_customer"], dispute.customer_code),
        (texts["cli_label_reason"], dispute.reason.value),
        (texts["cli_label_amount"], format_money(dispute.amount)),
        (texts["cli_label_status"], dispute.state.value),
        (texts["cli_label_comments"], dispute.comment or "-"),
    ]
    width = label_width((label for label, _ in heading), at_least=14)
    timeline = [
        f"{e.at.isoformat(timespec='minutes')}  {e.state.value:<10} {e.by}: {e.note}".rstrip(": ")
        for e in dispute.events
    ]
    return "\n".join([dispute.number, *aligned(heading, width=width), "", *timeline])
