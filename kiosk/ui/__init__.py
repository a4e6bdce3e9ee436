"""PySide6 screens and widgets; talks to services through the background runner only."""
