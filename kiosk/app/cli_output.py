"""How the command line shows invoices and customers: aligned text for people, JSON for scripts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from kiosk.domain.billing_preference import BillingPreference
from kiosk.domain.customer import Customer
from kiosk.domain.delivery import Delivery, PrinterInfo
from kiosk.domain.invoice import Invoice, InvoiceStatus
from kiosk.domain.money import Money
from kiosk.domain.payment_request import PaymentRequest
from kiosk.services.delivery import DeliveryReport
from kiosk.services.invoice_lookup import CustomerOverview
from kiosk.services.outbox import OutboxEntry
from kiosk.services.sync import SyncReport
from kiosk.services.sync_status import SyncStatus

_STATUS_TEXT = {
    InvoiceStatus.OPEN: "open",
    InvoiceStatus.PARTIALLY_PAID: "partially paid",
    InvoiceStatus.PAID: "paid",
    InvoiceStatus.OVERDUE: "overdue",
    InvoiceStatus.CANCELLED: "cancelled",
}


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def amount(money: Money) -> str:
    """An exact amount rounded to the currency, as a string (never a float)."""
    return str(money.rounded().amount)


def invoice_status_text(invoice: Invoice, today: date) -> str:
    status = invoice.status_on(today)
    if status is InvoiceStatus.OVERDUE:
        return f"overdue {invoice.days_overdue(today)} d"
    return _STATUS_TEXT[status]


def invoice_record(invoice: Invoice, today: date, *, with_lines: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "doc_entry": invoice.doc_entry,
        "doc_num": invoice.doc_num,
        "customer": {
            "code": invoice.customer_code,
            "name": invoice.customer_name,
            "tax_id": invoice.customer_tax_id,
        },
        "posting_date": invoice.posting_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "document_date": invoice.document_date.isoformat(),
        "currency": invoice.currency,
        "net_total": amount(invoice.net_total),
        "tax_total": amount(invoice.tax_total),
        "total": amount(invoice.total),
        "paid_to_date": amount(invoice.paid_to_date),
        "amount_due": amount(invoice.amount_due),
        "status": invoice.status_on(today).value,
        "sap_status": invoice.sap_status.value,
        "cancelled": invoice.cancelled,
        "customer_reference": invoice.customer_reference,
        "comments": invoice.comments,
    }
    if with_lines:
        record["lines"] = [
            {
                "line_number": line.line_number,
                "item_code": line.item_code,
                "description": line.description,
                "quantity": str(line.quantity),
                "unit_price": str(line.unit_price),
                "discount_percent": str(line.discount_percent),
                "tax_code": line.tax_code,
                "tax_percent": str(line.tax_percent),
                "tax_amount": str(line.tax_amount),
                "line_total": str(line.line_total),
            }
            for line in invoice.lines
        ]
    return record


def invoice_table(invoices: list[Invoice], today: date) -> str:
    """One line per invoice, aligned in columns."""
    if not invoices:
        return "no invoices"
    header = ("Number", "Posted", "Due", "Customer", "Total", "Amount due", "Status")
    rows = [
        (
            str(invoice.doc_num),
            invoice.posting_date.isoformat(),
            invoice.due_date.isoformat(),
            f"{invoice.customer_code} {invoice.customer_name}"[:40],
            str(invoice.total),
            str(invoice.amount_due),
            invoice_status_text(invoice, today),
        )
        for invoice in invoices
    ]
    return _columns([header, *rows], right_aligned={4, 5})


def invoice_details(invoice: Invoice, today: date) -> str:
    """An invoice's header, lines and totals as a person reads them."""
    lines = [
        f"Invoice {invoice.doc_num}  (SAP DocEntry {invoice.doc_entry})",
        f"Customer      {invoice.customer_code}  {invoice.customer_name}",
        f"Tax ID        {invoice.customer_tax_id or '-'}",
        f"Posted        {invoice.posting_date.isoformat()}",
        f"Document date {invoice.document_date.isoformat()}",
        f"Due           {invoice.due_date.isoformat()}",
        f"Reference     {invoice.customer_reference or '-'}",
        f"Status        {invoice_status_text(invoice, today)}",
        "",
    ]
    header = ("#", "Item", "Description", "Qty", "Unit price", "Disc %", "Tax", "Line total")
    rows = [
        (
            str(line.line_number + 1),
            line.item_code or "",
            line.description[:40],
            str(line.quantity),
            str(line.unit_price),
            str(line.discount_percent),
            str(line.tax_amount),
            str(line.line_total),
        )
        for line in invoice.lines
    ]
    lines.append(_columns([header, *rows], right_aligned={3, 4, 5, 6, 7}))
    lines += [
        "",
        f"Net           {invoice.net_total}",
        f"Tax           {invoice.tax_total}",
        f"Total         {invoice.total}",
        f"Paid to date  {invoice.paid_to_date}",
        f"Amount due    {invoice.amount_due}",
    ]
    if invoice.comments:
        lines += ["", f"Comments      {invoice.comments}"]
    return "\n".join(lines)


