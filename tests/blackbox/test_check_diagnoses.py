"""Every authoring mistake that can be known without a DSP stops `check` (and `run`) before
anything runs: exit 2, the file and line, the scenario's own names, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.settings import DEFAULT_FEATURES
from tests.blackbox.cli import run_cli

HEAD = """@req:SRPD-6.1f-iii
Feature: a tester's draft

  Scenario: draft
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
      | GT-1 | GT   |
"""  # the first step after HEAD is line 11

CASES = {
    "undeclared party": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-C sends SRV 4.1.1 to "meter-1"\n',
        12,
        "no party called 'NO-C' is declared before this step (known: NO-A, NO-B, GT-1)",
    ),
    "undeclared device": (
        'When NO-A sends SRV 4.1.1 to "meter-9"\n',
        11,
        "no device called 'meter-9' is declared before this step (known: none yet)",
    ),
    "unknown answerer": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 4.1.1 to "meter-1"\n'
        "Then the command is rejected by the meter\n",
        13,
        "unknown answerer 'meter'; known: DSP, S1SP, device",
    ),
    "unknown outcome word": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 4.1.1 to "meter-1"\n'
        'Then the outcome is "refused by the meter"\n',
        13,
        "cannot read the outcome 'refused by the meter'",
    ),
    "GT registered for an MPAN": (
        "And GT-1 is registered for MPAN 1200000000002 from 2025-01-01\n",
        11,
        "GT-1 (GT, Gas Transporter) cannot be registered for MPAN 1200000000002: "
        "an MPAN is registered to ED, ES, IS",
    ),
    "ED registered for an MPRN": (
        "And NO-A is registered for MPRN 1234567 from 2025-01-01\n",
        11,
        "NO-A (ED, Electricity Distributor) cannot be registered for MPRN 1234567: "
        "an MPRN is registered to GS, GT",
    ),
    "ESME serving an MPRN": (
        'And a SMETS1 ESME "meter-1" serving MPRN 1234567\n',
        11,
        "ESME 'meter-1' cannot serve MPRN 1234567: a ESME serves an MPAN",
    ),
    "GSME serving an MPAN": (
        'And a SMETS1 GSME "gas-1" serving MPAN 1200000000002\n',
        11,
        "GSME 'gas-1' cannot serve MPAN 1200000000002: a GSME serves an MPRN",
    ),
    "two NOs at once (steps)": (
        "And NO-A is registered for MPAN 1200000000002 from 2025-01-01\n"
        "And NO-B is registered for MPAN 1200000000002 from 2026-01-01\n",
        12,
        "NO-B and NO-A (line 11) are both registered as ED for MPAN 1200000000002 "
        "from 2026-01-01 00:00",
    ),
    "two NOs at once (table)": (
        "And the Registration Data for MPAN 1200000000002:\n"
        "  | party | from       | until      |\n"
        "  | NO-A  | 2025-01-01 | 2026-08-01 |\n"
        "  | NO-B  | 2026-07-01 |            |\n",
        11,
        "NO-B and NO-A (line 11) are both registered as ED for MPAN 1200000000002 "
        "from 2026-07-01 00:00",
    ),
    "period on an SRV that has none": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 4.1.1 to "meter-1" for the period 2026-02-01 to 2026-02-02\n',
        12,
        "SRV 4.1.1 has no requested date range",
    ),
    "period on 6.24.1": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 6.24.1 to "meter-1" for the period 2026-02-01 to 2026-02-02\n',
        12,
        "SRV 6.24.1 has no requested date range",
    ),
    "4.8.1 without a period": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 4.8.1 to "meter-1" to take effect at 2026-04-01\n',
        12,
        "SRV 4.8.1 needs a requested date range",
    ),
    "a period back to front by accident": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 4.8.1 to "meter-1" for the period 2026-02-02 to 2026-02-01\n',
        12,
        "2026-02-01 is before 2026-02-02; to send it back to front on purpose, write",
    ),
    "a period 'back to front on purpose' that is not": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 4.8.1 to "meter-1" with the read-log period from 2026-02-01 to '
        "2026-02-02, back to front on purpose\n",
        12,
        "the period 2026-02-01 to 2026-02-02 is not back to front",
    ),
    "a back-to-front period on an SRV that has none": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 4.1.1 to "meter-1" with the read-log period from 2026-02-02 to '
        "2026-02-01, back to front on purpose\n",
        12,
        "SRV 4.1.1 has no requested date range",
    ),
    "ending a registration nobody holds": (
        "And the registration of NO-A for MPAN 1200000000002 is corrected to end at 2026-07-01\n",
        11,
        "NO-A is not registered for MPAN 1200000000002 before this step",
    ),
    "a registration ended, then another in the role": (
        "And NO-A is registered for MPAN 1200000000002 from 2025-01-01\n"
        "And the registration of NO-A for MPAN 1200000000002 is corrected to end at 2026-07-01\n"
        "And NO-B is registered for MPAN 1200000000002 from 2026-06-01\n",
        13,
        "NO-B and NO-A (line 11) are both registered as ED for MPAN 1200000000002 "
        "from 2026-06-01 00:00",
    ),
    "a pre-command signed before the time it is sent": (
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates '
        "with those of NO-A, signing the pre-command when the time reaches 2026-02-01\n",
        12,
        "the time goes back to 2026-02-01 00:00 from 2026-03-01 10:00 (set at line 5)",
    ),
    "time going backwards": (
        "When the time reaches 2026-02-01\n",
        11,
        "the time goes back to 2026-02-01 00:00 from 2026-03-01 10:00 (set at line 5)",
    ),
}


def _feature(tmp_path: Path, steps: str) -> Path:
    folder = tmp_path / "features"
    folder.mkdir()
    body = "".join(f"    {line}\n" for line in steps.splitlines())
    (folder / "draft.feature").write_text(HEAD + body)
    (folder / "requirements.yaml").write_text((DEFAULT_FEATURES / "requirements.yaml").read_text())
    return folder


@pytest.mark.parametrize("case", list(CASES))
def test_check_names_the_mistake_and_its_line(tmp_path: Path, case: str) -> None:
    steps, line, message = CASES[case]
    folder = _feature(tmp_path, steps)
    done = run_cli("check", "--features", folder)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert f"draft.feature:{line}: " in done.stderr, done.stderr
    assert message in done.stderr, done.stderr
    assert not any(c in done.stderr for c in ("-A2-", "D7-")), "names, not EUI-64s"


def test_a_correct_draft_passes(tmp_path: Path) -> None:
    folder = _feature(
        tmp_path,
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        "And the Registration Data for MPAN 1200000000002:\n"
        "  | party | from       | until      |\n"
        "  | NO-A  | 2025-01-01 | 2026-07-01 |\n"
        "  | NO-B  | 2026-07-01 |            |\n"
        'When NO-A sends SRV 4.8.1 to "meter-1" for the period 2026-02-01 to 2026-02-02\n'
        "Then the request is applied\n",
    )
    done = run_cli("check", "--features", folder)
    assert "draft.feature" not in done.stderr, done.stderr  # (the rest of the catalogue is
    assert "Traceback" not in done.stderr  # uncovered in this folder, which check also says)


def test_an_unknown_requirement_in_tags_is_named_before_the_run(tmp_path: Path) -> None:
    done = run_cli("run", "--tags", "@req:DP107-deadlok", "--results", tmp_path / "r")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "@req:DP107-deadlok is not in" in done.stderr
    assert "did you mean @req:DP107-deadlock?" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


@pytest.mark.parametrize("runner", ["pytest-bdd", "behave"])
def test_a_relative_features_path_works_with_both_runners(tmp_path: Path, runner: str) -> None:
    done = run_cli(
        "run",
        "--runner",
        runner,
        "--features",
        "features/dp107_deadlock.feature",
        "--results",
        tmp_path / "r",
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_holder_expectation_can_fail(tmp_path: Path) -> None:
    """``no … certificates are held`` and a holder table are judged, not assumed."""
    folder = _feature(
        tmp_path,
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        'And the network operator certificates held for "meter-1" belong to NO-B\n'
        'Then no network operator certificates are held for "meter-1"\n',
    )
    done = run_cli("run", "--features", folder, "--results", tmp_path / "r")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "expected no certificate, holds NO-B's certificate" in done.stdout + done.stderr


def test_a_targets_message_speaks_the_scenarios_names(tmp_path: Path) -> None:
    """A rejection detail naming a device by its EUI-64 reads "meter-9 [EUI-64]"."""
    folder = _feature(
        tmp_path,
        'And a SMETS2 ESME "meter-9" serving MPAN 1200000000002 with status Suspended\n'
        "And NO-A is registered for MPAN 1200000000002 from 2025-01-01\n"
        'When NO-A sends SRV 4.1.1 to "meter-9"\n'
        "Then the request is applied\n",
    )
    done = run_cli("run", "--features", folder, "--results", tmp_path / "r")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "device meter-9 [" in done.stdout + done.stderr, done.stdout + done.stderr


def test_what_a_read_reports_can_fail(tmp_path: Path) -> None:
    """``the read reports that … holds …`` is judged from the read's answer, not assumed."""
    folder = _feature(
        tmp_path,
        'And a SMETS1 ESME "meter-1" serving MPAN 1200000000002\n'
        "And NO-A is registered for MPAN 1200000000002 from 2025-01-01\n"
        'And the network operator certificates held for "meter-1" belong to NO-B\n'
        'When NO-A sends SRV 6.24.1 to "meter-1"\n'
        'Then the read reports that "meter-1" holds "NO-A"\'s certificate in the network '
        "operator cell\n",
    )
    done = run_cli("run", "--features", folder, "--results", tmp_path / "r")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "the read reports NO-B's certificate" in done.stdout + done.stderr
