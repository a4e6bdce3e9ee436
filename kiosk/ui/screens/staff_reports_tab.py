"""Staff: the store's reports, each a chart over a chosen period with its figures in a table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from kiosk.language.catalogue import Texts
from kiosk.ui.background import TaskRunner
from kiosk.ui.staff_services import StaffServices

if TYPE_CHECKING:
    from kiosk.ui.screens.report_sections import ReportSection


class StaffReportsTab(QWidget):
    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        assert services.reports is not None
        self._services, self._runner = services, runner
        self.sections: tuple[ReportSection, ...] = ()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def _build(self) -> None:
        """The sections and their charts, built when the tab is first chosen: at start-up they
        cost the kiosk some 0.2 s (README, Benchmarks) that a customer would wait for."""
        from kiosk.ui.screens.report_sections import (
            AdoptionSection,
            AgeingSection,
            DeliveriesSection,
            PaymentDelaysSection,
            SyncHealthSection,
            UsageSection,
        )

        reports, today, runner = self._services.reports, self._services.clock.today, self._runner
        assert reports is not None
        self.adoption = AdoptionSection(reports, runner, today)
        self.deliveries = DeliveriesSection(reports, runner, today)
        self.ageing = AgeingSection(reports, runner, today)
        self.usage = UsageSection(reports, runner, today)
        self.delays = PaymentDelaysSection(reports, runner, today)
        self.sync_health = SyncHealthSection(reports, runner, today)
        self.sections = (
            self.adoption,
            self.deliveries,
            self.ageing,
            self.usage,
            self.delays,
            self.sync_health,
        )
        page = QWidget()
        page.setObjectName("reports_page")
        column = QVBoxLayout(page)
        column.setSpacing(24)
        for section in self.sections:
            column.addWidget(section)
        column.addStretch(1)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(page)
        self._layout.addWidget(self.scroller)
        if hasattr(self, "_texts"):
            self.retranslate(self._texts)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        for section in self.sections:
            section.retranslate(texts)

    def clear(self) -> None:
        for section in self.sections:
            section.clear()

    def refresh(self) -> None:
        """Load every report again, each for the period or day chosen beside it."""
        if not self.sections:
            self._build()
        for section in self.sections:
            section.load()
