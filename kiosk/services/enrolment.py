"""Customers enrolling themselves in e-billing at the kiosk: an address proved by a code (or a
link) within minutes, the consent text's version kept, an incentive granted once, and the way
back to paper in two taps.

A code lives in plain text only in this process's memory, until it is used or its minutes run
out; the database holds its slow salted hash. The code e-mail goes through the delivery queue
(retried like any e-mail), and is made from that memory when it is sent: a kiosk restarted
meanwhile cannot send it, and the customer asks for a new code.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.delivery import (
    DeliveredDocument,
    Delivery,
    DeliveryChannel,
    DeliveryReason,
    DeliveryState,
    OutgoingEmail,
)
from kiosk.domain.email_address import normalize_email
from kiosk.domain.enrolment import (
    BY_CODE,
    BY_LINK,
    CODE_DIGITS,
    EnrolmentRequest,
    EnrolmentState,
    Incentive,
    TooManyWrongCodes,
    UnknownEnrolment,
    WrongCode,
    read_code,
)
from kiosk.domain.errors import InvalidValue, NotFound
from kiosk.domain.outbox import BILLING_PREFERENCE, EBILLING_INCENTIVE, OutboxEntry
from kiosk.domain.tracking import EventKind
from kiosk.language.catalogue import Texts
from kiosk.services.delivery import DeliveryService
from kiosk.services.enrolment_email import enrolment_code_email
from kiosk.services.pin_hashing import hash_pin, pin_matches
from kiosk.services.ports.cache import InvoiceStore
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.enrolment import EnrolmentStore
from kiosk.services.preferences import ConsentMissing
from kiosk.services.tracking import NO_TRACKING, Tracking

logger = logging.getLogger(__name__)

SELF_SERVICE = "kiosk self-service"
"""Who registered a preference the customer chose at the kiosk themselves."""
REQUESTED_BY = "kiosk"


@dataclass(frozen=True)
class EnrolmentTerms:
    """What the store set for e-billing: the consent text and its version, the incentive, the
    code's minutes and tries, and the page that confirms a link (a URL with {token})."""

    consent_version: str
    consent_texts: Mapping[str, str]  # by language
    branch: str
    seller: str
    language: str  # the store's: the incentive's words in SAP
    incentive_percent: Decimal = Decimal(0)
    incentive_texts: Mapping[str, str] = field(default_factory=dict)
    incentive_field: str | None = None
    incentive_date_field: str | None = None
    code_minutes: int = 15
    max_attempts: int = 5
    confirmation_url: str | None = None

    def incentive_text(self, language: str) -> str:
        """The incentive in words; the catalogue's where the store wrote none."""
        written = self.incentive_texts.get(language, "").strip()
        if written:
            return written
        percent = format(self.incentive_percent.normalize(), "f")
        return Texts(language).format("enrol_incentive_default", percent=percent)


@dataclass(frozen=True)
class EnrolmentOffer:
    """What the kiosk offers a customer: their preference now, the consent text in every
    language, and the incentive (None when there is none or they had it already)."""

    customer_code: str
    current: BillingPreference | None
    consent_version: str
    consent_texts: Mapping[str, str]
    incentive_texts: Mapping[str, str] | None

    @property
    def by_email(self) -> bool:
        return self.current is not None and self.current.channel.needs_email


@dataclass(frozen=True)
class CodeSent:
    """A code on its way: the request to confirm, where it went, and until when it is valid."""

    request_id: int
    address: str
    expires_at: datetime
    minutes: int
    delivery: Delivery

    @property
    def sent(self) -> bool:
        return self.delivery.state is DeliveryState.SENT

    @property
    def refused(self) -> bool:
        """The mail server refused the address for good: the customer should check it."""
        return self.delivery.state is DeliveryState.FAILED


@dataclass(frozen=True)
class EnrolmentConfirmed:
    """The preference now active, and the incentive granted with it (None if none or before)."""

    preference: BillingPreference
    consent_version: str
    incentive: Incentive | None


@dataclass(frozen=True)
class _Pending:
    code: str
    token: str | None
    language: str
    expires_at: datetime


class PendingCodes:
    """The codes (and link tokens) of pending requests, in this process's memory only; the
    delivery queue asks here for the code e-mail when it sends it."""

    def __init__(self, clock: Clock, *, seller: str, minutes: int, link: str | None) -> None:
        self._clock = clock
        self._seller = seller
        self._minutes = minutes
        self._link = link
        self._lock = threading.Lock()
        self._codes: dict[int, _Pending] = {}

    def keep(
        self, request_id: int, code: str, token: str | None, request: EnrolmentRequest
    ) -> None:
        with self._lock:
            self._codes[request_id] = _Pending(code, token, request.language, request.expires_at)

    def forget(self, request_id: int) -> None:
        with self._lock:
            self._codes.pop(request_id, None)

    def code_email(self, reference: str, to: str) -> OutgoingEmail:
        with self._lock:
            pending = self._codes.get(int(reference)) if reference.isdigit() else None
        if pending is None or self._clock.now() >= pending.expires_at:
            raise NotFound(f"the code of enrolment request {reference} is no longer valid here")
        link = None
        if self._link and pending.token:
            link = self._link.replace("{token}", pending.token)
        return enrolment_code_email(
            pending.code, to=to, seller=self._seller, language=pending.language,
            minutes=self._minutes, link=link,
        )  # fmt: skip


