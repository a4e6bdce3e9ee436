"""Reads a stamped CFDI 4.0 XML into the domain's `Cfdi`, refusing DTDs, entities and guesses."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import NoReturn
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import fromstring  # type: ignore[import-untyped]

from kiosk.domain.cfdi import (
    Cfdi,
    CfdiConcept,
    CfdiParty,
    CfdiTax,
    FiscalStamp,
    ReceivedPayment,
    RelatedPayment,
    UnreadableCfdi,
)

__all__ = ["UnreadableCfdi", "read_cfdi"]

CFDI_40 = "http://www.sat.gob.mx/cfd/4"
CFDI_33 = "http://www.sat.gob.mx/cfd/3"
TIMBRE = "http://www.sat.gob.mx/TimbreFiscalDigital"
PAGOS_20 = "http://www.sat.gob.mx/Pagos20"
PAGOS_10 = "http://www.sat.gob.mx/Pagos"

# xs:decimal as the SAT's schemas write it; Decimal() alone would also take NaN, 1e3 and 1_000.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_WHOLE = re.compile(r"[0-9]+")
_DATE_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
_DECLARED_ENCODING = re.compile(r"""<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_SHOWN = 80


def read_cfdi(xml: bytes) -> Cfdi:
    """The CFDI 4.0 this stamped XML holds; raises `UnreadableCfdi` saying why it cannot."""
    comprobante = _Node(_parse(xml))
    _check_version(comprobante)
    voucher_type = comprobante.text("TipoDeComprobante")
    impuestos = comprobante.optional_child(CFDI_40, "Impuestos")
    complemento = comprobante.optional_child(CFDI_40, "Complemento")
    return Cfdi(
        version=comprobante.text("Version"),
        voucher_type=voucher_type,
        series=comprobante.optional_text("Serie"),
        folio=comprobante.optional_text("Folio"),
        issued_at=comprobante.date_time("Fecha"),
        place_of_issue=comprobante.text("LugarExpedicion"),
        currency=comprobante.text("Moneda"),
        exchange_rate=comprobante.optional_decimal("TipoCambio"),
        payment_form=comprobante.optional_text("FormaPago"),
        payment_method=comprobante.optional_text("MetodoPago"),
        export=comprobante.text("Exportacion"),
        subtotal=comprobante.decimal("SubTotal"),
        discount=comprobante.optional_decimal("Descuento"),
        total=comprobante.decimal("Total"),
        seal=comprobante.text("Sello"),
        certificate_number=comprobante.text("NoCertificado"),
        issuer=_issuer(comprobante.child(CFDI_40, "Emisor")),
        receiver=_receiver(comprobante.child(CFDI_40, "Receptor")),
        concepts=tuple(
            _concept(concepto)
            for concepto in comprobante.child(CFDI_40, "Conceptos").children(
                CFDI_40, "Concepto", at_least_one=True
            )
        ),
        transferred=_taxes(impuestos, "Traslados", "Traslado", _transferred_tax),
        withheld=_taxes(impuestos, "Retenciones", "Retencion", _total_withheld_tax),
        total_transferred=_tax_total(impuestos, "TotalImpuestosTrasladados"),
        total_withheld=_tax_total(impuestos, "TotalImpuestosRetenidos"),
        stamp=_stamp(complemento),
        payments=_payments(complemento) if voucher_type == "P" else (),
    )


