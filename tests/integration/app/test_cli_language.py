"""The command line speaks the settings' language: Spanish by default, English when set, its
help included; every text it writes comes from the catalogue."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.app.cli import main
from kiosk.app.settings import load_settings
from kiosk.app.wiring import open_store
from kiosk.language.catalogue import LANGUAGES, Texts
from tests.builders import make_customer, make_invoice

CLI = Path(__file__).parents[3] / "kiosk" / "app" / "cli"
TODAY = date.today()


@pytest.fixture
def cache() -> None:
    store = open_store(load_settings(None).database)
    store.upsert_customers([make_customer("C001")])
    store.upsert_invoices([make_invoice(1, doc_num=5001, due_date=TODAY - timedelta(days=3))])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def help_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def english_settings(tmp_path: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nlanguage = "en"\n', encoding="utf-8")
    return config


def test_without_a_language_set_the_help_is_spanish(capsys):
    top = help_text(capsys)
    sync = help_text(capsys, "sync")

    assert "Quiosco de facturación para SAP Business One." in top
    assert "consultar las facturas de la copia local" in top and "COMANDO" in top
    assert "--config RUTA" in top and "look up cached invoices" not in top
    assert "volver a leer todo y conciliar" in sync
    assert "no entregar después las facturas nuevas" in sync and "print JSON" not in sync


def test_the_language_in_the_config_file_gives_english_help(capsys, tmp_path):
    config = str(english_settings(tmp_path))

    top = help_text(capsys, "--config", config)
    sync = help_text(capsys, f"--config={config}", "sync")

    assert "Billing kiosk for SAP Business One." in top and "look up cached invoices" in top
    assert "COMMAND" in top and "Quiosco" not in top
    assert "re-read everything and reconcile" in sync and "conciliar" not in sync


def test_without_a_language_set_the_output_is_spanish(capsys, cache):
    code, out, _ = run(capsys, "invoices", "search", "5001")
    assert code == 0
    assert out.split()[:3] == ["Número", "Fecha", "Vence"] and "vencida hace 3 d" in out

    code, out, _ = run(capsys, "invoices", "show", "5001")
    assert "Factura 5001" in out and "Saldo a pagar" in out and "Vencimiento" in out

    code, out, _ = run(capsys, "status")
    assert "todavía no se ha sincronizado con SAP" in out
    assert "bandeja de salida: 0 en espera, 0 rechazados por SAP" in out


def test_kiosk_language_en_gives_english_output(capsys, cache, monkeypatch):
    monkeypatch.setenv("KIOSK_KIOSK__LANGUAGE", "en")

    code, out, _ = run(capsys, "invoices", "search", "5001")
    assert code == 0
    assert out.split()[:3] == ["Number", "Posted", "Due"] and "overdue 3 d" in out

    code, out, _ = run(capsys, "status")
    assert "never synced with SAP" in out and "outbox: 0 pending, 0 parked" in out


def test_the_errors_the_command_line_writes_are_in_the_language(capsys, cache, monkeypatch):
    with pytest.raises(SystemExit) as exited:
        main(["invoices", "show", "0"])
    assert exited.value.code == 2
    assert "'0' debe ser 1 o mayor" in capsys.readouterr().err

    code, _, err = run(capsys, "sync")
    assert code == 2 and "falta configurar sap.base_url" in err

    monkeypatch.setenv("KIOSK_KIOSK__LANGUAGE", "en")
    with pytest.raises(SystemExit):
        main(["invoices", "show", "0"])
    assert "'0' must be 1 or more" in capsys.readouterr().err


def test_spanish_labels_keep_their_values_in_one_column(capsys, cache):
    _, out, _ = run(capsys, "invoices", "show", "5001")

    lines = out.splitlines()
    starts = set()
    for label in ("Cliente", "Fecha de emisión", "Estado", "Subtotal", "Saldo a pagar"):
        [line] = [line for line in lines if line.startswith(f"{label} ")]
        starts.add(len(line) - len(line.removeprefix(label).lstrip()))
    assert len(starts) == 1


def test_unusable_settings_still_give_help_in_the_default_language(capsys, tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nlanguage = "fr"\n', encoding="utf-8")

    assert "Quiosco de facturación" in help_text(capsys, "--config", str(config))
    code, out, err = run(capsys, "--config", str(config), "status")
    assert code == 2 and out == ""
    assert err.startswith("kiosk: invalid setting kiosk.language") and err.count("\n") == 1


def cli_keys_named_in_the_code() -> set[str]:
    named: set[str] = set()
    for module in CLI.glob("*.py"):
        named |= set(re.findall(r"""["'](cli_\w+)["']""", module.read_text(encoding="utf-8")))
    return named


def cli_keys_in_the_catalogue(language: str) -> set[str]:
    source = Path(__file__).parents[3] / "resources" / "locale" / language / "LC_MESSAGES"
    text = (source / "kiosk.po").read_text(encoding="utf-8")
    return set(re.findall(r'^msgid "(cli_\w+)"', text, flags=re.MULTILINE))


def test_every_cli_key_in_the_code_is_in_every_language_and_none_is_left_over():
    named = cli_keys_named_in_the_code()

    assert len(named) > 150
    for language in LANGUAGES:
        assert cli_keys_in_the_catalogue(language) == named, language
        texts = Texts(language)
        assert all(texts[key] for key in named)


def test_the_spanish_texts_are_translations_not_copies():
    spanish, english = Texts("es"), Texts("en")
    # The same word in both languages, or nothing but placeholders ("{name}: {state}").
    same_in_both = {
        "cli_column_id",
        "cli_column_total",
        "cli_label_total",
        "cli_doctor_ok",
        "cli_printer",
        # The SAT's words, which Mexican customers know in either language.
        "cli_label_fiscal_uuid",
        "cli_label_cfdi_file",
    }

    copies = {key for key in cli_keys_named_in_the_code() if spanish[key] == english[key]}
    assert copies == same_in_both
