"""``environment.properties`` and ``executor.json`` of an Allure results directory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.report.errors import ResultsError


@dataclass(frozen=True)
class RunEnvironment:
    """``environment.properties`` and ``executor.json``, when the run wrote them."""

    properties: tuple[tuple[str, str], ...] = ()
    executor: tuple[tuple[str, str], ...] = ()

    def value(self, *aliases: str) -> str | None:
        wanted = {_normalise_key(alias) for alias in aliases}
        for key, value in self.properties:
            if _normalise_key(key) in wanted and value:
                return value
        return None

    @property
    def git_sha(self) -> str | None:
        return self.value("git_sha", "git_commit", "git_revision", "commit", "sha")

    @property
    def duis_schema_version(self) -> str | None:
        return self.value("duis_schema_version", "duis_schema", "duis_version", "duis")

    @property
    def harness_version(self) -> str | None:
        return self.value("harness_version", "dsp_conformance_version", "harness")


def read_environment(directory: Path) -> RunEnvironment:
    properties: tuple[tuple[str, str], ...] = ()
    executor: tuple[tuple[str, str], ...] = ()
    env_file = directory / "environment.properties"
    if env_file.is_file():
        try:
            text = env_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{env_file}: cannot be read ({exc})") from None
        properties = tuple(parse_properties(text))
    executor_file = directory / "executor.json"
    if executor_file.is_file():
        try:
            document = json.loads(executor_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ResultsError(f"{executor_file}: cannot be read ({exc})") from None
        if not isinstance(document, dict):
            raise ResultsError(
                f"{executor_file}: expected a JSON object, found {type(document).__name__}"
            )
        executor = tuple(
            (str(key), str(value))
            for key, value in document.items()
            if isinstance(value, str | int | float) and not isinstance(value, bool) and value != ""
        )
    return RunEnvironment(properties=properties, executor=executor)


def parse_properties(text: str) -> Iterator[tuple[str, str]]:
    """The common subset of Java ``.properties``: ``key=value`` or ``key: value`` lines,
    ``#``/``!`` comments, backslash continuations and escapes."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.lstrip() if not pending else raw.strip()
        if not pending and (not line or line[0] in "#!"):
            continue
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2 == 1:
            pending += line[:-1]
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    for line in logical:
        key, value = _split_property(line)
        if key:
            yield _unescape(key), _unescape(value)


def _split_property(line: str) -> tuple[str, str]:
    i = 0
    while i < len(line):
        char = line[i]
        if char == "\\":
            i += 2
            continue
        if char in "=:" or char.isspace():
            rest = line[i:].lstrip()
            if rest[:1] in ("=", ":"):
                rest = rest[1:].lstrip()
            return line[:i], rest
        i += 1
    return line.strip(), ""


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u" and i + 6 <= len(text):
                try:
                    out.append(chr(int(text[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _normalise_key(key: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in key.strip().lower())
