"""`kiosk payments`: one payment request for a customer's invoices, and its slip PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option, positive_int
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.json_output import amount, to_json
from kiosk.app.cli.output_file import write_output_file
from kiosk.app.cli.text_table import aligned, label_width
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.payment_request import PaymentRequest
from kiosk.language.catalogue import LANGUAGES, Texts


def add_commands(commands: Subcommands, texts: Texts) -> None:
    payments = commands.add_parser("payments", help=texts["cli_help_payments"])
    payment_commands = payments.add_subparsers(
        dest="payment_command", metavar=texts["cli_metavar_action"], required=True
    )
    request = payment_commands.add_parser("request", help=texts["cli_help_payments_request"])
    request.add_argument("doc_nums", type=positive_int(texts), nargs="+", metavar="DOCNUM")
    add_json_option(request, texts)
    request.set_defaults(handler=_request)
    slip = payment_commands.add_parser("slip", help=texts["cli_help_payments_slip"])
    slip.add_argument("reference", metavar=texts["cli_metavar_reference"])
    slip.add_argument("--out", required=True, type=Path, metavar=texts["cli_metavar_file"])
    slip.add_argument("--lang", choices=LANGUAGES, help=texts["cli_help_lang"])
    slip.set_defaults(handler=_slip)


def _request(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    payments = build_services(settings).payments
    request = payments.request_for_numbers(args.doc_nums)
    payload = payments.qr_code(request).payload
    if args.json:
        print(to_json(payment_request_record(request, payload)))
    else:
        print(payment_request_text(request, payload, texts))
    return EXIT_OK


def _slip(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    documents = build_services(settings).documents
    write_output_file(
        args.out,
        documents.slip_pdf(args.reference, language=args.lang or settings.kiosk.language),
        texts,
    )
    print(texts.format("cli_slip_written", reference=args.reference, path=args.out))
    return EXIT_OK


def payment_request_record(request: PaymentRequest, payload: str) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "customer": request.customer_code,
        "currency": request.total.currency,
        "amount": amount(request.total),
        "invoices": [
            {"doc_num": i.doc_num, "due_date": i.due_date_iso, "amount": amount(i.amount)}
            for i in request.invoices
        ],
        "state": request.state.value,
        "qr_payload": payload,
    }


def payment_request_text(request: PaymentRequest, payload: str, texts: Texts) -> str:
    fields = [
        (texts["cli_payment_reference"], request.reference),
        (texts["cli_payment_amount"], request.total),
        (texts["cli_payment_customer"], f"{request.customer_code} {request.customer_name}"),
        (texts["cli_payment_invoices"], ", ".join(str(number) for number in request.doc_nums)),
        (texts["cli_payment_qr_payload"], payload),
    ]
    width = label_width((label for label, _ in fields), at_least=12)
    return "\n".join(aligned(fields, width=width))
