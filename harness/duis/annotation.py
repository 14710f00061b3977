"""Harness-only response fields, carried in a ``<?dsp-conformance {json}?>`` instruction.

DUIS has no element for a requirement ID, a free-text reason or the harness's read-out
pairs, and cannot always say who answered or how a request ended. Those travel as one
processing instruction inside ``sr:ResponseMessage``: the XSD ignores processing
instructions (the document stays valid), every other reader ignores one addressed to
``dsp-conformance``, and exclusive C14N keeps it, so an XML signature covers it.

The JSON is ASCII with ``<``, ``>`` and ``&`` escaped, so it can never close the
instruction early or look like markup to the safe parser.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from lxml import etree

from harness.domain.requests import Outcome
from harness.duis.errors import CannotDecode
from harness.duis.names import ANNOTATION_TARGET
from harness.duis.tree import Node

Pairs = tuple[tuple[str, str], ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Annotation:
    """Only what DUIS could not say; ``None`` / empty means 'nothing to add'."""

    outcome: Outcome | None = None
    answered_by: str | None = None
    requirement: str | None = None
    detail: str = ""
    data: Pairs = ()

    def fields(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.outcome is not None:
            found["outcome"] = self.outcome.value
        if self.answered_by is not None:
            found["answered_by"] = self.answered_by
        if self.requirement is not None:
            found["requirement"] = self.requirement
        if self.detail:
            found["detail"] = self.detail
        if self.data:
            found["data"] = [list(pair) for pair in self.data]
        return found


def write_annotation(parent: etree._Element, annotation: Annotation) -> None:
    """Append the instruction to ``parent`` when there is anything to say."""
    fields = annotation.fields()
    if not fields:
        return
    text = json.dumps(fields, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    parent.append(etree.ProcessingInstruction(ANNOTATION_TARGET, text))


def read_annotation(node: Node) -> Annotation:
    """The annotation among ``node``'s children, or an empty one."""
    found = [
        child
        for child in node.element
        if isinstance(child, etree._ProcessingInstruction) and child.target == ANNOTATION_TARGET
    ]
    if not found:
        return Annotation()
    where = f"{node.path}/processing-instruction('{ANNOTATION_TARGET}')"
    if len(found) > 1:
        raise CannotDecode(f"{where}: more than one harness annotation")
    try:
        fields = json.loads(found[0].text or "")
        if not isinstance(fields, dict):
            raise TypeError("not a JSON object")
        return Annotation(
            outcome=_optional(fields, "outcome", lambda v: Outcome(_text(v))),
            answered_by=_optional(fields, "answered_by", _text),
            requirement=_optional(fields, "requirement", _text),
            detail=_text(fields.get("detail", "")),
            data=_pairs(fields.get("data", [])),
        )
    except (ValueError, TypeError, RecursionError) as exc:
        raise CannotDecode(
            f"{where}: not a harness annotation the codec can read ({exc})"
        ) from None


def _optional(fields: dict[str, Any], key: str, read: Callable[[object], T]) -> T | None:
    return read(fields[key]) if key in fields else None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _pairs(value: object) -> Pairs:
    if not isinstance(value, list):
        raise TypeError("data must be a list of [key, value] pairs")
    pairs = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            raise TypeError("data must be a list of [key, value] pairs")
        pairs.append((_text(item[0]), _text(item[1])))
    return tuple(pairs)
