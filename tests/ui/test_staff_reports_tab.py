"""The staff Reports tab over fixed rows: the figures a person reads, the bars and lines drawn."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCharts import QBarSeries, QLineSeries, QStackedBarSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.reports import (
    AdoptionWeek,
    AgeingRow,
    DeliveryDay,
    EntityHealth,
    ReportPeriod,
    SyncHealth,
    UsageDay,
)
from kiosk.domain.staff import Role, StaffSession
from kiosk.language.catalogue import Texts
from kiosk.ui.background import ImmediateExecutor, TaskRunner
from kiosk.ui.screens.staff_reports_tab import StaffReportsTab
from kiosk.ui.screens.staff_screen import StaffScreen
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.widgets.report_chart import ReportChart
from tests.fakes.fixed_reports import FixedReports
from tests.fakes.mutable_clock import MutableClock
from tests.integration.ui.test_screen_fit import cut_texts

TODAY = date(2026, 3, 18)  # a Wednesday
LAST_30 = ReportPeriod(date(2026, 2, 17), TODAY)
LAST_90 = ReportPeriod(date(2025, 12, 19), TODAY)
MONDAYS = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(11)]  # 05/01 to 16/03


def fixture_reports() -> FixedReports:
    return FixedReports(
        adoption=[
            AdoptionWeek(monday, paper=40 - n, email=10 + 2 * n, both=5 + n)
            for n, monday in enumerate(MONDAYS)
        ],
        deliveries=[
            DeliveryDay(date(2026, 1, 10), "email", "sent", 7),  # within 90 days, not 30
            DeliveryDay(date(2026, 3, 16), "email", "sent", 12),
            DeliveryDay(date(2026, 3, 16), "email", "failed", 1),
            DeliveryDay(date(2026, 3, 16), "paper", "sent", 4),
            DeliveryDay(date(2026, 3, 17), "email", "sent", 9),
            DeliveryDay(date(2026, 3, 17), "paper", "waiting", 2),
        ],
        ageing={
            TODAY: [
                AgeingRow(
                    "MXN",
                    {
                        AgeingBucket.CURRENT: Decimal("15000.50"),
                        AgeingBucket.DAYS_1_30: Decimal("8200"),
                        AgeingBucket.DAYS_31_60: Decimal("0"),
                        AgeingBucket.DAYS_61_90: Decimal("1250.75"),
                        AgeingBucket.OVER_90: Decimal("43210.99"),
                    },
                ),
                AgeingRow(
                    "USD",
                    {AgeingBucket.CURRENT: Decimal("980"), AgeingBucket.OVER_90: Decimal("120.5")},
                ),
            ],
            date(2026, 2, 28): [AgeingRow("MXN", {AgeingBucket.DAYS_1_30: Decimal("1234567.8")})],
        },
        usage=[
            UsageDay(date(2026, 1, 20), lookups=3, prints=1, emails=0, payments=0),
            UsageDay(date(2026, 3, 17), lookups=1204, prints=33, emails=21, payments=8),
            UsageDay(date(2026, 3, 18), lookups=57, prints=12, emails=9, payments=4),
        ],
        payments=[
            (date(2026, 1, 13), 40),  # within 90 days, not 30
            (date(2026, 3, 10), 10),
            (date(2026, 3, 11), 20),
            (date(2026, 3, 12), 31),
            (date(2026, 3, 16), 5),
            (date(2026, 3, 17), 8),
        ],
        sync=SyncHealth(
            entities=(
                EntityHealth("invoices", datetime(2026, 3, 18, 9, 45), None),
                EntityHealth("payments", None, "SAP answered 502 Bad Gateway"),
            ),
            pending_changes=3,
            parked_changes=1,
        ),
    )


def staff_services(reports: FixedReports) -> StaffServices:
    """Staff services with only what the Reports tab reads: the reports and the clock."""
    nothing: Any = None
    return StaffServices(
        nothing, nothing, nothing, nothing, nothing, nothing,
        MutableClock(datetime.combine(TODAY, time(10, 30))), reports=reports,
    )  # fmt: skip


def open_tab(
    qtbot: QtBot, reports: FixedReports, runner: TaskRunner | None = None
) -> StaffReportsTab:
    tab = StaffReportsTab(
        staff_services(reports), runner or TaskRunner(ImmediateExecutor(), ImmediateExecutor())
    )
    qtbot.addWidget(tab)
    tab.retranslate(Texts("es"))
    tab.resize(1280, 800)
    tab.show()
    qtbot.waitExposed(tab)
    tab.refresh()
    return tab


def cells(table: QTableWidget) -> list[list[str]]:
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    rows = [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    return [header, *rows]


def bars(chart: ReportChart) -> dict[str, list[float]]:
    [series] = chart.chart().series()
    return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}


def lines(chart: ReportChart) -> dict[str, list[tuple[float, float]]]:
    found = {}
    for series in chart.chart().series():
        assert isinstance(series, QLineSeries)
        found[series.name()] = [(p.x(), p.y()) for p in series.points()]
    return found


def test_adoption_shows_the_weeks_of_the_period_then_of_the_one_chosen(qtbot: QtBot) -> None:
    reports = fixture_reports()
    tab = open_tab(qtbot, reports)
    section = tab.adoption

    assert ("adoption", LAST_30) in reports.calls
    assert section.period.currentText() == "Últimos 30 días"
    assert cells(section.table) == [
        ["Semana del", "Papel", "Correo", "Ambos"],
        ["16/03/2026", "30", "30", "15"],  # the newest first
        ["09/03/2026", "31", "28", "14"],
        ["02/03/2026", "32", "26", "13"],
        ["23/02/2026", "33", "24", "12"],
    ]
    [series] = section.chart.chart().series()
    assert isinstance(series, QStackedBarSeries)
    assert bars(section.chart) == {
        "Papel": [33, 32, 31, 30],
        "Correo": [24, 26, 28, 30],
        "Ambos": [12, 13, 14, 15],
    }

    reports.calls.clear()
    section.period.setFocus()
    qtbot.keyClick(section.period, Qt.Key.Key_Down)  # the next span in the list: 90 days

    assert reports.calls == [("adoption", LAST_90)]  # that report only, for the new period
    assert section.table.rowCount() == 11
    assert cells(section.table)[-1] == ["05/01/2026", "40", "10", "5"]
    assert bars(section.chart)["Correo"] == [10 + 2 * n for n in range(11)]


def test_deliveries_by_day_channel_and_outcome(qtbot: QtBot) -> None:
    reports = fixture_reports()
    tab = open_tab(qtbot, reports)
    section = tab.deliveries

    assert cells(section.table) == [
        ["Día", "Medio", "Entregados", "Fallidos", "En espera", "Total"],
        ["17/03/2026", "Correo", "9", "0", "0", "9"],
        ["17/03/2026", "Papel", "0", "0", "2", "2"],
        ["16/03/2026", "Correo", "12", "1", "0", "13"],
        ["16/03/2026", "Papel", "4", "0", "0", "4"],
    ]
    stacks = bars(section.chart)
    # Every day of the 30 is a stack, 17/02 first; 16/03 is the 28th, 17/03 the 29th.
    assert list(stacks) == [
        "Correo: entregados", "Correo: fallidos", "Papel: entregados", "Papel: en espera",
    ]  # fmt: skip
    assert all(len(values) == 30 for values in stacks.values())
    assert {i: v for i, v in enumerate(stacks["Correo: entregados"]) if v} == {27: 12, 28: 9}
    assert {i: v for i, v in enumerate(stacks["Papel: en espera"]) if v} == {28: 2}
    assert sum(stacks["Correo: fallidos"]) == 1 and sum(stacks["Papel: entregados"]) == 4

    section.period.choose(90)

    assert ("deliveries", LAST_90) in reports.calls
    assert cells(section.table)[-1] == ["10/01/2026", "Correo", "7", "0", "0", "7"]
    assert len(bars(section.chart)["Correo: entregados"]) == 90


def test_ageing_one_chart_per_currency_as_of_today_then_of_the_day_chosen(qtbot: QtBot) -> None:
    reports = fixture_reports()
    tab = open_tab(qtbot, reports)
    section = tab.ageing

    assert ("ageing", TODAY) in reports.calls
    assert section.day.text() == "18/03/2026"
    assert cells(section.table) == [
        ["Moneda", "Al corriente", "1 a 30 días", "31 a 60 días", "61 a 90 días",
         "Más de 90 días", "Total"],
        ["MXN", "$15,000.50", "$8,200.00", "$0.00", "$1,250.75", "$43,210.99", "$67,662.24"],
        ["USD", "US$980.00", "US$0.00", "US$0.00", "US$0.00", "US$120.50", "US$1,100.50"],
    ]  # fmt: skip
    assert list(section.charts) == ["MXN", "USD"]
    mxn, usd = section.charts["MXN"], section.charts["USD"]
    assert isinstance(mxn.chart().series()[0], QBarSeries)
    assert bars(mxn) == {"MXN": [15000.50, 8200, 0, 1250.75, 43210.99]}
    assert bars(usd) == {"USD": [980, 0, 0, 0, 120.5]}
    assert mxn.chart().title() == "MXN: $67,662.24 por cobrar"

    section.choose_day(date(2026, 2, 28))

    assert reports.calls[-1] == ("ageing", date(2026, 2, 28))
    assert cells(section.table)[1:] == [
        ["MXN", "$0.00", "$1,234,567.80", "$0.00", "$0.00", "$0.00", "$1,234,567.80"]
    ]
    assert list(section.charts) == ["MXN"]

    section.choose_day(date(2026, 2, 27))  # a day nobody owed anything

    assert section.table.rowCount() == 0 and section.charts == {}
    assert section.message.text() == "Ningún cliente tenía saldo pendiente ese día."


def test_kiosk_use_per_day(qtbot: QtBot) -> None:
    tab = open_tab(qtbot, fixture_reports())
    section = tab.usage

    assert cells(section.table) == [
        ["Día", "Consultas", "Impresiones", "Correos", "Pagos"],
        ["18/03/2026", "57", "12", "9", "4"],
        ["17/03/2026", "1,204", "33", "21", "8"],
    ]
    drawn = lines(section.chart)
    assert list(drawn) == ["Consultas", "Impresiones", "Correos", "Pagos"]
    assert [len(points) for points in drawn.values()] == [30, 30, 30, 30]
    assert drawn["Consultas"][28:] == [(28, 1204), (29, 57)]
    assert drawn["Pagos"][28:] == [(28, 8), (29, 4)]
    assert sum(y for _x, y in drawn["Impresiones"]) == 45


def test_days_to_payment_the_median_big_and_week_by_week(qtbot: QtBot) -> None:
    reports = fixture_reports()
    tab = open_tab(qtbot, reports)
    section = tab.delays

    # The five payments of the last 30 days waited 10, 20, 31, 5 and 8 days: the median is 10.
    assert section.figure.text() == "Mediana: 10 días (5 pagos)"
    assert cells(section.table) == [
        ["Semana del", "Pagos", "Mediana (días)"],
        ["16/03/2026", "2", "6.5"],
        ["09/03/2026", "3", "20"],
    ]
    assert lines(section.chart) == {"Mediana (días)": [(0, 20), (1, 6.5)]}

    section.period.choose(90)  # 40 days more: the median of six is (10 + 20) / 2

    assert section.figure.text() == "Mediana: 15 días (6 pagos)"
    assert cells(section.table)[-1] == ["12/01/2026", "1", "40"]


def test_sync_health_a_table_and_the_changes_waiting(qtbot: QtBot) -> None:
    reports = fixture_reports()
    tab = open_tab(qtbot, reports)
    section = tab.sync_health

    assert cells(section.table) == [
        ["Datos de SAP", "Última descarga", "Último error"],
        ["Facturas", "18/03/2026 09:45", ""],
        ["Pagos", "nunca", "SAP answered 502 Bad Gateway"],
    ]
    assert bars(section.chart) == {"En espera: 3": [3], "Detenidos por SAP: 1": [1]}

    reports.calls.clear()
    qtbot.mouseClick(section.refresh, Qt.MouseButton.LeftButton)
    assert reports.calls == [("sync_health", None)]


def test_a_report_that_fails_says_so_and_the_others_still_show(qtbot: QtBot) -> None:
    reports = fixture_reports()
    reports.failing.add("usage")
    tab = open_tab(qtbot, reports)

    assert tab.usage.message.text() == (
        "Servicio no disponible por ahora. Intente más tarde o pida ayuda."
    )
    assert tab.usage.table.rowCount() == 0
    assert tab.adoption.table.rowCount() == 4 and tab.adoption.message.text() == ""

    reports.failing.clear()
    tab.usage.period.choose(90)
    assert tab.usage.message.text() == "" and tab.usage.table.rowCount() == 3


class HeldExecutor(Executor):
    """Keeps the work submitted to it until a test runs it, in any order."""

    def __init__(self) -> None:
        self.held: list[Callable[[], None]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        self.held.append(lambda: fn(*args, **kwargs))
        return None


def test_an_answer_that_arrives_after_a_newer_one_is_dropped(qtbot: QtBot) -> None:
    held = HeldExecutor()
    tab = open_tab(qtbot, fixture_reports(), TaskRunner(held, held))
    section = tab.adoption
    for work in held.held:
        work()
    qtbot.waitUntil(lambda: section.table.rowCount() == 4)
    held.held.clear()

    section.period.choose(90)
    section.period.choose(30)
    ninety, thirty = held.held
    thirty()
    qtbot.waitUntil(lambda: section.table.rowCount() == 4)
    ninety()  # the slow answer to the earlier choice
    qtbot.wait(50)

    assert section.table.rowCount() == 4
    assert section.period.currentText() == "Últimos 30 días"


def test_the_staff_screen_has_a_reports_tab_that_loads_when_chosen(qtbot: QtBot) -> None:
    reports = fixture_reports()
    screen = StaffScreen(
        staff_services(reports), TaskRunner(ImmediateExecutor(), ImmediateExecutor())
    )
    qtbot.addWidget(screen)
    screen.retranslate(Texts("en"))
    assert screen.reports is not None
    assert screen.tabs.tabText(screen.tabs.indexOf(screen.reports)) == "Reports"
    screen.session = StaffSession("sofia", Role.SUPERVISOR)
    assert reports.calls == []

    screen.tabs.setCurrentWidget(screen.reports)

    assert sorted(name for name, _argument in reports.calls) == [
        "adoption", "ageing", "deliveries", "payment_delays", "sync_health", "usage",
    ]  # fmt: skip
    assert screen.reports.ageing.day.text() == "03/18/2026"
    assert cells(screen.reports.ageing.table)[1][:2] == ["MXN", "$15,000.50"]
    assert screen.reports.delays.figure.text() == "Median: 10 days (5 payments)"


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_text_of_the_tab_is_in_the_catalogue(qtbot: QtBot, language: str) -> None:
    tab = open_tab(qtbot, fixture_reports())
    tab.retranslate(Texts(language))  # draws again what is shown: a missing text fails here

    assert tab.sync_health.refresh.text() == {"es": "Actualizar", "en": "Refresh"}[language]


@pytest.mark.parametrize("language", ["es", "en"])
def test_no_text_is_cut_at_the_counter_pcs_size(qtbot: QtBot, language: str) -> None:
    tab = open_tab(qtbot, fixture_reports())
    tab.retranslate(Texts(language))

    for section in tab.sections:
        tab.scroller.ensureWidgetVisible(section)
        tab.grab()  # lays out and paints, as the screen would
        assert cut_texts(tab) == [], type(section).__name__
