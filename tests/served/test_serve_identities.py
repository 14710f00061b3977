"""``serve`` signs as the identity the user names (key + certificate files, read in place),
and refuses a half-given or mismatched identity with one line."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from harness.duis.schema import duis_dir
from tests.blackbox.cli import run_cli
from tests.served.served import served

DSP = "dsp-xml-sign-90B3D51F30000002-ds"


@pytest.fixture(scope="module")
def zaz1() -> Path:
    folder = duis_dir() / "zaz1"
    if not (folder / f"{DSP}.pem").is_file():
        pytest.skip(f"the ZAZ1 identities are not in {folder} (../shared/duis)")
    return folder


@pytest.mark.parametrize(
    ("options", "needle"),
    [
        (["--sign-key", "{z}/" + DSP + ".key"], "give both the key and the certificate"),
        (
            [
                "--sign-key",
                "{z}/" + DSP + ".key",
                "--sign-cert",
                "{z}/xml-sign-90B3D51F30010000-ds.pem",
            ],
            "does not belong to the certificate",
        ),
        (["--s1sp-key", "{z}/none.key", "--s1sp-cert", "{z}/none.pem"], "No such file"),
        (["--async-delay-ms", "-1"], "a delay cannot be negative"),
    ],
)
def test_bad_identities_are_one_line(zaz1: Path, options: list[str], needle: str) -> None:
    done = run_cli("serve", "--port", "0", *(o.format(z=zaz1) for o in options), timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert needle in lines[0]


@pytest.mark.slow
def test_serve_signs_as_the_zaz1_dcc_identity(zaz1: Path) -> None:
    options = ["--sign-key", str(zaz1 / f"{DSP}.key"), "--sign-cert", str(zaz1 / f"{DSP}.pem")]
    with served("baseline", *options) as url:
        offered = httpx.get(f"{url}/test-control/dsp-certificate", timeout=5).content
    assert offered.strip() == (zaz1 / f"{DSP}.pem").read_bytes().strip()
