"""Positivstellensatz evidence (products of several facts, squares, equalities times
monomials, case splits): the checker's identities from their definition, every single
change of a certificate caught with a message saying what, and the check report's
setting (game and payoffs' hash, agents, tie model, readings)."""

import copy
import json
import time
from fractions import Fraction as F

import pytest

from verifier import builtin_game, parse_agent
from verifier.checker.check import check
from verifier.checker.farkas import CheckError, Fact, Skeleton, check_lemma
from verifier.checker.format import CertificateError, content_hash, decode_lemma
from verifier.checker.kinds import check_evidence
from verifier.checker.obligations import Obligation
from verifier.claims.claims import claim_certificate, load_claims
from verifier.decision.solver import Pair
from verifier.evidence.certificates import Budget, write_positivstellensatz
from verifier.evidence.multipliers import (multipliers, product_count, product_rows,
                                           touching_point)
from verifier.evidence.tangency import field_multipliers
from verifier.encoding.smtlib import smtlib
from verifier.checker.format import skeleton_summary
from verifier.checker.codec import encode_poly
from verifier.model.poly import Poly, named

x, y, z = named("x"), named("y"), named("z")
ONE = Poly.const(1)


def _facts():
    """The tangency of claim C9 at eps = 2/5, by hand: g = 3y/5 + 2/5 - x >= 0, y <= 1 and
    f = xy/4 - x + y/4 < -121/240, where f + 121/240 = 3/20 (y - 5/6)^2 + g (1 - y/4)."""
    return [Fact(x - F(3, 5) * y - F(2, 5) * ONE, False),
            Fact(F(1, 4) * x * y - x + F(1, 4) * y + F(121, 240) * ONE, True),
            Fact(y - ONE, False)]


TANGENCY = {"linear": [[1, "1"], [0, "3/4"]], "products": [[0, 2, "1/4"]],
            "squares": [[encode_poly(y - F(5, 6) * ONE), "3/20"]]}


def test_a_square_about_the_tangency_refutes_what_no_farkas_lemma_can():
    facts = _facts()
    check_lemma(facts, decode_lemma(TANGENCY, 3, extended=True))
    with pytest.raises(CheckError, match="unknown lemma field 'squares'"):
        decode_lemma(TANGENCY, 3, extended=False)


@pytest.mark.parametrize("where", ["linear", "products", "squares", "centre"])
def test_each_number_of_the_tangency_lemma_matters(where):
    lemma = copy.deepcopy(TANGENCY)
    if where == "centre":
        lemma["squares"][0][0] = encode_poly(y - F(4, 5) * ONE)
    else:
        lemma[where][0][-1] = "1/2"
    with pytest.raises(CheckError, match="not constant|no contradiction"):
        check_lemma(_facts(), decode_lemma(lemma, 3, extended=True))


def test_a_product_of_three_strict_facts_and_its_sign():
    facts = [Fact(-x, True), Fact(-y, True), Fact(-z, True), Fact(x * y * z, False)]
    check_lemma(facts, decode_lemma({"linear": [[3, "1"]], "products": [[0, 1, 2, "1"]]},
                                    4, extended=True))  # xyz <= 0 with x, y, z > 0
    with pytest.raises(CheckError, match="no contradiction"):  # one fact not strict
        check_lemma(facts[:2] + [Fact(-z, False)] + facts[3:],
                    decode_lemma({"linear": [[3, "1"]], "products": [[0, 1, 2, "1"]]},
                                 4, extended=True))
    with pytest.raises(CheckError, match="bad products entry"):  # beyond eight facts
        decode_lemma({"products": [[0] * 9 + ["1"]]}, 4, extended=True)


def test_a_product_too_large_to_build_is_refused():
    big = sum((named(f"v{k}") for k in range(400)), Poly())
    with pytest.raises(CheckError, match="beyond the checker's limit"):
        check_lemma([Fact(big, False)], {"products": [[0, 0, F(1)]]})


