"""E-mail benchmark: queue 1,000 invoice e-mails with their PDFs and send them to an SMTP server
on loopback through the delivery service; messages/s and the share of rendering vs sending.

Run from the project root:  .venv/bin/python -m bench.email_benchmark [--messages 1000]
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from bench.figures import report
from kiosk.app.settings import load_settings
from kiosk.app.wiring import build_services
from kiosk.domain.customer import Customer
from kiosk.domain.delivery import Delivery, DeliveryChannel, DeliveryReason, DeliveryState
from tests.builders import make_invoice

RESULTS = Path(__file__).parent / "results"


@dataclass
class Sink:
    count: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        return "250 OK"


@dataclass
class Timed:
    """Wraps a callable and adds up the time spent in it."""

    inner: Any
    seconds: float = 0.0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON")
    args = parser.parse_args()
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            os.environ.update({
                "KIOSK_DATABASE__URL": f"sqlite:///{folder}/cache.sqlite3",
                "KIOSK_LOGGING__DIRECTORY": folder, "KIOSK_SMTP__HOST": "127.0.0.1",
                "KIOSK_SMTP__PORT": str(port), "KIOSK_SMTP__SECURITY": "none",
                "KIOSK_SMTP__SENDER": "facturacion@ejemplo.mx",
            })  # fmt: skip
            figures = _measure(args.messages, sink)
    finally:
        controller.stop()
    report(figures, {}, args.results / "email_benchmark.json")


def _measure(count: int, sink: Sink) -> dict[str, Any]:
    settings = load_settings(None)
    services = build_services(settings)
    services.storage.invoices.upsert_customers([Customer("C1", "Cliente de Prueba S.A. de C.V.")])
    services.storage.invoices.upsert_invoices(
        make_invoice(n, doc_num=200000 + n, customer_code="C1", due_date=date(2030, 1, 1))
        for n in range(1, count + 1)
    )
    service = services.delivery
    renderer = Timed(service._documents)
    mailer = Timed(service._mailer)
    service._documents, service._mailer = renderer, mailer
    now = services.clock.now()
    started = time.perf_counter()
    for n in range(1, count + 1):
        delivery = Delivery(
            None, n, 200000 + n, "C1", DeliveryChannel.EMAIL, DeliveryReason.REQUESTED,
            f"cliente{n}@correo.mx", DeliveryState.QUEUED, "bench", now, next_attempt_at=now,
        )  # fmt: skip
        services.storage.deliveries.add_delivery(delivery)
    queued = time.perf_counter() - started
    sent = service.send_due()
    total = time.perf_counter() - started
    if sent.sent != count or sink.count != count:
        raise SystemExit(f"sent {sent.sent}, the server received {sink.count} of {count}")
    return {
        "messages": count,
        "messages_per_second": round(count / total, 1),
        "total_seconds": round(total, 2),
        "queueing_seconds": round(queued, 2),
        "rendering_share": round(renderer.seconds / total, 2),
        "sending_share": round(mailer.seconds / total, 2),
    }


if __name__ == "__main__":
    main()
