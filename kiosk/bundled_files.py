"""Where the files shipped beside the code live: the source checkout, or the frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def bundle_root() -> Path:
    """The folder holding resources/ and sqlite/ (PyInstaller unpacks them into _MEIPASS)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a file under resources/ (fonts, logo, style sheet, translations)."""
    return bundle_root().joinpath("resources", *parts)


def migrations_path() -> Path:
    """Path of the Alembic migrations folder."""
    return bundle_root() / "sqlite" / "migrations"