def token_hash(token: str) -> str:
    """A link token's stored form: 256 random bits need no slow hash, and can be looked up."""
    return hashlib.sha256(token.strip().encode()).hexdigest()


class EnrolmentService:
    """Offer, request a code, confirm it (or the link), and go back to paper."""

    def __init__(
        self,
        store: EnrolmentStore,
        invoices: InvoiceStore,
        delivery: DeliveryService,
        codes: PendingCodes,
        clock: Clock,
        terms: EnrolmentTerms,
        *,
        tracking: Tracking = NO_TRACKING,
    ) -> None:
        self._store = store
        self._invoices = invoices
        self._delivery = delivery
        self._codes = codes
        self._clock = clock
        self._terms = terms
        self._tracking = tracking

    @property
    def terms(self) -> EnrolmentTerms:
        return self._terms

    def offer(self, customer_code: str) -> EnrolmentOffer:
        """The customer's preference now, and what the kiosk offers them."""
        terms = self._terms
        incentive = None
        if terms.incentive_percent > 0 and self._store.incentive(customer_code) is None:
            incentive = {lang: terms.incentive_text(lang) for lang in terms.consent_texts}
        return EnrolmentOffer(
            customer_code=customer_code,
            current=self._invoices.billing_preference(customer_code),
            consent_version=terms.consent_version,
            consent_texts=terms.consent_texts,
            incentive_texts=incentive,
        )

    def request_code(
        self,
        customer_code: str,
        channel: BillingChannel,
        email: str,
        *,
        language: str,
        consent_given: bool,
    ) -> CodeSent:
        """Send a six-digit code to the address being verified; a newer request of the same
        customer replaces this one. The preference changes only once the code comes back."""
        if self._invoices.customer(customer_code) is None:
            raise NotFound(f"no customer with code {customer_code!r} in the local cache")
        if not consent_given:
            raise ConsentMissing("the customer's consent is needed before registering a preference")
        if not channel.needs_email:
            raise InvalidValue("paper needs no code: go back to paper instead")
        address = normalize_email(email)
        now, terms = self._clock.now(), self._terms
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        token = secrets.token_urlsafe(32) if terms.confirmation_url else None
        request = EnrolmentRequest(
            id=None, customer_code=customer_code, channel=channel, email=address,
            language=language, consent_version=terms.consent_version, code_hash=hash_pin(code),
            token_hash=token_hash(token) if token else None, state=EnrolmentState.PENDING,
            wrong_codes=0, created_at=now, expires_at=now + timedelta(minutes=terms.code_minutes),
        )  # fmt: skip
        mail = Delivery(
            id=None, doc_entry=0, doc_num=0, customer_code=customer_code,
            channel=DeliveryChannel.EMAIL, reason=DeliveryReason.REQUESTED, destination=address,
            state=DeliveryState.QUEUED, requested_by=REQUESTED_BY, created_at=now,
            next_attempt_at=now, document=DeliveredDocument.ENROLMENT_CODE,
        )  # fmt: skip
        stored, delivery_id = self._store.add_request(request, mail)
        assert stored.id is not None
        self._codes.keep(stored.id, code, token, stored)
        delivery = self._delivery.send_queued(delivery_id)
        logger.info(
            "enrolment request %s of customer %s: code %s", stored.id, customer_code,
            delivery.state.value,
        )  # fmt: skip
        return CodeSent(stored.id, address, stored.expires_at, terms.code_minutes, delivery)

    def confirm_code(self, request_id: int, typed: str) -> EnrolmentConfirmed:
        """Activate the preference when the code matches in time; otherwise say why not (wrong,
        expired, used already, too many wrong codes)."""
        code = read_code(typed)
        request = self._request(
            self._store.request(request_id), f"no enrolment request {request_id}"
        )
        if not pin_matches(code, request.code_hash):
            tried = request.after_wrong_code(self._terms.max_attempts)
            if not self._store.save_attempt(tried, self._clock.now()):
                # Confirmed or ended meanwhile: say that, not "wrong code".
                fresh = self._store.request(request_id)
                refusal = fresh.refusal(self._clock.now()) if fresh else None
                if refusal is not None:
                    raise refusal
            if tried.state is EnrolmentState.FAILED:
                self._codes.forget(request_id)
                raise TooManyWrongCodes(
                    f"{tried.wrong_codes} wrong codes for request {request_id}: ask for a new one"
                )
            left = self._terms.max_attempts - tried.wrong_codes
            raise WrongCode(f"the code does not match ({left} tries left)", left)
        return self._confirm(request, BY_CODE)

    def confirm_link(self, token: str) -> EnrolmentConfirmed:
        """Activate the preference whose e-mail link was opened (the store's page calls this)."""
        found = self._store.request_by_token(token_hash(token)) if token.strip() else None
        return self._confirm(self._request(found, "no enrolment request has this link"), BY_LINK)

    def back_to_paper(self, customer_code: str) -> BillingPreference:
        """Paper from now on; no code needed. Pending requests of the customer end."""
        if self._invoices.customer(customer_code) is None:
            raise NotFound(f"no customer with code {customer_code!r} in the local cache")
        now = self._clock.now()
        preference = BillingPreference(
            customer_code=customer_code, channel=BillingChannel.PAPER, email=None,
            consent_at=now, registered_by=SELF_SERVICE, branch=self._terms.branch,
        )  # fmt: skip
        entry = OutboxEntry.new(
            BILLING_PREFERENCE,
            customer_code,
            {"channel": BillingChannel.PAPER.value, "email": None},
            now,
        )
        change = PreferenceChange(
            preference, "kiosk", now, consent_version=self._terms.consent_version,
            confirmed_by=REQUESTED_BY,
        )  # fmt: skip
        self._store.back_to_paper(change, entry, now)
        for pending in self._store.requests(customer_code=customer_code, limit=5):
            self._codes.forget(pending.id or 0)
        self._tracking.record(
            EventKind.PREFERENCE_CHANGED, customer_code, channel=BillingChannel.PAPER.value
        )
        return preference

    def requests(
        self, *, customer_code: str | None = None, limit: int = 100
    ) -> list[EnrolmentRequest]:
        """Newest first, for staff."""
        return self._store.requests(customer_code=customer_code, limit=limit)

    def incentive(self, customer_code: str) -> Incentive | None:
        return self._store.incentive(customer_code)

    def now(self) -> datetime:
        return self._clock.now()

    # --- plumbing ----------------------------------------------------------------------------

    def _request(self, found: EnrolmentRequest | None, missing: str) -> EnrolmentRequest:
        if found is None:
            raise UnknownEnrolment(missing)
        refusal = found.refusal(self._clock.now())
        if refusal is not None:
            if found.state is EnrolmentState.PENDING and found.id is not None:
                self._store.end(found.id, EnrolmentState.EXPIRED, self._clock.now())
                self._codes.forget(found.id)
            raise refusal
        return found

    def _confirm(self, request: EnrolmentRequest, by: str) -> EnrolmentConfirmed:
        assert request.id is not None
        now, terms, code = self._clock.now(), self._terms, request.customer_code
        preference = BillingPreference(
            customer_code=code, channel=request.channel, email=request.email, consent_at=now,
            registered_by=SELF_SERVICE, branch=terms.branch,
        )  # fmt: skip
        entry = OutboxEntry.new(
            BILLING_PREFERENCE,
            code,
            {"channel": request.channel.value, "email": request.email},
            now,
        )
        change = PreferenceChange(
            preference, "kiosk", now, consent_version=request.consent_version, confirmed_by=by
        )
        incentive, incentive_entry = self._incentive(code, request, now)
        granted = self._store.confirm(
            request.confirmed(now, by), change, entry, incentive, incentive_entry
        )
        self._codes.forget(request.id)
        self._tracking.record(EventKind.PREFERENCE_CHANGED, code, channel=request.channel.value)
        logger.info("enrolment request %s of customer %s confirmed by %s", request.id, code, by)
        return EnrolmentConfirmed(preference, request.consent_version, granted)

    def _incentive(
        self, customer_code: str, request: EnrolmentRequest, now: datetime
    ) -> tuple[Incentive | None, OutboxEntry | None]:
        """The incentive to grant with this confirmation (the store keeps it to once), and the
        business partner's UDFs that tell SAP's back office to apply it."""
        terms = self._terms
        if terms.incentive_percent <= 0:
            return None, None
        text = terms.incentive_text(terms.language)
        incentive = Incentive(customer_code, terms.incentive_percent, text, now, request.id)
        fields: dict[str, str] = {}
        if terms.incentive_field:
            percent = format(terms.incentive_percent.normalize(), "f")
            fields[terms.incentive_field] = f"{percent}% {text}"[:100]
        if terms.incentive_date_field:
            fields[terms.incentive_date_field] = now.date().isoformat()
        entry = OutboxEntry.new(EBILLING_INCENTIVE, customer_code, {"fields": fields}, now)
        return incentive, entry if fields else None
