"""Symbolic parameters: expressions, regions, claims for every parameter, their certificates."""

import copy
import json
import re
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier import builtin_game, parse_agent
from verifier.model.agents import AgentError
from verifier.evidence.certificates import check, content_hash
from verifier.claims.claims import Always, Claim, Exists, Extreme, Unique, claim_certificate
from verifier.apps.cli import main
from verifier.model.params import ParameterError, parse_expression, parse_ratio, parse_region
from verifier.model.poly import Poly, named
from verifier.decision.solver import Pair

NELP = "nelp(eps=e,delta=d)"
REGION = "0 < d <= e/100, e <= 1/10"
PD = builtin_game("pd-a")


# ---------------------------------------------------------------- expressions


@pytest.mark.parametrize("text, value", [
    ("1/3", F(1, 3)), ("0.25", F(1, 4)), ("-(2 - 5)", F(3)), ("2^3/4", F(2)),
    ("e/100", named("e") * F(1, 100)), ("(e + 1)^2", named("e") ** 2 + 2 * named("e") + 1),
    # a power binds tighter than a minus sign, as in mathematics
    ("-2^2", F(-4)), ("-e^2 + e", named("e") - named("e") ** 2), ("(-e)^2", named("e") ** 2),
    ("2*-e^2", -2 * named("e") ** 2), ("--e^2", named("e") ** 2),
])
def test_expressions_are_exact(text, value):
    assert parse_expression(text) == value


@pytest.mark.parametrize("text, message", [
    ("e/d", "divide only by numbers"), ("e/0", "division by zero"), ("x1", "letters only"),
    ("e +", "expected more"), ("e ** 2", "unexpected"), ("__import__('os')", "letters only"),
    ("e^100", "exponents"), ("1" * 10_001, "longer than"), ("(e", "expected ')'"),
])
def test_bad_expressions_are_refused(text, message):
    with pytest.raises(ParameterError, match=re.escape(message)):
        parse_expression(text)


def test_ratios_and_regions():
    num, den = parse_ratio("3*d*(10 + 3*d)/(4 + 6*d)")
    assert (num, den) == (9 * named("d") ** 2 + 30 * named("d"), 6 * named("d") + 4)
    region = parse_region("0<d<=e/100, e <= 1/10")
    assert region.text == "0 < d <= e/100, e <= 1/10" and region.symbols == ("d", "e")
    assert region.contains({"d": F(1, 1000), "e": F(1, 10)})
    assert not region.contains({"d": F(1, 10), "e": F(1, 10)})
    for bad in ("", "e", "0 < e,", "0 < e < f/g"):
        with pytest.raises(ParameterError):
            parse_region(bad)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["e", "d", "eps"]),
                       st.fractions(min_value=-5, max_value=5, max_denominator=50), min_size=1),
       st.fractions(min_value=-5, max_value=5, max_denominator=50))
def test_polynomials_print_as_they_parse(coefficients, constant):
    poly = sum((c * named(n) * named(n) for n, c in coefficients.items()), Poly.const(constant))
    assert Poly.lift(parse_expression(repr(poly))) == poly


# ---------------------------------------------------------------- agents


def test_symbolic_agents_state_what_they_need_and_instantiate():
    agent = parse_agent("nelp(eps=e, delta=e/100)")
    assert agent.spec == "nelp(eps=e,delta=1/100*e)"
    assert {repr(a) for a in agent.requirements} >= {"(e > 0)", "(e + -1 < 0)"}
    concrete = parse_agent(agent.spec, {"e": F(1, 10)})
    assert concrete.spec == "nelp(eps=1/10,delta=1/1000)" and not concrete.requirements
    assert agent.program(PD, 0).symbols == {"e"}
    with pytest.raises(AgentError, match="letters only"):
        parse_agent("nelp(eps=e1, delta=1/100)")


