"""A chart of a report drawn with Qt Charts: bars, stacked bars or lines, readable across a room."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCharts import (
    QAbstractAxis,
    QAbstractBarSeries,
    QAbstractSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

CHART_HEIGHT = 380
LABEL_PIXELS = 15
LEGEND_PIXELS = 16
MOST_TIME_LABELS = 9
"""Dates under a chart over time: a label under every bar of 365 would be a black smear."""
LINE_WIDTH = 3
SHORT_LINE = 60
"""Points a line may have and still show a dot at each and its full width."""
LOCALES = {
    "es": QLocale(QLocale.Language.Spanish, QLocale.Country.Mexico),
    "en": QLocale(QLocale.Language.English, QLocale.Country.UnitedStates),
}


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One series of a chart: its name in the legend, its colour, and one value per position.

    The values are floats because Qt draws in floats; the exact Decimal figures are the
    table's beneath the chart, never read back from here.
    """

    name: str
    color: str
    values: tuple[float, ...]


class ReportChart(QChartView):
    """The view of one chart; each show_* call replaces what it drew before."""

    def __init__(self, *, height: int = CHART_HEIGHT) -> None:
        chart = QChart()
        super().__init__(chart)
        self.setObjectName("report_chart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(height)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(0)
        chart.setLocalizeNumbers(True)  # 12,500 rather than 12500 on the value axis
        legend = chart.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        legend.setFont(_font(LEGEND_PIXELS))
        chart.setTitleFont(_font(LEGEND_PIXELS, bold=True))
        self.set_language("es")

    def set_language(self, language: str) -> None:
        """Numbers on the axes the way the reader writes them."""
        self.chart().setLocale(LOCALES.get(language, LOCALES["es"]))

    def show_bars(
        self,
        labels: Sequence[str],
        series: Sequence[ChartSeries],
        *,
        stacked: bool = False,
        over_time: bool = False,
        value_title: str = "",
        title: str = "",
    ) -> None:
        """One bar (or stack of bars) per label; `over_time` labels only some of them, evenly
        spaced, for a day or week axis too long to name every bar."""
        self._clear(title)
        chart = self.chart()
        bars: QAbstractBarSeries = QStackedBarSeries() if stacked else QBarSeries()
        bars.setBarWidth(0.8 if over_time else 0.6)
        for one in series:
            bar_set = QBarSet(one.name)
            bar_set.append(list(one.values))
            bar_set.setColor(QColor(one.color))
            bar_set.setBorderColor(QColor(one.color))
            bars.append(bar_set)
        chart.addSeries(bars)
        categories = QBarCategoryAxis()
        categories.append(
            [str(index) for index in range(len(labels))]
            if over_time
            else [two_lines(label) for label in labels]
        )
        categories.setLabelsFont(_font(LABEL_PIXELS))
        categories.setGridLineVisible(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        bars.attachAxis(categories)
        if over_time:
            categories.setVisible(False)
            self._time_axis(labels, bars)
        top = max(_tops(series, stacked=stacked), default=0.0)
        self._value_axis(top, value_title, bars)
        chart.legend().setVisible(len(series) > 1)

    def show_lines(
        self, labels: Sequence[str], series: Sequence[ChartSeries], *, value_title: str = ""
    ) -> None:
        """One line per series over the labels' positions (days or weeks)."""
        self._clear("")
        chart = self.chart()
        lines = []
        for one in series:
            line = QLineSeries()
            line.setName(one.name)
            line.append([QPointF(x, y) for x, y in enumerate(one.values)])
            short = len(labels) <= SHORT_LINE
            line.setPen(QPen(QColor(one.color), LINE_WIDTH if short else LINE_WIDTH - 1))
            line.setPointsVisible(short)  # dots on a short line; on a year's, a smear
            chart.addSeries(line)
            lines.append(line)
        axis = self._time_axis(labels, *lines)
        if len(labels) == 1:
            axis.setRange(-1, 1)  # one point: a line of one dot, in the middle
        self._value_axis(max(_tops(series, stacked=False), default=0.0), value_title, *lines)
        chart.legend().setVisible(len(series) > 1)

    def _clear(self, title: str) -> None:
        chart = self.chart()
        chart.setTitle(title)
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()

    def _time_axis(self, labels: Sequence[str], *series: QAbstractSeries) -> QCategoryAxis:
        """Some of the labels, at the positions they name, over bars or points at 0, 1, 2 ..."""
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setLabelsFont(_font(LABEL_PIXELS))
        axis.setGridLineVisible(False)
        axis.setRange(-0.5, len(labels) - 0.5)
        step = max(1, math.ceil(len(labels) / MOST_TIME_LABELS))
        for position in range(0, len(labels), step):
            axis.append(labels[position], position)
        self.chart().addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        for one in series:
            one.attachAxis(axis)
        return axis

    def _value_axis(self, top: float, title: str, *series: QAbstractSeries) -> QAbstractAxis:
        maximum, ticks = nice_scale(top)
        axis = QValueAxis()
        axis.setRange(0, maximum)
        axis.setTickCount(ticks)
        axis.setLabelFormat("%.0f")
        axis.setLabelsFont(_font(LABEL_PIXELS))
        if title:
            axis.setTitleText(title)
            axis.setTitleFont(_font(LABEL_PIXELS))
        self.chart().addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        for one in series:
            one.attachAxis(axis)
        return axis


def nice_scale(top: float) -> tuple[float, int]:
    """A value axis from 0 that holds `top`: its maximum and tick count, in whole steps of 1, 2
    or 5 times a power of ten, at most six of them (whole numbers: counts, days, pesos)."""
    if top <= 0:
        return 1.0, 2
    rough = top / 5
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    step = max(1.0, step)
    steps = math.ceil(top / step - 1e-9)
    return steps * step, steps + 1


def two_lines(label: str) -> str:
    """A label broken at the space nearest its middle (axis labels are rich text): "Más de 90
    días" under a narrow bar would otherwise be cut to "Más de..."."""
    spaces = [index for index, character in enumerate(label) if character == " "]
    if not spaces:
        return html.escape(label)
    middle = min(spaces, key=lambda index: abs(index - len(label) / 2))
    return f"{html.escape(label[:middle])}<br>{html.escape(label[middle + 1 :])}"


def _tops(series: Sequence[ChartSeries], *, stacked: bool) -> list[float]:
    if stacked:
        return [sum(column) for column in zip(*(one.values for one in series), strict=True)]
    return [max(one.values, default=0.0) for one in series]


def _font(pixels: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font
