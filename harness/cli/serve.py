"""``dsp-conformance serve``: the reference DSP over HTTP, for the harness or a DSP team."""

from __future__ import annotations

import argparse
import gc
import ipaddress
import os
import socket
from pathlib import Path

from harness.adapters.provisioning import Provision
from harness.adapters.target_config import load_xml_signer
from harness.cli import serve_latency
from harness.duis.xml_signer import XmlSigner
from harness.errors import ConfigurationError
from harness.mutants import with_mutant
from harness.reference.profiles import resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--profile", default="baseline")
    parser.add_argument(
        "--token-env",
        default="DSP_CONFORMANCE_TOKEN",
        help="environment variable holding the test-control token (required off loopback)",
    )
    parser.add_argument("--no-schema", action="store_true", help="do not validate against the XSD")
    parser.add_argument("--mutant", help="serve this mutant DSP (docs/mutants.md) instead")
    parser.add_argument(
        "--preset",
        choices=["zaz1"],
        help="start with provider states already set: zaz1 = DCC Boxed's Users (supplier "
        "90-B3-D5-1F-30-01-00-00, network operator 90-B3-D5-1F-30-02-00-00, other user "
        "00-DB-12-34-56-78-00-04) and every ZAZ1 certificate in --zaz1-dir",
    )
    parser.add_argument(
        "--zaz1-dir",
        type=Path,
        help="the DCC's ZAZ1 test PKI folder (e.g. ../shared/duis/zaz1), read in place",
    )
    parser.add_argument(
        "--binding",
        type=Path,
        help="start holding what this target configuration's [binding] declares (its Users "
        "and their certificates, devices, registrations, held certificates, clock), as a DSP "
        "build set up by its team would (docs/binding.md)",
    )
    parser.add_argument(
        "--response-url",
        help="where the preset's and the binding's Users receive asynchronous responses "
        "(their receive-response endpoint), e.g. http://127.0.0.1:18099/responses",
    )
    parser.add_argument(
        "--no-test-control",
        action="store_true",
        help="serve no test-control API (a DSP the harness cannot provision, inspect or "
        "move the clock of, like a DSP build or DCC Boxed)",
    )
    parser.add_argument(
        "--sign-key",
        type=Path,
        help="sign responses with this key (PEM or DER PKCS#8), e.g. a ZAZ1 "
        "dsp-xml-sign-90B3D51F30000002-ds.key; with --sign-cert",
    )
    parser.add_argument("--sign-cert", type=Path, help="the certificate of --sign-key")
    parser.add_argument(
        "--s1sp-key",
        type=Path,
        help="the S1SP's XML-signing key for SMETS1SignedResponse and S1SPAlert; with --s1sp-cert",
    )
    parser.add_argument("--s1sp-cert", type=Path, help="the certificate of --s1sp-key")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="add the harness's <?dsp-conformance?> explanation to responses (evidence only; "
        "no verdict reads it)",
    )
    parser.add_argument(
        "--keep-responses",
        type=Path,
        help="write every response the served DSP gives (signed, as sent) into this folder",
    )
    parser.add_argument(
        "--state",
        type=Path,
        help="SQLite state file: the DSP's state survives a crash or restart (mode 0600: it "
        "holds the served DSP's response-signing key; see docs/reliability.md)",
    )
    serve_latency.add_arguments(parser)


def is_loopback(host: str) -> bool:
    try:
        return all(
            ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None)
        )
    except (OSError, ValueError):
        return False


