"""The customer's invoices to pick from: still to pay (overdue first), the history, dispute news,
and the way to their statement of account."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from kiosk.domain.invoice import Invoice, InvoiceStatus
from kiosk.language.catalogue import Texts
from kiosk.services.customer_identification import IdentifiedCustomer
from kiosk.services.enrolment import EnrolmentOffer
from kiosk.ui.widgets.invoice_table import fill_invoice_table, invoice_table, selected_rows
from kiosk.ui.widgets.touch_button import TouchButton, action_row

HISTORY = {InvoiceStatus.PAID, InvoiceStatus.CANCELLED}


ACTIONS = ("view", "pay", "print", "email")


class InvoiceListScreen(QWidget):
    back_requested = Signal()
    """The customer is done or wants to start again."""
    action_requested = Signal(str, list)
    """("view" | "pay" | "print" | "email", the selected invoices)."""
    statement_requested = Signal()
    """Estado de cuenta: the customer's statement, whatever is selected."""
    enrolment_requested = Signal(object)
    """E-mail billing, or back to paper (the EnrolmentOffer shown on the button)."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self) -> None:
        super().__init__()
        self._found: IdentifiedCustomer | None = None
        self._today = date.today()
        self.offer_statement = False
        """Whether the kiosk makes statements (the window knows: it has the service or not)."""
        self.greeting = QLabel()
        self.greeting.setObjectName("greeting")
        self.greeting.setWordWrap(True)  # a long customer name takes two lines, not more width
        self.notices = QLabel()
        self.notices.setObjectName("dispute_notices")
        self.notices.setWordWrap(True)
        bold = self.notices.font()
        bold.setBold(True)
        self.notices.setFont(bold)
        self.notices.setVisible(False)
        self.open_table = invoice_table()
        self.open_table.setObjectName("open")
        self.history_table = invoice_table()
        self.history_table.setObjectName("history")
        self.empty = QLabel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.open_table, "")
        self.tabs.addTab(self.history_table, "")
        self.open_table.itemSelectionChanged.connect(self._selection_changed)
        self.status = QLabel()
        self.status.setObjectName("message")
        self.back = TouchButton("")
        self.back.setMinimumWidth(180)
        self.back.setObjectName("back")
        self.back.clicked.connect(self.back_requested)
        buttons, self.action_buttons = action_row(self.back, ACTIONS, self._request)
        # About the customer, not the invoices chosen: up here beside their name.
        self.statement = TouchButton("")
        self.statement.setObjectName("statement")
        self.statement.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.statement.clicked.connect(self.statement_requested)
        self.statement.setVisible(False)
        # Shown once the customer's preference is read: to e-mail, or back to paper.
        self._enrolment: EnrolmentOffer | None = None
        self.enrolment = TouchButton("")
        self.enrolment.setObjectName("enrolment")
        self.enrolment.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.enrolment.clicked.connect(lambda: self.enrolment_requested.emit(self._enrolment))
        self.enrolment.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(self.greeting, 1)
        top.addWidget(self.enrolment, 0, Qt.AlignmentFlag.AlignRight)
        top.addWidget(self.statement, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.notices)
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._selection_changed()

    def show_customer(self, found: IdentifiedCustomer, today: date) -> None:
        self._found, self._today = found, today
        self.statement.setVisible(self.offer_statement)
        self.show_enrolment(None)
        self.show_notices([])
        self._fill()

    @property
    def customer_code(self) -> str | None:
        return None if self._found is None else self._found.customer.code

    def show_enrolment(self, offer: EnrolmentOffer | None) -> None:
        """The e-billing button: "by e-mail" for a customer on paper, "back to paper" for one
        on e-mail; hidden without an offer (or for another customer than the one shown)."""
        if offer is not None and offer.customer_code != self.customer_code:
            return
        self._enrolment = offer
        self.enrolment.setVisible(offer is not None)
        if offer is not None:
            key = "enrol_ui_paper_button" if offer.by_email else "enrol_ui_offer_button"
            self.enrolment.setText(self._texts[key])

    def show_notices(self, lines: list[str]) -> None:
        """A short banner: "Su disputa D-000001: aceptada", one line per dispute."""
        self.notices.setText("\n".join(lines))
        self.notices.setVisible(bool(lines))

    def update_invoice(self, invoice: Invoice) -> None:
        """The invoice as it is now (after a dispute, less is due), in its place in the list."""
        found = self._found
        if found is None:
            return
        invoices = tuple(
            invoice if listed.doc_entry == invoice.doc_entry else listed
            for listed in found.invoices
        )
        self._found = replace(found, invoices=invoices)
        self.open_table.clearSelection()
        self._fill()

    def clear(self) -> None:
        self._found = None
        for table in (self.open_table, self.history_table):
            table.clearSelection()
            table.setRowCount(0)
        self.greeting.clear()
        self.status.clear()
        self.statement.setVisible(False)
        self._enrolment = None
        self.enrolment.setVisible(False)
        self.show_notices([])

    def set_busy(self, busy: bool) -> None:
        """While an action runs: say so, and keep the buttons from being tapped twice."""
        self.status.setText(self._texts["busy"] if busy else "")
        self.back.setEnabled(not busy)
        self.statement.setEnabled(not busy)
        self.enrolment.setEnabled(not busy)
        self._selection_changed(busy=busy)

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def selected_invoices(self) -> list[Invoice]:
        if self._found is None:
            return []
        return [self._open()[row] for row in selected_rows(self.open_table)]

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.tabs.setTabText(0, texts["open"])
        self.tabs.setTabText(1, texts["history"])
        self.back.setText(texts["back"])
        self.statement.setText(texts["statement_ui_action"])
        self.show_enrolment(self._enrolment)
        for action, button in self.action_buttons.items():
            button.setText(texts[action])
        self._fill()

    def _selection_changed(self, *, busy: bool = False) -> None:
        count = len(self.selected_invoices())
        chosen = count > 0
        for action, button in self.action_buttons.items():
            button.setEnabled((count == 1 if action == "view" else chosen) and not busy)
        if not busy:
            self.status.setText(
                "" if chosen or self._found is None else self._texts["choose_first"]
            )

    def _request(self, action: str) -> None:
        self.action_requested.emit(action, self.selected_invoices())

    def _open(self) -> list[Invoice]:
        assert self._found is not None
        return [i for i in self._found.invoices if i.status_on(self._today) not in HISTORY]

    def _fill(self) -> None:
        if self._found is None:
            return
        texts = self._texts
        self.greeting.setText(texts.format("hello", name=self._found.customer.name))
        history = [i for i in self._found.invoices if i.status_on(self._today) in HISTORY]
        fill_invoice_table(self.open_table, self._open(), texts, self._today)
        fill_invoice_table(self.history_table, history, texts, self._today)
        self._selection_changed()
        self.empty.setText(texts["nothing_open"] if not self._open() else "")
        self.empty.setVisible(not self._open())
