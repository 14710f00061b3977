"""Verdicts come from standard DUIS/MMC elements only, and a DSP with latency passes.

- The served DSP run with its ``<?dsp-conformance?>`` explanation in every response and run
  without any: the same verdict for every scenario under every profile.
- The served DSP delivering its asynchronous answers seconds after the synchronous one: the
  DP107 and future-dated scenarios get the verdicts they get with no delay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.blackbox.cli import results, run_cli, scenario_key
from tests.served.served import served

pytestmark = pytest.mark.slow

PROFILES = ["baseline", "dp107-owner-path", "dp107-registered-path", "baseline+mp063-check"]
INSTRUCTION = b"<?dsp-conformance"


def _verdicts(directory: Path) -> dict[tuple[str, str, str], str]:
    return {scenario_key(r): r["status"] for r in results(directory)}


def _run_against(url: str, profile: str, out: Path, *extra: str) -> dict[tuple[str, str, str], str]:
    run = run_cli("run", "--target", url, "--profile", profile, "--results", out, *extra)
    assert run.returncode in (0, 3), run.stdout[-3000:] + run.stderr[-2000:]
    return _verdicts(out)


@pytest.mark.parametrize("profile", PROFILES)
def test_no_verdict_depends_on_the_harness_explanation(profile: str, tmp_path: Path) -> None:
    explained_responses = tmp_path / "explained-responses"
    plain_responses = tmp_path / "plain-responses"
    with served(profile, "--explain", "--keep-responses", str(explained_responses)) as url:
        explained = _run_against(url, profile, tmp_path / "explained")
    with served(profile, "--keep-responses", str(plain_responses)) as url:
        plain = _run_against(url, profile, tmp_path / "plain")

    with_instruction = [
        p for p in explained_responses.glob("*.xml") if INSTRUCTION in p.read_bytes()
    ]
    assert with_instruction, "the explained run should carry the instruction"
    assert not [p for p in plain_responses.glob("*.xml") if INSTRUCTION in p.read_bytes()]
    assert explained.keys() == plain.keys()
    differing = {k: (explained[k], plain[k]) for k in explained if explained[k] != plain[k]}
    assert not differing
    print(f"{profile}: {len(explained)} scenarios, identical verdicts with and without")


LATENCY_TAGS = "@req:DP107-deadlock or @req:CRIT-future-dated or @req:SEC-OWNERSHIP-SMETS1"


@pytest.mark.parametrize("profile", ["baseline", "dp107-owner-path"])
def test_a_dsp_answering_asynchronously_seconds_later_passes(profile: str, tmp_path: Path) -> None:
    with served(profile) as url:
        prompt = _run_against(url, profile, tmp_path / "prompt", "--tags", LATENCY_TAGS)
    with served(profile, "--async-delay-ms", "1500") as url:
        late = _run_against(url, profile, tmp_path / "late", "--tags", LATENCY_TAGS)
    assert prompt, "the tag selection should hold scenarios"
    assert late == prompt
    smets1 = [k for k, status in late.items() if status == "passed"]
    assert smets1, "the SMETS1 DP107 scenarios judge their outcome from the S1SP's answers"
