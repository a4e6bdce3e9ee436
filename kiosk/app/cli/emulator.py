"""`kiosk emulator`: the bundled SAP Service Layer emulator with demo data, until Ctrl+C."""

from __future__ import annotations

import argparse
import logging

from kiosk.app.cli.arguments import Subcommands, positive_int
from kiosk.app.cli.exit_codes import EXIT_OK, EXIT_UNAVAILABLE, fail
from kiosk.app.settings import Settings
from kiosk.language.catalogue import Texts

logger = logging.getLogger(__name__)


def add_commands(commands: Subcommands, texts: Texts) -> None:
    emulator = commands.add_parser("emulator", help=texts["cli_help_emulator"])
    emulator.add_argument("--host", default="127.0.0.1", help=texts["cli_help_host"])
    emulator.add_argument("--port", type=int, default=50000, help=texts["cli_help_port"])
    emulator.add_argument("--api", choices=("v1", "v2"), default="v2", help=texts["cli_help_api"])
    emulator.add_argument("--seed", type=int, default=7, help=texts["cli_help_seed"])
    emulator.add_argument("--invoices", type=positive_int(texts), default=2000)
    emulator.add_argument("--customers", type=positive_int(texts), default=200)
    emulator.add_argument(
        "--latency-ms", type=float, default=0.0, help=texts["cli_help_latency_ms"]
    )
    emulator.add_argument(
        "--row-cost-ms", type=float, default=0.0, help=texts["cli_help_row_cost_ms"]
    )
    emulator.add_argument(
        "--max-concurrent", type=positive_int(texts), help=texts["cli_help_max_concurrent"]
    )
    emulator.set_defaults(handler=_emulator)


def _emulator(args: argparse.Namespace, settings: Settings, texts: Texts) -> int:
    from kiosk.sap_emulator.data_store import EmulatorData
    from kiosk.sap_emulator.demo_data import seed_demo_company
    from kiosk.sap_emulator.load import EmulatedLoad
    from kiosk.sap_emulator.server import (
        DEMO_COMPANY,
        DEMO_PASSWORD,
        DEMO_USER,
        ServiceLayerEmulator,
    )

    data = EmulatorData()
    seed_demo_company(data, customers=args.customers, invoices=args.invoices, seed=args.seed)
    load = EmulatedLoad(
        latency_seconds=args.latency_ms / 1000,
        row_cost_seconds=args.row_cost_ms / 1000,
        max_concurrent=args.max_concurrent,
    )
    try:
        emulator = ServiceLayerEmulator(data, host=args.host, port=args.port, load=load)
    except OSError as error:
        return fail(
            texts.format(
                "cli_cannot_listen", host=args.host, port=args.port, reason=error.strerror
            ),
            EXIT_UNAVAILABLE,
        )
    root = emulator.service_root(args.api)
    if not args.host.startswith("127.") and args.host not in ("localhost", "::1"):
        logger.warning("the emulator listens on %s with a demo login anyone can use", args.host)
    login = {"company": DEMO_COMPANY, "user": DEMO_USER, "password": DEMO_PASSWORD}
    counts = {"customers": data.count("BusinessPartners"), "invoices": data.count("Invoices")}
    environment = (
        f"KIOSK_SAP__BASE_URL={root} KIOSK_SAP__COMPANY_DB={DEMO_COMPANY}"
        f" KIOSK_SAP__USERNAME={DEMO_USER} KIOSK_SAP__PASSWORD={DEMO_PASSWORD}"
    )
    print(texts.format("cli_emulator_at", root=root), flush=True)
    print(f"  {texts.format('cli_emulator_login', **login)}")
    print(f"  {texts.format('cli_emulator_counts', **counts)}")
    print(f"  {texts.format('cli_emulator_settings', settings=environment)}")
    print(f"  {texts['cli_emulator_stop']}", flush=True)
    try:
        emulator.serve()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return EXIT_OK