def test_regions_must_fit_the_agents():
    a = parse_agent("nicerbot(eps=e)")
    with pytest.raises(ParameterError, match="allow e = "):
        Pair(PD, (a, a), region=parse_region("0 <= e <= 2"))
    with pytest.raises(ParameterError, match="no agent uses"):
        Pair(PD, (a, a), region=parse_region("0 <= x <= 1"))
    assert Pair(PD, (a, a)).region.text == "e >= 0, e <= 1"  # the agents' own needs


# ---------------------------------------------------------------- solving and claims


def test_nicerbot_cooperates_for_every_eps_and_not_at_zero():
    a = parse_agent("nicerbot(eps=e)")
    result = Pair(PD, (a, a), region=parse_region("0 < e <= 1")).solve(find_all=True)
    (point,) = result.fixed_points
    assert result.complete and point.whole_region and point.profile == ((1, 0), (1, 0))
    at_zero = Pair(PD, (a, a), region=parse_region("e = 0")).solve(find_all=True, limit=3)
    assert not at_zero.complete and all(p.params == (("e", 0),) for p in at_zero.fixed_points)


def test_a_family_written_in_the_parameters():
    pair = Pair(PD, (parse_agent("nicerbot(eps=e)"), parse_agent("defectbot")),
                region=parse_region("0 < e <= 1"))
    result = pair.solve(find_all=True)
    (point,) = result.fixed_points
    assert result.complete and point.terms == (("e", "1 - e"), ("0", "1"))


def _claim(check, expected="holds", agents=(NELP, "defectbot"), assume=REGION, game="pd-a"):
    return Claim("T", "test", "test", game, agents, check, expected=expected, assume=assume)


def test_exact_formula_extremes_for_every_parameter():
    tight = _claim(Extreme(lambda v: v.p1("C"), "max", value="3*d*(10 + 3*d)/(4 + 6*d)")).run()
    assert tight.verdict == "holds" and tight.detail["formula_optimum"].attained is True
    assert tight.assumptions == REGION
    wrong = _claim(Extreme(lambda v: v.p1("C"), "max", value="7*d")).run()
    bad = wrong.detail["counterexample"]
    assert wrong.verdict == "fails" and bad.profile[0][0] > 7 * dict(bad.params)["d"]
    loose = _claim(Extreme(lambda v: v.p1("C"), "max", value="8*d")).run()
    assert loose.verdict == "fails" and loose.detail["formula_optimum"].attained is False


def test_root_formulas_with_a_square_root_family():
    claim = _claim(Extreme(lambda v: v.p1("C"), "min", value="root(x^2 - e^2, larger)"),
                   agents=("mixed(p=e)", "defectbot"), assume="0 < e < 1")
    result = claim.run()
    assert result.verdict == "holds" and result.detail["formula_optimum"].attained
    cert = claim_certificate(claim, result, farkas_seconds=10)
    assert cert["result"]["family"]["aux"][0] == "sqrt_w"
    report = check(json.loads(json.dumps(cert)))
    assert report.ok and "sqrt_w is real" in report.line()
    smaller = _claim(Extreme(lambda v: v.p1("C"), "min", value="root(x^2 - e^2, smaller)"),
                     "fails", agents=("mixed(p=e)", "defectbot"), assume="0 < e < 1").run()
    assert smaller.verdict == "fails"  # -e is a bound, never reached


def test_symbols_in_claim_formulas():
    claim = _claim(Always(lambda v: v.p1("C").eq(v.sym("e"))),
                   agents=("nicerbot(eps=e)", "defectbot"), assume="0 < e <= 1")
    assert claim.run().verdict == "holds"
    assert claim.formal_text() == ("nicerbot(eps=e) vs defectbot on pd-a: every fixed point "
                                   "satisfies P1(C) = e, for all 0 < e <= 1")


# ---------------------------------------------------------------- certificates


