"""The SAT's side of the demo company: RFC check digits, stamped CFDI 4.0 invoices and Pagos 2.0."""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

Record = Mapping[str, Any]

CFDI = "http://www.sat.gob.mx/cfd/4"
TFD = "http://www.sat.gob.mx/TimbreFiscalDigital"
PAGOS = "http://www.sat.gob.mx/Pagos20"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_SCHEMAS = {
    CFDI: "http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd",
    PAGOS: "http://www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd",
    TFD: "http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd",
}
_PREFIXES = {CFDI: "cfdi", PAGOS: "pago20", TFD: "tfd", XSI: "xsi"}

# The issuer is the SAT's test taxpayer, with the test CSD the SAT publishes for it.
ISSUER_RFC = "EKU9003173C9"
ISSUER_NAME = "ESCUELA KEMPER URGATE"
ISSUER_REGIME = "601"
PLACE_OF_ISSUE = "64000"
ISSUER_CERTIFICATE_NUMBER = "30001000000500003416"
SAT_CERTIFICATE_NUMBER = "30001000000500003456"
PAC_RFC = "SAT970701NN3"
INVOICE_SERIES = "FA"
PAYMENT_SERIES = "CP"

_RFC_VALUES = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
_CENT = Decimal("0.01")
_MILLIONTH = Decimal("0.000001")
_IMMEDIATE_FORMS = ("03", "03", "04", "01", "28")  # transfer, credit card, cash, debit card
_TO_BE_DEFINED = "99"  # the only FormaPago a PPD invoice may carry
_REGIME_SUFFIXES = (" S.A. DE C.V.", " S. DE R.L. DE C.V.", " S.C.")


class SatKeys(NamedTuple):
    """How the SAT's catalogues name an item: c_ClaveProdServ and c_ClaveUnidad."""

    product: str
    unit: str = "H87"


NOT_IN_CATALOGUE = SatKeys("01010101")
UNIT_NAMES = {"H87": "Pieza", "E48": "Unidad de servicio"}


@dataclass(frozen=True)
class Stamp:
    """The PAC's stamp on one CFDI: its folio fiscal, when it was issued and when stamped."""

    uuid: str
    issued_at: datetime
    stamped_at: datetime


class PaidInvoice(NamedTuple):
    """One stamped invoice a payment settles (part of), as its DoctoRelacionado tells it."""

    invoice: Record
    instalment: int
    balance_before: Decimal
    paid: Decimal


def rfc_check_digit(rfc_without_digit: str) -> str:
    """The SAT's check digit for an RFC's first 11 (company) or 12 (person) characters."""
    padded = rfc_without_digit.upper().rjust(12)
    total = sum(_RFC_VALUES.index(char) * (13 - place) for place, char in enumerate(padded))
    digit = 11 - total % 11
    return {11: "0", 10: "A"}.get(digit, str(digit))


def is_deferred(invoice: Record) -> bool:
    """Whether an invoice is paid later (MetodoPago PPD): it falls due after its posting date."""
    return bool(invoice["DocDueDate"] > invoice["DocDate"])


def invoice_xml(
    invoice: Record, customer: Record, stamp: Stamp, items: Mapping[str, SatKeys]
) -> bytes:
    """The stamped CFDI 4.0 of an invoice, from the very amounts SAP holds for it."""
    deferred = is_deferred(invoice)
    lines = invoice["DocumentLines"]
    seal = _seal(stamp.uuid, "CFD")
    root = _voucher(
        INVOICE_SERIES, invoice["DocNum"], stamp, seal,
        FormaPago=_TO_BE_DEFINED if deferred else _pick(_IMMEDIATE_FORMS, stamp.uuid),
        NoCertificado=ISSUER_CERTIFICATE_NUMBER, Certificado=_CERTIFICATE,
        SubTotal=_money(sum((line["LineTotal"] for line in lines), Decimal(0))),
        Moneda=invoice["DocCurrency"], TipoCambio=_number(invoice["DocRate"]),
        Total=_money(invoice["DocTotal"]), TipoDeComprobante="I", Exportacion="01",
        MetodoPago="PPD" if deferred else "PUE", LugarExpedicion=PLACE_OF_ISSUE,
    )  # fmt: skip
    _parties(root, invoice, customer, use=_pick(("G03", "G03", "G01"), invoice["CardCode"]))
    concepts = _child(root, "cfdi:Conceptos")
    for line in lines:
        keys = items.get(line.get("ItemCode") or "", NOT_IN_CATALOGUE)
        concept = _child(
            concepts, "cfdi:Concepto",
            ClaveProdServ=keys.product, NoIdentificacion=line.get("ItemCode"),
            Cantidad=_number(line["Quantity"]), ClaveUnidad=keys.unit,
            Unidad=UNIT_NAMES.get(keys.unit), Descripcion=line["ItemDescription"],
            ValorUnitario=_unit_value(line["UnitPrice"] * (1 - line["DiscountPercent"] / 100)),
            Importe=_money(line["LineTotal"]), ObjetoImp="02",
        )  # fmt: skip
        transfers = _child(_child(concept, "cfdi:Impuestos"), "cfdi:Traslados")
        traslado = _transfer("", line["LineTotal"], _tax_rate(line), line["TaxTotal"])
        _child(transfers, "cfdi:Traslado", **traslado)
    groups = _tax_groups(lines)
    taxed = [tax for rate, (_, tax) in groups.items() if rate is not None]
    taxes = _child(
        root,
        "cfdi:Impuestos",
        TotalImpuestosTrasladados=_money(sum(taxed, Decimal(0))) if taxed else None,
    )
    transfers = _child(taxes, "cfdi:Traslados")
    for rate, (base, tax) in groups.items():
        _child(transfers, "cfdi:Traslado", **_transfer("", base, rate, tax))
    return _stamped(root, stamp, seal)


