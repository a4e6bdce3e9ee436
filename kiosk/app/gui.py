"""Starting the kiosk window: the Qt application, the services behind it and the background sync."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.app.qt_libraries import missing_libraries, missing_libraries_message, uses_xcb
from kiosk.app.settings import Settings
from kiosk.app.wiring import Services, build_services, sync_schedule
from kiosk.bundled_files import resource_path
from kiosk.cfdi.rfc import check_rfc
from kiosk.language.catalogue import LANGUAGES, Texts
from kiosk.services.sync import Progress, SyncReport
from kiosk.ui.background import TaskRunner
from kiosk.ui.customer_actions import CustomerActions
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.screens.identify_screen import IdentifyScreen
from kiosk.ui.staff_services import StaffServices
from kiosk.ui.sync_driver import SyncDriver

logger = logging.getLogger(__name__)


def build_window(
    settings: Settings, services: Services, runner: TaskRunner, *, demo_hint: str = ""
) -> KioskWindow:
    """The kiosk window over the given services."""
    actions = CustomerActions(
        services.payments,
        services.delivery,
        services.documents,
        settings.printing.printer,
        disputes=services.disputes,
        statements=services.statements,
        enrolment=services.enrolment,
    )
    return KioskWindow(
        company=settings.company.name,
        language=settings.kiosk.language,
        idle_seconds=settings.kiosk.idle_timeout_seconds,
        identify=partial(IdentifyScreen, services.identification, runner),
        clock=services.clock,
        runner=runner,
        actions=actions,
        staff=StaffServices(
            services.staff,
            services.lookup,
            services.preferences,
            services.outbox,
            services.sync_status,
            services.delivery,
            services.clock,
            documents=services.documents,
            check_rfc=check_rfc,
            disputes=services.disputes,
            reports=services.reports,
        ),
        demo_hint=demo_hint,
        logo=settings.company.logo,
    )


def background_pass(services: Services) -> Callable[[Progress, bool], SyncReport]:
    """One pass of the branch's background work (`BranchWork`): push the outbox, pull changes,
    deliver new invoices, read returned mail, let old tracking events go; on a shared database
    only while this kiosk holds the sync lease."""

    def run_sync(progress: Progress, asked: bool) -> SyncReport:
        return services.branch.run(progress=progress, asked=asked).report

    return run_sync


def build_sync_driver(
    settings: Settings, services: Services, runner: TaskRunner
) -> SyncDriver | None:
    """The background sync: push the outbox, pull changes, deliver new invoices; None without
    SAP, or on a touchscreen that only reads (`sync.background` false)."""
    if not (settings.sap.is_configured and settings.sync.background):
        return None
    schedule = sync_schedule(settings.sync)
    return SyncDriver(background_pass(services), schedule, services.clock, runner)


def _no_display() -> bool:
    """True on a Linux console or SSH session, where Qt would abort instead of explaining."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def startup_error_text(message: str) -> str:
    """Before settings are read there is no language setting: say it in every one, Spanish first."""
    return "\n".join(Texts(language)["startup_error"] for language in LANGUAGES) + f"\n\n{message}"


def show_startup_error(message: str) -> None:
    """One dialog saying why the kiosk cannot start (bad settings, unreachable database ...)."""
    if _no_display() or (uses_xcb() and missing_libraries()):
        return  # the reason is already on stderr; Qt would abort without a display
    if QApplication.instance() is None:
        QApplication(sys.argv[:1])
    dialog = QMessageBox(QMessageBox.Icon.Critical, "Kiosk", startup_error_text(message))
    dialog.setObjectName("startup_error")
    dialog.exec()


def run_gui(settings: Settings, *, demo: bool = False, smoke_test: bool = False) -> int:
    """Open the kiosk full screen and run until it is closed; `smoke_test` closes it at once."""
    if _no_display():
        print(
            "kiosk: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset);"
            " run it on the desktop, or under xvfb-run",
            file=sys.stderr,
        )
        return 3
    if uses_xcb() and (missing := missing_libraries()):
        print(missing_libraries_message(missing), file=sys.stderr)
        return 3
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setWindowIcon(QIcon(str(resource_path("icons", "kiosk.png"))))
    running_demo = None
    try:
        if demo:
            from kiosk.app.demo import start_demo  # the emulator loads only for the demo

            running_demo = start_demo(settings)
            settings, services, hint = (
                running_demo.settings, running_demo.services, running_demo.welcome_hint,
            )  # fmt: skip
        else:
            services, hint = build_services(settings), ""
    except Exception as error:  # one clear dialog at start-up, never a traceback
        logger.exception("the kiosk could not start")
        if not smoke_test:
            show_startup_error(str(error))
        return 1
    runner = TaskRunner()
    window = build_window(settings, services, runner, demo_hint=hint)
    window.start_watching_input(app)
    driver = build_sync_driver(settings, services, runner)
    if driver is not None:
        window.watch_sync(driver)
        driver.start()
    gc.freeze()  # the window lives as long as the process, like start-up's imports (main.run)
    if smoke_test:
        window.show()
        QTimer.singleShot(0, app.quit)
    elif demo:
        window.resize(1280, 800)
        window.show()
    else:
        window.showFullScreen()
    code = app.exec()
    if driver is not None:
        driver.stop()
    runner.shutdown()
    if running_demo is not None:
        running_demo.stop()
    return code
