"""The statement of account: balances and ageing checked against sums of the fixture data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.errors import InvalidValue
from kiosk.domain.money import Money
from kiosk.domain.reports import ReportPeriod
from kiosk.domain.statement import EntryKind, Statement, build_statement
from tests.builders import make_customer
from tests.fixtures.statement_data import (
    PERIOD,
    TODAY,
    credit_note,
    dispute,
    invoice,
    payment,
    statement_data,
)

ZERO = Decimal(0)


def build(data=None, period=PERIOD, today=TODAY, **changes) -> Statement:
    data = data or statement_data()
    documents = {
        "invoices": data.invoices, "credit_notes": data.credit_notes, "payments": data.payments,
        "disputes": data.disputes,
    }  # fmt: skip
    documents.update(changes)
    return build_statement(data.customer, period, today=today, **documents)


def expected_balances(currency: str) -> tuple[Decimal, Decimal]:
    """Opening and closing straight from the documents, without the builder's logic."""
    data = statement_data()
    invoices = [
        i
        for i in data.invoices
        if i.customer_code == "C001" and not i.cancelled and i.currency == currency
    ]
    notes = [n for n in data.credit_notes if not n.cancelled and n.total.currency == currency]
    paid = [p for p in data.payments if not p.cancelled and p.amount.currency == currency]

    def net(until: date) -> Decimal:
        return (
            sum((i.total.amount for i in invoices if i.posting_date <= until), ZERO)
            - sum((n.total.amount for n in notes if n.posting_date <= until), ZERO)
            - sum((p.amount.amount for p in paid if p.payment_date <= until), ZERO)
        )  # fmt: skip

    return net(PERIOD.start - timedelta(days=1)), net(PERIOD.end)


def test_each_currency_opens_and_closes_on_the_sums_of_its_documents():
    statement = build()

    assert statement.currencies == ("MXN", "USD")  # EUR was settled before the period
    for currency in statement.currencies:
        section = statement.section(currency)
        assert (section.opening, section.closing) == expected_balances(currency)
    mxn, usd = statement.section("MXN"), statement.section("USD")
    assert (mxn.opening, mxn.closing) == (Decimal("1160.00"), Decimal("2580.00"))
    assert (usd.opening, usd.closing) == (ZERO, Decimal("200.00"))
    assert mxn.closing == mxn.opening + mxn.charges - mxn.credits
    assert (mxn.charges, mxn.credits) == (Decimal("3000.00"), Decimal("1580.00"))


def test_entries_run_in_date_order_with_a_running_balance_and_memo_disputes():
    mxn = build().section("MXN")

    rows = [(e.day, e.kind, e.number, e.charge, e.credit, e.balance, e.reference)
            for e in mxn.entries]  # fmt: skip
    assert rows == [
        (date(2026, 1, 15), EntryKind.INVOICE, "1003", Decimal("2320.00"), ZERO,
         Decimal("3480.00"), None),
        (date(2026, 2, 1), EntryKind.INVOICE, "1004", Decimal("580.00"), ZERO,
         Decimal("4060.00"), None),
        (date(2026, 2, 5), EntryKind.CREDIT_NOTE, "7001", ZERO, Decimal("580.00"),
         Decimal("3480.00"), "1004"),
        (date(2026, 2, 10), EntryKind.PAYMENT, "9002", ZERO, Decimal("1000.00"),
         Decimal("2480.00"), "1003"),
        (date(2026, 2, 20), EntryKind.DISPUTE, "D-000001", ZERO, ZERO, Decimal("2480.00"),
         "1003"),
        (date(2026, 3, 31), EntryKind.INVOICE, "1005", Decimal("100.00"), ZERO,
         Decimal("2580.00"), None),
    ]  # fmt: skip
    assert mxn.entries[4].disputed == Decimal("300.00")  # the withdrawn one is not listed
    assert mxn.entries[0].due_date == date(2026, 2, 14)


def test_ageing_is_what_is_due_less_disputes_by_days_past_due_and_adds_up_to_the_balance():
    statement = build()
    mxn, usd = statement.section("MXN"), statement.section("USD")

    assert statement.ageing_on == TODAY
    assert mxn.ageing == {
        AgeingBucket.CURRENT: Decimal("100.00"),  # 1005, due today
        AgeingBucket.DAYS_1_30: ZERO,
        AgeingBucket.DAYS_31_60: Decimal("1020.00"),  # 1003: 2,320 - 1,000 paid - 300 disputed
        AgeingBucket.DAYS_61_90: Decimal("1160.00"),  # 1001, 81 days late
        AgeingBucket.OVER_90: ZERO,
    }
    assert mxn.disputed == Decimal("300.00")
    # With the whole history, what is open plus what is disputed is the closing balance.
    assert mxn.open_total + mxn.disputed == mxn.closing
    assert usd.ageing[AgeingBucket.DAYS_1_30] == Decimal("200.00")  # due 1 March: 30 days
    assert usd.open_total == usd.closing


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [(0, AgeingBucket.CURRENT), (1, AgeingBucket.DAYS_1_30), (30, AgeingBucket.DAYS_1_30),
     (31, AgeingBucket.DAYS_31_60), (60, AgeingBucket.DAYS_31_60), (61, AgeingBucket.DAYS_61_90),
     (90, AgeingBucket.DAYS_61_90), (91, AgeingBucket.OVER_90), (-5, AgeingBucket.CURRENT)],
)  # fmt: skip
def test_ageing_buckets_at_their_boundaries(days_late: int, bucket: AgeingBucket):
    due = TODAY - timedelta(days=days_late)
    statement = build(
        invoices=[invoice(1, date(2025, 6, 1), due, "10.00")], credit_notes=[], payments=[],
        disputes=[],
    )  # fmt: skip

    ageing = statement.section("MXN").ageing
    assert ageing[bucket] == Decimal("10.00")
    assert sum(ageing.values(), ZERO) == Decimal("10.00")


