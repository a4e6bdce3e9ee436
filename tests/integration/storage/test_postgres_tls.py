"""TLS to a PostgreSQL cache: a private server that accepts TLS connections only, and
`sslmode=verify-full` in database.url honoured by the engine, its error messages and the doctor."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.bundled_files import migrations_path
from kiosk.services.errors import ExternalRejected, ExternalUnavailable
from kiosk.storage.database import connected, create_database_engine
from kiosk.storage.schema_migration import SCHEMA_HEAD, current_revision, ensure_schema

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


def _missing_tools() -> str:
    """Why this machine cannot run a private TLS server, or "" when it can."""
    missing = [name for name in ("initdb", "pg_ctl") if not (POSTGRES_BIN / name).is_file()]
    if missing:
        return f"PostgreSQL binaries {', '.join(missing)} not found in {POSTGRES_BIN}"
    if shutil.which("openssl") is None:
        return "the openssl command (used to make the test certificates) is not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root, and runuser (to run PostgreSQL as `postgres`) is missing"
    return ""


if reason := _missing_tools():
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}: CI must run the PostgreSQL TLS tests", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@dataclass(frozen=True)
class TlsServer:
    """A running private PostgreSQL that only accepts TLS, and what a client needs for it."""

    port: int
    password: str
    ca: Path  # the CA that signed the server's certificate
    other_ca: Path  # a CA that signed nothing the server holds

    def url(self, query: str, host: str = "localhost") -> str:
        return f"postgresql+psycopg://kiosk:{self.password}@{host}:{self.port}/kiosk?{query}"

    @property
    def verified_url(self) -> str:
        return self.url(f"sslmode=verify-full&sslrootcert={self.ca}")


@pytest.fixture(scope="session")
def tls_server() -> Iterator[TlsServer]:
    # Not tmp_path_factory: pytest's base folder is private to the user running the tests, and
    # the server runs as `postgres` when that user is root.
    folder = Path(tempfile.mkdtemp(prefix="kiosk-postgres-tls-"))
    try:
        ca = _make_ca(folder, "ca")
        other_ca = _make_ca(folder, "other-ca")
        _make_server_certificate(folder, ca)
        superuser_password = secrets.token_urlsafe(16)
        (folder / "superuser-password").write_text(superuser_password + "\n")
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            for path in folder.iterdir():
                shutil.chown(path, "postgres")
        data = folder / "data"
        _as_postgres(
            "initdb", "-D", str(data), "-U", "postgres", "--auth=scram-sha-256",
            f"--pwfile={folder / 'superuser-password'}", "-E", "UTF8", "--no-locale",
            "--no-instructions",
        )  # fmt: skip
        port = _free_port()
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                f"unix_socket_directories = '{folder}'\nssl = on\n"
                f"ssl_cert_file = '{folder / 'server.pem'}'\n"
                f"ssl_key_file = '{folder / 'server.key'}'\n"
                "fsync = off\n"
            )
        # TLS or nothing: no `host` (plain or TLS) line, no `hostnossl`, no local sockets.
        (data / "pg_hba.conf").write_text("hostssl all all 127.0.0.1/32 scram-sha-256\n")
        _as_postgres("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "start")
        try:
            password = secrets.token_urlsafe(16)
            _create_kiosk_role(port, superuser_password, ca, password)
            yield TlsServer(port=port, password=password, ca=ca, other_ca=other_ca)
        finally:
            _as_postgres("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_verify_full_connects_over_tls_and_migrates(tls_server):
    engine = create_database_engine(tls_server.verified_url)
    try:
        with connected(engine) as connection:
            encrypted = connection.execute(
                text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).scalar_one()
        ensure_schema(engine, migrations_path())
        assert encrypted is True
        assert current_revision(engine) == SCHEMA_HEAD
    finally:
        engine.dispose()


def test_a_certificate_from_another_ca_is_refused_in_one_line(tls_server):
    message = _connection_error(
        tls_server.url(f"sslmode=verify-full&sslrootcert={tls_server.other_ca}")
    )

    assert "certificate verify failed" in message
    assert tls_server.password not in message and "\n" not in message


def test_a_host_name_the_certificate_does_not_name_is_refused(tls_server):
    # verify-full, not only verify-ca: reach the right server under a name its certificate
    # does not carry (hostaddr connects, host is what the certificate is checked against).
    message = _connection_error(
        tls_server.url(
            f"hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={tls_server.ca}",
            host="cache.example.invalid",
        )
    )

    assert 'server certificate for "localhost"' in message
    assert 'does not match host name "cache.example.invalid"' in message
    assert tls_server.password not in message and "\n" not in message


def test_without_tls_the_server_refuses(tls_server):
    message = _connection_error(tls_server.url("sslmode=disable"))

    assert 'no pg_hba.conf entry for host "127.0.0.1"' in message
    assert "no encryption" in message
    assert tls_server.password not in message and "\n" not in message


def test_doctor_reports_the_database_reachable_over_tls(tls_server, tmp_path):
    engine = create_database_engine(tls_server.verified_url)
    ensure_schema(engine, migrations_path())
    engine.dispose()
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("KIOSK_")
    }
    environment |= {
        "KIOSK_DATABASE__URL": tls_server.verified_url,
        "KIOSK_LOGGING__DIRECTORY": str(tmp_path / "logs"),
        "KIOSK_KIOSK__LANGUAGE": "en",
    }

    doctor = subprocess.run(
        [sys.executable, "-m", "kiosk", "doctor"],
        capture_output=True, text=True, env=environment, timeout=20, check=False,
    )  # fmt: skip

    database = next(line for line in doctor.stdout.splitlines() if " database " in line)
    assert database.startswith(
        f"ok    database  postgresql+psycopg://kiosk:***@localhost:{tls_server.port}/kiosk"
        "?sslmode=verify-full"
    ), doctor.stdout + doctor.stderr
    assert f"at schema {SCHEMA_HEAD}" in database
    assert tls_server.password not in doctor.stdout + doctor.stderr


def _connection_error(url: str) -> str:
    """The kiosk's message when it cannot open a connection to `url`."""
    engine = create_database_engine(url)
    try:
        with pytest.raises((ExternalUnavailable, ExternalRejected)) as refused, connected(engine):
            pass
    finally:
        engine.dispose()
    return str(refused.value)