def payment_xml(
    payment: Record, customer: Record, paid: Sequence[PaidInvoice], stamp: Stamp
) -> bytes:
    """The stamped CFDI de pago (type P, Complemento Pagos 2.0) of an incoming payment."""
    seal = _seal(stamp.uuid, "CFD")
    root = _voucher(
        PAYMENT_SERIES, payment["DocNum"], stamp, seal,
        NoCertificado=ISSUER_CERTIFICATE_NUMBER, Certificado=_CERTIFICATE, SubTotal="0",
        Moneda="XXX", Total="0", TipoDeComprobante="P", Exportacion="01",
        LugarExpedicion=PLACE_OF_ISSUE,
    )  # fmt: skip
    _parties(root, payment, customer, use="CP01")
    _child(
        _child(root, "cfdi:Conceptos"), "cfdi:Concepto",
        ClaveProdServ="84111506", Cantidad="1", ClaveUnidad="ACT", Descripcion="Pago",
        ValorUnitario="0", Importe="0", ObjetoImp="01",
    )  # fmt: skip
    payments = ET.Element("pago20:Pagos", Version="2.0")
    totals = _child(payments, "pago20:Totales")
    amount = payment.get("CashSum", Decimal(0)) + payment.get("TransferSum", Decimal(0))
    received = _child(
        payments, "pago20:Pago",
        # The SAT's rule when the time of a payment is not known: noon.
        FechaPago=f"{payment['DocDate'].isoformat()}T12:00:00",
        FormaDePagoP="03" if payment.get("TransferSum") else "01",
        MonedaP=payment["DocCurrency"], TipoCambioP="1", Monto=_money(amount),
    )  # fmt: skip
    paid_taxes: dict[Decimal | None, tuple[Decimal, Decimal]] = {}
    for item in paid:
        invoice = item.invoice
        related = _child(
            received, "pago20:DoctoRelacionado",
            IdDocumento=invoice["EDocNum"], Serie=INVOICE_SERIES, Folio=str(invoice["DocNum"]),
            MonedaDR=invoice["DocCurrency"], EquivalenciaDR="1",
            NumParcialidad=str(item.instalment), ImpSaldoAnt=_money(item.balance_before),
            ImpPagado=_money(item.paid), ImpSaldoInsoluto=_money(item.balance_before - item.paid),
            ObjetoImpDR="02",
        )  # fmt: skip
        transfers = _child(_child(related, "pago20:ImpuestosDR"), "pago20:TrasladosDR")
        share = item.paid / invoice["DocTotal"]
        for rate, (base, _) in _tax_groups(invoice["DocumentLines"]).items():
            base_paid = _cents(base * share)
            tax_paid = _cents(base_paid * (rate or 0))
            _child(transfers, "pago20:TrasladoDR", **_transfer("DR", base_paid, rate, tax_paid))
            base_sum, tax_sum = paid_taxes.get(rate, (Decimal(0), Decimal(0)))
            paid_taxes[rate] = (base_sum + base_paid, tax_sum + tax_paid)
    transfers = _child(_child(received, "pago20:ImpuestosP"), "pago20:TrasladosP")
    for rate, (base, tax) in paid_taxes.items():
        _child(transfers, "pago20:TrasladoP", **_transfer("P", base, rate, tax))
        if rate is None:
            totals.set("TotalTrasladosBaseIVAExento", _money(base))
        else:
            percent = f"{rate * 100:.0f}"
            totals.set(f"TotalTrasladosBaseIVA{percent}", _money(base))
            totals.set(f"TotalTrasladosImpuestoIVA{percent}", _money(tax))
    totals.set("MontoTotalPagos", _money(amount))
    return _stamped(root, stamp, seal, payments)


def _voucher(
    series: str, folio: int, stamp: Stamp, seal: str, **attributes: str | None
) -> ET.Element:
    schemas = [CFDI, *([PAGOS] if series == PAYMENT_SERIES else []), TFD]
    namespaces = {f"xmlns:{_PREFIXES[ns]}": ns for ns in (*schemas, XSI)}
    return ET.Element(
        "cfdi:Comprobante",
        _present(
            **namespaces,
            **{"xsi:schemaLocation": " ".join(f"{ns} {_SCHEMAS[ns]}" for ns in schemas)},
            Version="4.0", Serie=series, Folio=str(folio), Fecha=_moment(stamp.issued_at),
            Sello=seal, **attributes,
        ),
    )  # fmt: skip


