"""The kiosk's operations on SAP Business One, over one Service Layer session."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import msgspec

from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.credit_note import CreditNote
from kiosk.domain.incoming_payment import IncomingPayment
from kiosk.domain.invoice_record import InvoiceRecord
from kiosk.domain.payment_reference import is_valid_reference
from kiosk.sap_b1 import payloads
from kiosk.sap_b1.config import ServiceLayerConfig
from kiosk.sap_b1.paging import iterate_pages, page_decoder, query_string
from kiosk.sap_b1.parallel_limit import ParallelLimit
from kiosk.sap_b1.session import ServiceLayerSession
from kiosk.sap_b1.window_paging import iterate_windows
from kiosk.services.errors import ExternalNotFound
from kiosk.services.ports.fiscal import StampedPayment
from kiosk.services.ports.sap import Window, WindowPage
from kiosk.services.ports.sync import Pulled, SapCustomer

# Keeps "DocEntry eq 1 or DocEntry eq 2 ..." filters well under URL length limits.
ENTRIES_PER_QUERY = 40


class ServiceLayerClient:
    """Reads invoices, customers and payments, and writes preferences and activities."""

    def __init__(self, config: ServiceLayerConfig, *, session: ServiceLayerSession | None = None):
        self.config = config
        self.session = session or ServiceLayerSession(config)
        invoice_type: type[payloads.SapInvoice] = payloads.SapInvoice
        self._invoice_fields: tuple[str, ...] = payloads.INVOICE_FIELDS
        if config.fiscal_uuid_field is not None:
            invoice_type = payloads.stamped_invoice_type(
                config.fiscal_uuid_field, config.fiscal_attachment_field
            )
            self._invoice_fields += (config.fiscal_uuid_field, config.fiscal_attachment_field)
        self._invoice_page = page_decoder(invoice_type)
        self._invoice_decoder = msgspec.json.Decoder(invoice_type)
        self.parallel_requests = config.max_parallel_requests
        self.last_parallel_limit: ParallelLimit | None = None
        """The limit of the last read in windows: how far it had to come down (tests read it)."""

    def close(self) -> None:
        """Log out and release connections; call on shutdown."""
        self.session.close()

    def connect(self) -> None:
        """Log in now (if not logged in), so a pass knows at once whether SAP answers."""
        self.session.ensure_logged_in()

    # --- reads -----------------------------------------------------------------------------

    def changed_invoices(self, since: date | None) -> Iterator[list[Pulled[InvoiceRecord]]]:
        """Pages of invoices (with lines) updated on or after a day; all of them for None."""
        condition = None if since is None else payloads.updated_since(since)
        return self._invoices_where(condition, "read invoices")

    def invoices_after(self, doc_entry: int) -> Iterator[list[Pulled[InvoiceRecord]]]:
        """Pages of every invoice with a higher DocEntry, in DocEntry order."""
        return self._invoices_where(payloads.entry_above(doc_entry), "read invoices")

    def highest_invoice_entry(self) -> int:
        """The DocEntry of SAP's newest invoice (0 when there is none)."""
        return self._highest_entry(payloads.INVOICES, "read the newest invoice")

    def invoices_in_windows(
        self, ranges: list[Window]
    ) -> Iterator[WindowPage[Pulled[InvoiceRecord]]]:
        """Every invoice in these DocEntry ranges, `parallel_requests` pages at a time."""
        limit = ParallelLimit(self.parallel_requests)
        self.last_parallel_limit = limit
        key = payloads.ORDER_BY_KEY[payloads.INVOICES]
        options = {"$select": payloads.select(self._invoice_fields), "$orderby": key}
        pages = iterate_windows(
            self.session,
            payloads.INVOICES,
            options,
            ranges,
            key=key,
            page_size=self.config.page_size,
            limit=limit,
            action="read invoices",
            decoder=self._invoice_page,
        )
        for page in pages:
            yield WindowPage(
                page.window, [self._invoice(raw) for raw in page.records], page.finished
            )

    def changed_business_partners(self, since: date | None) -> Iterator[list[Pulled[SapCustomer]]]:
        """Pages of customers updated on or after a day; all customers for None."""
        condition = payloads.CUSTOMERS_ONLY
        if since is not None:
            condition = f"{condition} and {payloads.updated_since(since)}"
        options = {
            "$select": payloads.select(
                payloads.BUSINESS_PARTNER_FIELDS,
                self.config.billing_channel_field,
                self.config.billing_email_field,
            ),
            "$filter": condition,
            "$orderby": payloads.ORDER_BY_KEY[payloads.BUSINESS_PARTNERS],
        }
        for page in self._pages(payloads.BUSINESS_PARTNERS, options, "read business partners"):
            yield [self._business_partner(payload) for payload in page]

    def invoices_by_entries(self, doc_entries: list[int]) -> Iterator[list[Pulled[InvoiceRecord]]]:
        """Pages of the invoices with these DocEntries, asked for a few dozen at a time."""
        for start in range(0, len(doc_entries), ENTRIES_PER_QUERY):
            chunk = doc_entries[start : start + ENTRIES_PER_QUERY]
            yield from self._invoices_where(payloads.entry_is_one_of(chunk), "read paid invoices")

    def latest_payment_entry(self) -> int:
        """The DocEntry of SAP's newest incoming payment (0 when there is none)."""
        return self._highest_entry(payloads.INCOMING_PAYMENTS, "read the newest incoming payment")

    def highest_payment_reference(self, prefix: str) -> str | None:
        """The highest kiosk reference starting with `prefix` an incoming payment quotes.

        Read from the highest reference down; other text there that starts with the same
        digits (a bank's own reference, typed in by hand) is passed over.
        """
        field = payloads.PAYMENT_REFERENCE
        options = {
            "$select": field,
            "$filter": payloads.reference_starts_with(prefix),
            "$orderby": f"{field} desc",
        }
        action = "read the highest payment reference"
        for page in self._pages(payloads.INCOMING_PAYMENTS, options, action):
            for row in page:
                reference = "".join(str(row.get(field) or "").split())
                if is_valid_reference(reference):
                    return reference
        return None

    def incoming_payments_after(self, doc_entry: int) -> Iterator[list[IncomingPayment]]:
        """Pages of payments newer than a DocEntry (SAP's payments carry no UpdateDate)."""
        return self._payments_where(payloads.entry_above(doc_entry), "read incoming payments")

    def incoming_payments_between(self, after: int, up_to: int) -> Iterator[list[IncomingPayment]]:
        """Pages of the payments with `after` < DocEntry <= `up_to`, in DocEntry order."""
        condition = payloads.entry_between(after, up_to)
        return self._payments_where(condition, "read earlier incoming payments")

    def stamped_payments_after(self, doc_entry: int) -> Iterator[list[StampedPayment]]:
        """Pages of payments newer than a DocEntry that SAP stamped as a CFDI de pago."""
        uuid_field = self.config.payment_uuid_field
        attachment_field = self.config.fiscal_attachment_field
        options = {
            "$select": payloads.select(
                ("DocEntry", uuid_field, attachment_field, "PaymentInvoices")
            ),
            "$filter": f"{payloads.entry_above(doc_entry)} and {uuid_field} ne null",
            "$orderby": payloads.ORDER_BY_KEY[payloads.INCOMING_PAYMENTS],
        }
        for page in self._pages(payloads.INCOMING_PAYMENTS, options, "read stamped payments"):
            yield [
                payloads.stamped_payment(row, uuid_field=uuid_field, attachment=attachment_field)
                for row in page
            ]

    def credit_notes_after(self, doc_entry: int) -> Iterator[list[CreditNote]]:
        """Pages of credit notes newer than a DocEntry, with the invoices they credit."""
        options = {
            "$select": payloads.select(payloads.CREDIT_NOTE_FIELDS),
            "$filter": payloads.entry_above(doc_entry),
            "$orderby": payloads.ORDER_BY_KEY[payloads.CREDIT_NOTES],
        }
        local = self.config.local_currency
        for page in self._pages(payloads.CREDIT_NOTES, options, "read credit notes"):
            yield [payloads.credit_note(row, local_currency=local) for row in page]

    def attachment_file(self, attachment_entry: int, extension: str) -> bytes:
        """The bytes of an attachment's first file with this extension (the stamped XML)."""
        resource = f"{payloads.ATTACHMENTS}({int(attachment_entry)})"
        action = f"read attachment {attachment_entry}"
        entry = self._get(resource, {}, action)
        name = payloads.attachment_file_name(entry, extension)
        if name is None:
            raise ExternalNotFound(f"attachment {attachment_entry} holds no .{extension} file")
        url = f"{self.session.root}{resource}/$value?filename={quote(payloads.quoted(name))}"
        return self.session.request("GET", url, action=action).content

    def invoice(self, doc_entry: int) -> Pulled[InvoiceRecord]:
        """One invoice by its DocEntry."""
        options = {"$select": payloads.select(self._invoice_fields)}
        url = f"{self.session.root}{payloads.INVOICES}({int(doc_entry)})?{query_string(options)}"
        action = f"read invoice {doc_entry}"
        response = self.session.request("GET", url, action=action)
        return self._invoice(self.session.decode(response, self._invoice_decoder, action))

    def business_partner(self, card_code: str) -> Pulled[SapCustomer]:
        """One business partner by its CardCode."""
        options = {
            "$select": payloads.select(
                payloads.BUSINESS_PARTNER_FIELDS,
                self.config.billing_channel_field,
                self.config.billing_email_field,
            )
        }
        resource = f"{payloads.BUSINESS_PARTNERS}({_key(card_code)})"
        return self._business_partner(self._get(resource, options, f"read customer {card_code}"))

    def activities_with_reference(self, reference: str) -> list[int]:
        """ActivityCodes of the Activities whose kiosk-reference UDF holds this reference."""
        field, key = self.config.kiosk_reference_field, payloads.ACTIVITY_KEY
        options = {"$select": key, "$filter": f"{field} eq {payloads.quoted(reference)}"}
        codes: list[int] = []
        for page in self._pages(payloads.ACTIVITIES, options, f"look up reference {reference}"):
            codes.extend(int(record[key]) for record in page)
        return codes

    # --- writes ----------------------------------------------------------------------------

    def update_business_partner(self, card_code: str, fields: Mapping[str, Any]) -> None:
        """PATCH fields of a business partner (absolute values: safe to repeat)."""
        url = f"{self.session.root}{payloads.BUSINESS_PARTNERS}({_key(card_code)})"
        self.session.request("PATCH", url, body=fields, action=f"update customer {card_code}")

    def flag_invoice(self, doc_entry: int, field: str, value: str) -> None:
        """PATCH one UDF of an invoice (an absolute value: safe to repeat)."""
        url = f"{self.session.root}{payloads.INVOICES}({int(doc_entry)})"
        self.session.request("PATCH", url, body={field: value}, action=f"flag invoice {doc_entry}")

    def set_partner_fields(self, card_code: str, fields: dict[str, str]) -> None:
        """PATCH UDFs of a business partner, such as an e-billing incentive and its date."""
        self.update_business_partner(card_code, fields)

    def set_billing_preference(
        self, card_code: str, channel: BillingChannel, email: str | None
    ) -> None:
        """Record a billing preference in the business partner's UDFs."""
        self.update_business_partner(
            card_code,
            payloads.billing_fields(
                channel,
                email,
                channel_field=self.config.billing_channel_field,
                email_field=self.config.billing_email_field,
            ),
        )

    def create_invoice_activity(
        self,
        doc_entry: int,
        doc_num: int,
        card_code: str,
        *,
        details: str,
        notes: str,
        reference: str,
        at: datetime,
    ) -> int:
        """POST an Activity linked to the invoice; never retried here (see
        activities_with_reference)."""
        body = payloads.invoice_activity(
            doc_entry,
            doc_num,
            card_code,
            details=details,
            notes=notes,
            reference=reference,
            reference_field=self.config.kiosk_reference_field,
            at=at,
        )
        action = f"record an activity for invoice {doc_num}"
        response = self.session.request(
            "POST", self.session.root + payloads.ACTIVITIES, body=body, action=action
        )
        return int(self.session.json(response, action)[payloads.ACTIVITY_KEY])

    # --- plumbing --------------------------------------------------------------------------

    def _pages(
        self, resource: str, options: Mapping[str, str], action: str
    ) -> Iterator[list[dict[str, Any]]]:
        return iterate_pages(
            self.session, resource, options, page_size=self.config.page_size, action=action
        )

    def _payments_where(self, condition: str, action: str) -> Iterator[list[IncomingPayment]]:
        options = {
            "$select": payloads.select(payloads.PAYMENT_FIELDS),
            "$filter": condition,
            "$orderby": payloads.ORDER_BY_KEY[payloads.INCOMING_PAYMENTS],
        }
        local = self.config.local_currency
        for page in self._pages(payloads.INCOMING_PAYMENTS, options, action):
            yield [payloads.payment_from_payload(p, local_currency=local) for p in page]

    def _invoices_where(
        self, condition: str | None, action: str
    ) -> Iterator[list[Pulled[InvoiceRecord]]]:
        """Pages of the invoices (with lines) matching a $filter, or all, in DocEntry order."""
        options = {
            "$select": payloads.select(self._invoice_fields),
            "$orderby": payloads.ORDER_BY_KEY[payloads.INVOICES],
        }
        if condition is not None:
            options["$filter"] = condition
        pages = iterate_pages(
            self.session,
            payloads.INVOICES,
            options,
            page_size=self.config.page_size,
            action=action,
            decoder=self._invoice_page,
        )
        for page in pages:
            yield [self._invoice(raw) for raw in page]

    def _highest_entry(self, resource: str, action: str) -> int:
        key = payloads.ORDER_BY_KEY[resource]
        options = {"$select": key, "$orderby": f"{key} desc", "$top": "1"}
        rows = self._get(resource, options, action).get("value", [])
        return int(rows[0][key]) if rows else 0

    def _get(self, resource: str, options: Mapping[str, str], action: str) -> dict[str, Any]:
        url = f"{self.session.root}{resource}?{query_string(options)}"
        response = self.session.request("GET", url, action=action)
        payload: dict[str, Any] = self.session.json(response, action)
        return payload

    def _invoice(self, raw: payloads.SapInvoice) -> Pulled[InvoiceRecord]:
        return payloads.invoice_from_sap(raw, local_currency=self.config.local_currency)

    def _business_partner(self, payload: dict[str, Any]) -> Pulled[SapCustomer]:
        return payloads.business_partner_from_payload(
            payload,
            channel_field=self.config.billing_channel_field,
            email_field=self.config.billing_email_field,
        )


def _key(text: str) -> str:
    """A string key in the URL: quoted, inner quotes doubled, then percent-encoded."""
    return quote(payloads.quoted(text), safe="'")
