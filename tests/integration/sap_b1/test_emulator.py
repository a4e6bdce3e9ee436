"""The emulator against the reference's checklist, with a plain HTTP client and no kiosk code."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from kiosk.sap_emulator.data_store import EmulatorData
from kiosk.sap_emulator.server import ServiceLayerEmulator
from tests.integration.sap_b1.conftest import INVOICES, NOW

LOGIN = {"CompanyDB": "SBODEMOMX", "UserName": "manager", "Password": "manager"}


class RawSession:
    """A bare requests session that logs in and sends SAP's cookies itself."""

    def __init__(self, emulator: ServiceLayerEmulator, version: str) -> None:
        self.root = emulator.service_root(version)
        self.version = version
        self.http = requests.Session()
        login = self.http.post(self.root + "Login", json=LOGIN)
        assert login.status_code == 200
        self.cookie = f"B1SESSION={login.json()['SessionId']}; ROUTEID=.node1"

    def call(
        self, method: str, path: str, *, body: Any = None, **headers: str
    ) -> requests.Response:
        headers = {"Cookie": self.cookie, **headers}
        data = json.dumps(body) if body is not None else None
        return self.http.request(method, self.root + path, data=data, headers=headers)

    def error(self, response: requests.Response) -> tuple[str, str]:
        error = response.json()["error"]
        message = error["message"]["value"] if self.version == "v1" else error["message"]
        return str(error["code"]), message


@pytest.fixture
def sl(emulator: ServiceLayerEmulator, api_version: str) -> Iterator[RawSession]:
    raw = RawSession(emulator, api_version)
    yield raw
    raw.http.close()


# --- transport and sessions --------------------------------------------------------------


def test_ping_needs_no_session(emulator):
    answer = requests.get(emulator.service_root().split("/b1s")[0] + "/ping/")

    assert answer.status_code == 200
    body = answer.json()
    assert body["message"] == "pong" and body["sender"] == "load balancer"
    assert float(body["timestamp"]) > 0


def test_login_sets_the_two_cookies_exactly(emulator, api_version):
    answer = requests.post(emulator.service_root(api_version) + "Login", json=LOGIN)

    cookies = answer.raw.headers.getlist("Set-Cookie")
    session_id = answer.json()["SessionId"]
    assert cookies == [f"B1SESSION={session_id};HttpOnly;", "ROUTEID=.node1; path=/b1s"]
    assert answer.json()["SessionTimeout"] == 30 and answer.json()["Version"] == "1000340"
    metadata = "odata.metadata" if api_version == "v1" else "@odata.context"
    suffix = "#B1Sessions/@Element" if api_version == "v1" else "#B1Sessions/$entity"
    assert answer.json()[metadata].endswith(suffix)


@pytest.mark.parametrize(
    ("credentials", "code"),
    [({**LOGIN, "Password": "x"}, -304), ({**LOGIN, "CompanyDB": "OTHER"}, -306)],
)
def test_login_failures(emulator, credentials, code):
    answer = requests.post(emulator.service_root("v1") + "Login", json=credentials)

    assert answer.status_code == 401
    assert answer.json()["error"] == {
        "code": code,
        "message": {"lang": "en-us", "value": "Fail to NONE-SSO login from SLD."},
    }


def test_paths_are_case_sensitive(emulator):
    answer = requests.post(emulator.service_root("v1") + "login", json=LOGIN)

    assert answer.status_code == 401 and answer.json()["error"]["code"] == 301


def test_missing_session_in_each_version_shape(emulator):
    v1 = requests.get(emulator.service_root("v1") + "Invoices")
    v2 = requests.get(emulator.service_root("v2") + "Invoices")

    assert v1.status_code == v2.status_code == 401
    assert v1.json() == {
        "error": {
            "code": 301,
            "message": {"lang": "en-us", "value": "Invalid session or session already timeout."},
        }
    }
    assert v2.json()["error"]["code"] == "301"
    assert v2.json()["error"]["message"] == "Invalid session or session already timeout."


def test_idle_timeout_slides_with_use(emulator, sl):
    emulator.sessions.timeout_seconds = 1.0
    for _ in range(4):
        time.sleep(0.4)  # 1.6 s in all: only sliding keeps the session alive
        assert sl.call("GET", "Invoices(1)").status_code == 200
    time.sleep(1.3)

    assert sl.call("GET", "Invoices(1)").status_code == 401


