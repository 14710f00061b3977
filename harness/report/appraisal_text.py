"""The sentences of the options appraisal, generated from its data: one conclusion per option
and the assumptions the model makes. No sentence here is written for a particular result."""

from __future__ import annotations

from harness.appraisal_roles import ACTORS, CONTRASTS, SITUATIONS
from harness.catalogue.tables import response_codes
from harness.report.analysis import Conformance
from harness.report.appraisal import Appraisal, Cell, Option
from harness.results.verdict import Verdict

SITUATION_NAMES = {
    "deadlock-registered-no": "Deadlock: the registered NO acts",
    "deadlock-owner": "Deadlock: the wrong certificate's owner acts",
    "hazard": "Hazard: a NO places another NO's certificate",
    "change-of-no": "Change of NO",
    "gas": "Gas",
    "smets2-contrast": "SMETS2 contrast",
    "supplier-placement": "A Supplier places a NO certificate",
    "change-of-supplier": "Change of supplier (SMETS1)",
}


def situation_name(situation: str) -> str:
    return SITUATION_NAMES.get(situation, situation)


def who_and_how(cell: Cell) -> list[str]:
    """``the registered NO (immediately)``, … for each way the certificate is restored."""
    ways = {(e.role.who, e.role.how) for e in cell.with_effect("restores")}
    return [f"{who} ({how})" for who, how in sorted(ways)]


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def conclusion(option: Option, appraisal: Appraisal) -> str:
    """One paragraph: what the option fixes, what it leaves, what it opens, what it changes,
    and how firm that is."""
    restored = [s for s in option.situations_where(True) if s not in CONTRASTS]
    stuck = [s for s in option.situations_where(False) if s not in CONTRASTS]
    untested = [s for s in appraisal.situations if option.cells[s].restorable is None]
    parts: list[str] = []
    if restored:
        ways = [f"{situation_name(s)} (by {_join(who_and_how(option.cells[s]))})" for s in restored]
        parts.append(
            f"Under {option.name} the correct certificate can be restored in "
            f"{len(restored)} of {len(restored) + len(stuck)} problem situations the scenarios "
            f"exercise (contrasts such as SMETS2 aside): {_join(ways)}."
        )
    else:
        parts.append(
            f"Under {option.name} no scenario restores the correct certificate in any problem "
            "situation."
        )
    if stuck:
        parts.append(f"It stays stuck in {_join([situation_name(s) for s in stuck])}.")
    granted = option.granted
    if granted:
        powers = sorted({f"{e.evidence.role.who}" for e in granted})
        parts.append(
            f"It grants {len(granted)} new power{'s' if len(granted) != 1 else ''} that baseline "
            f"refuses, to {_join(powers)}."
        )
    elif option.name != "baseline":
        parts.append("It grants no power that baseline refuses.")
    if option.removed:
        parts.append(
            f"It refuses {len(option.removed)} request{'s' if len(option.removed) != 1 else ''} "
            "that baseline lets through."
        )
    risks = option.risks
    if risks:
        situations = sorted({situation_name(e.role.situation) for e in risks})
        parts.append(f"A risk stays open in {_join(situations)}.")
    if option.touches:
        parts.append(f"It would change {len(option.touches)} pieces of SEC/DUIS text.")
    elif option.name == "baseline":
        parts.append("It changes no text.")
    grade = option.grade.overall
    parts.append(
        "This rests on published text only."
        if grade == "fact"
        else "This rests on the harness's model of the option, not on adopted text."
    )
    failed = option.verdicts[Verdict.FAIL] + option.verdicts[Verdict.INCONCLUSIVE]
    if failed:
        parts.append(
            f"The target did not behave as this option requires in {failed} scenario results."
        )
    if untested:
        parts.append(f"No scenario exercises {_join([situation_name(s) for s in untested])}.")
    return " ".join(parts)


def assumptions(c: Conformance, appraisal: Appraisal) -> list[str]:
    """What the model takes for granted: each option's modelled rules, every response code
    whose meaning is not public, and each requirement the catalogue marks as a model."""
    out = [
        "Verdicts come from the target named in the header; against the reference DSP a pass "
        "shows the scenario states what the option's model does, not what the DCC would build."
    ]
    for option in appraisal.options:
        if option.grade.rules == "model":
            out.append(f"{option.name} (model): {option.summary}")
    table = response_codes()
    codes = sorted(
        {code for o in appraisal.options for code, grade in o.grade.codes if grade != "fact"}
    )
    for code in codes:
        entry = table.get(code)
        meaning = entry.meaning if entry else "not in the response-code table"
        out.append(f"Response code {code} (model): {meaning}")
    for requirement in c.catalogue.requirements:
        if "model" in requirement.clause and any(
            requirement.id in row.requirements for row in appraisal.rows
        ):
            out.append(f"{requirement.id} ({requirement.clause}): {requirement.title}")
    out.append(
        "Who acts in each scenario, and whether its outcome restores the correct certificate, "
        "leaves it stuck or opens a risk, is declared by the scenario's tags and outcome table "
        f"(actors: {', '.join(ACTORS)}; situations: {', '.join(SITUATIONS)})."
    )
    return out
