"""`kiosk doctor`: checks that settings, database and outside systems are ready, one line each."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from kiosk.app.settings import Settings, SmtpSettings
from kiosk.app.wiring import (
    bounce_mailbox,
    database_engine,
    dkim_signer,
    sap_client,
    smtp_mailer,
    system_printer,
)
from kiosk.delivery.dkim_signer import DkimSigner
from kiosk.delivery.dns_records import DnsRecords
from kiosk.delivery.smtp_mailer import sender_domain
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.storage.database import describe
from kiosk.storage.invoice_store import SqlInvoiceStore
from kiosk.storage.schema_migration import SCHEMA_HEAD, current_revision


class Outcome(enum.Enum):
    OK = "ok"
    WARN = "warn"  # works, but something a person should add (mail may land in spam)
    FAIL = "FAIL"
    SKIPPED = "skip"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check, with the reason a person needs."""

    name: str
    outcome: Outcome
    detail: str


class DnsLookup(Protocol):
    """Reads DNS: the records of a type ("TXT", "MX") at a name, [] when there are none;
    ExternalUnavailable when DNS does not answer."""

    def __call__(self, name: str, record_type: str) -> list[str]: ...


def run_checks(
    settings: Settings, config_path: Path | None, dns: DnsLookup | None = None
) -> list[CheckResult]:
    """Run every check; none of them changes anything."""
    source = f"loaded from {config_path}" if config_path else "defaults and environment (no file)"
    return [
        CheckResult("settings", Outcome.OK, source),
        _check_database(settings),
        _check_sap(settings),
        _check_smtp(settings),
        *check_sender_domain(settings.smtp, DnsRecords() if dns is None else dns),
        _check_bounces(settings),
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
    try:
        greeting = smtp_mailer(smtp).check()
    except (ExternalUnavailable, ExternalRejected) as error:
        return CheckResult("smtp", Outcome.FAIL, str(error))
    login = f", logged in as {smtp.username}" if smtp.username else ""
    return CheckResult(
        "smtp", Outcome.OK, f"{smtp.host}:{smtp.port} ({smtp.security}{login}): {greeting}"
    )


def check_sender_domain(smtp: SmtpSettings, dns: DnsLookup) -> list[CheckResult]:
    """What receivers look up about the sender's domain before they trust its mail: SPF,
    DMARC, the DKIM key and MX, a line each; one line when DNS does not answer."""
    domain = sender_domain(smtp.sender)
    if not smtp.host or not domain:
        missing = "smtp.host is empty" if not smtp.host else "smtp.sender has no domain"
        return [CheckResult("domain", Outcome.SKIPPED, f"sender domain not checked ({missing})")]
    try:
        signer, key_problem = dkim_signer(smtp), ""
    except ExternalRejected as error:
        signer, key_problem = None, str(error)
    try:
        spf = [r for r in dns(domain, "TXT") if r.lower().startswith("v=spf1")]
        dmarc = [r for r in dns(f"_dmarc.{domain}", "TXT") if r.lower().startswith("v=dmarc1")]
        keys = dns(signer.record_name, "TXT") if signer is not None else []
        exchanges = dns(domain, "MX")
    except ExternalUnavailable as error:
        unchecked = f"could not check {domain} (SPF, DMARC, DKIM, MX): {error}"
        return [CheckResult("domain", Outcome.SKIPPED, unchecked)]
    return [
        _spf_result(domain, spf, smtp.host),
        _dmarc_result(domain, dmarc, smtp),
        _dkim_result(domain, smtp, signer, key_problem, keys),
        _mx_result(domain, exchanges),
    ]


def _spf_result(domain: str, records: list[str], host: str) -> CheckResult:
    if not records:
        return CheckResult(
            "spf", Outcome.WARN,
            f"{domain} has no SPF record: add a TXT record on {domain} naming the servers that "
            f'send its mail, such as "v=spf1 mx ~all" (or your mail provider\'s include: for '
            f"{host})",
        )  # fmt: skip
    if len(records) > 1:
        return CheckResult(
            "spf", Outcome.FAIL,
            f"{domain} has {len(records)} SPF records, which receivers treat as none: merge "
            "them into one",
        )  # fmt: skip
    return CheckResult("spf", Outcome.OK, f"{domain}: {records[0]}")


def _dmarc_result(domain: str, records: list[str], smtp: SmtpSettings) -> CheckResult:
    if not records:
        reports = parseaddr(smtp.reply_to or smtp.sender)[1]
        return CheckResult(
            "dmarc", Outcome.WARN,
            f"no DMARC record at _dmarc.{domain}: add a TXT record there such as "
            f'"v=DMARC1; p=none; rua=mailto:{reports}"',
        )  # fmt: skip
    return CheckResult("dmarc", Outcome.OK, f"_dmarc.{domain}: {records[0]}")


def _dkim_result(
    domain: str, smtp: SmtpSettings, signer: DkimSigner | None, problem: str, records: list[str]
) -> CheckResult:
    if problem:
        return CheckResult("dkim", Outcome.FAIL, problem)
    if signer is None:
        return CheckResult(
            "dkim", Outcome.WARN,
            "mail is not signed: set smtp.dkim_selector and smtp.dkim_key_file, and publish "
            f"the key's TXT record at <selector>._domainkey.{domain}",
        )  # fmt: skip
    name = signer.record_name
    if not records:
        return CheckResult(
            "dkim",
            Outcome.FAIL,
            f'no key at {name}: add a TXT record there: "{signer.dns_record()}"',
        )
    if not any(signer.matches(record) for record in records):
        return CheckResult(
            "dkim", Outcome.FAIL,
            f"the key at {name} is not the public half of smtp.dkim_key_file: publish "
            f'"{signer.dns_record()}" there',
        )  # fmt: skip
    if domain != signer.domain and not domain.endswith(f".{signer.domain}"):
        return CheckResult(
            "dkim", Outcome.WARN,
            f"{name} matches smtp.dkim_key_file, but DMARC ignores a signature of "
            f"{signer.domain} on mail from {domain}: set smtp.dkim_domain to {domain}",
        )  # fmt: skip
    return CheckResult("dkim", Outcome.OK, f"{name} holds the public half of smtp.dkim_key_file")


def _mx_result(domain: str, exchanges: list[str]) -> CheckResult:
    if not exchanges:
        return CheckResult(
            "mx", Outcome.WARN,
            f"{domain} has no MX record: replies and bounce reports to it cannot arrive",
        )  # fmt: skip
    by_preference = sorted(exchanges, key=lambda mx: int(mx.split()[0]) if mx[:1].isdigit() else 0)
    return CheckResult("mx", Outcome.OK, f"{domain}: {', '.join(by_preference)}")


def _check_bounces(settings: Settings) -> CheckResult:
    bounces = settings.bounces
    if not bounces.host:
        return CheckResult(
            "bounces", Outcome.SKIPPED,
            "not configured (bounces.host is empty): returned mail still counts as delivered",
        )  # fmt: skip
    try:
        unread = bounce_mailbox(bounces).check()
    except (ExternalUnavailable, ExternalRejected) as error:
        return CheckResult("bounces", Outcome.FAIL, str(error))
    return CheckResult(
        "bounces", Outcome.OK,
        f"{bounces.host}:{bounces.port}, logged in as {bounces.username}: {unread}",
    )  # fmt: skip


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
