"""DNS look-ups of the sender domain's mail records (TXT, MX) through dnspython, with a timeout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.services.errors import ExternalUnavailable

if TYPE_CHECKING:  # dnspython is some 60 modules: loaded by `kiosk doctor`, not at start-up
    import dns.resolver


class DnsRecords:
    """The system's resolver (or the given nameservers), asked with a short timeout:
    `kiosk doctor` must not hang."""

    def __init__(
        self, timeout_seconds: float = 3.0, *, nameservers: tuple[str, ...] = (), port: int = 53
    ) -> None:
        self._timeout = timeout_seconds
        self._nameservers = nameservers
        self._port = port
        self._resolver: dns.resolver.Resolver | None = None

    def __call__(self, name: str, record_type: str) -> list[str]:
        """The records of a type at a name as text ([] when there are none); MX as
        "preference host". ExternalUnavailable when DNS does not answer."""
        import dns.exception
        import dns.resolver

        try:
            answer = self._system_resolver().resolve(name, record_type, lifetime=self._timeout)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except (dns.exception.DNSException, OSError) as error:
            raise ExternalUnavailable(
                f"DNS did not answer for {name} ({type(error).__name__})", code="dns"
            ) from None
        if record_type == "TXT":
            return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]
        if record_type == "MX":
            return [f"{rdata.preference} {rdata.exchange.to_text(omit_final_dot=True)}"
                    for rdata in answer]  # fmt: skip
        return [rdata.to_text() for rdata in answer]

    def _system_resolver(self) -> dns.resolver.Resolver:
        import dns.exception
        import dns.resolver

        if self._resolver is None:
            try:
                resolver = dns.resolver.Resolver(configure=not self._nameservers)
            except dns.exception.DNSException as error:  # no resolv.conf, no nameservers
                raise ExternalUnavailable(
                    f"DNS did not answer (no resolver configured: {type(error).__name__})",
                    code="dns",
                ) from None
            if self._nameservers:
                resolver.nameservers = list(self._nameservers)
                resolver.port = self._port
            self._resolver = resolver
        return self._resolver
