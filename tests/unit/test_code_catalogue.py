"""The response-code table and the requirement IDs, checked against the source.

Every ``Rejection(...)`` in harness/ is read with ``ast``. Its code and requirement are
literals, or names whose possible values are the matching literals of the same module
(e.g. ``limb`` in srpd.py, ``requirement`` in ownership.py); each must be in the
response-code table, resp. in features/requirements.yaml.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.catalogue.tables import response_code, response_codes
from harness.errors import UnknownName
from harness.reference.context import Rejection

CODE_SHAPE = re.compile(r"^[EIW]\d+$")
ALERT_SHAPE = re.compile(r"^(N\d+|S1SP\d+)$")  # DCC Alert and S1SP Alert codes
REQUIREMENT_SHAPE = re.compile(r"^[A-Z][A-Z0-9]*-[A-Za-z0-9.\-]+$")


@dataclass(frozen=True)
class Site:
    where: str
    codes: frozenset[str]
    requirements: frozenset[str]


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _strings(node: ast.AST, shape: re.Pattern[str]) -> set[str]:
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and shape.match(n.value)
    }


class _Module:
    """One parsed module, able to say which strings a name at a call site can hold."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self.functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        self.enclosing: dict[ast.AST, ast.FunctionDef] = {}
        for function in self.functions.values():
            for inner in ast.walk(function):
                self.enclosing.setdefault(inner, function)
        decorators = {d for f in self.functions.values() for d in f.decorator_list}
        self.loose = set().union(
            *(_strings(n, re.compile(".*")) for n in ast.walk(tree) if n not in decorators)
        ) - set().union(*(_strings(d, re.compile(".*")) for d in decorators))

    def values(self, node: ast.expr | None, at: ast.AST, shape: re.Pattern[str]) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if not isinstance(node, ast.Name):
            return set()
        function = self.enclosing.get(at)
        if function is not None:
            # a local assigned from literals, e.g. ``limb = "A" if x else "B"``
            assigned = [
                a.value
                for a in ast.walk(function)
                if isinstance(a, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)
            ]
            if assigned:
                return set().union(*(_strings(v, shape) for v in assigned))
            # a parameter: the literals the module's callers pass for it
            parameters = [a.arg for a in function.args.args]
            if node.id in parameters:
                index = parameters.index(node.id)
                passed: set[str] = set()
                for call in ast.walk(self.tree):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Name)
                        and call.func.id == function.name
                    ):
                        argument = _argument(call, index, node.id)
                        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                            passed.add(argument.value)
                if passed:
                    return passed
        # otherwise (e.g. unpacked from a helper's result): any such literal of the module
        return {s for s in self.loose if shape.match(s)}


def rejection_sites(root: Path) -> list[Site]:
    sites = []
    for path in sorted(root.rglob("*.py")):
        module = _Module(ast.parse(path.read_text(encoding="utf-8")))
        for node in ast.walk(module.tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Rejection"
            ):
                continue
            code = _argument(node, 0, "code")
            requirement = _argument(node, 1, "requirement")
            sites.append(
                Site(
                    f"{path.relative_to(root.parent)}:{node.lineno}",
                    frozenset(module.values(code, node, CODE_SHAPE)),
                    frozenset(module.values(requirement, node, REQUIREMENT_SHAPE)),
                )
            )
    return sites


@pytest.fixture(scope="module")
def sites(repo_root: Path) -> list[Site]:
    found = rejection_sites(repo_root / "harness")
    assert len(found) >= 20, f"found only {len(found)} Rejection(...) calls: is the scan broken?"
    return found


def test_every_rejection_code_is_in_the_table(sites: list[Site]) -> None:
    table = response_codes()
    unresolved = [s.where for s in sites if not s.codes]
    assert not unresolved, f"cannot tell which code these Rejections use: {unresolved}"
    missing = {f"{s.where} {c}" for s in sites for c in s.codes if c not in table}
    assert not missing, f"codes not in response_codes.yaml: {sorted(missing)}"


def test_every_rejection_cites_a_catalogued_requirement(
    sites: list[Site], requirement_ids: frozenset[str]
) -> None:
    unresolved = [s.where for s in sites if not s.requirements]
    assert not unresolved, f"cannot tell which requirement these Rejections cite: {unresolved}"
    missing = {f"{s.where} {r}" for s in sites for r in s.requirements if r not in requirement_ids}
    assert not missing, f"requirement IDs not in features/requirements.yaml: {sorted(missing)}"


def test_scan_reads_the_srpd_limbs_and_literal_codes(sites: list[Site]) -> None:
    """The scan is not vacuous: it sees the codes and IDs we know are there."""
    all_codes = set().union(*(s.codes for s in sites))
    all_requirements = set().union(*(s.requirements for s in sites))
    assert {"E1", "E4", "E44", "E51", "E53", "E21", "E061505", "E062105"} <= all_codes
    assert {"SRPD-6.1f-i", "SRPD-6.1f-ii", "SRPD-6.1f-iii"} <= all_requirements
    assert {"SEC-OWNERSHIP-SMETS1", "SEC-OWNERSHIP-SMETS2", "MP063-check"} <= all_requirements


def test_scan_catches_an_uncatalogued_code(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "rules.py").write_text(
        'def f(x):\n    return Rejection("E999", "NOT-AN-ID", "detail")\n', encoding="utf-8"
    )
    (found,) = rejection_sites(package)
    assert found.codes == {"E999"}
    assert "E999" not in response_codes()
    assert found.requirements == {"NOT-AN-ID"}


def test_table_rows_are_complete() -> None:
    for code, row in response_codes().items():
        assert CODE_SHAPE.match(code) or ALERT_SHAPE.match(code), code
        assert row.meaning.strip(), f"{code} has no meaning"
        assert row.source.strip(), f"{code} has no source"
        assert row.confidence in ("fact", "model")


def test_codes_with_published_meanings_are_facts() -> None:
    for code in ("I0", "I99", "E1", "E2", "E3", "E4", "E5", "E11", "E12", "E13", "E19"):
        assert response_code(code).confidence == "fact", code


def test_unknown_code_cannot_be_used() -> None:
    with pytest.raises(UnknownName, match="E9999"):
        response_code("E9999")
    with pytest.raises(UnknownName, match="not in the response-code table"):
        Rejection("E9999", "DUIS-E1", "made-up code")


def test_requirement_codes_are_in_the_table(repo_root: Path) -> None:
    import yaml

    document = yaml.safe_load(
        (repo_root / "features" / "requirements.yaml").read_text(encoding="utf-8")
    )
    table = response_codes()
    for row in document["requirements"]:
        for code in row.get("codes", []):
            assert code in table, f"{row['id']} answers with {code}, not in the table"


def test_rules_are_registered_under_requirement_ids(requirement_ids: frozenset[str]) -> None:
    """A rule's key is a requirement ID, or the umbrella of several (``SRPD-6.1f`` stamps
    its limbs ``SRPD-6.1f-i/-ii/-iii``)."""
    from harness.reference.profiles import PROFILES
    from harness.reference.rules import RULES

    for rule_id in RULES:
        limbs = {r for r in requirement_ids if r.startswith(rule_id + "-")}
        assert rule_id in requirement_ids or limbs, f"rule {rule_id} names no requirement"
    for profile in PROFILES.values():
        assert profile.requirement is None or profile.requirement in requirement_ids
