"""The window fits the counter PC's screen: nothing runs off it, nothing cut, and it never grows.

Over the demo cache with long content added: a customer with a long name and e-mail address,
120 invoices with large amounts, a change SAP refused with a long message, deliveries with long
destinations and errors. Each check looks at what a person sees: every visible widget inside the
window, every button's text and every table header whole, the window as big as the screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QTableView,
    QWidget,
)

from kiosk.app.demo import Demo, start_demo
from kiosk.app.settings import load_settings
from kiosk.domain.billing_preference import BillingChannel
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryReason, DeliveryState
from kiosk.domain.staff import Role
from kiosk.ui.main_window import KioskWindow
from tests.builders import make_customer, make_invoice
from tests.ui.kiosk_parts import choose_customer, identify, log_in_staff, select_rows, tap

LONG_CODE = "C009999"
LONG_NAME = (
    "Distribuidora Internacional de Materiales para la Construcción y Ferretería"
    " del Noroeste S.A. de C.V."
)
LONG_TAX_ID = "DIM010101AB8"  # a real RFC: its check digit is right
LONG_EMAIL = "cuentas.por.pagar.facturacion.electronica@distribuidora-internacional-noroeste.com.mx"
LONG_SAP_MESSAGE = (
    "Field U_BillingChannel is not valid for this business partner; the value must be one of"
    " the values defined in the user-defined field's valid values list (ODBC -1116)"
)
LONG_DELIVERY_ERROR = (
    "550 5.1.1 The e-mail account that you tried to reach does not exist. Please try"
    " double-checking the recipient's e-mail address for typos or unnecessary spaces."
)
FIRST_NUMBER = 900_001
INVOICES = 120


@pytest.fixture
def demo() -> Iterator[Demo]:
    running = start_demo(load_settings(None))
    services = running.services
    services.staff.add("sofia", Role.SUPERVISOR, "9150")
    today = services.clock.today()
    services.storage.invoices.upsert_customers(
        [make_customer(LONG_CODE, name=LONG_NAME, tax_id=LONG_TAX_ID, email=LONG_EMAIL)]
    )
    invoices = []
    for index in range(INVOICES):
        total = Decimal("98765432.10") + index
        posted = today - timedelta(days=3 * index)
        invoices.append(
            make_invoice(
                FIRST_NUMBER + index,
                doc_num=FIRST_NUMBER + index,
                customer_code=LONG_CODE,
                customer_name=LONG_NAME,
                customer_tax_id=LONG_TAX_ID,
                posting_date=posted,
                document_date=posted,
                due_date=posted + timedelta(days=30),
                total=str(total),
                paid_to_date=str(total) if index % 3 == 2 else "0",
            )
        )
    services.storage.invoices.upsert_invoices(invoices)
    services.preferences.register(
        LONG_CODE, BillingChannel.BOTH, LONG_EMAIL, clerk="sofia", consent_given=True
    )
    [entry] = [e for e in services.outbox.entries() if e.customer_code == LONG_CODE]
    assert entry.id is not None
    services.storage.outbox.park(entry.id, "-1116", LONG_SAP_MESSAGE, services.clock.now())
    for index in range(3):
        delivery = services.storage.deliveries.add_delivery(
            Delivery(
                id=None,
                doc_entry=FIRST_NUMBER + index,
                doc_num=FIRST_NUMBER + index,
                customer_code=LONG_CODE,
                channel=DeliveryChannel.EMAIL,
                reason=DeliveryReason.REQUESTED,
                destination=LONG_EMAIL,
                state=DeliveryState.QUEUED,
                requested_by="sofia",
                created_at=services.clock.now(),
            )
        )
        assert delivery is not None and delivery.id is not None
        if index == 0:
            services.storage.deliveries.fail_delivery(
                delivery.id, "550", LONG_DELIVERY_ERROR, services.clock.now()
            )
    yield running
    running.stop()


def _in_scrolled_content(widget: QWidget) -> bool:
    """Inside a scroll area's viewport: it may lie beyond the window until scrolled to."""
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and parent is grand.viewport():
            return True
        parent = grand
    return False


def outside_the_window(window: KioskWindow, size: QSize) -> list[str]:
    """Each visible widget whose rectangle is not within the window of the screen's size."""
    screen = QRect(QPoint(0, 0), size)
    outside = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or _in_scrolled_content(widget):
            continue
        rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not screen.contains(rect):
            outside.append(f"{type(widget).__name__} {widget.objectName()!r} at {rect}")
    return outside


def _in_layout(layout: QLayout | None, widget: QWidget) -> bool:
    if layout is None:
        return False
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item.widget() is widget or _in_layout(item.layout(), widget):
            return True
    return False


