"""A deterministic demo company: Mexican customers, 18 months of invoices, payments and more."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial

from kiosk.sap_emulator.cfdi_stamps import (
    INVOICE_SERIES,
    PAYMENT_SERIES,
    PaidInvoice,
    SatKeys,
    Stamp,
    invoice_xml,
    is_deferred,
    payment_xml,
    rfc_check_digit,
)
from kiosk.sap_emulator.data_store import EmulatorData, Record

FIRST_NAMES = (
    "José", "María", "Juan", "Guadalupe", "Francisco", "Verónica", "Luis", "Ana", "Jesús",
    "Sofía", "Miguel", "Lucía", "Ángel", "Fernanda", "Alejandro", "Ximena", "Ricardo", "Itzel",
    "Héctor", "Brenda", "Óscar", "Patricia", "Raúl", "Mónica", "Sergio", "Leticia",
)  # fmt: skip
LAST_NAMES = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
    "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres",
    "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero",
    "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina",
    "Castro", "Vargas", "Guzmán", "Velázquez", "Muñoz", "Peña", "Núñez", "Ibarra", "Zúñiga",
)  # fmt: skip
BUSINESS_KINDS = (
    "Comercializadora", "Distribuidora", "Abarrotes", "Ferretería", "Farmacia", "Papelería",
    "Refaccionaria", "Servicios Integrales", "Grupo", "Constructora", "Transportes", "Panadería",
)  # fmt: skip
BUSINESS_NAMES = (
    "del Norte", "del Bajío", "Azteca", "San Miguel", "La Esperanza", "del Pacífico", "Maya",
    "Santa Fe", "Las Águilas", "El Sol", "Tres Ríos", "La Güera", "Peñasco", "Cañada Real",
)  # fmt: skip
CITIES = (
    ("Ciudad de México", "CDMX", "06"), ("Guadalajara", "Jalisco", "44"),
    ("Monterrey", "Nuevo León", "64"), ("Puebla", "Puebla", "72"), ("Querétaro", "Querétaro", "76"),
    ("Mérida", "Yucatán", "97"), ("León", "Guanajuato", "37"), ("Tijuana", "Baja California", "22"),
    ("Oaxaca", "Oaxaca", "68"), ("Morelia", "Michoacán", "58"),
)  # fmt: skip
STREETS = ("Av. Juárez", "Calle Hidalgo", "Blvd. Morelos", "Av. Revolución", "Calle 5 de Mayo")


@dataclass(frozen=True)
class Product:
    code: str
    description: str
    price: Decimal
    tax_code: str
    sat: SatKeys


SERVICE = "E48"
PRODUCTS = (
    Product("A00001", "Cemento gris 50 kg", Decimal("239.00"), "IVA16", SatKeys("30111601")),
    Product("A00002", 'Varilla corrugada 3/8" x 12 m', Decimal("189.50"), "IVA16",
            SatKeys("30102403")),
    Product("A00003", "Pintura vinílica blanca 19 L", Decimal("1450.00"), "IVA16",
            SatKeys("31211501")),
    Product("A00004", "Cable THW calibre 12, rollo 100 m", Decimal("1289.90"), "IVA16",
            SatKeys("26121636")),
    Product("A00005", 'Tubo PVC hidráulico 1/2" x 6 m', Decimal("64.75"), "IVA16",
            SatKeys("40171523")),
    Product("A00006", "Papel bond carta, caja con 10 paquetes", Decimal("1020.00"), "IVA16",
            SatKeys("14111507")),
    Product("A00007", "Tóner negro alto rendimiento", Decimal("2315.40"), "IVA16",
            SatKeys("44103103")),
    Product("A00008", "Aceite de motor 5W-30, 4.73 L", Decimal("689.00"), "IVA16",
            SatKeys("15121501")),
    Product("A00009", "Café de Chiapas molido 1 kg", Decimal("310.00"), "IVA0",
            SatKeys("50201706")),
    Product("A00010", "Frijol negro a granel 25 kg", Decimal("725.00"), "IVA0",
            SatKeys("50221101")),
    Product("A00011", "Llanta 205/55 R16", Decimal("1899.00"), "IVA16", SatKeys("25172504")),
    Product("S00001", "Servicio de instalación eléctrica", Decimal("850.00"), "IVA16",
            SatKeys("72151501", SERVICE)),
    Product("S00002", "Mantenimiento preventivo mensual de equipo de refrigeración comercial, "
            "incluye revisión de compresor, limpieza de condensador y reporte", Decimal("2450.00"),
            "IVA16", SatKeys("73152108", SERVICE)),
)  # fmt: skip
ITEM_KEYS = {product.code: product.sat for product in PRODUCTS}
HISTORY_DAYS = 548  # eighteen months
CASH_CUSTOMERS = 0.35  # pay on delivery (payment terms -1): their invoices are PUE
STAMPED = 0.9  # the rest are still edoc_New: not sent to the PAC yet
HOMOCLAVE = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
# The SAT's "palabras inconvenientes": a person's RFC never starts with one (its last letter
# becomes an X).
INCONVENIENT_WORDS = frozenset((
    "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE", "COJA", "COJE",
    "COJI", "COJO", "CULO", "FETO", "GUEY", "JOTO", "KACA", "KACO", "KAGA", "KAGO", "KAKA",
    "KOGE", "KOJO", "KULO", "MAME", "MAMO", "MEAR", "MEAS", "MEON", "MION", "MOCO", "MULA",
    "PEDA", "PEDO", "PENE", "PUTA", "PUTO", "QULO", "RATA", "RUIN",
))  # fmt: skip


def customer_code(number: int) -> str:
    return f"C{number:06d}"


def person_or_company_name(rng: random.Random) -> tuple[str, bool]:
    """A realistic customer name, and whether it is a company."""
    if rng.random() < 0.66:
        return f"{rng.choice(BUSINESS_KINDS)} {rng.choice(BUSINESS_NAMES)} S.A. de C.V.", True
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {rng.choice(LAST_NAMES)}", False


def rfc(rng: random.Random, *, company: bool) -> str:
    """A valid RFC: 3 letters for companies, 4 for people, a date, a homoclave, a check digit."""
    letters = "".join(
        rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZÑ&") for _ in range(3 if company else 4)
    )
    if letters in INCONVENIENT_WORDS:
        letters = letters[:3] + "X"
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 55))
    # Three draws of 34, as before there were check digits, so a seed keeps its customers. The
    # SAT makes the two homoclave characters from a number below 1000, divided by 34.
    number = sum(rng.randrange(34) * 34**place for place in range(3)) % 1000
    stem = f"{letters}{born:%y%m%d}{HOMOCLAVE[number // 34]}{HOMOCLAVE[number % 34]}"
    return stem + rfc_check_digit(stem)


def seed_demo_company(
    data: EmulatorData, *, customers: int = 200, invoices: int = 2000, seed: int = 7
) -> None:
    """Fill the emulator with customers and invoices in every state, through SAP's own rules."""
    rng = random.Random(seed)
    # Later additions draw from their own streams, so that the seed's customers and invoices
    # stay what they were.
    terms = random.Random(f"payment terms {seed}")
    documents = _ElectronicDocuments(data, random.Random(f"electronic documents {seed}"))
    clock_state = data.clock.snapshot()
    today = data.clock.now()
    start = datetime.combine(today.date() - timedelta(days=HISTORY_DAYS), time())
    try:
        data.clock.freeze(start)
        for number in range(1, customers + 1):
            partner = _business_partner(rng, number)
            partner["PayTermsGrpCode"] = -1 if terms.random() < CASH_CUSTOMERS else 1
            data.create("BusinessPartners", partner)
        moments = sorted(
            start
            + timedelta(
                days=1 + rng.randrange(HISTORY_DAYS - 1), seconds=rng.randrange(8 * 3600, 19 * 3600)
            )
            for _ in range(invoices)
        )
        for posted in moments:
            _invoice_and_its_fate(data, rng, posted, today, customers, documents)
        _credit_notes(data, today)
    finally:
        data.clock.restore(clock_state)


