"""`kiosk invoices`: search and show cached invoices, write their PDF (and a Mexican invoice's
stamped XML and payment receipts), print or e-mail them."""

from __future__ import annotations

import argparse
import getpass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option, positive_int
from kiosk.app.cli.exit_codes import (
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_UNAVAILABLE,
    EXIT_USER_ERROR,
    fail,
)
from kiosk.app.cli.json_output import amount, to_json
from kiosk.app.cli.output_file import write_output_file
from kiosk.app.cli.text_table import aligned, columns, label_width
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.cfdi import Cfdi
from kiosk.domain.delivery import Delivery, DeliveryState
from kiosk.domain.invoice import Invoice, InvoiceStatus
from kiosk.domain.money import Money
from kiosk.language.catalogue import LANGUAGES, Texts
from kiosk.services.fiscal_documents import FiscalReading

_STATUS_KEYS = {
    InvoiceStatus.OPEN: "cli_status_open",
    InvoiceStatus.PARTIALLY_PAID: "cli_status_partially_paid",
    InvoiceStatus.PAID: "cli_status_paid",
    InvoiceStatus.CANCELLED: "cli_status_cancelled",
}


def add_commands(commands: Subcommands, texts: Texts) -> None:
    number = positive_int(texts)
    invoices = commands.add_parser("invoices", help=texts["cli_help_invoices"])
    invoice_commands = invoices.add_subparsers(
        dest="invoice_command", metavar=texts["cli_metavar_action"], required=True
    )
    search = invoice_commands.add_parser("search", help=texts["cli_help_invoices_search"])
    search.add_argument("text", metavar=texts["cli_metavar_text"])
    search.add_argument("--limit", type=number, default=20)
    add_json_option(search, texts)
    search.set_defaults(handler=_search)
    show = invoice_commands.add_parser("show", help=texts["cli_help_invoices_show"])
    show.add_argument("doc_num", type=number, metavar="DOCNUM")
    add_json_option(show, texts)
    show.set_defaults(handler=_show)

    pdf = invoice_commands.add_parser("pdf", help=texts["cli_help_invoices_pdf"])
    pdf.add_argument("doc_num", type=number, metavar="DOCNUM")
    pdf.add_argument("--out", required=True, type=Path, metavar=texts["cli_metavar_file"])
    pdf.add_argument("--lang", choices=LANGUAGES, help=texts["cli_help_lang"])
    pdf.set_defaults(handler=_pdf)

    print_command = invoice_commands.add_parser("print", help=texts["cli_help_invoices_print"])
    print_command.add_argument("doc_num", type=number, metavar="DOCNUM")
    print_command.add_argument("--printer", help=texts["cli_help_printer"])
    print_command.add_argument("--by", default=getpass.getuser(), help=texts["cli_help_by"])
    print_command.set_defaults(handler=_print)
    email = invoice_commands.add_parser("email", help=texts["cli_help_invoices_email"])
    email.add_argument("doc_num", type=number, metavar="DOCNUM")
    email.add_argument("--to", help=texts["cli_help_to"])
    email.add_argument("--by", default=getpass.getuser(), help=texts["cli_help_by"])
    email.set_defaults(handler=_email)

    xml = invoice_commands.add_parser("xml", help=texts["cli_help_invoices_xml"])
    xml.add_argument("doc_num", type=number, metavar="DOCNUM")
    xml.add_argument("--out", required=True, type=Path, metavar=texts["cli_metavar_file"])
    xml.set_defaults(handler=_xml)
    email_xml = invoice_commands.add_parser("email-xml", help=texts["cli_help_invoices_email_xml"])
    email_xml.add_argument("doc_num", type=number, metavar="DOCNUM")
    email_xml.add_argument("--to", help=texts["cli_help_to"])
    email_xml.add_argument("--by", default=getpass.getuser(), help=texts["cli_help_by"])
    email_xml.set_defaults(handler=_email_xml)
    receipt = invoice_commands.add_parser("receipt", help=texts["cli_help_invoices_receipt"])
    receipt.add_argument("uuid", metavar="UUID")
    receipt.add_argument("--out", required=True, type=Path, metavar=texts["cli_metavar_file"])
    receipt.add_argument("--xml", action="store_true", help=texts["cli_help_receipt_xml"])
    receipt.add_argument("--lang", choices=LANGUAGES, help=texts["cli_help_lang"])
    receipt.set_defaults(handler=_receipt)


