"""Billing kiosk for SAP Business One: the package version, and nothing else."""

__version__ = "0.1.0"
