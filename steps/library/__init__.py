"""The one step library both runners use. Importing it registers every step."""

from steps.library import given, then, when
from steps.library.registry import (
    STEPS,
    TYPES,
    StepDef,
    Table,
    call,
    matching_steps,
    nearest_phrases,
)

__all__ = [
    "STEPS",
    "TYPES",
    "StepDef",
    "Table",
    "call",
    "given",
    "matching_steps",
    "nearest_phrases",
    "then",
    "when",
]
