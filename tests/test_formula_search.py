"""`rov bound --formula`: the tight extreme found as a formula in the parameters from exact
optima at sample points (reconstruction checked on exact values from the definitions),
and proven for the whole region (the proof decides the verdict)."""

import json
from fractions import Fraction as F

import sympy

from verifier.apps.cli import main
from verifier.decision.formula_search import reconstruct
from verifier.decision.parametric import parse_value
from verifier.model.numbers import compare

D = sympy.Symbol("d")
X = sympy.Symbol("x")


def rov(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _samples(f, count=9):
    return [(F(k, 1000), f(sympy.Rational(k, 1000))) for k in range(1, count + 1)]


def test_a_rational_function_is_reconstructed_exactly():
    def f(d):
        return 3 * d * (10 + 3 * d) / (4 + 6 * d)
    points = [(x, F(str(v))) for x, v in _samples(f)]
    text = reconstruct(points, "d")
    assert sympy.simplify(sympy.sympify(text) - f(D)) == 0
    assert reconstruct([(x, F(1, 3)) for x, _ in points], "d") == "1/3"
    # powers and a negative leading term, read back by the parser --value uses
    points = [(x, -x * x + 3 * x + 1) for x, _ in points]
    value = parse_value(reconstruct(points, "d"))
    assert all(value.num.evaluate({"d": x}) == y * value.den.evaluate({"d": x})
               for x, y in points)


def test_roots_of_quadratics_are_reconstructed_with_the_right_root():
    for k, which in ((0, "smaller"), (1, "larger")):
        points = _samples(lambda d: sympy.CRootOf((1 + d) * X ** 2 - 3 * X + d, k))
        value = parse_value(reconstruct(points, "d"))
        assert value.larger == (which == "larger")
        a, b, c = (p.evaluate({"d": F(1, 7)}) for p in value.polys)
        exact = sympy.CRootOf((1 + sympy.Rational(1, 7)) * X ** 2 - 3 * X
                              + sympy.Rational(1, 7), k)
        root = (-b + (1 if value.larger else -1) * sympy.sqrt(b * b - 4 * a * c)) / (2 * a)
        assert compare(root, exact) == 0


def test_no_formula_when_nothing_of_low_degree_fits():
    points = [(F(k, 10), F(k ** 7 + 1, k + 3)) for k in range(1, 10)]  # degree 7 over 1
    assert reconstruct(points, "d") is None
    mixed = _samples(lambda d: sympy.CRootOf(X ** 2 - 3 * X + d, 0 if d < 0.005 else 1))
    assert reconstruct(mixed, "d") is None  # the smaller root at some samples only


def test_nelp_against_defectbot_formula_is_found_and_proven(capsys):
    code, out, _ = rov(capsys, "bound", "nelp(eps=e,delta=d)", "defectbot", "--game", "pd-a",
                       "--objective", "p1(C)", "--sense", "max", "--assume",
                       "0 < d <= e/100, e <= 1/10", "--formula", "--json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "holds"
    assert sympy.simplify(sympy.sympify(data["formula"]) - 3 * D * (10 + 3 * D) / (4 + 6 * D)) \
        == 0
    assert data["proof"]["bound"] is True and data["proof"]["attained"] is True
    assert len(data["samples"]) >= 9


def test_the_catalogues_red_formula_is_reconstructed_from_13_exact_roots():
    red = ("root(16*(7 + 6*d)*(4 + 3*d)*x^2 + 4*(324*d^4 + 1620*d^3 + 2565*d^2 + 1125*d "
           "- 224)*x + 1458*d^6 + 10935*d^5 + 29889*d^4 + 33615*d^3 + 9126*d^2 - 5220*d + 448, "
           "smaller)")  # proofs/parametric.py, found by hand before --formula existed
    given = parse_value(red)

    def root(d):
        a, b, c = (sympy.Rational(str(p.evaluate({"d": F(d)}))) for p in given.polys)
        return sympy.CRootOf(a * X ** 2 + b * X + c, 0)
    points = [(F(k, 10000), root(F(k, 10000))) for k in range(1, 14)]
    found = parse_value(reconstruct(points, "d"))
    assert found.larger is False
    assert found.polys == given.polys  # the same coefficients, as polynomials in d


def test_pd_b_nelp_minimum_is_reached_by_a_fixed_point_written_in_d(capsys):
    """The point the solver finds at the minimum lies inside a face of the solutions; from
    a vertex of them (families.vertex_terms) it is written in d and proven for the region:
    p1(C) = (4 - 27 d)/6, p2(C) = (2 - 27 d)/6, u1 = 1 - 9 d/2 (found by --formula)."""
    code, out, _ = rov(capsys, "bound", "nelp(eps=e,delta=d)", "nelp(eps=e,delta=d)", "--game",
                       "pd-b", "--objective", "u1", "--sense", "min", "--assume",
                       "0 < d <= e/100, e <= 1/10", "--value", "-(9*d - 2)/2", "--json")
    data = json.loads(out)
    assert code == 0 and data["bound"] is True and data["attained"] is True
    terms = [[sympy.sympify(t) for t in side] for side in data["point"]["profile_terms"]]
    assert sympy.simplify(terms[0][0] - (4 - 27 * D) / 6) == 0
    assert sympy.simplify(terms[1][0] - (2 - 27 * D) / 6) == 0


def test_formulas_in_two_parameters_are_reconstructed_from_scattered_points():
    t = sympy.Symbol("T")
    points = [(F(30 + 7 * k % 19, 10), F(1 + 13 * k % 97, 1000)) for k in range(30)]

    def at(expr, x):
        return expr.subs({t: sympy.Rational(x[0].numerator, x[0].denominator),
                          D: sympy.Rational(x[1].numerator, x[1].denominator)})
    f = 3 * D * (3 * t * D + 2 * t - 12 * D) / (2 * (3 * t * D - 12 * D + 2))
    text = reconstruct([(x, F(str(at(f, x)))) for x in points], ("T", "d"))
    assert sympy.simplify(sympy.sympify(text) - f) == 0
    # a root of a quadratic whose coefficients depend on both
    points = [(x, sympy.CRootOf(at((1 + D) * X ** 2 - 3 * t * X + D, x), 0)) for x in points]
    value = parse_value(reconstruct(points, ("T", "d")))
    assert not value.larger
    for x, root in points[:3]:
        a, b, c = (p.evaluate({"T": x[0], "d": x[1]}) for p in value.polys)
        assert compare((-b - sympy.sqrt(b * b - 4 * a * c)) / (2 * a), root) == 0


def _proven_formula(capsys, agent1, agent2, game, objective, sense, region) -> dict:
    """`rov bound --formula --json`'s output, checked to be a proven formula."""
    code, out, _ = rov(capsys, "bound", agent1, agent2, "--game", game, "--objective",
                       objective, "--sense", sense, "--assume", region, "--formula", "--json")
    data = json.loads(out)
    assert code == 0 and data["verdict"] == "holds"
    return data


def test_nicerbot_against_defectbot_in_two_parameters_is_found_and_proven(capsys):
    # from the definition: NicerBot cooperates with probability e against DefectBot, so
    # u1 = e*S + (1 - e)*P with P = 1
    data = _proven_formula(capsys, "nicerbot(eps=e)", "defectbot", "pd(5,3,1,S)", "u1", "min",
                           "-1 < S < 0, 0 < e <= 1")
    s, e = sympy.symbols("S e")
    got = sympy.sympify(data["formula"], locals={"S": s, "e": e})
    assert sympy.expand(got - (e * s + (1 - e))) == 0


def test_pieces_are_the_longest_runs_one_formula_fits_and_meet_at_rational_points():
    from verifier.decision.formula_search import _breakpoint, _pieces
    line = [(F(k, 20), max(F(3), 1 + 4 * F(k, 20))) for k in range(1, 20)]  # kink at 1/2
    pieces = _pieces(line, "e")
    assert [(lo, hi) for lo, hi, _ in pieces] == [(F(1, 20), F(1, 2)), (F(11, 20), F(19, 20))]
    assert _breakpoint(pieces[0][2], pieces[1][2], "e", F(1, 2), F(11, 20)) == F(1, 2)
    assert _breakpoint("e^2", "2", "e", F(1), F(2)) is None  # sqrt(2): not rational
    assert _pieces([(F(k), F(k * k)) for k in range(1, 9)], "e") is None  # one formula
    # found by an attack: a parameter named like a Python keyword or a sympy object
    for name in ("lambda", "E"):
        split = _pieces([(x, y) for x, y in line], name)
        assert _breakpoint(split[0][2], split[1][2], name, F(1, 2), F(11, 20)) == F(1, 2)


def _best_reply_to_nicerbot(e):
    """From the definitions: NicerBot(e) cooperates with probability e + (1 - e) x against
    a player cooperating with probability x; that player's pd-a payoff (T, R, P, S = 5, 3,
    1, 0) is a quadratic in x, so its maximum over [0, 1] is at 0, 1 or the vertex."""
    def u(x):
        q = e + (1 - e) * x
        return x * q * 3 + (1 - x) * q * 5 + (1 - x) * (1 - q) * 1
    c0 = u(F(0))
    c2 = 2 * (u(F(1)) + c0 - 2 * u(F(1, 2)))  # u(x) = c0 + c1 x + c2 x^2
    c1 = u(F(1)) - c0 - c2
    candidates = [F(0), F(1)] + ([-c1 / (2 * c2)] if c2 < 0 and 0 < -c1 / (2 * c2) < 1 else [])
    return max(u(x) for x in candidates)


def test_nicerbots_best_deviation_on_pd_a_is_a_proven_piecewise_formula(capsys):
    # C9 on pd-a as one tight statement: cooperation pays most up to e = 1/3, a mixed
    # deviation up to e = 3/5, then defection
    data = _proven_formula(capsys, "nicerbot(eps=e)", "any", "pd-a", "u2", "max", "0 < e <= 1")
    assert [p["assume"] for p in data["pieces"]] == [
        "0 < e <= 1, e <= 1/3", "0 < e <= 1, e >= 1/3, e <= 3/5", "0 < e <= 1, e >= 3/5"]
    assert all(p["verdict"] == "holds" for p in data["pieces"])
    e = sympy.Symbol("e")
    whole = sympy.sympify(data["formula"], locals={"e": e})
    for k in range(1, 40):
        x = F(k, 40)
        assert whole.subs(e, sympy.Rational(k, 40)) == sympy.Rational(
            str(_best_reply_to_nicerbot(x)))


def test_a_breakpoint_far_from_the_base_is_found_when_one_formula_fits_near_it(capsys):
    # found by an attack: near S = 0 one formula fits, and it fails its proof (a kink at
    # S = -1). From the definitions: against a player cooperating with probability x,
    # NicerBot(1/2) cooperates with probability (1 + x)/2, so on pd(5,3,1,S) that player
    # gets 3 + (1 + S) x (1 - x)/2, whose maximum over x is 3 for S <= -1 and
    # 3 + (1 + S)/8 above
    data = _proven_formula(capsys, "nicerbot(eps=1/2)", "any", "pd(5,3,1,S)", "u2", "max",
                           "-3 < S, S < 1")
    s = sympy.Symbol("S")
    whole = sympy.sympify(data["formula"], locals={"S": s})
    for k in range(-29, 10):
        x = sympy.Rational(k, 10)
        assert whole.subs(s, x) == 3 + max(0, (1 + x) / 8)


def test_a_piecewise_formula_prints_each_piece_and_a_cases_display():
    from types import SimpleNamespace
    from verifier.apps.render import formula_search_latex, formula_search_text
    from verifier.decision.results import FormulaSearch
    found = FormulaSearch("max", "Piecewise((3, e <= 1/3), (4*e + 1, True))", "holds", None,
                          ((((("e", F(1, 2)),), F(3))),), "2 pieces",
                          (("0 < e <= 1, e <= 1/3", "3", None, "holds"),
                           ("0 < e <= 1, e >= 1/3", "4*e + 1", None, "holds")))
    pair = SimpleNamespace(region=SimpleNamespace(text="0 < e <= 1"))
    assert "\n  on 0 < e <= 1, e >= 1/3: 4*e + 1 (holds)" in formula_search_text(
        found, pair, "u2", None)
    assert r"\begin{cases} 3 & \text{if e \textless{}= 1/3} \\ 4 e + 1" in formula_search_latex(
        found, pair, "u2")
    assert found.to_json()["pieces"][1] == {"assume": "0 < e <= 1, e >= 1/3",
                                            "formula": "4*e + 1", "verdict": "holds",
                                            "note": "holds", "proof": None}