class _ElectronicDocuments:
    """SAP B1 Mexico's electronic-document service over the demo's history: it stamps most
    invoices a minute after posting, and the payments of stamped PPD invoices.

    Only the small Attachments2 rows are made here; each XML is written on its first download,
    from the records as they were when stamped (the emulator copies records on write).
    """

    def __init__(self, data: EmulatorData, rng: random.Random) -> None:
        self.data = data
        self.rng = rng
        self.instalments: Counter[int] = Counter()

    def stamp_invoice(self, invoice: Record) -> None:
        if self.rng.random() >= STAMPED:
            return
        partner = self.data.get("BusinessPartners", invoice["CardCode"])
        stamp = self._stamp(datetime.combine(invoice["DocDate"], invoice["DocTime"]))
        xml = partial(invoice_xml, invoice, partner, stamp, ITEM_KEYS)
        self._record("Invoices", invoice, stamp, f"{INVOICE_SERIES}{invoice['DocNum']}.xml", xml)

    def stamp_payment(self, payment: Record) -> None:
        """The CFDI de pago, for the stamped PPD invoices among those the payment settles."""
        paid = []
        for line in payment.get("PaymentInvoices") or []:
            invoice = self.data.get("Invoices", line["DocEntry"])
            if invoice.get("EDocNum") and is_deferred(invoice):
                self.instalments[invoice["DocEntry"]] += 1
                before = invoice["DocTotal"] - invoice["PaidToDate"] + line["SumApplied"]
                instalment = self.instalments[invoice["DocEntry"]]
                paid.append(PaidInvoice(invoice, instalment, before, line["SumApplied"]))
        if not paid:
            return
        partner = self.data.get("BusinessPartners", payment["CardCode"])
        stamp = self._stamp(self.data.clock.now())
        xml = partial(payment_xml, payment, partner, tuple(paid), stamp)
        name = f"{PAYMENT_SERIES}{payment['DocNum']}.xml"
        self._record("IncomingPayments", payment, stamp, name, xml)

    def _stamp(self, issued_at: datetime) -> Stamp:
        folio = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        stamped_at = issued_at + timedelta(seconds=self.rng.randrange(40, 80))
        return Stamp(str(folio).upper(), issued_at, stamped_at)

    def _record(
        self,
        set_name: str,
        document: Record,
        stamp: Stamp,
        file_name: str,
        xml: Callable[[], bytes],
    ) -> None:
        self.data.clock.freeze(stamp.stamped_at)
        attachment = self.data.add_attachment([(file_name, xml)])
        self.data.record_electronic_document(
            set_name, document["DocEntry"], stamp.uuid, attachment["AbsoluteEntry"]
        )


