"""Allure's model objects as the JSON its file logger writes, at less cost.

Allure's ``AllureFileLogger`` turns each result into a dict with ``attr.asdict(item,
filter=…)`` (a generic walk that asks, for every value, what kind of thing it is) and writes it
with the standard library's encoder. Per scenario that was as dear as a bare runner's whole
step: :func:`plain` makes the same dict from each class's field names (read once per class),
and :func:`dumps` writes it with orjson — the same JSON text up to spacing (no space after ``,``
and ``:``), UTF-8 as Allure writes it (``ensure_ascii=False``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(a.name for a in cls.__attrs_attrs__)  # type: ignore[attr-defined]
    return names


def plain(item: Any) -> Any:
    """``attr.asdict(item, filter=…)`` with Allure's filter (an attribute whose value is empty,
    other than ``False``, is left out), recursing as ``asdict`` does: into attrs instances (the
    filter applied to their attributes), lists, tuples and sets (as lists) and dicts (keys and
    values; a dict's own entries are not filtered)."""
    cls = type(item)
    if getattr(cls, "__attrs_attrs__", None) is not None:
        document = {}
        for name in _names(cls):
            value = getattr(item, name)
            if value or value is False:
                document[name] = plain(value)
        return document
    if cls is str or cls is int or cls is float or cls is bool or item is None:
        return item
    if isinstance(item, list | tuple | set | frozenset):
        return [plain(value) for value in item]
    if isinstance(item, dict):
        return {plain(key): plain(value) for key, value in item.items()}
    return item


def dumps(document: Any) -> bytes:
    """``document`` as UTF-8 JSON (orjson; what it cannot write — an integer past 64 bits, a
    key other than text, an object it does not know — by the standard encoder, as Allure
    would)."""
    try:
        return orjson.dumps(document)
    except orjson.JSONEncodeError:
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
