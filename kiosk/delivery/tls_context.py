"""The TLS settings of the kiosk's mail connections: verified unless a setting says otherwise."""

from __future__ import annotations

import ssl
from pathlib import Path


def tls_context(verify: bool | Path) -> ssl.SSLContext:
    """Certificates checked against the system's CAs, or a CA bundle file; False turns it off."""
    context = ssl.create_default_context(cafile=str(verify) if isinstance(verify, Path) else None)
    if verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context
