"""Composition root: settings, command line, logging and wiring; nothing imports it."""
