"""Staff: the deliveries log with filters, and the batch print of the paper list."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryState
from kiosk.domain.display_formats import format_date
from kiosk.language.catalogue import Texts
from kiosk.services.delivered_document import delivered_document
from kiosk.services.delivery import DeliveryReport
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.widgets.touch_button import TouchButton

COLUMNS = (
    "staff_document",
    "staff_customer",
    "staff_channel",
    "status",
    "staff_destination",
    "date",
)


class StaffDeliveriesTab(QWidget):
    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.deliveries: list[Delivery] = []
        self.state_filter = QComboBox()
        self.channel_filter = QComboBox()
        for combo in (self.state_filter, self.channel_filter):
            combo.setMinimumHeight(56)
            combo.currentIndexChanged.connect(lambda _index: self.refresh())
        self.print_listed = TouchButton("", primary=True)
        self.print_listed.clicked.connect(self._print_listed)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # A long message wraps in its cell, the row as high as it needs: all of it in view.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        filters = QHBoxLayout()
        filters.addWidget(self.state_filter)
        filters.addWidget(self.channel_filter)
        filters.addStretch(1)
        filters.addWidget(self.print_listed)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.table.setHorizontalHeaderLabels([texts[key] for key in COLUMNS])
        self.print_listed.setText(texts["staff_print_listed"])
        for combo, values, prefix in (
            (self.state_filter, list(DeliveryState), "delivery_state_"),
            (self.channel_filter, list(DeliveryChannel), "channel_"),
        ):
            combo.blockSignals(True)
            chosen = combo.currentData()
            combo.clear()
            combo.addItem(texts["staff_all"], None)
            for value in values:
                combo.addItem(texts[f"{prefix}{value.value.lower()}"], value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)

    def clear(self) -> None:
        self.deliveries = []
        self.table.setRowCount(0)
        self.message.clear()

    def refresh(self) -> None:
        state, channel = self.state_filter.currentData(), self.channel_filter.currentData()
        self._runner.run(
            lambda: self._services.deliveries(state, channel), self._show, self._failed
        )

    def _show(self, deliveries: list[Delivery]) -> None:
        self.deliveries = deliveries
        texts = self._texts
        self.table.setRowCount(len(deliveries))
        for row, delivery in enumerate(deliveries):
            cells = [
                delivered_document(delivery, texts),
                delivery.customer_code,
                texts[f"channel_{delivery.channel.value}"],
                texts[f"delivery_state_{delivery.state.value}"],
                delivery.last_error or delivery.destination,
                format_date(delivery.created_at.date(), texts.language),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)

    def _print_listed(self) -> None:
        self.print_listed.setEnabled(False)
        self._runner.run(self._services.print_listed, self._printed, self._failed)

    def _printed(self, report: DeliveryReport) -> None:
        self.print_listed.setEnabled(True)
        self.message.setText(
            self._texts.format("staff_printed_listed", sent=report.sent, waiting=report.retrying)
        )
        self.refresh()

    def _failed(self, error: Exception) -> None:
        self.print_listed.setEnabled(True)
        self.message.setText(notice_for(error, self._texts))
