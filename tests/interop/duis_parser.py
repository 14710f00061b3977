"""``@smartdcc/duis-parser`` from npm, installed at test time, driven by our node script.

The package is installed with ``npm`` into ``.tools/duis-parser/<version>/`` (git-ignored);
``duis_parser_driver.js`` (ours, beside this file) parses a batch of documents in one node
process and reports, per document, whether it parsed and which of the package's type guards
hold.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.interop.peers import TOOLS, built_once

PACKAGE = "@smartdcc/duis-parser"
VERSION = "0.6.0"
HERE = Path(__file__).resolve().parent
DRIVER = HERE / "duis_parser_driver.js"


class DuisParserError(Exception):
    """The package could not be installed or the driver failed."""


@dataclass(frozen=True)
class ParserVerdict:
    """What duis-parser made of one document."""

    parsed: bool
    error: str | None
    guards: Mapping[str, bool] = field(default_factory=dict)
    request_id: Mapping[str, Any] | None = None
    body_keys: tuple[str, ...] = ()

    @property
    def response_ok(self) -> bool:
        """Parsed, and the package takes it for a DUIS response with a known body."""
        return self.parsed and self.guards.get("isSimplifiedDuisOutputResponse", False)

    @property
    def request_ok(self) -> bool:
        return self.parsed and self.guards.get("isSimplifiedDuisOutputRequest", False)


def install() -> Path:
    """The folder whose ``node_modules`` holds the pinned package (installed if needed)."""
    cache = TOOLS / "duis-parser"
    target = cache / VERSION

    def make(work: Path) -> None:
        command = ["npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix"]
        done = subprocess.run(
            [*command, str(work), f"{PACKAGE}@{VERSION}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise DuisParserError(
                f"npm install {PACKAGE}@{VERSION} failed: {done.stderr.strip()[-2000:]}"
            )

    def ready(folder: Path) -> bool:
        return (folder / "node_modules" / PACKAGE / "package.json").is_file()

    return built_once(cache, target, ready, make)


class DuisParser:
    def __init__(self, installed: Path) -> None:
        self._modules = installed / "node_modules"

    def parse(self, documents: Sequence[bytes]) -> list[ParserVerdict]:
        if not documents:
            return []
        with tempfile.TemporaryDirectory(prefix="duis-parser-") as work:
            paths = []
            for i, document in enumerate(documents):
                path = Path(work) / f"{i}.xml"
                path.write_bytes(document)
                paths.append(str(path))
            done = subprocess.run(
                ["node", str(DRIVER)],
                input=json.dumps(paths),
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
                env={**os.environ, "NODE_PATH": str(self._modules)},
            )
        if done.returncode != 0:
            raise DuisParserError(f"the duis-parser driver failed: {done.stderr.strip()[:2000]}")
        return [
            ParserVerdict(
                parsed=bool(row["parsed"]),
                error=row.get("error"),
                guards={str(k): bool(v) for k, v in row.get("guards", {}).items()},
                request_id=row.get("requestId"),
                body_keys=tuple(row.get("bodyKeys", ())),
            )
            for row in json.loads(done.stdout)
        ]