def _business_partner(rng: random.Random, number: int) -> dict[str, object]:
    name, company = person_or_company_name(rng)
    city, state, zip_prefix = rng.choice(CITIES)
    street = f"{rng.choice(STREETS)} {rng.randrange(1, 2000)}"
    zip_code = f"{zip_prefix}{rng.randrange(0, 1000):03d}"
    email = f"facturas{number}@cliente{number % 97}.com.mx"
    partner: dict[str, object] = {
        "CardCode": customer_code(number),
        "CardName": name,
        "CardType": "cCustomer",
        "FederalTaxID": rfc(rng, company=company),
        "EmailAddress": email,
        "Phone1": f"{rng.randrange(10**9, 10**10)}",
        "Address": street,
        "City": city,
        "ZipCode": zip_code,
        "Country": "MX",
        "Currency": "MXN",
        "BPAddresses": [
            {"AddressName": "Fiscal", "AddressType": "bo_BillTo", "Street": street, "City": city,
             "ZipCode": zip_code, "State": state, "Country": "MX"},
        ],
    }  # fmt: skip
    if rng.random() < 0.3:
        partner["U_BillingChannel"] = rng.choice(("PAPER", "EMAIL", "BOTH"))
        if partner["U_BillingChannel"] != "PAPER":
            partner["U_BillingEmail"] = email
    return partner


