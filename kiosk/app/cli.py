"""The `kiosk` command line: one clear line and a non-zero exit code for every error."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.app import cli_output
from kiosk.app.doctor import Outcome, run_checks
from kiosk.app.logging_setup import configure_logging
from kiosk.app.settings import Settings, SettingsError, config_path_from, load_settings
from kiosk.app.wiring import (
    build_services,
    database_engine,
    delivery_service,
    sap_client,
    sync_service,
    system_printer,
)
from kiosk.bundled_files import migrations_path
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryState
from kiosk.domain.errors import DomainError, InvalidValue
from kiosk.domain.staff import Role
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.sync_status import current_status
from kiosk.storage.database import describe
from kiosk.storage.schema_migration import upgrade_schema

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3
EXIT_REJECTED = 4
EXIT_BUG = 70

Command = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="Billing kiosk for SAP Business One."
    )
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--config", metavar="PATH", help="settings file (TOML); default: $KIOSK_CONFIG"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="also show informational log lines on stderr"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the kiosk against the bundled SAP emulator with demo data",
    )
    parser.add_argument(
        "--smoke-test", action="store_true", help="open the kiosk window and close it at once"
    )
    parser.set_defaults(handler=_gui)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="apply pending migrations").set_defaults(
        handler=_db_upgrade
    )

    commands.add_parser("doctor", help="check settings, database and outside systems").set_defaults(
        handler=_doctor
    )

    invoices = commands.add_parser("invoices", help="look up cached invoices")
    invoice_commands = invoices.add_subparsers(
        dest="invoice_command", metavar="ACTION", required=True
    )
    search = invoice_commands.add_parser(
        "search", help="find invoices by number, customer code, tax ID or name"
    )
    search.add_argument("text")
    search.add_argument("--limit", type=_positive_int, default=20)
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(handler=_invoices_search)
    show = invoice_commands.add_parser("show", help="show one invoice with its lines")
    show.add_argument("doc_num", type=_positive_int, metavar="DOCNUM")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_invoices_show)

    emulator = commands.add_parser(
        "emulator", help="run the bundled SAP Service Layer emulator with demo data"
    )
    emulator.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    emulator.add_argument("--port", type=int, default=50000, help="port (0: any free port)")
    emulator.add_argument("--api", choices=("v1", "v2"), default="v2", help="URL to print")
    emulator.add_argument("--seed", type=int, default=7, help="demo data seed")
    emulator.add_argument("--invoices", type=_positive_int, default=2000)
    emulator.add_argument("--customers", type=_positive_int, default=200)
    emulator.set_defaults(handler=_emulator)

    pdf = invoice_commands.add_parser("pdf", help="write an invoice's PDF with its payment QR")
    pdf.add_argument("doc_num", type=_positive_int, metavar="DOCNUM")
    pdf.add_argument("--out", required=True, type=Path, metavar="FILE")
    pdf.add_argument("--lang", choices=("es", "en"), help="document language (default: kiosk's)")
    pdf.set_defaults(handler=_invoices_pdf)

    print_command = invoice_commands.add_parser("print", help="print an invoice now")
    print_command.add_argument("doc_num", type=_positive_int, metavar="DOCNUM")
    print_command.add_argument("--printer", help="printer name (default: configured or system's)")
    print_command.add_argument("--by", default=getpass.getuser(), help="who asks for it")
    print_command.set_defaults(handler=_invoices_print)
    email = invoice_commands.add_parser("email", help="e-mail an invoice now")
    email.add_argument("doc_num", type=_positive_int, metavar="DOCNUM")
    email.add_argument("--to", help="address (default: the customer's billing e-mail)")
    email.add_argument("--by", default=getpass.getuser(), help="who asks for it")
    email.set_defaults(handler=_invoices_email)

    commands.add_parser("printers", help="the printers this computer knows").set_defaults(
        handler=_printers
    )
    deliver = commands.add_parser(
        "deliver", help="deliver new invoices by preference and send what is queued"
    )
    deliver.add_argument("--json", action="store_true", help="print JSON")
    deliver.set_defaults(handler=_deliver)
    deliveries = commands.add_parser("deliveries", help="the delivery log and queues")
    deliveries.add_argument("--state", choices=[s.value for s in DeliveryState])
    deliveries.add_argument("--channel", choices=[c.value for c in DeliveryChannel])
    deliveries.add_argument("--json", action="store_true", help="print JSON")
    deliveries.set_defaults(handler=_deliveries)

    payments = commands.add_parser("payments", help="payment requests and slips")
    payment_commands = payments.add_subparsers(
        dest="payment_command", metavar="ACTION", required=True
    )
    request = payment_commands.add_parser(
        "request", help="one payment for one or several invoices of a customer"
    )
    request.add_argument("doc_nums", type=_positive_int, nargs="+", metavar="DOCNUM")
    request.add_argument("--json", action="store_true", help="print JSON")
    request.set_defaults(handler=_payments_request)
    slip = payment_commands.add_parser("slip", help="write the payment slip PDF of a request")
    slip.add_argument("reference", metavar="REFERENCE")
    slip.add_argument("--out", required=True, type=Path, metavar="FILE")
    slip.add_argument("--lang", choices=("es", "en"), help="document language (default: kiosk's)")
    slip.set_defaults(handler=_payments_slip)

    customers = commands.add_parser("customers", help="look up cached customers")
    customer_commands = customers.add_subparsers(
        dest="customer_command", metavar="ACTION", required=True
    )
    customer_show = customer_commands.add_parser(
        "show", help="customer, billing preference, open balance and invoices"
    )
    customer_show.add_argument("card_code", metavar="CARDCODE")
    customer_show.add_argument("--json", action="store_true", help="print JSON")
    customer_show.set_defaults(handler=_customers_show)
    preference = customer_commands.add_parser(
        "set-preference", help="register how a customer wants invoices (queued for SAP)"
    )
    preference.add_argument("card_code", metavar="CARDCODE")
    preference.add_argument("--channel", required=True, choices=("paper", "email", "both"))
    preference.add_argument("--email", help="billing address; needed for email and both")
    preference.add_argument("--clerk", default=getpass.getuser(), help="who registers it")
    preference.set_defaults(handler=_customers_set_preference)

    users = commands.add_parser("users", help="staff accounts for the staff mode")
    user_commands = users.add_subparsers(dest="users_command", metavar="ACTION")
    users.set_defaults(handler=_users_list)
    add_user = user_commands.add_parser("add", help="add a staff account (asks for the PIN)")
    add_user.add_argument("name")
    add_user.add_argument("--role", choices=[role.value for role in Role], required=True)
    add_user.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    add_user.set_defaults(handler=_users_add)
    passwd = user_commands.add_parser("passwd", help="set a new PIN (also unlocks)")
    passwd.add_argument("name")
    passwd.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    passwd.set_defaults(handler=_users_passwd)

    sync = commands.add_parser("sync", help="push queued changes to SAP, then pull changes")
    sync.add_argument("--full", action="store_true", help="re-read everything and reconcile")
    sync.add_argument("--json", action="store_true", help="print JSON")
    sync.add_argument(
        "--no-deliver", action="store_true", help="skip delivering new invoices afterwards"
    )
    sync.set_defaults(handler=_sync)

    status = commands.add_parser("status", help="sync freshness and what waits in the outbox")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=_status)

    outbox = commands.add_parser("outbox", help="changes waiting for SAP, for staff")
    outbox.add_argument("--json", action="store_true", help="print JSON")
    outbox.set_defaults(handler=_outbox_list)
    outbox_commands = outbox.add_subparsers(dest="outbox_command", metavar="ACTION")
    retry = outbox_commands.add_parser("retry", help="send a parked change again")
    retry.add_argument("entry_id", type=_positive_int, metavar="ID")
    retry.add_argument("--by", default=getpass.getuser(), help="who decides it")
    retry.set_defaults(handler=_outbox_retry)
    discard = outbox_commands.add_parser("discard", help="give up a change for good")
    discard.add_argument("entry_id", type=_positive_int, metavar="ID")
    discard.add_argument("--reason", required=True, help="why it is discarded")
    discard.add_argument("--by", default=getpass.getuser(), help="who decides it")
    discard.set_defaults(handler=_outbox_discard)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command, or open the kiosk window when none is given; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    config_path = config_path_from(args.config)
    try:
        settings = load_settings(config_path)
    except SettingsError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        if args.command is None and not args.smoke_test:
            from kiosk.app.gui import show_startup_error

            show_startup_error(str(error))  # the kiosk has no terminal to read stderr on
        return EXIT_USAGE
    args.config_path = config_path
    configure_logging(
        settings.logging.directory,
        level=settings.logging.level,
        stderr_level=logging.INFO if args.verbose else logging.WARNING,
        secrets=settings.secrets(),
    )
    handler: Command = args.handler
    try:
        return handler(args, settings)
    except DomainError as error:
        return _fail(str(error), EXIT_USER_ERROR)
    except ExternalUnavailable as error:
        return _fail(str(error), EXIT_UNAVAILABLE)
    except ExternalRejected as error:
        return _fail(str(error), EXIT_REJECTED)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        # The reader went away (`kiosk ... | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_USER_ERROR
    except Exception:
        logger.exception("unexpected error in `kiosk %s`", args.command)
        log_hint = settings.logging.directory
        return _fail(
            f"unexpected internal error; the details are in the log in {log_hint}", EXIT_BUG
        )


def _fail(message: str, code: int) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return code


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be 1 or more")
    return value


def _gui(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.app.gui import run_gui  # Qt loads only for the window, not for commands

    return run_gui(settings, demo=args.demo, smoke_test=args.smoke_test)


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = database_engine(settings.database)
    revision = upgrade_schema(engine, migrations_path())
    print(f"database {describe(engine)} is at schema {revision}")
    return EXIT_OK


def _emulator(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.sap_b1.emulator.data_store import EmulatorData
    from kiosk.sap_b1.emulator.demo_data import seed_demo_company
    from kiosk.sap_b1.emulator.server import (
        DEMO_COMPANY,
        DEMO_PASSWORD,
        DEMO_USER,
        ServiceLayerEmulator,
    )

    data = EmulatorData()
    seed_demo_company(data, customers=args.customers, invoices=args.invoices, seed=args.seed)
    try:
        emulator = ServiceLayerEmulator(data, host=args.host, port=args.port)
    except OSError as error:
        return _fail(
            f"cannot listen on {args.host}:{args.port}: {error.strerror}", EXIT_UNAVAILABLE
        )
    root = emulator.service_root(args.api)
    if not args.host.startswith("127.") and args.host not in ("localhost", "::1"):
        logger.warning("the emulator listens on %s with a demo login anyone can use", args.host)
    print(f"SAP Business One Service Layer emulator at {root}", flush=True)
    print(f"  demo login: company {DEMO_COMPANY}, user {DEMO_USER}, password {DEMO_PASSWORD}")
    print(f"  {data.count('BusinessPartners')} customers, {data.count('Invoices')} invoices")
    print(
        f"  point the kiosk at it: KIOSK_SAP__BASE_URL={root} KIOSK_SAP__COMPANY_DB={DEMO_COMPANY}"
        f" KIOSK_SAP__USERNAME={DEMO_USER} KIOSK_SAP__PASSWORD={DEMO_PASSWORD}"
    )
    print("  press Ctrl+C to stop", flush=True)
    try:
        emulator.serve()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return EXIT_OK


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    results = run_checks(settings, args.config_path)
    width = max(len(result.name) for result in results)
    for result in results:
        print(f"{result.outcome.value:<4}  {result.name:<{width}}  {result.detail}")
    return EXIT_USER_ERROR if any(r.outcome is Outcome.FAIL for r in results) else EXIT_OK


def _invoices_search(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    found = services.lookup.search(args.text, limit=args.limit)
    today = services.clock.today()
    if args.json:
        print(
            cli_output.to_json(
                [cli_output.invoice_record(i, today, with_lines=False) for i in found]
            )
        )
    else:
        print(cli_output.invoice_table(found, today))
    return EXIT_OK


def _invoices_show(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    found = services.lookup.invoices_by_number(args.doc_num)
    today = services.clock.today()
    if args.json:
        records = [cli_output.invoice_record(i, today, with_lines=True) for i in found]
        print(cli_output.to_json(records[0] if len(records) == 1 else records))
    else:
        print("\n\n".join(cli_output.invoice_details(invoice, today) for invoice in found))
    return EXIT_OK


def _invoices_pdf(args: argparse.Namespace, settings: Settings) -> int:
    documents = build_services(settings).documents
    invoice = documents.invoice_by_number(args.doc_num)
    _write(args.out, documents.invoice_pdf(invoice, language=args.lang or settings.kiosk.language))
    print(f"invoice {invoice.doc_num} written to {args.out}")
    return EXIT_OK


def _invoices_print(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    delivery = delivery_service(settings, services).print(
        invoice, printer=args.printer, requested_by=args.by
    )
    return _delivery_outcome(delivery)


def _invoices_email(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    invoice = services.documents.invoice_by_number(args.doc_num)
    delivery = delivery_service(settings, services).email(invoice, to=args.to, requested_by=args.by)
    return _delivery_outcome(delivery)


def _delivery_outcome(delivery: Delivery) -> int:
    print(cli_output.delivery_text(delivery))
    if delivery.state is DeliveryState.SENT:
        return EXIT_OK
    if delivery.state is DeliveryState.FAILED:
        return _fail(delivery.last_error or "the delivery failed", EXIT_REJECTED)
    return _fail(f"{delivery.last_error}; it stays queued and will be retried", EXIT_UNAVAILABLE)


def _printers(args: argparse.Namespace, settings: Settings) -> int:
    printers = system_printer(settings.printing.backend).printers()
    print(cli_output.printers_text(printers))
    return EXIT_OK


def _deliver(args: argparse.Namespace, settings: Settings) -> int:
    report = delivery_service(settings, build_services(settings)).deliver_new_invoices()
    if args.json:
        print(cli_output.to_json(report.__dict__))
    else:
        print(cli_output.delivery_summary(report))
    return EXIT_OK


def _deliveries(args: argparse.Namespace, settings: Settings) -> int:
    log = delivery_service(settings, build_services(settings)).log(
        state=DeliveryState(args.state) if args.state else None,
        channel=DeliveryChannel(args.channel) if args.channel else None,
    )
    if args.json:
        print(cli_output.to_json([cli_output.delivery_record(d) for d in log]))
    else:
        print(cli_output.deliveries_table(log))
    return EXIT_OK


def _payments_request(args: argparse.Namespace, settings: Settings) -> int:
    payments = build_services(settings).payments
    request = payments.request_for_numbers(args.doc_nums)
    payload = payments.qr_code(request).payload
    if args.json:
        print(cli_output.to_json(cli_output.payment_request_record(request, payload)))
    else:
        print(cli_output.payment_request_text(request, payload))
    return EXIT_OK


def _payments_slip(args: argparse.Namespace, settings: Settings) -> int:
    documents = build_services(settings).documents
    _write(
        args.out, documents.slip_pdf(args.reference, language=args.lang or settings.kiosk.language)
    )
    print(f"payment slip {args.reference} written to {args.out}")
    return EXIT_OK


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise InvalidValue(f"cannot write {path}: {error.strerror}") from None


def _customers_set_preference(args: argparse.Namespace, settings: Settings) -> int:
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


def _users_list(args: argparse.Namespace, settings: Settings) -> int:
    for account in build_services(settings).staff.accounts():
        locked = (
            f"  locked until {account.locked_until:%Y-%m-%d %H:%M}" if account.locked_until else ""
        )
        print(f"{account.name:<30} {account.role.value}{locked}")
    return EXIT_OK


def _users_add(args: argparse.Namespace, settings: Settings) -> int:
    staff = build_services(settings).staff
    account = staff.add(args.name, Role(args.role), _new_pin(args.pin_stdin))
    print(f"added {account.name} ({account.role.value})")
    return EXIT_OK


def _users_passwd(args: argparse.Namespace, settings: Settings) -> int:
    build_services(settings).staff.change_pin(args.name, _new_pin(args.pin_stdin))
    print(f"PIN changed for {args.name}")
    return EXIT_OK


def _new_pin(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().strip()
    pin = getpass.getpass("New PIN: ")
    if getpass.getpass("Repeat the PIN: ") != pin:
        raise InvalidValue("the two PINs differ")
    return pin


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    if missing := settings.sap.missing_keys():
        return _fail(f"{', '.join(missing)} not set: configure SAP first", EXIT_USAGE)
    services = build_services(settings)
    gateway = sap_client(settings)
    progress = _TerminalProgress() if not args.json and sys.stderr.isatty() else None
    try:
        report = sync_service(settings, services, gateway).run_once(
            full=args.full, progress=progress, asked=True
        )
    finally:
        gateway.close()
        if progress is not None:
            progress.finish()
    delivered = None
    if not report.error and not args.no_deliver:
        # Every new invoice goes out by its customer's preference right after the pull.
        delivered = delivery_service(settings, services).deliver_new_invoices()
    if args.json:
        record = cli_output.sync_record(report)
        record["delivery"] = delivered.__dict__ if delivered else None
        print(cli_output.to_json(record))
    else:
        print(cli_output.sync_summary(report))
        if delivered is not None:
            print(cli_output.delivery_summary(delivered))
    if report.error:
        kept = report.pending + report.parked
        return _fail(f"{report.error}; {kept} change(s) kept in the outbox", EXIT_UNAVAILABLE)
    return EXIT_OK


class _TerminalProgress:
    """One line on the terminal that a long first sync keeps rewriting, so it is seen working."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, entity: str, count: int) -> None:
        # Carriage return and erase-to-end-of-line: the line is rewritten, never scrolled.
        print(f"\r{entity}: {count:,} received\x1b[K", end="", file=sys.stderr, flush=True)
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _status(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    status = current_status(services.cursors, services.outbox_store, None)
    if args.json:
        print(cli_output.to_json(cli_output.status_record(status)))
    else:
        print(cli_output.sync_status_text(status))
    return EXIT_OK


def _outbox_list(args: argparse.Namespace, settings: Settings) -> int:
    entries = build_services(settings).outbox.entries()
    if args.json:
        print(cli_output.to_json([cli_output.outbox_record(entry) for entry in entries]))
    else:
        print(cli_output.outbox_table(entries))
    return EXIT_OK


def _outbox_retry(args: argparse.Namespace, settings: Settings) -> int:
    entry = build_services(settings).outbox.retry(args.entry_id, by=args.by)
    print(f"outbox entry {entry.id} will be sent again with the next sync")
    return EXIT_OK


def _outbox_discard(args: argparse.Namespace, settings: Settings) -> int:
    entry = build_services(settings).outbox.discard(args.entry_id, reason=args.reason, by=args.by)
    print(f"outbox entry {entry.id} discarded: {entry.resolution}")
    return EXIT_OK


def _customers_show(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    overview = services.lookup.customer_overview(args.card_code)
    today = services.clock.today()
    if args.json:
        print(cli_output.to_json(cli_output.customer_record(overview, today)))
    else:
        print(cli_output.customer_details(overview, today))
    return EXIT_OK
