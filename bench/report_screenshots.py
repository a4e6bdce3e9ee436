"""Pictures of the staff Reports tab over a year of demo-like figures, one PNG per chart section.

Run offscreen:  QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.report_screenshots
It lays the tab out in a 1280x800 window with the kiosk's style sheet, as staff mode shows it,
and writes reports.png (the window) and one <section>.png per report into --out.
"""

from __future__ import annotations

import argparse
import os
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QTabWidget, QVBoxLayout, QWidget

from kiosk.bundled_files import resource_path
from kiosk.domain.ageing import AgeingBucket
from kiosk.domain.reports import (
    AdoptionWeek,
    AgeingRow,
    DeliveryDay,
    EntityHealth,
    SyncHealth,
    UsageDay,
)
from kiosk.language.catalogue import Texts
from kiosk.ui.background import ImmediateExecutor, TaskRunner
from kiosk.ui.screens.staff_reports_tab import StaffReportsTab
from kiosk.ui.staff_services import StaffServices
from tests.fakes.fixed_reports import FixedReports
from tests.fakes.mutable_clock import MutableClock

TODAY = date(2026, 3, 18)
WINDOW = (1280, 800)
DAYS = 400


def demo_reports(today: date = TODAY, seed: int = 16) -> FixedReports:
    """A year and a bit of a hardware store's figures: e-mail billing catching on, busy
    weekdays, quiet Sundays, a few bounced e-mails, a balance mostly current."""
    chance = random.Random(seed)
    days = [today - timedelta(days=back) for back in range(DAYS, -1, -1)]
    first_monday = days[0] + timedelta(days=-days[0].weekday() % 7)
    weeks = []
    for index, start in enumerate(d for d in days if d >= first_monday and d.weekday() == 0):
        customers = 380 + index * 2
        share = min(0.55, 0.08 + index * 0.008)
        both = round(customers * (0.04 + index * 0.002))
        email = round(customers * share)
        weeks.append(AdoptionWeek(start, paper=customers - email - both, email=email, both=both))
    deliveries, usage, payments = [], [], []
    for day in days:
        busy = 0.25 if day.weekday() == 6 else (0.7 if day.weekday() == 5 else 1.0)
        growth = 0.6 + 0.8 * (day - days[0]).days / DAYS
        counts = {
            ("email", "sent"): round(chance.uniform(14, 30) * busy * growth),
            ("email", "failed"): chance.choice((0, 0, 0, 1, 1, 2)),
            ("paper", "sent"): round(chance.uniform(6, 14) * busy * (1.6 - growth / 2)),
            ("paper", "failed"): chance.choice((0,) * 12 + (1,)),
        }
        if (today - day).days < 3:
            counts["email", "waiting"] = chance.randint(1, 4)
            counts["paper", "waiting"] = chance.randint(2, 6)
        deliveries += [DeliveryDay(day, c, o, n) for (c, o), n in counts.items() if n]
        usage.append(
            UsageDay(
                day,
                lookups=round(chance.uniform(30, 70) * busy),
                prints=round(chance.uniform(8, 22) * busy * (1.5 - growth / 2)),
                emails=round(chance.uniform(4, 16) * busy * growth),
                payments=round(chance.uniform(2, 10) * busy),
            )
        )
        payments += [
            (day, max(0, round(chance.gauss(24 - 8 * growth, 12))))
            for _ in range(round(chance.uniform(4, 12) * busy))
        ]
    ageing = {
        today: [
            AgeingRow(
                "MXN",
                {
                    AgeingBucket.CURRENT: Decimal("1284930.55"),
                    AgeingBucket.DAYS_1_30: Decimal("412775.10"),
                    AgeingBucket.DAYS_31_60: Decimal("158210.00"),
                    AgeingBucket.DAYS_61_90: Decimal("61480.35"),
                    AgeingBucket.OVER_90: Decimal("93112.80"),
                },
            ),
            AgeingRow(
                "USD",
                {
                    AgeingBucket.CURRENT: Decimal("18450.00"),
                    AgeingBucket.DAYS_1_30: Decimal("6120.40"),
                    AgeingBucket.DAYS_31_60: Decimal("0"),
                    AgeingBucket.DAYS_61_90: Decimal("2300.00"),
                    AgeingBucket.OVER_90: Decimal("950.75"),
                },
            ),
        ]
    }
    at = datetime.combine(today, time(9, 42))
    sync = SyncHealth(
        entities=(
            EntityHealth("customers", at, None),
            EntityHealth("invoices", at + timedelta(minutes=1), None),
            EntityHealth("payments", at + timedelta(minutes=1), None),
            EntityHealth("credit_notes", at - timedelta(days=1, hours=3), None),
            EntityHealth(
                "stamped_payments",
                None,
                "SAP respondió 502 Bad Gateway a /b1s/v1/IncomingPayments (3 intentos)",
            ),
        ),
        pending_changes=7,
        parked_changes=2,
    )
    return FixedReports(
        adoption=weeks,
        deliveries=deliveries,
        ageing=ageing,
        usage=usage,
        payments=payments,
        sync=sync,
    )


def reports_window(language: str, reports: FixedReports) -> tuple[QWidget, StaffReportsTab]:
    """The tab in a window of the counter PC's size, under a tab bar as in staff mode."""
    services = StaffServices(
        staff=None,  # type: ignore[arg-type]  # the Reports tab reads only reports and clock
        lookup=None,  # type: ignore[arg-type]
        preferences=None,  # type: ignore[arg-type]
        outbox=None,  # type: ignore[arg-type]
        sync_status=None,  # type: ignore[arg-type]
        delivery=None,  # type: ignore[arg-type]
        clock=MutableClock(datetime.combine(TODAY, time(10, 0))),
        reports=reports,
    )
    texts = Texts(language)
    tab = StaffReportsTab(services, TaskRunner(ImmediateExecutor(), ImmediateExecutor()))
    tab.retranslate(texts)
    window = QWidget()
    window.setStyleSheet(resource_path("kiosk.qss").read_text(encoding="utf-8"))
    who = QLabel("sofia · supervisor")
    who.setObjectName("greeting")
    tabs = QTabWidget()
    tabs.addTab(tab, texts["report_tab_title"])
    layout = QVBoxLayout(window)
    layout.addWidget(who)
    layout.addWidget(tabs, 1)
    window.resize(*WINDOW)
    return window, tab


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/report_shots"))
    parser.add_argument("--language", default="es", choices=("es", "en"))
    parser.add_argument("--days", type=int, default=90, choices=(30, 90, 365))
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the application starts
    application = QApplication.instance() or QApplication([])
    window, tab = reports_window(args.language, demo_reports())
    window.show()
    for section in (tab.adoption, tab.deliveries, tab.usage, tab.delays):
        section.period.choose(args.days)
    tab.refresh()
    application.processEvents()
    args.out.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(args.out / f"reports_{args.language}.png"))
    names = ("adoption", "deliveries", "ageing", "usage", "delays", "sync_health")
    for name in names:
        section = getattr(tab, name)
        section.grab().save(str(args.out / f"{name}_{args.language}.png"))
    print(f"{len(names) + 1} pictures in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
