"""The kiosk's typed settings: a TOML file plus KIOSK_<SECTION>__<KEY> environment overrides."""

from __future__ import annotations

import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_path, user_log_path
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FilePath,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from kiosk.language.catalogue import DEFAULT_LANGUAGE, Language

APP_NAME = "billing-kiosk"
CONFIG_ENV = "KIOSK_CONFIG"
_UDF_NAME = r"^U_[A-Za-z0-9_]{1,50}$"
_FIELD_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,50}$"  # a standard field (EDocNum) or a UDF (U_UUID)
_DNS_NAME = r"^([A-Za-z0-9_-]{1,63}(\.[A-Za-z0-9_-]{1,63})*)?$"  # a selector or domain, or empty
_UNSUBSCRIBE = r"^(mailto:\S+@\S+|https://\S+|[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+)$"


class SettingsError(Exception):
    """The settings cannot be used; the message names the key and the problem."""


def _bool_or_file(value: object) -> bool | Path:
    """TLS verification: true, false, or the path of a CA bundle file."""
    if isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.lower() in {"true", "yes", "1", "on"}:
        return True
    if text.lower() in {"false", "no", "0", "off"}:
        return False
    if not Path(text).expanduser().is_file():
        raise ValueError("must be true, false, or the path of an existing CA bundle file")
    return Path(text).expanduser()


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def default_database_url() -> str:
    return f"sqlite:///{user_data_path(APP_NAME, appauthor=False) / 'kiosk.sqlite3'}"


class DatabaseSettings(_Section):
    """Where the local cache lives."""

    url: str = Field(default_factory=default_database_url)
    busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", url):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return url


class SapSettings(_Section):
    """How to reach the SAP Business One Service Layer."""

    base_url: str = ""
    company_db: str = ""
    username: str = ""
    password: SecretStr = SecretStr("")
    verify: bool | Path = True
    page_size: int = Field(default=100, ge=1, le=5000)
    # Requests a first download or full pass keeps in flight (1: one page after another).
    max_parallel_requests: int = Field(default=4, ge=1, le=8)
    connect_timeout_seconds: float = Field(default=10, gt=0, le=300)
    read_timeout_seconds: float = Field(default=90, gt=0, le=3600)
    billing_channel_field: str = Field(default="U_BillingChannel", pattern=_UDF_NAME)
    billing_email_field: str = Field(default="U_BillingEmail", pattern=_UDF_NAME)
    kiosk_reference_field: str = Field(default="U_KioskRef", pattern=_UDF_NAME)
    # An invoice UDF set to Y while a dispute holds part of it, N after; None: not written.
    dispute_flag_field: str | None = Field(default=None, pattern=_UDF_NAME)
    # How many payment DocEntries older than the kiosk's first pass each pass reads for
    # statements, until all are in the cache (a full pass reads them all at once).
    ledger_payments_per_pass: int = Field(default=2000, ge=1, le=1_000_000)

    @field_validator("base_url")
    @classmethod
    def _service_root(cls, url: str) -> str:
        if url and not re.match(r"^https?://[^/\s]+(:\d+)?/b1s/v[12]/?$", url):
            raise ValueError("must look like https://host:50000/b1s/v2/ (or /b1s/v1/)")
        return url

    @field_validator("verify", mode="before")
    @classmethod
    def _bool_or_ca_bundle(cls, value: object) -> bool | Path:
        return _bool_or_file(value)

    @property
    def is_configured(self) -> bool:
        return bool(self.base_url)

    def missing_keys(self) -> list[str]:
        """The settings a login to SAP needs that are empty, by their full names."""
        values = {
            "base_url": self.base_url,
            "company_db": self.company_db,
            "username": self.username,
            "password": self.password.get_secret_value(),
        }
        return [f"sap.{key}" for key, value in values.items() if not value]


