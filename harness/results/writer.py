"""Write the World's outcome into an Allure result document.

In the runner process the World attaches its :class:`ScenarioOutcome` as a JSON attachment
(the only channel both Allure plugins offer a step). After the runner, enrichment calls
:func:`fold_outcome`: the outcome moves into the result document under ``harnessOutcome``,
and the Allure status and message are set from it, so Allure shows the harness's verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness.results.outcome import OUTCOME_ATTACHMENT, OUTCOME_KEY, ScenarioOutcome
from harness.results.record import RecordError, attachments_of
from harness.results.verdict import Verdict

MESSAGE_PREFIX = {
    Verdict.DEVIATION: "deviation: code differs from the model: ",
    Verdict.FAIL: "non-conformance: ",
    Verdict.INCONCLUSIVE: "inconclusive: ",
    Verdict.NOT_APPLICABLE: "not applicable: ",
}


def outcome_attachment(document: dict[str, Any], directory: Path) -> ScenarioOutcome | None:
    """The outcome the World attached to this result (the last one, if it wrote several)."""
    found = [a for a in attachments_of(document, "result") if a.name == OUTCOME_ATTACHMENT]
    if not found:
        return None
    path = directory / found[-1].source
    try:
        return ScenarioOutcome.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise RecordError(f"{path}: cannot read the harness outcome: {exc}") from None


def write_outcome(document: dict[str, Any], outcome: ScenarioOutcome) -> None:
    """Store ``outcome`` in the document; its status and message follow the verdict."""
    document[OUTCOME_KEY] = outcome.to_json()
    document["status"] = outcome.verdict.allure_status
    details = document.get("statusDetails")
    details = dict(details) if isinstance(details, dict) else {}
    if outcome.verdict is Verdict.PASS:
        details.pop("message", None)
    else:
        details["message"] = MESSAGE_PREFIX[outcome.verdict] + outcome.reason
    if details:
        document["statusDetails"] = details
    else:
        document.pop("statusDetails", None)


def fold_outcome(document: dict[str, Any], directory: Path) -> bool:
    """Move the attached outcome into ``document``; False when the World wrote none (the
    scenario never reached a step, e.g. an unknown step)."""
    outcome = outcome_attachment(document, directory)
    if outcome is None:
        return False
    write_outcome(document, outcome)
    return True