def test_a_past_period_ages_on_its_last_day_and_leaves_out_what_came_after():
    period = ReportPeriod(date(2026, 1, 1), date(2026, 1, 31))
    statement = build(period=period)
    mxn = statement.section("MXN")

    assert statement.ageing_on == date(2026, 1, 31)
    assert [e.number for e in mxn.entries] == ["1003"]
    assert mxn.closing == Decimal("1160.00") + Decimal("2320.00")
    # 1001 was due on 9 January: 22 days late on the 31st; 1005 (March) is not in it yet.
    assert mxn.ageing[AgeingBucket.DAYS_1_30] == Decimal("1160.00")
    assert mxn.ageing[AgeingBucket.CURRENT] == Decimal("1020.00")  # 1003, due 14 February
    assert statement.currencies == ("MXN",)


def test_on_one_day_invoices_come_before_credits_and_payments():
    day = date(2026, 2, 1)
    statement = build(
        invoices=[invoice(1, day, day, "100.00")],
        credit_notes=[credit_note(1, day, "30.00")],
        payments=[payment(1, day, "20.00")],
        disputes=[],
    )

    entries = statement.section("MXN").entries
    assert [e.kind for e in entries] == [
        EntryKind.INVOICE, EntryKind.CREDIT_NOTE, EntryKind.PAYMENT,
    ]  # fmt: skip
    assert [e.balance for e in entries] == [Decimal("100.00"), Decimal("70.00"), Decimal("50.00")]


def test_a_customer_with_nothing_gets_a_statement_without_sections():
    statement = build(invoices=[], credit_notes=[], payments=[], disputes=[])

    assert statement.sections == () and statement.entry_count == 0
    with pytest.raises(InvalidValue, match="nothing in MXN"):
        statement.section("MXN")


def test_a_dispute_opened_before_the_period_counts_in_the_disputed_total_only():
    data = statement_data()
    early = dispute(9, data.invoices[2], "300.00", datetime(2025, 12, 30, 9, 0))

    mxn = build(data, disputes=[early]).section("MXN")

    assert EntryKind.DISPUTE not in {e.kind for e in mxn.entries}
    assert mxn.disputed == Decimal("300.00")


def test_the_statement_carries_the_customer_and_whether_the_history_is_complete():
    customer = make_customer("C001", name="Ferretería Ñandú", tax_id="FNA010101AB1")
    data = statement_data()

    statement = build_statement(
        customer, PERIOD, invoices=data.invoices, credit_notes=[], payments=[], disputes=[],
        today=TODAY, history_complete=False,
    )  # fmt: skip

    assert (statement.customer_name, statement.customer_tax_id) == (
        "Ferretería Ñandú",
        "FNA010101AB1",
    )
    assert statement.address.city == "Monterrey"
    assert not statement.history_complete and statement.generated_on == TODAY


def test_credit_that_pays_no_invoice_is_taken_off_what_is_left_to_pay():
    """A standalone credit note and a payment on account lower the balance without closing any
    invoice: the ageing shows them as credit on the account, so that for every currency the
    closing balance is what the open invoices owe plus what is disputed less that credit."""
    data = statement_data()
    rebate = credit_note(5, date(2026, 3, 5), "200.00")  # no invoice: a rebate
    on_account = payment(6, date(2026, 3, 20), "150.00")  # applied to no invoice
    partly = payment(7, date(2026, 3, 21), "40.00", "USD", pays=[(10, "30.00")])
    later = credit_note(8, date(2026, 4, 5), "70.00")  # after the period

    # SAP counts the 30.00 applied to USD invoice 10 as paid on it.
    paid_more = [
        replace(i, paid_to_date=Money(Decimal("130.00"), "USD")) if i.doc_entry == 10 else i
        for i in data.invoices
    ]
    plain = build(data)
    more = build(
        data, invoices=paid_more, credit_notes=[*data.credit_notes, rebate, later],
        payments=[*data.payments, on_account, partly],
    )  # fmt: skip

    assert plain.section("MXN").unapplied == Decimal(0)
    assert more.section("MXN").unapplied == Decimal("350.00")
    assert more.section("USD").unapplied == Decimal("10.00")
    assert more.section("MXN").to_pay == more.section("MXN").open_total - Decimal("350.00")
    for statement in (plain, more):
        for section in statement.sections:
            # What SAP says is owed (the fixture's invoices agree with its payments), whole.
            assert section.closing == section.open_total + section.disputed - section.unapplied
