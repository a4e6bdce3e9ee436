"""Compiles the catalogue's .po files into the .mo files the kiosk reads (Babel, at build time).

Run it after editing any resources/locale/<language>/LC_MESSAGES/kiosk.po:
    .venv/bin/python build_scripts/compile_translations.py [--check]
Babel comes with the `test` extra; the kiosk itself reads the .mo with the standard library's
gettext. `--check` writes nothing and exits 1 when a committed .mo differs from its .po
(tests/unit/language/test_catalogue.py checks the same).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "resources" / "locale"
DOMAIN = "kiosk"


def message_sources(locale: Path = LOCALE) -> list[Path]:
    """Every language's .po file, in the order of their folders' names."""
    return sorted(locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compiled(po_file: Path) -> bytes:
    """The .mo bytes of a .po file; an untranslated or fuzzy message is left out (so missing)."""
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=po_file.parent.parent.name, domain=DOMAIN)
    target = io.BytesIO()
    write_mo(target, catalog, use_fuzzy=False)
    return target.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args(argv)
    stale = []
    for po_file in message_sources():
        mo_file = po_file.with_suffix(".mo")
        wanted = compiled(po_file)
        if mo_file.exists() and mo_file.read_bytes() == wanted:
            continue
        stale.append(mo_file)
        if not args.check:
            mo_file.write_bytes(wanted)
            print(f"wrote {mo_file.relative_to(ROOT)}")
    if args.check and stale:
        names = ", ".join(str(path.relative_to(ROOT)) for path in stale)
        print(f"out of date: {names}; run build_scripts/compile_translations.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