@pytest.fixture(scope="module")
def param_certs():
    claims = {
        "unique": _claim(Unique(((1, 0), (1, 0))), agents=("nicerbot(eps=e)",) * 2,
                         assume="0 < e <= 1"),
        "counterexample": _claim(Unique(((1, 0), (1, 0))), "fails",
                                 ("nicerbot(eps=e)",) * 2, assume="e = 0"),
        "formula": _claim(Extreme(lambda v: v.u1, "min", value="1 - 9*d/2"), game="pd-b"),
        "exists": _claim(Exists(lambda v: v.p1("C").eq(v.sym("e"))),
                         agents=("nicerbot(eps=e)", "defectbot"), assume="0 < e <= 1"),
    }
    return {k: claim_certificate(c, c.run(), farkas_seconds=10) for k, c in claims.items()}


def test_parametric_certificates_re_verify(param_certs):
    for name, cert in param_certs.items():
        assert cert["version"] == 3 and cert["problem"]["assumptions"]
        report = check(json.loads(json.dumps(cert)), run_solvers=cert["kind"] == "solver-agreed")
        assert report.ok, (name, report.problem)
    lines = check(param_certs["counterexample"]).line()
    assert "at e = 0 (exact interpreter)" in lines


def _forged(cert, change):
    forged = copy.deepcopy(cert)
    change(forged)
    forged["hash"] = content_hash(forged)
    return check(forged)


def test_parametric_certificates_catch_changes(param_certs):
    cex, unique, formula = (param_certs[k] for k in ("counterexample", "unique", "formula"))

    def widen(c):
        c["problem"]["assumptions"] = "0 <= e <= 2"

    def move(c):
        c["result"]["params"]["e"] = "1/2"

    def shift(c):
        c["problem"]["question"]["value"]["ratio"][0][0][0] = "3"

    def unpin(c):
        first = sorted(c["result"]["family"]["booleans"])[0]
        c["result"]["family"]["booleans"][first] ^= True

    for cert, change, message in [(unique, widen, "SMT-LIB"), (cex, move, "outside the region"),
                                  (formula, shift, "SMT-LIB"), (formula, unpin, "SMT-LIB")]:
        report = _forged(cert, change)
        assert not report.ok and message in report.problem, (change.__name__, report.problem)