def test_logout_ends_the_session(sl):
    assert sl.call("POST", "Logout").status_code == 204
    assert sl.call("GET", "Invoices(1)").status_code == 401


def test_a_v1_session_works_on_v2(emulator):
    raw = RawSession(emulator, "v1")
    answer = raw.http.get(
        emulator.service_root("v2") + "Invoices(1)", headers={"Cookie": raw.cookie}
    )

    assert answer.status_code == 200 and "@odata.context" in answer.json()
    raw.http.close()


def test_expect_100_continue_gets_an_empty_500(emulator):
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port)
    body = json.dumps(LOGIN)
    connection.putrequest("POST", "/b1s/v1/Login")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(len(body)))
    connection.putheader("Expect", "100-continue")
    connection.endheaders()
    answer = connection.getresponse()

    assert answer.status == 500 and answer.read() == b""
    connection.close()


def test_simultaneous_logins_fail_like_saml(emulator):
    emulator.sessions.login_delay_seconds = 0.3
    statuses: list[int] = []

    def login() -> None:
        statuses.append(
            requests.post(emulator.service_root("v1") + "Login", json=LOGIN).status_code
        )

    threads = [threading.Thread(target=login) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 500, 500]


# --- reads ---------------------------------------------------------------------------------


def test_version_formats_headers_and_metadata(sl, api_version):
    answer = sl.call("GET", "Invoices(1)?$select=DocEntry,DocDate,UpdateTime,DocTotal")
    body = answer.json()

    if api_version == "v1":
        assert (
            answer.headers["Content-Type"] == "application/json;odata=minimalmetadata;charset=utf-8"
        )
        assert answer.headers["DataServiceVersion"] == "3.0"
        assert body["odata.metadata"].endswith("$metadata#Invoices/@Element")
        assert len(body["DocDate"]) == 10
    else:
        assert (
            answer.headers["Content-Type"]
            == "application/json;odata.metadata=minimal;charset=utf-8"
        )
        assert answer.headers["OData-Version"] == "4.0"
        assert body["@odata.context"].endswith("$metadata#Invoices/$entity")
        assert body["DocDate"].endswith("T00:00:00Z")
    assert len(body["UpdateTime"]) == 8 and body["UpdateTime"][2] == ":"
    assert isinstance(body["DocTotal"], float)
    assert answer.headers["ETag"].startswith('W/"')


def test_select_unknown_field_and_filter_errors(sl):
    unknown = sl.call("GET", "Invoices?$select=NoSuchField")
    bad_filter_field = sl.call("GET", "Invoices?$filter=NoSuchField eq 1")
    syntax = sl.call("GET", "Invoices?$filter=DocEntry eq")

    assert unknown.status_code == bad_filter_field.status_code == syntax.status_code == 400
    assert sl.error(unknown) == ("201", "Property 'NoSuchField' is invalid")
    assert sl.error(bad_filter_field) == ("201", "Property 'NoSuchField' is invalid")
    assert sl.error(syntax) == ("201", "Query string error - Invalid filter condition")


def test_paging_defaults_to_20_with_relative_next_links(sl, api_version):
    first = sl.call("GET", "Invoices?$select=DocEntry&$orderby=DocEntry%20desc").json()
    link_key = "odata.nextLink" if api_version == "v1" else "@odata.nextLink"

    assert len(first["value"]) == 20
    assert first[link_key] == "Invoices?$select=DocEntry&$orderby=DocEntry%20desc&$skip=20"
    second = sl.call("GET", first[link_key]).json()
    assert second["value"][0]["DocEntry"] == INVOICES - 20


def test_maxpagesize_is_applied_and_echoed_and_a_full_last_page_links_on(sl, api_version):
    link_key = "odata.nextLink" if api_version == "v1" else "@odata.nextLink"
    headers = {"Prefer": "odata.maxpagesize=60"}

    first = sl.call("GET", "Invoices?$select=DocEntry", **headers)
    second = sl.call("GET", first.json()[link_key], **headers).json()
    third = sl.call("GET", second[link_key], **headers).json()

    assert first.headers["Preference-Applied"] == "odata.maxpagesize=60"
    assert len(second["value"]) == 60 and link_key in second
    assert third["value"] == [] and link_key not in third


