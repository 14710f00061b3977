"""Java's XSD engine on the DUIS 5.4 XSD, as the DCC Boxed tool loads it: a third,
independent validator for the documents libxml2 and ``xmlschema`` disagree on.

``XsdCheckDriver.java`` (ours, beside this file) is compiled with ``javac`` against the DCC
tool's jar (built by :func:`tests.interop.dcc_tool.build`) into ``.tools/xsd-check/<hash>/``
and validates many documents in one JVM; it calls the tool's own ``Util.load_schema``.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.interop import dcc_tool
from tests.interop.peers import TOOLS, built_once, digest

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "XsdCheckDriver.java"
TIMEOUT = 120.0


def build() -> Path:
    """The folder holding the DCC tool's jar and the compiled driver (built if needed)."""
    tool = dcc_tool.build()
    cache = TOOLS / "xsd-check"
    target = cache / digest([DRIVER, tool / "xmldsig.jar"])

    def make(work: Path) -> None:
        shutil.copy2(tool / "xmldsig.jar", work / "xmldsig.jar")
        classpath = str(work / "xmldsig.jar")
        done = subprocess.run(
            ["javac", "-nowarn", "-cp", classpath, "-d", str(work), str(DRIVER)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise dcc_tool.DccToolError(f"javac failed: {done.stderr.strip()[:2000]}")

    def ready(folder: Path) -> bool:
        return (folder / "XsdCheckDriver.class").is_file()

    return built_once(cache, target, ready, make)


class JavaXsd:
    """Validate documents in one JVM: :meth:`check` gives (valid, first error) per document."""

    def __init__(self, built: Path) -> None:
        self._built = built

    def check(self, documents: Sequence[bytes]) -> list[tuple[bool, str]]:
        with tempfile.TemporaryDirectory(prefix="xsd-check-") as folder:
            paths = []
            for index, document in enumerate(documents):
                path = Path(folder) / f"{index}.xml"
                path.write_bytes(document)
                paths.append(str(path))
            done = subprocess.run(
                ["java", "-cp", f"{self._built / 'xmldsig.jar'}:{self._built}", "XsdCheckDriver"],
                input="\n".join(paths) + "\n",
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        lines = done.stdout.split("\n")[:-1]
        if done.returncode != 0 or len(lines) != len(documents):
            raise dcc_tool.DccToolError(
                f"the Java XSD check answered {len(lines)} of {len(documents)} "
                f"(exit {done.returncode}): {done.stderr.strip()[:500] or done.stdout[:500]}"
            )
        answers = []
        for line in lines:
            verdict, _, message = line.partition("\t")
            if verdict not in ("valid", "invalid"):
                raise dcc_tool.DccToolError(f"the Java XSD check: {line[:500]}")
            answers.append((verdict == "valid", message))
        return answers

    def close(self) -> None:
        return None
