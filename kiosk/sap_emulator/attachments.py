"""Attachments2 files over HTTP: multipart uploads in, bytes out with their content type."""

from __future__ import annotations

import re

from kiosk.sap_emulator.errors import ServiceLayerFault

CONTENT_TYPES = {
    "xml": "application/xml",
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
}
_BOUNDARY = re.compile(r';\s*boundary=("?)([^";]+)\1', re.IGNORECASE)
_FILE_NAME = re.compile(r'filename="([^"]*)"', re.IGNORECASE)


class QuotedBoundary(Exception):
    """A multipart body whose boundary parameter is quoted: SAP's web server answers 405."""


def content_type_of(file_name: str) -> str:
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def is_upload(content_type: str) -> bool:
    return content_type.lower().startswith("multipart/form-data")


def requested_file_name(value: str | None) -> str | None:
    """The `filename='FA5001.xml'` of a $value request, unquoted; None for the first line."""
    if value is None:
        return None
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def uploaded_files(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """The files of a multipart/form-data body, by the file name each part gives."""
    boundary = _BOUNDARY.search(content_type)
    if boundary is None:
        raise ServiceLayerFault(400, -1000, "Multipart body without a boundary")
    if boundary.group(1):
        raise QuotedBoundary()
    delimiter = b"--" + boundary.group(2).encode()
    files = []
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, separator, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        name = _FILE_NAME.search(head.decode("utf-8", "replace"))
        if not separator or name is None or not name.group(1):
            raise ServiceLayerFault(400, -1000, "Multipart part without a file name")
        files.append((name.group(1), content.removesuffix(b"\r\n")))
    if not files:
        raise ServiceLayerFault(400, -1000, "Multipart body without files")
    return files
