"""The staff reports tab's sections: each a chart over a chosen period, its figures in a table."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.display_formats import format_date, format_money, format_number
from kiosk.domain.money import Money
from kiosk.domain.reports import (
    AdoptionWeek,
    AgeingRow,
    DeliveryDay,
    PaymentDelays,
    ReportPeriod,
    SyncHealth,
    UsageDay,
)
from kiosk.language.catalogue import Texts
from kiosk.ui.background import TaskRunner
from kiosk.ui.notices import notice_for
from kiosk.ui.staff_services import StoreReports
from kiosk.ui.widgets.period_selector import PeriodSelector
from kiosk.ui.widgets.report_chart import ChartSeries, ReportChart
from kiosk.ui.widgets.touch_button import TouchButton

TABLE_HEIGHT = 250
"""A table beneath a chart shows some rows and scrolls: the page stays a page of charts."""
ROW_HEIGHT = 40
MIN_COLUMN_WIDTH = 150
AGEING_CHART_HEIGHT = 320
SYNC_CHART_HEIGHT, SYNC_CHART_WIDTH = 260, 640

CHANNEL_COLOURS = {"paper": "#B9770E", "email": "#0B5394", "both": "#117A65"}
DELIVERY_COLOURS = {
    ("email", "sent"): "#1E8449",
    ("email", "failed"): "#C0392B",
    ("email", "waiting"): "#D68910",
    ("paper", "sent"): "#7DCEA0",
    ("paper", "failed"): "#F1948A",
    ("paper", "waiting"): "#F8C471",
}
"""By outcome (green, red, amber), darker for e-mail than for paper; the order of the stacks."""
OTHER_COLOUR = "#7F8C8D"
USAGE_COLOURS = {
    "lookups": "#0B5394",
    "prints": "#B9770E",
    "emails": "#117A65",
    "payments": "#6C3483",
}
AGEING_COLOUR = "#0B5394"
PENDING_COLOUR, PARKED_COLOUR = "#D68910", "#C0392B"
DELAY_COLOUR = "#0B5394"
BUCKET_KEYS = {bucket: f"report_tab_bucket_{bucket.value}" for bucket in AgeingBucket}


class ReportSection(QWidget):
    """One report: its title and choices, its chart, the same figures in a table, and a line
    for what went wrong or what there is not."""

    _texts: Texts
    chart: ReportChart

    def __init__(self, reports: StoreReports, runner: TaskRunner, today: Callable[[], date]):
        super().__init__()
        self._reports = reports
        self._runner = runner
        self._today = today
        self._asked = 0
        """The latest load; the answer to an earlier one, arriving after it, is dropped."""
        self.shown: Any = None
        """The report on screen, to draw again in another language."""
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setWordWrap(True)
        self.controls = QHBoxLayout()
        self.body = QVBoxLayout()
        self.table = figures_table()
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addLayout(self.controls)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.body)
        layout.addWidget(self.table)
        layout.addWidget(self.message)

    def retranslate(self, texts: Texts) -> None:
        self._texts = texts
        if self.shown is not None:
            self.show_report(self.shown)

    def clear(self) -> None:
        self.shown = None
        self.table.setRowCount(0)
        self.message.clear()

    def load(self) -> None:
        """Ask for the report in the background, as chosen now."""
        self._asked += 1
        asked, work = self._asked, self.work()
        self._runner.run(lambda: (asked, work()), self._arrived, self._failed)

    def work(self) -> Callable[[], Any]:
        """The service call for what is chosen now (read here, on the GUI thread)."""
        raise NotImplementedError

    def show_report(self, report: Any) -> None:
        raise NotImplementedError

    def _arrived(self, answer: tuple[int, Any]) -> None:
        asked, report = answer
        if asked != self._asked:
            return
        self.message.clear()
        self.shown = report
        self.show_report(report)

    def _failed(self, error: Exception) -> None:
        self.message.setText(notice_for(error, self._texts))


class PeriodSection(ReportSection):
    """A report over the last days chosen in a list beside its title."""

    def __init__(self, reports: StoreReports, runner: TaskRunner, today: Callable[[], date]):
        super().__init__(reports, runner, today)
        self.period = PeriodSelector()
        self.period.changed.connect(self.load)
        self.controls.addWidget(self.period)
        self.chart = ReportChart()
        self.body.addWidget(self.chart)
        self.table.setFixedHeight(TABLE_HEIGHT)
        self.asked_period = self.period.period(today())
        """The period of the report asked for last (the one shown once it arrives)."""

    def retranslate(self, texts: Texts) -> None:
        self.period.retranslate(texts)
        self.chart.set_language(texts.language)
        super().retranslate(texts)

    def work(self) -> Callable[[], Any]:
        self.asked_period = period = self.period.period(self._today())
        return lambda: (period, self.fetch(period))

    def fetch(self, period: ReportPeriod) -> Any:
        raise NotImplementedError


class AdoptionSection(PeriodSection):
    """Customers on paper, e-mail or both at the end of each week."""

    def fetch(self, period: ReportPeriod) -> list[AdoptionWeek]:
        return self._reports.adoption(period)

    def retranslate(self, texts: Texts) -> None:
        self.title.setText(texts["report_tab_adoption"])
        super().retranslate(texts)

    def show_report(self, report: tuple[ReportPeriod, list[AdoptionWeek]]) -> None:
        _period, weeks = report
        texts = self._texts
        channels = ("paper", "email", "both")
        counts = {
            "paper": [w.paper for w in weeks],
            "email": [w.email for w in weeks],
            "both": [w.both for w in weeks],
        }
        self.chart.show_bars(
            axis_dates([w.week_start for w in weeks], texts.language),
            [
                ChartSeries(texts[f"channel_{c}"], CHANNEL_COLOURS[c], floats(counts[c]))
                for c in channels
            ],
            stacked=True,
            over_time=True,
            value_title=texts["report_tab_customers"],
        )
        fill_table(
            self.table,
            [texts["report_tab_week"], *(texts[f"channel_{c}"] for c in channels)],
            [
                [
                    format_date(w.week_start, texts.language),
                    *(count(n) for n in (w.paper, w.email, w.both)),
                ]
                for w in reversed(weeks)
            ],
        )
        self.message.setText("" if weeks else texts["report_tab_nothing"])


class DeliveriesSection(PeriodSection):
    """Deliveries per day, a stack per day by channel and outcome."""

    def fetch(self, period: ReportPeriod) -> list[DeliveryDay]:
        return self._reports.deliveries(period)

    def retranslate(self, texts: Texts) -> None:
        self.title.setText(texts["report_tab_deliveries"])
        super().retranslate(texts)

    def show_report(self, report: tuple[ReportPeriod, list[DeliveryDay]]) -> None:
        period, rows = report
        texts = self._texts
        kinds = list(DELIVERY_COLOURS)
        kinds += sorted({(r.channel, r.outcome) for r in rows} - set(kinds))
        counts: dict[tuple[str, str], dict[date, int]] = {kind: {} for kind in kinds}
        for row in rows:
            per_day = counts[(row.channel, row.outcome)]
            per_day[row.day] = per_day.get(row.day, 0) + row.count
        kinds = [kind for kind in kinds if counts[kind]]  # the legend names what happened only
        days = period_days(period)
        names = {kind: self._kind_name(*kind) for kind in kinds}
        self.chart.show_bars(
            axis_dates(days, texts.language),
            [
                ChartSeries(
                    names[kind],
                    DELIVERY_COLOURS.get(kind, OTHER_COLOUR),
                    floats([counts[kind].get(day, 0) for day in days]),
                )
                for kind in kinds
            ],
            stacked=True,
            over_time=True,
            value_title=texts["report_tab_deliveries_axis"],
        )
        # A row per day and channel, a column per outcome: six columns of "E-mail: failed"
        # and the like would not fit the screen's width.
        channels = list(dict.fromkeys(channel for channel, _outcome in kinds))
        outcomes = list(dict.fromkeys(outcome for _channel, outcome in kinds))
        busy = sorted({(row.day, row.channel) for row in rows}, key=lambda b: channels.index(b[1]))
        busy.sort(key=lambda day_channel: day_channel[0], reverse=True)  # the newest on top
        fill_table(
            self.table,
            [
                texts["report_tab_day"],
                texts["staff_channel"],
                *(self._outcome(outcome).capitalize() for outcome in outcomes),
                texts["report_tab_total"],
            ],
            [
                [
                    format_date(day, texts.language),
                    self._channel(channel),
                    *(count(counts.get((channel, o), {}).get(day, 0)) for o in outcomes),
                    count(sum(counts.get((channel, o), {}).get(day, 0) for o in outcomes)),
                ]
                for day, channel in busy
            ],
            numbers_from=2,
        )
        self.message.setText("" if rows else texts["report_tab_nothing"])

    def _kind_name(self, channel: str, outcome: str) -> str:
        return self._texts.format(
            "report_tab_channel_outcome",
            channel=self._channel(channel),
            outcome=self._outcome(outcome),
        )

    def _channel(self, channel: str) -> str:
        return self._texts.get(f"channel_{channel}", channel)

    def _outcome(self, outcome: str) -> str:
        return self._texts.get(f"report_tab_outcome_{outcome}", outcome)


class UsageSection(PeriodSection):
    """Lookups, prints, e-mails and payments at the kiosks, day by day."""

    def fetch(self, period: ReportPeriod) -> list[UsageDay]:
        return self._reports.usage(period)

    def retranslate(self, texts: Texts) -> None:
        self.title.setText(texts["report_tab_usage"])
        super().retranslate(texts)

    def show_report(self, report: tuple[ReportPeriod, list[UsageDay]]) -> None:
        period, rows = report
        texts = self._texts
        actions = ("lookups", "prints", "emails", "payments")
        by_day = {row.day: row for row in rows}
        days = period_days(period)
        self.chart.show_lines(
            axis_dates(days, texts.language),
            [
                ChartSeries(
                    texts[f"report_tab_{action}"],
                    USAGE_COLOURS[action],
                    floats([getattr(by_day[d], action) if d in by_day else 0 for d in days]),
                )
                for action in actions
            ],
            value_title=texts["report_tab_times"],
        )
        fill_table(
            self.table,
            [texts["report_tab_day"], *(texts[f"report_tab_{action}"] for action in actions)],
            [
                [format_date(row.day, texts.language), *(count(getattr(row, a)) for a in actions)]
                for row in sorted(rows, key=lambda row: row.day, reverse=True)
            ],
        )
        self.message.setText("" if rows else texts["report_tab_nothing"])


class PaymentDelaysSection(PeriodSection):
    """How many days invoices waited for their payment: the median, big, and week by week."""

    def __init__(self, reports: StoreReports, runner: TaskRunner, today: Callable[[], date]):
        super().__init__(reports, runner, today)
        self.figure = QLabel()
        self.figure.setObjectName("amount")
        self.figure.setWordWrap(True)
        self.body.insertWidget(0, self.figure)

    def fetch(self, period: ReportPeriod) -> PaymentDelays:
        return self._reports.payment_delays(period)

    def retranslate(self, texts: Texts) -> None:
        self.title.setText(texts["report_tab_delays"])
        super().retranslate(texts)

    def clear(self) -> None:
        super().clear()
        self.figure.clear()

    def show_report(self, report: tuple[ReportPeriod, PaymentDelays]) -> None:
        _period, delays = report
        texts = self._texts
        self.figure.setText(
            texts["report_tab_no_payments"]
            if delays.median_days is None
            else texts.format(
                "report_tab_median",
                days=format_number(delays.median_days),
                payments=count(delays.payments),
            )
        )
        weeks = delays.weeks
        self.chart.show_lines(
            axis_dates([w.week_start for w in weeks], texts.language),
            [
                ChartSeries(
                    texts["report_tab_median_days"],
                    DELAY_COLOUR,
                    floats([w.median_days for w in weeks]),
                )
            ],
            value_title=texts["report_tab_days_axis"],
        )
        fill_table(
            self.table,
            [
                texts["report_tab_week"],
                texts["report_tab_payments"],
                texts["report_tab_median_days"],
            ],
            [
                [
                    format_date(w.week_start, texts.language),
                    count(w.payments),
                    format_number(w.median_days),
                ]
                for w in reversed(weeks)
            ],
        )


class AgeingSection(ReportSection):
    """What customers owe on a day, by how late it is: a chart per currency."""

    def __init__(self, reports: StoreReports, runner: TaskRunner, today: Callable[[], date]):
        super().__init__(reports, runner, today)
        self.day_chosen = False
        """True once someone picked a day; until then the report is as of today."""
        self.on_label = QLabel()
        self.day = QDateEdit()
        self.day.setObjectName("ageing_day")
        self.day.setCalendarPopup(True)
        self.day.setMinimumHeight(56)
        self.day.dateChanged.connect(self._day_changed)
        self.controls.addWidget(self.on_label)
        self.controls.addWidget(self.day)
        self.chart_row = QHBoxLayout()
        self.body.addLayout(self.chart_row)
        self.charts: dict[str, ReportChart] = {}
        """One chart per currency, in the order of the report's rows."""
        self._set_day(today())
        self.asked_day = today()

    def retranslate(self, texts: Texts) -> None:
        self.title.setText(texts["report_tab_ageing"])
        self.on_label.setText(texts["report_tab_ageing_on"])
        self.day.setDisplayFormat("dd/MM/yyyy" if texts.language == "es" else "MM/dd/yyyy")
        super().retranslate(texts)

    def clear(self) -> None:
        super().clear()
        self.day_chosen = False

    def choose_day(self, day: date) -> None:
        """Pick the day the report is as of, as a person would in the date field."""
        self.day.setDate(QDate(day.year, day.month, day.day))

    def work(self) -> Callable[[], Any]:
        if not self.day_chosen:
            self._set_day(self._today())
        chosen = self.day.date()
        self.asked_day = on = date(chosen.year(), chosen.month(), chosen.day())
        return lambda: self._reports.ageing(on)

    def show_report(self, rows: list[AgeingRow]) -> None:
        texts = self._texts
        for chart in self.charts.values():
            self.chart_row.removeWidget(chart)
            chart.deleteLater()
        self.charts = {}
        buckets = list(AgeingBucket)
        labels = [texts[BUCKET_KEYS[b]] for b in buckets]
        for row in rows:
            chart = ReportChart(height=AGEING_CHART_HEIGHT)
            chart.set_language(texts.language)
            chart.show_bars(
                labels,
                [
                    ChartSeries(
                        row.currency,
                        AGEING_COLOUR,
                        floats([row.amounts.get(b, Decimal(0)) for b in buckets]),
                    )
                ],
                value_title=row.currency,
                title=texts.format(
                    "report_tab_ageing_total",
                    currency=row.currency,
                    total=format_money(Money(row.total, row.currency)),
                ),
            )
            self.chart_row.addWidget(chart)
            self.charts[row.currency] = chart
        fill_table(
            self.table,
            [texts["report_tab_currency"], *labels, texts["report_tab_total"]],
            [
                [
                    row.currency,
                    *(money(row.amounts.get(b, Decimal(0)), row.currency) for b in buckets),
                    money(row.total, row.currency),
                ]
                for row in rows
            ],
        )
        fit_rows(self.table)
        self.message.setText("" if rows else texts["report_tab_no_balance"])

    def _set_day(self, day: date) -> None:
        self.day.blockSignals(True)
        self.day.setDate(QDate(day.year, day.month, day.day))
        self.day.blockSignals(False)

    def _day_changed(self, _day: QDate) -> None:
        self.day_chosen = True
        self.load()