def test_a_tangency_at_an_irrational_point_is_refuted_with_a_square_in_its_field():
    """v = sqrt(2) and (y - v)^2 < 0 written out as y^2 - 2vy + 2 < 0: the closure touches
    at y = v, an irrational point, where no rational centre serves; the search writes the
    square of y - v, and the checker, which knows nothing of fields, accepts it."""
    v = named("v")
    ob = Obligation("no point", "unsat", ((v * v).eq(2), v > 1, v < 2,
                                          y * y - 2 * v * y + 2 < 0))
    evidence = write_positivstellensatz(ob, Budget(farkas=0, positivstellensatz=60,
                                                   solvers=0))
    assert evidence["kind"] == "positivstellensatz" and evidence["splits"] == []
    squares = [row for lemma in evidence["lemmas"] for row in lemma.get("squares", ())]
    assert any(name == "v" for row in squares for _, mono in row[0] for name, _ in mono)
    assert "1 Positivstellensatz lemma" in check_evidence(ob, evidence, None)
    wrong = copy.deepcopy(evidence)
    wrong["lemmas"][0]["squares"][0][0] = encode_poly(y - F(7, 5) * ONE)  # a rational centre
    with pytest.raises(CertificateError, match="lemma 0 does not check"):
        check_evidence(ob, wrong, None)


def test_a_square_times_a_fact_and_its_index():
    """x >= 0 and x (y - 1)^2 < 0: the square of y - 1 times the fact x >= 0 refutes it; the
    same square without the fact, or times another fact, does not."""
    facts = [Fact(-x, False), Fact(x * (y - ONE) * (y - ONE), True), Fact(-y, False)]
    row = [encode_poly(y - ONE), 0, "1"]
    check_lemma(facts, decode_lemma({"linear": [[1, "1"]], "squares": [row]}, 3, True))
    for wrong in ([encode_poly(y - ONE), "1"], [encode_poly(y - ONE), 2, "1"],
                  [encode_poly(y - ONE), 0, "2"]):
        with pytest.raises(CheckError, match="not constant"):
            check_lemma(facts, decode_lemma({"linear": [[1, "1"]], "squares": [wrong]}, 3,
                                            True))
    with pytest.raises(CheckError, match="bad literal index"):
        decode_lemma({"squares": [[encode_poly(y), 3, "1"]]}, 3, True)


def test_multipliers_in_the_field_of_sqrt2_are_written_as_rational_rows():
    """v = sqrt(2) (v^2 = 2, 1 < v < 2), y <= v x, x <= 1 and y > v: at the tangency x = 1,
    y = v the multiplier of x <= 1 is v itself, an irrational number; lifted, it is
    1 + (v - 1), a rational row and a product with the fact v > 1."""
    v = named("v")
    facts = [Fact(v * v - 2 * ONE, False), Fact(2 * ONE - v * v, False), Fact(ONE - v, True),
             Fact(v - 2 * ONE, True), Fact(y - v * x, False), Fact(x - ONE, False),
             Fact(v - y, True)]
    centre = touching_point(facts, time.monotonic() + 10)
    assert centre == {"x": ONE, "y": v, "v": v}
    lemma = field_multipliers(facts, centre, "v", 3)
    check_lemma(facts, lemma)
    assert any(2 in row[:-1] for row in lemma["products"])  # times v - 1 >= 0
    assert field_multipliers(facts[2:], centre, "v", 3) is None  # nothing pins v


def _split_evidence():
    """x <= 1 and x > 2, refuted on each side of the split x <= 1/2: a SAT check that
    must see both sides covered."""
    formulas = [x <= 1, x > 2]
    ob = Obligation("no point", "unsat", tuple(formulas))
    sk = Skeleton(formulas)
    split = sk.literal(x <= F(1, 2))
    le1, gt2 = sk.literal(x <= 1), sk.literal(x > 2)
    return ob, {"obligation": "no point", "kind": "positivstellensatz",
                "smtlib": smtlib(formulas), "skeleton": skeleton_summary(Skeleton(formulas)),
                "splits": [[encode_poly(x - F(1, 2) * ONE), False]],
                "lemmas": [{"literals": [split, gt2], "linear": [[0, "1"], [1, "1"]]},
                           {"literals": [-split, le1, gt2],
                            "linear": [[1, "1"], [2, "1"]]}]}


def test_the_search_splits_where_no_lemma_of_its_degrees_refutes():
    """0 <= x <= 1 and (x - 1/2)^2 + 1/1000 < 0 (expanded): the box's bounds times each
    other do not refute it, so the search splits at x = 1/2, where (1/2 - x)^2 >= 0 on
    each side does; the checker needs the split to read the lemmas."""
    ob = Obligation("no point", "unsat", (x >= 0, x <= 1,
                                          x * x - x + F(251, 1000) * ONE < 0))
    evidence = write_positivstellensatz(ob, Budget(farkas=0, positivstellensatz=60,
                                                   solvers=0))
    assert evidence["kind"] == "positivstellensatz" and len(evidence["splits"]) >= 1
    assert "Positivstellensatz lemmas" in check_evidence(ob, evidence, None)
    unsplit = copy.deepcopy(evidence) | {"splits": []}
    with pytest.raises(CheckError, match="is not an arithmetic atom"):  # the split's literal
        check_evidence(ob, unsplit, None)


