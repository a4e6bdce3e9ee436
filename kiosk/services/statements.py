"""A customer's statement of account: gathered from the cache, the ledger and the disputes, and
made into its PDF and CSV."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.reports import ReportPeriod
from kiosk.domain.statement import Statement, build_statement
from kiosk.language.catalogue import LANGUAGES, Texts
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.disputes import DisputeStore
from kiosk.services.ports.statements import (
    StatementLedger,
    StatementRenderer,
    StatementTableWriter,
)

DEFAULT_DAYS = 90
"""A statement asked for without dates covers the last 90 days, to today."""
# One read, so a sync writing meanwhile cannot shift pages under it; no customer comes near it.
_EVERY_INVOICE = 1_000_000
_EVERY_DISPUTE = 100_000
_REFERENCE = re.compile(r"(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})(?::(\w+))?")
_UNSAFE_IN_FILE_NAMES = re.compile(r"[^\w-]+")


@dataclass(frozen=True, slots=True)
class StatementFiles:
    """A statement as it travels: its PDF and its CSV, each with its file name."""

    pdf_name: str
    pdf: bytes
    csv_name: str
    csv: bytes


class StatementService:
    """Builds statements of account from what the kiosk caches; nothing here talks to SAP."""

    def __init__(
        self,
        invoices: InvoiceStore,
        ledger: StatementLedger,
        disputes: DisputeStore,
        clock: Clock,
        renderer: StatementRenderer,
        table: StatementTableWriter,
    ) -> None:
        self._invoices = invoices
        self._ledger = ledger
        self._disputes = disputes
        self._clock = clock
        self._renderer = renderer
        self._table = table

    def period(self, start: date | None = None, end: date | None = None) -> ReportPeriod:
        """The days a statement covers: by default the last 90 days to today; InvalidValue for
        a period that ends before it starts or after today."""
        today = self._clock.today()
        last = end or today
        if last > today:
            raise InvalidValue(
                f"a statement cannot end after today ({today.isoformat()}): "
                f"{last.isoformat()} is in the future"
            )
        return ReportPeriod(start or last - timedelta(days=DEFAULT_DAYS), last)

    def statement(self, customer_code: str, period: ReportPeriod) -> Statement:
        """The customer's statement for the period; NotFound for a customer the cache lacks."""
        customer = self._invoices.customer(customer_code)
        if customer is None:
            raise NotFound(f"no customer {customer_code!r} in the local cache")
        code, until = customer.code, period.end
        return build_statement(
            customer,
            period,
            invoices=self._invoices.invoices_for_customer(
                code, limit=_EVERY_INVOICE, with_lines=False
            ),
            credit_notes=self._ledger.credit_notes_for_customer(code, until),
            payments=self._ledger.payments_for_customer(code, until),
            disputes=self._disputes.disputes(customer_code=code, limit=_EVERY_DISPUTE),
            today=self._clock.today(),
            history_complete=self._ledger.history_complete(),
        )

    def files(self, statement: Statement, *, language: str) -> StatementFiles:
        """The statement's PDF and CSV in a language, named after the customer and period."""
        words = Texts(language)
        name = words.format(
            "statement_file_name",
            customer=_UNSAFE_IN_FILE_NAMES.sub("_", statement.customer_code),
            start=statement.period.start.isoformat(),
            end=statement.period.end.isoformat(),
        )
        return StatementFiles(
            f"{name}.pdf",
            self._renderer.render(statement, language=language),
            f"{name}.csv",
            self._table.render(statement, language=language),
        )


def statement_reference(period: ReportPeriod, language: str) -> str:
    """What a statement's delivery keeps as its reference: 2026-01-01:2026-03-31:es."""
    return f"{period.start.isoformat()}:{period.end.isoformat()}:{language}"


def read_statement_reference(reference: str | None) -> tuple[ReportPeriod, str | None]:
    """The period and language (None: the kiosk's) a statement delivery's reference holds."""
    found = _REFERENCE.fullmatch(reference or "")
    try:
        if found is None:
            raise ValueError(reference)
        start, end, language = found.groups()
        period = ReportPeriod(date.fromisoformat(start), date.fromisoformat(end))
    except (ValueError, InvalidValue):
        # NotFound: the delivery fails for staff to see, and never stops the queue behind it.
        raise NotFound(f"no statement period in the delivery's reference {reference!r}") from None
    return period, language if language in LANGUAGES else None
