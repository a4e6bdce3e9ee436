"""Staff: what waits for SAP, SAP's refusals, "Sync now", and retry or discard (supervisors)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.display_formats import format_date
from kiosk.domain.outbox import OutboxEntry
from kiosk.domain.staff import StaffSession
from kiosk.language.catalogue import Texts
from kiosk.services.sync_status import SyncStatus, branch_sync_text
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.widgets.touch_button import TouchButton

COLUMNS = ("staff_change", "staff_customer", "status", "staff_sap_said", "staff_attempts")


class StaffSyncTab(QWidget):
    sync_requested = Signal()

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self, services: StaffServices, runner: TaskRunner) -> None:
        super().__init__()
        self._services = services
        self._runner = runner
        self.session: StaffSession | None = None
        self.entries: list[OutboxEntry] = []
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.last_pulls = QLabel()
        self.last_pulls.setObjectName("last_pulls")
        self.last_pulls.setWordWrap(True)  # one line per entity would not fit: it wraps
        self.sync_now = TouchButton("", primary=True)
        self.sync_now.clicked.connect(self.sync_requested)
        self.table = QTableWidget(0, 5)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        # A long message wraps in its cell, the row as high as it needs: all of it in view.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # SAP's message
        self.reason = QLineEdit()
        self.retry = TouchButton("")
        self.retry.clicked.connect(self._retry)
        self.discard = TouchButton("")
        self.discard.clicked.connect(self._discard)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.sync_now)
        actions = QHBoxLayout()
        actions.addWidget(self.reason, 2)
        actions.addWidget(self.retry, 1)
        actions.addWidget(self.discard, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.last_pulls)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.sync_now.setText(texts["staff_sync_now"])
        self.table.setHorizontalHeaderLabels(
            [
                texts[k]
                for k in (
                    "staff_change",
                    "staff_customer",
                    "status",
                    "staff_sap_said",
                    "staff_attempts",
                )
            ]
        )
        self.reason.setPlaceholderText(texts["staff_reason"])
        self.retry.setText(texts["staff_retry"])
        self.discard.setText(texts["staff_discard"])

    def start(self, session: StaffSession) -> None:
        self.session = session
        allowed = session.role.may_resolve_parked_changes
        for widget in (self.retry, self.discard, self.reason):
            widget.setEnabled(allowed)
        self.message.setText("" if allowed else self._texts["staff_supervisor_only"])
        self.refresh()

    def set_online(self, online: bool) -> None:
        """A pass ended: say whether it reached SAP, and show what it left in the outbox."""
        self.status.setText(self._texts["staff_online" if online else "staff_offline"])
        if self.session is not None:
            self.refresh()

    def show_progress(self, entity: str, count: int) -> None:
        """A pass is running: say how much of what it has received so far."""
        texts = self._texts
        self.status.setText(
            texts.format(
                "staff_syncing", count=f"{count:,}", entity=texts.get(f"entity_{entity}", entity)
            )
        )

    def clear(self) -> None:
        self.session = None
        self.entries = []
        self.table.setRowCount(0)
        self.reason.clear()
        self.message.clear()

    def refresh(self) -> None:
        self._runner.run(self._services.outbox_entries, self._show, self._failed)

    def _show(self, found: tuple[SyncStatus, list[OutboxEntry]]) -> None:
        status, entries = found
        self.entries = entries
        self.last_pulls.setText(self._last_pulls_text(status))
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = [
                self._texts[f"staff_kind_{entry.kind}"],
                entry.customer_code,
                self._texts[f"staff_state_{entry.state.value}"],
                entry.last_error_message or "",
                str(entry.attempts),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)

    def _last_pulls_text(self, status: SyncStatus) -> str:
        pulls = self._pulls_text(status)
        if status.branch is None:
            return pulls
        # On a shared database: who syncs the branch, so a clerk knows why this PC does not.
        return f"{pulls}\n{branch_sync_text(status.branch, self._texts)}"

    def _pulls_text(self, status: SyncStatus) -> str:
        texts = self._texts
        if not status.last_success:
            return texts["staff_never_synced"]
        parts = []
        for entity, moment in status.last_success.items():
            when = (
                f"{format_date(moment.date(), texts.language)} {moment:%H:%M}"
                if moment
                else texts["staff_never"]
            )
            parts.append(f"{texts.get(f'entity_{entity}', entity)}: {when}")
        if status.first_download_stored_up_to is not None:
            parts.append(texts["staff_first_download_unfinished"])
        return f"{texts['staff_last_pull']} " + " · ".join(parts)

    def _chosen(self) -> OutboxEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _retry(self) -> None:
        entry, session = self._chosen(), self.session
        if entry is None or session is None or entry.id is None:
            self.message.setText(self._texts["staff_choose_row"])
            return
        entry_id = entry.id
        self._runner.run(
            lambda: self._services.retry(session, entry_id), self._changed, self._failed
        )

    def _discard(self) -> None:
        entry, session, reason = self._chosen(), self.session, self.reason.text()
        if entry is None or session is None or entry.id is None:
            self.message.setText(self._texts["staff_choose_row"])
            return
        entry_id = entry.id
        self._runner.run(
            lambda: self._services.discard(session, entry_id, reason), self._changed, self._failed
        )

    def _changed(self, entry: OutboxEntry) -> None:
        self.reason.clear()
        self.message.setText(self._texts[f"staff_state_{entry.state.value}"])
        self.refresh()

    def _failed(self, error: Exception) -> None:
        self.message.setText(notice_for(error, self._texts))