def test_case_splits_cover_both_sides():
    ob, ev = _split_evidence()
    assert "2 Positivstellensatz lemmas" in check_evidence(ob, ev, None)
    one_side = copy.deepcopy(ev)
    one_side["lemmas"].pop(0)
    with pytest.raises(CertificateError, match="still satisfiable"):
        check_evidence(ob, one_side, None)
    moved = copy.deepcopy(ev)
    moved["splits"][0][0] = encode_poly(x - F(5, 2) * ONE)  # now x <= 5/2 does not refute
    with pytest.raises(CertificateError, match="lemma 0 does not check"):
        check_evidence(ob, moved, None)
    as_farkas = copy.deepcopy(ev) | {"kind": "farkas"}
    with pytest.raises(CertificateError, match="Farkas evidence has no case splits"):
        check_evidence(ob, as_farkas, None)
    bad = copy.deepcopy(ev)
    bad["splits"] = [[encode_poly(ONE), False]]
    with pytest.raises(CertificateError, match="is a constant"):
        check_evidence(ob, bad, None)


@pytest.fixture(scope="module")
def tangency_certificate():
    claim, = [c for c in load_claims(["proofs/"]) if c.id == "C9-pd-a-eps2/5-best-deviation"]
    return claim_certificate(claim, claim.run(60), farkas_seconds=1.0)


def test_the_c9_optimum_is_certified_without_solvers(tangency_certificate):
    cert = json.loads(json.dumps(tangency_certificate))
    assert cert["kind"] == "positivstellensatz"
    report = check(cert)  # no redecide: no solver runs
    assert report.ok, report.problem
    assert "Positivstellensatz lemmas, SAT check" in report.line()


def test_the_certificate_validates_against_the_json_schema(tangency_certificate,
                                                           certificate_schema):
    import jsonschema
    jsonschema.validate(json.loads(json.dumps(tangency_certificate)), certificate_schema)
    ob, ev = _split_evidence()
    jsonschema.validate(ev, certificate_schema["$defs"]["positivstellensatz_evidence"]
                        | {"$defs": certificate_schema["$defs"]})