def _as_postgres(program: str, *arguments: str) -> None:
    """Run a PostgreSQL program, as `postgres` when we are root: the server refuses root."""
    command = [str(POSTGRES_BIN / program), *arguments]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # From "/": `postgres` may not be allowed into the folder the tests run in.
    finished = subprocess.run(
        command, cwd="/", capture_output=True, text=True, timeout=20, check=False
    )
    if finished.returncode != 0:
        log = Path(arguments[arguments.index("-l") + 1]) if "-l" in arguments else None
        server_log = log.read_text() if log is not None and log.exists() else ""
        pytest.fail(f"{program} failed: {finished.stderr}{server_log}", pytrace=False)


def _openssl(folder: Path, *arguments: str) -> None:
    subprocess.run(["openssl", *arguments], cwd=folder, check=True, capture_output=True)


def _make_ca(folder: Path, name: str) -> Path:
    """A self-signed certificate authority, valid for the length of a test run."""
    _openssl(
        folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-keyout", f"{name}.key", "-out", f"{name}.pem", "-subj", f"/CN=Kiosk test {name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    return folder / f"{name}.pem"


def _make_server_certificate(folder: Path, ca: Path) -> None:
    """server.pem and server.key for CN and SAN localhost and 127.0.0.1, signed by `ca`."""
    (folder / "server.ext").write_text(
        "subjectAltName = DNS:localhost, IP:127.0.0.1\nbasicConstraints = CA:FALSE\n"
        "keyUsage = critical, digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\n"
    )
    _openssl(
        folder, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
        "-out", "server.csr", "-subj", "/CN=localhost",
    )  # fmt: skip
    _openssl(
        folder, "x509", "-req", "-in", "server.csr", "-CA", ca.name,
        "-CAkey", ca.with_suffix(".key").name, "-CAcreateserial", "-days", "2",
        "-extfile", "server.ext", "-out", "server.pem",
    )  # fmt: skip
    (folder / "server.key").chmod(0o600)  # PostgreSQL refuses a key others can read


def _create_kiosk_role(port: int, superuser_password: str, ca: Path, password: str) -> None:
    """The kiosk's role and database, made over the server's only way in: verified TLS."""
    url = (
        f"postgresql+psycopg://postgres:{superuser_password}@localhost:{port}/postgres"
        f"?sslmode=verify-full&sslrootcert={ca}"
    )
    server = create_database_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f"CREATE ROLE kiosk LOGIN PASSWORD '{password}'")
            connection.exec_driver_sql("CREATE DATABASE kiosk OWNER kiosk")
    finally:
        server.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
