"""One sync pass: push the outbox, then pull what changed in SAP into the cache.

Pulls are streamed: each page is stored in its own short transaction as it arrives (the next
page is fetched, and mapped, meanwhile), and a cursor moves only after its whole pass is
stored. SAP filters UpdateDate by day and UpdateTime by minute, so the pull re-reads from the
day before its watermark and drops rows it already holds by DataVersion: same-minute and
same-second changes are never missed. Only a first download notes its progress page by page,
in each page's own transaction, so that an interrupted one goes on where it stopped.

From the pass after the first download on, the customer ledger (credit notes and payments, for
statements) is kept too: new credit notes by DocEntry, every payment the pass reads, and, a
window of DocEntries per pass, the payments SAP recorded before the kiosk began keeping them.
SAP's payments carry no UpdateDate and a cancellation does not change a DocEntry, so a payment
or credit note cancelled after it was cached is refreshed only by a full pass, which reads every
credit note and payment again; a credit note's cancellation document (a new DocEntry, itself
marked cancelled) arrives with the next pass.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.domain.payment_reference import is_valid_reference, kiosk_sequence, reference_prefix
from kiosk.domain.payment_request import RequestState
from kiosk.domain.tracking import EventKind
from kiosk.services.disputes import DisputeService
from kiosk.services.download_position import DownloadPosition
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.services.fiscal_documents import FiscalDocuments
from kiosk.services.outbox import Due, OutboxPusher, PushReport
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.ledger import PAYMENT_HISTORY, LedgerSource, LedgerStore
from kiosk.services.ports.outbox import OutboxStore
from kiosk.services.ports.payments import PaymentRequestStore
from kiosk.services.ports.preferences import PreferenceStore
from kiosk.services.ports.sap import SapGateway
from kiosk.services.ports.sync import (
    CacheSyncStore,
    InvoicePage,
    InvoiceWriter,
    Pulled,
    PullKind,
    SapCustomer,
    SyncCursor,
    SyncCursorStore,
)
from kiosk.services.preferences import reconcile_with_sap
from kiosk.services.tracking import NO_TRACKING, Tracking

logger = logging.getLogger(__name__)

CUSTOMERS = "customers"
INVOICES = "invoices"
PAYMENTS = "payments"
CREDIT_NOTES = "credit_notes"
ENTITIES = (CUSTOMERS, INVOICES, PAYMENTS, CREDIT_NOTES)
LEDGER_CREDIT_NOTES = "ledger_credit_notes"
"""The sync cursor of the credit notes kept in the cache: the highest DocEntry stored."""
PAYMENTS_PER_PASS = 2000
T = TypeVar("T")
Progress = Callable[[str, int], None]
"""Told after each stored page: the entity and how many of it this pass has pulled so far."""


def _no_progress(_entity: str, _pulled: int) -> None:
    return None


@dataclass
class Reconciliation:
    """What a full pass found when it compared the cache with SAP."""

    invoices_in_sap: int = 0
    flagged_invoices: int = 0
    flagged_customers: int = 0
    customers_with_different_count: list[str] = field(default_factory=list)
    customers_with_different_balance: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    """What one sync pass did; `error` is set when it could not finish."""

    started_at: datetime
    full: bool
    seconds: float = 0.0
    pulled: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITIES, 0))
    stored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITIES, 0))
    refreshed_by_payments: int = 0
    settled_requests: int = 0
    mismatched_requests: int = 0  # quoted a request's reference, but not its customer or amount
    fiscal_downloaded: int = 0  # stamped CFDI XML fetched from SAP's attachments (Mexico)
    disputes_closed: int = 0  # accepted disputes whose credit note arrived
    payment_history: int = 0  # earlier payments the back-fill (or a full pass) stored
    refreshed_by_credit_notes: int = 0
    push: PushReport = field(default_factory=PushReport)
    pending: int = 0
    parked: int = 0
    reconciliation: Reconciliation | None = None
    error: str | None = None
    held_by: str | None = None
    """Set when another client of the branch held the sync lease: this pass did nothing."""


class SyncService:
    """Runs sync passes; one at a time (the caller's lane guarantees it)."""

    def __init__(
        self,
        gateway: SapGateway,
        cache: CacheSyncStore,
        cursors: SyncCursorStore,
        outbox: OutboxStore,
        preferences: PreferenceStore,
        clock: Clock,
        *,
        requests: PaymentRequestStore | None = None,
        kiosk_number: int = 1,
        overlap: timedelta = timedelta(days=1),
        fiscal: FiscalDocuments | None = None,
        disputes: DisputeService | None = None,
        ledger: LedgerStore | None = None,
        ledger_source: LedgerSource | None = None,
        payments_per_pass: int = PAYMENTS_PER_PASS,
        tracking: Tracking = NO_TRACKING,
    ) -> None:
        """`ledger` and `ledger_source` (SAP) together keep the customer ledger in the cache;
        `payments_per_pass` is the width, in DocEntries, of each pass's back-fill window."""
        self._gateway = gateway
        self._cache = cache
        self._cursors = cursors
        self._outbox = outbox
        self._preferences = preferences
        self._clock = clock
        self._overlap = overlap
        self._requests = requests
        self._kiosk_number = kiosk_number
        self._fiscal = fiscal
        self._disputes = disputes
        self._ledger = ledger
        self._ledger_source = ledger_source
        self._payments_per_pass = max(1, payments_per_pass)
        self._pusher = OutboxPusher(outbox, gateway, clock)
        self._tracking = tracking

    def run_once(
        self, *, full: bool = False, progress: Progress | None = None, asked: bool = False
    ) -> SyncReport:
        """Push, then pull; SAP being unreachable ends the pass with `error` set, losing nothing.

        `asked` is a sync someone asked for (`kiosk sync`, "Sync now"): it pushes every pending
        change, not only those whose retry time has come.
        """
        started = time.perf_counter()
        report = SyncReport(started_at=self._clock.now(), full=full)
        progress = progress or _no_progress
        try:
            # Logged in first: the outbox's backoff is for an SAP that does not answer, and once
            # it does, what network trouble held back goes in this pass.
            self._gateway.connect()
            # A push that could not finish still lets the pull try: if one write failed, the
            # cache still catches up.
            report.push = self._pusher.push_due(Due.ALL_PENDING if asked else Due.SAP_ANSWERS)
            self._pull(report, full, progress)
        except (ExternalUnavailable, ExternalRejected) as error:
            report.error = str(error)
            logger.info("sync pass stopped: %s", error)
        finally:
            counts = self._outbox.counts()
            report.pending = counts.get("pending", 0)
            report.parked = counts.get("parked", 0)
            report.seconds = time.perf_counter() - started
        return report

    # --- pulls -----------------------------------------------------------------------------

    def _pull(self, report: SyncReport, full: bool, progress: Progress) -> None:
        seen_pass = int(time.time()) if full else None
        downloaded = self._cursors.cursor(INVOICES)
        first_download = downloaded is None or downloaded.last_success_at is None
        several = self._gateway.parallel_requests > 1  # else one request at a time, always
        windows = (full or first_download) and several
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sap-mark") as asking:
            # Two marks asked while the customers come, each one slow request to a real SAP
            # (one after the other: two requests at once at most, which a busy SAP still
            # takes); both are taken before any invoice is read, as each must be.
            highest = asking.submit(self._gateway.highest_invoice_entry) if windows else None
            payments_mark = (
                asking.submit(self._gateway.latest_payment_entry)
                if several and self._cursor(PAYMENTS).last_key is None
                else None
            )
            self._pull_customers(report, seen_pass, progress)
            payments_after = self._payments_start(payments_mark)
            self._history_start(payments_after)
            self._learn_reference_mark(ask_again=full)
            balances_before = self._cache.open_balances() if full else {}
            counts_before = self._cache.invoice_counts() if full else {}
            sap_side = self._pull_invoices(report, seen_pass, progress, highest)
        self._pull_payments(report, payments_after)
        if not first_download:
            # Kept off the first download, which the kiosk waits for.
            self._pull_credit_notes(report, full, progress)
            self._back_fill_payments(report, payments_after, full, progress)
        if full and seen_pass is not None:
            report.reconciliation = self._reconcile(
                seen_pass, sap_side, balances_before, counts_before
            )
        # The first download is what the kiosk waits for before it identifies anyone: stamped
        # payments and XML follow from the next pass on (an XML also on first use).
        if self._fiscal is not None and not first_download:
            report.fiscal_downloaded = self._fiscal.catch_up(full=full)
        if self._disputes is not None:
            report.disputes_closed = self._disputes.close_by_credit_notes()

    def _pull_customers(
        self, report: SyncReport, seen_pass: int | None, progress: Progress
    ) -> None:
        cursor = self._cursor(CUSTOMERS)
        since = None if seen_pass else self._since(cursor)
        newest = cursor.watermark
        for page in self._gateway.changed_business_partners(since):
            report.pulled[CUSTOMERS] += len(page)
            newest = _newest(newest, page)
            known = self._cache.customer_versions([p.value.customer.code for p in page])
            changed = [p for p in page if _is_new(p, known.get(p.value.customer.code))]
            customers = [Pulled(p.value.customer, p.updated_at, p.data_version) for p in changed]
            report.stored[CUSTOMERS] += self._cache.store_pulled_customers(customers, seen_pass)
            if seen_pass is not None:
                self._cache.mark_customers_seen([p.value.customer.code for p in page], seen_pass)
            self._reconcile_preferences(changed)
            progress(CUSTOMERS, report.pulled[CUSTOMERS])
        self._finish(cursor, newest, None)

    def _reconcile_preferences(self, changed: list[Pulled[SapCustomer]]) -> None:
        if not changed:
            return
        states = self._preferences.preference_states([p.value.customer.code for p in changed])
        now = self._clock.now()
        decisions = [
            decision
            for item in changed
            if (decision := reconcile_with_sap(item, states.get(item.value.customer.code), now))
        ]
        if decisions:
            self._preferences.apply_decisions(decisions, now)

    def _pull_invoices(
        self,
        report: SyncReport,
        seen_pass: int | None,
        progress: Progress,
        highest: Future[int] | None = None,
    ) -> dict[str, tuple[int, dict[str, Decimal]]]:
        cursor = self._cursor(INVOICES)
        first_download = seen_pass is None and cursor.last_success_at is None
        kind = (
            PullKind.FULL_PASS
            if seen_pass is not None
            else PullKind.FIRST_DOWNLOAD
            if first_download
            else PullKind.DELTA
        )
        # A resumed download keeps the watermark of its first part: what SAP changed meanwhile
        # in invoices already stored is newer than that, so the next delta reads it.
        resumed = first_download and (cursor.last_key is not None or bool(cursor.stored_windows))
        position = DownloadPosition(cursor.last_key, cursor.stored_windows)
        newest = cursor.watermark
        sap_side: dict[str, tuple[int, dict[str, Decimal]]] = {}

        def stored(count: int) -> None:
            progress(INVOICES, count)

        with self._cache.invoice_writer(kind, seen_pass=seen_pass, on_stored=stored) as writer:
            for page, moved_on in self._invoice_pages(kind, cursor, position, highest):
                report.pulled[INVOICES] += len(page)
                if not resumed:
                    newest = _newest(newest, page)
                moved = None
                if first_download and moved_on:
                    # A first download can take hours over a slow line: an interrupted one goes
                    # on from what it stored instead of starting again.
                    moved = replace(
                        cursor,
                        watermark=newest,
                        last_key=position.last_key,
                        stored_windows=position.stored_windows,
                    )
                report.stored[INVOICES] += self._write_invoices(
                    writer, page, seen_pass, moved, cached=not first_download,
                    pulled=report.pulled[INVOICES],
                )  # fmt: skip
                if seen_pass is not None:
                    _add_to_totals(sap_side, page)
        progress(INVOICES, report.pulled[INVOICES])  # pages with nothing new are told here
        self._finish(replace(cursor, last_key=None, stored_windows=()), newest, None)
        return sap_side

    def _invoice_pages(
        self,
        kind: PullKind,
        cursor: SyncCursor,
        position: DownloadPosition,
        highest_asked: Future[int] | None,
    ) -> Iterator[tuple[list[Pulled[InvoiceRecord]], bool]]:
        """The pass's pages of invoices, each with whether `position` moved on with it.

        A first download or a full pass reads in parallel windows (up to SAP's newest
        DocEntry, asked ahead) when SAP may take several requests at once; a delta, or a
        setting of 1, reads one page after another.
        """
        if kind is not PullKind.DELTA and self._gateway.parallel_requests > 1:
            highest = (
                highest_asked.result()
                if highest_asked is not None
                else self._gateway.highest_invoice_entry()
            )
            ranges = position.gaps(highest) if kind is PullKind.FIRST_DOWNLOAD else [(1, highest)]
            for window_page in self._gateway.invoices_in_windows(ranges):
                if window_page.finished:
                    position.add(window_page.window)
                yield window_page.records, window_page.finished
            return
        if kind is PullKind.FIRST_DOWNLOAD and cursor.last_key is not None:
            pages = self._gateway.invoices_after(cursor.last_key)
        else:
            since = None if kind is not PullKind.DELTA else self._since(cursor)
            pages = self._gateway.changed_invoices(since)
        for page in pages:
            if page:
                position.advance_to(max(pulled.value.doc_entry for pulled in page))
            yield page, bool(page)

    def _write_invoices(
        self,
        writer: InvoiceWriter,
        page: list[Pulled[InvoiceRecord]],
        seen_pass: int | None,
        cursor: SyncCursor | None = None,
        *,
        cached: bool = True,
        pulled: int = 0,
    ) -> int:
        """Hand over what changed in a page; `cached` False skips asking (a first download)."""
        if cached:
            known = self._cache.invoice_versions([p.value.doc_entry for p in page])
            changed = [p for p in page if _is_new(p, known.get(p.value.doc_entry))]
        else:
            changed = page
        seen = [p.value.doc_entry for p in page] if seen_pass is not None else []
        writer.write(InvoicePage(changed, seen, cursor, pulled))
        if self._fiscal is not None and cached and seen_pass is None:
            # Written in line, so noted now: a pass cut short later still has them noted. The
            # bulk passes (a first download, a full pass) leave it to catch_up, all at once.
            self._fiscal.note_stamped_invoices([p.value for p in changed])
        return len(changed)

    def _payments_start(self, asked: Future[int] | None = None) -> int:
        """The payment DocEntry this pass reads payments after, taken before it reads invoices
        (`asked` of SAP ahead, when there is no mark yet).

        A payment SAP records while the invoices are being read can change one already stored
        without touching its UpdateDate; reading from a mark taken before catches it. The first
        mark is kept at once, so a first download resumed days later still catches those.
        """
        cursor = self._cursor(PAYMENTS)
        if cursor.last_key is not None:
            return cursor.last_key
        mark = asked.result() if asked is not None else self._gateway.latest_payment_entry()
        self._cursors.save_cursor(replace(cursor, last_key=mark))
        return mark

    def _learn_reference_mark(self, *, ask_again: bool) -> None:
        """Ask SAP (once, or in a full pass) how far this kiosk's payment references have got.

        Asked after the payments mark is taken, so every payment before it is in SAP's answer
        and every one after it is read by this pass; and before invoices are stored, so a cache
        cannot hand out a reference until it knows where its numbering stands.
        """
        if self._requests is None:
            return
        if not ask_again and self._requests.reference_mark(self._kiosk_number) is not None:
            return
        quoted = self._gateway.highest_payment_reference(reference_prefix(self._kiosk_number))
        sequence = kiosk_sequence(quoted, self._kiosk_number) if quoted else None
        self._requests.raise_reference_mark(self._kiosk_number, sequence or 0)

    def _pull_payments(self, report: SyncReport, after: int) -> None:
        """New payments change what invoices owe even when SAP leaves their UpdateDate alone."""
        cursor = self._cursor(PAYMENTS)
        parts = self._ledger_parts()
        ledger = parts[0] if parts else None
        last_key = after
        paid: set[int] = set()
        highest_sequence = 0
        for page in self._gateway.incoming_payments_after(after):
            report.pulled[PAYMENTS] += len(page)
            if ledger is not None:
                report.stored[PAYMENTS] += ledger.store_payments(page)
            for payment in page:
                last_key = max(last_key, payment.doc_entry)
                paid.update(payment.invoice_doc_entries)
                quoted = kiosk_sequence(payment.reference or "", self._kiosk_number)
                highest_sequence = max(highest_sequence, quoted or 0)
                self._settle_request(payment, report)
        if highest_sequence and self._requests is not None:
            # Even a cancelled payment or a stray one shows SAP has seen the reference: a
            # rebuilt cache must never hand it out again.
            self._requests.raise_reference_mark(self._kiosk_number, highest_sequence)
        report.refreshed_by_payments += self._refresh_invoices(paid)
        self._finish(cursor, None, last_key)

    def _refresh_invoices(self, doc_entries: set[int]) -> int:
        """Read these invoices again and store those that changed; how many did."""
        if not doc_entries:
            return 0
        refreshed = 0
        with self._cache.invoice_writer(PullKind.DELTA) as writer:
            for invoices in self._gateway.invoices_by_entries(sorted(doc_entries)):
                refreshed += self._write_invoices(writer, invoices, None)
        return refreshed

    # --- the customer ledger ---------------------------------------------------------------

    def _ledger_parts(self) -> tuple[LedgerStore, LedgerSource] | None:
        if self._ledger is None or self._ledger_source is None:
            return None
        return self._ledger, self._ledger_source

    def _history_start(self, payments_after: int) -> None:
        """Note, once, that the back-fill of earlier payments ends at the payments mark: this
        pass and every later one read (and keep) all payments after it."""
        if self._ledger_parts() and self._cursors.cursor(PAYMENT_HISTORY) is None:
            # Noting where it starts is its first step: the status shows it as under way.
            self._cursors.save_cursor(
                SyncCursor(
                    PAYMENT_HISTORY, last_key=payments_after, last_success_at=self._clock.now()
                )
            )

    def _pull_credit_notes(self, report: SyncReport, full: bool, progress: Progress) -> None:
        """New credit notes into the cache (a full pass: all of them again, for cancellations),
        then the invoices new ones credit, which SAP may change without a new UpdateDate."""
        parts = self._ledger_parts()
        if parts is None:
            return
        ledger, source = parts
        cursor = self._cursor(LEDGER_CREDIT_NOTES)
        last = cursor.last_key or 0
        # The first pull brings the whole history, credited before the invoices were read; a
        # full pass reads every invoice anyway.
        refresh = not full and cursor.last_key is not None
        credited: set[int] = set()
        for page in source.credit_notes_after(0 if full else last):
            report.pulled[CREDIT_NOTES] += len(page)
            report.stored[CREDIT_NOTES] += ledger.store_credit_notes(page)
            if refresh:
                credited.update(entry for note in page for entry in note.invoice_entries)
            last = max([last, *(note.doc_entry for note in page)])
            progress(CREDIT_NOTES, report.pulled[CREDIT_NOTES])
        report.refreshed_by_credit_notes += self._refresh_invoices(credited)
        self._finish(cursor, None, last)

    def _back_fill_payments(
        self, report: SyncReport, payments_after: int, full: bool, progress: Progress
    ) -> None:
        """Earlier payments into the cache, one window of DocEntries per pass going down from
        the payments mark (a full pass: every payment up to the mark, which also refreshes
        those cancelled since they were cached)."""
        parts = self._ledger_parts()
        cursor = self._cursors.cursor(PAYMENT_HISTORY)
        if parts is None or cursor is None:
            return
        ledger, source = parts
        up_to = payments_after if full else cursor.last_key or 0
        if up_to <= 0:
            return
        after = 0 if full else max(0, up_to - self._payments_per_pass)
        for page in source.incoming_payments_between(after, up_to):
            report.payment_history += ledger.store_payments(page)
            progress(PAYMENT_HISTORY, report.payment_history)
        self._finish(cursor, None, after)

    def _settle_request(self, payment: IncomingPayment, report: SyncReport) -> None:
        """A payment quoting a kiosk reference settles that request, if it is really for it."""
        reference = "".join((payment.reference or "").split())
        if self._requests is None or payment.cancelled or not is_valid_reference(reference):
            return
        request = self._requests.payment_request(reference)
        if request is None or request.state is not RequestState.OPEN:
            return
        if not request.is_paid_by(payment):
            report.mismatched_requests += 1
            logger.warning(
                "payment %s quotes the reference of payment request %s but does not match its"
                " customer, amount or invoices (customer %s, %s applied to its invoices, %s"
                " asked): left open",
                payment.doc_num,
                reference,
                payment.customer_code,
                request.applied_by(payment),
                request.total.amount,
            )
            return
        if self._requests.settle_payment_request(reference, payment.doc_entry):
            report.settled_requests += 1
            self._tracking.record(EventKind.PAYMENT_SETTLED, request.customer_code)

    # --- cursors and reconciliation --------------------------------------------------------

    def _cursor(self, entity: str) -> SyncCursor:
        return self._cursors.cursor(entity) or SyncCursor(entity)

    def _since(self, cursor: SyncCursor) -> date | None:
        return None if cursor.watermark is None else (cursor.watermark - self._overlap).date()

    def _finish(self, cursor: SyncCursor, watermark: datetime | None, last_key: int | None) -> None:
        self._cursors.save_cursor(
            replace(
                cursor,
                watermark=watermark if watermark is not None else cursor.watermark,
                last_key=last_key if last_key is not None else cursor.last_key,
                last_success_at=self._clock.now(),
                last_error=None,
            )
        )

    def _reconcile(
        self,
        seen_pass: int,
        sap_side: dict[str, tuple[int, dict[str, Decimal]]],
        balances_before: dict[str, dict[str, Decimal]],
        counts_before: dict[str, int],
    ) -> Reconciliation:
        result = Reconciliation(invoices_in_sap=sum(count for count, _ in sap_side.values()))
        result.flagged_invoices = self._cache.flag_missing_invoices(seen_pass)
        result.flagged_customers = self._cache.flag_missing_customers(seen_pass)
        for code in sorted(set(sap_side) | set(counts_before)):
            sap_count, sap_balance = sap_side.get(code, (0, {}))
            if counts_before.get(code, 0) != sap_count:
                result.customers_with_different_count.append(code)
            if _nonzero(balances_before.get(code, {})) != _nonzero(sap_balance):
                result.customers_with_different_balance.append(code)
        return result


def _is_new(pulled: Pulled[T], known_version: int | None) -> bool:
    return pulled.data_version is None or known_version != pulled.data_version


def _newest(current: datetime | None, page: list[Pulled[T]]) -> datetime | None:
    stamps = [p.updated_at for p in page if p.updated_at is not None]
    if not stamps:
        return current
    newest = max(stamps)
    return newest if current is None or newest > current else current


def _add_to_totals(
    totals: dict[str, tuple[int, dict[str, Decimal]]], page: list[Pulled[InvoiceRecord]]
) -> None:
    for pulled in page:
        invoice = pulled.value
        count, balance = totals.get(invoice.customer_code, (0, defaultdict(Decimal)))
        balance[invoice.currency] += invoice.amount_due()
        totals[invoice.customer_code] = (count + 1, balance)


def _nonzero(balance: dict[str, Decimal]) -> dict[str, Decimal]:
    return {currency: amount for currency, amount in balance.items() if amount}
