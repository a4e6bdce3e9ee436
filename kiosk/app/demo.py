"""`kiosk --demo`: the bundled SAP emulator in-process, a temporary cache, and a first sync."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from kiosk.app.settings import Settings
from kiosk.app.wiring import Services, build_services
from kiosk.domain.invoice import InvoiceStatus
from kiosk.domain.staff import Role
from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.demo_data import customer_code, seed_demo_company
from kiosk.sap_emulator.server import (
    DEMO_COMPANY,
    DEMO_PASSWORD,
    DEMO_USER,
    ServiceLayerEmulator,
)

DEMO_CUSTOMERS = 200
DEMO_INVOICES = 2000
DEMO_STAFF, DEMO_STAFF_PIN = "demo", "1234"


@dataclass
class Demo:
    """A running demo: stop() shuts the emulator down and deletes the temporary cache."""

    settings: Settings
    services: Services
    emulator: ServiceLayerEmulator
    hint: str
    _folder: tempfile.TemporaryDirectory[str]

    @property
    def welcome_hint(self) -> str:
        """What the welcome screen shows a visitor: a customer to try and the staff login."""
        return f"{self.hint}\nPersonal / staff: {DEMO_STAFF} · PIN {DEMO_STAFF_PIN} (Ctrl+Alt+S)"

    def stop(self) -> None:
        self.services.close()
        self.emulator.stop()
        self._folder.cleanup()


def start_demo(settings: Settings) -> Demo:
    """Start the emulator on a free loopback port, point settings at it, and sync once."""
    data = EmulatorData()
    seed_demo_company(data, customers=DEMO_CUSTOMERS, invoices=DEMO_INVOICES)
    emulator = ServiceLayerEmulator(data).start()
    folder = tempfile.TemporaryDirectory(prefix="kiosk-demo-")
    database = Path(folder.name) / "demo.sqlite3"
    demo_settings = settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"url": f"sqlite:///{database}"}),
            "sap": settings.sap.model_copy(
                update={
                    "base_url": emulator.service_root(),
                    "company_db": DEMO_COMPANY,
                    "username": DEMO_USER,
                    "password": SecretStr(DEMO_PASSWORD),
                }
            ),
        }
    )
    services = build_services(demo_settings)
    report = services.sync.run_once()
    if report.error:
        services.close()
        emulator.stop()
        folder.cleanup()
        raise RuntimeError(f"the demo's first sync failed: {report.error}")
    services.staff.add(DEMO_STAFF, Role.SUPERVISOR, DEMO_STAFF_PIN)
    return Demo(demo_settings, services, emulator, _try_this(services), folder)


def _try_this(services: Services) -> str:
    """A customer with an overdue invoice, to type in on the identify screen."""
    today = services.clock.today()
    for number in range(1, DEMO_CUSTOMERS + 1):
        code = customer_code(number)
        invoices = services.lookup.open_invoices(code)
        overdue = [i for i in invoices if i.status_on(today) is InvoiceStatus.OVERDUE]
        if len(invoices) >= 2 and overdue:
            customer = services.lookup.customer_overview(code, recent=0).customer
            return f"RFC {customer.tax_id} + {overdue[0].doc_num}"
    return ""
