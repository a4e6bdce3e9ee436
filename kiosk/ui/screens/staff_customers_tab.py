"""Staff: find a customer; their invoices to print or e-mail, bad CFDIs flagged; preference."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.customer import Customer
from kiosk.domain.delivery import Delivery
from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.dispute import Dispute
from kiosk.domain.invoice import Invoice
from kiosk.domain.staff import StaffSession
from kiosk.language.catalogue import Texts
from kiosk.services.bounces import BOUNCE
from kiosk.services.invoice_lookup import CustomerOverview
from kiosk.services.ports.preferences import PreferenceChangedMeanwhile, PreferenceOnFile
from kiosk.ui.background import TaskRunner
from kiosk.ui.customer_actions import DisputeRequest, outcome_lines
from kiosk.ui.notices import notice_for
from kiosk.ui.screens.staff_dispute_dialog import StaffDisputeDialog
from kiosk.ui.staff_services import CfdiFlag, StaffServices
from kiosk.ui.widgets.invoice_table import fill_invoice_table, invoice_table, selected_rows
from kiosk.ui.widgets.touch_button import TouchButton
from kiosk.ui.widgets.wrapping_row_layout import WrappingRowLayout

TYPING_PAUSE_MS = 250
HISTORY_MIN_HEIGHT = 88  # two changes; more scroll
CUSTOMER_PANEL_MIN_WIDTH = 600
"""However far the splitter goes: a long name wraps on a few lines, the whole form below it."""
FLAG_ICON = 28  # px: the warning sign on a flagged invoice, seen at a glance
FLAGGED_ROW = QColor("#FDEBD0")  # a pale amber behind an invoice whose CFDI needs a look
FLAG_WORDS = {
    "problem": "cfdi_ui_staff_problem",
    "pending": "cfdi_ui_staff_pending",
    "discrepancy": "cfdi_ui_staff_discrepancy",
}


def _wrapping_list() -> QListWidget:
    """A list whose long entries (a name, an e-mail address) wrap rather than scroll sideways."""
    entries = QListWidget()
    entries.setWordWrap(True)
    entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    entries.setResizeMode(QListWidget.ResizeMode.Adjust)  # re-wrap when it narrows
    return entries


class StaffCustomersTab(QWidget):
    preference_registered = Signal()
    """A preference was saved locally and waits in the outbox for SAP."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.session: StaffSession | None = None
        self.customer: Customer | None = None
        self.version_seen: int | None = None
        """The version of the preference on screen: a save is based on it."""
        self.search = QLineEdit()
        self.search.setObjectName("customer_search")
        self.search_notice = QLabel()
        self.search_notice.setObjectName("message")
        self.search_notice.setWordWrap(True)
        self.search_notice.setVisible(False)
        self.results = _wrapping_list()
        self.results.itemClicked.connect(self._choose)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._find)
        self.search.textChanged.connect(lambda _text: self._typing.start())

        # A long name or several currencies wrap rather than widen the panel past the window.
        self.chosen = QLabel()
        self.chosen.setObjectName("greeting")
        self.chosen.setWordWrap(True)
        self.balance = QLabel()
        self.balance.setObjectName("balance")
        self.balance.setWordWrap(True)
        self.invoices = invoice_table()
        self.invoices.setObjectName("customer_invoices")
        self.invoices.setIconSize(QSize(FLAG_ICON, FLAG_ICON))
        self.invoices.itemSelectionChanged.connect(self._invoice_selection_changed)
        self.cfdi_notes = QLabel()
        self.cfdi_notes.setObjectName("cfdi_notes")
        self.cfdi_notes.setWordWrap(True)
        self.cfdi_notes.setVisible(False)
        self._cfdi_flags: dict[int, CfdiFlag] = {}
        self.print_button = TouchButton("")
        self.print_button.clicked.connect(lambda: self._deliver("print"))
        self.email_button = TouchButton("")
        self.email_button.clicked.connect(lambda: self._deliver("email"))
        self.dispute_button = TouchButton("")
        self.dispute_button.setObjectName("staff-dispute")
        self.dispute_button.setVisible(services.disputes is not None)
        self.dispute_button.clicked.connect(self._dispute)
        self.dispute_dialog: StaffDisputeDialog | None = None
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self._overview: CustomerOverview | None = None
        self._today = date.today()
        self.channels = QButtonGroup(self)
        self.channel_buttons: dict[BillingChannel, QRadioButton] = {}
        channel_row = QHBoxLayout()
        for channel in BillingChannel:
            button = QRadioButton()
            self.channels.addButton(button)
            self.channel_buttons[channel] = button
            channel_row.addWidget(button)
        self.email = QLineEdit()
        self.email.setObjectName("billing_email")
        self.consent = QCheckBox()
        self.save = TouchButton("", primary=True)
        self.save.clicked.connect(self._save)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.history = _wrapping_list()
        self.history.setMinimumHeight(HISTORY_MIN_HEIGHT)  # less than its scroll bar would ask
        # Above both pages: a bounce put this customer back on paper, and staff should ask for
        # an address that works.
        self.bounce_flag = QLabel()
        self.bounce_flag.setObjectName("message")
        self.bounce_flag.setWordWrap(True)
        self.bounce_flag.setVisible(False)

        left_panel = QWidget()
        left = QVBoxLayout(left_panel)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.search)
        left.addWidget(self.search_notice)
        left.addWidget(self.results, 1)
        invoices_page = QWidget()
        invoices_layout = QVBoxLayout(invoices_page)
        invoices_layout.addWidget(self.balance)
        invoices_layout.addWidget(self.invoices, 1)
        invoices_layout.addWidget(self.cfdi_notes)
        buttons = WrappingRowLayout()  # one above the other when the panel is narrow
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.email_button)
        buttons.addWidget(self.dispute_button)
        invoices_layout.addLayout(buttons)
        invoices_layout.addWidget(self.outcome)
        preference_page = QWidget()
        form = QVBoxLayout(preference_page)
        form.addLayout(channel_row)
        for field in (self.email, self.consent, self.save, self.message, self.history):
            form.addWidget(field)
        self.pages = QTabWidget()
        self.pages.addTab(invoices_page, "")
        self.pages.addTab(preference_page, "")
        right_panel = QWidget()
        right_panel.setMinimumWidth(CUSTOMER_PANEL_MIN_WIDTH)
        right = QVBoxLayout(right_panel)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.chosen)
        right.addWidget(self.bounce_flag)
        right.addWidget(self.pages, 1)
        # The clerk can give the list or the customer more room; neither can be squeezed away.
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left_panel)
        self.splitter.addWidget(right_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([1000, 2000])  # a third and two thirds, whatever the width
        layout = QHBoxLayout(self)
        layout.addWidget(self.splitter)
        self._show_form(False)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.search.setPlaceholderText(texts["staff_search"])
        for channel, button in self.channel_buttons.items():
            button.setText(texts[f"channel_{channel.value.lower()}"])
        self.email.setPlaceholderText(texts["staff_email"])
        self.consent.setText(texts["staff_consent"])
        self.save.setText(texts["staff_save"])
        self.pages.setTabText(0, texts["staff_invoices"])
        self.pages.setTabText(1, texts["staff_preference"])
        self.print_button.setText(texts["print"])
        self.email_button.setText(texts["email"])
        self.dispute_button.setText(texts["dispute_ui_action"])
        self._show_overview()

    def clear(self) -> None:
        self.session = self.customer = self._overview = None
        self._cfdi_flags = {}
        self.search.clear()
        self._show_search_notice("")
        self._show_cfdi_notes("")
        self.results.clear()
        self.history.clear()
        self.bounce_flag.setVisible(False)
        self.message.clear()
        self.balance.clear()
        self.outcome.clear()
        self.invoices.setRowCount(0)
        self._show_form(False)

    def _find(self) -> None:
        text = self.search.text()
        self._runner.run(
            lambda: (text, self._services.find_customers(text)), self._found, self._find_failed
        )

    def _found(self, result: tuple[str, list[Customer]]) -> None:
        text, customers = result
        if text != self.search.text():
            return  # typed on meanwhile: the search for the newer text answers
        self._show_search_notice("")
        self.results.clear()
        for customer in customers:
            item = QListWidgetItem(f"{customer.name}\n{customer.code} · {customer.tax_id}")
            item.setData(Qt.ItemDataRole.UserRole, customer)
            self.results.addItem(item)

    def _find_failed(self, error: Exception) -> None:
        """A mistyped RFC (or a failed search) said under the field, rather than no one found."""
        self.results.clear()
        self._show_search_notice(notice_for(error, self._texts))

    def _show_search_notice(self, text: str) -> None:
        self.search_notice.setText(text)
        self.search_notice.setVisible(bool(text))

    def _choose(self, item: QListWidgetItem) -> None:
        self.customer = item.data(Qt.ItemDataRole.UserRole)
        self.version_seen = None
        assert self.customer is not None
        self.chosen.setText(f"{self.customer.name} ({self.customer.code})")
        self.email.setText(self.customer.email or "")
        self.consent.setChecked(False)
        self.message.clear()
        self.outcome.clear()
        self._overview = None
        self._cfdi_flags = {}
        self.invoices.setRowCount(0)
        self._show_cfdi_notes("")
        self.balance.setText(self._texts["busy"])
        self.pages.setCurrentIndex(0)
        self._show_form(True)
        self._load_history()
        code = self.customer.code
        self._runner.run(lambda: self._services.overview(code), self._got_overview, self._failed)

    def _got_overview(self, result: tuple[CustomerOverview, date, dict[int, CfdiFlag]]) -> None:
        overview, today, flags = result
        if self.customer is None or overview.customer.code != self.customer.code:
            return  # the clerk chose someone else meanwhile
        self._overview, self._today, self._cfdi_flags = overview, today, flags
        self._show_overview()

    def _show_overview(self) -> None:
        overview, texts = self._overview, self._texts
        if overview is None:
            return
        if overview.open_balance:
            amounts = " + ".join(format_money(money) for money in overview.open_balance)
            self.balance.setText(
                texts.format("staff_balance", amount=amounts, count=overview.open_invoice_count)
            )
        else:
            self.balance.setText(texts["staff_no_balance"])
        fill_invoice_table(self.invoices, list(overview.recent_invoices), texts, self._today)
        self._flag_invoices()
        self._invoice_selection_changed()

    def _flag_text(self, invoice: Invoice) -> str:
        flag = self._cfdi_flags.get(invoice.doc_entry)
        if flag is None:
            return ""
        return self._texts.format(FLAG_WORDS[flag.kind], number=invoice.doc_num, reason=flag.reason)

    def _flag_invoices(self) -> None:
        """A warning sign and a tint on each invoice whose CFDI needs a look; why, on hover."""
        if self._overview is None:
            return
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for row, invoice in enumerate(self._overview.recent_invoices):
            text = self._flag_text(invoice)
            if not text:
                continue
            for column in range(self.invoices.columnCount()):
                item = self.invoices.item(row, column)
                if item is not None:
                    item.setToolTip(text)
                    item.setBackground(QBrush(FLAGGED_ROW))
            number = self.invoices.item(row, 0)
            if number is not None:
                number.setIcon(warning)

    def _show_cfdi_notes(self, text: str) -> None:
        self.cfdi_notes.setText(text)
        self.cfdi_notes.setVisible(bool(text))

    def _chosen_invoices(self) -> list[Invoice]:
        if self._overview is None:
            return []
        invoices = self._overview.recent_invoices
        return [invoices[row] for row in selected_rows(self.invoices)]

    def _invoice_selection_changed(self) -> None:
        chosen = self._chosen_invoices()
        self.print_button.setEnabled(bool(chosen))
        self.email_button.setEnabled(bool(chosen))
        self.dispute_button.setEnabled(len(chosen) == 1 and chosen[0].amount_due.is_positive())
        # Why each chosen invoice is flagged; with none chosen, how many are.
        notes = [text for invoice in chosen if (text := self._flag_text(invoice))]
        if not chosen and len(self._cfdi_flags) == 1:
            notes = [self._texts["cfdi_ui_staff_flagged_one"]]
        elif not chosen and self._cfdi_flags:
            notes = [self._texts.format("cfdi_ui_staff_flagged", count=len(self._cfdi_flags))]
        self._show_cfdi_notes("\n".join(notes))

    def _deliver(self, action: str) -> None:
        chosen, session = self._chosen_invoices(), self.session
        if not chosen or session is None:
            return
        send = self._services.print_invoices if action == "print" else self._services.email_invoices
        self.outcome.setText(self._texts["busy"])
        self.print_button.setEnabled(False)
        self.email_button.setEnabled(False)
        self._runner.run(lambda: send(session, chosen), self._delivered, self._delivery_failed)

    def _dispute(self) -> None:
        chosen = self._chosen_invoices()
        if len(chosen) != 1 or self.session is None:
            return
        invoice = chosen[0]
        self._runner.run(
            lambda: self._services.disputes_of(invoice),
            self._show_dispute_dialog,
            self._delivery_failed,
        )

    def _show_dispute_dialog(self, found: tuple[Invoice, tuple[Dispute, ...]]) -> None:
        invoice, disputes = found
        dialog = StaffDisputeDialog(self, self._texts)
        dialog.dispute_screen.show_invoice(invoice, disputes)
        dialog.dispute_screen.confirmed.connect(self._open_disputes)
        self.dispute_dialog = dialog
        dialog.open()

    def _open_disputes(self, request: DisputeRequest) -> None:
        session, dialog = self.session, self.dispute_dialog
        if session is None or dialog is None:
            return
        dialog.dispute_screen.set_busy(True)
        self._runner.run(
            lambda: self._services.open_disputes(session, request),
            self._disputes_opened,
            lambda error: dialog.dispute_screen.show_problem(notice_for(error, self._texts)),
        )

    def _disputes_opened(self, opened: list[Dispute]) -> None:
        if self.dispute_dialog is not None:
            self.dispute_dialog.accept()
            self.dispute_dialog = None
        self.outcome.setText("\n".join(
            self._texts.format("dispute_ui_staff_opened", number=d.number,
                               amount=format_money(d.amount))
            for d in opened
        ))  # fmt: skip
        if self.customer is not None:
            code = self.customer.code
            self._runner.run(
                lambda: self._services.overview(code), self._got_overview, self._failed
            )

    def _delivered(self, deliveries: list[Delivery]) -> None:
        self._invoice_selection_changed()
        self.outcome.setText("\n".join(outcome_lines(deliveries, self._texts)))

    def _delivery_failed(self, error: Exception) -> None:
        self._invoice_selection_changed()
        self.outcome.setText(notice_for(error, self._texts))

    def _save(self) -> None:
        customer, session = self.customer, self.session
        checked = [c for c, button in self.channel_buttons.items() if button.isChecked()]
        if customer is None or session is None:
            return
        if not checked:
            self.message.setText(self._texts["staff_choose_channel"])
            return
        channel, email, consent = checked[0], self.email.text() or None, self.consent.isChecked()
        based_on = self.version_seen
        self.save.setEnabled(False)
        self._runner.run(
            lambda: self._services.register(
                session, customer.code, channel, email, consent, based_on
            ),
            self._saved,
            self._save_failed,
        )

    def _saved(self, preference: BillingPreference) -> None:
        self.save.setEnabled(True)
        self.message.setText(self._texts["staff_saved"])
        self.preference_registered.emit()
        self._load_history()

    def _load_history(self) -> None:
        if self.customer is None:
            return
        code = self.customer.code
        self._runner.run(lambda: self._services.on_file(code), self._show_history, self._failed)

    def _show_history(self, on_file: PreferenceOnFile) -> None:
        changes = on_file.history
        self.version_seen = on_file.version
        self.history.clear()
        for change in changes:
            preference = change.preference
            when = format_date(change.recorded_at.date(), self._texts.language)
            channel = self._texts[f"channel_{preference.channel.value.lower()}"]
            self.history.addItem(
                f"{when}  {channel}  {preference.email or ''}  ({preference.registered_by})"
                + "".join(f"; {detail}" for detail in _enrolment_details(change, self._texts))
            )
        # The latest change came from a bounce: flagged until the preference changes again.
        bounced = changes[-1] if changes and changes[-1].source == BOUNCE else None
        if bounced is not None:
            self.bounce_flag.setText(self._texts.format("bounce_flag", reason=bounced.note or ""))
        self.bounce_flag.setVisible(bounced is not None)

    def _save_failed(self, error: Exception) -> None:
        self._failed(error)
        if isinstance(error, PreferenceChangedMeanwhile):
            self._load_history()  # the change made at the other counter, and its version

    def _failed(self, error: Exception) -> None:
        self.save.setEnabled(True)
        self.message.setText(notice_for(error, self._texts))

    def _show_form(self, visible: bool) -> None:
        self.chosen.setVisible(visible)
        self.pages.setVisible(visible)


def _enrolment_details(change: PreferenceChange, texts: Texts) -> list[str]:
    """The consent version accepted, who or what confirmed it, and an incentive granted."""
    details = []
    if change.consent_version:
        details.append(texts.format("enrol_staff_consent", version=change.consent_version))
    if change.confirmed_by:
        by = {"code": texts["enrol_staff_by_code"], "link": texts["enrol_staff_by_link"]}
        confirmed_by = by.get(change.confirmed_by, change.confirmed_by)
        details.append(texts.format("enrol_staff_confirmed", by=confirmed_by))
    if change.incentive_percent is not None:
        percent = format(change.incentive_percent.normalize(), "f")
        details.append(texts.format("enrol_staff_incentive", percent=percent))
    return details
