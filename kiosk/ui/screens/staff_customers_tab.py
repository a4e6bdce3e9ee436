"""Staff: find a customer and register their billing preference, with its history."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.billing_preference import BillingChannel, BillingPreference, PreferenceChange
from kiosk.domain.customer import Customer
from kiosk.domain.display_formats import format_date
from kiosk.domain.staff import StaffSession
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.texts import Texts
from kiosk.ui.widgets.touch_button import TouchButton

TYPING_PAUSE_MS = 250


class StaffCustomersTab(QWidget):
    preference_registered = Signal()
    """A preference was saved locally and waits in the outbox for SAP."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self._texts = Texts("es")
        self.session: StaffSession | None = None
        self.customer: Customer | None = None
        self.search = QLineEdit()
        self.search.setObjectName("customer_search")
        self.results = QListWidget()
        self.results.itemClicked.connect(self._choose)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._find)
        self.search.textChanged.connect(lambda _text: self._typing.start())

        self.chosen = QLabel()
        self.chosen.setObjectName("greeting")
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
        self.history = QListWidget()

        left = QVBoxLayout()
        left.addWidget(self.search)
        left.addWidget(self.results, 1)
        form = QVBoxLayout()
        form.addWidget(self.chosen)
        form.addLayout(channel_row)
        for field in (self.email, self.consent, self.save, self.message, self.history):
            form.addWidget(field)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(form, 3)
        self._show_form(False)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.search.setPlaceholderText(texts["staff_search"])
        for channel, button in self.channel_buttons.items():
            button.setText(texts[f"channel_{channel.value.lower()}"])
        self.email.setPlaceholderText(texts["staff_email"])
        self.consent.setText(texts["staff_consent"])
        self.save.setText(texts["staff_save"])

    def clear(self) -> None:
        self.session = self.customer = None
        self.search.clear()
        self.results.clear()
        self.history.clear()
        self.message.clear()
        self._show_form(False)

    def _find(self) -> None:
        text = self.search.text()
        self._runner.run(lambda: self._services.find_customers(text), self._found, self._failed)

    def _found(self, customers: list[Customer]) -> None:
        self.results.clear()
        for customer in customers:
            item = QListWidgetItem(f"{customer.name}\n{customer.code} · {customer.tax_id}")
            item.setData(Qt.ItemDataRole.UserRole, customer)
            self.results.addItem(item)

    def _choose(self, item: QListWidgetItem) -> None:
        self.customer = item.data(Qt.ItemDataRole.UserRole)
        assert self.customer is not None
        self.chosen.setText(f"{self.customer.name} ({self.customer.code})")
        self.email.setText(self.customer.email or "")
        self.consent.setChecked(False)
        self.message.clear()
        self._show_form(True)
        self._load_history()

    def _save(self) -> None:
        customer, session = self.customer, self.session
        checked = [c for c, button in self.channel_buttons.items() if button.isChecked()]
        if customer is None or session is None:
            return
        if not checked:
            self.message.setText(self._texts["staff_choose_channel"])
            return
        channel, email, consent = checked[0], self.email.text() or None, self.consent.isChecked()
        self.save.setEnabled(False)
        self._runner.run(
            lambda: self._services.register(session, customer.code, channel, email, consent),
            self._saved,
            self._failed,
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
        self._runner.run(lambda: self._services.history(code), self._show_history, self._failed)

    def _show_history(self, changes: list[PreferenceChange]) -> None:
        self.history.clear()
        for change in changes:
            preference = change.preference
            when = format_date(change.recorded_at.date(), self._texts.language)
            channel = self._texts[f"channel_{preference.channel.value.lower()}"]
            self.history.addItem(
                f"{when}  {channel}  {preference.email or ''}  ({preference.registered_by})"
            )

    def _failed(self, error: Exception) -> None:
        self.save.setEnabled(True)
        self.message.setText(notice_for(error, self._texts))

    def _show_form(self, visible: bool) -> None:
        for widget in (self.chosen, self.email, self.consent, self.save, self.history):
            widget.setVisible(visible)
        for button in self.channel_buttons.values():
            button.setVisible(visible)
