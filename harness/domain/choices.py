"""Reading a tester's spelling of an enumerated value ("network operator", "Suspended")."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from harness.errors import InvalidValue

E = TypeVar("E", bound=Enum)


def squash(text: str) -> str:
    return text.replace(" ", "").replace("-", "").replace("_", "").lower()


def parse_choice(choices: type[E], text: str, what: str) -> E:
    """The member whose value matches ``text`` ignoring case, spaces and hyphens."""
    wanted = squash(text)
    for member in choices:
        if squash(str(member.value)) == wanted:
            return member
    known = ", ".join(str(m.value) for m in choices)
    raise InvalidValue(f"unknown {what} {text!r}; known: {known}")