def test_top_is_decremented_in_the_next_link(sl, api_version):
    link_key = "odata.nextLink" if api_version == "v1" else "@odata.nextLink"

    page = sl.call("GET", "Invoices?$select=DocEntry&$top=50").json()
    within_one_page = sl.call("GET", "Invoices?$select=DocEntry&$top=5").json()

    assert page[link_key] == "Invoices?$select=DocEntry&$top=30&$skip=20"
    assert len(within_one_page["value"]) == 5 and link_key not in within_one_page


def test_count_as_text_and_inline(sl, api_version):
    count = sl.call("GET", "Invoices/$count?$filter=Cancelled eq 'tYES'")
    inline_option = "$inlinecount=allpages" if api_version == "v1" else "$count=true"
    inline = sl.call("GET", f"Invoices?$select=DocEntry&{inline_option}").json()

    assert count.headers["Content-Type"] == "text/plain"
    cancelled = int(count.text)
    assert 0 < cancelled < INVOICES
    if api_version == "v1":
        assert inline["odata.count"] == str(INVOICES)
    else:
        assert inline["@odata.count"] == INVOICES


def test_filters_with_functions_enums_and_null(sl):
    def count(expression: str) -> int:
        return int(sl.call("GET", f"BusinessPartners/$count?$filter={expression}").text)

    total = count("CardType eq 'cCustomer'")
    assert total == count("CardType eq 'C'") == 20
    assert count("startswith(CardCode,'C00001')") == 10
    assert count("substringof('S.A.',CardName)") == count("contains(CardName,'S.A.')") > 0
    assert count("U_BillingChannel eq null") + count("U_BillingChannel ne null") == total
    assert count("not (CardType eq 'C') or CardCode eq 'C000001'") == 1


def test_case_insensitive_header(sl):
    name = sl.call("GET", "BusinessPartners('C000001')?$select=CardName").json()["CardName"]
    lowered = name.lower().replace("'", "''")

    exact = sl.call("GET", f"BusinessPartners/$count?$filter=CardName eq '{lowered}'")
    folded = sl.call(
        "GET",
        f"BusinessPartners/$count?$filter=CardName eq '{lowered}'",
        **{"B1S-CaseInsensitive": "true"},
    )

    assert exact.text == "0" and int(folded.text) >= 1


def test_date_filters_ignore_time_and_time_filters_compare_minutes(emulator, sl):
    emulator.clock.freeze(NOW + timedelta(days=1, seconds=41))  # 10:30:41 the next day
    emulator.data.patch("Invoices", 1, {"Comments": "a"})
    emulator.clock.advance(10)  # 10:30:51, same minute
    emulator.data.patch("Invoices", 2, {"Comments": "b"})
    day = (NOW + timedelta(days=1)).date()

    def entries(expression: str) -> list[int]:
        answer = sl.call("GET", f"Invoices?$select=DocEntry&$filter={expression}")
        return [row["DocEntry"] for row in answer.json()["value"]]

    assert entries(f"UpdateDate eq '{day:%Y%m%d}'") == [1, 2]
    assert entries(f"UpdateDate ge datetime'{day}T23:59:59'") == [1, 2]
    same_minute = f"UpdateDate eq '{day}' and UpdateTime ge '10:30:50'"
    assert entries(same_minute) == [1, 2]  # seconds are ignored: 10:30:41 matches too
    assert entries(f"UpdateDate eq '{day}' and UpdateTime gt '1030'") == []


def test_get_by_key_forms_and_not_found(sl):
    assert sl.call("GET", "Invoices(DocEntry=3)").json()["DocEntry"] == 3
    missing = sl.call("GET", "Invoices(99999)")

    assert missing.status_code == 404
    assert sl.error(missing) == ("-2028", "No matching records found (ODBC -2028)")


def test_expand_only_declared_navigation(sl):
    expanded = sl.call("GET", "Invoices(1)?$select=DocEntry,CardCode&$expand=BusinessPartner")
    refused = sl.call("GET", "Invoices(1)?$expand=DocumentLines")

    assert expanded.json()["BusinessPartner"]["CardCode"] == expanded.json()["CardCode"]
    assert refused.status_code == 400 and sl.error(refused)[0] == "201"


# --- writes --------------------------------------------------------------------------------


