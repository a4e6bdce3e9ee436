"""`kiosk report`: the dashboard's reports on the terminal, as JSON, or written as CSV."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.app.cli.arguments import Subcommands, add_json_option
from kiosk.app.cli.exit_codes import EXIT_OK
from kiosk.app.cli.json_output import to_json
from kiosk.app.cli.output_file import write_output_file
from kiosk.app.cli.text_table import columns
from kiosk.app.settings import Settings
from kiosk.app.wiring import build_services
from kiosk.domain.reports import ReportPeriod
from kiosk.language.catalogue import Texts
from kiosk.services.report_csv import (
    OVERALL,
    ReportTable,
    adoption_table,
    ageing_table,
    csv_text,
    deliveries_table,
    payment_delays_table,
    sync_health_table,
    usage_table,
)
from kiosk.services.reports import Reports

DEFAULT_DAYS = 90
STANDARD_OUTPUT = "-"

REPORTS: dict[str, Callable[[Reports, ReportPeriod], ReportTable]] = {
    "adoption": lambda reports, period: adoption_table(reports.adoption(period)),
    "deliveries": lambda reports, period: deliveries_table(reports.deliveries(period)),
    "ageing": lambda reports, period: ageing_table(reports.ageing(period.end)),
    "usage": lambda reports, period: usage_table(reports.usage(period)),
    "payments": lambda reports, period: payment_delays_table(reports.payment_delays(period)),
}
SYNC = "sync"

# The text table's heading of each CSV column, in the settings' language.
_HEADINGS = {
    "week_start": "cli_report_column_week",
    "paper": "cli_report_column_paper",
    "email": "cli_report_column_email",
    "both": "cli_report_column_both",
    "day": "cli_report_column_day",
    "channel": "cli_report_column_channel",
    "outcome": "cli_report_column_outcome",
    "count": "cli_report_column_count",
    "currency": "cli_report_column_currency",
    "current": "cli_report_column_current",
    "1_30": "cli_report_column_1_30",
    "31_60": "cli_report_column_31_60",
    "61_90": "cli_report_column_61_90",
    "over_90": "cli_report_column_over_90",
    "total": "cli_column_total",
    "lookups": "cli_report_column_lookups",
    "prints": "cli_report_column_prints",
    "emails": "cli_report_column_emails",
    "payments": "cli_report_column_payments",
    "median_days": "cli_report_column_median_days",
    "entity": "cli_report_column_entity",
    "last_success_at": "cli_report_column_last_pull",
    "last_error": "cli_report_column_last_error",
}
_WORDS = {
    "sent": "cli_report_outcome_sent",
    "failed": "cli_report_outcome_failed",
    "waiting": "cli_report_outcome_waiting",
    "email": "cli_report_channel_email",
    "paper": "cli_report_channel_paper",
    OVERALL: "cli_report_whole_period",
}
_WORDED_COLUMNS = {"channel", "outcome", "week_start"}
_HIDDEN_COLUMNS = {"pending_changes", "parked_changes"}  # said once, below the table


def add_commands(commands: Subcommands, texts: Texts) -> None:
    report = commands.add_parser("report", help=texts["cli_report_help"])
    report.add_argument("report", choices=[*REPORTS, SYNC], help=texts["cli_report_help_name"])
    metavar = texts["cli_report_metavar_date"]
    day = iso_date(texts)
    report.add_argument("--from", dest="start", type=day, metavar=metavar,
                        help=texts["cli_report_help_from"])  # fmt: skip
    report.add_argument("--to", dest="end", type=day, metavar=metavar,
                        help=texts["cli_report_help_to"])  # fmt: skip
    report.add_argument(
        "--csv", metavar=texts["cli_metavar_file"], help=texts["cli_report_help_csv"]
    )
    add_json_option(report, texts)
    report.set_defaults(handler=_report)


def iso_date(texts: Texts) -> Callable[[str], date]:
    """The type of a date argument: YYYY-MM-DD."""

    def parse(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                texts.format("cli_report_bad_date", value=repr(text))
            ) from None

    return parse


def report_period(start: date | None, end: date | None, today: date) -> ReportPeriod:
    """The days asked for; the last 90 days up to today (or up to `end`) by default."""
    last = end or today
    return ReportPeriod(start or last - timedelta(days=DEFAULT_DAYS - 1), last)


def _report(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    services = build_services(settings)
    try:
        period = report_period(args.start, args.end, services.clock.today())
        waiting = None
        if args.report == SYNC:
            health = services.reports.sync_health()
            table = sync_health_table(health)
            waiting = (health.pending_changes, health.parked_changes)
        else:
            table = REPORTS[args.report](services.reports, period)
    finally:
        services.close()
    if args.csv == STANDARD_OUTPUT:
        sys.stdout.write(csv_text(table))
        return EXIT_OK
    if args.csv:
        write_output_file(Path(args.csv), csv_text(table).encode("utf-8"), texts)
    if args.json:
        print(to_json(report_record(args.report, period, table)))
    elif args.csv:
        print(texts.format("cli_report_written", path=args.csv, rows=len(table.rows)))
    else:
        print(report_text(table, texts))
        if waiting is not None:
            print(texts.format("cli_report_changes_waiting", pending=waiting[0], parked=waiting[1]))
    return EXIT_OK


def report_record(name: str, period: ReportPeriod, table: ReportTable) -> dict[str, Any]:
    record: dict[str, Any] = {"report": name}
    if name == "ageing":
        record["on"] = period.end.isoformat()
    elif name != SYNC:
        record["from"], record["to"] = period.start.isoformat(), period.end.isoformat()
    record["rows"] = table.records()
    return record


def report_text(table: ReportTable, texts: Texts) -> str:
    if not table.rows:
        return texts["cli_report_nothing"]
    shown = [index for index, name in enumerate(table.columns) if name not in _HIDDEN_COLUMNS]
    header = tuple(texts[_HEADINGS[table.columns[index]]] for index in shown)
    rows = [
        tuple(_cell(table.columns[index], row[index], texts) for index in shown)
        for row in table.rows
    ]
    numeric = {
        position
        for position, index in enumerate(shown)
        if all(_is_number(row[index]) for row in table.rows)
    }
    return columns([header, *rows], right_aligned=numeric)


def _cell(column: str, value: object, texts: Texts) -> str:
    if value is None:
        return texts["cli_report_never"] if column == "last_success_at" else "-"
    text = str(value)
    if column in _WORDED_COLUMNS and text in _WORDS:
        return texts[_WORDS[text]]
    return text


def _is_number(value: object) -> bool:
    """A count, an exact amount, or nothing (which a number column may hold too)."""
    if value is None or isinstance(value, int):
        return True
    return isinstance(value, str) and value.lstrip("-").replace(".", "", 1).isdigit()