def _invoice_and_its_fate(
    data: EmulatorData,
    rng: random.Random,
    posted: datetime,
    today: datetime,
    customers: int,
    documents: _ElectronicDocuments,
) -> None:
    code = customer_code(rng.randrange(1, customers + 1))
    lines = []
    for _ in range(rng.randrange(3, 8)):
        product = rng.choice(PRODUCTS)
        lines.append(
            {
                "ItemCode": product.code,
                "ItemDescription": product.description,
                "Quantity": rng.randrange(1, 13),
                "UnitPrice": product.price,
                "DiscountPercent": rng.choice((0, 0, 0, 5, 10)),
                "TaxCode": product.tax_code,
            }
        )
    data.clock.freeze(posted)
    body: dict[str, object] = {
        "CardCode": code,
        "DocDate": posted.date().isoformat(),
        "DocumentLines": lines,
    }
    if rng.random() < 0.4:
        body["NumAtCard"] = f"OC-{rng.randrange(1000, 99999)}"
    invoice = data.create("Invoices", body)
    documents.stamp_invoice(invoice)
    fate = rng.random()
    if fate < 0.70:
        latest = min(today, posted + timedelta(days=45))
        if latest <= posted:
            return
        paid_at = posted + (latest - posted) * rng.random()
        share = Decimal(1) if fate < 0.58 else Decimal(rng.randrange(20, 80)) / 100
        amount = (invoice["DocTotal"] * share).quantize(Decimal("0.01"))
        data.clock.freeze(paid_at)
        payment = data.create(
            "IncomingPayments",
            {
                "CardCode": code,
                "DocDate": paid_at.date().isoformat(),
                "TransferSum": amount,
                "TransferAccount": "_SYS00000000089",
                "TransferReference": f"SPEI-{rng.randrange(10**9, 10**10)}",
                "PaymentInvoices": [{"DocEntry": invoice["DocEntry"], "SumApplied": amount}],
            },
        )
        documents.stamp_payment(payment)
    elif fate < 0.75:
        data.clock.freeze(posted + timedelta(hours=2))
        data.cancel("Invoices", invoice["DocEntry"])


def _credit_notes(data: EmulatorData, today: datetime) -> None:
    """A few credit notes, made after every invoice so that their figures stay as they were: one
    copied from the first customer's newest unpaid invoice at least a month old (a damaged unit
    returned), a standalone rebate for the second customer, and one issued to the second by
    mistake and cancelled."""
    invoices = [
        invoice for invoice in data.query("Invoices", None, [], False)
        if invoice["Cancelled"] == "tNO" and invoice["PaidToDate"] == 0
        and invoice["DocDate"] <= today.date() - timedelta(days=30)
    ]  # fmt: skip
    first = [invoice for invoice in invoices if invoice["CardCode"] == customer_code(1)]
    if first or invoices:
        returned = (first or invoices)[-1]  # the newest
        line = returned["DocumentLines"][0]
        data.clock.freeze(datetime.combine(returned["DocDate"] + timedelta(days=5), time(11)))
        data.create("CreditNotes", {
            "CardCode": returned["CardCode"], "DocDate": data.clock.now().date().isoformat(),
            "Comments": f"Devolución de una pieza dañada de la factura {returned['DocNum']}",
            "DocumentLines": [{
                "ItemCode": line["ItemCode"], "ItemDescription": line["ItemDescription"],
                "Quantity": 1, "UnitPrice": line["UnitPrice"],
                "DiscountPercent": line["DiscountPercent"], "TaxCode": line["TaxCode"],
                "BaseType": 13, "BaseEntry": returned["DocEntry"], "BaseLine": line["LineNum"],
            }],
        })  # fmt: skip
    if data.count("BusinessPartners") < 2:
        return
    rebate = {
        "CardCode": customer_code(2),
        "Comments": "Bonificación por volumen de compra",
        "DocumentLines": [{"ItemDescription": "Bonificación comercial", "Quantity": 1,
                           "UnitPrice": Decimal("500.00"), "TaxCode": "IVA16"}],
    }  # fmt: skip
    data.clock.freeze(datetime.combine(today.date() - timedelta(days=10), time(12)))
    data.create("CreditNotes", dict(rebate, DocDate=data.clock.now().date().isoformat()))
    data.clock.freeze(datetime.combine(today.date() - timedelta(days=9), time(9)))
    mistaken = data.create("CreditNotes", dict(
        rebate, DocDate=data.clock.now().date().isoformat(), Comments="Capturada por error"
    ))  # fmt: skip
    data.clock.freeze(datetime.combine(today.date() - timedelta(days=9), time(9, 30)))
    data.cancel("CreditNotes", mistaken["DocEntry"])
