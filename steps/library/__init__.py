"""The one step library both runners use. Importing it registers every step."""

from steps.library import given, then, when
from steps.library.registry import (
    STEPS,
    TYPES,
    StepDef,
    Table,
    call,
    find_step,
    matching_steps,
    nearest_phrases,
)

__all__ = [
    "STEPS",
    "TYPES",
    "StepDef",
    "Table",
    "call",
    "find_step",
    "given",
    "matching_steps",
    "nearest_phrases",
    "then",
    "when",
]
