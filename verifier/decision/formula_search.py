"""Tight formulas found automatically: the exact optimum as a formula in the parameters.

:func:`find_formula` computes the exact optimum (:func:`verifier.decision.optimisation.
optimize`) at rational parameter values inside the region: at a point of the region
(:attr:`~verifier.decision.fixed_points.FixedPointProblem.region_point`) and along each
parameter with the others held there, to see which parameters the optimum depends on. It
then reconstructs the optimum as a formula in the one parameter it depends on
(:func:`reconstruct`): a rational function by exact interpolation (sympy's
``rational_interpolate``, the lowest degrees that fit every sample), or, when the optima
are roots of quadratics, the root of ``x^2 + B x + C`` with ``B`` and ``C`` such rational
functions, denominators cleared. Samples only suggest; the formula is then checked for the
whole region by the existing proof (:func:`verifier.decision.optimisation.certify_formula`),
and only that proof makes the verdict ``holds``. Optima that depend on two or more
parameters are not reconstructed (the result is ``unknown`` and says so).
"""

from __future__ import annotations

from fractions import Fraction

from .fixed_points import FixedPointProblem
from .extremum import NothingToOptimise
from .optimisation import optimize
from .parametric import parse_value
from .results import FormulaSearch
from ..encoding.smt import SolverUnknown
from ..model.library import parse_agent
from ..model.numbers import Number, compare, simplify_number, to_sympy
from ..model.params import ParameterError

SAMPLES = 13  # exact optima along the parameter the optimum depends on (2 or more check the fit)
# the factors a parameter is scaled by along its line, coarse first (kept where in the region)
STEPS = (Fraction(1),) + tuple(1 + sign * Fraction(k, scale) for scale in (10, 100, 1000)
                               for k in range(1, 10) for sign in (-1, 1))


def find_formula(problem, objective, sense: str, progress=None) -> FormulaSearch:
    """The tight extreme of ``objective`` over the fixed points of ``problem`` (agents with
    symbolic parameters and a region) as a formula in the parameters, found from exact
    optima at sample points and proven for the whole region. ``progress`` is called with
    the number of optima computed so far."""
    samples: list = []

    def optimum_at(values: dict) -> Number | None:
        for done, v in samples:
            if done == values:
                return v
        agents = tuple(parse_agent(p.name, values) for p in problem.programs)
        queries = problem.queries
        at = FixedPointProblem(problem.game.at(values), agents, queries.timeout,
                               problem.tie_randomization,
                               None, queries.rlimit, "portfolio" if queries.yices else "z3")
        # the objective at the sample too: it may name parameters (u1 of pd(T,R,P,S), d)
        found = optimize(at, objective.substitute(values), sense)
        samples.append((dict(values), found.value if found.attained else None))
        if progress:
            progress(len(samples))
        if samples[-1][1] is None:
            raise _NoSample(f"the extreme is not attained (or not found) at {values}")
        return samples[-1][1]

    def result(formula, verdict, proof, note):
        return FormulaSearch(sense, formula, verdict, proof,
                             tuple((tuple(sorted(v.items())), x) for v, x in samples), note)

    if "x" in problem.symbols:
        return result(None, "unknown", None, "a parameter is named x, the name root(...) "
                                             "formulas give the root: rename it")
    base = problem.region_point
    if base is None:
        return result(None, "unknown", None, "no rational point of the region was found")
    try:
        optimum_at(base)
        lines = {name: _line(problem.region, base, name) for name in problem.symbols}
        moving = [name for name, line in lines.items()
                  if any(compare(optimum_at(v), optimum_at(base)) != 0 for v in line[1:3])]
        if len(moving) > 1:
            return result(None, "unknown", None, f"the optimum depends on {', '.join(moving)}: "
                                                 f"formulas in several parameters are not "
                                                 f"reconstructed")
        free = [n for n in problem.symbols if len(lines[n]) >= 3]  # not pinned by the region
        name = moving[0] if moving else (free[0] if free else None)
        points = [] if name is None else \
            [(v[name], optimum_at(v)) for v in lines[name][:SAMPLES]]
    except (SolverUnknown, NothingToOptimise, _NoSample) as err:
        return result(None, "unknown", None, f"no exact optimum at a sample: {err}")
    constant = simplify_number(optimum_at(base))
    formula = reconstruct(points, name) if name is not None else \
        (str(constant) if isinstance(constant, Fraction) else None)
    if formula is None:
        return result(None, "unknown", None, f"no formula in {name or 'the parameters'} of "
                                             f"low degree fits the {len(samples)} exact optima")
    try:
        proof = problem.certify_formula(objective, sense, parse_value(formula))
    except ParameterError as err:  # e.g. its leading coefficient not positive throughout
        return result(formula, "unknown", None, f"the guess from the samples is not defined "
                                                f"throughout the region: {err}")
    except SolverUnknown as err:
        return result(formula, "unknown", None, f"the guess from the samples: its proof "
                                                f"was not found ({err})")
    if proof.is_bound and proof.attained:
        return result(formula, "holds", proof, "proven for every parameter of the region, "
                                               "attained by a fixed point written in them")
    why = "a fixed point lies beyond it" if not proof.is_bound else \
        "a proven bound whose attainment was not proven"
    return result(formula, "unknown", proof, f"the guess from the samples: {why}")


