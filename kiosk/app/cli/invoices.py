"""`kiosk invoices`: search and show cached invoices, write their PDF, print or e-mail them."""

from __future__ import annotations

import argparse
import getpass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.app.cli.arguments import Subcommands, positive_int
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_REJECTED, EXIT_UNAVAILABLE, fail
from kiosk.app.cli.json_output import amount, to_json
from kiosk.app.cli.output_file import write_output_file
from kiosk.app.cli.text_table import columns
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.delivery import Delivery, DeliveryState
from kiosk.domain.invoice import Invoice, InvoiceStatus
from kiosk.language.catalogue import LANGUAGES

_STATUS_TEXT = {
    InvoiceStatus.OPEN: "open",
    InvoiceStatus.PARTIALLY_PAID: "partially paid",
    InvoiceStatus.PAID: "paid",
    InvoiceStatus.OVERDUE: "overdue",
    InvoiceStatus.CANCELLED: "cancelled",
}


def add_commands(commands: Subcommands) -> None:
    invoices = commands.add_parser("invoices", help="look up cached invoices")
    invoice_commands = invoices.add_subparsers(
        dest="invoice_command", metavar="ACTION", required=True
    )
    search = invoice_commands.add_parser(
        "search", help="find invoices by number, customer code, tax ID or name"
    )
    search.add_argument("text")
    search.add_argument("--limit", type=positive_int, default=20)
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(handler=_search)
    show = invoice_commands.add_parser("show", help="show one invoice with its lines")
    show.add_argument("doc_num", type=positive_int, metavar="DOCNUM")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)

    pdf = invoice_commands.add_parser("pdf", help="write an invoice's PDF with its payment QR")
    pdf.add_argument("doc_num", type=positive_int, metavar="DOCNUM")
    pdf.add_argument("--out", required=True, type=Path, metavar="FILE")
    pdf.add_argument("--lang", choices=LANGUAGES, help="document language (default: kiosk's)")
    pdf.set_defaults(handler=_pdf)

    print_command = invoice_commands.add_parser("print", help="print an invoice now")
    print_command.add_argument("doc_num", type=positive_int, metavar="DOCNUM")
    print_command.add_argument("--printer", help="printer name (default: configured or system's)")
    print_command.add_argument("--by", default=getpass.getuser(), help="who asks for it")
    print_command.set_defaults(handler=_print)
    email = invoice_commands.add_parser("email", help="e-mail an invoice now")
    email.add_argument("doc_num", type=positive_int, metavar="DOCNUM")
    email.add_argument("--to", help="address (default: the customer's billing e-mail)")
    email.add_argument("--by", default=getpass.getuser(), help="who asks for it")
    email.set_defaults(handler=_email)


