"""`--latex`: exact numbers and results as LaTeX, read back with sympy's `parse_latex`
(an independent parser) and compared exactly with the value they stand for."""

import json
import random
import re

import pytest
import sympy
from fractions import Fraction as F
from sympy.parsing.latex import parse_latex

from verifier.apps.cli import main
from verifier.model import latex
from verifier.model.numbers import compare

X = sympy.Symbol("x")
D = sympy.Symbol("d")


def read(text: str) -> sympy.Expr:
    """``parse_latex`` of ``text``, with the parameter d read as a symbol (the parser
    takes a lone "d" for a differential, and "y (" for a call): written (y), renamed back."""
    return parse_latex(re.sub(r"(?<![\\a-zA-Z])d(?![a-zA-Z])", "(y)", text)).subs(
        sympy.Symbol("y"), D)


def rov(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rationals_read_back_exactly():
    for value in (F(-9, 10), F(3), F(0), F(1, 1000), F(-7)):
        assert sympy.Rational(str(parse_latex(latex.number(value)))) == \
            sympy.Rational(value.numerator, value.denominator)


def test_roots_of_quadratics_are_radicals_equal_to_the_root():
    rng = random.Random(5)
    seen = 0
    while seen < 25:
        a, b = rng.randint(1, 10 ** 6), rng.randint(-10 ** 7, 10 ** 7)
        c = rng.randint(-10 ** 9, 10 ** 9)
        poly = a * X ** 2 + b * X + c
        if b * b - 4 * a * c <= 0 or sympy.sqrt(b * b - 4 * a * c).is_Rational:
            continue  # no real root, or rational roots (then sympy gives no CRootOf)
        for k in (0, 1):
            root = sympy.CRootOf(poly, k)  # sympy may write it as 5*CRootOf(...)
            text = latex.number(root)
            assert "CRootOf" not in text and r"\sqrt" in text
            assert compare(parse_latex(text), root) == 0, (poly, k, text)
        seen += 1


def test_higher_degree_roots_name_their_polynomial():
    text = latex.number(sympy.CRootOf(X ** 3 - 2, 0))
    assert text == r"\text{the smallest real root of } x^{3} - 2"
    assert latex.number(sympy.CRootOf(X ** 5 - 5 * X + 1, 1)).startswith(
        r"\text{the 2nd smallest real root of }")
    with pytest.raises(ValueError):
        latex.radicals(sympy.CRootOf(X ** 3 - 2, 0), sympy.Poly(X ** 2 - 2, X))


def test_bound_latex_equals_the_exact_optimum(capsys):
    argv = ["bound", "nicerbot(eps=1/10)", "lp(eps=1/10,delta=1/1000)", "--game", "pd-a",
            "--objective", "u1", "--sense", "min"]
    code, out, _ = rov(capsys, *argv, "--json")
    exact = sympy.sympify(json.loads(out)["value"])
    code, out, _ = rov(capsys, *argv, "--latex")
    display = out.splitlines()[0]
    assert code == 0 and display.startswith(r"\[ \min \texttt{u1} = ")
    value = display.split(" = ", 1)[1].removesuffix(r" \]")
    assert compare(parse_latex(value), exact) == 0


def test_solve_latex_over_a_region_gives_payoffs_in_the_parameters(capsys):
    code, out, _ = rov(capsys, "solve", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                       "--assume", "0 < e <= 1", "--all", "--latex")
    item = next(line for line in out.splitlines() if line.strip().startswith(r"\item"))
    payoffs = item.split("payoffs $")[1].split("$")[0]
    first, second = payoffs.removeprefix(r"\left(").removesuffix(r"\right)").split(", ")
    e = sympy.Symbol("e")
    assert sympy.simplify(parse_latex(first) - (1 - e)) == 0
    assert sympy.simplify(parse_latex(second) - (4 * e + 1)) == 0
    assert "for every parameter in the region" in item


@pytest.mark.parametrize("command, extra", [("bound", "--json"), ("solve", "--json"),
                                            ("solve", "--decimals=3")])
def test_latex_with_json_or_decimals_is_refused_before_any_work(capsys, command, extra):
    with pytest.raises(SystemExit) as stop:
        rov(capsys, command, "nicerbot(eps=1/10)", "defectbot", "--game", "pd-a", "--latex",
            extra)
    assert stop.value.code == 2
    assert "--latex prints exact LaTeX: drop --json and --decimals" in capsys.readouterr().err


def test_expressions_of_higher_degree_roots_are_named_by_their_own_polynomial():
    two = sympy.CRootOf(X ** 5 - 64 * X + 32, 1)  # sympy writes it 2*CRootOf(x^5 - 4x + 1, 1)
    assert latex.number(two) == r"\text{the 2nd smallest real root of } x^{5} - 64 x + 32"


def test_parameters_named_like_sympy_constants_stay_symbols(capsys):
    code, out, _ = rov(capsys, "solve", "nicerbot(eps=E)", "defectbot", "--game", "pd-a",
                       "--assume", "0 < E <= 1", "--all", "--latex")
    item = next(line for line in out.splitlines() if line.strip().startswith(r"\item"))
    assert code == 0 and r"\left(1 - E, 4 E + 1\right)" in item


def test_a_formula_that_is_not_a_bound_is_not_shown_as_an_equation(capsys):
    code, out, _ = rov(capsys, "bound", "nelp(eps=e,delta=d)", "defectbot", "--game", "pd-a",
                       "--objective", "p1(C)", "--sense", "max", "--assume",
                       "0 < d <= e/100, e <= 1/10", "--value", "2*d", "--latex")
    assert code == 1 and out.startswith(r"\[ \text{not a bound: } \max")


def test_results_render_in_jupyter_as_exact_latex_and_html():
    from verifier import Pair, builtin_game, parse_agent
    pair = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(eps=1/10)"),
                                       parse_agent("lp(eps=1/10,delta=1/1000)")))
    low = pair.optimize(pair.game.payoff_polys[0], "min")
    shown = low._repr_latex_()
    assert shown.startswith(r"$\min = ") and shown.endswith("$")
    assert compare(parse_latex(shown[len(r"$\min = "):-1]), low.value) == 0
    point = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(eps=1/10)"),
                                        parse_agent("defectbot"))).solve(find_all=True)
    assert r"\left(\frac{1}{10}, \frac{9}{10}\right) \text{ vs } \left(0, 1\right)" in \
        point._repr_latex_()
    assert point.fixed_points[0]._repr_latex_().endswith(
        r"u = \left(\frac{9}{10}, \frac{7}{5}\right)$")
    # the HTML form has the same content, as exact text
    assert low._repr_html_() == f"<p><code>min = {low.value}</code></p>"
    assert point._repr_html_() == (
        "<p>nicerbot(eps=1/10) vs defectbot on pd-a: 1 fixed point(s), complete</p>"
        "<ol><li><code>(1/10, 9/10) vs (0, 1), u = (9/10, 7/5)</code></li></ol>")
    assert point.fixed_points[0]._repr_html_() == \
        "<p><code>(1/10, 9/10) vs (0, 1), u = (9/10, 7/5)</code></p>"


