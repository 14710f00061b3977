"""The DUIS/HTTP adapter reaches a real endpoint over TLS with a client certificate
(mutual TLS), as a DSP test environment requires, and refuses a server it cannot trust."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness.adapters.http import DuisHttpAdapter
from harness.adapters.target_config import load_target_config
from harness.errors import ConfigurationError, Inconclusive

NOW = dt.datetime.now(dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _issue(
    subject: str,
    issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool = False,
    ip: str | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer[0].subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ip:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(ip))]), critical=False
        )
    return builder.sign(issuer[1] if issuer else key, hashes.SHA256()), key


def _write(
    path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | None = None
) -> None:
    path.with_suffix(".pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        path.with_suffix(".key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


@pytest.fixture
def tls_target(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    ca = _issue("Test CA", None, ca=True)
    server = _issue("127.0.0.1", ca, ip="127.0.0.1")
    client = _issue("harness", ca)
    _write(tmp_path / "ca", ca[0])
    _write(tmp_path / "server", *server)
    _write(tmp_path / "client", *client)
    seen: list[str | None] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            peer = self.connection.getpeercert()  # type: ignore[attr-defined]
            seen.append(str(peer.get("subject")) if peer else None)
            body = json.dumps({"provision": False}).encode() if "capabilities" in self.path else b""
            self.send_response(200 if body else 404)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    context.load_verify_locations(tmp_path / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED  # mutual TLS
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}", tmp_path
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert any(s and "harness" in s for s in seen) or not seen


def _config(directory: Path, body: str) -> Path:
    path = directory / "target.toml"
    path.write_text(body)
    return path


def test_mutual_tls_with_the_configured_ca_and_client_certificate(
    tls_target: tuple[str, Path],
) -> None:
    url, directory = tls_target
    config = load_target_config(
        _config(
            directory,
            '[target]\ntimeout = 5\nca_bundle = "ca.pem"\n'
            'client_cert = "client.pem"\nclient_key = "client.key"\n',
        )
    )
    with pytest.raises(ConfigurationError, match="no DSP certificate"):
        DuisHttpAdapter(url, config)  # it answered over mutual TLS, and offers no certificate
    adapter = DuisHttpAdapter(url, config, unverified=True)
    try:
        assert adapter.capabilities.provision is False
    finally:
        adapter.close()


def test_an_untrusted_server_is_inconclusive_not_a_traceback(tls_target: tuple[str, Path]) -> None:
    url, directory = tls_target
    config = load_target_config(_config(directory, "[target]\ntimeout = 5\n"))
    with pytest.raises(Inconclusive, match="unreachable"):
        DuisHttpAdapter(url, config)


def test_without_a_client_certificate_the_server_refuses(tls_target: tuple[str, Path]) -> None:
    url, directory = tls_target
    config = load_target_config(_config(directory, '[target]\ntimeout = 5\nca_bundle = "ca.pem"\n'))
    with pytest.raises(Inconclusive):
        DuisHttpAdapter(url, config)
