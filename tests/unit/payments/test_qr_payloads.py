"""Payment QR payloads: golden samples, exact formats, and checksums that catch every slip."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.errors import InvalidValue
from kiosk.domain.money import Money
from kiosk.domain.payment_reference import is_valid_reference, make_reference
from kiosk.domain.payment_request import PaymentRequest, RequestedInvoice
from kiosk.payments.emvco import EmvcoBuilder, EmvcoMerchant, crc16_ccitt_false, tlv, with_crc
from kiosk.payments.epc import EpcBeneficiary, EpcBuilder
from kiosk.payments.url_template import UrlTemplateBuilder

# Published static Pix sample (Banco Central do Brasil, "Manual de Padrões para Iniciação do Pix").
PIX_SAMPLE = (
    "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
)


def request(
    total: str = "1234.50", currency: str = "MXN", reference: str = "0000004253"
) -> PaymentRequest:
    money = Money.of(total, currency)
    return PaymentRequest(
        reference=reference,
        customer_code="C 01&2",
        customer_name="Peña",
        invoices=(RequestedInvoice(1, 100042, "2026-01-31", money),),
        total=money,
        created_at=datetime(2026, 11, 20, 10),
    )


def test_crc16_ccitt_false_check_value():
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_pix_sample_crc_is_reproduced():
    assert with_crc(PIX_SAMPLE[:-8]) == PIX_SAMPLE


def test_pix_sample_is_rebuilt_field_by_field():
    account = tlv("00", "br.gov.bcb.pix") + tlv("01", "123e4567-e12b-12d1-a456-426655440000")
    fields = [
        tlv("00", "01"), tlv("26", account), tlv("52", "0000"), tlv("53", "986"),
        tlv("58", "BR"), tlv("59", "Fulano de Tal"), tlv("60", "BRASILIA"),
        tlv("62", tlv("05", "***")),
    ]  # fmt: skip

    assert with_crc("".join(fields)) == PIX_SAMPLE


def test_emvco_dynamic_payload_with_amount_and_reference():
    merchant = EmvcoMerchant(
        "br.gov.bcb.pix", "chave@loja.com.br", "Loja Exemplo", "SAO PAULO", "BR"
    )

    payload = EmvcoBuilder(merchant).payload(request("10.5", "BRL", "1234567897"))

    assert payload.startswith("000201010212")
    assert "540510.50" in payload and "5303986" in payload
    assert "62140510" + "1234567897" in payload
    assert payload[-8:-4] == "6304"
    assert with_crc(payload[:-8]) == payload


def test_emvco_refuses_an_unknown_currency():
    builder = EmvcoBuilder(EmvcoMerchant("gui", "key", "Shop", "City"))

    with pytest.raises(InvalidValue, match="XAU"):
        builder.payload(request(currency="XAU"))


def test_epc_version_002_lines_in_exact_order():
    builder = EpcBuilder(EpcBeneficiary("Red Cross of Belgium", "BE72 0000 0000 1616", "bpotbeb1"))

    payload = builder.payload(request("12.34", "EUR", "0000004253"))

    assert payload == (
        "BCD\n002\n1\nSCT\nBPOTBEB1\nRed Cross of Belgium\nBE72000000001616\nEUR12.34\n\n\n"
        "0000004253 100042"
    )


def test_epc_is_for_euros_only():
    builder = EpcBuilder(EpcBeneficiary("Tienda", "DE02120300000000202051"))

    with pytest.raises(InvalidValue, match="EUR, not MXN"):
        builder.payload(request())


def test_url_template_fills_and_encodes_every_placeholder():
    builder = UrlTemplateBuilder(
        "https://pay.example.com/p/{reference}?amount={amount}&cur={currency}"
        "&inv={invoices}&c={customer}"
    )

    assert builder.payload(request()) == (
        "https://pay.example.com/p/0000004253?amount=1234.50&cur=MXN&inv=100042&c=C%2001%262"
    )


def test_url_template_refuses_unknown_placeholders():
    with pytest.raises(InvalidValue, match="unknown placeholder"):
        UrlTemplateBuilder("https://pay.example.com/{ref}")


@given(st.integers(1, 99), st.integers(1, 10**6 - 1))
def test_every_reference_validates(kiosk_number, sequence):
    reference = make_reference(kiosk_number, sequence)

    assert len(reference) == 10 and is_valid_reference(reference)


@given(st.integers(1, 99), st.integers(1, 10**6 - 1), st.integers(0, 9), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(kiosk_number, sequence, position, change):
    reference = make_reference(kiosk_number, sequence)
    wrong = (
        reference[:position]
        + str((int(reference[position]) + change) % 10)
        + reference[position + 1 :]
    )

    assert not is_valid_reference(wrong)


@given(st.integers(1, 99), st.integers(1, 10**6 - 1), st.integers(0, 8))
def test_any_swap_of_neighbours_is_caught(kiosk_number, sequence, position):
    reference = make_reference(kiosk_number, sequence)
    swapped = (
        reference[:position]
        + reference[position + 1]
        + reference[position]
        + reference[position + 2 :]
    )

    assert swapped == reference or not is_valid_reference(swapped)


@given(st.binary(max_size=64), st.integers(0, 63), st.integers(1, 255))
def test_crc_changes_when_any_byte_changes(data, position, flip):
    if not data:
        return
    position %= len(data)
    changed = data[:position] + bytes([data[position] ^ flip]) + data[position + 1 :]

    assert crc16_ccitt_false(changed) != crc16_ccitt_false(data)


def test_amounts_round_to_cents_before_they_travel():
    assert "amount=0.01" in UrlTemplateBuilder("https://x.mx/{reference}?amount={amount}").payload(
        request("0.005")
    )
    assert Decimal("0.005") != Decimal("0.01")
