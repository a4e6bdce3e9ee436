"""The branch's PostgreSQL goes down under a running kiosk: the customer reads one plain
sentence and stays where they are; when it is back, the same taps work."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from kiosk.app.gui import build_window
from kiosk.app.settings import load_settings
from kiosk.app.wiring import Services
from kiosk.ui.background import TaskRunner
from tests.fixtures.postgres import bring_back, take_down
from tests.ui.kiosk_parts import identify


def test_a_customer_is_told_plainly_and_nothing_breaks(
    qtbot: QtBot, branch_services: Services, branch_url: str
):
    services = branch_services
    with services.storage.engine.connect() as connection:
        tax_id, number = connection.execute(
            text("SELECT c.tax_id, i.doc_num FROM invoices i JOIN customers c"
                 " ON c.code = i.customer_code ORDER BY i.doc_entry LIMIT 1")
        ).one()  # fmt: skip
    runner = TaskRunner()
    window = build_window(load_settings(None), services, runner)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    take_down(branch_url)
    try:
        identify(qtbot, window, tax_id, str(number))
        qtbot.waitUntil(lambda: window.identify.message.text() not in ("", window.texts["busy"]))

        assert window.identify.message.text() == (
            "Por ahora no hay conexión con la base de datos de la sucursal. No se perdió nada; "
            "inténtelo de nuevo en unos minutos."
        )
        assert window.stack.currentWidget() is window.identify
    finally:
        bring_back(branch_url)
    window.reset()  # "Terminar": back to the welcome screen
    identify(qtbot, window, tax_id, str(number))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.invoices, timeout=5000)
    runner.shutdown()
