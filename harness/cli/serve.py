"""``dsp-conformance serve``: the reference DSP over HTTP, for the harness or a DSP team."""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket

from harness.errors import ConfigurationError
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


def is_loopback(host: str) -> bool:
    try:
        return all(
            ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(host, None)
        )
    except (OSError, ValueError):
        return False


def command_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from harness.duis.schema import load_schema
    from harness.server.app import create_app
    from harness.server.service import ServedDsp

    profile = resolve(args.profile)
    token = os.environ.get(args.token_env) or None
    if not is_loopback(args.host) and token is None:
        raise ConfigurationError(
            f"refusing to expose the test-control API on {args.host} without a token: "
            f"set {args.token_env} (clients send 'Authorization: Bearer <token>')"
        )
    if not args.no_schema:
        load_schema()  # fails now, clearly, if the DUIS XSD cannot be found
    app = create_app(ServedDsp(profile, schema=not args.no_schema), token=token)
    print(
        f"dsp-conformance: serving the reference DSP ({profile.name}) on http://{args.host}:{args.port}"
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