def customer_record(overview: CustomerOverview, today: date) -> dict[str, Any]:
    customer = overview.customer
    return {
        "customer": _customer_fields(customer),
        "preference": _preference_fields(overview.preference),
        "open_balance": [
            {"currency": money.currency, "amount": amount(money)} for money in overview.open_balance
        ],
        "open_invoice_count": overview.open_invoice_count,
        "invoices": [
            invoice_record(invoice, today, with_lines=False) for invoice in overview.recent_invoices
        ],
    }


def customer_details(overview: CustomerOverview, today: date) -> str:
    customer = overview.customer
    preference = overview.preference
    balance = ", ".join(str(money) for money in overview.open_balance) or "nothing due"
    lines = [
        f"Customer      {customer.code}  {customer.name}",
        f"Tax ID        {customer.tax_id or '-'}",
        f"E-mail        {customer.email or '-'}",
        f"Phone         {customer.phone or '-'}",
        f"Address       {', '.join(customer.address.lines()) or '-'}",
    ]
    if preference is None:
        lines.append("Billing       no preference registered")
    else:
        to = f" to {preference.email}" if preference.email else ""
        consent = f"{preference.consent_at:%Y-%m-%d %H:%M}"
        lines.append(
            f"Billing       {preference.channel.value}{to} (consent {consent}, "
            f"by {preference.registered_by} at {preference.branch})"
        )
    lines += [
        f"Open balance  {balance} in {overview.open_invoice_count} open invoice(s)",
        "",
        invoice_table(list(overview.recent_invoices), today),
    ]
    return "\n".join(lines)


def _customer_fields(customer: Customer) -> dict[str, Any]:
    return {
        "code": customer.code,
        "name": customer.name,
        "tax_id": customer.tax_id,
        "email": customer.email,
        "phone": customer.phone,
        "address": customer.address.lines(),
    }


def _preference_fields(preference: BillingPreference | None) -> dict[str, Any] | None:
    if preference is None:
        return None
    return {
        "channel": preference.channel.value,
        "email": preference.email,
        "consent_at": preference.consent_at.isoformat(),
        "registered_by": preference.registered_by,
        "branch": preference.branch,
    }


def _columns(rows: list[tuple[str, ...]], *, right_aligned: set[int]) -> str:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.rjust(widths[index]) if index in right_aligned else cell.ljust(widths[index])
            for index, cell in enumerate(row)
        ).rstrip()
        for row in rows
    )


def sync_record(report: SyncReport) -> dict[str, Any]:
    record: dict[str, Any] = {
        "started_at": report.started_at.isoformat(),
        "full": report.full,
        "seconds": round(report.seconds, 2),
        "pulled": report.pulled,
        "stored": report.stored,
        "refreshed_by_payments": report.refreshed_by_payments,
        "settled_requests": report.settled_requests,
        "mismatched_requests": report.mismatched_requests,
        "pushed": report.push.pushed,
        "parked": report.push.parked,
        "outbox_pending": report.pending,
        "outbox_parked": report.parked,
        "error": report.error,
    }
    if report.reconciliation is not None:
        found = report.reconciliation
        record["reconciliation"] = {
            "invoices_in_sap": found.invoices_in_sap,
            "invoices_missing_in_sap": found.flagged_invoices,
            "customers_missing_in_sap": found.flagged_customers,
            "customers_with_different_count": found.customers_with_different_count,
            "customers_with_different_balance": found.customers_with_different_balance,
        }
    return record


def sync_summary(report: SyncReport) -> str:
    """A few lines a person reads after `kiosk sync`."""
    verb = "stopped" if report.error else "done"
    lines = [
        f"sync {verb} in {report.seconds:.1f} s"
        f" - pulled {report.pulled['invoices']:,} invoices ({report.stored['invoices']:,} new or"
        f" changed), {report.pulled['customers']:,} customers"
        f" ({report.stored['customers']:,} new or changed), {report.pulled['payments']:,} payments"
        f" ({report.refreshed_by_payments:,} invoices refreshed)",
        f"pushed {report.push.pushed}, parked {report.push.parked};"
        f" outbox now {report.pending} pending, {report.parked} parked",
    ]
    lines += [f"parked: {error}" for error in report.push.parked_errors]
    if report.settled_requests or report.mismatched_requests:
        lines.append(
            f"payment requests: {report.settled_requests:,} settled,"
            f" {report.mismatched_requests:,} left open (a payment quoted the reference with"
            " another customer or amount; see the log)"
        )
    found = report.reconciliation
    if found is not None:
        lines.append(
            f"reconciled: {found.invoices_in_sap:,} invoices in SAP;"
            f" {found.flagged_invoices:,} cached invoices and {found.flagged_customers:,}"
            " customers no longer in SAP (flagged);"
            f" {len(found.customers_with_different_count):,} customers had a different number"
            f" of invoices and {len(found.customers_with_different_balance):,} a different open"
            " balance (now repaired)"
        )
    return "\n".join(lines)