class _NoSample(Exception):
    """No exact attained optimum at a sample point."""


def _line(region, base: dict, name: str) -> list[dict]:
    """Parameter values in the region that differ from ``base`` in ``name`` only (base
    first): ``name`` scaled by :data:`STEPS` (a zero base: moved by the steps instead)."""
    out = []
    for step in STEPS:
        value = base[name] * step if base[name] else step - 1
        point = dict(base) | {name: value}
        if region.contains(point) and all(p[name] != value for p in out):
            out.append(point)
    return out


def reconstruct(points: list, name: str) -> str | None:
    """A formula in the parameter ``name`` through every (value, optimum) point, as text
    for ``parse_value``; None when no rational function (or root of a quadratic with such
    coefficients) of low degree fits all of them with two points to spare."""
    import sympy
    t = sympy.Symbol(name)
    values = [simplify_number(v) for _, v in points]
    if all(isinstance(v, Fraction) for v in values):
        fit = _rational_fit([(x, v) for (x, _), v in zip(points, values)], t)
        return None if fit is None else _text(sympy.factor(fit))
    monic = []
    for (x, _), v in zip(points, values):
        poly = sympy.Poly(sympy.minimal_polynomial(to_sympy(v), sympy.Symbol("_z")))
        if poly.degree() != 2:
            return None
        _, b, c = poly.monic().all_coeffs()
        # the larger root when the other real root lies below it (exact comparisons)
        larger = any(compare(r, v) < 0 for r in poly.real_roots())
        monic.append((x, b, c, larger))
    if len({m[3] for m in monic}) != 1:
        return None  # the smaller root at some samples, the larger at others
    fits = [_rational_fit([(m[0], m[k]) for m in monic], t) for k in (1, 2)]
    if None in fits:
        return None
    b, c = (sympy.cancel(sympy.together(f)) for f in fits)
    scale = sympy.lcm(sympy.denom(b), sympy.denom(c))
    if compare(scale.subs(t, points[0][0]), 0) < 0:
        scale = -scale
    a, b, c = (_text(sympy.expand(sympy.cancel(e * scale))) for e in (1, b, c))
    which = "larger" if monic[0][3] else "smaller"
    return f"root(({a})*x^2 + ({b})*x + ({c}), {which})"


def _text(expr) -> str:
    """A sympy expression as text for ``parse_value`` (powers written ^)."""
    return str(expr).replace("**", "^")


def _rational_fit(data: list, t) -> object | None:
    """The rational function of lowest total degree through all (x, y) pairs, fitted to the
    first ones and checked on at least two more; None when none fits."""
    import sympy
    from sympy.polys.polyfuncs import rational_interpolate
    pts = [(sympy.Rational(x.numerator, x.denominator), sympy.Rational(str(y)))
           for x, y in data]
    for used in range(1, len(pts) - 1):
        for degnum in range(used):
            try:
                f = rational_interpolate(pts[:used], degnum, X=t)
            except (ZeroDivisionError, ValueError):
                continue
            den = sympy.denom(sympy.together(f))
            if all(den.subs(t, x) != 0 and f.subs(t, x) == y for x, y in pts):
                return f  # rationals: exact equality
    return None
