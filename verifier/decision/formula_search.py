"""Tight formulas found automatically: the exact optimum as a formula in the parameters.

:func:`find_formula` computes the exact optimum (:func:`verifier.decision.optimisation.
optimize`) at rational parameter values inside the region: at a point of the region
(:attr:`~verifier.decision.fixed_points.FixedPointProblem.region_point`) and along each
parameter with the others held there, to see which parameters the optimum depends on. It
then reconstructs the optimum as a formula in the parameters it depends on
(:func:`reconstruct`): a rational function by exact interpolation (in one parameter
sympy's ``rational_interpolate``; in several, the kernel of the linear system
``N(x_i) - y_i D(x_i) = 0`` over the coefficients of N and D, at scattered sample points;
the lowest degrees that fit every sample with two to spare), or, when the optima are roots
of quadratics, the root of ``x^2 + B x + C`` with ``B`` and ``C`` such rational functions,
denominators cleared. Samples only suggest; the formula is then checked for the whole
region by the existing proof (:func:`verifier.decision.optimisation.certify_formula`), and
only that proof makes the verdict ``holds``. A piecewise optimum is not reconstructed (no
single formula fits the samples: the result is ``unknown`` and says so).
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations_with_replacement

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
# exact optima at scattered points when it depends on several: computed a batch at a time
# until a formula fits (an n-parameter rational function of total degrees (p, q) needs
# C(n+p, n) + C(n+q, n) samples and two more)
SCATTER_BATCHES = (16, 28, 44)
MAX_DEGREE = 4  # of a numerator or denominator in several parameters
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
        free = [n for n in problem.symbols if len(lines[n]) >= 3]  # not pinned by the region
        names = moving or free[:1]
        formula = None
        if len(names) == 1:
            formula = reconstruct([((v[names[0]],), optimum_at(v))
                                   for v in lines[names[0]][:SAMPLES]], names)
        elif names:
            for count in SCATTER_BATCHES:
                points = [base] + _scatter(problem.region, base, names, count - 1)
                formula = reconstruct([(tuple(v[n] for n in names), optimum_at(v))
                                       for v in points], names)
                if formula is not None:
                    break
    except (SolverUnknown, NothingToOptimise, _NoSample) as err:
        return result(None, "unknown", None, f"no exact optimum at a sample: {err}")
    constant = simplify_number(optimum_at(base))
    if not names:
        formula = str(constant) if isinstance(constant, Fraction) else None
    if formula is None:
        return result(None, "unknown", None, f"no formula in {', '.join(names) or 'the parameters'}"
                                             f" of low degree fits the {len(samples)} exact "
                                             f"optima (a piecewise optimum has none)")
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


def _scatter(region, base: dict, names: list, count: int) -> list[dict]:
    """``count`` points of the region (fewer if not found) that differ from ``base`` in
    every one of ``names``, each scaled by a factor of :data:`STEPS` drawn by a seeded
    generator: the same points on every run."""
    rng, out = random.Random(0), []
    for _ in range(100 * count):
        if len(out) == count:
            break
        point = dict(base)
        for name in names:
            step = rng.choice(STEPS[1:])
            point[name] = base[name] * step if base[name] else step - 1
        if region.contains(point) and point not in out and point != base:
            out.append(point)
    return out


def reconstruct(points: list, names) -> str | None:
    """A formula in the parameters ``names`` (a name, or a sequence of them) through every
    (values, optimum) point (values: a tuple in the order of ``names``, or one value for
    one name), as text for ``parse_value``; None when no rational function (or root of a
    quadratic with such coefficients) of low degree fits all of them with two points to
    spare."""
    import sympy
    names = (names,) if isinstance(names, str) else tuple(names)
    symbols = [sympy.Symbol(n) for n in names]
    points = [(x if isinstance(x, tuple) else (x,), v) for x, v in points]

    def fit(data):
        if len(symbols) == 1:
            return _rational_fit([(x[0], y) for x, y in data], symbols[0])
        return _several_fit(data, symbols)

    values = [simplify_number(v) for _, v in points]
    if all(isinstance(v, Fraction) for v in values):
        found = fit([(x, v) for (x, _), v in zip(points, values)])
        return None if found is None else _text(sympy.factor(found))
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
    fits = [fit([(m[0], m[k]) for m in monic]) for k in (1, 2)]
    if None in fits:
        return None
    b, c = (sympy.cancel(sympy.together(f)) for f in fits)
    scale = sympy.lcm(sympy.denom(b), sympy.denom(c))
    if compare(scale.subs(dict(zip(symbols, points[0][0]))), 0) < 0:
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


def _monomials(symbols: list, degree: int) -> list:
    """Every monomial in ``symbols`` of total degree at most ``degree``, lowest first."""
    import sympy
    out = [sympy.Integer(1)]
    for k in range(1, degree + 1):
        out += [sympy.Mul(*c) for c in combinations_with_replacement(symbols, k)]
    return out


def _several_fit(data: list, symbols: list) -> object | None:
    """The rational function N/D of lowest total degrees through every (x, y) pair, x a
    tuple of values of ``symbols``: a vector of the kernel of the exact linear system
    N(x) - y D(x) = 0 over the coefficients, with at least two more pairs than
    coefficients; None when none fits."""
    import sympy
    rationals = [(tuple(sympy.Rational(v.numerator, v.denominator) for v in x),
                  sympy.Rational(str(y))) for x, y in data]
    shapes = sorted(((p, q) for p in range(MAX_DEGREE + 1) for q in range(MAX_DEGREE + 1)),
                    key=lambda d: (len(_monomials(symbols, d[0])) + len(_monomials(symbols, d[1])),
                                   d[1]))
    for p, q in shapes:
        num, den = _monomials(symbols, p), _monomials(symbols, q)
        if len(rationals) < len(num) + len(den) + 2:
            continue
        rows = []
        for x, y in rationals:
            at = dict(zip(symbols, x))
            rows.append([m.subs(at) for m in num] + [-y * m.subs(at) for m in den])
        kernel = sympy.Matrix(rows).nullspace()
        if not kernel:
            continue
        v = kernel[0]
        n = sum(c * m for c, m in zip(v[:len(num)], num))
        d = sum(c * m for c, m in zip(v[len(num):], den))
        if d == 0:
            continue
        if all(d.subs(dict(zip(symbols, x))) != 0 and
               (n / d).subs(dict(zip(symbols, x))) == y for x, y in rationals):
            return sympy.cancel(n / d)  # rationals: exact equality
    return None
