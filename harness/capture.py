"""Keep every DUIS message a run exchanges, byte for byte, for checking with other tools.

``DSP_CONFORMANCE_CAPTURE=DIR`` (or ``dsp-conformance run --capture DIR``) makes each runner
process write, per exchange, the request exactly as it travelled (signed, not indented) and
the synchronous response, as ``DIR/<pid>-<n>-<SRV>-CV<cv>[-<fault>].request.xml`` and
``….response.xml``, with the sender's XML-signing certificate as ``….signer.pem``. A
request the harness corrupted on purpose (an envelope fault) carries the fault in its name,
so a check of what the harness emits can set those aside.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path

from harness.adapters.base import EnvelopeFault
from harness.domain.requests import ServiceRequest

# (request, envelope fault, request bytes, response bytes, the sender's XML-signing
# certificate in PEM if the harness holds it)
Capture = Callable[[ServiceRequest, EnvelopeFault | None, bytes, bytes | None, bytes | None], None]

_numbers = itertools.count(1)  # per process: every World of a runner writes to one folder


def capture_to(folder: Path) -> Capture:
    """A capture writing into ``folder`` (created if needed)."""
    folder.mkdir(parents=True, exist_ok=True)

    def capture(
        request: ServiceRequest,
        fault: EnvelopeFault | None,
        raw_request: bytes,
        raw_response: bytes | None,
        signer_pem: bytes | None,
    ) -> None:
        name = f"{os.getpid()}-{next(_numbers)}-{request.srv}-CV{request.command_variant}"
        if fault is not None:
            name += f"-{fault.name.lower()}"
        (folder / f"{name}.request.xml").write_bytes(raw_request)
        if raw_response is not None:
            (folder / f"{name}.response.xml").write_bytes(raw_response)
        if signer_pem is not None:
            (folder / f"{name}.signer.pem").write_bytes(signer_pem)

    return capture


def emitted(folder: Path) -> tuple[list[Path], list[Path]]:
    """The captured requests: (sent as the harness means them, corrupted on purpose)."""
    requests = sorted(folder.glob("*.request.xml"))
    faulty = [p for p in requests if any(f.name.lower() in p.name for f in EnvelopeFault)]
    return [p for p in requests if p not in faulty], faulty