class SyncHealthSection(ReportSection):
    """The last pull of each SAP entity, and the changes waiting for SAP or parked by it."""

    def __init__(self, reports: StoreReports, runner: TaskRunner, today: Callable[[], date]):
        super().__init__(reports, runner, today)
        self.refresh = TouchButton("")
        self.refresh.clicked.connect(self.load)
        self.controls.addWidget(self.refresh)
        self.chart = ReportChart(height=SYNC_CHART_HEIGHT)
        self.chart.setMaximumWidth(SYNC_CHART_WIDTH)  # two bars: wider, they would be slabs
        self.body.addWidget(self.chart)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)

    def retranslate(self, texts: Texts) -> None:
        self.title.setText(texts["report_tab_sync"])
        self.refresh.setText(texts["report_tab_refresh"])
        self.chart.set_language(texts.language)
        super().retranslate(texts)

    def work(self) -> Callable[[], Any]:
        return self._reports.sync_health

    def show_report(self, health: SyncHealth) -> None:
        texts = self._texts
        self.chart.show_bars(
            [texts["report_tab_changes"]],
            [
                ChartSeries(
                    texts.format("report_tab_pending", count=count(health.pending_changes)),
                    PENDING_COLOUR,
                    (float(health.pending_changes),),
                ),
                ChartSeries(
                    texts.format("report_tab_parked", count=count(health.parked_changes)),
                    PARKED_COLOUR,
                    (float(health.parked_changes),),
                ),
            ],
        )
        fill_table(
            self.table,
            [
                texts["report_tab_entity"],
                texts["report_tab_last_pull"],
                texts["report_tab_last_error"],
            ],
            [
                [
                    texts.get(f"entity_{e.entity}", e.entity).capitalize(),
                    moment(e.last_success_at, texts) if e.last_success_at else texts["staff_never"],
                    e.last_error or "",
                ]
                for e in health.entities
            ],
            numbers_from=None,
        )
        stretched = QHeaderView.ResizeMode.Stretch  # what SAP said last: the rest, wrapped
        self.table.horizontalHeader().setSectionResizeMode(2, stretched)
        fit_rows(self.table)


