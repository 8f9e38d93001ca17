"""Random mutations of certificates: every one is rejected by the checker.

A mutation changes one leaf of what a verdict says (the game's payoffs, the
programs, the question, the verdict, the result: witnesses, values, basis lists)
or of its proof (Farkas multipliers, the stored system), then recomputes the
content hash, as a forger would; the checker's own checks must catch it.

Not mutated, because a change there can leave a true statement or a valid proof:
labels (the game's and actions' names, agent specs, which make an agent "custom"
and then its program is taken as stated), weakenings (`question.all`, tie
randomisation for agents without ties), the literals of a Farkas lemma (a literal
no multiplier uses only weakens its clause), and informational fields (timings,
solver answers and versions, the claim's wording).
"""

import copy
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier import builtin_game, parse_agent
from verifier.checker.check import check
from verifier.checker.format import content_hash
from verifier.claims.claims import claim_certificate, load_claims
from verifier.decision.solver import Pair

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
MUTABLE = (("problem", "game", "payoffs"), ("problem", "agents"), ("problem", "question"),
           ("verdict",), ("result",), ("evidence",))
LABELS = {"name", "spec", "all", "literals", "obligation", "answers", "versions", "seconds",
          "actions"}


@pytest.fixture(scope="module")
def certificates():
    nicer = parse_agent("nicerbot(eps=1/10)")
    solved = Pair(builtin_game("pd-a"), (nicer, nicer))
    br = parse_agent("best-response")
    nash = Pair(builtin_game("stag-hunt"), (br, br))
    claim, = [c for c in load_claims(["proofs/"]) if c.id == "C1"]
    return [solved.certificate(solved.solve(find_all=True)),
            nash.certificate(nash.solve(find_all=True)),
            claim_certificate(claim, claim.run(60), farkas_seconds=20)]


def leaves(data, path=()):
    """Every (path, value) leaf that a verdict or its proof rests on."""
    if isinstance(data, dict):
        for k, v in data.items():
            inside = path + (k,)
            if k not in LABELS and any(inside[:len(m)] == m[:len(inside)] for m in MUTABLE):
                yield from leaves(v, inside)
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from leaves(v, path + (i,))
    else:
        yield path, data


def mutated(value, pick: int):
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + (1 if pick % 2 else -1)
    if isinstance(value, str):
        number = re.fullmatch(r"(-?\d+)(/(\d+))?", value)
        if number:
            num = int(number.group(1)) + (1 if pick % 2 else -1)
            return f"{num}/{number.group(3)}" if number.group(3) else str(num)
        if value in ("holds", "fails"):
            return {"holds": "fails", "fails": "holds"}[value]
        return value + "x" if pick % 2 else value[:-1] or "x"
    if value is None:
        return "1"
    raise AssertionError(type(value))


def set_at(data, path, value):
    for k in path[:-1]:
        data = data[k]
    data[path[-1]] = value


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
          suppress_health_check=list(HealthCheck))
@given(st.integers(0, 2), st.integers(0, 10**9), st.integers(0, 10**9))
def test_a_random_mutation_is_rejected(certificates, which, where, pick):
    base = certificates[which]
    spots = list(leaves(base))
    path, value = spots[where % len(spots)]
    forged = copy.deepcopy(base)
    set_at(forged, path, mutated(value, pick))
    forged["hash"] = content_hash(forged)
    report = check(forged)  # no solvers: solver-agreed evidence fails
    assert not report.ok, f"changing {'/'.join(map(str, path))} from {value!r} was not caught"


def _paths(data, prefix=()):
    """Every key path into parsed JSON (the first three items of each list)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data[:3]):
            yield prefix + (i,)
            yield from _paths(value, prefix + (i,))


def test_a_value_of_the_wrong_shape_is_a_failed_check_never_an_exception():
    """Replace any value of a golden certificate by one of another shape (a number, a
    string, a list, an object, null), recompute the hash: the checker returns a report (a
    failed one, unless the field is a label it does not check); an exception would be a
    bug of the checker, which `rov check` reports as an internal error."""
    import json
    import random
    from pathlib import Path

    shapes = [5, "x", [], {}, None, True, [1, 2], [{}], {"a": 1}, -1, 1.5, "1/0", [[1]],
              [["x"]], "1/2", [["s", 0, 0]], ["1/2", "1/2"]]
    rng = random.Random(16)
    golden = sorted((Path(__file__).parent / "golden" / "good").glob("*.json"))
    tried = 0
    for path in golden:
        cert = json.loads(path.read_text())
        paths = [p for p in _paths(cert) if p[0] not in ("hash", "seconds")]
        for where in rng.sample(paths, min(len(paths), 40)):
            for value in rng.sample(shapes, 3):
                forged = copy.deepcopy(cert)
                node = forged
                for key in where[:-1]:
                    node = node[key]
                node[where[-1]] = value
                forged["hash"] = content_hash(forged)
                report = check(forged)  # never raises
                assert report.ok in (True, False), where
                tried += 1
    assert tried > 500
