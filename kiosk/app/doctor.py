"""`kiosk doctor`: checks that settings, database and outside systems are ready, one line each."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from kiosk.app.settings import Settings
from kiosk.app.wiring import database_engine, sap_client, smtp_mailer, system_printer
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.storage.database import describe
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.schema_migration import SCHEMA_HEAD, current_revision


class Outcome(enum.Enum):
    OK = "ok"
    FAIL = "FAIL"
    SKIPPED = "skip"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, with the reason a person needs."""

    name: str
    outcome: Outcome
    detail: str


def run_checks(settings: Settings, config_path: Path | None) -> list[CheckResult]:
    """Run every check; none of them changes anything."""
    source = f"loaded from {config_path}" if config_path else "defaults and environment (no file)"
    return [
        CheckResult("settings", Outcome.OK, source),
        _check_database(settings),
        _check_sap(settings),
        _check_smtp(settings),
        _check_printer(settings),
    ]


def _check_database(settings: Settings) -> CheckResult:
    engine = database_engine(settings.database)
    try:
        revision = current_revision(engine)
        if revision != SCHEMA_HEAD:
            return CheckResult(
                "database",
                Outcome.FAIL,
                f"{describe(engine)} is at schema {revision or 'none (empty)'}, this kiosk needs "
                f"{SCHEMA_HEAD}: run `kiosk db upgrade`",
            )
        counts = SqlInvoiceStore(engine).counts()
    except (ExternalUnavailable, ExternalRejected) as error:
        return CheckResult("database", Outcome.FAIL, str(error))
    finally:
        engine.dispose()
    return CheckResult(
        "database",
        Outcome.OK,
        f"{describe(engine)} at schema {revision}: {counts['invoices']:,} invoices, "
        f"{counts['customers']:,} customers",
    )


def _check_sap(settings: Settings) -> CheckResult:
    if not settings.sap.is_configured:
        return CheckResult("sap", Outcome.SKIPPED, "not configured (sap.base_url is empty)")
    client = sap_client(settings)
    try:
        client.session.login()
    except (ExternalUnavailable, ExternalRejected) as error:
        return CheckResult("sap", Outcome.FAIL, str(error))
    finally:
        client.close()
    return CheckResult(
        "sap",
        Outcome.OK,
        f"logged in to {settings.sap.company_db} as {settings.sap.username} at "
        f"{settings.sap.base_url} (Service Layer version {client.session.server_version})",
    )


def _check_smtp(settings: Settings) -> CheckResult:
    smtp = settings.smtp
    if not smtp.host:
        return CheckResult("smtp", Outcome.SKIPPED, "not configured (smtp.host is empty)")
    mailer = smtp_mailer(smtp)
    try:
        greeting = mailer.check()
    except (ExternalUnavailable, ExternalRejected) as error:
        return CheckResult("smtp", Outcome.FAIL, str(error))
    login = f", logged in as {smtp.username}" if smtp.username else ""
    return CheckResult(
        "smtp", Outcome.OK, f"{smtp.host}:{smtp.port} ({smtp.security}{login}): {greeting}"
    )


def _check_printer(settings: Settings) -> CheckResult:
    wanted = settings.printing.printer
    try:
        printers = system_printer(settings.printing.backend).printers()
    except (ExternalUnavailable, ExternalRejected) as error:
        outcome = Outcome.FAIL if wanted else Outcome.SKIPPED
        return CheckResult("printer", outcome, str(error))
    found = next((p for p in printers if (p.name == wanted if wanted else p.is_default)), None)
    names = ", ".join(p.name for p in printers) or "none"
    if found is None and not wanted:
        return CheckResult(
            "printer", Outcome.SKIPPED,
            f"no printer configured and no system default (printers here: {names})",
        )  # fmt: skip
    if found is None:
        return CheckResult("printer", Outcome.FAIL, f"printer {wanted!r} not found ({names})")
    if not (found.enabled and found.accepting):
        return CheckResult("printer", Outcome.FAIL, f"printer {found.name} is stopped")
    return CheckResult("printer", Outcome.OK, f"{found.name} ready")