def _search(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    found = services.lookup.search(args.text, limit=args.limit)
    today = services.clock.today()
    if args.json:
        print(to_json([invoice_record(i, today, with_lines=False) for i in found]))
    else:
        print(invoice_table(found, today))
    return EXIT_OK


def _show(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    found = services.lookup.invoices_by_number(args.doc_num)
    today = services.clock.today()
    if args.json:
        records = [invoice_record(i, today, with_lines=True) for i in found]
        print(to_json(records[0] if len(records) == 1 else records))
    else:
        print("\n\n".join(invoice_details(invoice, today) for invoice in found))
    return EXIT_OK


def _pdf(args: argparse.Namespace, settings: Settings) -> int:
    documents = build_services(settings).documents
    invoice = documents.invoice_by_number(args.doc_num)
    write_output_file(
        args.out, documents.invoice_pdf(invoice, language=args.lang or settings.kiosk.language)
    )
    print(f"invoice {invoice.doc_num} written to {args.out}")
    return EXIT_OK


def _print(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    delivery = services.delivery.print(invoice, printer=args.printer, requested_by=args.by)
    return _delivery_outcome(delivery)


def _email(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    delivery = services.delivery.email(invoice, to=args.to, requested_by=args.by)
    return _delivery_outcome(delivery)


def _delivery_outcome(delivery: Delivery) -> int:
    print(delivery_text(delivery))
    if delivery.state is DeliveryState.SENT:
        return EXIT_OK
    if delivery.state is DeliveryState.FAILED:
        return fail(delivery.last_error or "the delivery failed", EXIT_REJECTED)
    return fail(f"{delivery.last_error}; it stays queued and will be retried", EXIT_UNAVAILABLE)


def invoice_status_text(invoice: Invoice, today: date) -> str:
    status = invoice.status_on(today)
    if status is InvoiceStatus.OVERDUE:
        return f"overdue {invoice.days_overdue(today)} d"
    return _STATUS_TEXT[status]


def invoice_record(invoice: Invoice, today: date, *, with_lines: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "doc_entry": invoice.doc_entry,
        "doc_num": invoice.doc_num,
        "customer": {
            "code": invoice.customer_code,
            "name": invoice.customer_name,
            "tax_id": invoice.customer_tax_id,
        },
        "posting_date": invoice.posting_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "document_date": invoice.document_date.isoformat(),
        "currency": invoice.currency,
        "net_total": amount(invoice.net_total),
        "tax_total": amount(invoice.tax_total),
        "total": amount(invoice.total),
        "paid_to_date": amount(invoice.paid_to_date),
        "amount_due": amount(invoice.amount_due),
        "status": invoice.status_on(today).value,
        "sap_status": invoice.sap_status.value,
        "cancelled": invoice.cancelled,
        "customer_reference": invoice.customer_reference,
        "comments": invoice.comments,
    }
    if with_lines:
        record["lines"] = [
            {
                "line_number": line.line_number,
                "item_code": line.item_code,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent),
                "tax_code": line.tax_code,
                "tax_percent": str(line.tax_percent),
                "tax_amount": str(line.tax_amount),
                "line_total": str(line.line_total),
            }
            for line in invoice.lines
        ]
    return record


def invoice_table(invoices: list[Invoice], today: date) -> str:
    """One line per invoice, aligned in columns."""
    if not invoices:
        return "no invoices"
    header = ("Number", "Posted", "Due", "Customer", "Total", "Amount due", "Status")
    rows = [
        (
            str(invoice.doc_num),
            invoice.posting_date.isoformat(),
            invoice.due_date.isoformat(),
            f"{invoice.customer_code} {invoice.customer_name}"[:40],
            str(invoice.total),
            str(invoice.amount_due),
            invoice_status_text(invoice, today),
        )
        for invoice in invoices
    ]
    return columns([header, *rows], right_aligned={4, 5})


def invoice_details(invoice: Invoice, today: date) -> str:
    """An invoice's header, lines and totals as a person reads them."""
    lines = [
        f"Invoice {invoice.doc_num}  (SAP DocEntry {invoice.doc_entry})",
        f"Customer      {invoice.customer_code}  {invoice.customer_name}",
        f"Tax ID        {invoice.customer_tax_id or '-'}",
        f"Posted        {invoice.posting_date.isoformat()}",
        f"Document date {invoice.document_date.isoformat()}",
        f"Due           {invoice.due_date.isoformat()}",
        f"Reference     {invoice.customer_reference or '-'}",
        f"Status        {invoice_status_text(invoice, today)}",
        "",
    ]
    header = ("#", "Item", "Description", "Qty", "Unit price", "Disc %", "Tax", "Line total")
    rows = [
        (
            str(line.line_number + 1),
            line.item_code or "",
            line.description[:40],
            str(line.quantity),
            str(line.unit_price),
            str(line.discount_percent),
            str(line.tax_amount),
            str(line.line_total),
        )
        for line in invoice.lines
    ]
    lines.append(columns([header, *rows], right_aligned={3, 4, 5, 6, 7}))
    lines += [
        "",
        f"Net           {invoice.net_total}",
        f"Tax           {invoice.tax_total}",
        f"Total         {invoice.total}",
        f"Paid to date  {invoice.paid_to_date}",
        f"Amount due    {invoice.amount_due}",
    ]
    if invoice.comments:
        lines += ["", f"Comments      {invoice.comments}"]
    return "\n".join(lines)


def delivery_text(delivery: Delivery) -> str:
    where = delivery.destination or "the default printer"
    if delivery.state.value == "sent":
        what = "e-mailed to" if delivery.channel.value == "email" else "printed on"
        return f"invoice {delivery.doc_num} {what} {where} ({delivery.receipt})"
    return f"invoice {delivery.doc_num} not delivered to {where}: {delivery.state.value}"
