"""What the kiosk does: use cases that reach the outside world only through ports."""
