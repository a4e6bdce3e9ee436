"""One invoice as it prints, with Pay, Print, E-mail, Dispute; if stamped: folio, XML, receipts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.domain.invoice import Invoice
from kiosk.language.catalogue import Texts
from kiosk.ui.customer_actions import InvoiceView
from kiosk.ui.screens.dispute_screen import disputable_parts
from kiosk.ui.widgets.invoice_table import disputed_text
from kiosk.ui.widgets.payment_receipt_list import PaymentReceiptList
from kiosk.ui.widgets.pdf_pages import PdfPages
from kiosk.ui.widgets.touch_button import TouchButton, action_row

ACTIONS = ("pay", "print", "email", "xml")
"""The actions under the pages; "xml" (Enviar XML) only for a stamped invoice."""


class InvoiceDetailScreen(QWidget):
    back_requested = Signal()
    """Back to the invoice list."""
    action_requested = Signal(str, list)
    """("pay" | "print" | "email", [this invoice])."""
    xml_requested = Signal(object)
    """Enviar XML: the InvoiceView shown, whose invoice's stamped XML is to be e-mailed."""
    receipt_requested = Signal(object, str, str)
    """(the InvoiceView shown, a payment receipt's folio fiscal, "print" | "email")."""
    dispute_requested = Signal(object)
    """No estoy de acuerdo: the InvoiceView shown, some of whose invoice is to be disputed."""

    _texts: Texts
    """The window's language, handed over by retranslate() before the screen is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: InvoiceView | None = None
        self.offer_disputes = False
        """Whether the kiosk takes disputes (the window knows: it has the service or not)."""
        self.disputed = QLabel()
        self.disputed.setObjectName("disputed")
        self.disputed.setWordWrap(True)
        self.dispute = TouchButton("")
        self.dispute.setObjectName("detail-dispute")
        self.dispute.clicked.connect(self._dispute)
        self.dispute.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.folio = QLabel()
        self.folio.setObjectName("folio_fiscal")
        self.folio.setWordWrap(True)
        bold = self.folio.font()
        bold.setBold(True)  # the invoice's own folio, apart from its receipts' below it
        self.folio.setFont(bold)
        self.receipts = PaymentReceiptList()
        self.receipts.receipt_requested.connect(self._receipt)
        self.view = PdfPages()
        self.back = TouchButton("")
        self.back.setMinimumWidth(240)
        self.back.clicked.connect(self.back_requested)
        buttons, self.action_buttons = action_row(
            self.back, ACTIONS, self._request, prefix="detail-"
        )
        self.send_xml = self.action_buttons["xml"]
        self.send_xml.setVisible(False)
        # A secondary action, away from Pay: up here with what is disputed already.
        disputes = QHBoxLayout()
        disputes.addWidget(self.disputed, 1)
        disputes.addWidget(self.dispute, 0, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(disputes)
        layout.addWidget(self.folio)
        layout.addWidget(self.receipts)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.folio.setVisible(False)
        self.disputed.setVisible(False)
        self.dispute.setVisible(False)

    @property
    def invoice(self) -> Invoice | None:
        return None if self.shown is None else self.shown.invoice

    def show_invoice(self, shown: InvoiceView) -> None:
        self.shown = shown
        self.view.show_pages(shown.pages)
        self.view.verticalScrollBar().setValue(0)
        self._show_cfdi()
        self._show_disputes()
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """While an action asked from here runs, its buttons cannot be tapped twice."""
        self.back.setEnabled(not busy)
        for button in (*self.action_buttons.values(), self.dispute):
            button.setEnabled(not busy)
        self.receipts.set_busy(busy)

    def clear(self) -> None:
        self.shown = None
        self.view.clear_pages()
        self.receipts.clear_receipts()
        self.folio.clear()
        self.folio.setVisible(False)
        self.send_xml.setVisible(False)
        self._show_disputes()

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        self.back.setText(texts["back"])
        for action, button in self.action_buttons.items():
            button.setText(texts["cfdi_ui_send_xml" if action == "xml" else action])
        self.dispute.setText(texts["dispute_ui_action"])
        self._show_cfdi()
        self._show_disputes()

    def _show_disputes(self) -> None:
        """En disputa: $X when some is; No estoy de acuerdo while some is left to dispute."""
        shown = self.shown
        invoice = None if shown is None else shown.invoice
        disputed = invoice is not None and invoice.disputed > 0
        self.disputed.setText(disputed_text(invoice, self._texts) if invoice and disputed else "")
        self.disputed.setVisible(disputed)
        self.dispute.setVisible(
            self.offer_disputes
            and shown is not None
            and bool(disputable_parts(shown.invoice, shown.disputes))
        )

    def _show_cfdi(self) -> None:
        """The folio fiscal and the receipts; Enviar XML where the XML can be sent."""
        shown, texts = self.shown, self._texts
        cfdi = None if shown is None else shown.cfdi
        uuid = "" if shown is None else shown.invoice.fiscal_uuid or ""
        self.folio.setText(texts.format("cfdi_ui_folio", uuid=cfdi.uuid) if cfdi else "")
        self.folio.setVisible(cfdi is not None)
        can_email = shown is not None and shown.email is not None
        self.send_xml.setVisible(cfdi is not None and can_email)
        receipts = () if shown is None else shown.receipts
        self.receipts.show_receipts(receipts, uuid, texts, can_email=can_email)

    def _request(self, action: str) -> None:
        if self.shown is None:
            return
        if action == "xml":
            self.xml_requested.emit(self.shown)
        else:
            self.action_requested.emit(action, [self.shown.invoice])

    def _dispute(self) -> None:
        if self.shown is not None:
            self.dispute_requested.emit(self.shown)

    def _receipt(self, uuid: str, how: str) -> None:
        if self.shown is not None:
            self.receipt_requested.emit(self.shown, uuid, how)
