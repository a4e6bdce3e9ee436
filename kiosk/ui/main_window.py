"""The kiosk window: the screens in a stack, the offline banner, and the idle timeout that
clears everything a customer entered or saw before the next one walks up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar, runtime_checkable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QLayout, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.bundled_files import resource_path
from kiosk.domain.delivery import Delivery, DeliveryChannel
from kiosk.domain.display_formats import format_money
from kiosk.domain.invoice import Invoice
from kiosk.domain.payment_request import PaymentRequest
from kiosk.domain.qr_code import QrCode
from kiosk.domain.staff import StaffSession
from kiosk.language.catalogue import Language, Texts, next_language
from kiosk.services.customer_identification import IdentifiedCustomer
from kiosk.services.delivery import EmailDestination
from kiosk.services.enrolment import EnrolmentOffer
from kiosk.services.ports.clock import Clock
from kiosk.services.ports.disputes import DisputeNotice
from kiosk.ui.background import TaskRunner
from kiosk.ui.customer_actions import (
    CustomerActions,
    DisputeRequest,
    DisputesOpened,
    InvoiceView,
    StatementView,
    outcome_lines,
)
from kiosk.ui.notices import notice_for
from kiosk.ui.screens.dispute_screen import DisputeScreen, part_name
from kiosk.ui.screens.done_screen import DoneScreen
from kiosk.ui.screens.email_offer_screen import EmailOfferScreen
from kiosk.ui.screens.enrolment_screen import EnrolmentScreen
from kiosk.ui.screens.identify_screen import IdentifyScreen
from kiosk.ui.screens.invoice_detail_screen import InvoiceDetailScreen
from kiosk.ui.screens.invoice_list_screen import InvoiceListScreen
from kiosk.ui.screens.payment_screen import PaymentScreen
from kiosk.ui.screens.staff_login_screen import StaffLoginScreen
from kiosk.ui.screens.staff_screen import StaffScreen
from kiosk.ui.screens.statement_screen import StatementScreen
from kiosk.ui.screens.welcome_screen import WelcomeScreen
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.sync_driver import SyncDriver

logger = logging.getLogger(__name__)
STAFF_SHORTCUT = "Ctrl+Alt+S"
STYLE_SHEET = "kiosk.qss"
"""The window's look, under resources/ (so the frozen bundle has it too)."""


@runtime_checkable
class Screen(Protocol):
    """What the window asks of every screen it shows."""

    def retranslate(self, texts: Texts) -> None:
        """Show everything in this language from now on."""

    def clear(self) -> None:
        """Forget what a customer (or clerk) entered or saw here."""


ScreenT = TypeVar("ScreenT", bound=QWidget)


