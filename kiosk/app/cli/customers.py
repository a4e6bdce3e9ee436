"""`kiosk customers`: a cached customer with balance and invoices, and registering a preference."""

from __future__ import annotations

import argparse
import getpass
from datetime import date
from typing import Any

from kiosk.app.cli.arguments import Subcommands
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.invoices import invoice_record, invoice_table
from kiosk.app.cli.json_output import amount, to_json
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.customer import Customer
from kiosk.services.invoice_lookup import CustomerOverview


def add_commands(commands: Subcommands) -> None:
    customers = commands.add_parser("customers", help="look up cached customers")
    customer_commands = customers.add_subparsers(
        dest="customer_command", metavar="ACTION", required=True
    )
    customer_show = customer_commands.add_parser(
        "show", help="customer, billing preference, open balance and invoices"
    )
    customer_show.add_argument("card_code", metavar="CARDCODE")
    customer_show.add_argument("--json", action="store_true", help="print JSON")
    customer_show.set_defaults(handler=_show)
    preference = customer_commands.add_parser(
        "set-preference", help="register how a customer wants invoices (queued for SAP)"
    )
    preference.add_argument("card_code", metavar="CARDCODE")
    preference.add_argument("--channel", required=True, choices=("paper", "email", "both"))
    preference.add_argument("--email", help="billing address; needed for email and both")
    preference.add_argument("--clerk", default=getpass.getuser(), help="who registers it")
    preference.set_defaults(handler=_set_preference)


def _show(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    overview = services.lookup.customer_overview(args.card_code)
    today = services.clock.today()
    if args.json:
        print(to_json(customer_record(overview, today)))
    else:
        print(customer_details(overview, today))
    return EXIT_OK


def _set_preference(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    preference = services.preferences.register(
        args.card_code,
        BillingChannel(args.channel.upper()),
        args.email,
        clerk=args.clerk,
        consent_given=True,
    )
    to = f" to {preference.email}" if preference.email else ""
    print(
        f"saved: {preference.customer_code} receives invoices by {preference.channel.value}{to}"
        f" (registered by {preference.registered_by} at {preference.branch}); "
        "it goes to SAP with the next sync"
    )
    return EXIT_OK


def customer_record(overview: CustomerOverview, today: date) -> dict[str, Any]:
    customer = overview.customer
    return {
        "customer": _customer_fields(customer),
        "preference": _preference_fields(overview.preference),
        "open_balance": [
            {"currency": money.currency, "amount": amount(money)} for money in overview.open_balance
        ],
        "open_invoice_count": overview.open_invoice_count,
        "invoices": [
            invoice_record(invoice, today, with_lines=False) for invoice in overview.recent_invoices
        ],
    }


def customer_details(overview: CustomerOverview, today: date) -> str:
    customer = overview.customer
    preference = overview.preference
    balance = ", ".join(str(money) for money in overview.open_balance) or "nothing due"
    lines = [
        f"Customer      {customer.code}  {customer.name}",
        f"Tax ID        {customer.tax_id or '-'}",
        f"E-mail        {customer.email or '-'}",
        f"Phone         {customer.phone or '-'}",
        f"Address       {', '.join(customer.address.lines()) or '-'}",
    ]
    if preference is None:
        lines.append("Billing       no preference registered")
    else:
        to = f" to {preference.email}" if preference.email else ""
        consent = f"{preference.consent_at:%Y-%m-%d %H:%M}"
        lines.append(
            f"Billing       {preference.channel.value}{to} (consent {consent}, "
            f"by {preference.registered_by} at {preference.branch})"
        )
    lines += [
        f"Open balance  {balance} in {overview.open_invoice_count} open invoice(s)",
        "",
        invoice_table(list(overview.recent_invoices), today),
    ]
    return "\n".join(lines)


def _customer_fields(customer: Customer) -> dict[str, Any]:
    return {
        "code": customer.code,
        "name": customer.name,
        "tax_id": customer.tax_id,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address.lines(),
    }


def _preference_fields(preference: BillingPreference | None) -> dict[str, Any] | None:
    if preference is None:
        return None
    return {
        "channel": preference.channel.value,
        "email": preference.email,
        "consent_at": preference.consent_at.isoformat(),
        "registered_by": preference.registered_by,
        "branch": preference.branch,
    }
