"""Settings: file and environment precedence, and one clear line for every bad value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kiosk.app.settings import SettingsError, config_path_from, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file():
    settings = load_settings(None)

    assert settings.kiosk.language == "es"
    assert settings.sap.page_size == 100
    assert settings.sap.verify is True
    assert settings.printing.paper_size == "Letter"


def test_file_values_are_read(tmp_path: Path):
    path = write(
        tmp_path,
        """
        [sap]
        base_url = "https://sap.example.mx:50000/b1s/v2/"
        company_db = "SBO_TIENDA"
        page_size = 250
        [payments]
        early_payment_discount_percent = "2.5"
        [kiosk]
        language = "en"
        """,
    )

    settings = load_settings(path)

    assert settings.sap.base_url == "https://sap.example.mx:50000/b1s/v2/"
    assert settings.sap.page_size == 250
    assert settings.payments.early_payment_discount_percent == Decimal("2.5")
    assert settings.kiosk.language == "en"


def test_environment_overrides_one_key_and_keeps_the_rest_of_the_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = write(tmp_path, '[sap]\ncompany_db = "SBO_FILE"\npage_size = 250\n')
    monkeypatch.setenv("KIOSK_SAP__PAGE_SIZE", "50")

    settings = load_settings(path)

    assert settings.sap.page_size == 50
    assert settings.sap.company_db == "SBO_FILE"


def test_config_path_comes_from_argument_then_environment(monkeypatch: pytest.MonkeyPatch):
    assert config_path_from(None) is None
    monkeypatch.setenv("KIOSK_CONFIG", "/etc/kiosk/from-env.toml")
    assert config_path_from(None) == Path("/etc/kiosk/from-env.toml")
    assert config_path_from("/tmp/arg.toml") == Path("/tmp/arg.toml")


def test_bad_value_in_file_names_the_key(tmp_path: Path):
    path = write(tmp_path, "[sap]\npage_size = 0\n")

    with pytest.raises(SettingsError) as raised:
        load_settings(path)

    message = str(raised.value)
    assert "sap.page_size" in message and "greater than or equal to 1" in message
    assert "\n" not in message


def test_bad_value_in_environment_names_the_key(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KIOSK_KIOSK__LANGUAGE", "fr")

    with pytest.raises(SettingsError, match=r"kiosk\.language: Input should be 'es' or 'en'"):
        load_settings(None)


def test_the_kiosk_number_defaults_to_1_and_must_be_1_to_99(monkeypatch: pytest.MonkeyPatch):
    assert load_settings(None).payments.kiosk_number == 1
    monkeypatch.setenv("KIOSK_PAYMENTS__KIOSK_NUMBER", "7")
    assert load_settings(None).payments.kiosk_number == 7

    for bad, problem in (("0", "greater than or equal to 1"), ("100", "less than or equal to 99")):
        monkeypatch.setenv("KIOSK_PAYMENTS__KIOSK_NUMBER", bad)
        with pytest.raises(
            SettingsError, match=rf"payments\.kiosk_number: Input should be {problem}"
        ):
            load_settings(None)


def test_unknown_key_is_named(tmp_path: Path):
    path = write(tmp_path, "[sap]\npagesize = 20\n")

    with pytest.raises(SettingsError, match=r"sap\.pagesize: unknown setting"):
        load_settings(path)


def test_secret_values_never_appear_in_errors(tmp_path: Path):
    path = write(tmp_path, '[sap]\npassword = 12345\n[smtp]\npassword = ["hunter2"]\n')

    with pytest.raises(SettingsError) as raised:
        load_settings(path)

    assert "sap.password" in str(raised.value)
    assert "12345" not in str(raised.value) and "hunter2" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[sap\n", "not valid TOML"),
        ('[sap]\nbase_url = "http://sap/api"\n', "sap.base_url: must look like"),
        ('[database]\nurl = "mysql://x"\n', "database.url: must start with"),
        ('[payments]\nqr_format = "bitcoin"\n', "payments.qr_format"),
    ],
)
def test_other_bad_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, problem: str):
    monkeypatch.delenv("KIOSK_DATABASE__URL")
    with pytest.raises(SettingsError, match=problem):
        load_settings(write(tmp_path, text))


def test_missing_file_is_named(tmp_path: Path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_verify_accepts_false_or_an_existing_ca_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("KIOSK_SAP__VERIFY", "false")
    assert load_settings(None).sap.verify is False
    monkeypatch.setenv("KIOSK_SAP__VERIFY", str(bundle))
    assert load_settings(None).sap.verify == bundle
    monkeypatch.setenv("KIOSK_SAP__VERIFY", str(tmp_path / "missing.pem"))
    with pytest.raises(SettingsError, match=r"sap\.verify: must be true, false, or the path"):
        load_settings(None)


def test_the_example_file_is_valid():
    example = Path(__file__).parents[3] / "resources" / "kiosk.example.toml"

    settings = load_settings(example)

    assert settings.company.name
    assert settings.sap.billing_channel_field == "U_BillingChannel"