def test_formulas_and_claim_results_render_in_jupyter_too():
    from verifier.claims import load_claims
    from verifier.decision.results import FormulaSearch
    found = FormulaSearch("max", "Piecewise((3, S <= -1), (S/8 + 25/8, True))", "holds", None,
                          (), "2 pieces", (("-3 < S, S < 1, S <= -1", "3", None, "holds"),
                                           ("-3 < S, S < 1, S >= -1", "(S + 25)/8", None,
                                            "holds")))
    shown = found._repr_latex_()
    assert shown.startswith(r"$\max = \begin{cases} 3 & \text{if S \textless{}= -1}")
    low, high = shown.split(" & ")[1].split(r"\\ ")[1], shown.split(" & ")[-1]
    assert sympy.simplify(parse_latex(low) - (sympy.Symbol("S") + 25) / 8) == 0
    assert high.startswith(r"\text{if S \textgreater{}= -1}")
    assert shown.endswith("(holds: 2 pieces)")
    assert found._repr_html_() == ("<p><code>max = Piecewise((3, S &lt;= -1), (S/8 + 25/8, "
                                   "True))</code> (holds: 2 pieces)</p>")
    claim = next(c for c in load_claims(["proofs/nicerbot.py"]) if c.id == "C7-pd-a")
    result = claim.run(60)
    assert result._repr_html_().startswith("<p><code>C7-pd-a</code>: holds. ")
    assert result._repr_latex_().startswith(r"\texttt{C7-pd-a}: holds. ")
    assert result.summary() in result._repr_html_()


def test_special_characters_are_escaped_in_text():
    assert latex.text("a_b {x} 50% & #1 $") == r"a\_b \{x\} 50\% \& \#1 \$"
    assert latex.strategy((F(1, 2), F(1, 2)), ("a_1", "b&c")) == \
        r"\left(\text{a\_1} = \frac{1}{2}, \text{b\&c} = \frac{1}{2}\right)"


