"""The span a report covers, picked from a list: the last 30, 90 or 365 days up to today."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox

from kiosk.domain.reports import ReportPeriod
from kiosk.language.catalogue import Texts

SPANS = (30, 90, 365)
"""Days a report may look back over, today included; the first one is chosen at first."""
MIN_HEIGHT = 56


class PeriodSelector(QComboBox):
    changed = Signal()
    """Someone chose another span."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("period")
        self.setMinimumHeight(MIN_HEIGHT)
        for days in SPANS:
            self.addItem(str(days), days)
        self.currentIndexChanged.connect(lambda _index: self.changed.emit())

    def retranslate(self, texts: Texts) -> None:
        for index in range(self.count()):
            self.setItemText(index, texts.format("report_tab_last_days", days=self.itemData(index)))

    @property
    def days(self) -> int:
        days: int = self.currentData()
        return days

    def choose(self, days: int) -> None:
        """Pick the span of so many days, as a person would from the list."""
        self.setCurrentIndex(self.findData(days))

    def period(self, today: date) -> ReportPeriod:
        """The chosen span ending today: 30 days are today and the 29 before it."""
        return ReportPeriod(today - timedelta(days=self.days - 1), today)