def figures_table() -> QTableWidget:
    """A read-only table of a report's figures, every column as wide as it needs."""
    table = QTableWidget(0, 0)
    table.setObjectName("figures")
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(MIN_COLUMN_WIDTH)  # figures in columns of one width, mostly
    return table


def fill_table(
    table: QTableWidget,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numbers_from: int | None = 1,
) -> None:
    """The headers and rows as given; columns from `numbers_from` on are figures, set right."""
    table.clearContents()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setRowCount(len(rows))
    for row, cells in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if numbers_from is not None and column >= numbers_from:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, column, item)


def fit_rows(table: QTableWidget) -> None:
    """A short table as high as its rows: no scrolling for a handful of lines."""
    table.resizeRowsToContents()
    rows = sum(table.rowHeight(row) for row in range(table.rowCount()))
    frame = 2 * table.frameWidth()
    table.setFixedHeight(
        table.horizontalHeader().sizeHint().height() + max(rows, ROW_HEIGHT) + frame
    )


def period_days(period: ReportPeriod) -> list[date]:
    return [
        period.start + timedelta(days=offset)
        for offset in range((period.end - period.start).days + 1)
    ]


def axis_dates(days: Sequence[date], language: str) -> list[str]:
    """Short dates under a chart: day and month, and the year too where the span crosses one."""
    crosses = len({day.year for day in days}) > 1
    pattern = {"es": "%d/%m", "en": "%m/%d"}.get(language, "%d/%m") + ("/%y" if crosses else "")
    return [day.strftime(pattern) for day in days]


def floats(values: Sequence[Any]) -> tuple[float, ...]:
    """What a chart draws (Qt draws in floats; the table shows the exact figures)."""
    return tuple(float(value) for value in values)


def count(number: int) -> str:
    return f"{number:,}"


def money(amount: Decimal, currency: str) -> str:
    return format_money(Money(amount, currency))


def moment(when: datetime, texts: Texts) -> str:
    return f"{format_date(when.date(), texts.language)} {when:%H:%M}"