def outbox_record(entry: OutboxEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "reference": entry.reference,
        "kind": entry.kind,
        "customer": entry.customer_code,
        "state": entry.state.value,
        "attempts": entry.attempts,
        "created_at": entry.created_at.isoformat(),
        "next_attempt_at": entry.next_attempt_at.isoformat() if entry.next_attempt_at else None,
        "error_code": entry.last_error_code,
        "error": entry.last_error_message,
        "payload": entry.payload,
    }


def outbox_table(entries: list[OutboxEntry]) -> str:
    if not entries:
        return "the outbox is empty: everything has reached SAP"
    header = ("ID", "State", "Change", "Customer", "Tries", "Created", "Next try / error")
    rows = [
        (
            str(entry.id),
            entry.state.value,
            entry.kind,
            entry.customer_code,
            str(entry.attempts),
            f"{entry.created_at:%Y-%m-%d %H:%M}",
            (entry.last_error_message or "")
            if entry.state.value == "parked"
            else (f"{entry.next_attempt_at:%Y-%m-%d %H:%M:%S}" if entry.next_attempt_at else ""),
        )
        for entry in entries
    ]
    return _columns([header, *rows], right_aligned={0, 4})


def status_record(status: SyncStatus) -> dict[str, Any]:
    return {
        "last_success": {
            entity: moment.isoformat() if moment else None
            for entity, moment in status.last_success.items()
        },
        "outbox_pending": status.pending,
        "outbox_parked": status.parked,
        "first_download_stored_up_to": status.first_download_stored_up_to,
    }


def sync_status_text(status: SyncStatus) -> str:
    if not status.last_success:
        lines = ["never synced with SAP: run `kiosk sync`"]
    else:
        lines = [
            f"last pull of {entity}: {moment:%Y-%m-%d %H:%M:%S}" if moment else f"{entity}: never"
            for entity, moment in status.last_success.items()
        ]
    if status.first_download_stored_up_to is not None:
        lines.append(
            "first download of invoices unfinished: stored up to DocEntry "
            f"{status.first_download_stored_up_to}; `kiosk sync` goes on from there"
        )
    lines.append(f"outbox: {status.pending} pending, {status.parked} parked (see `kiosk outbox`)")
    return "\n".join(lines)


def payment_request_record(request: PaymentRequest, payload: str) -> dict[str, Any]:
    return {
        "reference": request.reference,
        "customer": request.customer_code,
        "currency": request.total.currency,
        "amount": amount(request.total),
        "invoices": [
            {"doc_num": i.doc_num, "due_date": i.due_date_iso, "amount": amount(i.amount)}
            for i in request.invoices
        ],
        "state": request.state.value,
        "qr_payload": payload,
    }


def payment_request_text(request: PaymentRequest, payload: str) -> str:
    numbers = ", ".join(str(number) for number in request.doc_nums)
    return "\n".join(
        [
            f"reference   {request.reference}",
            f"amount      {request.total}",
            f"customer    {request.customer_code} {request.customer_name}",
            f"invoices    {numbers}",
            f"QR payload  {payload}",
        ]
    )


def delivery_record(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "invoice": delivery.doc_num,
        "customer": delivery.customer_code,
        "channel": delivery.channel.value,
        "reason": delivery.reason.value,
        "to": delivery.destination,
        "state": delivery.state.value,
        "attempts": delivery.attempts,
        "receipt": delivery.receipt,
        "error_code": delivery.last_error_code,
        "error": delivery.last_error,
        "requested_by": delivery.requested_by,
        "created_at": delivery.created_at.isoformat(),
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
    }


def delivery_text(delivery: Delivery) -> str:
    where = delivery.destination or "the default printer"
    if delivery.state.value == "sent":
        what = "e-mailed to" if delivery.channel.value == "email" else "printed on"
        return f"invoice {delivery.doc_num} {what} {where} ({delivery.receipt})"
    return f"invoice {delivery.doc_num} not delivered to {where}: {delivery.state.value}"


def deliveries_table(deliveries: list[Delivery]) -> str:
    if not deliveries:
        return "no deliveries yet"
    header = ("ID", "Invoice", "Customer", "Channel", "Reason", "To", "State", "Tries", "Detail")
    rows = [
        (
            str(d.id), str(d.doc_num), d.customer_code, d.channel.value, d.reason.value,
            d.destination or "-", d.state.value, str(d.attempts),
            (d.receipt or "") if d.state.value == "sent" else (d.last_error or "")[:60],
        )
        for d in deliveries
    ]  # fmt: skip
    return _columns([header, *rows], right_aligned={0, 1, 7})


def printers_text(printers: list[PrinterInfo]) -> str:
    if not printers:
        return "no printers"
    return "\n".join(
        f"{p.name}{' (default)' if p.is_default else ''}: "
        f"{'ready' if p.enabled and p.accepting else 'stopped'}"
        for p in printers
    )


def delivery_summary(report: DeliveryReport) -> str:
    lines = [
        f"delivery: queued {report.queued_emails} e-mail(s) and {report.queued_prints} print(s),"
        f" listed {report.listed_for_clerk} for the clerk; sent {report.sent},"
        f" retrying {report.retrying}, failed {report.failed}"
    ]
    lines += [f"  {problem}" for problem in report.problems]
    return "\n".join(lines)