def squeezed(window: KioskWindow) -> list[str]:
    """Each visible widget a layout gives less height than it needs at its width: it is cut."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or _in_scrolled_content(widget):
            continue
        parent = widget.parentWidget()
        if parent is None or not _in_layout(parent.layout(), widget):
            continue  # placed by its parent itself (a table's header, a scroll bar)
        if widget.sizePolicy().verticalPolicy() is QSizePolicy.Policy.Ignored:
            continue
        # As a layout reads it: an explicit minimum height overrides the widget's own hint.
        needed = widget.minimumHeight() or widget.minimumSizeHint().height()
        if isinstance(widget, QLabel) and widget.wordWrap():  # its lines at this width
            needed = max(widget.minimumHeight(), widget.heightForWidth(widget.width()))
        if widget.height() < needed:
            found.append(
                f"{type(widget).__name__} {widget.objectName()!r}: {widget.height()} px"
                f" high, needs {needed}"
            )
    return found


def _button_cut(button: QPushButton) -> bool:
    option = QStyleOptionButton()
    button.initStyleOption(option)
    contents = button.style().subElementRect(
        QStyle.SubElement.SE_PushButtonContents, option, button
    )
    return contents.width() < button.fontMetrics().horizontalAdvance(button.text())


def _label_cut(label: QLabel) -> bool:
    if label.wordWrap() or not label.text() or label.textFormat() is Qt.TextFormat.RichText:
        return False
    metrics = label.fontMetrics()
    needed = max(metrics.horizontalAdvance(line) for line in label.text().splitlines())
    return label.contentsRect().width() < needed


def _header_cuts(table: QTableView) -> list[str]:
    header = table.horizontalHeader()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    cuts = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = str(table.model().headerData(section, Qt.Orientation.Horizontal) or "")
        needed = header.fontMetrics().horizontalAdvance(text) + 2 * margin
        if header.sectionSize(section) < needed:
            cuts.append(f"header {text!r}: {header.sectionSize(section)} < {needed} px")
        stretched = header.sectionResizeMode(section) is QHeaderView.ResizeMode.Stretch
        last = section == header.count() - 1 and header.stretchLastSection()
        if not stretched and not last and table.model().rowCount():
            # Only a stretched column (a message, a destination) may not show all at once:
            # it wraps in rows as high as they need, its whole text in a tooltip too.
            content = table.sizeHintForColumn(section)
            if header.sectionSize(section) < content:
                cuts.append(f"column {text!r}: {header.sectionSize(section)} < {content} px")
    return cuts


def cut_texts(window: KioskWindow) -> list[str]:
    """Each visible button, single-line label or table column whose text does not fit it."""
    cuts = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QPushButton) and _button_cut(widget):
            cuts.append(f"button {widget.text()!r} is {widget.width()} px wide")
        elif isinstance(widget, QPushButton) and widget.text().replace("&&", "").count("&"):
            cuts.append(f"button {widget.text()!r} hides its & as a shortcut mark")
        elif isinstance(widget, QLabel) and _label_cut(widget):
            cuts.append(f"label {widget.text()!r} is {widget.width()} px wide")
        elif isinstance(widget, QTableView):
            cuts.extend(_header_cuts(widget))
    return cuts


def check_fits(qtbot: QtBot, window: KioskWindow, size: QSize, where: str) -> None:
    qtbot.wait(50)  # let the layouts settle after what was just shown
    window.grab()  # lays out and paints, as the screen would
    assert window.size() == size, f"{where}: the window grew to {window.size()}"
    assert outside_the_window(window, size) == [], f"{where}: off the window"
    assert squeezed(window) == [], f"{where}: squeezed"
    assert cut_texts(window) == [], f"{where}: text cut"


def _customer_chosen(qtbot: QtBot, window: KioskWindow, code: str) -> None:
    assert window.staff is not None
    customers = window.staff.customers
    customers.search.clear()
    qtbot.waitUntil(lambda: customers.results.count() == 0, timeout=5000)
    choose_customer(qtbot, customers, code)
    assert customers.customer is not None and customers.customer.code == code
    qtbot.waitUntil(lambda: customers.invoices.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(lambda: customers.history.count() > 0 or code != LONG_CODE, timeout=5000)


@pytest.mark.parametrize("size", [QSize(1280, 800), QSize(1920, 1080)], ids=["1280", "1920"])
def test_every_staff_tab_fits_the_screen_with_nothing_cut(
    qtbot: QtBot, window: KioskWindow, size: QSize
) -> None:
    window.resize(size)
    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    staff, customers = window.staff, window.staff.customers
    check_fits(qtbot, window, size, "staff mode")

    for code in ("C000001", LONG_CODE):  # Abarrotes Maya, then the longest customer
        _customer_chosen(qtbot, window, code)
        check_fits(qtbot, window, size, f"{code}: invoices")
        select_rows(qtbot, customers.invoices, [0])
        check_fits(qtbot, window, size, f"{code}: an invoice chosen")
        customers.pages.setCurrentIndex(1)
        check_fits(qtbot, window, size, f"{code}: preference")
        customers.pages.setCurrentIndex(0)

    # The clerk drags the splitter to give the list all it can take: the customer still fits.
    customers.splitter.setSizes([size.width(), 1])
    check_fits(qtbot, window, size, "the customer panel at its narrowest")
    customers.pages.setCurrentIndex(1)
    check_fits(qtbot, window, size, "the preference at its narrowest")
    customers.pages.setCurrentIndex(0)

    staff.tabs.setCurrentWidget(staff.sync)
    qtbot.waitUntil(lambda: staff.sync.table.rowCount() >= 1, timeout=5000)
    staff.sync.show_progress("invoices", 123_456)
    check_fits(qtbot, window, size, "sync")

    staff.tabs.setCurrentWidget(staff.deliveries)
    qtbot.waitUntil(lambda: staff.deliveries.table.rowCount() >= 3, timeout=5000)
    check_fits(qtbot, window, size, "deliveries")


def test_the_customer_list_separates_one_customer_from_the_next(
    qtbot: QtBot, window: KioskWindow
) -> None:
    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    customers = window.staff.customers
    qtbot.keyClicks(customers.search, "Abarrotes")
    qtbot.waitUntil(lambda: customers.results.count() >= 2, timeout=5000)
    first, second = (customers.results.visualItemRect(customers.results.item(i)) for i in (0, 1))

    # Between the last line of one entry and the first of the next: room, and a drawn line.
    image = customers.results.viewport().grab().toImage()
    background = image.pixelColor(2, first.top() + 1)

    def colours(y: int) -> set[str]:
        return {image.pixelColor(x, y).name() for x in range(2, image.width() - 2, 3)}

    def text_rows(rect: QRect) -> list[int]:
        return [y for y in range(rect.top(), rect.bottom() + 1) if len(colours(y)) > 1]

    between = range(max(text_rows(first)) + 1, min(text_rows(second)))
    assert len(between) >= 12, f"only {len(between)} px between one customer and the next"
    lines = [y for y in between if colours(y) - {background.name()} and len(colours(y)) == 1]
    assert lines, "no line drawn between one customer and the next"


def test_the_window_keeps_the_screens_size_whatever_it_shows(
    qtbot: QtBot, window: KioskWindow, demo: Demo
) -> None:
    size = QSize(1280, 800)
    assert window.size() == size

    def same_size(where: str) -> None:
        qtbot.wait(50)
        window.grab()
        assert window.size() == size, f"{where}: the window became {window.size()}"
        assert outside_the_window(window, size) == [], f"{where}: content off the window"
        assert squeezed(window) == [], f"{where}: content squeezed"
        assert cut_texts(window) == [], f"{where}: text cut"

    same_size("welcome")
    log_in_staff(qtbot, window, "sofia", "9150")
    assert window.staff is not None
    staff, customers = window.staff, window.staff.customers
    for code in ("C000001", LONG_CODE, "C000002"):
        _customer_chosen(qtbot, window, code)
        same_size(f"staff, {code}")
        customers.pages.setCurrentIndex(1)
        same_size(f"staff, {code}'s preference")
        customers.pages.setCurrentIndex(0)
    customers.email.setText(LONG_EMAIL * 2)
    customers.message.setText(LONG_SAP_MESSAGE)
    same_size("staff, a long message")
    for tab in (staff.sync, staff.deliveries):
        staff.tabs.setCurrentWidget(tab)
        qtbot.waitUntil(lambda tab=tab: tab.table.rowCount() >= 1, timeout=5000)
        same_size(f"staff, {type(tab).__name__}")
    staff.sync.show_progress("invoices", 1_234_567)
    same_size("staff, sync progress")

    tap(qtbot, staff.logout)
    assert window.stack.currentWidget() is window.welcome
    same_size("welcome after staff")
    find = window.welcome.find_button
    centre = find.mapTo(window, find.rect().center()).x()
    assert abs(centre - size.width() // 2) <= 2, "the welcome screen is off-centre"

    tap(qtbot, window.welcome.find_button)
    window.identify.message.setText(LONG_SAP_MESSAGE)
    same_size("identify, a long message")
    tap(qtbot, window.identify.back)
    identify(qtbot, window, LONG_TAX_ID, str(FIRST_NUMBER))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.invoices, timeout=5000)
    same_size("the invoice list of the longest customer")
    window.invoices.tabs.setCurrentIndex(1)
    same_size("the history")
    window.invoices.tabs.setCurrentIndex(0)

    select_rows(qtbot, window.invoices.open_table, [0])
    tap(qtbot, window.invoices.action_buttons["view"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.detail, timeout=15000)
    same_size("an invoice's pages")
    tap(qtbot, window.detail.back)

    window.invoices.open_table.selectAll()
    tap(qtbot, window.invoices.action_buttons["pay"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.payment, timeout=15000)
    same_size(f"paying {len(window.invoices.selected_invoices())} invoices")
    tap(qtbot, window.payment.back)

    tap(qtbot, window.invoices.action_buttons["email"])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.invoices, timeout=30000)
    same_size(f"after E-mail, {type(window.stack.currentWidget()).__name__}")
    window.reset()  # as the idle timeout does
    same_size("welcome at the end")
