"""Mutated DCC templates, for comparing XSD validators: which documents does each accept?

    python -m benchmarks.schema_mutants [--seeds N] [--java]

Every DCC request and response template in ``../shared/duis/templates`` (read in place, never
copied) is mutated by the fuzz job's mutator (:func:`fuzz.corpus.mutate`) with the seeds
``"<template name>:<k>"`` for k < N; the mutants the harness's safe parser reads
(well-formed, no DTD) are kept. Each is validated by libxml2 (:mod:`lxml`) and by
``xmlschema``, and, with ``--java``, by Java's XSD engine as the DCC Boxed tool loads it
(``tests/interop/xsd_java.py``); the documents they disagree on are printed with their
(template, seed), which is all a test needs to rebuild them (``tests/interop/
test_schema_validators.py`` records them).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from fuzz.corpus import mutate
from harness.duis.safe_xml import parse_untrusted
from harness.duis.schema import duis_dir
from harness.errors import HarnessError

SEEDS = 160  # per template: 297 templates give 2,120 well-formed mutants
SIZE_LIMIT = 256 * 1024


@dataclass(frozen=True)
class Mutant:
    template: str
    seed: int
    xml: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.xml).hexdigest()[:16]


def templates(folder: Path | None = None) -> list[Path]:
    base = folder or duis_dir() / "templates"
    if not base.is_dir():
        return []
    return sorted(
        p for p in base.iterdir() if p.suffix.lower() == ".xml" and p.stat().st_size < SIZE_LIMIT
    )


def mutant(template: Path, seed: int) -> Mutant:
    """The ``seed``-th mutant of ``template`` (well-formed or not)."""
    rng = random.Random(f"{template.name}:{seed}")
    return Mutant(template.name, seed, mutate(template.read_bytes(), rng))


def readable(xml: bytes) -> etree._Element | None:
    try:
        return parse_untrusted(xml)
    except (HarnessError, ValueError, etree.LxmlError):
        return None


def mutants(seeds: int = SEEDS, folder: Path | None = None) -> Iterator[Mutant]:
    """Every well-formed mutant, in a fixed order."""
    for template in templates(folder):
        for seed in range(seeds):
            candidate = mutant(template, seed)
            if readable(candidate.xml) is not None:
                yield candidate


def main(argv: list[str] | None = None) -> int:
    from harness.duis.schema import load_schema

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS)
    parser.add_argument("--java", action="store_true", help="also Java's XSD engine")
    options = parser.parse_args(argv)
    if not templates():
        print(f"no DCC templates at {duis_dir() / 'templates'}", file=sys.stderr)
        return 2
    import xmlschema

    schema = load_schema()
    reference = xmlschema.XMLSchema(str(schema.path), allow="sandbox")
    documents = list(mutants(options.seeds))
    spent = {"lxml": 0.0, "xmlschema": 0.0}
    disagreements = []
    for document in documents:
        root = readable(document.xml)
        assert root is not None
        began = time.perf_counter()
        by_lxml = schema.lxml_schema.validate(root)
        spent["lxml"] += time.perf_counter() - began
        began = time.perf_counter()
        by_xmlschema = reference.is_valid(xmlschema.XMLResource(root, allow="none"))
        spent["xmlschema"] += time.perf_counter() - began
        if by_lxml != by_xmlschema:
            disagreements.append((document, by_lxml, by_xmlschema))
    java: list[tuple[bool, str]] = []
    if options.java and disagreements:
        from tests.interop.xsd_java import JavaXsd, build

        checker = JavaXsd(build())
        try:
            java = checker.check([d.xml for d, _, _ in disagreements])
        finally:
            checker.close()
    print(
        f"{len(documents)} well-formed mutants of {len(templates())} templates "
        f"({options.seeds} seeds each); lxml {spent['lxml'] / len(documents) * 1e3:.3f} ms, "
        f"xmlschema {spent['xmlschema'] / len(documents) * 1e3:.3f} ms per document; "
        f"{len(disagreements)} disagreements"
    )
    for index, (document, by_lxml, by_xmlschema) in enumerate(disagreements):
        verdicts = f"lxml {_word(by_lxml)}, xmlschema {_word(by_xmlschema)}"
        if java:
            valid, message = java[index]
            verdicts += f", Java {_word(valid)} {message[:120]}"
        print(f'("{document.template}", {document.seed}, "{document.digest}"): {verdicts}')
    return 0


def _word(valid: bool) -> str:
    return "valid" if valid else "invalid"


if __name__ == "__main__":
    sys.exit(main())
