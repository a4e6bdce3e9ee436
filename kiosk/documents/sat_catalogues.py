"""The common codes of the SAT's catalogues (Anexo 20) with their short names, as printed."""

from __future__ import annotations

from collections.abc import Mapping

# In the SAT's Spanish in every language; a code not listed prints bare.
VOUCHER_TYPES = {"I": "Ingreso", "E": "Egreso", "T": "Traslado", "N": "Nómina", "P": "Pago"}
PAYMENT_METHODS = {
    "PUE": "Pago en una sola exhibición",
    "PPD": "Pago en parcialidades o diferido",
}
PAYMENT_FORMS = {
    "01": "Efectivo", "02": "Cheque nominativo", "03": "Transferencia electrónica de fondos",
    "04": "Tarjeta de crédito", "05": "Monedero electrónico", "06": "Dinero electrónico",
    "08": "Vales de despensa", "12": "Dación en pago", "13": "Pago por subrogación",
    "14": "Pago por consignación", "15": "Condonación", "17": "Compensación",
    "23": "Novación", "24": "Confusión", "25": "Remisión de deuda",
    "26": "Prescripción o caducidad", "27": "A satisfacción del acreedor",
    "28": "Tarjeta de débito", "29": "Tarjeta de servicios", "30": "Aplicación de anticipos",
    "31": "Intermediario pagos", "99": "Por definir",
}  # fmt: skip
CFDI_USES = {
    "G01": "Adquisición de mercancías", "G02": "Devoluciones, descuentos o bonificaciones",
    "G03": "Gastos en general", "I01": "Construcciones",
    "I02": "Mobiliario y equipo de oficina por inversiones", "I03": "Equipo de transporte",
    "I04": "Equipo de cómputo y accesorios", "I08": "Otra maquinaria y equipo",
    "D01": "Honorarios médicos, dentales y gastos hospitalarios",
    "S01": "Sin efectos fiscales", "CP01": "Pagos", "CN01": "Nómina",
}  # fmt: skip
TAX_REGIMES = {
    "601": "General de Ley Personas Morales",
    "603": "Personas Morales con Fines no Lucrativos",
    "605": "Sueldos y Salarios e Ingresos Asimilados a Salarios",
    "606": "Arrendamiento",
    "608": "Demás ingresos",
    "612": "Personas Físicas con Actividades Empresariales y Profesionales",
    "616": "Sin obligaciones fiscales",
    "621": "Incorporación Fiscal",
    "625": "Actividades Empresariales con ingresos a través de Plataformas Tecnológicas",
    "626": "Régimen Simplificado de Confianza",
}
EXPORTS = {
    "01": "No aplica",
    "02": "Definitiva con clave A1",
    "03": "Temporal",
    "04": "Definitiva con clave distinta a A1",
}
TAXES = {"001": "ISR", "002": "IVA", "003": "IEPS"}
UNITS = {
    "H87": "Pieza", "E48": "Unidad de servicio", "ACT": "Actividad", "KGM": "Kilogramo",
    "LTR": "Litro", "MTR": "Metro", "XBX": "Caja", "EA": "Elemento", "C62": "Uno",
}  # fmt: skip


def described(code: str | None, catalogue: Mapping[str, str]) -> str:
    """The code as the XML gives it, with its name: "PPD - Pago en parcialidades o diferido"."""
    if not code:
        return "-"
    name = catalogue.get(code)
    return f"{code} - {name}" if name else code