class SyncSettings(_Section):
    """How often and how carefully the kiosk syncs with SAP."""

    interval_seconds: int = Field(default=300, ge=10, le=86_400)
    after_change_seconds: int = Field(default=5, ge=0, le=3600)
    retry_min_seconds: int = Field(default=15, ge=1, le=3600)
    retry_max_seconds: int = Field(default=900, ge=1, le=86_400)
    overlap_days: int = Field(default=1, ge=1, le=31)
    # False on the touchscreens of a branch whose server runs `kiosk serve-sync`: they only read.
    background: bool = True


class TrackingSettings(_Section):
    """How long the record of what the kiosk did (identifications, prints, ...) is kept."""

    keep_days: int = Field(default=400, ge=1, le=36_500)


class CompanySettings(_Section):
    """The seller, as printed on invoices and shown on the welcome screen."""

    name: str = "Mi Empresa S.A. de C.V."
    tax_id: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    logo: FilePath | None = None
    payment_methods: str = ""


class SmtpSettings(_Section):
    """The mail server invoices are sent through."""

    host: str = ""
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    username: str = ""
    password: SecretStr = SecretStr("")
    sender: str = ""
    reply_to: str = ""
    timeout_seconds: float = Field(default=30, gt=0, le=600)
    verify: bool | Path = True
    # Where customers ask to stop getting mail (List-Unsubscribe): e-mail addresses, mailto:
    # or https: URIs, comma-separated; empty: mailto: company.email, else smtp.reply_to.
    list_unsubscribe: str = ""
    # DKIM: sign every message with this selector's RSA key (PEM); both or neither. The
    # signing domain is the sender's unless dkim_domain names another (a parent of it).
    dkim_selector: str = Field(default="", pattern=_DNS_NAME)
    dkim_domain: str = Field(default="", pattern=_DNS_NAME)
    dkim_key_file: Path | None = Field(default=None, validate_default=True)

    @field_validator("verify", mode="before")
    @classmethod
    def _bool_or_ca_bundle(cls, value: object) -> bool | Path:
        return _bool_or_file(value)

    @field_validator("list_unsubscribe")
    @classmethod
    def _addresses_or_uris(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            if not re.match(_UNSUBSCRIBE, item):
                raise ValueError(f"{item!r} is not an e-mail address, a mailto: or an https: URI")
        return value

    @field_validator("dkim_key_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("dkim_key_file")
    @classmethod
    def _readable_key_with_selector(cls, path: Path | None, info: ValidationInfo) -> Path | None:
        selector = info.data.get("dkim_selector")
        if path is None:
            if selector:
                raise ValueError("must name the DKIM private key when smtp.dkim_selector is set")
            return None
        if not selector:
            raise ValueError("needs smtp.dkim_selector as well")
        path = path.expanduser()
        try:
            head = path.read_bytes()[:4096]
        except OSError as error:
            raise ValueError(f"cannot be read ({error.strerror or type(error).__name__})") from None
        # Only whether it looks like a key: its content never goes into a message.
        if b"-----BEGIN" not in head or b"PRIVATE KEY-----" not in head:
            raise ValueError("is not a PEM private key file")
        return path


class BouncesSettings(_Section):
    """The mailbox returned mail arrives in (the sender's), read over IMAP with TLS."""

    host: str = ""  # empty: bounces are not read
    port: int = Field(default=993, ge=1, le=65535)
    username: str = ""
    password: SecretStr = SecretStr("")
    mailbox: str = Field(default="INBOX", min_length=1)
    verify: bool | Path = True
    interval_seconds: int = Field(default=600, ge=60, le=86_400)
    timeout_seconds: float = Field(default=30, gt=0, le=600)

    @field_validator("verify", mode="before")
    @classmethod
    def _bool_or_ca_bundle(cls, value: object) -> bool | Path:
        return _bool_or_file(value)


class PrintingSettings(_Section):
    """The printer and paper size for invoices and payment slips."""

    printer: str = ""
    paper_size: Literal["Letter", "A4"] = "Letter"
    auto_print: bool = False  # print new paper invoices at once on `printer`, or list them
    backend: Literal["auto", "cups", "qt"] = "auto"  # auto: CUPS where `lp` exists, else Qt


class DeliverySettings(_Section):
    """Automatic delivery of new invoices by each customer's preference."""

    without_preference: Literal["paper", "none"] = "paper"
    record_in_sap: bool = False  # an Activity on the invoice for every delivery
    # Without a billing address on file, offer the customer the e-mail SAP holds (masked).
    use_sap_email: bool = False


class PaymentsSettings(_Section):
    """Which payment QR the kiosk shows, where the money goes, and the early-payment discount."""

    # Two digits in every payment reference: each kiosk or counter of the company needs its own.
    kiosk_number: int = Field(default=1, ge=1, le=99)
    qr_format: Literal["url", "emvco", "epc"] = "url"
    url_template: str = "https://pay.example.com/p/{reference}?amount={amount}"
    error_correction: Literal["M", "Q", "H"] = "M"
    early_payment_discount_percent: Decimal = Field(default=Decimal(0), ge=0, le=100)
    early_payment_discount_days: int = Field(default=0, ge=0, le=365)
    emvco_gui: str = ""
    emvco_account: str = ""
    merchant_city: str = "CIUDAD DE MEXICO"
    merchant_country: str = Field(default="MX", pattern=r"^[A-Z]{2}$")
    bank_name: str = ""
    account_holder: str = ""
    clabe: str = Field(default="", pattern=r"^(\d{18})?$")
    iban: str = ""
    bic: str = ""
    how_to_pay: str = ""


class CfdiSettings(_Section):
    """Mexico: where SAP Business One keeps each stamped CFDI (README, "Mexico: CFDI 4.0")."""

    enabled: bool = True  # read folios fiscales and stamped XML; off outside Mexico is harmless
    uuid_field: str = Field(default="EDocNum", pattern=_FIELD_NAME)
    attachment_field: str = Field(default="AttachmentEntry", pattern=_FIELD_NAME)
    payment_uuid_field: str = Field(default="EDocNum", pattern=_FIELD_NAME)
    xml_extension: str = Field(default="xml", pattern=r"^[A-Za-z0-9]{1,10}$")
    downloads_per_pass: int = Field(default=50, ge=0, le=100_000)  # stamped XML fetched per sync
    payments_per_pass: int = Field(default=1000, ge=1, le=1_000_000)  # stamped payments noted


class KioskSettings(_Section):
    """How this kiosk behaves in the store."""

    language: Language = DEFAULT_LANGUAGE  # the catalogue's languages
    idle_timeout_seconds: int = Field(default=90, ge=10, le=3600)
    branch: str = Field(default="MATRIZ", min_length=1, max_length=50)


DEFAULT_CONSENT_ES = (
    "Acepto recibir mis facturas, recibos y avisos de pago por correo electrónico en la "
    "dirección que escribí aquí. Sé que mis facturas electrónicas valen igual que las de papel. "
    "Mi correo se usará solo para enviarme estos documentos. Puedo volver a recibirlas en papel "
    "cuando quiera, en este quiosco o en el mostrador."
)
DEFAULT_CONSENT_EN = (
    "I agree to receive my invoices, receipts and payment notices by e-mail at the address I "
    "typed here. I know my electronic invoices are as valid as paper ones. My address will be "
    "used only to send me these documents. I can go back to paper whenever I want, at this "
    "kiosk or at the counter."
)


class EbillingSettings(_Section):
    """Customers' own enrolment in e-mail billing at the kiosk: consent, code and incentive."""

    consent_version: str = Field(default="2026-12", min_length=1, max_length=40)
    consent_text_es: str = Field(default=DEFAULT_CONSENT_ES, min_length=1)
    consent_text_en: str = Field(default=DEFAULT_CONSENT_EN, min_length=1)
    incentive_percent: Decimal = Field(default=Decimal(0), ge=0, le=100, decimal_places=6)
    incentive_text_es: str = ""  # empty: "5% de descuento en su próxima factura"
    incentive_text_en: str = ""
    # Business partner UDFs the back office reads to apply the incentive; None: not written.
    incentive_field: str | None = Field(default="U_EBillIncentive", pattern=_UDF_NAME)
    incentive_date_field: str | None = Field(default="U_EBillIncentiveDate", pattern=_UDF_NAME)
    code_minutes: int = Field(default=15, ge=1, le=1440)
    max_attempts: int = Field(default=5, ge=1, le=20)
    # The store's page that confirms an e-mail's link, e.g. https://miempresa.mx/alta/{token};
    # empty: the code e-mail carries no link.
    confirmation_url: str = ""

    @field_validator("confirmation_url")
    @classmethod
    def _link_template(cls, url: str) -> str:
        if url and (not re.match(r"^https?://[^/\s]+", url) or "{token}" not in url):
            raise ValueError("must be an http(s) address containing {token}")
        return url

    def consent_texts(self) -> dict[str, str]:
        return {"es": self.consent_text_es, "en": self.consent_text_en}

    def incentive_texts(self) -> dict[str, str]:
        return {"es": self.incentive_text_es, "en": self.incentive_text_en}


class LoggingSettings(_Section):
    """Where the rotating log file goes and how much it says."""

    directory: Path = Field(default_factory=lambda: user_log_path(APP_NAME, appauthor=False))
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(BaseSettings):
    """Every setting of the kiosk, grouped by the part that uses it."""

    model_config = SettingsConfigDict(
        env_prefix="KIOSK_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    sap: SapSettings = Field(default_factory=SapSettings)
    cfdi: CfdiSettings = Field(default_factory=CfdiSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)
    company: CompanySettings = Field(default_factory=CompanySettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    bounces: BouncesSettings = Field(default_factory=BouncesSettings)
    printing: PrintingSettings = Field(default_factory=PrintingSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    payments: PaymentsSettings = Field(default_factory=PaymentsSettings)
    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    ebilling: EbillingSettings = Field(default_factory=EbillingSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The TOML file arrives as init values; the environment overrides it, key by key.
        return (env_settings, init_settings)

    def secrets(self) -> list[str]:
        """The secret values, so logging can make sure they never appear."""
        values = (self.sap.password, self.smtp.password, self.bounces.password)
        return [secret.get_secret_value() for secret in values if secret.get_secret_value()]


def config_path_from(argument: str | None) -> Path | None:
    """The config file named by --config, else by KIOSK_CONFIG, else none."""
    chosen = argument or os.environ.get(CONFIG_ENV)
    return Path(chosen).expanduser() if chosen else None


def load_settings(config_path: Path | None) -> Settings:
    """Read and validate the settings; raise SettingsError with one clear line on any problem."""
    values: dict[str, Any] = {}
    if config_path is not None:
        try:
            values = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"config file {config_path} does not exist") from None
        except OSError as error:
            raise SettingsError(
                f"config file {config_path} cannot be read: {error.strerror}"
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SettingsError(f"config file {config_path} is not valid TOML: {error}") from None
    try:
        return Settings(**values)
    except ValidationError as error:
        raise SettingsError(_describe(error, config_path)) from None


def _describe(error: ValidationError, config_path: Path | None) -> str:
    problems = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        if item["type"] == "extra_forbidden":
            problems.append(f"{key}: unknown setting")
            continue
        message = item["msg"].removeprefix("Value error, ")
        shown = "" if "password" in key else f" (got {item['input']!r})"
        problems.append(f"{key}: {message}{shown}")
    where = f"{config_path} or the environment" if config_path else "the environment"
    return f"invalid setting {'; '.join(problems)} (check {where})"
