"""The CFDI reader: fixtures read to their exact values, and every bad file one clear reason."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.cfdi.xml_reader import UnreadableCfdi, read_cfdi
from kiosk.domain.cfdi import Cfdi, CfdiTax
from kiosk.domain.cfdi import UnreadableCfdi as DomainUnreadableCfdi

FIXTURES = Path(__file__).parents[2] / "fixtures" / "cfdi"

# Literal values copied from the fixtures, so expectations never come from the code under test.
INVOICE_SEAL = (
    "VPPbmLSLyh09iUn8HVSkiTp8Bz2MBa30lMpg8quQGorQxLU8l6uDAl2hb3okvb9oZQx7ZGvSr5UxzpXorEJyHSF7K"
    "NLgUzgo08nt3Dalz2D3TrlEgVDQQI18LC2SNfMXM5fK2okK9SL9h6l6MqUwzSunK4dNOzijwGXq0XBp9RWv2ujwnA"
    "c4ZU82CGQFjauVTDy8wVkACBI2ZnWp3Wslr1F2+zWRkuAQV6y5/PA7VKio5OoVRudUVZVgs80lAEwgUEHmdNnFCre"
    "ARlD/rEC5jCUW5b0S6GULEqHJS8DPN0mgV/mAXMWwQGGscdAlOwBmEi09uk2/tt8pbCfk9FQYng=="
)
INVOICE_SAT_SEAL = (
    "TzUNpPkqtSpyBx65ufHMJcpEFRRY7ewUXiMpQWHROH+NvJQxsMATj25vhMnK2IfgINl4hqJAPJPR5pXcWte63n544"
    "l2BahWeLBiSO1ar9+qN2LrneEBakHXvvy9OXh24G1+im3pDvlsMusDfRrkbq5+PV+kAk79IGRhIlCAz/sxRmocwn2"
    "ndZDgjO1HYrpxpCyrmqZUapfeleUVFwQnb3u6Kwtw5iYGf9Yswy7REX20rpulRiQ9Ps1MkybBEzUe5j9obQ5XkCrq"
    "/uF3tOFt/w6+f+WDuB6XmdqW+iv2S27RJc7+m7CqB1oq/YqxcvON49sw7107P52DiD+eSYBSbWg=="
)
WITHHOLDING_SEAL = "SG9ub3JhcmlvcyBkZSBwcnVlYmEgY29uIHJldGVuY2lvbmVzIDQuMA=="
IVA_16 = Decimal("0.160000")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def changed(name: str, old: bytes, new: bytes) -> bytes:
    """The fixture with one exact piece of it replaced (failing loudly if it is not there once)."""
    xml = fixture(name)
    assert xml.count(old) == 1, old
    return xml.replace(old, new)


def reason(xml: bytes) -> str:
    with pytest.raises(UnreadableCfdi) as caught:
        read_cfdi(xml)
    return str(caught.value)


# --- the stamped invoice (PPD) -------------------------------------------------------------


@pytest.fixture
def invoice() -> Cfdi:
    return read_cfdi(fixture("invoice_ppd.xml"))


def test_invoice_header(invoice: Cfdi):
    assert invoice.version == "4.0"
    assert invoice.voucher_type == "I"
    assert (invoice.series, invoice.folio) == ("FA", "5001")
    assert invoice.issued_at == datetime(2026, 11, 2, 10, 15, 30)
    assert invoice.issued_at.tzinfo is None
    assert invoice.place_of_issue == "64000"
    assert (invoice.currency, invoice.exchange_rate) == ("MXN", Decimal("1"))
    assert (invoice.payment_form, invoice.payment_method) == ("99", "PPD")
    assert invoice.export == "01"
    assert invoice.seal == INVOICE_SEAL
    assert invoice.certificate_number == "30001000000500003416"
    assert invoice.file_name == "FA5001.xml"
    assert invoice.payments == ()


def test_invoice_amounts_are_exact_decimals_as_written(invoice: Cfdi):
    assert str(invoice.subtotal) == "1064.22"
    assert str(invoice.discount) == "0.00"
    assert str(invoice.total) == "1234.50"
    assert str(invoice.total_transferred) == "170.28"
    assert invoice.total_withheld is None
    assert all(
        type(amount) is Decimal for amount in (invoice.subtotal, invoice.total, invoice.discount)
    )


def test_invoice_parties(invoice: Cfdi):
    assert invoice.issuer.rfc == "EKU9003173C9"
    assert invoice.issuer.name == "ESCUELA KEMPER URGATE"
    assert invoice.issuer.tax_regime == "601"
    assert (invoice.issuer.tax_postcode, invoice.issuer.cfdi_use) == (None, None)

    assert invoice.receiver.rfc == "PEGJ800101AB6"
    assert invoice.receiver.name == "JOSE PEREZ GARCIA"
    assert invoice.receiver.tax_postcode == "64010"
    assert invoice.receiver.tax_regime == "612"
    assert invoice.receiver.cfdi_use == "G03"


def test_invoice_concepts_with_their_own_taxes(invoice: Cfdi):
    laptop, installation = invoice.concepts

    assert laptop.product_key == "43211503"
    assert laptop.identification == "LAP-14"
    assert laptop.quantity == Decimal("1")
    assert (laptop.unit_key, laptop.unit) == ("H87", "Pieza")
    assert laptop.description == "Computadora portátil 14 pulgadas"
    assert (str(laptop.unit_value), str(laptop.amount)) == ("900.00", "900.00")
    assert laptop.discount is None
    assert laptop.tax_object == "02"
    assert laptop.transferred == (
        CfdiTax("002", "Tasa", IVA_16, Decimal("900.00"), Decimal("144.00")),
    )
    assert laptop.withheld == ()

    assert installation.product_key == "81112101"
    assert installation.identification is None
    assert (installation.quantity, installation.unit_key) == (Decimal("2"), "E48")
    assert installation.description == "Instalación y configuración"
    assert (str(installation.unit_value), str(installation.amount)) == ("82.11", "164.22")
    assert installation.transferred == (
        CfdiTax("002", "Tasa", IVA_16, Decimal("164.22"), Decimal("26.28")),
    )


def test_invoice_tax_totals(invoice: Cfdi):
    assert invoice.transferred == (
        CfdiTax("002", "Tasa", IVA_16, Decimal("1064.22"), Decimal("170.28")),
    )
    assert str(invoice.transferred[0].rate) == "0.160000"
    assert invoice.withheld == ()


def test_invoice_stamp_all_fields(invoice: Cfdi):
    stamp = invoice.stamp

    assert stamp.version == "1.1"
    assert stamp.uuid == "6F9A1C2E-3B4D-4E5F-8A7B-9C0D1E2F3A4B"
    assert invoice.uuid == "6F9A1C2E-3B4D-4E5F-8A7B-9C0D1E2F3A4B"
    assert stamp.stamped_at == "2026-11-02T10:16:02"
    assert stamp.pac_rfc == "SAT970701NN3"
    assert stamp.issuer_seal == INVOICE_SEAL
    assert stamp.sat_seal == INVOICE_SAT_SEAL
    assert stamp.sat_certificate == "30001000000500003456"
    assert stamp.legend is None


def test_invoice_original_chain_of_the_stamp(invoice: Cfdi):
    expected = (
        "||1.1|6F9A1C2E-3B4D-4E5F-8A7B-9C0D1E2F3A4B|2026-11-02T10:16:02|SAT970701NN3|"
        + INVOICE_SEAL
        + "|30001000000500003456||"
    )

    assert invoice.stamp.original_chain == expected


def test_invoice_sat_verification_url(invoice: Cfdi):
    expected = (
        "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
        "?id=6F9A1C2E-3B4D-4E5F-8A7B-9C0D1E2F3A4B&re=EKU9003173C9&rr=PEGJ800101AB6"
        "&tt=1234.500000&fe=9FQYng=="
    )

    assert invoice.sat_verification_url() == expected


# --- the payment receipt (Pagos 2.0) -------------------------------------------------------


@pytest.fixture
def receipt() -> Cfdi:
    return read_cfdi(fixture("payment_receipt.xml"))


def test_payment_receipt_header(receipt: Cfdi):
    assert receipt.voucher_type == "P"
    assert (receipt.series, receipt.folio) == ("CP", "801")
    assert receipt.issued_at == datetime(2026, 11, 20, 12, 0, 0)
    assert (receipt.currency, receipt.exchange_rate) == ("XXX", None)
    assert (receipt.payment_form, receipt.payment_method) == (None, None)
    assert (str(receipt.subtotal), str(receipt.total)) == ("0", "0")
    assert receipt.transferred == receipt.withheld == ()
    assert receipt.total_transferred is None
    assert receipt.receiver.cfdi_use == "CP01"
    (concept,) = receipt.concepts
    assert (concept.product_key, concept.unit_key, concept.tax_object) == ("84111506", "ACT", "01")
    assert concept.unit is None
    assert concept.transferred == ()


def test_payment_receipt_payment_and_related_invoice(receipt: Cfdi):
    (payment,) = receipt.payments

    assert payment.paid_at == "2026-11-19T17:30:00"
    assert payment.payment_form == "03"
    assert payment.currency == "MXN"
    assert str(payment.amount) == "500.00"
    (related,) = payment.invoices
    assert related.invoice_uuid == "6f9a1c2e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
    assert (related.series, related.folio) == ("FA", "5001")
    assert related.currency == "MXN"
    assert related.instalment == 1
    assert str(related.balance_before) == "1234.50"
    assert str(related.paid) == "500.00"
    assert str(related.balance_after) == "734.50"
    assert receipt.paid_invoice_uuids() == ("6F9A1C2E-3B4D-4E5F-8A7B-9C0D1E2F3A4B",)


def test_payment_receipt_stamp_and_verification(receipt: Cfdi):
    assert receipt.uuid == "0B1C2D3E-4F50-4617-8A9B-ACBDCEDFE0F1"
    assert receipt.stamp.stamped_at == "2026-11-20T12:00:41"
    assert receipt.stamp.sat_seal.startswith("hLWL4M6ukeJp3RKIj9UC")
    assert receipt.stamp.sat_seal.endswith("uZiw4b+nEo4w==")
    assert receipt.sat_verification_url() == (
        "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
        "?id=0B1C2D3E-4F50-4617-8A9B-ACBDCEDFE0F1&re=EKU9003173C9&rr=PEGJ800101AB6"
        "&tt=0.000000&fe=P82q+g=="
    )


# --- withholdings, an exempt line and a legend in the stamp --------------------------------


@pytest.fixture
def withholding() -> Cfdi:
    return read_cfdi(fixture("invoice_withholding.xml"))


def test_withholdings_and_exempt_lines(withholding: Cfdi):
    advice, book = withholding.concepts

    assert (withholding.series, withholding.folio) == (None, None)
    assert withholding.file_name == "9D8C7B6A-5F4E-4D3C-8B2A-1F0E9D8C7B6A.xml"
    assert (withholding.currency, str(withholding.exchange_rate)) == ("USD", "17.2534")
    assert withholding.discount is None
    assert advice.description == "Asesoría fiscal & contable"  # &amp; is XML, not an entity
    assert str(advice.quantity) == "1.5"
    assert str(advice.unit_value) == "6666.666667"
    assert advice.withheld == (
        CfdiTax("001", "Tasa", Decimal("0.100000"), Decimal("10000.00"), Decimal("1000.00")),
        CfdiTax("002", "Tasa", Decimal("0.106667"), Decimal("10000.00"), Decimal("1066.67")),
    )
    assert str(book.discount) == "0.00"
    assert book.transferred == (CfdiTax("002", "Exento", None, Decimal("500.00"), None),)
    assert withholding.transferred[1] == CfdiTax("002", "Exento", None, Decimal("500.00"), None)
    assert withholding.withheld == (
        CfdiTax("001", "", None, None, Decimal("1000.00")),
        CfdiTax("002", "", None, None, Decimal("1066.67")),
    )
    assert str(withholding.total_withheld) == "2066.67"
    assert str(withholding.total_transferred) == "1600.00"


def test_original_chain_carries_the_legend(withholding: Cfdi):
    expected = (
        "||1.1|9D8C7B6A-5F4E-4D3C-8B2A-1F0E9D8C7B6A|2026-12-01T08:06:30|SAT970701NN3|"
        "Leyenda de prueba|" + WITHHOLDING_SEAL + "|30001000000500003456||"
    )

    assert withholding.stamp.legend == "Leyenda de prueba"
    assert withholding.stamp.original_chain == expected


# --- hostile and broken files --------------------------------------------------------------

DTD_REFUSED = "the CFDI XML declares a DTD or entities, which are refused"


def test_the_reader_raises_the_domain_exception():
    assert UnreadableCfdi is DomainUnreadableCfdi
    assert issubclass(UnreadableCfdi, ValueError)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("billion_laughs.xml", DTD_REFUSED),
        ("external_entity.xml", DTD_REFUSED),
        (
            "wrong_namespace.xml",
            "not a CFDI 4.0: root element is {http://www.sat.gob.mx/cfd/40}Comprobante",
        ),
        ("cfdi_33.xml", "CFDI version 3.3 is not supported: only CFDI 4.0 can be read"),
        ("unstamped.xml", "the CFDI XML has no TimbreFiscalDigital: it was never stamped"),
        ("not_well_formed.xml", "the CFDI XML is not well-formed: line 3, column 20"),
        ("non_numeric_total.xml", "Total 'abc' on Comprobante is not a number"),
        ("missing_emisor_rfc.xml", "missing attribute Rfc on Emisor"),
    ],
)
def test_bad_fixture_gives_its_reason(name: str, expected: str):
    assert reason(fixture(name)) == expected


@pytest.mark.parametrize(
    ("name", "bad", "good"),
    [
        (
            "wrong_namespace.xml",
            b'"http://www.sat.gob.mx/cfd/40"',
            b'"http://www.sat.gob.mx/cfd/4"',
        ),
        ("non_numeric_total.xml", b'Total="abc"', b'Total="1234.50"'),
        ("missing_emisor_rfc.xml", b"<cfdi:Emisor ", b'<cfdi:Emisor Rfc="EKU9003173C9" '),
        ("not_well_formed.xml", b"Rfc=EKU9003173C9", b'Rfc="EKU9003173C9'),
    ],
)
def test_broken_fixture_is_the_good_invoice_but_for_one_change(name: str, bad: str, good: str):
    # So the reason seen above can only come from that change.
    assert changed(name, bad, good) == fixture("invoice_ppd.xml")


def test_unstamped_fixture_is_the_good_invoice_without_its_complement():
    assert b"<tfd:TimbreFiscalDigital" not in fixture("unstamped.xml")
    good = fixture("invoice_ppd.xml")
    complement = re.search(rb"  <cfdi:Complemento>.*</cfdi:Complemento>\n", good, re.DOTALL)
    assert complement is not None
    assert good.replace(complement.group(0), b"") == fixture("unstamped.xml")


def test_billion_laughs_is_refused_before_any_expansion():
    xml = fixture("billion_laughs.xml")

    assert b"<!ENTITY lol9" in xml
    assert reason(xml) == DTD_REFUSED


def test_an_external_entity_is_never_resolved():
    message = reason(fixture("external_entity.xml"))

    assert "root:" not in message  # /etc/passwd's first line
    assert message == DTD_REFUSED


def test_a_bare_doctype_is_refused_too():
    xml = fixture("invoice_ppd.xml").replace(
        b"?>\n", b'?>\n<!DOCTYPE cfdi:Comprobante SYSTEM "http://example.com/cfdi.dtd">\n', 1
    )

    assert reason(xml) == DTD_REFUSED


@pytest.mark.parametrize("xml", [b"", b"  \n\t ", b"\n"])
def test_empty_file(xml: bytes):
    assert reason(xml) == "the CFDI file is empty"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b'Total="1234.50"', b'Total="NaN"', "Total 'NaN' on Comprobante is not a number"),
        (b'Total="1234.50"', b'Total="1e3"', "Total '1e3' on Comprobante is not a number"),
        (
            b'Total="1234.50"',
            b'Total="1_234.50"',
            "Total '1_234.50' on Comprobante is not a number",
        ),
        (
            b'Importe="144.00"',
            b'Importe="ciento"',
            "Importe 'ciento' on Traslado is not a number",
        ),
        (b' Total="1234.50"', b"", "missing attribute Total on Comprobante"),
        (b'Rfc="PEGJ800101AB6"', b'Rfc=""', "attribute Rfc on Receptor is empty"),
        (b' UsoCFDI="G03"', b"", "missing attribute UsoCFDI on Receptor"),
        (b' ObjetoImp="02">\n      <cfdi:Impuestos>\n        <cfdi:Traslados>\n          '
         b'<cfdi:Traslado Base="164.22"',
         b'>\n      <cfdi:Impuestos>\n        <cfdi:Traslados>\n          '
         b'<cfdi:Traslado Base="164.22"',
         "missing attribute ObjetoImp on Concepto"),
        (
            b'Fecha="2026-11-02T10:15:30"',
            b'Fecha="2026-02-30T10:15:30"',
            "Fecha '2026-02-30T10:15:30' on Comprobante is not a date and time like "
            "2026-01-31T13:45:00",
        ),
        (
            b'Fecha="2026-11-02T10:15:30"',
            b'Fecha="2026-11-02 10:15:30"',
            "Fecha '2026-11-02 10:15:30' on Comprobante is not a date and time like "
            "2026-01-31T13:45:00",
        ),
        (
            b'Version="4.0" Serie',
            b'Version="4.1" Serie',
            "not a CFDI 4.0: Comprobante declares Version '4.1'",
        ),
        (
            b'tfd:TimbreFiscalDigital Version="1.1"',
            b'tfd:TimbreFiscalDigital Version="1.0"',
            "TimbreFiscalDigital version '1.0' is not supported: only 1.1 can be read",
        ),
        (
            b'  <cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" '
            b'RegimenFiscal="601"/>\n',
            b"",
            "missing element Emisor in Comprobante",
        ),
        (
            b"<cfdi:Receptor ",
            b'<cfdi:Emisor Rfc="EKU9003173C9" Nombre="X" RegimenFiscal="601"/><cfdi:Receptor ',
            "the CFDI XML has more than one Emisor in Comprobante",
        ),
        (
            b'xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital"',
            b'xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital11"',
            "the CFDI XML has no TimbreFiscalDigital: it was never stamped",
        ),
        (
            b'encoding="UTF-8"',
            b'encoding="ISO-8859-1"',
            "the CFDI XML declares encoding 'ISO-8859-1', but a CFDI is UTF-8",
        ),
        (
            "portátil".encode(),
            "portátil".encode("latin-1"),
            "the CFDI XML is not UTF-8 text: byte 1542 is not valid",
        ),
    ],
)  # fmt: skip
def test_broken_invoice_gives_its_reason(old: bytes, new: bytes, expected: str):
    assert reason(changed("invoice_ppd.xml", old, new)) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            b'NumParcialidad="1"',
            b'NumParcialidad="1.5"',
            "NumParcialidad '1.5' on DoctoRelacionado is not a whole number",
        ),
        (
            b'xmlns:pago20="http://www.sat.gob.mx/Pagos20"',
            b'xmlns:pago20="http://www.sat.gob.mx/Pagos"',
            "Pagos version 1.0 is not supported: only Pagos 2.0 can be read",
        ),
        (
            b'xmlns:pago20="http://www.sat.gob.mx/Pagos20"',
            b'xmlns:pago20="urn:somewhere-else"',
            "the payment receipt (TipoDeComprobante P) has no Pagos 2.0 complement",
        ),
        (b' Monto="500.00"', b"", "missing attribute Monto on Pago"),
        (b' MonedaDR="MXN"', b"", "missing attribute MonedaDR on DoctoRelacionado"),
    ],
)
def test_broken_payment_receipt_gives_its_reason(old: bytes, new: bytes, expected: str):
    assert reason(changed("payment_receipt.xml", old, new)) == expected


def test_a_byte_order_mark_is_fine():
    assert read_cfdi(b"\xef\xbb\xbf" + fixture("invoice_ppd.xml")).folio == "5001"


def test_a_long_bad_value_is_shortened_in_the_message():
    message = reason(changed("invoice_ppd.xml", b'Total="1234.50"', b'Total="' + b"x" * 500 + b'"'))

    assert message == f"Total '{'x' * 77}...' on Comprobante is not a number"


# --- nothing but UnreadableCfdi, whatever the bytes ----------------------------------------

GOOD_FIXTURES = ("invoice_ppd.xml", "payment_receipt.xml", "invoice_withholding.xml")
ATTRIBUTE = re.compile(rb'([A-Za-z]+)="([^"]*)"')


def read_or_refuse(xml: bytes) -> None:
    """Reading either gives a Cfdi or raises UnreadableCfdi; anything else fails the test."""
    try:
        assert isinstance(read_cfdi(xml), Cfdi)
    except UnreadableCfdi as error:
        assert str(error)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_are_refused(xml: bytes):
    with pytest.raises(UnreadableCfdi):
        read_cfdi(xml)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(GOOD_FIXTURES),
    st.lists(
        st.tuples(
            st.sampled_from(["replace", "insert", "delete"]),
            st.integers(min_value=0),
            st.integers(min_value=0, max_value=255),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_fixtures_with_mutated_bytes_are_read_or_refused(
    name: str, mutations: list[tuple[str, int, int]]
):
    xml = bytearray(fixture(name))
    for kind, position, value in mutations:
        at = position % (len(xml) + 1)
        if kind == "insert":
            xml.insert(at, value)
        elif at < len(xml) and kind == "replace":
            xml[at] = value
        elif at < len(xml):
            del xml[at]
    read_or_refuse(bytes(xml))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(GOOD_FIXTURES),
    st.integers(min_value=0),
    st.text(max_size=30) | st.from_regex(r"[ +-]?[0-9]{0,4}(\.[0-9]{0,3})?", fullmatch=True),
)
def test_fixtures_with_any_attribute_value_are_read_or_refused(name: str, index: int, value: str):
    xml = fixture(name)
    attributes = list(ATTRIBUTE.finditer(xml))
    attribute = attributes[index % len(attributes)]
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    new = escaped.encode("utf-8", "surrogatepass")
    read_or_refuse(xml[: attribute.start(2)] + new + xml[attribute.end(2) :])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(GOOD_FIXTURES), st.integers(min_value=0))
def test_fixtures_without_any_one_attribute_are_read_or_refused(name: str, index: int):
    xml = fixture(name)
    attributes = list(ATTRIBUTE.finditer(xml))
    attribute = attributes[index % len(attributes)]
    read_or_refuse(xml[: attribute.start()] + xml[attribute.end() :])
