"""A stamped Mexican CFDI 4.0 as its XML says it: the legal invoice or payment receipt.

Attribute names follow the SAT's Anexo 20 (in English here, the SAT's name in each comment).
Amounts are Decimals exactly as the XML writes them; the XML, not SAP, is the legal truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

SAT_VERIFICATION_PAGE = "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx"
GENERIC_RFCS = ("XAXX010101000", "XEXX010101000")
"""Público en general (domestic) and residente en el extranjero (foreign) receivers."""


class CfdiTax(NamedTuple):
    """One tax carried (traslado) or withheld (retención), per concept or in the totals."""

    tax: str  # Impuesto: 001 ISR, 002 IVA, 003 IEPS
    factor_type: str  # TipoFactor: Tasa, Cuota, Exento
    rate: Decimal | None  # TasaOCuota (none when Exento)
    base: Decimal | None  # Base (totals of withholdings carry none)
    amount: Decimal | None  # Importe (none when Exento)


class CfdiConcept(NamedTuple):
    """One line (Concepto) with its SAT keys and its own taxes."""

    product_key: str  # ClaveProdServ
    identification: str | None  # NoIdentificacion
    quantity: Decimal  # Cantidad
    unit_key: str  # ClaveUnidad
    unit: str | None  # Unidad
    description: str  # Descripcion
    unit_value: Decimal  # ValorUnitario
    amount: Decimal  # Importe
    discount: Decimal | None  # Descuento
    tax_object: str  # ObjetoImp: 01 no objeto, 02 sí objeto, 03 sí objeto no obligado ...
    transferred: tuple[CfdiTax, ...]  # Impuestos/Traslados
    withheld: tuple[CfdiTax, ...]  # Impuestos/Retenciones


@dataclass(frozen=True, slots=True)
class CfdiParty:
    """The issuer (Emisor) or the receiver (Receptor)."""

    rfc: str  # Rfc
    name: str  # Nombre
    tax_regime: str  # RegimenFiscal (receptor: RegimenFiscalReceptor)
    tax_postcode: str | None = None  # DomicilioFiscalReceptor (receiver only)
    cfdi_use: str | None = None  # UsoCFDI (receiver only)


@dataclass(frozen=True, slots=True)
class FiscalStamp:
    """The TimbreFiscalDigital 1.1 the PAC added: what makes the CFDI valid before the SAT."""

    version: str  # Version
    uuid: str  # UUID: the folio fiscal
    stamped_at: str  # FechaTimbrado, as written (AAAA-MM-DDThh:mm:ss)
    pac_rfc: str  # RfcProvCertif
    issuer_seal: str  # SelloCFD
    sat_seal: str  # SelloSAT
    sat_certificate: str  # NoCertificadoSAT
    legend: str | None = None  # Leyenda

    @property
    def original_chain(self) -> str:
        """The cadena original del complemento de certificación digital del SAT, as the SAT's
        cadenaoriginal_TFD_1_1.xslt builds it: ||Version|UUID|FechaTimbrado|RfcProvCertif|
        [Leyenda|]SelloCFD|NoCertificadoSAT||."""
        fields = [self.version, self.uuid, self.stamped_at, self.pac_rfc]
        if self.legend:
            fields.append(self.legend)
        fields += [self.issuer_seal, self.sat_certificate]
        return "||" + "|".join(fields) + "||"


class RelatedPayment(NamedTuple):
    """One invoice a payment receipt pays (Pagos 2.0 DoctoRelacionado)."""

    invoice_uuid: str  # IdDocumento
    series: str | None  # Serie
    folio: str | None  # Folio
    currency: str  # MonedaDR
    instalment: int  # NumParcialidad
    balance_before: Decimal  # ImpSaldoAnt
    paid: Decimal  # ImpPagado
    balance_after: Decimal  # ImpSaldoInsoluto


class ReceivedPayment(NamedTuple):
    """One payment (Pago) of a payment receipt, with the invoices it settles."""

    paid_at: str  # FechaPago, as written
    payment_form: str  # FormaDePagoP
    currency: str  # MonedaP
    amount: Decimal  # Monto
    invoices: tuple[RelatedPayment, ...]


@dataclass(frozen=True, slots=True)
class Cfdi:
    """A stamped CFDI: an invoice (I), credit note (E) or payment receipt (P)."""

    version: str  # Version: 4.0
    voucher_type: str  # TipoDeComprobante: I ingreso, E egreso, P pago
    series: str | None  # Serie
    folio: str | None  # Folio
    issued_at: datetime  # Fecha
    place_of_issue: str  # LugarExpedicion (a postcode)
    currency: str  # Moneda
    exchange_rate: Decimal | None  # TipoCambio
    payment_form: str | None  # FormaPago (99 por definir for PPD)
    payment_method: str | None  # MetodoPago: PUE or PPD
    export: str  # Exportacion: 01 no aplica ...
    subtotal: Decimal  # SubTotal
    discount: Decimal | None  # Descuento
    total: Decimal  # Total
    seal: str  # Sello: the issuer's seal
    certificate_number: str  # NoCertificado: the issuer's CSD
    issuer: CfdiParty
    receiver: CfdiParty
    concepts: tuple[CfdiConcept, ...]
    transferred: tuple[CfdiTax, ...]  # Impuestos/Traslados (totals by tax and rate)
    withheld: tuple[CfdiTax, ...]  # Impuestos/Retenciones
    total_transferred: Decimal | None  # TotalImpuestosTrasladados
    total_withheld: Decimal | None  # TotalImpuestosRetenidos
    stamp: FiscalStamp
    payments: tuple[ReceivedPayment, ...] = ()  # Complemento Pagos 2.0 (type P only)

    @property
    def uuid(self) -> str:
        return self.stamp.uuid

    @property
    def file_name(self) -> str:
        """<serie><folio>.xml, the name customers and their accountants expect."""
        stem = f"{self.series or ''}{self.folio or ''}" or self.uuid
        return f"{stem}.xml"

    def sat_verification_url(self) -> str:
        """The text of the SAT verification QR (Anexo 20, representación impresa)."""
        return sat_verification_url(
            uuid=self.uuid,
            issuer_rfc=self.issuer.rfc,
            receiver_rfc=self.receiver.rfc,
            total=self.total,
            seal=self.seal,
        )

    def paid_invoice_uuids(self) -> tuple[str, ...]:
        """The folios fiscales of the invoices a payment receipt pays."""
        return tuple(
            related.invoice_uuid.upper()
            for payment in self.payments
            for related in payment.invoices
        )


def sat_verification_url(
    *, uuid: str, issuer_rfc: str, receiver_rfc: str, total: Decimal, seal: str
) -> str:
    """https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=&re=&rr=&tt=&fe=

    id is the UUID, re and rr the issuer's and receiver's RFC, tt the total with six decimals
    and no padding of the integer part, fe the last eight characters of the issuer's seal
    (Comprobante/@Sello). The values go in as the SAT's example writes them, not
    percent-encoded: SAT's page and every phone reader take them that way.
    """
    amount = f"{total.quantize(Decimal('0.000001')):f}"
    return (
        f"{SAT_VERIFICATION_PAGE}?id={uuid}&re={issuer_rfc}&rr={receiver_rfc}"
        f"&tt={amount}&fe={seal[-8:]}"
    )


class UnreadableCfdi(ValueError):
    """A CFDI XML the kiosk cannot use; the message says why, for staff."""
