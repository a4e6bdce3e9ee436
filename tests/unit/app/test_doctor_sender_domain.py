"""`kiosk doctor` on the sender's domain: SPF, DMARC, the DKIM key and MX from DNS records."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from kiosk.app.doctor import CheckResult, Outcome, check_sender_domain, run_checks
from kiosk.app.settings import SmtpSettings, load_settings
from kiosk.delivery.dkim_signer import DkimSigner
from kiosk.delivery.dns_records import DnsRecords
from kiosk.services.errors import ExternalUnavailable

SPF = "v=spf1 include:_spf.proveedor.mx ~all"
DMARC = "v=DMARC1; p=quarantine; rua=mailto:dmarc@ejemplo.mx"


class FixtureDns:
    """Answers from a table of records; a name it does not hold has none."""

    def __init__(self, records: dict[tuple[str, str], list[str]]) -> None:
        self.records = records
        self.asked: list[tuple[str, str]] = []

    def __call__(self, name: str, record_type: str) -> list[str]:
        self.asked.append((name, record_type))
        return list(self.records.get((name.lower(), record_type), []))


class SilentDns:
    def __call__(self, name: str, record_type: str) -> list[str]:
        raise ExternalUnavailable(f"DNS did not answer for {name} (LifetimeTimeout)", code="dns")


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = tmp_path_factory.mktemp("doctor") / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    return key


def smtp(**values: object) -> SmtpSettings:
    base: dict[str, object] = {
        "host": "smtp.proveedor.mx", "sender": "Facturas <facturacion@ejemplo.mx>",
        "reply_to": "cobranza@ejemplo.mx",
    }  # fmt: skip
    base.update(values)
    return SmtpSettings(**base)  # type: ignore[arg-type]


def by_name(results: list[CheckResult]) -> dict[str, CheckResult]:
    return {result.name: result for result in results}


def test_a_domain_with_everything_in_place_is_ok_on_every_line(key_file: Path):
    record = DkimSigner("kiosk", "ejemplo.mx", key_file).dns_record()
    dns = FixtureDns({
        ("ejemplo.mx", "TXT"): ["google-site-verification=abc", SPF],
        ("_dmarc.ejemplo.mx", "TXT"): [DMARC],
        ("kiosk._domainkey.ejemplo.mx", "TXT"): [record],
        ("ejemplo.mx", "MX"): ["20 mx2.proveedor.mx", "10 mx1.proveedor.mx"],
    })  # fmt: skip

    results = check_sender_domain(smtp(dkim_selector="kiosk", dkim_key_file=key_file), dns)

    assert [(r.name, r.outcome) for r in results] == [
        ("spf", Outcome.OK), ("dmarc", Outcome.OK), ("dkim", Outcome.OK), ("mx", Outcome.OK),
    ]  # fmt: skip
    lines = by_name(results)
    assert lines["spf"].detail == f"ejemplo.mx: {SPF}"
    assert lines["dmarc"].detail == f"_dmarc.ejemplo.mx: {DMARC}"
    assert lines["dkim"].detail == (
        "kiosk._domainkey.ejemplo.mx holds the public half of smtp.dkim_key_file"
    )
    assert lines["mx"].detail == "ejemplo.mx: 10 mx1.proveedor.mx, 20 mx2.proveedor.mx"


def test_what_is_missing_is_said_with_what_to_add(key_file: Path):
    results = by_name(
        check_sender_domain(smtp(dkim_selector="kiosk", dkim_key_file=key_file), FixtureDns({}))
    )

    assert results["spf"].outcome is Outcome.WARN
    assert "ejemplo.mx has no SPF record: add a TXT record on ejemplo.mx" in results["spf"].detail
    assert '"v=spf1 mx ~all"' in results["spf"].detail
    assert results["dmarc"].outcome is Outcome.WARN
    assert results["dmarc"].detail == (
        "no DMARC record at _dmarc.ejemplo.mx: add a TXT record there such as "
        '"v=DMARC1; p=none; rua=mailto:cobranza@ejemplo.mx"'
    )
    assert results["dkim"].outcome is Outcome.FAIL
    record = DkimSigner("kiosk", "ejemplo.mx", key_file).dns_record()
    assert results["dkim"].detail == (
        f'no key at kiosk._domainkey.ejemplo.mx: add a TXT record there: "{record}"'
    )
    assert results["mx"].outcome is Outcome.WARN
    assert "ejemplo.mx has no MX record" in results["mx"].detail


def test_a_published_key_that_is_not_ours_fails(key_file: Path, tmp_path: Path):
    other = tmp_path / "other.pem"
    subprocess.run(
        ["openssl", "genrsa", "-out", str(other), "2048"], check=True, capture_output=True
    )
    dns = FixtureDns({
        ("kiosk._domainkey.ejemplo.mx", "TXT"): [DkimSigner("kiosk", "x.mx", other).dns_record()],
    })  # fmt: skip

    result = by_name(check_sender_domain(smtp(dkim_selector="kiosk", dkim_key_file=key_file), dns))

    assert result["dkim"].outcome is Outcome.FAIL
    assert (
        "the key at kiosk._domainkey.ejemplo.mx is not the public half of" in result["dkim"].detail
    )
    assert DkimSigner("kiosk", "ejemplo.mx", key_file).dns_record() in result["dkim"].detail


def test_two_spf_records_fail_and_no_dkim_key_is_a_warning():
    dns = FixtureDns({("ejemplo.mx", "TXT"): [SPF, "v=spf1 mx -all"]})

    results = by_name(check_sender_domain(smtp(), dns))

    assert results["spf"].outcome is Outcome.FAIL and "2 SPF records" in results["spf"].detail
    assert results["dkim"].outcome is Outcome.WARN
    assert results["dkim"].detail.startswith("mail is not signed: set smtp.dkim_selector")
    assert not any("_domainkey" in name for name, _ in dns.asked)


def test_a_signature_of_an_unrelated_domain_is_a_warning(key_file: Path):
    signer = DkimSigner("kiosk", "envios.mx", key_file)
    dns = FixtureDns({("kiosk._domainkey.envios.mx", "TXT"): [signer.dns_record()]})
    settings = smtp(dkim_selector="kiosk", dkim_domain="envios.mx", dkim_key_file=key_file)

    result = by_name(check_sender_domain(settings, dns))["dkim"]

    assert result.outcome is Outcome.WARN and "set smtp.dkim_domain to ejemplo.mx" in result.detail


def test_dns_that_does_not_answer_is_one_clear_line():
    results = check_sender_domain(smtp(), SilentDns())

    assert results == [
        CheckResult(
            "domain", Outcome.SKIPPED,
            "could not check ejemplo.mx (SPF, DMARC, DKIM, MX): DNS did not answer for "
            "ejemplo.mx (LifetimeTimeout)",
        )
    ]  # fmt: skip


def test_the_real_resolver_with_a_nameserver_that_does_not_answer_says_so():
    # A nameserver on a loopback port nothing listens on: refused or silent, never an answer.
    lookup = DnsRecords(timeout_seconds=0.5, nameservers=("127.0.0.1",), port=9)

    with pytest.raises(ExternalUnavailable, match=r"DNS did not answer for ejemplo\.mx"):
        lookup("ejemplo.mx", "TXT")


def test_no_sender_no_check():
    [result] = check_sender_domain(smtp(sender=""), FixtureDns({}))
    assert result == CheckResult(
        "domain", Outcome.SKIPPED, "sender domain not checked (smtp.sender has no domain)"
    )


@pytest.fixture
def dns_server() -> Iterator[int]:
    """A small authoritative DNS server on loopback (UDP) holding ejemplo.mx's mail records."""
    zone = {
        ("ejemplo.mx.", dns.rdatatype.TXT): ['"v=spf1 mx " "~all"', '"otra cosa"'],
        ("_dmarc.ejemplo.mx.", dns.rdatatype.TXT): ['"v=DMARC1; p=none"'],
        ("ejemplo.mx.", dns.rdatatype.MX): ["10 mx1.ejemplo.mx."],
    }
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def answer() -> None:
        while not stop.is_set():
            try:
                wire, client = server.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            response = dns.message.make_response(query)
            question = query.question[0]
            found = zone.get((question.name.to_text().lower(), question.rdtype))
            if found:
                response.answer.append(
                    dns.rrset.from_text_list(question.name, 300, "IN", question.rdtype, found)
                )
            elif not any(name == question.name.to_text().lower() for name, _ in zone):
                response.set_rcode(dns.rcode.NXDOMAIN)
            server.sendto(response.to_wire(), client)

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_the_real_resolver_reads_txt_and_mx_from_a_dns_server(dns_server: int):
    lookup = DnsRecords(timeout_seconds=2, nameservers=("127.0.0.1",), port=dns_server)

    assert sorted(lookup("ejemplo.mx", "TXT")) == ["otra cosa", "v=spf1 mx ~all"]  # joined
    assert lookup("ejemplo.mx", "MX") == ["10 mx1.ejemplo.mx"]
    assert lookup("_dmarc.ejemplo.mx", "MX") == []  # the name exists, the type does not
    assert lookup("kiosk._domainkey.ejemplo.mx", "TXT") == []  # no such name

    results = by_name(check_sender_domain(smtp(), lookup))
    assert results["spf"].detail == "ejemplo.mx: v=spf1 mx ~all"
    assert results["dmarc"].outcome is Outcome.OK and results["mx"].outcome is Outcome.OK


def test_doctor_lists_the_domain_lines_after_the_mail_server(mail_server, monkeypatch):
    monkeypatch.setenv("KIOSK_SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("KIOSK_SMTP__PORT", str(mail_server.port))
    monkeypatch.setenv("KIOSK_SMTP__SECURITY", "none")
    monkeypatch.setenv("KIOSK_SMTP__SENDER", "facturacion@ejemplo.mx")
    dns = FixtureDns({("ejemplo.mx", "TXT"): [SPF], ("ejemplo.mx", "MX"): ["10 mx.ejemplo.mx"]})

    results = run_checks(load_settings(None), None, dns)

    names = [result.name for result in results]
    assert names[names.index("smtp") :][:5] == ["smtp", "spf", "dmarc", "dkim", "mx"]
    assert all(len(name) <= len("database") for name in names)  # the name column stays put
    assert [r.outcome for r in results if r.name in {"spf", "mx"}] == [Outcome.OK, Outcome.OK]
    assert by_name(results)["dmarc"].outcome is Outcome.WARN
