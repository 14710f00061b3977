"""The evidence manifest fingerprints a run's inputs and files; verification names every file
edited, missing or added since, in a results folder or a reports folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli.main import main
from harness.results.manifest import (
    MANIFEST_FILE,
    ManifestError,
    verify,
    write_manifest,
    write_report_manifest,
)


def _run(tmp_path: Path) -> tuple[Path, Path]:
    results = tmp_path / "results"
    results.mkdir()
    (results / "a-result.json").write_text('{"name": "a"}', encoding="utf-8")
    (results / "b-attachment.json").write_text('{"x": 1}', encoding="utf-8")
    feature = tmp_path / "f.feature"
    feature.write_text("Feature: f\n", encoding="utf-8")
    write_manifest(results, {"feature f": feature}, git="abc1234")
    return results, feature


def test_a_fresh_folder_verifies(tmp_path: Path) -> None:
    results, _ = _run(tmp_path)
    what, findings = verify(results)
    assert findings == []
    assert what.startswith(f"results {results}")


def test_edited_missing_added_and_changed_inputs_are_named(tmp_path: Path) -> None:
    results, feature = _run(tmp_path)
    (results / "b-attachment.json").write_text('{"x": 2}', encoding="utf-8")
    (results / "a-result.json").unlink()
    (results / "c-attachment.txt").write_text("late", encoding="utf-8")
    feature.write_text("Feature: g\n", encoding="utf-8")
    found = {str(f) for f in verify(results)[1]}
    assert found == {
        f"{results / 'a-result.json'}: missing",
        f"{results / 'b-attachment.json'}: edited (SHA-256 differs from the manifest)",
        f"{results / 'c-attachment.txt'}: not in the manifest",
        f"{feature}: input feature f changed since the run",
    }


def test_reports_are_tied_to_the_evidence_manifest(tmp_path: Path) -> None:
    results, _ = _run(tmp_path)
    out = tmp_path / "html"
    out.mkdir()
    (out / "summary.html").write_text("<p>ok</p>", encoding="utf-8")
    write_report_manifest(out, results)
    assert verify(out)[1] == []
    (out / "summary.html").write_text("<p>changed</p>", encoding="utf-8")
    (results / MANIFEST_FILE).write_text(
        (results / MANIFEST_FILE).read_text(encoding="utf-8") + " ", encoding="utf-8"
    )
    found = {str(f) for f in verify(out)[1]}
    assert f"{out / 'summary.html'}: edited (SHA-256 differs from the manifest)" in found
    assert f"{results / MANIFEST_FILE}: not the evidence manifest of these reports" in found


def test_a_folder_without_a_manifest_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ManifestError, match=r"holds no evidence-manifest\.json"):
        verify(tmp_path)
    assert main(["verify-evidence", str(tmp_path)]) == 2
    assert "holds no evidence-manifest.json" in capsys.readouterr().err


def test_the_walk_lists_what_rglob_and_is_file_list(tmp_path: Path) -> None:
    from harness.results.manifest import _walk

    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("x.json", "a/y.txt", "a/b/z", "a-c"):
        (tmp_path / name).write_text(name)
    (tmp_path / "link-to-file").symlink_to(tmp_path / "x.json")
    (tmp_path / "link-to-folder").symlink_to(tmp_path / "a")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    expected = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    walked = dict(_walk(str(tmp_path), ""))
    assert set(walked) == expected
    assert "link-to-file" in walked
    assert "a/b/z" in walked
    assert list(_walk(str(tmp_path / "absent"), "")) == []