def _parties(root: ET.Element, document: Record, customer: Record, *, use: str) -> None:
    _child(root, "cfdi:Emisor", Rfc=ISSUER_RFC, Nombre=ISSUER_NAME, RegimenFiscal=ISSUER_REGIME)
    rfc = str(document.get("FederalTaxID") or customer.get("FederalTaxID") or "")
    company = len(rfc) == 12
    regimes = ("601", "601", "601", "626") if company else ("612", "612", "626")
    _child(
        root, "cfdi:Receptor",
        Rfc=rfc, Nombre=_fiscal_name(str(document["CardName"])),
        DomicilioFiscalReceptor=customer.get("ZipCode") or PLACE_OF_ISSUE,
        RegimenFiscalReceptor=_pick(regimes, customer["CardCode"]), UsoCFDI=use,
    )  # fmt: skip


def _stamped(root: ET.Element, stamp: Stamp, seal: str, *complements: ET.Element) -> bytes:
    complement = _child(root, "cfdi:Complemento")
    complement.extend(complements)
    _child(
        complement, "tfd:TimbreFiscalDigital",
        Version="1.1", UUID=stamp.uuid, FechaTimbrado=_moment(stamp.stamped_at),
        RfcProvCertif=PAC_RFC, SelloCFD=seal, NoCertificadoSAT=SAT_CERTIFICATE_NUMBER,
        SelloSAT=_seal(stamp.uuid, "SAT"),
    )  # fmt: skip
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode").encode()


def _child(parent: ET.Element, tag: str, **attributes: str | None) -> ET.Element:
    return ET.SubElement(parent, tag, _present(**attributes))


def _present(**attributes: str | None) -> dict[str, str]:
    return {name: value for name, value in attributes.items() if value is not None}


def _transfer(
    suffix: str, base: Decimal, rate: Decimal | None, tax: Decimal
) -> dict[str, str | None]:
    """A Traslado of IVA (or TrasladoDR, TrasladoP: the suffix); exempt ones carry no amount."""
    return {
        f"Base{suffix}": _money(base),
        f"Impuesto{suffix}": "002",
        f"TipoFactor{suffix}": "Exento" if rate is None else "Tasa",
        f"TasaOCuota{suffix}": None if rate is None else f"{rate:.6f}",
        f"Importe{suffix}": None if rate is None else _money(tax),
    }


def _tax_rate(line: Record) -> Decimal | None:
    """A line's IVA rate as a fraction; None when the line is exempt."""
    if line.get("TaxCode") == "EXE":
        return None
    return Decimal(line["TaxPercentagePerRow"]) / 100


def _tax_groups(lines: Sequence[Record]) -> dict[Decimal | None, tuple[Decimal, Decimal]]:
    """Base and tax by IVA rate (None: exempt), summed from the lines' own amounts."""
    groups: dict[Decimal | None, tuple[Decimal, Decimal]] = {}
    for line in lines:
        rate = _tax_rate(line)
        base, tax = groups.get(rate, (Decimal(0), Decimal(0)))
        groups[rate] = (base + line["LineTotal"], tax + line["TaxTotal"])
    return groups


def _fiscal_name(card_name: str) -> str:
    """The name as the SAT's register holds it: upper case, without the company-type suffix."""
    name = card_name.upper()
    for suffix in _REGIME_SUFFIXES:
        name = name.removesuffix(suffix)
    return name


def _pick(choices: Sequence[str], key: str) -> str:
    return choices[_digest(key)[0] % len(choices)]


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, ROUND_HALF_UP)


def _money(value: Decimal) -> str:
    return f"{_cents(Decimal(value)):f}"


def _number(value: Decimal) -> str:
    """A quantity or rate with as many decimals as it needs, up to the SAT's six."""
    rounded = Decimal(value).quantize(_MILLIONTH, ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return text or "0"


def _unit_value(value: Decimal) -> str:
    """A unit price with two to six decimals, exact for the demo's 5 and 10 % discounts."""
    whole, _, fraction = _number(value).partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def _moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _digest(*parts: object) -> bytes:
    return hashlib.sha256(":".join(map(str, parts)).encode()).digest()


def _filler(size: int, *parts: object) -> bytes:
    """Deterministic bytes standing in for what only the SAT's keys could make."""
    block, out = _digest(*parts), b""
    while len(out) < size:
        out += block
        block = hashlib.sha256(block).digest()
    return out[:size]


def _seal(*parts: object) -> str:
    """A fake seal as long as a real one: an RSA-2048 signature, 256 bytes in base64."""
    return base64.b64encode(_filler(256, *parts)).decode()


# A DER SEQUENCE as long as the SAT's test certificate (1,460 bytes), with filler inside.
_CERTIFICATE = base64.b64encode(
    b"\x30\x82\x05\xb0" + _filler(1456, "certificate", ISSUER_CERTIFICATE_NUMBER)
).decode()
