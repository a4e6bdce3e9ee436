"""E-billing self-enrolment over a real SQLite file and a real SMTP server on loopback: the code
e-mail arrives, only the right code in time activates the preference, once, with its consent
version, its SAP change and the incentive granted once; back to paper takes no code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

import pytest

from kiosk.app.settings import load_settings
from kiosk.app.wiring import Services, build_services, system_printer
from kiosk.delivery.smtp_mailer import SmtpConfig, SmtpMailer
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import DeliveredDocument, DeliveryState
from kiosk.domain.email_address import InvalidEmailAddress
from kiosk.domain.enrolment import (
    CodeAlreadyUsed,
    CodeExpired,
    EnrolmentState,
    InvalidCode,
    TooManyWrongCodes,
    UnknownEnrolment,
    WrongCode,
)
from kiosk.domain.errors import NotFound
from kiosk.domain.outbox import BILLING_PREFERENCE, EBILLING_INCENTIVE
from kiosk.services.delivery import DeliveryOptions, DeliveryService
from kiosk.services.enrolment import (
    SELF_SERVICE,
    EnrolmentService,
    EnrolmentTerms,
    PendingCodes,
)
from kiosk.services.preferences import ConsentMissing
from tests.builders import make_customer
from tests.fakes.mutable_clock import MutableClock
from tests.fixtures.delivery_parts import MailServer

NOW = datetime(2026, 12, 3, 10, 0)
ADDRESS = "ana.lopez@correo.mx"
LINK = "https://miempresa.mx/alta/{token}"
TERMS = EnrolmentTerms(
    consent_version="2026-12",
    consent_texts={"es": "Acepto recibir mis facturas por correo.", "en": "I agree."},
    branch="MTY-01",
    seller="Ferretería La Esperanza",
    language="es",
    incentive_percent=Decimal("5"),
    incentive_field="U_EBillIncentive",
    incentive_date_field="U_EBillIncentiveDate",
    confirmation_url=LINK,
)


class Kiosk:
    """The enrolment service over the real stores, the code mail over real SMTP."""

    def __init__(self, services: Services, mail_server: MailServer, terms: EnrolmentTerms) -> None:
        self.services = services
        self.mail_server = mail_server
        self.clock = MutableClock(NOW)
        self.terms = terms
        self.service = self.restarted()

    def restarted(self) -> EnrolmentService:
        """The service as a newly started kiosk has it: the codes in memory are gone."""
        self.codes = PendingCodes(
            self.clock, seller=self.terms.seller, minutes=self.terms.code_minutes,
            link=self.terms.confirmation_url,
        )  # fmt: skip
        storage = self.services.storage
        mailer = SmtpMailer(
            SmtpConfig("127.0.0.1", self.mail_server.port, "none", "", "",
                       "facturas@miempresa.mx", "", 5)
        )  # fmt: skip
        delivery = DeliveryService(
            storage.deliveries, storage.invoices, self.services.documents,
            self.services.payments, mailer, system_printer("cups"), storage.cursors,
            self.clock, DeliveryOptions(language="es", seller=self.terms.seller,
                                        auto_printer=None),
            enrolment_codes=self.codes,
        )  # fmt: skip
        self.delivery = delivery
        self.service = EnrolmentService(
            storage.enrolment, storage.invoices, delivery, self.codes, self.clock, self.terms
        )
        return self.service

    def code_from_mail(self, index: int = -1) -> str:
        return code_in(self.mail_server.received[index])


def readable(message: Message) -> EmailMessage:
    """The message as a person's mail program reads it: headers decoded, parts found."""
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def plain_text(message: Message) -> str:
    body = readable(message).get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def code_in(message: Message) -> str:
    text = plain_text(message)
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


def link_token(message: Message) -> str:
    text = plain_text(message)
    found = re.search(r"https://miempresa\.mx/alta/(\S+)", text)
    assert found, text
    return found.group(1)


@pytest.fixture
def kiosk(mail_server: MailServer) -> Iterator[Kiosk]:
    services = build_services(load_settings(None))
    services.storage.invoices.upsert_customers([make_customer("C001"), make_customer("C002")])
    yield Kiosk(services, mail_server, TERMS)
    services.close()


