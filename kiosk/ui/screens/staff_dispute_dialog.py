"""The dispute screen in a window of its own, for staff opening a dispute at the counter."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from kiosk.language.catalogue import Texts
from kiosk.ui.screens.dispute_screen import DisputeScreen


class StaffDisputeDialog(QDialog):
    """The same choices as the customer's: lines or the whole invoice, a reason, an amount."""

    def __init__(self, parent: QWidget, texts: Texts) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.setWindowTitle(texts["dispute_ui_action"])
        self.dispute_screen = DisputeScreen()
        self.dispute_screen.retranslate(texts)
        self.dispute_screen.back_requested.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.dispute_screen)
        self.resize(parent.window().size())
