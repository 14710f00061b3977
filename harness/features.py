"""Feature files read with the official Gherkin parser, one entry per runnable scenario
(each Examples row of an outline is its own entry, as both runners run them)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import ConfigurationError

_STEP_TYPES = {"Context": "given", "Action": "when", "Outcome": "then"}


class FeatureSyntaxError(ConfigurationError):
    """A feature file the Gherkin parser refuses."""


@dataclass(frozen=True)
class StepLine:
    keyword: str  # given | when | then
    text: str
    line: int
    table: tuple[tuple[str, ...], ...] | None


@dataclass(frozen=True)
class ScenarioInfo:
    path: Path
    feature: str
    name: str
    line: int
    tags: tuple[str, ...]  # feature, rule, scenario and examples tags, without "@"
    steps: tuple[StepLine, ...]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@functools.cache
def _compiler_class() -> type[Any]:
    """Gherkin's pickle compiler, with its ``<placeholder>`` substitution done by plain string
    replacement: the original runs two regular expressions per column per step, most of the
    time it takes to read a 10,000-row outline. A column name with a character that means
    something in a regular expression goes through the original, so the result is the same.
    Defined when a feature file is first parsed: a run whose lint answer is cached reads its
    scenarios without loading the Gherkin parser."""
    from gherkin.pickles.compiler import Compiler

    class _Compiler(Compiler):
        def _interpolate(self, name: Any, variable_cells: Any, value_cells: Any) -> Any:
            if name is None:
                return name
            cells = list(variable_cells)
            if any(re.escape(cell["value"]) != cell["value"] for cell in cells):
                return super()._interpolate(name, cells, value_cells)
            for n, variable_cell in enumerate(cells):
                name = name.replace(f"<{variable_cell['value']}>", value_cells[n]["value"])
            return name

    return _Compiler


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "id" in node and "location" in node:
            yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _nodes(item)


def parse_feature(path: Path) -> list[ScenarioInfo]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise FeatureSyntaxError(f"{path}: not UTF-8 text") from None
    from gherkin.errors import CompositeParserException, ParserError
    from gherkin.parser import Parser

    try:
        document = Parser().parse(text)
    except (CompositeParserException, ParserError) as exc:
        lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
        lines = [line for line in lines if line.rstrip(":") != "Parser errors"]  # a heading
        reason = lines[0] if lines else type(exc).__name__
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        raise FeatureSyntaxError(f"{path}: malformed Gherkin: {reason}{more}") from None
    feature = document.get("feature")
    if feature is None:
        raise FeatureSyntaxError(f"{path}: no Feature in the file")
    lines_by_id = {n["id"]: n["location"]["line"] for n in _nodes(feature)}
    pickles = _compiler_class()().compile({**document, "uri": str(path)})
    scenarios = []
    previous = "given"
    pickle: Any
    for pickle in pickles:
        steps = []
        for step in pickle["steps"]:
            previous = _STEP_TYPES.get(step.get("type", ""), previous)
            table: Any = step.get("argument", {}).get("dataTable")
            rows = (
                tuple(tuple(c["value"] for c in row["cells"]) for row in table["rows"])
                if table
                else None
            )
            line = lines_by_id.get(step["astNodeIds"][0], pickle["location"]["line"])
            steps.append(StepLine(previous, step["text"], line, rows))
        scenarios.append(
            ScenarioInfo(
                path=path,
                feature=feature["name"],
                name=pickle["name"],
                line=pickle["location"]["line"],
                tags=tuple(t["name"].lstrip("@") for t in pickle.get("tags", [])),
                steps=tuple(steps),
            )
        )
    return scenarios


def feature_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ConfigurationError(f"features directory {root} does not exist")
    return sorted(root.rglob("*.feature"))


def read_features(root: Path) -> list[ScenarioInfo]:
    scenarios: list[ScenarioInfo] = []
    for path in feature_files(root):
        scenarios.extend(parse_feature(path))
    return scenarios
