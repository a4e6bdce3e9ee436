"""`kiosk printers`, `kiosk deliver` and `kiosk deliveries`: the printers, delivering new
invoices by preference, and the delivery log."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_UNAVAILABLE, fail
from kiosk.app.cli.json_output import to_json
from kiosk.app.cli.text_table import columns
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services, system_printer
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryState, PrinterInfo
from kiosk.language.catalogue import Texts
from kiosk.services.delivered_document import delivered_document
from kiosk.services.delivery import DeliveryReport


def add_commands(commands: Subcommands, texts: Texts) -> None:
    commands.add_parser("printers", help=texts["cli_help_printers"]).set_defaults(handler=_printers)
    deliver = commands.add_parser("deliver", help=texts["cli_help_deliver"])
    add_json_option(deliver, texts)
    deliver.set_defaults(handler=_deliver)
    deliveries = commands.add_parser("deliveries", help=texts["cli_help_deliveries"])
    deliveries.add_argument("--state", choices=[s.value for s in DeliveryState])
    deliveries.add_argument("--channel", choices=[c.value for c in DeliveryChannel])
    add_json_option(deliveries, texts)
    deliveries.set_defaults(handler=_deliveries)


def _printers(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    printers = system_printer(settings.printing.backend).printers()
    print(printers_text(printers, texts))
    return EXIT_OK


def _deliver(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    report = build_services(settings).branch.deliver()
    if report is None:
        return fail(texts["cli_deliver_held"], EXIT_UNAVAILABLE)
    if args.json:
        print(to_json(report.__dict__))
    else:
        print(delivery_summary(report, texts))
    return EXIT_OK


def _deliveries(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    log = build_services(settings).delivery.log(
        state=DeliveryState(args.state) if args.state else None,
        channel=DeliveryChannel(args.channel) if args.channel else None,
    )
    if args.json:
        print(to_json([delivery_record(d) for d in log]))
    else:
        print(deliveries_table(log, texts))
    return EXIT_OK


def delivery_record(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "invoice": delivery.doc_num,
        "document": delivery.document.value,
        "reference": delivery.reference,
        "customer": delivery.customer_code,
        "channel": delivery.channel.value,
        "reason": delivery.reason.value,
        "to": delivery.destination,
        "state": delivery.state.value,
        "attempts": delivery.attempts,
        "receipt": delivery.receipt,
        "error_code": delivery.last_error_code,
        "error": delivery.last_error,
        "requested_by": delivery.requested_by,
        "created_at": delivery.created_at.isoformat(),
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
        "bounced_at": delivery.bounced_at.isoformat() if delivery.bounced_at else None,
    }


def deliveries_table(deliveries: list[Delivery], texts: Texts) -> str:
    if not deliveries:
        return texts["cli_no_deliveries"]
    header = tuple(
        texts[key]
        for key in (
            "cli_column_id", "cli_column_document", "cli_column_customer", "cli_column_channel",
            "cli_column_reason", "cli_column_to", "cli_column_state", "cli_column_tries",
            "cli_column_detail",
        )
    )  # fmt: skip
    rows = [
        (
            str(d.id),
            delivered_document(d, texts),
            d.customer_code, d.channel.value, d.reason.value,
            d.destination or "-", d.state.value, str(d.attempts),
            (d.receipt or "") if d.state.value == "sent" else (d.last_error or "")[:60],
        )
        for d in deliveries
    ]  # fmt: skip
    return columns([header, *rows], right_aligned={0, 1, 7})


def printers_text(printers: list[PrinterInfo], texts: Texts) -> str:
    if not printers:
        return texts["cli_no_printers"]
    return "\n".join(
        texts.format(
            "cli_printer_default" if p.is_default else "cli_printer",
            name=p.name,
            state=texts[
                "cli_printer_ready" if p.enabled and p.accepting else "cli_printer_stopped"
            ],
        )
        for p in printers
    )


def delivery_summary(report: DeliveryReport, texts: Texts) -> str:
    lines = [
        texts.format(
            "cli_delivery_summary",
            emails=report.queued_emails,
            prints=report.queued_prints,
            listed=report.listed_for_clerk,
            sent=report.sent,
            retrying=report.retrying,
            failed=report.failed,
        )
    ]
    lines += [f"  {problem}" for problem in report.problems]
    return "\n".join(lines)
