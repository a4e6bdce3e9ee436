"""The Service Layer client against the emulator over real HTTP, on v1 and v2, with SAP's faults."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.payment_reference import make_reference
from kiosk.sap_b1.client import ServiceLayerClient
from kiosk.sap_b1.paging import iterate_pages
from kiosk.sap_b1.session import ServiceLayerSession
from kiosk.services.errors import (
    ExternalNotFound,
    ExternalOutcomeUnknown,
    ExternalRejected,
    ExternalUnavailable,
)
from tests.integration.sap_b1.conftest import CUSTOMERS, INVOICES

SESSION_EXPIRED = {"error": {"code": 301, "message": {"lang": "en-us", "value": "Invalid session"}}}


def all_invoices(client: ServiceLayerClient, since: date | None = None) -> list:
    return [pulled for page in client.changed_invoices(since) for pulled in page]


def test_reads_every_invoice_with_exact_decimal_totals(client, emulator):
    pulled = all_invoices(client)

    assert len(pulled) == INVOICES
    for item in pulled:
        invoice = item.value
        record = emulator.data.get("Invoices", invoice.doc_entry)
        assert invoice.total == record["DocTotal"]
        assert invoice.paid_to_date == record["PaidToDate"]
        line_sum = sum((line.line_total for line in invoice.lines), Decimal(0))
        assert line_sum + invoice.tax_total == invoice.total
        assert item.data_version == record["DataVersion"]


def test_a_full_last_page_is_followed_to_the_empty_page(client, emulator):
    pages = list(client.changed_invoices(None))

    # 120 invoices at 20 a page: six full pages, then SAP's empty page without a link.
    assert [len(page) for page in pages] == [20] * 6 + [0]


def test_top_is_carried_across_pages(client):
    session = client.session
    options = {"$select": "DocEntry", "$orderby": "DocEntry", "$top": "50"}

    pages = list(iterate_pages(session, "Invoices", options, page_size=20, action="read"))

    assert [len(page) for page in pages] == [20, 20, 10]
    assert [row["DocEntry"] for page in pages for row in page] == list(range(1, 51))


def test_an_empty_result_is_one_empty_page(client):
    assert list(client.changed_invoices(date(2030, 1, 1))) == [[]]


def test_dates_and_times_read_the_same_on_both_versions(client, emulator):
    record = emulator.data.get("Invoices", 7)

    pulled = client.invoice(7)

    assert pulled.value.posting_date == record["DocDate"]
    assert pulled.value.due_date == record["DocDueDate"]
    assert pulled.updated_at == datetime.combine(record["UpdateDate"], record["UpdateTime"])


def test_delta_by_update_date_returns_only_recent_changes(client, emulator):
    day = emulator.clock.now().date()
    emulator.data.patch("Invoices", 3, {"Comments": "cambio de hoy"})

    changed = all_invoices(client, day)

    assert [item.value.doc_entry for item in changed] == [3]
    assert changed[0].value.comments == "cambio de hoy"


def test_customers_with_billing_fields_and_payments(client, emulator):
    customers = [c for page in client.changed_business_partners(None) for c in page]
    payments = [p for page in client.incoming_payments_after(0) for p in page]

    assert len(customers) == CUSTOMERS
    with_channel = [c for c in customers if c.value.billing_channel is not None]
    assert with_channel, "the demo company registers some preferences in SAP"
    assert len(payments) == emulator.data.count("IncomingPayments")
    first = payments[0]
    invoice = emulator.data.get("Invoices", first.allocations[0].invoice_doc_entry)
    assert invoice["CardCode"] == first.customer_code
    later = [p for page in client.incoming_payments_after(first.doc_entry) for p in page]
    assert len(later) == len(payments) - 1


def test_the_highest_kiosk_reference_of_a_prefix_is_read_past_other_text(client, emulator):
    def payment_quoting(reference: str) -> None:
        emulator.data.create(
            "IncomingPayments",
            {"CardCode": "C000001", "TransferSum": Decimal("10"), "TransferReference": reference},
        )

    for reference in (make_reference(7, 5), make_reference(7, 12), make_reference(8, 900)):
        payment_quoting(reference)
    # A bank's own numbers typed where the reference goes: they sort above, over two pages.
    for number in range(25):
        payment_quoting(f"07999{number:08d}")
    payment_quoting("07-SPEI")

    assert client.highest_payment_reference("07") == make_reference(7, 12)
    assert client.highest_payment_reference("08") == make_reference(8, 900)
    assert client.highest_payment_reference("09") is None


def test_wrong_password_is_a_clear_error_after_one_attempt(make_client, emulator):
    client = make_client(password="wrong")

    with pytest.raises(ExternalRejected) as raised:
        client.invoice(1)

    assert str(raised.value) == (
        "SAP Service Layer refused to log in as manager to company SBODEMOMX: "
        "Fail to NONE-SSO login from SLD. (HTTP 401, code -304)"
    )
    assert emulator.sessions.logins_seen == 1


def test_unknown_company_is_named(make_client):
    with pytest.raises(ExternalRejected, match=r"company NOPE: .*code -306"):
        make_client(company_db="NOPE").invoice(1)


def test_session_expiry_in_the_middle_of_paging(client, emulator):
    seen = []
    for number, page in enumerate(client.changed_invoices(None)):
        seen.extend(page)
        if number == 1:
            first_route = client.session.route_id
            emulator.expire_sessions()

    assert len(seen) == INVOICES
    assert emulator.sessions.logins_seen == 2
    assert (first_route, client.session.route_id) == (".node1", ".node2")


def test_html_502_on_one_page_then_success(client, emulator):
    emulator.faults.fail_next(r"^Invoices\?", status=502, html=True)

    assert len(all_invoices(client)) == INVOICES
    assert emulator.faults.take("GET", "Invoices?") is None  # the fault was used up


def test_dropped_connection_on_a_get_is_retried(client, emulator):
    emulator.faults.drop_next(r"^Invoices\(4\)")

    assert client.invoice(4).value.doc_entry == 4


def test_retries_are_bounded(client, emulator):
    emulator.faults.fail_next(r"^Invoices\(4\)", status=503, times=10)

    with pytest.raises(ExternalUnavailable, match="HTTP 503"):
        client.invoice(4)

    remaining = 0
    while emulator.faults.take("GET", "Invoices(4)"):
        remaining += 1
    assert remaining == 10 - 4  # one try and three retries


def test_a_post_whose_answer_is_lost_is_not_repeated(client, emulator):
    invoice = client.invoice(5).value
    emulator.faults.write_then_drop_next(r"^Activities$")

    with pytest.raises(ExternalOutcomeUnknown, match="may or may not have done it"):
        client.create_invoice_activity(
            invoice.doc_entry, invoice.doc_num, invoice.customer_code,
            details="Enviada", notes="", reference="K-1", at=datetime(2026, 11, 20, 9),
        )  # fmt: skip

    assert client.activities_with_reference("K-1") == [1]
    assert emulator.data.count("Activities") == 1


def test_activity_is_linked_to_the_invoice(client, emulator):
    invoice = client.invoice(6).value

    code = client.create_invoice_activity(
        invoice.doc_entry,
        invoice.doc_num,
        invoice.customer_code,
        details="Factura impresa",
        notes="caja 2",
        reference="K-2",
        at=datetime(2026, 11, 20, 9, 5),
    )

    record = emulator.data.get("Activities", code)
    assert (record["DocType"], record["DocEntry"], record["DocNum"]) == (
        "13",
        "6",
        str(invoice.doc_num),
    )
    assert record["U_KioskRef"] == "K-2" and record["CardCode"] == invoice.customer_code


def test_billing_preference_udfs_and_a_rejected_value(client, emulator):
    client.set_billing_preference("C000004", BillingChannel.BOTH, "pagos@cliente.mx")

    stored = client.business_partner("C000004").value
    assert (stored.billing_channel, stored.billing_email) == (
        BillingChannel.BOTH,
        "pagos@cliente.mx",
    )

    with pytest.raises(ExternalRejected) as raised:
        client.update_business_partner("C000004", {"U_BillingChannel": "FAX"})
    assert raised.value.code == "-1004"
    assert "'FAX' is not a valid value for property 'U_BillingChannel'" in str(raised.value.detail)


def test_a_second_401_in_a_row_is_an_error(client, emulator):
    client.invoice(1)
    emulator.faults.fail_next(r"^Invoices\(2\)", status=401, body=SESSION_EXPIRED, times=2)

    with pytest.raises(ExternalRejected, match="Invalid session"):
        client.invoice(2)
    assert emulator.sessions.logins_seen == 2


def test_missing_record_keeps_sap_code(client):
    with pytest.raises(ExternalNotFound) as raised:
        client.invoice(99999)

    assert raised.value.code == "-2028"


def test_string_keys_are_quoted_and_escaped(client, emulator):
    emulator.data.create("BusinessPartners", {"CardCode": "O'BRIEN 1", "CardName": "O'Brien"})

    assert client.business_partner("O'BRIEN 1").value.customer.name == "O'Brien"


def test_unreachable_service_layer(make_client):
    client = make_client(base_url="http://127.0.0.1:9/b1s/v2/", retries=0)

    with pytest.raises(
        ExternalUnavailable,
        match=r"unreachable at http://127.0.0.1:9/b1s/v2/ \(connection refused\)",
    ):
        client.invoice(1)


def test_cookies_are_sent_by_hand_not_kept_in_a_jar(client):
    client.invoice(1)

    assert len(client.session._http.cookies) == 0  # the jar would drop B1SESSION anyway
    assert client.session.route_id == ".node1"


def test_concurrent_first_requests_log_in_once(client, emulator):
    errors = []

    def read(entry: int) -> None:
        try:
            client.invoice(entry)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert emulator.sessions.logins_seen == 1


def test_logs_in_again_before_the_idle_timeout(client, emulator):
    now = [1000.0]
    session = ServiceLayerSession(client.config, monotonic=lambda: now[0])
    proactive = ServiceLayerClient(client.config, session=session)
    proactive.invoice(1)
    now[0] += 30 * 60 - 30  # SAP's 30 minutes, less than the margin before they run out

    proactive.invoice(2)

    assert emulator.sessions.logins_seen == 2
    proactive.close()


def test_close_logs_out(make_client, emulator):
    client = make_client()
    client.invoice(1)
    assert emulator.sessions.active == 1

    client.close()

    assert emulator.sessions.active == 0
