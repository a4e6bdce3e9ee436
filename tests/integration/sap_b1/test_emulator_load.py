"""The emulator's load over real HTTP: latency per request, a cost per row, a cap on requests."""

from __future__ import annotations

import threading
import time

import requests

from kiosk.sap_emulator.server import ServiceLayerEmulator

LOGIN = {"CompanyDB": "SBODEMOMX", "UserName": "manager", "Password": "manager"}


def log_in(emulator: ServiceLayerEmulator) -> str:
    login = requests.post(emulator.service_root() + "Login", json=LOGIN)
    assert login.status_code == 200
    return f"B1SESSION={login.json()['SessionId']}"


def timed_get(emulator: ServiceLayerEmulator, path: str, cookie: str, **headers: str):
    started = time.perf_counter()
    answer = requests.get(emulator.service_root() + path, headers={"Cookie": cookie, **headers})
    return answer, time.perf_counter() - started


def test_latency_is_added_to_every_request_under_the_service_root(emulator):
    emulator.load.latency_seconds = 0.1
    started = time.perf_counter()
    cookie = log_in(emulator)
    login_took = time.perf_counter() - started

    answer, took = timed_get(emulator, "Invoices(1)", cookie)
    missing, missing_took = timed_get(emulator, "Invoices(99999)", cookie)
    ping_started = time.perf_counter()
    requests.get(emulator.service_root().split("/b1s")[0] + "/ping")
    ping_took = time.perf_counter() - ping_started

    assert answer.status_code == 200 and missing.status_code == 404
    assert min(login_took, took, missing_took) >= 0.1
    assert ping_took < 0.1  # the load balancer's own ping is not the Service Layer's


def test_each_row_of_a_page_adds_its_cost(emulator):
    cookie = log_in(emulator)
    emulator.load.row_cost_seconds = 0.005

    small, small_took = timed_get(emulator, "Invoices", cookie, Prefer="odata.maxpagesize=5")
    large, large_took = timed_get(emulator, "Invoices", cookie, Prefer="odata.maxpagesize=50")

    assert len(small.json()["value"]) == 5 and len(large.json()["value"]) == 50
    assert large_took >= 50 * 0.005
    assert 0.8 * 45 * 0.005 <= large_took - small_took <= 45 * 0.005 + 0.15


def test_requests_over_the_cap_are_answered_503_by_the_load_balancer(emulator):
    cookie = log_in(emulator)
    emulator.load.latency_seconds = 0.3
    emulator.load.max_concurrent = 2
    start = threading.Barrier(3)
    answers: list[requests.Response] = []

    def fetch() -> None:
        start.wait()
        answers.append(timed_get(emulator, "Invoices(1)", cookie)[0])

    fetchers = [threading.Thread(target=fetch) for _ in range(3)]
    for fetcher in fetchers:
        fetcher.start()
    for fetcher in fetchers:
        fetcher.join(timeout=10)

    assert sorted(answer.status_code for answer in answers) == [200, 200, 503]
    refused = next(answer for answer in answers if answer.status_code == 503)
    assert "<title>503 Service Unavailable</title>" in refused.text
    assert refused.headers["Content-Type"].startswith("text/html")
    assert emulator.load.refused == 1 and emulator.load.peak_concurrent == 2
    assert timed_get(emulator, "Invoices(1)", cookie)[0].status_code == 200  # room again
