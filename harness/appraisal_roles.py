"""The role a scenario plays in the options appraisal, declared by the tester, never
inferred from outcome words.

Tags on a scenario (or its feature):

``@situation:<name>``  the problem situation it exercises (one)
``@actor:<name>``      who tries to put the certificate right (at most one)
``@timing:<name>``     how: ``immediate`` (the default) or ``future-dated``
``@effect:<name>``     what its outcome does, the same under every profile

A per-profile outcome table may carry an ``effect`` column instead, one effect per row,
picked for the run's profile exactly as the outcome is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SITUATIONS: Mapping[str, str] = {
    "deadlock-registered-no": "the registered NO tries to replace a wrong certificate "
    "it does not own",
    "deadlock-owner": "the owner of the wrong certificate, not the registered NO, "
    "tries to replace it",
    "hazard": "the correct NO places another NO's certificate by mistake",
    "change-of-no": "the meter point moves to another NO (future-dated handover)",
    "gas": "a gas meter point (MPRN, Gas Transporter certificates)",
    "smets2-contrast": "the same situation on a SMETS2 meter",
    "supplier-placement": "a Supplier places a NO certificate",
    "change-of-supplier": "a change of supplier (SRV 6.23) on a SMETS1 meter holding a wrong "
    "NO certificate",
}
CONTRASTS = ("smets2-contrast", "change-of-supplier")
"""Situations shown for comparison, not problems an option has to solve."""
ACTORS: Mapping[str, str] = {
    "registered-no": "the registered NO",
    "certificate-owner": "the owner of the current certificate",
    "losing-no": "the losing NO",
    "gaining-no": "the gaining NO",
    "supplier": "the Supplier",
}
TIMINGS: Mapping[str, str] = {
    "immediate": "immediately",
    "future-dated": "future-dated",
}
EFFECTS: Mapping[str, str] = {
    "restores": "the correct certificate is put back (or kept)",
    "stuck": "the wrong certificate stays: nobody in this scenario can replace it",
    "risk": "a wrong certificate is placed or a new power is opened",
    "guarded": "a wrong placement is refused",
}
VOCABULARY: Mapping[str, Mapping[str, str]] = {
    "situation": SITUATIONS,
    "actor": ACTORS,
    "timing": TIMINGS,
    "effect": EFFECTS,
}
EFFECT_COLUMN = "effect"


@dataclass(frozen=True)
class AppraisalRole:
    """What a scenario (under one profile) contributes to the appraisal."""

    situation: str
    effect: str | None  # None: declared nowhere for this profile
    actor: str | None = None
    timing: str = "immediate"

    @property
    def how(self) -> str:
        return TIMINGS.get(self.timing, self.timing)

    @property
    def who(self) -> str:
        return ACTORS.get(self.actor, self.actor) if self.actor else "no one named"


def role_tags(tags: Iterable[str]) -> dict[str, list[str]]:
    """The appraisal tags among ``tags`` (with or without "@"), by kind."""
    found: dict[str, list[str]] = {}
    for raw in tags:
        kind, _, value = raw.lstrip("@").partition(":")
        if kind in VOCABULARY:
            found.setdefault(kind, []).append(value)
    return found


def read_role(tags: Iterable[str], effect: str | None = None) -> AppraisalRole | None:
    """The role from a result's tags; ``effect`` (from the outcome table's row for the run's
    profile) outranks an ``@effect`` tag. None when the scenario declares no situation."""
    found = role_tags(tags)
    situations = found.get("situation", [])
    if not situations:
        return None
    actors = found.get("actor", [])
    timings = found.get("timing", [])
    effects = found.get("effect", [])
    return AppraisalRole(
        situation=situations[0],
        effect=effect or (effects[0] if effects else None),
        actor=actors[0] if actors else None,
        timing=timings[0] if timings else "immediate",
    )


def problems(tags: Iterable[str], effect_column: Iterable[str] | None) -> list[str]:
    """What is wrong with a scenario's appraisal declaration: unknown words, a role half
    declared. ``effect_column``: the effect cells of its outcome table, if it has that column."""
    found = role_tags(tags)
    out: list[str] = []
    for kind, values in found.items():
        for value in values:
            if value not in VOCABULARY[kind]:
                known = ", ".join(VOCABULARY[kind])
                out.append(f"@{kind}:{value} is not in the appraisal vocabulary; known: {known}")
        if kind != "effect" and len(set(values)) > 1:
            out.append(f"more than one @{kind}: {', '.join(values)}")
    cells = list(effect_column) if effect_column is not None else None
    for cell in cells or ():
        if cell.strip() and cell.strip() not in EFFECTS:
            out.append(f"effect {cell.strip()!r} is not an effect; known: {', '.join(EFFECTS)}")
    if cells is not None and any(not c.strip() for c in cells) and not found.get("effect"):
        out.append("an effect cell is empty and the scenario has no @effect tag")
    if "situation" in found:
        if not found.get("effect") and cells is None:
            out.append(
                "a scenario with a @situation needs its effect: an @effect tag or an "
                "effect column in its outcome table"
            )
    elif found:
        out.append("appraisal tags without a @situation: " + ", ".join(sorted(found)))
    return out


def parse_effect(text: str) -> str:
    """An effect cell of an outcome table (empty: the scenario's @effect tag speaks)."""
    from harness.errors import InvalidValue

    word = text.strip()
    if word and word not in EFFECTS:
        raise InvalidValue(f"effect {word!r} is not an effect; known: {', '.join(EFFECTS)}")
    return word
