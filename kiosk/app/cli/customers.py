"""`kiosk customers`: a cached customer with balance and invoices, registering a preference,
writing a statement of account, and e-billing enrolments (listed, or confirmed by a link)."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.invoices import invoice_record, invoice_table
from kiosk.app.cli.json_output import amount, to_json
from kiosk.app.cli.output_file import write_output_file
from kiosk.app.cli.text_table import aligned, columns, label_width
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.enrolment import EnrolmentRequest, EnrolmentState
from kiosk.domain.money import Money
from kiosk.domain.statement import Statement
from kiosk.language.catalogue import LANGUAGES, Texts
from kiosk.services.invoice_lookup import CustomerOverview


def add_commands(commands: Subcommands, texts: Texts) -> None:
    customers = commands.add_parser("customers", help=texts["cli_help_customers"])
    customer_commands = customers.add_subparsers(
        dest="customer_command", metavar=texts["cli_metavar_action"], required=True
    )
    customer_show = customer_commands.add_parser("show", help=texts["cli_help_customers_show"])
    customer_show.add_argument("card_code", metavar="CARDCODE")
    add_json_option(customer_show, texts)
    customer_show.set_defaults(handler=_show)
    preference = customer_commands.add_parser(
        "set-preference", help=texts["cli_help_set_preference"]
    )
    preference.add_argument("card_code", metavar="CARDCODE")
    preference.add_argument("--channel", required=True, choices=("paper", "email", "both"))
    preference.add_argument("--email", help=texts["cli_help_billing_email"])
    preference.add_argument("--clerk", default=getpass.getuser(), help=texts["cli_help_clerk"])
    preference.set_defaults(handler=_set_preference)
    statement = customer_commands.add_parser(
        "statement", help=texts["cli_help_customers_statement"]
    )
    statement.add_argument("card_code", metavar="CARDCODE")
    day = iso_day(texts)
    statement.add_argument(
        "--from",
        dest="start",
        type=day,
        metavar="YYYY-MM-DD",
        help=texts["cli_help_statement_from"],
    )
    statement.add_argument(
        "--to", dest="end", type=day, metavar="YYYY-MM-DD", help=texts["cli_help_statement_to"]
    )
    statement.add_argument("--out", required=True, type=Path, metavar=texts["cli_metavar_file"])
    statement.add_argument(
        "--csv", type=Path, metavar=texts["cli_metavar_file"], help=texts["cli_help_statement_csv"]
    )
    statement.add_argument("--lang", choices=LANGUAGES, help=texts["cli_help_lang"])
    statement.set_defaults(handler=_statement)
    enrolments = customer_commands.add_parser("enrolments", help=texts["cli_enrol_help_list"])
    enrolments.add_argument("--customer", metavar="CARDCODE", help=texts["cli_enrol_help_customer"])
    enrolments.add_argument("--limit", type=int, default=50, help=texts["cli_enrol_help_limit"])
    add_json_option(enrolments, texts)
    enrolments.set_defaults(handler=_enrolments)
    confirm = customer_commands.add_parser(
        "confirm-enrolment", help=texts["cli_enrol_help_confirm"]
    )
    confirm.add_argument("token", metavar="TOKEN", help=texts["cli_enrol_help_token"])
    confirm.set_defaults(handler=_confirm_enrolment)


def _show(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    overview = services.lookup.customer_overview(args.card_code)
    today = services.clock.today()
    if args.json:
        print(to_json(customer_record(overview, today)))
    else:
        print(customer_details(overview, today, texts))
    return EXIT_OK


def _set_preference(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    preference = services.preferences.register(
        args.card_code,
        BillingChannel(args.channel.upper()),
        args.email,
        clerk=args.clerk,
        consent_given=True,
    )
    print(
        texts.format(
            "cli_preference_saved_email" if preference.email else "cli_preference_saved",
            customer=preference.customer_code,
            channel=preference.channel.value,
            email=preference.email,
            clerk=preference.registered_by,
            branch=preference.branch,
        )
    )
    return EXIT_OK


ENROLMENT_STATES = {
    EnrolmentState.PENDING: "cli_enrol_state_pending",
    EnrolmentState.CONFIRMED: "cli_enrol_state_confirmed",
    EnrolmentState.EXPIRED: "cli_enrol_state_expired",
    EnrolmentState.FAILED: "cli_enrol_state_failed",
    EnrolmentState.SUPERSEDED: "cli_enrol_state_superseded",
}


def _enrolments(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    """The latest e-billing requests made at the kiosk, newest first (codes never shown)."""
    service = build_services(settings).enrolment
    found = service.requests(customer_code=args.customer, limit=max(1, args.limit))
    now = service.now()
    if args.json:
        print(to_json([enrolment_record(request, now) for request in found]))
        return EXIT_OK
    if not found:
        print(texts["cli_enrol_none"])
        return EXIT_OK
    header = (
        texts["cli_column_id"], texts["cli_enrol_column_customer"],
        texts["cli_enrol_column_address"], texts["cli_enrol_column_state"],
        texts["cli_enrol_column_requested"], texts["cli_enrol_column_consent"],
    )  # fmt: skip
    rows = [_enrolment_row(request, now, texts) for request in found]
    print(columns([header, *rows], right_aligned={0}))
    return EXIT_OK


def _enrolment_row(request: EnrolmentRequest, now: datetime, texts: Texts) -> tuple[str, ...]:
    return (
        str(request.id), request.customer_code, request.email,
        texts[ENROLMENT_STATES[request.state_at(now)]],
        f"{request.created_at:%Y-%m-%d %H:%M}", request.consent_version,
    )  # fmt: skip


def enrolment_record(request: EnrolmentRequest, now: datetime) -> dict[str, Any]:
    return {
        "id": request.id,
        "customer": request.customer_code,
        "channel": request.channel.value,
        "email": request.email,
        "state": request.state_at(now).value,
        "wrong_codes": request.wrong_codes,
        "consent_version": request.consent_version,
        "requested_at": request.created_at.isoformat(),
        "expires_at": request.expires_at.isoformat(),
        "confirmed_at": request.confirmed_at.isoformat() if request.confirmed_at else None,
        "confirmed_by": request.confirmed_by,
    }


def _confirm_enrolment(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    """What the store's confirmation page calls with the token of an e-mail's link."""
    confirmed = build_services(settings).enrolment.confirm_link(args.token)
    preference = confirmed.preference
    print(
        texts.format(
            "cli_enrol_confirmed", customer=preference.customer_code,
            channel=preference.channel.value, email=preference.email,
            version=confirmed.consent_version,
        )
    )  # fmt: skip
    if confirmed.incentive is not None:
        percent = format(confirmed.incentive.percent.normalize(), "f")
        print(texts.format("cli_enrol_incentive", percent=percent, text=confirmed.incentive.text))
    return EXIT_OK


def _statement(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    statements = build_services(settings).statements
    period = statements.period(args.start, args.end)
    statement = statements.statement(args.card_code, period)
    files = statements.files(statement, language=args.lang or settings.kiosk.language)
    write_output_file(args.out, files.pdf, texts)
    if args.csv is not None:
        write_output_file(args.csv, files.csv, texts)
    print(statement_summary(statement, texts))
    print(
        texts.format(
            "cli_statement_written", customer=statement.customer_code,
            start=period.start.isoformat(), end=period.end.isoformat(), path=args.out,
        )
    )  # fmt: skip
    if args.csv is not None:
        print(texts.format("cli_statement_csv_written", path=args.csv))
    return EXIT_OK


def statement_summary(statement: Statement, texts: Texts) -> str:
    """One line per currency: opening, closing and disputed; a warning while the payment
    history is still being downloaded."""
    lines = [
        texts.format(
            "cli_statement_balance", currency=section.currency,
            opening=Money(section.opening, section.currency),
            closing=Money(section.closing, section.currency),
            disputed=Money(section.disputed, section.currency),
        )
        for section in statement.sections
    ] or [texts["cli_statement_empty"]]  # fmt: skip
    if not statement.history_complete:
        lines.append(texts["cli_statement_incomplete"])
    return "\n".join(lines)


def iso_day(texts: Texts) -> Callable[[str], date]:
    """The type of a date argument: YYYY-MM-DD."""

    def day(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                texts.format("cli_statement_bad_date", value=repr(text))
            ) from None

    return day


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


def customer_details(overview: CustomerOverview, today: date, texts: Texts) -> str:
    customer = overview.customer
    preference = overview.preference
    if preference is None:
        billing = texts["cli_no_preference"]
    else:
        billing = texts.format(
            "cli_billing_email" if preference.email else "cli_billing",
            channel=preference.channel.value,
            email=preference.email,
            consent=f"{preference.consent_at:%Y-%m-%d %H:%M}",
            clerk=preference.registered_by,
            branch=preference.branch,
        )
    balance = ", ".join(str(money) for money in overview.open_balance)
    fields = [
        (texts["cli_label_customer"], f"{customer.code}  {customer.name}"),
        (texts["cli_label_tax_id"], customer.tax_id or "-"),
        (texts["cli_label_email"], customer.email or "-"),
        (texts["cli_label_phone"], customer.phone or "-"),
        (texts["cli_label_address"], ", ".join(customer.address.lines()) or "-"),
        (texts["cli_label_billing"], billing),
        (
            texts["cli_label_open_balance"],
            texts.format(
                "cli_open_balance",
                balance=balance or texts["cli_nothing_due"],
                count=overview.open_invoice_count,
            ),
        ),
    ]
    width = label_width((label for label, _ in fields), at_least=14)
    lines = [
        *aligned(fields, width=width),
        "",
        invoice_table(list(overview.recent_invoices), today, texts),
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