def test_post_answers_201_with_location_and_etag_and_computes_totals(sl):
    body = {
        "CardCode": "C000002",
        "DocumentLines": [
            {"ItemCode": "A00001", "Quantity": 3, "UnitPrice": 33.33, "TaxCode": "IVA16"},
            {"ItemCode": "A00009", "Quantity": "2", "UnitPrice": "310", "TaxCode": "IVA0"},
        ],
    }
    answer = sl.call("POST", "Invoices", body=body)
    created = json.loads(answer.content, parse_float=Decimal)

    assert answer.status_code == 201
    assert answer.headers["Location"].endswith(f"/Invoices({created['DocEntry']})")
    assert answer.headers["ETag"] == 'W/"356A192B7913B04C54574D18C28D46E6395428AB"'
    assert [line["LineNum"] for line in created["DocumentLines"]] == [0, 1]
    assert created["VatSum"] == Decimal("16.0")  # 16 % of 99.99, rounded to cents
    assert created["DocTotal"] == Decimal("735.99")
    assert created["PaidToDate"] == 0 and created["DocumentStatus"] == "bost_Open"


def test_return_no_content(sl):
    answer = sl.call(
        "POST", "BusinessPartners", body={"CardCode": "N1", "CardName": "Nuevo"},
        Prefer="return-no-content",
    )  # fmt: skip

    assert answer.status_code == 204 and answer.content == b""
    assert answer.headers["Location"].endswith("/BusinessPartners('N1')")
    assert answer.headers["Preference-Applied"] == "return-no-content"


@pytest.mark.parametrize(
    ("path", "body", "code", "message"),
    [
        ("BusinessPartners", {"CardCode": "X1", "NoSuchField": 1}, "-1000",
         "Property 'NoSuchField' of 'BusinessPartner' is invalid"),
        ("BusinessPartners", {"CardCode": "C000001"}, "-10",
         "1320000140 - Business partner code 'C000001' already assigned to a business partner; "
         "enter a unique business partner code"),
        ("BusinessPartners", {"CardName": "Sin código"}, "-5002", "Code undefined [OCRD.CardCode]"),
        ("BusinessPartners", {"CardCode": "X2", "U_BillingChannel": "FAX"}, "-1004",
         "'FAX' is not a valid value for property 'U_BillingChannel'. The valid values are: "
         "'PAPER' - 'Paper', 'EMAIL' - 'E-mail', 'BOTH' - 'Paper and e-mail'"),
    ],
)  # fmt: skip
def test_write_errors(sl, path, body, code, message):
    answer = sl.call("POST", path, body=body)

    assert answer.status_code == 400
    assert sl.error(answer) == (code, message)


def test_patch_merges_collections_unless_replaced(sl, emulator):
    path = "BusinessPartners('C000003')"
    added = {"BPAddresses": [{"AddressName": "Bodega", "AddressType": "bo_ShipTo", "City": "León"}]}

    assert sl.call("PATCH", path, body=added).status_code == 204
    names = [
        a["AddressName"] for a in emulator.data.get("BusinessPartners", "C000003")["BPAddresses"]
    ]
    assert names == ["Fiscal", "Bodega"]

    replaced = {"BPAddresses": [{"AddressName": "Única", "City": "Puebla"}]}
    sl.call("PATCH", path, body=replaced, **{"B1S-ReplaceCollectionsOnPatch": "true"})
    names = [
        a["AddressName"] for a in emulator.data.get("BusinessPartners", "C000003")["BPAddresses"]
    ]
    assert names == ["Única"]


def test_patch_bumps_data_version_and_ignores_read_only_keys(sl, emulator):
    before = emulator.data.get("BusinessPartners", "C000005")

    sl.call("PATCH", "BusinessPartners('C000005')", body={"CardCode": "ZZZ", "Phone1": "555"})

    after = emulator.data.get("BusinessPartners", "C000005")
    assert after["Phone1"] == "555" and after["CardCode"] == "C000005"
    assert after["DataVersion"] == before["DataVersion"] + 1


def test_etags_guard_writes(sl):
    etag = sl.call("GET", "BusinessPartners('C000006')").headers["ETag"]

    stale = sl.call(
        "PATCH", "BusinessPartners('C000006')", body={"Phone1": "1"}, **{"If-Match": 'W/"0000"'}
    )
    ignored = sl.call(
        "PATCH", "BusinessPartners('C000006')", body={"Phone1": "2"}, **{"If-Match": '"0000"'}
    )
    stale_now = sl.call(
        "PATCH", "BusinessPartners('C000006')", body={"Phone1": "3"}, **{"If-Match": etag}
    )

    assert stale.status_code == 412 and sl.error(stale)[0] == "-2039"
    assert ignored.status_code == 204  # not a weak ETag: SAP ignores it
    assert stale_now.status_code == 412  # the ignored PATCH still changed DataVersion


