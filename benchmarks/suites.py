"""The suites the benchmarks run: the generated suite at a chosen size, and bare pytest-bdd
and behave suites over the same feature files whose steps do nothing.

The bare suites keep everything the runner itself pays for (Gherkin parsing, collection, one
step definition per phrase of the harness's library with the same parse types, tag handling,
Allure when asked) and drop everything the harness adds (the World, the reference DSP, the
evidence attachments, the lint before the run and the enrichment of each result).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.generate import DEFAULT_TABLES, generate
from steps.library import STEPS
from steps.library.registry import TYPES

PYTEST_INI = """[pytest]
python_files = test_bare.py
"""

TEST_MODULE = '''"""Every scenario under ./features, as pytest-bdd tests."""

from pytest_bdd import scenarios

scenarios("features")
'''


def generated_suite(directory: Path, examples: int) -> Path:
    """``examples`` generated scenarios in ``directory`` (replaced)."""
    if directory.exists():
        shutil.rmtree(directory)
    generate(DEFAULT_TABLES, directory, examples)
    return directory


def _types_source() -> str:
    lines = ["def _text(pattern):", "    def convert(text):", "        return text", ""]
    lines += ["    convert.pattern = pattern", "    return convert", "", "", "TYPES = {"]
    for name, function in TYPES.items():
        lines.append(f"    {name!r}: _text({function.pattern!r}),")  # type: ignore[attr-defined]
    return "\n".join([*lines, "}", ""])


def bare_pytest_bdd(directory: Path, features: Path) -> Path:
    """A pytest-bdd project in ``directory`` running ``features`` with do-nothing steps."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    shutil.copytree(features, directory / "features")
    lines = [
        '"""Bare steps: the harness\'s phrases, doing nothing."""',
        "",
        "from pytest_bdd import given, parsers, then, when",
        "",
        "",
        _types_source(),
        "",
        "def pytest_bdd_apply_tag(tag, function):",
        "    return True  # as the harness does: tags are not pytest markers",
        "",
    ]
    for index, step in enumerate(STEPS):
        table = "datatable=None" if step.takes_table else ""
        lines += [
            "",
            f"@{step.keyword}(parsers.parse({step.phrase!r}, extra_types=TYPES))",
            f"def step_{index}({table}):",
            "    pass",
            "",
        ]
    (directory / "conftest.py").write_text("\n".join(lines), encoding="utf-8")
    (directory / "test_bare.py").write_text(TEST_MODULE, encoding="utf-8")
    (directory / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
    return directory


def bare_behave(directory: Path, features: Path) -> Path:
    """A behave project in ``directory`` (features/ and features/steps/) with no-op steps."""
    if directory.exists():
        shutil.rmtree(directory)
    shutil.copytree(features, directory / "features")
    steps = directory / "features" / "steps"
    steps.mkdir()
    lines = [
        '"""Bare steps: the harness\'s phrases, doing nothing."""',
        "",
        "from behave import given, register_type, then, use_step_matcher, when",
        "",
        "",
        _types_source(),
        "register_type(**TYPES)",
        'use_step_matcher("parse")',
        "",
    ]
    for index, step in enumerate(STEPS):
        lines += ["", f"@{step.keyword}({step.phrase!r})", f"def step_{index}(context, **_):"]
        lines += ["    pass", ""]
    (steps / "bare_steps.py").write_text("\n".join(lines), encoding="utf-8")
    return directory