def test_formulas_in_the_parameters_read_back_equal():
    from verifier.decision.results import formula_latex
    from verifier.decision.parametric import parse_value
    d = D
    ratio = read(formula_latex(parse_value("3*d*(10+3*d)/(4+6*d)")))
    assert sympy.simplify(ratio - 3 * d * (10 + 3 * d) / (4 + 6 * d)) == 0
    for which, k in (("smaller", 0), ("larger", 1)):
        text = formula_latex(parse_value(f"root((1+d)*x^2 - 3*x + d, {which})"))
        root = read(text)
        for at in (sympy.Rational(1, 100), sympy.Rational(1, 3)):
            exact = sympy.CRootOf((1 + at) * X ** 2 - 3 * X + at, k)
            assert compare(root.subs(d, at), exact) == 0, (which, text)


def test_bound_with_a_formula_prints_it_as_latex(capsys):
    code, out, _ = rov(capsys, "bound", "nelp(eps=e,delta=d)", "defectbot", "--game", "pd-a",
                       "--objective", "p1(C)", "--sense", "max", "--assume",
                       "0 < d <= e/100, e <= 1/10", "--value", "3*d*(10+3*d)/(4+6*d)",
                       "--latex")
    display = out.splitlines()[0]
    assert code == 0 and display.startswith(r"\[ \max \texttt{p1(C)} = ")
    formula = display.split(" = ", 1)[1].split(r" \quad")[0]
    d = D
    assert sympy.simplify(read(formula) - 3 * d * (10 + 3 * d) / (4 + 6 * d)) == 0
    assert r"\text{for 0 \textless{} d \textless{}= e/100, e \textless{}= 1/10}" in display


def test_prove_writes_the_verdicts_as_a_latex_table(capsys, tmp_path):
    tex = tmp_path / "findings.tex"
    code, out, _ = rov(capsys, "prove", "proofs", "--only", "C1,P-N1-pd-a", "--latex",
                       "--findings", str(tex))
    assert code == 0 and out.startswith(r"\begin{longtable}")
    rows = [line for line in out.splitlines() if line.startswith(r"\texttt{")]
    assert len(rows) == 2 and all(line.endswith(r"\\ \hline") for line in rows)
    p_n1 = next(line for line in rows if "P-N1-pd-a" in line)
    formula = p_n1.split("max = $")[1].split("$")[0]
    assert "(attained for every parameter)" in p_n1
    d = D
    assert sympy.simplify(read(formula) - 3 * d * (10 + 3 * d) / (4 + 6 * d)) == 0
    document = tex.read_text()
    assert document.startswith(r"\documentclass{article}")
    assert document.rstrip().endswith(r"\end{document}") and out.strip() in document


def test_a_bound_whose_attainment_is_not_proven_is_never_written_as_the_extreme():
    from verifier.claims.claim import ClaimResult
    from verifier.decision.parametric import parse_value
    from verifier.decision.results import FormulaOptimum
    for attained, state in ((None, "attainment not proven"), (False, "never attained")):
        bound = FormulaOptimum("max", parse_value("9*d/2"), attained, None, None)
        result = ClaimResult("X", "s", "f", "src", "pd-b", ("a", "b"), "unknown", "holds", 1.0,
                             {"formula_optimum": bound})
        assert result.summary() == f"max <= 9*d/2 (a proven bound, {state})"
        assert result.evidence_latex() == \
            f"max \\textless{{}}= $\\frac{{9 d}}{{2}}$ (a proven bound, {state})"
        assert bound._repr_latex_().startswith(r"$\max \leq \frac{9 d}{2}$")


@pytest.mark.parametrize("sense", ["min", "max"])
def test_an_open_optimum_prints_its_interval_low_end_first(sense):
    """A max left open lies in [found, proven], a min in [proven, found]: the text, the
    LaTeX and the notebook forms all print the low end first (a max printed
    [proven, found] was an empty interval)."""
    from verifier.apps.render import bound_latex, bound_text, optimum_end
    from verifier.decision.results import Optimum
    proven, found = (F(1, 4), F(1, 3)) if sense == "min" else (F(1, 3), F(1, 4))
    optimum = Optimum(sense, None, None, None, proven, found, "left open")
    assert optimum.bracket() == (F(1, 4), F(1, 3))
    assert "[1/4, 1/3]" in bound_text(optimum, None, "u1", sense, None)
    assert "[1/4, 1/3]" in optimum._repr_html_()
    assert optimum_end(optimum, None) == "unknown in [1/4, 1/3]"
    for text in (bound_latex(optimum, None, "u1", sense), optimum._repr_latex_()):
        assert re.search(r"\\left\[\\frac\{1\}\{4\}, \\frac\{1\}\{3\}\\right\]", text), text
