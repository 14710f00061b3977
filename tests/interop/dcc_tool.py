"""The DCC Boxed signing and validation tool, built at test time and driven in one JVM.

The tool's source (``../shared/dcc-tools/dccboxed-signing-tool``) is compiled with ``javac``
alone (``Server.java`` is left out: it needs gson) into ``.tools/dcc-tool/<hash>/``, cached
by a hash of the sources and of our driver. ``DccToolDriver.java`` (ours, beside this file)
calls ``Validate.main_aux`` / ``Sign.main_aux`` once per document in a single JVM, so a JVM
start and the XSD load (1-2 s) are paid once per test session.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.interop.peers import TOOLS, PeerUnavailable, built_once, dcc_tools_dir, digest

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "DccToolDriver.java"
SUCCESS = 0
_JOB_TIMEOUT = 60.0


@dataclass(frozen=True)
class PeerVerdict:
    """What the DCC tool said about one document."""

    code: int  # the tool's ResultCode: 0 success, 2 error, 3 missing key, 10 validation failure
    stderr: tuple[str, ...]
    output: bytes  # Validate: the document without its signature; Sign: the signed document

    @property
    def ok(self) -> bool:
        return self.code == SUCCESS

    def reason(self) -> str:
        return " | ".join(self.stderr) or f"result code {self.code}"


class DccToolError(Exception):
    """The tool could not be built or run, or it refused a document it was asked to sign."""


def source_dir() -> Path:
    return dcc_tools_dir() / "dccboxed-signing-tool" / "src" / "main"


def build() -> Path:
    """The folder holding ``xmldsig.jar`` and the compiled driver (built if needed)."""
    source = source_dir()
    java_files = sorted(p for p in (source / "java").rglob("*.java") if p.name != "Server.java")
    if not java_files:
        raise PeerUnavailable(f"the DCC Boxed signing tool's source is not at {source}")
    resources = sorted(p for p in (source / "resources").rglob("*") if p.is_file())
    cache = TOOLS / "dcc-tool"
    target = cache / digest([*java_files, *resources, DRIVER])

    def make(work: Path) -> None:
        classes = work / "classes"
        classes.mkdir()
        _run(["javac", "-nowarn", "-d", str(classes), *map(str, java_files)])
        shutil.copytree(source / "resources", classes, dirs_exist_ok=True)
        _run(["jar", "cf", str(work / "xmldsig.jar"), "-C", str(classes), "."])
        _run(["javac", "-nowarn", "-cp", str(work / "xmldsig.jar"), "-d", str(work), str(DRIVER)])
        shutil.rmtree(classes)

    def ready(folder: Path) -> bool:
        return (folder / "xmldsig.jar").is_file() and (folder / "DccToolDriver.class").is_file()

    return built_once(cache, target, ready, make)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise DccToolError(
            f"{command[0]} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[:2000]}"
        )


class DccTool:
    """One JVM running ``DccToolDriver``; :meth:`validate` and :meth:`sign` batch documents."""

    def __init__(self, built: Path) -> None:
        self._work = Path(tempfile.mkdtemp(prefix="dcc-tool-"))
        self._lock = threading.Lock()
        self._count = 0
        self._process = subprocess.Popen(
            [
                "java",
                "-Djava.security.manager=allow",
                "-cp",
                f"{built / 'xmldsig.jar'}{os.pathsep}{built}",
                "DccToolDriver",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        self._pending = b""

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._work, ignore_errors=True)

    # -- the tool's two commands -----------------------------------------------------------
    def validate(
        self, documents: Sequence[bytes], signer_pem: Path | None = None
    ) -> list[PeerVerdict]:
        """``Validate`` each document (XSD + signature), against ``signer_pem`` if given,
        else the tool's built-in ZAZ1 certificates looked up by serial."""
        extra = [] if signer_pem is None else [str(signer_pem)]
        return self._batch("validate", documents, extra)

    def sign_verdicts(
        self,
        documents: Sequence[bytes],
        *,
        preserve_counter: bool = False,
        certificate: Path | None = None,
        key: Path | None = None,
    ) -> list[PeerVerdict]:
        """``Sign`` each document as the tool does: as the ZAZ1 User its RequestID names
        (or ``certificate`` + ``key``), with the counter set to the current time in ms unless
        ``preserve_counter``."""
        extra = ["--preserveCounter"] if preserve_counter else []
        if certificate is not None:
            extra.append(str(certificate))
            if key is not None:
                extra.append(str(key))
        return self._batch("sign", documents, extra)

    def sign(self, documents: Sequence[bytes], **options: object) -> list[bytes]:
        """The signed documents; :class:`DccToolError` when the tool refuses one."""
        verdicts = self.sign_verdicts(documents, **options)  # type: ignore[arg-type]
        refused = [(i, v) for i, v in enumerate(verdicts) if not v.ok]
        if refused:
            i, v = refused[0]
            raise DccToolError(f"the DCC tool would not sign document {i}: {v.reason()}")
        return [v.output for v in verdicts]

    # -- the driver protocol ---------------------------------------------------------------
    def _batch(self, mode: str, documents: Sequence[bytes], extra: list[str]) -> list[PeerVerdict]:
        with self._lock:
            jobs = []
            for document in documents:
                self._count += 1
                source = self._work / f"{self._count}.xml"
                source.write_bytes(document)
                out = self._work / f"{self._count}.out"
                jobs.append(out)
                self._send("\t".join([mode, str(out), str(source), *extra]) + "\n")
            verdicts = []
            for out in jobs:
                code = int(self._read_line())
                err = out.with_name(out.name + ".err")
                verdicts.append(
                    PeerVerdict(
                        code=code,
                        stderr=tuple(err.read_text(errors="replace").splitlines()),
                        output=out.read_bytes(),
                    )
                )
                for path in (out, err, out.with_suffix(".xml")):
                    path.unlink(missing_ok=True)
            return verdicts

    def _send(self, line: str) -> None:
        if self._process.poll() is not None:
            raise DccToolError(f"the DCC tool driver exited ({self._process.returncode})")
        assert self._process.stdin is not None
        self._process.stdin.write(line.encode())

    def _read_line(self) -> str:
        assert self._process.stdout is not None
        deadline = time.monotonic() + _JOB_TIMEOUT
        while b"\n" not in self._pending:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._process.stdout], [], [], max(left, 0))
            if not ready:
                raise DccToolError(f"the DCC tool driver gave no answer in {_JOB_TIMEOUT:.0f} s")
            chunk = os.read(self._process.stdout.fileno(), 4096)
            if not chunk:
                raise DccToolError(f"the DCC tool driver exited ({self._process.poll()})")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode().strip()