def test_delete_rules(sl):
    assert sl.call("DELETE", "BusinessPartners('C000020')").status_code == 204
    refused = sl.call("DELETE", "Invoices(1)")
    missing = sl.call("DELETE", "BusinessPartners('NOPE')")

    assert refused.status_code == 400
    assert sl.error(refused) == ("-5006", "The requested action is not supported for this object.")
    assert missing.status_code == 404 and sl.error(missing)[0] == "-2028"


def test_payments_raise_paid_to_date_close_invoices_and_cancel_back(sl, emulator):
    data: EmulatorData = emulator.data
    invoice = next(
        r
        for r in data.query(
            "Invoices", "DocumentStatus eq 'bost_Open' and PaidToDate eq 0", [], False
        )
    )
    total = invoice["DocTotal"]
    half = (total / 2).quantize(Decimal("0.01"))
    pay = {
        "CardCode": invoice["CardCode"],
        "TransferSum": str(half),
        "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": str(half)}],
    }

    first = sl.call("POST", "IncomingPayments", body=pay)
    assert first.status_code == 201
    assert data.get("Invoices", invoice["DocEntry"])["DocumentStatus"] == "bost_Open"
    rest = str(total - half)
    pay["TransferSum"] = rest
    pay["PaymentInvoices"][0]["SumApplied"] = rest
    sl.call("POST", "IncomingPayments", body=pay)
    closed = data.get("Invoices", invoice["DocEntry"])
    assert closed["PaidToDate"] == total and closed["DocumentStatus"] == "bost_Close"
    assert closed["UpdateDate"] == invoice["UpdateDate"]  # SAP may not stamp the invoice

    cancel = sl.call("POST", f"IncomingPayments({first.json()['DocEntry']})/Cancel")
    assert cancel.status_code == 204
    reopened = data.get("Invoices", invoice["DocEntry"])
    assert reopened["DocumentStatus"] == "bost_Open" and reopened["PaidToDate"] == total - half


def test_cancel_invoice(sl, emulator):
    open_one = next(
        r
        for r in emulator.data.query("Invoices", "PaidToDate eq 0 and Cancelled eq 'N'", [], False)
    )

    answer = sl.call("POST", f"Invoices({open_one['DocEntry']})/Cancel")

    assert answer.status_code == 204
    assert emulator.data.get("Invoices", open_one["DocEntry"])["Cancelled"] == "tYES"


def test_user_fields_metadata(sl):
    rows = sl.call("GET", "UserFieldsMD").json()["value"]

    channel = next(r for r in rows if r["TableName"] == "OCRD" and r["Name"] == "BillingChannel")
    assert [v["Value"] for v in channel["ValidValuesMD"]] == ["PAPER", "EMAIL", "BOTH"]


def test_injected_faults(emulator, sl):
    emulator.faults.fail_next(r"^Invoices\(1\)", status=502, html=True)
    emulator.faults.fail_next(r"^Invoices\(2\)", status=500)

    proxy = sl.call("GET", "Invoices(1)")
    empty = sl.call("GET", "Invoices(2)")

    assert proxy.status_code == 502 and "Proxy Error" in proxy.text
    assert empty.status_code == 500 and empty.content == b""
    assert sl.call("GET", "Invoices(1)").status_code == 200  # used up


def test_demo_company_covers_every_state(emulator):
    rows = emulator.data.query("Invoices", None, [], False)
    today = NOW.date()

    paid = [r for r in rows if r["DocumentStatus"] == "bost_Close" and r["Cancelled"] == "tNO"]
    partly = [r for r in rows if r["DocumentStatus"] == "bost_Open" and r["PaidToDate"] > 0]
    overdue = [r for r in rows if r["DocumentStatus"] == "bost_Open" and r["DocDueDate"] < today]
    cancelled = [r for r in rows if r["Cancelled"] == "tYES"]
    assert paid and partly and overdue and cancelled
    assert all(r["DocTotal"] == r["DocTotal"].quantize(Decimal("0.01")) for r in rows)
    span = max(r["DocDate"] for r in rows) - min(r["DocDate"] for r in rows)
    assert span > timedelta(days=365)
    assert datetime.combine(max(r["DocDate"] for r in rows), datetime.min.time()) <= NOW