def test_the_code_mail_arrives_and_the_right_code_activates_the_preference(kiosk: Kiosk):
    sent = kiosk.service.request_code(
        "C001", BillingChannel.EMAIL, f"  {ADDRESS} ", language="es", consent_given=True
    )

    assert sent.sent and sent.address == ADDRESS and sent.minutes == 15
    assert sent.delivery.document is DeliveredDocument.ENROLMENT_CODE
    (message,) = kiosk.mail_server.received
    assert message["To"] == ADDRESS
    assert "Ferretería La Esperanza" in readable(message)["Subject"]
    assert "15 minutos" in plain_text(message)
    html = readable(message).get_body(("html",))
    assert html is not None and code_in(message) in html.get_content()  # type: ignore[attr-defined]
    stored = kiosk.services.storage.enrolment.request(sent.request_id)
    assert stored is not None and stored.state is EnrolmentState.PENDING
    code = kiosk.code_from_mail()
    assert code not in stored.code_hash  # kept hashed only

    kiosk.clock.advance(minutes=14)
    confirmed = kiosk.service.confirm_code(sent.request_id, code)

    preference = kiosk.services.storage.invoices.billing_preference("C001")
    assert preference is not None
    assert (preference.channel, preference.email) == (BillingChannel.EMAIL, ADDRESS)
    assert preference.registered_by == SELF_SERVICE and preference.branch == "MTY-01"
    assert preference.consent_at == kiosk.clock.now()
    assert confirmed.preference == preference and confirmed.consent_version == "2026-12"
    (change,) = kiosk.services.preferences.history("C001")
    assert (change.consent_version, change.confirmed_by) == ("2026-12", "code")
    assert change.incentive_percent == Decimal(5)
    outbox = {entry.kind: entry for entry in kiosk.services.storage.outbox.open_entries()}
    assert outbox[BILLING_PREFERENCE].payload == {"channel": "EMAIL", "email": ADDRESS}
    assert outbox[EBILLING_INCENTIVE].payload == {
        "fields": {
            "U_EBillIncentive": "5% 5% de descuento en su próxima factura",
            "U_EBillIncentiveDate": "2026-12-03",
        }
    }
    request = kiosk.services.storage.enrolment.request(sent.request_id)
    assert request is not None and request.state is EnrolmentState.CONFIRMED


def test_a_wrong_code_is_refused_with_the_tries_left_and_the_fifth_ends_it(kiosk: Kiosk):
    sent = kiosk.service.request_code(
        "C001", BillingChannel.BOTH, ADDRESS, language="es", consent_given=True
    )
    right = kiosk.code_from_mail()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    for left in (4, 3, 2, 1):
        with pytest.raises(WrongCode) as refused:
            kiosk.service.confirm_code(sent.request_id, wrong)
        assert refused.value.attempts_left == left
    with pytest.raises(TooManyWrongCodes):
        kiosk.service.confirm_code(sent.request_id, wrong)
    with pytest.raises(TooManyWrongCodes):  # the right code no longer helps
        kiosk.service.confirm_code(sent.request_id, right)
    with pytest.raises(InvalidCode):
        kiosk.service.confirm_code(sent.request_id, "12 34")

    assert kiosk.services.storage.invoices.billing_preference("C001") is None
    assert kiosk.services.storage.outbox.open_entries() == []


def test_an_expired_code_and_a_reused_code_are_refused(kiosk: Kiosk):
    late = kiosk.service.request_code(
        "C001", BillingChannel.EMAIL, ADDRESS, language="en", consent_given=True
    )
    late_code = kiosk.code_from_mail()
    assert "15 minutes" in plain_text(kiosk.mail_server.received[-1])
    kiosk.clock.advance(minutes=15)
    with pytest.raises(CodeExpired):
        kiosk.service.confirm_code(late.request_id, late_code)
    expired = kiosk.services.storage.enrolment.request(late.request_id)
    assert expired is not None and expired.state is EnrolmentState.EXPIRED

    sent = kiosk.service.request_code(
        "C001", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
    )
    code = kiosk.code_from_mail()
    kiosk.service.confirm_code(sent.request_id, code)
    with pytest.raises(CodeAlreadyUsed):
        kiosk.service.confirm_code(sent.request_id, code)
    with pytest.raises(CodeAlreadyUsed):
        kiosk.service.confirm_link(link_token(kiosk.mail_server.received[-1]))
    assert len(kiosk.services.preferences.history("C001")) == 1
    with pytest.raises(UnknownEnrolment):
        kiosk.service.confirm_code(9999, code)


def test_a_new_request_replaces_the_pending_one(kiosk: Kiosk):
    first = kiosk.service.request_code(
        "C001", BillingChannel.EMAIL, "viejo@correo.mx", language="es", consent_given=True
    )
    first_code = kiosk.code_from_mail()
    second = kiosk.service.request_code(
        "C001", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
    )

    with pytest.raises(CodeAlreadyUsed):
        kiosk.service.confirm_code(first.request_id, first_code)
    kiosk.service.confirm_code(second.request_id, kiosk.code_from_mail())
    preference = kiosk.services.storage.invoices.billing_preference("C001")
    assert preference is not None and preference.email == ADDRESS