def _parse(xml: bytes) -> Element:
    if not xml.strip():
        raise UnreadableCfdi("the CFDI file is empty")
    try:
        text = xml.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableCfdi(
            f"the CFDI XML is not UTF-8 text: byte {error.start + 1} is not valid"
        ) from None
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).lower() not in ("utf-8", "utf8"):
        raise UnreadableCfdi(
            f"the CFDI XML declares encoding {_shown(declared.group(1))}, but a CFDI is UTF-8"
        )
    try:
        # Parsing text, not bytes, keeps Python's codec machinery (which a declared encoding
        # would select) out of reach of the file.
        root: Element = fromstring(
            text, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise UnreadableCfdi("the CFDI XML declares a DTD or entities, which are refused") from None
    except ParseError as error:
        line, column = error.position
        # expat counts columns from 0; editors, where staff would look, count from 1.
        raise UnreadableCfdi(
            f"the CFDI XML is not well-formed: line {line}, column {column + 1}"
        ) from None
    if root.tag == f"{{{CFDI_33}}}Comprobante":
        raise UnreadableCfdi("CFDI version 3.3 is not supported: only CFDI 4.0 can be read")
    if root.tag != f"{{{CFDI_40}}}Comprobante":
        raise UnreadableCfdi(f"not a CFDI 4.0: root element is {_clip(root.tag)}")
    return root


def _check_version(comprobante: _Node) -> None:
    version = comprobante.text("Version")
    if version != "4.0":
        raise UnreadableCfdi(f"not a CFDI 4.0: Comprobante declares Version {_shown(version)}")


def _issuer(emisor: _Node) -> CfdiParty:
    return CfdiParty(
        rfc=emisor.text("Rfc"),
        name=emisor.text("Nombre"),
        tax_regime=emisor.text("RegimenFiscal"),
    )


def _receiver(receptor: _Node) -> CfdiParty:
    return CfdiParty(
        rfc=receptor.text("Rfc"),
        name=receptor.text("Nombre"),
        tax_regime=receptor.text("RegimenFiscalReceptor"),
        tax_postcode=receptor.text("DomicilioFiscalReceptor"),
        cfdi_use=receptor.text("UsoCFDI"),
    )


def _concept(concepto: _Node) -> CfdiConcept:
    impuestos = concepto.optional_child(CFDI_40, "Impuestos")
    return CfdiConcept(
        product_key=concepto.text("ClaveProdServ"),
        identification=concepto.optional_text("NoIdentificacion"),
        quantity=concepto.decimal("Cantidad"),
        unit_key=concepto.text("ClaveUnidad"),
        unit=concepto.optional_text("Unidad"),
        description=concepto.text("Descripcion"),
        unit_value=concepto.decimal("ValorUnitario"),
        amount=concepto.decimal("Importe"),
        discount=concepto.optional_decimal("Descuento"),
        tax_object=concepto.text("ObjetoImp"),
        transferred=_taxes(impuestos, "Traslados", "Traslado", _transferred_tax),
        withheld=_taxes(impuestos, "Retenciones", "Retencion", _concept_withheld_tax),
    )


def _taxes(
    impuestos: _Node | None, group: str, item: str, read: Callable[[_Node], CfdiTax]
) -> tuple[CfdiTax, ...]:
    listing = _optional_child(impuestos, CFDI_40, group)
    if listing is None:
        return ()
    return tuple(read(tax) for tax in listing.children(CFDI_40, item))


def _tax_total(impuestos: _Node | None, attribute: str) -> Decimal | None:
    return None if impuestos is None else impuestos.optional_decimal(attribute)


def _transferred_tax(traslado: _Node) -> CfdiTax:
    # An exempt (Exento) traslado has neither a rate nor an amount.
    factor_type = traslado.text("TipoFactor")
    exempt = factor_type == "Exento"
    return CfdiTax(
        tax=traslado.text("Impuesto"),
        factor_type=factor_type,
        rate=traslado.optional_decimal("TasaOCuota") if exempt else traslado.decimal("TasaOCuota"),
        base=traslado.decimal("Base"),
        amount=traslado.optional_decimal("Importe") if exempt else traslado.decimal("Importe"),
    )


def _concept_withheld_tax(retencion: _Node) -> CfdiTax:
    return CfdiTax(
        tax=retencion.text("Impuesto"),
        factor_type=retencion.text("TipoFactor"),
        rate=retencion.decimal("TasaOCuota"),
        base=retencion.decimal("Base"),
        amount=retencion.decimal("Importe"),
    )


def _total_withheld_tax(retencion: _Node) -> CfdiTax:
    # The totals' Retencion carries only Impuesto and Importe (Anexo 20); the model's
    # factor_type is a str, so the missing TipoFactor reads as "".
    return CfdiTax(
        tax=retencion.text("Impuesto"),
        factor_type=retencion.optional_text("TipoFactor") or "",
        rate=None,
        base=None,
        amount=retencion.decimal("Importe"),
    )


def _stamp(complemento: _Node | None) -> FiscalStamp:
    timbre = _optional_child(complemento, TIMBRE, "TimbreFiscalDigital")
    if timbre is None:
        raise UnreadableCfdi("the CFDI XML has no TimbreFiscalDigital: it was never stamped")
    version = timbre.text("Version")
    if version != "1.1":
        raise UnreadableCfdi(
            f"TimbreFiscalDigital version {_shown(version)} is not supported: only 1.1 can be read"
        )
    return FiscalStamp(
        version=version,
        uuid=timbre.text("UUID"),
        stamped_at=timbre.text("FechaTimbrado"),
        pac_rfc=timbre.text("RfcProvCertif"),
        issuer_seal=timbre.text("SelloCFD"),
        sat_seal=timbre.text("SelloSAT"),
        sat_certificate=timbre.text("NoCertificadoSAT"),
        legend=timbre.optional_text("Leyenda"),
    )


def _payments(complemento: _Node | None) -> tuple[ReceivedPayment, ...]:
    pagos = _optional_child(complemento, PAGOS_20, "Pagos")
    if pagos is None:
        if _optional_child(complemento, PAGOS_10, "Pagos") is not None:
            raise UnreadableCfdi("Pagos version 1.0 is not supported: only Pagos 2.0 can be read")
        raise UnreadableCfdi(
            "the payment receipt (TipoDeComprobante P) has no Pagos 2.0 complement"
        )
    return tuple(_payment(pago) for pago in pagos.children(PAGOS_20, "Pago", at_least_one=True))


def _payment(pago: _Node) -> ReceivedPayment:
    return ReceivedPayment(
        paid_at=pago.text("FechaPago"),
        payment_form=pago.text("FormaDePagoP"),
        currency=pago.text("MonedaP"),
        amount=pago.decimal("Monto"),
        invoices=tuple(
            _related(docto)
            for docto in pago.children(PAGOS_20, "DoctoRelacionado", at_least_one=True)
        ),
    )


def _related(docto: _Node) -> RelatedPayment:
    return RelatedPayment(
        invoice_uuid=docto.text("IdDocumento"),
        series=docto.optional_text("Serie"),
        folio=docto.optional_text("Folio"),
        currency=docto.text("MonedaDR"),
        instalment=docto.whole("NumParcialidad"),
        balance_before=docto.decimal("ImpSaldoAnt"),
        paid=docto.decimal("ImpPagado"),
        balance_after=docto.decimal("ImpSaldoInsoluto"),
    )


def _optional_child(parent: _Node | None, namespace: str, name: str) -> _Node | None:
    return None if parent is None else parent.optional_child(namespace, name)


class _Node:
    """One element, read attribute by attribute; every problem names the element."""

    __slots__ = ("_element", "name")

    def __init__(self, element: Element) -> None:
        self._element = element
        self.name = _local_name(element.tag)

    def optional_text(self, attribute: str) -> str | None:
        # The SAT's patterns allow no empty values: an empty optional one means absent.
        return self._element.get(attribute) or None

    def text(self, attribute: str) -> str:
        value = self._element.get(attribute)
        if value is None:
            raise UnreadableCfdi(f"missing attribute {attribute} on {self.name}")
        if not value.strip():
            raise UnreadableCfdi(f"attribute {attribute} on {self.name} is empty")
        return value

    def optional_decimal(self, attribute: str) -> Decimal | None:
        if self._element.get(attribute) is None:
            return None
        return self.decimal(attribute)

    def decimal(self, attribute: str) -> Decimal:
        value = self._element.get(attribute)
        if value is not None and _DECIMAL.fullmatch(value.strip()):
            return Decimal(value.strip())
        self._refuse(attribute, value, "is not a number")

    def whole(self, attribute: str) -> int:
        value = self._element.get(attribute)
        if value is not None and _WHOLE.fullmatch(value.strip()):
            return int(value.strip())
        self._refuse(attribute, value, "is not a whole number")

    def date_time(self, attribute: str) -> datetime:
        value = self._element.get(attribute)
        if value is not None and _DATE_TIME.fullmatch(value):
            try:
                return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")
            except ValueError:
                pass  # the right shape, but no such day or time
        self._refuse(attribute, value, "is not a date and time like 2026-01-31T13:45:00")

    def _refuse(self, attribute: str, value: str | None, problem: str) -> NoReturn:
        if value is None:
            raise UnreadableCfdi(f"missing attribute {attribute} on {self.name}")
        raise UnreadableCfdi(f"{attribute} {_shown(value)} on {self.name} {problem}")

    def optional_child(self, namespace: str, name: str) -> _Node | None:
        found = self._element.findall(f"{{{namespace}}}{name}")
        if len(found) > 1:
            raise UnreadableCfdi(f"the CFDI XML has more than one {name} in {self.name}")
        return _Node(found[0]) if found else None

    def child(self, namespace: str, name: str) -> _Node:
        found = self.optional_child(namespace, name)
        if found is None:
            raise UnreadableCfdi(f"missing element {name} in {self.name}")
        return found

    def children(
        self, namespace: str, name: str, *, at_least_one: bool = False
    ) -> tuple[_Node, ...]:
        found = tuple(_Node(element) for element in self._element.findall(f"{{{namespace}}}{name}"))
        if at_least_one and not found:
            raise UnreadableCfdi(f"missing element {name} in {self.name}")
        return found


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _shown(value: str) -> str:
    return repr(_clip(value))
