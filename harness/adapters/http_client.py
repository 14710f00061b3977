"""HTTP plumbing for external DSP endpoints: TLS settings, clients whose every exchange has
a deadline, the checks run before any runner starts, and the target's declared
capabilities."""

from __future__ import annotations

import functools
import ssl
import time
from pathlib import Path

import httpx
from cryptography import x509

from harness.adapters.base import Capabilities
from harness.adapters.deadline import DeadlineTransport
from harness.adapters.receiver import Receiver
from harness.adapters.target_config import TargetConfig, load_target_config
from harness.errors import ConfigurationError, Inconclusive

NO_CAPABILITIES = Capabilities(
    provision=False, move_clock=False, inspect=False, inject_faults=False, xml_envelope=True
)
MAX_ANSWER = 4 << 20  # no answer in scope comes near it; a bigger one is a target fault


def tls_context(config: TargetConfig) -> ssl.SSLContext | bool:
    """TLS settings for httpx: the configured CA bundle and client certificate (mutual
    TLS), or plain verification against the system's CAs. Built once per setting."""
    if isinstance(config.verify, bool) and config.client_cert is None:
        return config.verify
    return _tls_context(config.verify, config.client_cert)


@functools.cache
def _tls_context(verify: bool | str, client_cert: tuple[str, str] | None) -> ssl.SSLContext:
    cafile = verify if isinstance(verify, str) else None
    try:
        context = ssl.create_default_context(cafile=cafile)
        if verify is False:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if client_cert is not None:
            context.load_cert_chain(*client_cert)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"TLS settings unusable: {exc}") from None
    return context


def client_for(base_url: str, config: TargetConfig) -> httpx.Client:
    """An HTTP client whose every exchange ends within ``config.timeout`` seconds."""
    headers = {"authorization": f"Bearer {config.token}"} if config.token else {}
    transport = DeadlineTransport(
        seconds=config.timeout, max_bytes=MAX_ANSWER, verify=tls_context(config), cert=None
    )
    return httpx.Client(
        base_url=base_url, timeout=config.timeout, headers=headers, transport=transport
    )


def preflight(target: str, config_path: Path | None, *, unverified: bool = False) -> str | None:
    """Before any runner starts: a bad --config raises ConfigurationError (bad input), and
    so does a target whose responses there is no DSP certificate to verify (unless the
    user says ``--unverified-signatures``); an unreachable target gives the one line to
    print (the run would only be inconclusive)."""
    config = load_target_config(config_path)
    if not target.startswith(("http://", "https://")):
        return None
    if config.receiver_port:
        Receiver(config.receiver_host, config.receiver_port).close()  # free now, or one line
    try:
        probe(target, config)
        if not config.dsp_certificates and not unverified:
            with client_for(target, config) as client:
                offered = _certificates_at(client, "/test-control/dsp-certificate")
            if not offered:
                raise ConfigurationError(
                    f"no DSP certificate to verify the responses of {target} against: name "
                    "dsp_certificate in the --config file (or pass --unverified-signatures "
                    "to run without checking them)"
                )
    except Inconclusive as exc:
        return str(exc)
    except httpx.HTTPError as exc:
        return f"target {target} unreachable: {exc}"
    return None


def _certificates_at(client: httpx.Client, path: str) -> list[x509.Certificate]:
    """The PEM certificates a test-control path offers (none when it offers nothing)."""
    return certificates_in(client.get(path))


def certificates_in(answer: httpx.Response) -> list[x509.Certificate]:
    """The PEM certificates an answer carries (none unless it is a 200 holding PEM)."""
    if answer.status_code != 200:
        return []
    try:
        return list(x509.load_pem_x509_certificates(answer.content))
    except ValueError:
        return []


def probe(base_url: str, config: TargetConfig) -> None:
    """Inconclusive, with one clear line, unless the target answers HTTP at all."""
    with client_for(base_url, config) as client:
        for attempt in range(config.retries + 1):
            try:
                answer = client.get("/test-control/capabilities")
                capabilities_from(answer, base_url)
                return
            except httpx.ConnectError as exc:
                if attempt == config.retries:
                    raise Inconclusive(f"target {base_url} unreachable: {exc}") from None
                time.sleep(0.5)
            except httpx.TimeoutException:
                raise Inconclusive(
                    f"target {base_url} did not answer within {config.timeout:g} s"
                ) from None
            except httpx.HTTPError as exc:
                raise Inconclusive(f"target {base_url} answered no HTTP: {exc}") from None


def capabilities_from(answer: httpx.Response, name: str) -> Capabilities:
    """What GET /test-control/capabilities says. No such API (404 …): none. A target fault
    (5xx, an answer that is not a JSON object) is Inconclusive, and a refused token is a
    configuration error: neither may turn every scenario into "not applicable"."""
    where = f"target {name} answered GET /test-control/capabilities with"
    if answer.status_code in (401, 403):
        raise ConfigurationError(
            f"{where} HTTP {answer.status_code}: set its test-control token (token_env in "
            "the --config file, default DSP_CONFORMANCE_TOKEN)"
        )
    if answer.status_code >= 500:
        raise Inconclusive(f"{where} HTTP {answer.status_code}: {answer.text[:200]!r}")
    if answer.status_code != 200:
        return NO_CAPABILITIES
    try:
        flags = answer.json()
    except ValueError:
        flags = None
    if not isinstance(flags, dict):
        raise Inconclusive(f"{where} something that is not a JSON object: {answer.text[:80]!r}")
    declared = {k: bool(flags.get(k, False)) for k in NO_CAPABILITIES.__dataclass_fields__}
    return Capabilities(**(declared | {"xml_envelope": True, "cite_requirements": False}))


def reported_profile(base_url: str, config: TargetConfig) -> str | None:
    """The rule profile a target reports at ``GET /health`` (``{"profile": …}``), if any."""
    try:
        with client_for(base_url, config) as client:
            answer = client.get("/health")
        data = answer.json() if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        return None
    profile = data.get("profile") if isinstance(data, dict) else None
    return profile if isinstance(profile, str) and profile else None
