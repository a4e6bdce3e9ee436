"""The kiosk's words in every language it speaks: one catalogue for screens, documents, e-mail."""