def _numbers(data, path=()):
    """Paths of the rational numbers (strings like "3/20" or "-1") in the evidence."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _numbers(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _numbers(v, path + (i,))
    elif isinstance(data, str) and _is_number(data):
        yield path


def _is_number(text):
    try:
        F(text)
    except ValueError:
        return False
    return True


def _set(data, path, value):
    for k in path[:-1]:
        data = data[k]
    data[path[-1]] = value


def test_every_number_of_the_evidence_and_the_problem_is_checked(tangency_certificate):
    base = json.loads(json.dumps(tangency_certificate))
    lemmas = [i for i, ev in enumerate(base["evidence"]) if ev["kind"] == "positivstellensatz"]
    paths = [("evidence", i, "lemmas") + p for i in lemmas
             for p in _numbers(base["evidence"][i]["lemmas"])]
    assert len(paths) > 20
    paths += [("result", "value"), ("problem", "question", "value"),
              ("problem", "game", "payoffs", 0, 0, 0)]
    for path in paths:
        forged = copy.deepcopy(base)
        value = forged
        for k in path:
            value = value[k]
        _set(forged, path, str(F(value) + F(1, 7)))
        forged["hash"] = content_hash(forged)
        report = check(forged)
        assert not report.ok, f"changing {path} was not caught"
        assert "does not check" in report.problem or "not the built-in" in report.problem \
            or "does not follow" in report.problem or "not a fixed point" in report.problem \
            or "does not hold" in report.problem, (path, report.problem)


def test_a_parameter_of_an_agent_is_checked(tangency_certificate):
    forged = json.loads(json.dumps(tangency_certificate))
    forged["problem"]["agents"][0]["spec"] = "nicerbot(eps=1/3)"
    forged["hash"] = content_hash(forged)
    report = check(forged)
    assert not report.ok and "is not what 'nicerbot(eps=1/3)' builds" in report.problem


def test_the_report_names_game_payoffs_agents_ties_and_readings(tangency_certificate):
    line = check(tangency_certificate).line()
    assert line.startswith("ok: C9-pd-a-eps2/5-best-deviation: holds [positivstellensatz] "
                           "in pd-a (payoffs sha256 ")
    assert "nicerbot(eps=2/5) vs any, one tie probability per query" in line
    pair = Pair(builtin_game("pd-a"), (parse_agent("lp(eps=1/10,delta=1/1000)"),
                                       parse_agent("defectbot")))
    line = check(pair.certificate(pair.solve())).line()
    assert "agent 1 reading: directions=equal,estimates=box" in line
    forged = json.loads(json.dumps(tangency_certificate))
    forged["evidence"][-1]["lemmas"][0]["linear"][0][-1] = "12345"
    forged["hash"] = content_hash(forged)
    line = check(forged).line()  # a failed check names the setting too
    assert line.startswith("FAILED: C9-pd-a-eps2/5-best-deviation: holds [positivstellensatz] "
                           "in pd-a (payoffs sha256 ") and "lemma 0 does not check" in line


def test_deterministic_ties_are_never_a_plain_ok():
    pair = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(eps=1/10)"),
                                       parse_agent("defectbot")), tie_randomization=False)
    report = check(json.loads(json.dumps(pair.certificate(pair.solve()))))
    assert report.ok and not report.oracle_model
    assert report.line().startswith("ok, but NOT under the oracle model (deterministic tie "
                                    "answers)")
    assert "deterministic tie answers" in report.setting
    assert report.to_json()["oracle_model"] is False


def test_a_fourth_power_needs_a_product_of_four_bounds():
    """0 <= x <= 1/2 and x^4 > x/8: x/8 - x^4 = x (1/2 - x) (1/4 + x/2 + x^2), whose last
    term x^3 (1/2 - x) is a product of four bounds; products of three facts do not refute
    it, the LP of degree 4 does, with a product of four rows that the checker accepts."""
    facts = [Fact(-x, False), Fact(x - F(1, 2) * ONE, False),
             Fact(F(1, 8) * x - x * x * x * x, True)]
    assert multipliers(facts, True, 30, degree=3) is None
    lemma = multipliers(facts, True, 30, degree=4)
    assert lemma is not None and any(len(row) == 5 for row in lemma["products"])
    check_lemma(facts, lemma)


def test_products_of_more_than_three_facts_are_bounds_on_cubic_variables_and_one_other():
    """Of 3 bounds (x >= 0, y <= 1, z <= 1) and 2 other facts, one with the cubic term
    x^2 y: products of four are the 5 of the bounds on x and y alone and the 2 * 4 with
    one other fact (z's bound is in none); products of three: all 35."""
    facts = [Fact(-x, False), Fact(y - ONE, False), Fact(z - ONE, False), Fact(x - y, False),
             Fact(x * x * y - ONE, True)]
    assert len(product_rows(facts, range(5), 3)) == 35
    rows = product_rows(facts, range(5), 4)
    assert len(rows) == 5 + 2 * 4 and len(set(rows)) == len(rows)
    assert all(sum(i >= 3 for i in row) <= 1 and 2 not in row and list(row) == sorted(row)
               for row in rows)
    assert [product_count(facts, range(5), k) for k in (3, 4, 5)] == \
        [35, 13, len(product_rows(facts, range(5), 5))]


def test_a_support_with_no_exact_solution_falls_back_to_the_exact_lp():
    """A core of the red boundary's search (P-N3-lp-min-pd-a, a box at the corner d = 0):
    elo >= 3/5 follows from the quadratic fact and elo * fhi >= 0, against elo <= 1/1024;
    HiGHS's solution of the LP of degree 2 cancels only up to 1e-10 on a support with no
    exact solution (seen with HiGHS of scipy 1.16), and the exact LP over all 135 pieces
    finds the lemma."""
    e, lo, hi, d, s0, s1 = (named(v) for v in ("e", "elo", "fhi", "d", "s0", "s1"))
    small = F(1, 1024) * ONE
    # each fact t means t <= 0 (t < 0 when strict)
    facts = [Fact(t, False) for t in (e - s1 - F(1, 2) * d, lo - e + d, -hi,
                                      F(3, 5) * ONE + F(2, 5) * lo * hi - lo, s0 - small, -s0,
                                      -s1, s1 - small, -e, e - small, lo - ONE)]
    facts += [Fact(t, True) for t in (-lo, -d, hi - ONE)]
    facts.append(Fact(d + F(301, 165) * d * d + F(12, 11) * d * d * d + F(12, 55) * d * d * d * d
                      + F(896, 1485) * s1 - F(224, 1485) * s0 - F(224, 1485) * s0 * s1
                      + (d + F(2, 5) * d * d) * (F(32, 33) * s1 - F(8, 33) * s0
                                                 - F(8, 33) * s0 * s1), True))
    lemma = multipliers(facts, True, 30, degree=2)
    assert lemma is not None
    check_lemma(facts, lemma)
