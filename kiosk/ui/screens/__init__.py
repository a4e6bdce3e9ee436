"""The kiosk screens, one per file."""
