"""Errors a person can fix by changing what they entered or asked for."""

from __future__ import annotations


class DomainError(Exception):
    """A problem the user can fix; its message is safe to show as it is."""


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""


class InvalidValue(DomainError):
    """A value does not satisfy the rules of the billing domain."""


class NotFound(DomainError):
    """What was asked for does not exist in the local cache."""
