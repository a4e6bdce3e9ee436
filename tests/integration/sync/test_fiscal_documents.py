"""Stamped CFDIs through sync and on first use: UUIDs, XML from Attachments2, payment receipts,
and every way an XML can be unusable, against the emulator over real HTTP."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from kiosk.cfdi.xml_reader import read_cfdi
from kiosk.domain.invoice import Invoice
from kiosk.sap_b1.client import ServiceLayerClient
from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)
from kiosk.services.fiscal_documents import FiscalDocuments
from kiosk.services.sync import SyncReport, SyncService
from tests.integration.sync.conftest import Kiosk, unreachable_root

CFDI = "{http://www.sat.gob.mx/cfd/4}"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4">&lol2;</cfdi:Comprobante>
"""


def fiscal_client(kiosk: Kiosk, root: str | None = None) -> ServiceLayerClient:
    config = ServiceLayerConfig(
        root or kiosk.root, DEMO_COMPANY, DEMO_USER, DEMO_PASSWORD, page_size=50, retries=1,
        retry_base_delay_seconds=0.001, retry_max_delay_seconds=0.002,
        connect_timeout_seconds=0.5, read_timeout_seconds=2, fiscal_uuid_field="EDocNum",
    )  # fmt: skip
    client = ServiceLayerClient(config)
    kiosk.clients.append(client)
    return client


def fiscal(
    kiosk: Kiosk, *, per_pass: int = 200, root: str | None = None, payments: int = 1000
) -> FiscalDocuments:
    return FiscalDocuments(
        kiosk.services.storage.fiscal, fiscal_client(kiosk, root), kiosk.services.storage.cursors,
        read_cfdi, kiosk.clock, downloads_per_pass=per_pass, payments_per_pass=payments,
    )  # fmt: skip


def sync(kiosk: Kiosk, documents: FiscalDocuments) -> SyncReport:
    storage = kiosk.services.storage
    return SyncService(
        fiscal_client(kiosk), storage.cache, storage.cursors, storage.outbox, storage.preferences,
        kiosk.clock, fiscal=documents,
    ).run_once()  # fmt: skip


def cached(kiosk: Kiosk, emulator: ServiceLayerEmulator) -> list[Invoice]:
    invoices = kiosk.services.storage.invoices
    return [
        invoice
        for code in sorted(emulator.data._records["BusinessPartners"])
        for invoice in invoices.invoices_for_customer(code, limit=1000, with_lines=True)
    ]


def sap_stamps(emulator: ServiceLayerEmulator) -> dict[int, tuple[str, int]]:
    return {
        entry: (record["EDocNum"], record["AttachmentEntry"])
        for entry, record in emulator.data._records["Invoices"].items()
        if record.get("EDocNum")
    }


def test_a_pass_brings_each_invoice_its_folio_fiscal_and_its_xml(kiosk, emulator):
    documents = fiscal(kiosk, per_pass=10_000)
    # The first download brings the folios; the kiosk waits for it, so the XML and the stamped
    # payments come with the next pass.
    assert sync(kiosk, documents).fiscal_downloaded == 0
    report = sync(kiosk, documents)
    stamps = sap_stamps(emulator)
    invoices = cached(kiosk, emulator)
    assert len(invoices) == len(emulator.data._records["Invoices"])
    for invoice in invoices:
        expected = stamps.get(invoice.doc_entry)
        assert invoice.fiscal_uuid == (None if expected is None else expected[0])
        assert invoice.fiscal_attachment == (None if expected is None else expected[1])
    payments = [p for p in emulator.data._records["IncomingPayments"].values() if p.get("EDocNum")]
    assert payments, "the demo stamps payments of PPD invoices"
    assert report.fiscal_downloaded == len(stamps) + len(payments)
    stamped = [invoice for invoice in invoices if invoice.fiscal_uuid]
    for invoice in stamped[:40]:
        reading = documents.reading(invoice)
        assert reading.problem is None and reading.discrepancy is None
        assert reading.cfdi is not None and reading.xml is not None
        root = ET.fromstring(reading.xml)
        assert Decimal(root.get("Total") or "") == invoice.total.amount == reading.cfdi.total
        assert reading.cfdi.uuid == invoice.fiscal_uuid
        assert reading.cfdi.file_name == f"FA{invoice.doc_num}.xml"


