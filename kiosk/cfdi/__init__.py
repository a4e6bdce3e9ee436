"""Mexico's CFDI files: the stamped XML read safely into the domain model, and RFC checks."""

from kiosk.cfdi.rfc import InvalidRfc, check_rfc
from kiosk.cfdi.xml_reader import UnreadableCfdi, read_cfdi

__all__ = ["InvalidRfc", "UnreadableCfdi", "check_rfc", "read_cfdi"]
