"""Two results folders hold the same answers: every Allure result and the attachments it names,
compared document by document, less what differs from run to run.

```sh
dsp-conformance run --all-profiles --runner behave --results /tmp/before   # older checkout
dsp-conformance run --all-profiles --runner behave --results /tmp/after    # this one
python -m benchmarks.same_results /tmp/before /tmp/after
```

What differs from run to run and is left out: UUIDs (result and attachment names), times
(start, stop, time-based RequestID counters), the thread and host labels, object addresses
in step parameters, and what the test PKI draws at random in each process (certificate
serial numbers, keys, hence the base64 of a certificate). Everything else must be equal:
names, statuses, steps, labels, links, parameters, the World's outcome, the evidence of
every exchange. Exit 0 when equal, 1 with the first differences otherwise.

A change that drops something on purpose is compared without it on both sides:
``--without-attachment NAME`` (e.g. "dsp-conformance outcome", now handed to the logger in
memory) and ``--without-step-parameters`` (pytest-bdd's step parameters, which the step's
own text already says).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,16}")
_SERIAL = re.compile(r"\b(ZH|ZHR)/[0-9A-F]{6,24}\b")  # the test PKI's random serial numbers
_BASE64 = re.compile(r"MII[A-Za-z0-9+/=]{20,}…?")  # a DER certificate's base64 (random keys)
_COUNTER = re.compile(r'("counter": )\d{13}')  # a RequestID counter: the time in ms
_COUNTER_TEXT = re.compile(r"\b17\d{11}\b")  # the same counter inside a text (ms since 1970)
# an ECDSA signature (a random nonce), a pre-command (it carries the counter), in the evidence
_DRAWN = re.compile(r'("(?:signature|pre_command)": ")[^"]*"')
# "applies to profile(s) A, B; running C": A, B come from a set of tags, in hash order
_PROFILES = re.compile(r"(applies to profile\(s\) )([^;]*)(;)")
_VOLATILE_KEYS = {"uuid", "start", "stop", "source"}
_VOLATILE_LABELS = {"thread", "host"}


def _text(value: str) -> str:
    value = _UUID.sub("<uuid>", value)
    value = _ADDRESS.sub("<address>", value)
    value = _SERIAL.sub(r"\1/<serial>", value)
    value = _BASE64.sub("<base64>", value)
    value = _COUNTER.sub(r"\1<counter>", value)
    value = _DRAWN.sub(r'\1<drawn>"', value)
    value = _PROFILES.sub(lambda m: m[1] + ", ".join(sorted(m[2].split(", "))) + m[3], value)
    return _COUNTER_TEXT.sub("<counter>", value)


@dataclass(frozen=True)
class Leave:
    """What both sides are compared without."""

    attachments: frozenset[str] = frozenset()
    step_parameters: bool = False


def _left_out(document: dict[str, Any], leave: Leave, step: bool = False) -> dict[str, Any]:
    out = dict(document)
    if leave.attachments and isinstance(out.get("attachments"), list):
        kept = [a for a in out["attachments"] if a.get("name") not in leave.attachments]
        if kept:
            out["attachments"] = kept
        else:
            del out["attachments"]
    if step and leave.step_parameters:
        out.pop("parameters", None)
    if isinstance(out.get("steps"), list):
        out["steps"] = [_left_out(s, leave, step=True) for s in out["steps"]]
    return out


def _normal(value: Any, folder: Path) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "source" and isinstance(item, str):
                out["content"] = _attachment(folder / item)
            elif key == "labels" and isinstance(item, list):
                out[key] = [
                    _normal(label, folder)
                    for label in item
                    if label.get("name") not in _VOLATILE_LABELS
                ]
            elif key not in _VOLATILE_KEYS:
                out[key] = _normal(item, folder)
        return out
    if isinstance(value, list):
        return [_normal(item, folder) for item in value]
    if isinstance(value, str):
        return _text(value)
    return value


def _attachment(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"<unreadable: {type(exc).__name__}>"
    return _text(text)


def _key(document: dict[str, Any]) -> str:
    parameters = json.dumps(document.get("parameters") or [], sort_keys=True)
    return f"{document.get('fullName')}|{parameters}|{document.get('historyId')}"


def results(folder: Path, leave: Leave = Leave()) -> dict[str, Any]:
    """Every result in ``folder``, normalised, by scenario and parameters."""
    found: dict[str, Any] = {}
    for path in sorted(folder.glob("*-result.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        key = _key(document)
        if key in found:
            raise ValueError(f"{folder}: {key} appears twice")
        found[key] = _normal(_left_out(document, leave), folder)
    return found


def differences(before: Path, after: Path, limit: int = 5, leave: Leave = Leave()) -> list[str]:
    one, two = results(before, leave), results(after, leave)
    found = [f"only in {before}: {k}" for k in sorted(one.keys() - two.keys())]
    found += [f"only in {after}: {k}" for k in sorted(two.keys() - one.keys())]
    for key in sorted(one.keys() & two.keys()):
        if one[key] != two[key]:
            left = json.dumps(one[key], indent=1, sort_keys=True).splitlines()
            right = json.dumps(two[key], indent=1, sort_keys=True).splitlines()
            first = next(
                (i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b),
                min(len(left), len(right)),
            )
            found.append(
                f"{key[:200]}: line {first}: {str(left[first : first + 2])[:400]} != "
                f"{str(right[first : first + 2])[:400]}"
            )
    return found[:limit] if limit else found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument(
        "--without-attachment",
        action="append",
        default=[],
        metavar="NAME",
        help="compare without the attachments of this name (repeatable)",
    )
    parser.add_argument(
        "--without-step-parameters",
        action="store_true",
        help="compare without the steps' parameters",
    )
    options = parser.parse_args(argv)
    count = len(list(options.before.glob("*-result.json")))
    leave = Leave(frozenset(options.without_attachment), options.without_step_parameters)
    found = differences(options.before, options.after, leave=leave)
    if found:
        print("\n".join(found))
        return 1
    without = [f"the attachments named {n!r}" for n in sorted(leave.attachments)]
    without += ["the steps' parameters"] if leave.step_parameters else []
    print(
        f"same answers: {count} results and their attachments"
        + (f" (without {' and '.join(without)})" if without else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