def _check_port_free(host: str, port: int) -> None:
    """Fail with one line now rather than a server log line later."""
    if not 0 <= port <= 65535:
        raise ConfigurationError(f"--port {port}: a TCP port is 0..65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind(infos[0][4])
    except OSError as exc:
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _preset(name: str | None, zaz1_dir: Path | None) -> list[Provision]:
    if name is None:
        if zaz1_dir is not None:
            raise ConfigurationError("--zaz1-dir needs --preset zaz1")
        return []
    if zaz1_dir is None:
        raise ConfigurationError(
            "--preset zaz1 needs --zaz1-dir DIR: the DCC's ZAZ1 test PKI folder "
            "(e.g. ../shared/duis/zaz1)"
        )
    from harness import zaz1

    return zaz1.load(zaz1_dir).provisioning()


def _identity(key: Path | None, certificate: Path | None, what: str) -> XmlSigner | None:
    """A signing identity read from the files the user names (never copied)."""
    if key is None and certificate is None:
        return None
    if key is None or certificate is None:
        raise ConfigurationError(f"{what}: give both the key and the certificate")
    return load_xml_signer(key, certificate, what)


def _folder(path: Path | None) -> Path | None:
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"--keep-responses {path}: {exc.strerror or exc}") from None
    return path


HEAP_THRESHOLDS = (20_000, 20, 20)  # Python's are (700, 10, 10)


def settle_heap() -> None:
    """After start-up (the XSD, the PKI, a replayed journal): what exists now lives as long
    as the server, so the collector stops scanning it (``gc.freeze``), and runs the young
    generation every 20,000 allocations instead of 700. Requests free their garbage by
    reference counting; at Python's thresholds a collection ran every ~45 requests under
    load (0.6 % of the time, up to 1.3 ms each, and a full one over the whole heap now and
    then), at these about every 2,000."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*HEAP_THRESHOLDS)


def command_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from harness.duis.schema import load_schema
    from harness.server.app import create_app
    from harness.server.latency import Latency
    from harness.server.service import Identities, ServedDsp

    profile, faults = with_mutant(resolve(args.profile), args.mutant)
    token = os.environ.get(args.token_env) or None
    if not is_loopback(args.host) and token is None:
        raise ConfigurationError(
            f"refusing to expose the test-control API on {args.host} without a token: "
            f"set {args.token_env} (clients send 'Authorization: Bearer <token>')"
        )
    if not args.no_schema:
        load_schema()  # fails now, clearly, if the DUIS XSD cannot be found
    _check_port_free(args.host, args.port)
    journal = None
    if args.state is not None:
        from harness.server.journal import Journal

        journal = Journal(args.state, mutant=args.mutant)
        print(f"dsp-conformance: state file {args.state}: replaying {journal.count()} entries")
    preset = _preset(args.preset, args.zaz1_dir)
    if args.binding is not None:
        from harness.binding import load_binding, provisioning

        declared = load_binding(args.binding)
        if declared is None:
            raise ConfigurationError(f"--binding {args.binding}: the file has no [binding]")
        preset += provisioning(declared)
    latency_model = serve_latency.model_from(args)
    identities = Identities(
        dsp=_identity(args.sign_key, args.sign_cert, "--sign-key/--sign-cert"),
        s1sp=_identity(args.s1sp_key, args.s1sp_cert, "--s1sp-key/--s1sp-cert"),
    )
    service = ServedDsp(
        profile,
        schema=not args.no_schema,
        journal=journal,
        faults=faults,
        preset=preset,
        identities=identities,
        explain=args.explain,
        keep_responses=_folder(args.keep_responses),
        response_url=args.response_url,
    )
    app = create_app(
        service,
        token=token,
        test_control=not args.no_test_control,
        latency=Latency(latency_model, args.latency_log),
    )
    print(
        f"dsp-conformance: serving the reference DSP ({profile.name}) on http://{args.host}:{args.port}"
        + (f" with mutant {args.mutant}" if args.mutant else "")
        + (f", preset {args.preset} from {args.zaz1_dir}" if args.preset else "")
        + (f", binding {args.binding}" if args.binding else "")
        + (", no test-control API" if args.no_test_control else "")
        + ("" if latency_model.zero else f"; latency: {latency_model.describe()}")
    )
    settle_heap()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
