"""E-billing at the kiosk: the offer, the address typed on screen, the consent text, the code
sent to that address, and the way back to paper in two taps."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.billing_preference import BillingChannel, BillingPreference
from kiosk.domain.email_address import masked_email
from kiosk.language.catalogue import Texts
from kiosk.services.enrolment import CodeSent, EnrolmentConfirmed, EnrolmentOffer, EnrolmentService
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.widgets.onscreen_keys import BACKSPACE, OnScreenKeys, numeric_keypad
from kiosk.ui.widgets.touch_button import TouchButton

logger = logging.getLogger(__name__)

EMAIL_KEYS = [
    *"1234567890", BACKSPACE,
    *"qwertyuiop", "@",
    *"asdfghjkl", ".", "-",
    *"zxcvbnm", "_", "+",
]  # fmt: skip
QUICK_DOMAINS = ("@gmail.com", "@hotmail.com", "@outlook.com", "@yahoo.com.mx", "@icloud.com")


class EnrolmentScreen(QWidget):
    """One screen, several steps; every call to the service runs on the runner."""

    back_requested = Signal()
    """Back to the customer's invoices."""
    preference_changed = Signal(object)
    """The customer's preference changed (the BillingPreference now in force)."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, service: EnrolmentService | None, runner: TaskRunner) -> None:
        super().__init__()
        self._service = service
        self._runner = runner
        self._offer: EnrolmentOffer | None = None
        self._channel = BillingChannel.EMAIL
        self._sent: CodeSent | None = None
        self._outcome: tuple[str, dict[str, object]] | None = None
        self.pages = QStackedWidget()
        self._build_offer()
        self._build_address()
        self._build_consent()
        self._build_code()
        self._build_paper()
        self._build_done()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

    # --- the steps ---------------------------------------------------------------------------

    def _build_offer(self) -> None:
        self.offer_page = QWidget()
        self.offer_title = _title()
        self.offer_text = _words()
        self.incentive = _words()
        self.incentive.setObjectName("incentive")
        bold = self.incentive.font()
        bold.setBold(True)
        self.incentive.setFont(bold)
        self.email_only = TouchButton("", primary=True)
        self.email_only.setObjectName("enrol_email_only")
        self.email_only.clicked.connect(lambda: self._choose(BillingChannel.EMAIL))
        self.email_and_paper = TouchButton("", primary=True)
        self.email_and_paper.setObjectName("enrol_email_and_paper")
        self.email_and_paper.clicked.connect(lambda: self._choose(BillingChannel.BOTH))
        self.offer_back = _back(self.back_requested.emit)
        choices = QHBoxLayout()
        choices.addWidget(self.email_only)
        choices.addWidget(self.email_and_paper)
        layout = QVBoxLayout(self.offer_page)
        layout.addWidget(self.offer_title)
        layout.addStretch(1)
        layout.addWidget(self.offer_text)
        layout.addWidget(self.incentive)
        layout.addStretch(1)
        layout.addLayout(choices)
        layout.addWidget(self.offer_back, alignment=Qt.AlignmentFlag.AlignLeft)
        self.pages.addWidget(self.offer_page)

    def _build_address(self) -> None:
        self.address_page = QWidget()
        self.address_title = _title()
        self.address = QLineEdit()
        self.address.setObjectName("enrol_address")
        self.address_hint = _words()
        self.address_message = _message()
        self.email_keys = OnScreenKeys(EMAIL_KEYS, 11)
        self.email_keys.target = self.address
        self.quick_keys: dict[str, TouchButton] = {}
        quick = QHBoxLayout()
        for domain in QUICK_DOMAINS:
            button = TouchButton(domain)
            button.setObjectName(f"quick-{domain}")
            button.clicked.connect(lambda _checked=False, d=domain: self._quick(d))
            quick.addWidget(button)
            self.quick_keys[domain] = button
        self.address_back = _back(lambda: self._show(self.offer_page))
        self.address_continue = TouchButton("", primary=True)
        self.address_continue.setObjectName("enrol_address_continue")
        self.address_continue.clicked.connect(self._address_done)
        self.address.returnPressed.connect(self._address_done)
        buttons = QHBoxLayout()
        buttons.addWidget(self.address_back)
        buttons.addWidget(self.address_continue, 2)
        layout = QVBoxLayout(self.address_page)
        layout.addWidget(self.address_title)
        layout.addWidget(self.address)
        layout.addWidget(self.address_hint)
        layout.addWidget(self.address_message)
        layout.addLayout(quick)
        layout.addWidget(self.email_keys, 1)
        layout.addLayout(buttons)
        self.pages.addWidget(self.address_page)

    def _build_consent(self) -> None:
        self.consent_page = QWidget()
        self.consent_title = _title()
        self.consent_text = _words()
        self.consent_text.setObjectName("consent_text")
        self.consent_text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.consent_version = _words()
        self.consent_version.setObjectName("consent_version")
        self.consent_message = _message()
        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.consent_text)
        self.consent_back = _back(lambda: self._show(self.address_page))
        self.accept = TouchButton("", primary=True)
        self.accept.setObjectName("enrol_accept")
        self.accept.clicked.connect(self._request_code)
        buttons = QHBoxLayout()
        buttons.addWidget(self.consent_back)
        buttons.addWidget(self.accept, 2)
        layout = QVBoxLayout(self.consent_page)
        layout.addWidget(self.consent_title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.consent_version)
        layout.addWidget(self.consent_message)
        layout.addLayout(buttons)
        self.pages.addWidget(self.consent_page)

    def _build_code(self) -> None:
        self.code_page = QWidget()
        self.code_title = _title()
        self.code_sent = _words()
        self.code_sent.setObjectName("code_sent")
        self.code = QLineEdit()
        self.code.setObjectName("enrol_code")
        self.code.setMaxLength(6)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_message = _message()
        self.code_keys = numeric_keypad()
        self.code_keys.target = self.code
        self.code_keys.entered.connect(self._confirm_code)
        self.code.returnPressed.connect(self._confirm_code)
        self.code_back = _back(lambda: self._show(self.address_page))
        self.new_code = TouchButton("")
        self.new_code.setObjectName("enrol_new_code")
        self.new_code.clicked.connect(self._request_code)
        self.confirm = TouchButton("", primary=True)
        self.confirm.setObjectName("enrol_confirm")
        self.confirm.clicked.connect(self._confirm_code)
        left = QVBoxLayout()
        left.addWidget(self.code_sent)
        left.addWidget(self.code)
        left.addWidget(self.code_message)
        left.addStretch(1)
        # The keypad as compact as the identify screen's, the words beside it.
        self.code_keys.setFixedWidth(440)
        keys = QVBoxLayout()
        keys.addWidget(self.code_keys)
        keys.addStretch(1)
        middle = QHBoxLayout()
        middle.addLayout(left, 1)
        middle.addLayout(keys)
        buttons = QHBoxLayout()
        buttons.addWidget(self.code_back)
        buttons.addWidget(self.new_code)
        buttons.addWidget(self.confirm, 2)
        layout = QVBoxLayout(self.code_page)
        layout.addWidget(self.code_title)
        layout.addLayout(middle, 1)
        layout.addLayout(buttons)
        self.pages.addWidget(self.code_page)

    def _build_paper(self) -> None:
        self.paper_page = QWidget()
        self.paper_title = _title()
        self.paper_text = _words()
        self.paper_message = _message()
        self.paper_no = TouchButton("")
        self.paper_no.setObjectName("enrol_paper_no")
        self.paper_no.clicked.connect(self.back_requested)
        self.paper_yes = TouchButton("", primary=True)
        self.paper_yes.setObjectName("enrol_paper_yes")
        self.paper_yes.clicked.connect(self._back_to_paper)
        buttons = QHBoxLayout()
        buttons.addWidget(self.paper_no)
        buttons.addWidget(self.paper_yes, 2)
        layout = QVBoxLayout(self.paper_page)
        layout.addStretch(1)
        layout.addWidget(self.paper_title)
        layout.addWidget(self.paper_text)
        layout.addWidget(self.paper_message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.pages.addWidget(self.paper_page)

    def _build_done(self) -> None:
        self.done_page = QWidget()
        self.done_message = _words()
        self.done_message.setObjectName("outcome")
        self.done_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_back = TouchButton("", primary=True)
        self.done_back.setObjectName("enrol_done")
        self.done_back.clicked.connect(self.back_requested)
        layout = QVBoxLayout(self.done_page)
        layout.addStretch(1)
        layout.addWidget(self.done_message)
        layout.addStretch(1)
        layout.addWidget(self.done_back)
        self.pages.addWidget(self.done_page)

    # --- what the window asks ----------------------------------------------------------------

    def start(self, offer: EnrolmentOffer) -> None:
        """The offer (or, for a customer on e-mail, the way back to paper)."""
        self.clear()
        self._offer = offer
        self.retranslate(self._texts)
        self._show(self.paper_page if offer.by_email else self.offer_page)

    def clear(self) -> None:
        self._offer, self._sent, self._outcome = None, None, None
        self._channel = BillingChannel.EMAIL
        self.address.clear()
        self.code.clear()
        for label in (self.address_message, self.consent_message, self.code_message):
            label.clear()
        self.paper_message.clear()
        self.done_message.clear()
        self._set_busy(False)
        self.pages.setCurrentWidget(self.offer_page)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.offer_title.setText(texts["enrol_ui_offer_title"])
        self.offer_text.setText(texts["enrol_ui_offer_text"])
        self.email_only.setText(texts["enrol_ui_email_only"])
        self.email_and_paper.setText(texts["enrol_ui_email_and_paper"])
        self.address_title.setText(texts["enrol_ui_address_title"])
        self.address_hint.setText(texts["enrol_ui_address_hint"])
        self.address_continue.setText(texts["enrol_ui_continue"])
        self.consent_title.setText(texts["enrol_ui_consent_title"])
        self.accept.setText(texts["enrol_ui_accept"])
        self.code_title.setText(texts["enrol_ui_code_title"])
        self.new_code.setText(texts["enrol_ui_new_code"])
        self.confirm.setText(texts["enrol_ui_confirm"])
        self.paper_title.setText(texts["enrol_ui_paper_title"])
        self.paper_no.setText(texts["enrol_ui_paper_no"])
        self.paper_yes.setText(texts["enrol_ui_paper_yes"])
        self.done_back.setText(texts["back_to_invoices"])
        for button in (self.offer_back, self.address_back, self.consent_back, self.code_back):
            button.setText(texts["back"])
        offer = self._offer
        incentive = ""
        if offer is not None:
            language = texts.language
            self.consent_text.setText(offer.consent_texts.get(language, ""))
            self.consent_version.setText(
                texts.format("enrol_ui_consent_version", version=offer.consent_version)
            )
            if offer.incentive_texts:
                incentive = texts.format(
                    "enrol_ui_incentive", incentive=offer.incentive_texts.get(language, "")
                )
            address = offer.current.email if offer.current and offer.current.email else ""
            self.paper_text.setText(
                texts.format("enrol_ui_paper_text", address=masked_email(address))
            )
        self.incentive.setText(incentive)
        self.incentive.setVisible(bool(incentive))
        self._show_sent()
        if self._outcome is not None:
            key, values = self._outcome
            self.done_message.setText(texts.format(key, **values))

    # --- steps on ----------------------------------------------------------------------------

    def _show(self, page: QWidget) -> None:
        self.pages.setCurrentWidget(page)
        if page is self.address_page:
            self.address.setFocus()
        elif page is self.code_page:
            self.code.setFocus()

    def _choose(self, channel: BillingChannel) -> None:
        self._channel = channel
        self._show(self.address_page)

    def _quick(self, domain: str) -> None:
        """A common domain after what was typed before any @ (typing one twice replaces it)."""
        self.address.setText(self.address.text().partition("@")[0] + domain)
        self.address.setFocus()

    def _address_done(self) -> None:
        if not self.address.text().strip():
            self.address_message.setText(self._texts["enrol_ui_address_empty"])
            return
        self.address_message.clear()
        self._show(self.consent_page)

    def _request_code(self) -> None:
        service, offer = self._service, self._offer
        if service is None or offer is None:
            return
        code, channel, address = offer.customer_code, self._channel, self.address.text()
        language = self._texts.language
        self._set_busy(True)
        self._runner.run(
            lambda: service.request_code(
                code, channel, address, language=language, consent_given=True
            ),
            self._code_sent,
            self._code_failed,
        )

    def _code_sent(self, sent: CodeSent) -> None:
        self._set_busy(False)
        if self._offer is None or sent.delivery.customer_code != self._offer.customer_code:
            return  # the customer left meanwhile
        if sent.refused:
            self.address_message.setText(
                self._texts.format("enrol_ui_code_refused", address=sent.address)
            )
            self._show(self.address_page)
            return
        self._sent = sent
        self.code.clear()
        self.code_message.clear()
        self._show_sent()
        self._show(self.code_page)

    def _code_failed(self, error: Exception) -> None:
        self._set_busy(False)
        text = notice_for(error, self._texts)
        if self.pages.currentWidget() is self.code_page:
            self.code_message.setText(text)
        else:
            # A bad address is fixed where it was typed.
            self.address_message.setText(text)
            self._show(self.address_page)

    def _show_sent(self) -> None:
        sent = self._sent
        if sent is None:
            self.code_sent.clear()
            return
        key = "enrol_ui_code_sent" if sent.sent else "enrol_ui_code_queued"
        self.code_sent.setText(
            self._texts.format(
                key, address=masked_email(sent.address), minutes=sent.minutes,
                until=f"{sent.expires_at:%H:%M}",
            )
        )  # fmt: skip

    def _confirm_code(self) -> None:
        service, sent = self._service, self._sent
        if service is None or sent is None or not self.confirm.isEnabled():
            return
        typed = self.code.text()
        self._set_busy(True)
        self._runner.run(
            lambda: service.confirm_code(sent.request_id, typed),
            self._confirmed,
            self._confirm_failed,
        )

    def _confirmed(self, confirmed: EnrolmentConfirmed) -> None:
        self._set_busy(False)
        preference = confirmed.preference
        if self._offer is None or preference.customer_code != self._offer.customer_code:
            return
        key = "enrol_ui_done_both" if preference.channel is BillingChannel.BOTH else "enrol_ui_done"
        lines_key = "enrol_ui_done_incentive" if confirmed.incentive else key
        values: dict[str, object] = {"address": masked_email(preference.email or "")}
        if confirmed.incentive is not None:
            values["done"] = self._texts.format(key, **values)
            offered = self._offer.incentive_texts or {}
            values["incentive"] = offered.get(self._texts.language, confirmed.incentive.text)
        self._outcome = (lines_key, values)
        self.done_message.setText(self._texts.format(lines_key, **values))
        self._show(self.done_page)
        self.preference_changed.emit(preference)

    def _confirm_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.code.clear()
        self.code_message.setText(notice_for(error, self._texts))

    def _back_to_paper(self) -> None:
        service, offer = self._service, self._offer
        if service is None or offer is None:
            return
        code = offer.customer_code
        self._set_busy(True)
        self._runner.run(lambda: service.back_to_paper(code), self._on_paper, self._paper_failed)

    def _on_paper(self, preference: BillingPreference) -> None:
        self._set_busy(False)
        if self._offer is None or preference.customer_code != self._offer.customer_code:
            return
        self._outcome = ("enrol_ui_paper_done", {})
        self.done_message.setText(self._texts["enrol_ui_paper_done"])
        self._show(self.done_page)
        self.preference_changed.emit(preference)

    def _paper_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.paper_message.setText(notice_for(error, self._texts))

    def _set_busy(self, busy: bool) -> None:
        """While the service works: say so, and keep the buttons from being tapped twice."""
        for button in (self.accept, self.confirm, self.new_code, self.paper_yes):
            button.setEnabled(not busy)
        if busy:
            for label in (self.consent_message, self.code_message, self.paper_message):
                label.setText(self._texts["busy"])
        else:
            for label in (self.consent_message, self.paper_message):
                label.clear()
            if self.code_message.text() == self._texts["busy"]:
                self.code_message.clear()


def _title() -> QLabel:
    label = QLabel()
    label.setObjectName("title")
    label.setWordWrap(True)
    return label


def _words() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    return label


def _message() -> QLabel:
    label = QLabel()
    label.setObjectName("message")
    label.setWordWrap(True)
    return label


def _back(on_tap: Callable[[], None]) -> TouchButton:
    button = TouchButton("")
    button.setObjectName("back")
    button.setMinimumWidth(240)
    button.clicked.connect(on_tap)
    return button