def test_cli_region_solve_and_prove_json(capsys):
    assert main(["solve", "nicerbot(eps=e)", "nicerbot(eps=e)", "--game", "pd-a",
                 "--assume", "0<e<=1", "--all", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["assumptions"] == "0 < e <= 1" and out["complete"]
    assert [p["whole_region"] for p in out["fixed_points"]] == [True]
    assert main(["prove", "proofs/", "--only", "P-nicer-eps0,C2", "--json"]) == 0
    results = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert results["P-nicer-eps0"]["assumptions"] == "e = 0"
    assert results["C2"]["assumptions"] is None
    assert main(["solve", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                 "--assume", "0<e<=2"]) == 2
    assert "needs e <= 1, but the assumptions allow e = " in capsys.readouterr().err


def test_cli_bound_checks_a_formula(capsys):
    base = ["bound", NELP, "defectbot", "--game", "pd-b", "--assume", REGION,
            "--objective", "p1(C)", "--sense", "max"]
    assert main(base + ["--value", "9*d/2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["formula"] == "9*d/2" and out["bound"] and out["attained"] is True
    assert main(base + ["--value", "4*d"]) == 1
    assert "not a bound" in capsys.readouterr().out
    assert main(base + ["--value", "e/(d - d)"]) == 2
    assert "division by zero" in capsys.readouterr().err


def test_polygons_with_parameters_need_convexity_from_the_region():
    spec = "region(eps=1/10,delta=1/1000,polygon=(1,1),(k,1),(3,3),(1,k))"
    agent = parse_agent(spec)
    assert agent.spec == "region(eps=1/10,delta=1/1000,polygon=1,1;k,1;3,3;1,k)"
    assert "(-2*k + k^2 + 1 > 0)" in {repr(a) for a in agent.requirements}
    concrete = parse_agent(agent.spec, {"k": F(13, 3)})
    assert concrete.spec.endswith("polygon=1,1;13/3,1;3,3;1,13/3)")
    with pytest.raises(ParameterError, match="needs"):  # k < 1: a clockwise turn
        Pair(PD, (agent, parse_agent("defectbot")), region=parse_region("0 < k <= 2"))
    with pytest.raises(AgentError, match="three or four"):
        parse_agent("region(1/10,1/1000,polygon=(0,0),(k,0),(2,1),(1,2),(0,1))")


def test_forged_fails_and_empty_regions_are_refused(param_certs):
    # a "fails" over a region must show the region is not empty
    cex = copy.deepcopy(param_certs["counterexample"])
    del cex["result"]["region_point"]
    cex["hash"] = content_hash(cex)
    assert "region_point" in check(cex).problem
    with pytest.raises(ParameterError, match="no parameter value"):
        Pair(PD, (parse_agent("nicerbot(eps=e)"),) * 2, region=parse_region("0 < e < 0"))
    with pytest.raises(ParameterError, match="no agent"):
        Pair(PD, (parse_agent("defectbot"),) * 2, region=parse_region("0 < 1"))


def test_beyond_witness_must_meet_the_side_condition():
    claim = _claim(Extreme(lambda v: v.p2("C"), "max", value="e",
                           subject_to=lambda v: v.p2("C") <= v.sym("e")),
                   agents=("defectbot", "mixed(p=e)"), assume="0 < e < 1")
    result = claim.run()
    assert result.verdict == "holds"
    cert = claim_certificate(claim, result, farkas_seconds=10)
    assert check(cert).ok
    # forge "fails" with a fixed point that the side condition excludes
    wrong = _claim(Extreme(lambda v: v.p2("C"), "max", value="e/2",
                           subject_to=lambda v: v.p2("C") <= v.sym("e")),
                   "fails", agents=("defectbot", "mixed(p=e)"), assume="0 < e < 1")
    forged = claim_certificate(wrong, wrong.run(), farkas_seconds=10)
    assert check(forged).ok  # honest: P2(C) = e > e/2 and e <= e
    forged["problem"]["question"]["subject_to"]["op"] = "<"  # now P2(C) < e: excluded
    forged["hash"] = content_hash(forged)
    report = check(forged)
    assert not report.ok and "side condition" in report.problem


def test_forged_families_and_flags_are_refused(param_certs):
    honest = param_certs["exists"]
    terms = honest["result"]["family"]["terms"]
    some = sorted(terms)[0]

    def pin_parameter(c):
        c["result"]["family"]["terms"]["e"] = [[["1/2", []]], [["1", []]]]

    def zero_denominator(c):
        c["result"]["family"]["terms"][some][1] = []

    def self_reference(c):
        c["result"]["family"]["terms"][some][0].append(["1", [[some, 1]]])

    for change, message in [(pin_parameter, "every system variable"),
                            (zero_denominator, "divides by zero"),
                            (self_reference, "more than the parameters")]:
        report = _forged(honest, change)
        assert not report.ok and message in report.problem, (change.__name__, report.problem)
    formula = copy.deepcopy(param_certs["formula"])
    formula["result"]["attained"], formula["verdict"] = "yes", "fails"
    formula["hash"] = content_hash(formula)
    assert "true or false" in check(formula).problem
    with pytest.raises(Exception, match="not a parameter of its agents"):
        _claim(Always(lambda v: v.p1("C").eq(v.sym("q"))),
               agents=("nicerbot(eps=e)", "defectbot"), assume="0 < e <= 1").run()


def test_a_bound_nothing_reaches_is_not_an_extreme():
    loose = _claim(Extreme(lambda v: v.p1("C"), "max", value="2", attained=False),
                   agents=("nicerbot(eps=e)", "defectbot"), assume="0 < e <= 1").run()
    assert loose.verdict == "unknown"  # 2 bounds P1(C), but the sup is e
    # certified: "2 is the attained max" fails (nothing reaches 2) ...
    claim = _claim(Extreme(lambda v: v.p1("C"), "max", value="2"), "fails",
                   agents=("nicerbot(eps=e)", "defectbot"), assume="0 < e <= 1")
    cert = claim_certificate(claim, claim.run(), farkas_seconds=10)
    assert cert["result"]["attained"] is False and check(cert).ok
    # ... but that evidence says nothing of "2 is the sup, not attained"
    cert["problem"]["question"]["attained"] = False
    cert["hash"] = content_hash(cert)
    assert "decides nothing" in check(cert).problem


@pytest.mark.parametrize("text", ["((e+1)^64)^64", "(a+b+c+d)^64", "(" * 3000 + "e" + ")" * 3000,
                                  "-" * 4000 + "e"])
def test_hostile_expressions_are_refused_quickly(text):
    with pytest.raises(ParameterError, match="too large|deeper"):
        parse_expression(text)


def test_symbolic_queries_are_one_query_only_where_polynomial_and_threshold_both_agree():
    """'P1(C) - e > 0' and 'P1(C) > 1/10' are different queries even at e = 1/10 (their
    polynomials and thresholds differ), so their tie probabilities stay independent there;
    'P1(C) > e' and 'P1(C) > 1/10' are one query at e = 1/10."""
    import z3

    from verifier import smt
    from verifier.model.agents import AllOf, If, Negation, Play, Program, Query
    from verifier.encoding.compiler import System
    from verifier.model.params import parse_expression
    from verifier.model.poly import named, var
    x, e = var("self", 0), parse_expression("e")
    game = builtin_game("pd-a")
    defect = parse_agent("defectbot").program(game, 1)

    def sat(first, second) -> bool:
        body = If(AllOf((first, Negation(second))), Play((F(0), F(1))), Play((F(1, 5), F(4, 5))))
        system = System(game, (Program(body, 2, 2, None, "custom"), defect))
        solver = z3.Solver()
        solver.add(smt.formulas(system.constraints + [system.free[0][0].eq(F(1, 10)),
                                                      named("e").eq(F(1, 10))]))
        return solver.check() == z3.sat
    # different queries: q_a = 1/2, q_b = 0 makes P1(C) = 1/10 a fixed point
    assert sat(Query(x - e, F(0)), Query(x, F(1, 10)))
    # one query at e = 1/10: the If runs D with probability q(1 - q) <= 1/4, and the output
    # P(C) = 1/5 * (1 - q(1 - q)) = 1/10 would need q(1 - q) = 1/2: impossible
    assert not sat(Query(x, e), Query(x, F(1, 10)))


def test_parametric_certificates_validate_against_the_json_schema(param_certs,
                                                                   certificate_schema):
    import jsonschema
    for cert in param_certs.values():
        jsonschema.validate(json.loads(json.dumps(cert)), certificate_schema)


def test_an_instance_the_solver_does_not_give_is_not_shown_as_the_familys(monkeypatch):
    # the profile printed beside a family is its own point at those values; when the
    # solver cannot give that point, the text says the profile shown is another one
    from dataclasses import replace
    from verifier.decision import families
    from verifier.encoding.smt import SolverUnknown
    pair = Pair(PD, (parse_agent("nicerbot(eps=e)"), parse_agent("defectbot")),
                region=parse_region("0 < e <= 1"))
    (point,) = pair.solve().fixed_points
    e = dict(point.params)["e"]
    assert point.whole_region and point.own_instance and point.profile == ((e, 1 - e), (0, 1))
    assert "(e.g. (C=" in point.describe(PD)
    other = replace(point, profile=((1, 0), (0, 1)))  # not the family's point at e

    def unknown(*args, **kwargs):
        raise SolverUnknown("a time-out")
    monkeypatch.setattr(pair.queries, "model", unknown)
    shown, own = families.family_instance(pair, other, point.family)
    assert shown is other and not own
    text = replace(other, own_instance=False).describe(PD)
    assert "was not computed; a fixed point there, not shown to be the family's: (C=1, D=0)" in text
    assert "e.g." not in text
    monkeypatch.undo()
    shown, own = families.family_instance(pair, other, point.family)
    assert own and (shown.profile, shown.params) == (point.profile, point.params)