def test_a_ppd_invoice_lists_the_payment_receipts_that_pay_it(kiosk, emulator):
    documents = fiscal(kiosk)
    sync(kiosk, documents)  # the first download: stamped payments come with the next pass
    sync(kiosk, documents)
    by_entry = {invoice.doc_entry: invoice for invoice in cached(kiosk, emulator)}
    expected: dict[int, set[str]] = {}
    for payment in emulator.data._records["IncomingPayments"].values():
        if payment.get("EDocNum"):
            for line in payment["PaymentInvoices"]:
                expected.setdefault(line["DocEntry"], set()).add(payment["EDocNum"])
    assert expected
    for entry, uuids in list(expected.items())[:20]:
        invoice = by_entry[entry]
        receipts = documents.payment_receipts(invoice)
        assert {receipt.uuid for receipt in receipts} == uuids
        for receipt in receipts:
            assert receipt.voucher_type == "P"
            assert invoice.fiscal_uuid in receipt.paid_invoice_uuids()
            assert documents.receipt(receipt.uuid).cfdi == receipt
    unpaid = next(i for i in by_entry.values() if i.fiscal_uuid and i.doc_entry not in expected)
    assert documents.payment_receipts(unpaid) == []


def test_without_sap_an_undownloaded_xml_is_pending_then_kept_once_fetched(kiosk, emulator):
    sync(kiosk, fiscal(kiosk, per_pass=0))
    invoice = next(invoice for invoice in cached(kiosk, emulator) if invoice.fiscal_uuid)
    offline = fiscal(kiosk, root=unreachable_root())
    waiting = offline.reading(invoice)
    assert waiting.cfdi is None and waiting.pending
    assert waiting.problem == (
        f"the stamped XML of folio fiscal {invoice.fiscal_uuid} is not downloaded yet: "
        "SAP could not be reached, or links no attachment to it yet"
    )
    assert fiscal(kiosk).reading(invoice).cfdi is not None  # first use downloads it
    kept = offline.reading(invoice)  # and the cache holds it from then on
    assert kept.cfdi is not None and kept.cfdi.uuid == invoice.fiscal_uuid


def replace_xml(emulator: ServiceLayerEmulator, invoice: Invoice, content: bytes) -> None:
    assert invoice.fiscal_attachment is not None
    emulator.data.attach_files(invoice.fiscal_attachment, [(f"FA{invoice.doc_num}.xml", content)])


def original_xml(emulator: ServiceLayerEmulator, invoice: Invoice) -> bytes:
    assert invoice.fiscal_attachment is not None
    return emulator.data.attachment_file(invoice.fiscal_attachment, None)[1]


def test_where_the_xml_and_sap_disagree_the_xml_is_shown_and_staff_told(kiosk, emulator):
    sync(kiosk, fiscal(kiosk, per_pass=0))
    invoice = next(invoice for invoice in cached(kiosk, emulator) if invoice.fiscal_uuid)
    xml = original_xml(emulator, invoice)
    total = invoice.total.amount + Decimal("100.00")
    changed = re.sub(rb' Total="[0-9.]+"', f' Total="{total}"'.encode(), xml, count=1)
    replace_xml(emulator, invoice, changed)
    reading = fiscal(kiosk).reading(invoice)
    assert reading.cfdi is not None and reading.cfdi.total == total
    assert reading.discrepancy == (
        f"the XML's Total {total:,.2f} differs from SAP's DocTotal {invoice.total.amount:,.2f}"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (BILLION_LAUGHS, "the CFDI XML declares a DTD or entities, which are refused"),
        (b"<a>\n<b></a>", "the CFDI XML is not well-formed: line 2, column 6"),
    ],
)
def test_a_hostile_or_broken_xml_gives_one_reason_and_no_cfdi(kiosk, emulator, content, problem):
    sync(kiosk, fiscal(kiosk, per_pass=0))
    invoice = next(invoice for invoice in cached(kiosk, emulator) if invoice.fiscal_uuid)
    replace_xml(emulator, invoice, content)
    reading = fiscal(kiosk).reading(invoice)
    assert reading.cfdi is None and not reading.pending
    assert reading.problem == problem
    assert kiosk.services.storage.fiscal.fiscal_document(invoice.fiscal_uuid or "") is not None


