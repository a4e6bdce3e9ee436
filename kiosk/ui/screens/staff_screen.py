"""Staff mode: customers and preferences, sync, deliveries, disputes, reports; Log out on top."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from kiosk.domain.staff import StaffSession
from kiosk.language.catalogue import Texts
from kiosk.ui.background import TaskRunner
from kiosk.ui.screens.staff_customers_tab import StaffCustomersTab
from kiosk.ui.screens.staff_deliveries_tab import StaffDeliveriesTab
from kiosk.ui.screens.staff_disputes_tab import StaffDisputesTab
from kiosk.ui.screens.staff_reports_tab import StaffReportsTab
from kiosk.ui.screens.staff_sync_tab import StaffSyncTab
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.widgets.touch_button import TouchButton


class StaffScreen(QWidget):
    logout_requested = Signal()

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        self.session: StaffSession | None = None
        self.who = QLabel()
        self.who.setObjectName("greeting")
        self.who.setWordWrap(True)
        self.logout = TouchButton("")
        self.logout.setMinimumWidth(240)
        self.logout.clicked.connect(self.logout_requested)
        self.customers = StaffCustomersTab(services, runner)
        self.sync = StaffSyncTab(services, runner)
        self.deliveries = StaffDeliveriesTab(services, runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.customers, "")
        self.tabs.addTab(self.sync, "")
        self.tabs.addTab(self.deliveries, "")
        self.disputes = StaffDisputesTab(services, runner) if services.disputes else None
        if self.disputes is not None:
            self.tabs.addTab(self.disputes, "")
        self.reports = StaffReportsTab(services, runner) if services.reports else None
        if self.reports is not None:
            self.tabs.addTab(self.reports, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        top = QHBoxLayout()
        top.addWidget(self.who, 1)
        top.addWidget(self.logout)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def start(self, session: StaffSession) -> None:
        self.session = session
        self.customers.session = session
        self.sync.start(session)
        if self.disputes is not None:
            self.disputes.start(session)
        self.tabs.setCurrentWidget(self.customers)
        self._show_who()

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.logout.setText(texts["staff_logout"])
        self.tabs.setTabText(0, texts["staff_customers"])
        self.tabs.setTabText(1, texts["staff_sync"])
        self.tabs.setTabText(2, texts["staff_deliveries"])
        self.customers.retranslate(texts)
        self.sync.retranslate(texts)
        self.deliveries.retranslate(texts)
        if self.disputes is not None:
            self.tabs.setTabText(3, texts["dispute_ui_staff_tab"])
            self.disputes.retranslate(texts)
        if self.reports is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.reports), texts["report_tab_title"])
            self.reports.retranslate(texts)
        self._show_who()

    def clear(self) -> None:
        self.session = None
        self.who.clear()
        self.customers.clear()
        self.sync.clear()
        self.deliveries.clear()
        if self.disputes is not None:
            self.disputes.clear()
        if self.reports is not None:
            self.reports.clear()

    def _show_who(self) -> None:
        if self.session is not None:
            role = self._texts[f"role_{self.session.role.value}"]
            self.who.setText(f"{self.session.name} · {role}")

    def _tab_changed(self, index: int) -> None:
        if self.session is None:
            return
        if self.tabs.widget(index) is self.sync:
            self.sync.refresh()
        elif self.tabs.widget(index) is self.deliveries:
            self.deliveries.refresh()
        elif self.disputes is not None and self.tabs.widget(index) is self.disputes:
            self.disputes.refresh()
        elif self.reports is not None and self.tabs.widget(index) is self.reports:
            self.reports.refresh()
