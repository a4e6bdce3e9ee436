"""`kiosk payments`: one payment request for a customer's invoices, and its slip PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.app.cli.arguments import Subcommands, positive_int
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.json_output import amount, to_json
from kiosk.app.cli.output_file import write_output_file
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.payment_request import PaymentRequest
from kiosk.language.catalogue import LANGUAGES


def add_commands(commands: Subcommands) -> None:
    payments = commands.add_parser("payments", help="payment requests and slips")
    payment_commands = payments.add_subparsers(
        dest="payment_command", metavar="ACTION", required=True
    )
    request = payment_commands.add_parser(
        "request", help="one payment for one or several invoices of a customer"
    )
    request.add_argument("doc_nums", type=positive_int, nargs="+", metavar="DOCNUM")
    request.add_argument("--json", action="store_true", help="print JSON")
    request.set_defaults(handler=_request)
    slip = payment_commands.add_parser("slip", help="write the payment slip PDF of a request")
    slip.add_argument("reference", metavar="REFERENCE")
    slip.add_argument("--out", required=True, type=Path, metavar="FILE")
    slip.add_argument("--lang", choices=LANGUAGES, help="document language (default: kiosk's)")
    slip.set_defaults(handler=_slip)


def _request(args: argparse.Namespace, settings: Settings) -> int:
    payments = build_services(settings).payments
    request = payments.request_for_numbers(args.doc_nums)
    payload = payments.qr_code(request).payload
    if args.json:
        print(to_json(payment_request_record(request, payload)))
    else:
        print(payment_request_text(request, payload))
    return EXIT_OK


def _slip(args: argparse.Namespace, settings: Settings) -> int:
    documents = build_services(settings).documents
    write_output_file(
        args.out, documents.slip_pdf(args.reference, language=args.lang or settings.kiosk.language)
    )
    print(f"payment slip {args.reference} written to {args.out}")
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


def payment_request_text(request: PaymentRequest, payload: str) -> str:
    numbers = ", ".join(str(number) for number in request.doc_nums)
    return "\n".join(
        [
            f"reference   {request.reference}",
            f"amount      {request.total}",
            f"customer    {request.customer_code} {request.customer_name}",
            f"invoices    {numbers}",
            f"QR payload  {payload}",
        ]
    )