def test_an_xml_stamped_for_another_folio_is_refused(kiosk, emulator):
    sync(kiosk, fiscal(kiosk, per_pass=0))
    first, second = [invoice for invoice in cached(kiosk, emulator) if invoice.fiscal_uuid][:2]
    replace_xml(emulator, first, original_xml(emulator, second))
    reading = fiscal(kiosk).reading(first)
    assert reading.cfdi is None
    assert reading.problem == (
        f"the XML attached for folio fiscal {first.fiscal_uuid} is stamped {second.fiscal_uuid}"
    )


def test_a_reading_from_the_cache_only_never_downloads(kiosk, emulator):
    sync(kiosk, fiscal(kiosk, per_pass=0))
    invoice = next(invoice for invoice in cached(kiosk, emulator) if invoice.fiscal_uuid)
    documents = fiscal(kiosk)
    assert documents.reading(invoice, fetch=False).pending
    assert kiosk.services.storage.fiscal.fiscal_document(invoice.fiscal_uuid or "") is None
    assert documents.reading(invoice).cfdi is not None
    assert documents.reading(invoice, fetch=False).cfdi is not None


def test_a_backlog_of_stamped_payments_comes_over_several_short_passes(kiosk, emulator):
    stamped = sorted(
        p["DocEntry"] for p in emulator.data._records["IncomingPayments"].values()
        if p.get("EDocNum")
    )  # fmt: skip
    assert len(stamped) > 50, "the demo needs more stamped payments than one page of 50"
    documents = fiscal(kiosk, per_pass=0, payments=10)  # stops after the first page of 50
    sync(kiosk, documents)  # the first download

    def noted_up_to() -> int:
        cursor = kiosk.services.storage.cursors.cursor("stamped_payments")
        return 0 if cursor is None else cursor.last_key or 0

    passes = 0
    while noted_up_to() < stamped[-1]:
        sync(kiosk, documents)
        passes += 1
        assert passes <= len(stamped)
    assert passes == -(-len(stamped) // 50)  # one page of 50 a pass


def test_an_invoice_stamped_after_the_first_download_gets_its_xml_with_the_next_pass(
    kiosk, emulator
):
    documents = fiscal(kiosk, per_pass=10_000)
    entry, (uuid, attachment) = next(iter(sap_stamps(emulator).items()))
    record = emulator.data._records["Invoices"][entry]
    emulator.data._records["Invoices"][entry] = {**record, "EDocNum": None, "AttachmentEntry": None}
    sync(kiosk, documents)
    sync(kiosk, documents)  # the catch-up of every stamped invoice the first download brought
    assert kiosk.services.storage.fiscal.fiscal_document(uuid) is None

    emulator.clock.advance(60)
    emulator.data.record_electronic_document("Invoices", entry, uuid, attachment)
    report = sync(kiosk, documents)

    kept = kiosk.services.storage.fiscal.fiscal_document(uuid)
    assert report.fiscal_downloaded == 1
    assert kept is not None and kept.xml is not None and kept.problem is None
    assert kiosk.services.storage.fiscal.fiscal_downloads(10) == []
