"""Staff: customers' disputes by state and age, one's timeline, and the steps the role allows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.display_formats import format_date, format_money
from kiosk.domain.dispute import NEXT_STATES, Dispute, DisputeState
from kiosk.domain.staff import StaffSession
from kiosk.language.catalogue import Texts
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.widgets.touch_button import TouchButton
from kiosk.ui.widgets.wrapping_row_layout import WrappingRowLayout

COLUMNS = (
    "dispute_ui_column_dispute",
    "number",
    "staff_customer",
    "dispute_ui_column_disputed",
    "status",
    "dispute_ui_column_opened",
)
AGES = (None, 7, 15, 30, 60)
"""The age filter: opened at least this many days ago (None: any age)."""
STEPS = {
    DisputeState.IN_REVIEW: "dispute_ui_staff_review",
    DisputeState.ACCEPTED: "dispute_ui_staff_accept",
    DisputeState.REJECTED: "dispute_ui_staff_reject",
    DisputeState.WITHDRAWN: "dispute_ui_staff_withdraw",
}
SUPERVISOR_STEPS = {DisputeState.IN_REVIEW, DisputeState.ACCEPTED, DisputeState.REJECTED}
NOTE_REQUIRED = {DisputeState.ACCEPTED, DisputeState.REJECTED}
"""The customer is told why: accepting or rejecting takes a note."""
DETAILS_MIN_WIDTH = 460


class StaffDisputesTab(QWidget):
    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.session: StaffSession | None = None
        self.disputes: list[Dispute] = []
        self.chosen: Dispute | None = None
        self.state_filter = QComboBox()
        self.age_filter = QComboBox()
        for combo in (self.state_filter, self.age_filter):
            combo.setMinimumHeight(56)
            combo.currentIndexChanged.connect(lambda _index: self.refresh())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("disputes")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(56)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._choose)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("dispute_summary")
        self.summary.setWordWrap(True)
        self.comment = QLabel()
        self.comment.setWordWrap(True)
        self.timeline = QListWidget()
        self.timeline.setObjectName("timeline")
        self.timeline.setWordWrap(True)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timeline.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.note = QLineEdit()
        self.note.setObjectName("dispute_note")
        self.step_buttons: dict[DisputeState, TouchButton] = {}
        steps = WrappingRowLayout()
        for state in STEPS:
            button = TouchButton("")
            button.setObjectName(f"dispute-{state.value}")
            button.clicked.connect(lambda _checked=False, s=state: self._move(s))
            steps.addWidget(button)
            self.step_buttons[state] = button
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.role_note = QLabel()
        self.role_note.setWordWrap(True)
        self.role_note.setVisible(False)

        filters = QHBoxLayout()
        filters.addWidget(self.state_filter)
        filters.addWidget(self.age_filter)
        filters.addStretch(1)
        left_panel = QWidget()
        left = QVBoxLayout(left_panel)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(filters)
        left.addWidget(self.empty)
        left.addWidget(self.table, 1)
        right_panel = QWidget()
        right_panel.setMinimumWidth(DETAILS_MIN_WIDTH)
        right = QVBoxLayout(right_panel)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.summary)
        right.addWidget(self.comment)
        right.addWidget(self.timeline, 1)
        right.addWidget(self.note)
        right.addLayout(steps)
        right.addWidget(self.role_note)
        right.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left_panel)
        splitter.addWidget(right_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([3000, 1])  # the list as wide as it goes: the details at their least
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        self._show_chosen()

    def start(self, session: StaffSession) -> None:
        self.session = session
        clerk = not session.role.may_resolve_parked_changes
        self.role_note.setVisible(clerk)
        self._show_chosen()

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.table.setHorizontalHeaderLabels([texts[key] for key in COLUMNS])
        self.note.setPlaceholderText(texts["dispute_ui_staff_note_hint"])
        self.role_note.setText(texts["dispute_ui_staff_supervisor_only"])
        for state, button in self.step_buttons.items():
            button.setText(texts[STEPS[state]])
        self._refill(self.state_filter, texts["dispute_ui_staff_all"], [
            (texts[f"dispute_ui_state_{state.value}"], state) for state in DisputeState
        ])  # fmt: skip
        self._refill(self.age_filter, texts["dispute_ui_staff_any_age"], [
            (texts.format("dispute_ui_staff_older", days=days), days) for days in AGES if days
        ])  # fmt: skip
        self._show(self.disputes)

    @staticmethod
    def _refill(combo: QComboBox, everything: str, choices: list[tuple[str, object]]) -> None:
        combo.blockSignals(True)
        chosen = combo.currentData()
        combo.clear()
        combo.addItem(everything, None)
        for text, value in choices:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    def clear(self) -> None:
        self.session = None
        self.disputes = []
        self.chosen = None
        self.table.setRowCount(0)
        self.note.clear()
        self.message.clear()
        self.empty.clear()
        self.role_note.setVisible(False)
        self._show_chosen()

    def refresh(self) -> None:
        state, days = self.state_filter.currentData(), self.age_filter.currentData()
        self._runner.run(lambda: self._services.dispute_list(state, days), self._show, self._failed)

    def _show(self, disputes: list[Dispute]) -> None:
        keep = self.chosen.id if self.chosen else None
        self.disputes = disputes
        texts = self._texts
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(disputes))
        for row, dispute in enumerate(disputes):
            cells = (
                dispute.number,
                str(dispute.doc_num),
                dispute.customer_code,
                format_money(dispute.amount),
                texts[f"dispute_ui_state_{dispute.state.value}"],
                format_date(dispute.opened_at.date(), texts.language),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.empty.setText(
            "" if disputes or self.session is None else texts["dispute_ui_staff_none"]
        )
        self.empty.setVisible(bool(self.empty.text()))
        again = next((row for row, d in enumerate(disputes) if d.id == keep), None)
        if again is not None:
            self.table.selectRow(again)  # the one just moved, in its new state
        else:
            self.chosen = None
            self._show_chosen()

    def _choose(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        before = self.chosen.id if self.chosen else None
        self.chosen = self.disputes[rows[0]] if rows else None
        if self.chosen is None or self.chosen.id != before:  # not the same one, refreshed
            self.note.clear()
            self.message.clear()
        self._show_chosen()

    def _show_chosen(self) -> None:
        dispute, texts = self.chosen, getattr(self, "_texts", None)
        for state, button in self.step_buttons.items():
            button.setEnabled(self._may(state))
        self.note.setEnabled(dispute is not None and bool(NEXT_STATES[dispute.state]))
        self.timeline.clear()
        if dispute is None or texts is None:
            self.summary.clear()
            self.comment.clear()
            self.comment.setVisible(False)
            return
        part = (
            texts["dispute_ui_whole"]
            if dispute.line_number is None
            else f"{texts['dispute_ui_column_line']} {dispute.line_number + 1}"
        )
        self.summary.setText(
            texts.format(
                "dispute_ui_staff_summary", number=dispute.number, invoice=dispute.doc_num,
                part=part, amount=format_money(dispute.amount),
                reason=texts[f"dispute_ui_reason_{dispute.reason.value}"],
            )
        )  # fmt: skip
        self.comment.setText(
            texts.format("dispute_ui_staff_comment", comment=dispute.comment)
            if dispute.comment
            else ""
        )
        self.comment.setVisible(bool(dispute.comment))
        for event in dispute.events:
            values = {
                "at": event.at.strftime("%Y-%m-%d %H:%M"),
                "state": texts[f"dispute_ui_state_{event.state.value}"],
                "by": event.by,
            }
            if event.note:
                self.timeline.addItem(
                    texts.format("dispute_ui_staff_event_note", note=event.note, **values)
                )
            else:
                self.timeline.addItem(texts.format("dispute_ui_staff_event", **values))

    def _may(self, state: DisputeState) -> bool:
        """Whether this step is open to the dispute chosen and to the role logged in."""
        dispute, session = self.chosen, self.session
        if dispute is None or session is None or state not in NEXT_STATES[dispute.state]:
            return False
        return state not in SUPERVISOR_STEPS or session.role.may_resolve_parked_changes

    def _move(self, state: DisputeState) -> None:
        dispute, session, note = self.chosen, self.session, self.note.text().strip()
        if dispute is None or dispute.id is None or session is None:
            return
        if state in NOTE_REQUIRED and not note:
            self.message.setText(self._texts["dispute_ui_staff_note_required"])
            return
        for button in self.step_buttons.values():
            button.setEnabled(False)
        self.message.setText(self._texts["busy"])
        dispute_id = dispute.id
        self._runner.run(
            lambda: self._services.move_dispute(session, dispute_id, state, note),
            self._moved,
            self._failed,
        )

    def _moved(self, dispute: Dispute) -> None:
        self.chosen = dispute
        self.note.clear()
        texts = self._texts
        state = texts[f"dispute_ui_state_{dispute.state.value}"]
        self.message.setText(
            texts.format("dispute_ui_staff_moved", number=dispute.number, state=state)
        )
        self._show_chosen()
        self.refresh()

    def _failed(self, error: Exception) -> None:
        self._show_chosen()
        self.message.setText(notice_for(error, self._texts))
