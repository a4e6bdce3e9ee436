"""Everything the screens say, in Spanish and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "es": {
        "find": "Consultar mis facturas",
        "language": "English",
        "demo": "DEMO",
        "identify_title": "Identifíquese",
        "who": "RFC o número de cliente",
        "invoice_number": "Número de una de sus facturas",
        "continue": "Continuar",
        "back": "Volver",
        "scan_hint": "O escanee el código de una factura",
        "open": "Por pagar",
        "history": "Historial",
        "number": "Factura",
        "date": "Fecha",
        "due": "Vence",
        "amount_due": "Saldo",
        "status": "Estado",
        "pay_selected": "Pagar seleccionadas",
        "hello": "Hola, {name}",
        "offline": "Sin conexión con SAP: mostramos la información guardada",
        "busy": "Un momento...",
        "status_open": "Por pagar",
        "status_partially_paid": "Pago parcial",
        "status_paid": "Pagada",
        "status_overdue": "Vencida",
        "status_cancelled": "Cancelada",
        "not_found": "No encontramos facturas con esos datos. Revíselos e intente de nuevo.",
        "too_many": "Demasiados intentos. Espere {seconds} segundos.",
        "invalid": "Revise los datos: {detail}",
        "unavailable": "Servicio no disponible por ahora. Intente más tarde o pida ayuda.",
        "rejected": "No se pudo completar. Pida ayuda al personal.",
        "bug": "Algo salió mal. Empecemos de nuevo.",
        "nothing_open": "No tiene facturas pendientes.",
    },
    "en": {
        "find": "Find my invoices",
        "language": "Español",
        "demo": "DEMO",
        "identify_title": "Who are you?",
        "who": "Tax ID or customer code",
        "invoice_number": "The number of one of your invoices",
        "continue": "Continue",
        "back": "Back",
        "scan_hint": "Or scan the code on an invoice",
        "open": "To pay",
        "history": "History",
        "number": "Invoice",
        "date": "Date",
        "due": "Due",
        "amount_due": "Amount due",
        "status": "Status",
        "pay_selected": "Pay selected",
        "hello": "Hello, {name}",
        "offline": "SAP is offline: showing the saved information",
        "busy": "One moment...",
        "status_open": "Open",
        "status_partially_paid": "Partly paid",
        "status_paid": "Paid",
        "status_overdue": "Overdue",
        "status_cancelled": "Cancelled",
        "not_found": "We found no invoices with those details. Please check them and try again.",
        "too_many": "Too many attempts. Please wait {seconds} seconds.",
        "invalid": "Please check: {detail}",
        "unavailable": "Not available right now. Try later or ask staff.",
        "rejected": "That could not be done. Please ask staff.",
        "bug": "Something went wrong. Let's start again.",
        "nothing_open": "You have no open invoices.",
    },
}


class Texts:
    """The words of one language; `texts["find"]`, `texts.format("hello", name=...)`."""

    def __init__(self, language: str) -> None:
        self.language = language if language in TEXTS else "es"

    def __getitem__(self, key: str) -> str:
        return TEXTS[self.language][key]

    def format(self, key: str, **values: object) -> str:
        return self[key].format(**values)
