"""Stored certificates (tests/golden/): the checker accepts every good one and rejects every
bad one, with the line tests/golden/expected.json gives (tests/golden/README.md says how each
file was made)."""

import json
from pathlib import Path

import pytest

from verifier.checker.check import check
from verifier.evidence.agreement import solver_agreement

GOLDEN = Path(__file__).with_name("golden")
EXPECTED = json.loads((GOLDEN / "expected.json").read_text())


def test_every_stored_file_has_an_expected_line():
    for side in ("good", "bad"):
        assert sorted(p.name for p in (GOLDEN / side).glob("*.json")) == sorted(EXPECTED[side])


@pytest.mark.parametrize("side,name", [(s, n) for s in ("good", "bad") for n in EXPECTED[s]])
def test_the_checker_accepts_the_good_and_rejects_the_bad(side, name):
    report = check(json.loads((GOLDEN / side / name).read_text()), solver_agreement)
    assert report.ok is (side == "good"), report.line()
    assert EXPECTED[side][name] in report.line()


def test_every_evidence_kind_and_every_version_is_stored():
    kinds, versions = set(), set()
    for side in ("good", "bad"):
        for path in (GOLDEN / side).glob("*.json"):
            cert = json.loads(path.read_text())
            versions.add(cert["version"])
            if side == "good":
                kinds.add(cert["kind"])
    assert kinds == {"witness", "enumeration", "farkas", "positivstellensatz", "solver-agreed"}
    assert {1, 2, 3} <= versions