def _search(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    found = services.lookup.search(args.text, limit=args.limit)
    today = services.clock.today()
    if args.json:
        print(to_json([invoice_record(i, today, with_lines=False) for i in found]))
    else:
        print(invoice_table(found, today, texts))
    return EXIT_OK


def _show(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    found = services.lookup.invoices_by_number(args.doc_num)
    today = services.clock.today()
    documents = services.documents
    if args.json:
        records = [
            invoice_record(i, today, with_lines=True)
            | {"cfdi": cfdi_record(documents.fiscal_reading(i), documents.payment_receipts(i))}
            for i in found
        ]
        print(to_json(records[0] if len(records) == 1 else records))
    else:
        details = [
            invoice_details(invoice, today, texts)
            + cfdi_details(
                invoice, documents.fiscal_reading(invoice), documents.payment_receipts(invoice),
                texts,
            )
            for invoice in found
        ]  # fmt: skip
        print("\n\n".join(details))
    return EXIT_OK


def _pdf(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    documents = build_services(settings).documents
    invoice = documents.invoice_by_number(args.doc_num)
    write_output_file(
        args.out,
        documents.invoice_pdf(invoice, language=args.lang or settings.kiosk.language),
        texts,
    )
    print(texts.format("cli_invoice_written", number=invoice.doc_num, path=args.out))
    return EXIT_OK


def _print(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    delivery = services.delivery.print(invoice, printer=args.printer, requested_by=args.by)
    return _delivery_outcome(delivery, texts)


def _email(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    delivery = services.delivery.email(invoice, to=args.to, requested_by=args.by)
    return _delivery_outcome(delivery, texts)


def _xml(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    documents = build_services(settings).documents
    invoice = documents.invoice_by_number(args.doc_num)
    xml = documents.invoice_xml(invoice)
    if xml is None:
        reading = documents.fiscal_reading(invoice)
        reason = reading.problem or texts["cli_not_stamped"]
        code = EXIT_UNAVAILABLE if reading.pending else EXIT_USER_ERROR
        return fail(texts.format("cli_no_xml", number=invoice.doc_num, reason=reason), code)
    write_output_file(args.out, xml.content, texts)
    print(texts.format("cli_xml_written", number=invoice.doc_num, name=xml.name, path=args.out))
    return EXIT_OK


def _email_xml(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    delivery = services.delivery.email_xml(invoice, to=args.to, requested_by=args.by)
    return _delivery_outcome(delivery, texts)


def _receipt(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    documents = build_services(settings).documents
    if args.xml:
        content = documents.receipt_xml(args.uuid).content
    else:
        content = documents.receipt_pdf(args.uuid, language=args.lang or settings.kiosk.language)
    write_output_file(args.out, content, texts)
    print(texts.format("cli_receipt_written", uuid=args.uuid, path=args.out))
    return EXIT_OK


def _delivery_outcome(delivery: Delivery, texts: Texts) -> int:
    print(delivery_text(delivery, texts))
    if delivery.state is DeliveryState.SENT:
        return EXIT_OK
    if delivery.state is DeliveryState.FAILED:
        return fail(delivery.last_error or texts["cli_delivery_failed"], EXIT_REJECTED)
    return fail(texts.format("cli_delivery_retried", error=delivery.last_error), EXIT_UNAVAILABLE)


def invoice_status_text(invoice: Invoice, today: date, texts: Texts) -> str:
    status = invoice.status_on(today)
    if status is InvoiceStatus.OVERDUE:
        return texts.format("cli_status_overdue", days=invoice.days_overdue(today))
    return texts[_STATUS_KEYS[status]]


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
        "disputed": amount(Money(invoice.disputed, invoice.currency)),
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


def invoice_table(invoices: list[Invoice], today: date, texts: Texts) -> str:
    """One line per invoice, aligned in columns."""
    if not invoices:
        return texts["cli_no_invoices"]
    header = tuple(
        texts[key]
        for key in (
            "cli_column_number", "cli_column_posted", "cli_column_due", "cli_column_customer",
            "cli_column_total", "cli_column_amount_due", "cli_column_status",
        )
    )  # fmt: skip
    rows = [
        (
            str(invoice.doc_num),
            invoice.posting_date.isoformat(),
            invoice.due_date.isoformat(),
            f"{invoice.customer_code} {invoice.customer_name}"[:40],
            str(invoice.total),
            str(invoice.amount_due),
            invoice_status_text(invoice, today, texts),
        )
        for invoice in invoices
    ]
    return columns([header, *rows], right_aligned={4, 5})


def invoice_details(invoice: Invoice, today: date, texts: Texts) -> str:
    """An invoice's header, lines and totals as a person reads them."""
    heading = [
        (texts["cli_label_customer"], f"{invoice.customer_code}  {invoice.customer_name}"),
        (texts["cli_label_tax_id"], invoice.customer_tax_id or "-"),
        (texts["cli_label_posted"], invoice.posting_date.isoformat()),
        (texts["cli_label_document_date"], invoice.document_date.isoformat()),
        (texts["cli_label_due"], invoice.due_date.isoformat()),
        (texts["cli_label_reference"], invoice.customer_reference or "-"),
        (texts["cli_label_status"], invoice_status_text(invoice, today, texts)),
    ]
    totals = [
        (texts["cli_label_net"], invoice.net_total),
        (texts["cli_label_tax"], invoice.tax_total),
        (texts["cli_label_total"], invoice.total),
        (texts["cli_label_paid_to_date"], invoice.paid_to_date),
        (texts["cli_label_amount_due"], invoice.amount_due),
    ]
    if invoice.disputed:
        totals.append((texts["cli_label_disputed"], Money(invoice.disputed, invoice.currency)))
    comments = [(texts["cli_label_comments"], invoice.comments)] if invoice.comments else []
    width = label_width((label for label, _ in heading + totals + comments), at_least=14)
    header = (
        "#",
        *(
            texts[key]
            for key in (
                "cli_column_item", "cli_column_description", "cli_column_quantity",
                "cli_column_unit_price", "cli_column_discount", "cli_column_tax",
                "cli_column_line_total",
            )
        ),
    )  # fmt: skip
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
    lines = [
        texts.format("cli_invoice_title", number=invoice.doc_num, entry=invoice.doc_entry),
        *aligned(heading, width=width),
        "",
        columns([header, *rows], right_aligned={3, 4, 5, 6, 7}),
        "",
        *aligned(totals, width=width),
    ]
    if comments:
        lines += ["", *aligned(comments, width=width)]
    return "\n".join(lines)


def cfdi_record(reading: FiscalReading, receipts: list[Cfdi]) -> dict[str, Any] | None:
    """The stamped CFDI (Mexico) of an invoice for --json: None when it has none."""
    if reading.cfdi is None and reading.problem is None:
        return None
    cfdi = reading.cfdi
    return {
        "uuid": None if cfdi is None else cfdi.uuid,
        "file": None if cfdi is None else cfdi.file_name,
        "total": None if cfdi is None else str(cfdi.total),
        "receiver_rfc": None if cfdi is None else cfdi.receiver.rfc,
        "payment_method": None if cfdi is None else cfdi.payment_method,
        "problem": reading.problem,
        "discrepancy": reading.discrepancy,
        "payment_receipts": [
            {"uuid": r.uuid, "file": r.file_name, "paid": [str(p.amount) for p in r.payments]}
            for r in receipts
        ],
    }


def cfdi_details(
    invoice: Invoice, reading: FiscalReading, receipts: list[Cfdi], texts: Texts
) -> str:
    """The lines `invoices show` adds for a stamped invoice: folio fiscal, what staff must look
    at, and the payment receipts."""
    if reading.cfdi is None and reading.problem is None:
        return ""
    rows = [(texts["cli_label_fiscal_uuid"], invoice.fiscal_uuid or "-")]
    if reading.cfdi is not None:
        rows.append((texts["cli_label_cfdi_file"], reading.cfdi.file_name))
    if reading.problem:
        rows.append((texts["cli_label_cfdi_problem"], reading.problem))
    if reading.discrepancy:
        rows.append((texts["cli_label_cfdi_discrepancy"], reading.discrepancy))
    for receipt in receipts:
        paid = ", ".join(str(payment.amount) for payment in receipt.payments)
        rows.append((texts["cli_label_payment_receipt"], f"{receipt.uuid}  {paid}"))
    width = label_width((label for label, _ in rows), at_least=14)
    return "\n\n" + "\n".join(aligned(rows, width=width))


def delivery_text(delivery: Delivery, texts: Texts) -> str:
    where = delivery.destination or texts["cli_default_printer"]
    if delivery.state.value == "sent":
        key = "cli_invoice_emailed" if delivery.channel.value == "email" else "cli_invoice_printed"
        return texts.format(key, number=delivery.doc_num, to=where, receipt=delivery.receipt)
    return texts.format(
        "cli_invoice_not_delivered", number=delivery.doc_num, to=where, state=delivery.state.value
    )