class KioskWindow(QMainWindow):
    """The customer kiosk: welcome, identify, invoices; back to welcome after idle time."""

    def __init__(
        self,
        *,
        company: str,
        language: Language,
        idle_seconds: int,
        identify: Callable[[], IdentifyScreen],
        clock: Clock,
        runner: TaskRunner,
        actions: CustomerActions | None = None,
        staff: StaffServices | None = None,
        demo_hint: str = "",
        logo: Path | None = None,
    ) -> None:
        super().__init__()
        self._clock = clock
        self._runner = runner
        self._actions = actions
        self._default_language = language
        """The kiosk's language (settings); a customer may switch to another until they leave."""
        self.texts = Texts(language)
        self.stack = QStackedWidget()
        self._screens: list[Screen] = []
        # `identify` comes built by the composition root: it needs the identification service.
        self.welcome = self._screen(lambda: WelcomeScreen(company, demo_hint=demo_hint, logo=logo))
        self.identify = self._screen(identify)
        self.invoices = self._screen(InvoiceListScreen)
        self.detail = self._screen(InvoiceDetailScreen)
        self.payment = self._screen(PaymentScreen)
        self.done = self._screen(DoneScreen)
        self.email_offer = self._screen(EmailOfferScreen)
        self.dispute = self._screen(DisputeScreen)
        self.detail.offer_disputes = actions is not None and actions.disputes is not None
        self.statement = self._screen(StatementScreen)
        self.invoices.offer_statement = actions is not None and actions.statements is not None
        self.enrolment = self._screen(
            lambda: EnrolmentScreen(actions.enrolment if actions else None, runner)
        )
        self.staff_login = self._screen(lambda: StaffLoginScreen(staff, runner)) if staff else None
        self.staff = self._screen(lambda: StaffScreen(staff, runner)) if staff else None
        self._driver: SyncDriver | None = None
        if self.staff_login and self.staff:
            self.staff_login.back_requested.connect(self.reset)
            self.staff_login.logged_in.connect(self._to_staff)
            self.staff.logout_requested.connect(self.reset)
            self.staff.customers.preference_registered.connect(self._local_change)
            self.staff.sync.sync_requested.connect(self._sync_now)
            shortcut = QShortcut(QKeySequence(STAFF_SHORTCUT), self)
            shortcut.activated.connect(self.open_staff_login)
            self.welcome.staff_requested.connect(self.open_staff_login)
        self.offline = QLabel()
        self.offline.setObjectName("offline")
        self.offline.setVisible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.offline)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)
        # The window keeps the screen's size: what a screen's content would need beyond it is
        # that screen's to wrap or elide, never the window's to grow (past the screen's edge).
        window_layout = self.layout()
        assert window_layout is not None
        window_layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setStyleSheet(resource_path(STYLE_SHEET).read_text(encoding="utf-8"))
        self.setWindowTitle(company)

        self.welcome.find_requested.connect(self._to_identify)
        self.welcome.language_toggled.connect(self._toggle_language)
        self.identify.back_requested.connect(self.reset)
        self.identify.identified.connect(self._to_invoices)
        self.invoices.back_requested.connect(self.reset)
        self.invoices.action_requested.connect(self._act)
        self.detail.action_requested.connect(self._act)
        self.detail.xml_requested.connect(self._email_xml)
        self.detail.receipt_requested.connect(self._send_receipt)
        self.payment.slip_requested.connect(self._print_slip)
        self.detail.back_requested.connect(self._back_to_invoices)
        self.detail.dispute_requested.connect(self._to_dispute)
        self.dispute.back_requested.connect(lambda: self.stack.setCurrentWidget(self.detail))
        self.dispute.confirmed.connect(self._open_disputes)
        self.invoices.statement_requested.connect(self._to_statement)
        self.invoices.enrolment_requested.connect(self._to_enrolment)
        self.enrolment.back_requested.connect(self._back_to_invoices)
        self.enrolment.preference_changed.connect(self._preference_changed)
        self.statement.back_requested.connect(self._back_to_invoices)
        self.statement.print_requested.connect(self._print_statement)
        self.statement.email_requested.connect(self._email_statement)
        self.payment.back_requested.connect(self._back_to_invoices)
        self.done.back_requested.connect(self._back_from_outcome)
        self.email_offer.back_requested.connect(self._back_from_outcome)
        self.email_offer.accepted.connect(lambda: self._offered(self.email_offer.address))
        self._offered: Callable[[str | None], None] = _nothing_offered
        """What goes to the address offered once the customer agrees (invoices, an XML ...)."""
        for screen in (self.payment, self.done):
            screen.finished.connect(self.reset)
        self._outcome_from: QWidget = self.invoices
        """The screen a print, e-mail or slip was asked from: the outcome's way back."""

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_seconds * 1000)
        self.idle.timeout.connect(self.reset)
        self.offline.setText(self.texts["offline"])

    def _screen(self, build: Callable[[], ScreenT]) -> ScreenT:
        """Every screen the same way: built, in the kiosk's language, on the stack, and
        retranslated and cleared with all the others from then on."""
        screen = build()
        assert isinstance(screen, Screen), f"{type(screen).__name__} lacks retranslate or clear"
        screen.retranslate(self.texts)
        self.stack.addWidget(screen)
        self._screens.append(screen)
        return screen

    def start_watching_input(self, application: QObject) -> None:
        """Every touch or key anywhere restarts the idle countdown."""
        application.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        touched = event.type() in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.KeyPress,
            QEvent.Type.TouchBegin,
        )
        if touched and self.stack.currentWidget() is not self.welcome:
            self.idle.start()
        return False

    def watch_sync(self, driver: SyncDriver) -> None:
        """Show the offline banner while the background sync cannot reach SAP."""
        self._driver = driver
        driver.online_changed.connect(lambda online: self.set_offline(not online))
        driver.progressed.connect(self._sync_progressed)
        driver.online_changed.connect(lambda _online: self._check_ready())
        self._check_ready()

    def _check_ready(self) -> None:
        self.identify.check_ready(self.welcome.set_ready)

    def _sync_progressed(self, entity: str, count: int) -> None:
        if self.staff is not None:
            self.staff.sync.show_progress(entity, count)

    def open_staff_login(self) -> None:
        """The hidden way into staff mode: Ctrl+Alt+S, or five quick taps on the company name."""
        if self.staff_login is None:
            return
        self.reset()
        self.stack.setCurrentWidget(self.staff_login)
        self.staff_login.user.setFocus()
        self.idle.start()

    def set_offline(self, offline: bool) -> None:
        self.offline.setText(self.texts["offline"])
        self.offline.setVisible(offline)
        if self.staff is not None:
            self.staff.sync.set_online(not offline)

    def reset(self) -> None:
        """Back to the welcome screen, forgetting everything the customer entered or saw."""
        self.idle.stop()
        for screen in self._screens:  # leaving staff mode logs out, too
            screen.clear()
        self._outcome_from = self.invoices
        self._offered = _nothing_offered
        if self.texts.language != self._default_language:
            self.texts = Texts(self._default_language)
            self._retranslate()
        self.stack.setCurrentWidget(self.welcome)

    def _to_identify(self) -> None:
        self.identify.clear()
        self.stack.setCurrentWidget(self.identify)
        self.identify.who.setFocus()
        self.idle.start()

    def _to_invoices(self, found: IdentifiedCustomer) -> None:
        self.invoices.show_customer(found, self._clock.today())
        self.stack.setCurrentWidget(self.invoices)
        self.idle.start()
        actions, code = self._actions, found.customer.code
        if actions is not None and actions.disputes is not None:
            self._runner.run(
                lambda: actions.dispute_notices(code), self._show_notices, _notices_unknown
            )
        self._read_enrolment(code)

    def _read_enrolment(self, code: str) -> None:
        """The e-billing button's offer: read in the background, shown for this customer only."""
        enrolment = self._actions.enrolment if self._actions is not None else None
        if enrolment is not None:
            self._runner.run(
                lambda: enrolment.offer(code), self.invoices.show_enrolment, _offer_unknown
            )

    def _to_enrolment(self, offer: EnrolmentOffer | None) -> None:
        if offer is None:
            return
        self.enrolment.start(offer)
        self.stack.setCurrentWidget(self.enrolment)
        self.idle.start()

    def _preference_changed(self, _preference: object) -> None:
        """The list's button now offers the other way; SAP hears of it on the next push."""
        code = self.invoices.customer_code
        if code is not None:
            self._read_enrolment(code)
        self._local_change()

    def _show_notices(self, notices: list[DisputeNotice]) -> None:
        """What changed in the customer's disputes, once per dispute (its latest step); then
        those count as seen."""
        actions = self._actions
        if actions is None or not notices:
            return
        if notices[0].dispute.customer_code != self.invoices.customer_code:
            return  # that customer left meanwhile: the next one must not see it
        latest = {notice.dispute.id: notice for notice in notices}
        texts = self.texts
        self.invoices.show_notices([
            texts.format(
                "dispute_ui_notice", number=notice.dispute.number,
                state=texts[f"dispute_ui_state_{notice.event.state.value}"],
            )
            for notice in latest.values()
        ])  # fmt: skip
        self._runner.run(lambda: actions.mark_seen(notices), _nothing_done, _notices_unknown)

    def _to_dispute(self, shown: InvoiceView) -> None:
        self.dispute.show_invoice(shown.invoice, shown.disputes)
        self.stack.setCurrentWidget(self.dispute)
        self.idle.start()

    def _open_disputes(self, request: DisputeRequest) -> None:
        actions, language = self._actions, self.texts.language
        if actions is None:
            return
        self._runner.run(
            lambda: actions.open_disputes(request, language),
            self._disputes_opened,
            self._dispute_failed,
        )

    def _disputes_opened(self, opened: DisputesOpened) -> None:
        """The numbers to quote, and the list as it is now: less due on that invoice."""
        texts, invoice = self.texts, opened.invoice
        self.dispute.set_busy(False)
        self.invoices.update_invoice(invoice)
        lines = [
            texts.format(
                "dispute_ui_opened", number=dispute.number, amount=format_money(dispute.amount),
                part=part_name(dispute.line_number, invoice, texts),
            )
            for dispute in opened.disputes
        ]  # fmt: skip
        if opened.problem is not None:
            lines.append(notice_for(opened.problem, texts))
        lines.append(texts["dispute_ui_not_charged"])
        if opened.by_email:
            lines.append(texts["dispute_ui_email"])
        self._outcome_from = self.invoices
        self._show_lines(lines)

    def _dispute_failed(self, error: Exception) -> None:
        self.dispute.show_problem(notice_for(error, self.texts))

    def _act(self, action: str, invoices: list[Invoice]) -> None:
        actions = self._actions
        if actions is None or not invoices:
            return
        self._outcome_from = self.stack.currentWidget() or self.invoices
        self._set_busy(True)
        if action == "view":
            invoice, language = invoices[0], self.texts.language
            self._runner.run(
                lambda: actions.invoice_view(invoice, language),
                self._show_detail,
                self._action_failed,
            )
        elif action == "pay":
            self._runner.run(lambda: actions.pay(invoices), self._show_payment, self._action_failed)
        elif action == "email":
            self._runner.run(
                lambda: actions.email_destination(invoices),
                lambda destination: self._email_to(
                    destination, lambda to: self._send_email(invoices, to=to)
                ),
                self._action_failed,
            )
        else:
            self._deliver(lambda: actions.print(invoices))

    def _email_to(self, destination: EmailDestination, send: Callable[[str | None], None]) -> None:
        """Send to the address on file; the one SAP holds only once the customer agrees."""
        if not destination.from_sap:
            send(None)
            return
        self._set_busy(False)
        self._offered = send
        self.email_offer.offer(destination.address)
        self.stack.setCurrentWidget(self.email_offer)

    def _send_email(self, invoices: list[Invoice], *, to: str | None) -> None:
        actions = self._actions
        if actions is None:
            return
        self._deliver(lambda: actions.email(invoices, to=to))

    def _email_xml(self, shown: InvoiceView) -> None:
        """Enviar XML: the stamped XML alone, to the customer's address."""
        actions, invoice = self._actions, shown.invoice
        if actions is None or shown.email is None:
            return
        self._outcome_from = self.detail
        self._email_to(
            shown.email, lambda to: self._deliver(lambda: actions.email_xml(invoice, to=to))
        )

    def _send_receipt(self, shown: InvoiceView, uuid: str, how: str) -> None:
        """A payment receipt of the invoice shown: printed here, or e-mailed with its XML."""
        actions, invoice = self._actions, shown.invoice
        if actions is None:
            return
        self._outcome_from = self.detail
        if how == "print":
            self._deliver(lambda: actions.send_receipt(invoice, uuid, DeliveryChannel.PAPER))
        elif shown.email is not None:
            self._email_to(
                shown.email,
                lambda to: self._deliver(
                    lambda: actions.send_receipt(invoice, uuid, DeliveryChannel.EMAIL, to=to)
                ),
            )

    def _deliver(self, send: Callable[[], list[Delivery]]) -> None:
        """Print or e-mail in the background, then say how it went."""
        self._set_busy(True)
        self._runner.run(send, self._show_outcome, self._action_failed)

    def _to_statement(self) -> None:
        """Estado de cuenta: the customer's last 90 days, read in the background."""
        actions, code = self._actions, self.invoices.customer_code
        if actions is None or actions.statements is None or code is None:
            return
        self._outcome_from = self.invoices
        self._set_busy(True)
        self._runner.run(
            lambda: actions.statement_view(code), self._show_statement, self._action_failed
        )

    def _show_statement(self, shown: StatementView) -> None:
        self._set_busy(False)
        if shown.statement.customer_code != self.invoices.customer_code:
            return  # the customer left (or the kiosk reset) while it was read
        self.statement.show_statement(shown)
        self.stack.setCurrentWidget(self.statement)

    def _print_statement(self, shown: StatementView) -> None:
        actions, language = self._actions, self.texts.language
        if actions is None:
            return
        self._outcome_from = self.statement
        self._deliver(lambda: actions.print_statement(shown.statement, language))

    def _email_statement(self, shown: StatementView) -> None:
        actions, language = self._actions, self.texts.language
        if actions is None or shown.email is None:
            return
        self._outcome_from = self.statement
        self._email_to(
            shown.email,
            lambda to: self._deliver(
                lambda: actions.email_statement(shown.statement, language, to=to)
            ),
        )

    def _set_busy(self, busy: bool) -> None:
        self.invoices.set_busy(busy)
        self.detail.set_busy(busy)
        self.statement.set_busy(busy)

    def _print_slip(self, reference: str) -> None:
        actions, language = self._actions, self.texts.language
        if actions is None or not reference:
            return
        self.payment.print_slip.setEnabled(False)
        self._outcome_from = self.payment
        self._runner.run(
            lambda: (reference, actions.print_slip(reference, language)),
            self._slip_printed,
            self._slip_failed,
        )

    def _slip_printed(self, result: tuple[str, str]) -> None:
        reference, printer = result
        self.payment.print_slip.setEnabled(True)
        printer = printer or self.texts["store_printer"]
        self._show_lines([self.texts.format("slip_printed", reference=reference, printer=printer)])

    def _slip_failed(self, error: Exception) -> None:
        self.payment.print_slip.setEnabled(True)
        notice_for(error, self.texts)  # logs it
        self._show_lines([self.texts["slip_failed"]])

    def _show_lines(self, lines: list[str]) -> None:
        back = {
            self.payment: "back_to_payment",
            self.detail: "back_to_invoice",
            self.statement: "statement_ui_back",
        }
        self.done.show_outcome(lines, back_key=back.get(self._outcome_from, "back_to_invoices"))
        self.stack.setCurrentWidget(self.done)

    def _show_detail(self, shown: InvoiceView) -> None:
        self._set_busy(False)
        if self.stack.currentWidget() is not self.invoices:
            return  # the customer left (or the kiosk reset) while the pages were rendered
        self.detail.show_invoice(shown)
        self.stack.setCurrentWidget(self.detail)

    def _show_payment(self, result: tuple[PaymentRequest, QrCode]) -> None:
        self._set_busy(False)
        self.payment.show_request(*result)
        self.stack.setCurrentWidget(self.payment)

    def _show_outcome(self, deliveries: list[Delivery]) -> None:
        self._set_busy(False)
        self._show_lines(outcome_lines(deliveries, self.texts))

    def _action_failed(self, error: Exception) -> None:
        self._set_busy(False)
        if self.stack.currentWidget() is self.invoices:
            self.invoices.show_status(notice_for(error, self.texts))
        else:  # asked from the invoice detail: say what happened on its own screen
            self._show_lines([notice_for(error, self.texts)])

    def _to_staff(self, session: StaffSession) -> None:
        assert self.staff is not None
        self.staff.start(session)
        self.stack.setCurrentWidget(self.staff)
        self.idle.start()

    def _local_change(self) -> None:
        if self._driver is not None:
            self._driver.local_change()

    def _sync_now(self) -> None:
        if self._driver is not None:
            self._driver.sync_now()

    def _back_to_invoices(self) -> None:
        self.stack.setCurrentWidget(self.invoices)

    def _back_from_outcome(self) -> None:
        """Back to the screen the customer was on: the QR after a slip, the invoice, the list."""
        self.stack.setCurrentWidget(self._outcome_from)
        self.idle.start()

    def _toggle_language(self) -> None:
        """The customer's language: the welcome screen's switch, until they leave."""
        self.texts = Texts(next_language(self.texts.language))
        self._retranslate()

    def _retranslate(self) -> None:
        for screen in self._screens:
            screen.retranslate(self.texts)
        self.offline.setText(self.texts["offline"])


def _nothing_offered(_address: str | None) -> None:
    """Before an address is offered, agreeing to it sends nothing."""


def _nothing_done(_result: object) -> None:
    """Marking notices seen answers nothing to show."""


def _offer_unknown(error: Exception) -> None:
    # Without the offer the button stays hidden; the invoices are what the customer came for.
    logger.warning("the customer's billing preference could not be read: %s", error)


def _notices_unknown(error: Exception) -> None:
    # The list is what the customer came for: a failed look at their notices must not block it.
    logger.warning("dispute notices could not be read or marked seen: %s", error)
