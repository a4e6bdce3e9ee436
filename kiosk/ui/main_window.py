"""The kiosk window: the screens in a stack, the offline banner, and the idle timeout that
clears everything a customer entered or saw before the next one walks up."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from kiosk.services.customer_identification import IdentifiedCustomer
from kiosk.services.ports import Clock
from kiosk.ui.screens.identify_screen import IdentifyScreen
from kiosk.ui.screens.invoice_list_screen import InvoiceListScreen
from kiosk.ui.screens.welcome_screen import WelcomeScreen
from kiosk.ui.sync_driver import SyncDriver
from kiosk.ui.texts import Texts

STYLE = """
QWidget { font-size: 22px; }
QLabel#company { font-size: 40px; font-weight: bold; color: #0B5394; }
QLabel#demo { font-size: 20px; color: white; background: #C0392B; padding: 6px 18px; }
QLabel#title, QLabel#greeting { font-size: 30px; font-weight: bold; color: #0B5394; }
QLabel#message { color: #B03A2E; min-height: 32px; }
QLabel#demo_hint { font-size: 20px; color: #34495E; }
QLabel#offline { color: white; background: #B9770E; padding: 8px; }
QPushButton { border: 1px solid #9AA5B1; border-radius: 8px; background: #F4F6F8; }
QPushButton[primary="true"] { font-size: 32px; font-weight: bold; color: white;
                              background: #0B5394; border: none; }
QPushButton:disabled { color: #9AA5B1; }
QLineEdit { min-height: 64px; font-size: 30px; padding: 0 12px; }
"""


class KioskWindow(QMainWindow):
    """The customer kiosk: welcome, identify, invoices; back to welcome after idle time."""

    def __init__(
        self,
        *,
        company: str,
        language: str,
        idle_seconds: int,
        identify: IdentifyScreen,
        clock: Clock,
        demo_hint: str = "",
    ) -> None:
        super().__init__()
        self._clock = clock
        self._default_language = language
        self.texts = Texts(language)
        self.welcome = WelcomeScreen(company, demo_hint=demo_hint)
        self.identify = identify
        self.invoices = InvoiceListScreen()
        self.stack = QStackedWidget()
        for screen in (self.welcome, self.identify, self.invoices):
            self.stack.addWidget(screen)
        self.offline = QLabel()
        self.offline.setObjectName("offline")
        self.offline.setVisible(False)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.offline)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)
        self.setStyleSheet(STYLE)
        self.setWindowTitle(company)

        self.welcome.find_requested.connect(self._to_identify)
        self.welcome.language_toggled.connect(self._toggle_language)
        self.identify.back_requested.connect(self.reset)
        self.identify.identified.connect(self._to_invoices)
        self.invoices.back_requested.connect(self.reset)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_seconds * 1000)
        self.idle.timeout.connect(self.reset)
        self._retranslate()

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
        driver.online_changed.connect(lambda online: self.set_offline(not online))

    def set_offline(self, offline: bool) -> None:
        self.offline.setText(self.texts["offline"])
        self.offline.setVisible(offline)

    def reset(self) -> None:
        """Back to the welcome screen, forgetting everything the customer entered or saw."""
        self.idle.stop()
        self.identify.clear()
        self.invoices.clear()
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

    def _toggle_language(self) -> None:
        self.texts = Texts("en" if self.texts.language == "es" else "es")
        self._retranslate()

    def _retranslate(self) -> None:
        for screen in (self.welcome, self.identify, self.invoices):
            screen.retranslate(self.texts)
        self.offline.setText(self.texts["offline"])