def test_the_link_in_the_mail_confirms_too(kiosk: Kiosk):
    kiosk.service.request_code(
        "C002", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
    )
    token = link_token(kiosk.mail_server.received[-1])

    confirmed = kiosk.service.confirm_link(token)

    assert confirmed.preference.customer_code == "C002"
    assert kiosk.services.preferences.history("C002")[0].confirmed_by == "link"
    with pytest.raises(UnknownEnrolment):
        kiosk.service.confirm_link("not-a-token")


def test_the_incentive_is_granted_once_per_customer(kiosk: Kiosk):
    for _ in range(2):
        sent = kiosk.service.request_code(
            "C001", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
        )
        confirmed = kiosk.service.confirm_code(sent.request_id, kiosk.code_from_mail())
        if _ == 0:
            assert confirmed.incentive is not None and confirmed.incentive.percent == 5
            assert kiosk.service.offer("C001").incentive_texts is None
            kiosk.service.back_to_paper("C001")
        else:
            assert confirmed.incentive is None

    kinds = [entry.kind for entry in kiosk.services.storage.outbox.open_entries()]
    assert kinds.count(EBILLING_INCENTIVE) == 1 and kinds.count(BILLING_PREFERENCE) == 3
    history = kiosk.services.preferences.history("C001")
    assert [change.incentive_percent for change in history] == [Decimal(5), None, None]


def test_back_to_paper_needs_no_code_and_keeps_the_consent_version(kiosk: Kiosk):
    pending = kiosk.service.request_code(
        "C001", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
    )
    code = kiosk.code_from_mail()

    preference = kiosk.service.back_to_paper("C001")

    assert preference.channel is BillingChannel.PAPER and preference.email is None
    (change,) = kiosk.services.preferences.history("C001")
    assert change.preference.channel is BillingChannel.PAPER
    assert change.consent_version == "2026-12"
    with pytest.raises(CodeAlreadyUsed):  # going back to paper ended the pending request
        kiosk.service.confirm_code(pending.request_id, code)
    assert kiosk.service.offer("C001").by_email is False


def test_bad_requests_say_what_is_wrong_and_send_nothing(kiosk: Kiosk):
    with pytest.raises(ConsentMissing):
        kiosk.service.request_code(
            "C001", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=False
        )
    with pytest.raises(InvalidEmailAddress):
        kiosk.service.request_code(
            "C001", BillingChannel.EMAIL, "ana@", language="es", consent_given=True
        )
    with pytest.raises(NotFound, match="NOPE"):
        kiosk.service.request_code(
            "NOPE", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
        )
    assert kiosk.mail_server.received == []


def test_a_refused_send_is_retried_with_the_same_code_but_not_after_a_restart(kiosk: Kiosk):
    kiosk.mail_server.refuse[ADDRESS] = "451 4.7.1 try again later"
    sent = kiosk.service.request_code(
        "C001", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
    )
    assert sent.delivery.state is DeliveryState.QUEUED and not sent.sent
    del kiosk.mail_server.refuse[ADDRESS]

    kiosk.clock.advance(minutes=1)
    assert kiosk.delivery.send_due().sent == 1
    kiosk.service.confirm_code(sent.request_id, kiosk.code_from_mail())
    kiosk.mail_server.received.clear()

    # A queued code mail whose code this process never held is not sent (no stale code).
    kiosk.mail_server.refuse[ADDRESS] = "451 4.7.1 try again later"
    third = kiosk.service.request_code(
        "C002", BillingChannel.EMAIL, ADDRESS, language="es", consent_given=True
    )
    del kiosk.mail_server.refuse[ADDRESS]
    kiosk.restarted()
    kiosk.clock.advance(minutes=1)
    kiosk.delivery.send_due()
    failed = kiosk.services.storage.deliveries.delivery(third.delivery.id or 0)
    assert failed is not None and failed.state is DeliveryState.FAILED
    assert kiosk.mail_server.received == []


def test_the_clerk_path_records_the_clerk_and_the_consent_version_in_force(kiosk: Kiosk):
    services = kiosk.services  # wired from the settings: [ebilling] consent_version 2026-12

    services.preferences.register(
        "C001", BillingChannel.EMAIL, ADDRESS, clerk="maria", consent_given=True
    )

    (change,) = services.preferences.history("C001")
    assert (change.confirmed_by, change.consent_version) == ("maria", "2026-12")
    assert change.preference.registered_by == "maria"
