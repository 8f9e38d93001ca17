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
only that proof makes the verdict ``holds``. When no single formula in one parameter fits,
the optimum is tried as piecewise (:func:`_pieces`): the samples along the whole line,
sorted, split into the longest runs one formula fits; neighbouring pieces must meet at one
rational point between their samples (:func:`_breakpoint`), and each piece is proven on
its part of the region. A piecewise formula in several parameters is not searched for.
"""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations_with_replacement

from .fixed_points import FixedPointProblem
from .extremum import NothingToOptimise, simplest_between
from .optimisation import certify_formula, optimize
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

    def result(formula, verdict, proof, note, pieces=()):
        return FormulaSearch(sense, formula, verdict, proof,
                             tuple((tuple(sorted(v.items())), x) for v, x in samples), note,
                             pieces)

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

    def piecewise():
        """The piecewise formula in the one moving parameter, proven piece by piece (a
        result), or None when the samples spread over the line fit no pieces."""
        try:
            line = [(v[names[0]], optimum_at(v))
                    for v in _piece_line(problem.region, lines[names[0]], names[0])]
        except (SolverUnknown, NothingToOptimise, _NoSample) as err:
            return result(None, "unknown", None, f"no exact optimum at a sample: {err}")
        split = _pieces(sorted(line), names[0])
        return None if split is None else \
            _prove_pieces(problem, objective, sense, names[0], split, result)

    if formula is None and len(names) == 1:
        found = piecewise()
        if found is not None:
            return found
    if formula is None:
        return result(None, "unknown", None, f"no formula in {', '.join(names) or 'the parameters'}"
                                             f" of low degree (at most {MAX_DEGREE} in several "
                                             f"parameters) fits the exact optima: its degree "
                                             f"may be higher, or it may be piecewise")
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
    if not proof.is_bound and len(names) == 1:  # e.g. a breakpoint far from the base
        found = piecewise()
        if found is not None and found.verdict == "holds":
            return found
    why = "a fixed point lies beyond it" if not proof.is_bound else \
        "a proven bound whose attainment was not proven"
    return result(formula, "unknown", proof, f"the guess from the samples: {why}")


class _NoSample(Exception):
    """No exact attained optimum at a sample point."""


MAX_UNFITTED = 12  # samples a piece may gather before some formula fits them
COARSE = 19  # the first points of a line (scaled by 1 +- k/10) a piecewise formula is fitted to
SPAN = 24  # ... and this many more, spread evenly over the line's part in the region


def _pieces(line: list, name: str) -> list | None:
    """A piecewise formula in ``name`` through the (value, optimum) samples sorted by value:
    [(first value, last value, formula text), ...] in order, two pieces or more, each
    piece the longest run of samples from where the last ended that one formula fits
    (:func:`reconstruct`, with two samples to spare), grown one sample at a time; None
    when some run fits no formula."""
    from .parametric import parse_value
    out, i = [], 0
    while i < len(line):
        j, formula = i + 2, None
        while j < len(line) and formula is None and j - i < MAX_UNFITTED:
            formula = reconstruct(line[i:j + 1], name)
            j += 1
        if formula is None or formula.startswith("root("):
            return None  # pieces are rational functions here
        value = parse_value(formula)
        while j < len(line) and value.num.evaluate({name: line[j][0]}) == \
                line[j][1] * value.den.evaluate({name: line[j][0]}):
            j += 1
        out.append((line[i][0], line[j - 1][0], formula))
        i = j
    return out if len(out) > 1 else None


def _breakpoint(left: str, right: str, name: str, low: Fraction, high: Fraction):
    """The one point in [low, high] where the formulas ``left`` and ``right`` meet, when it
    is rational (a Fraction); None otherwise (no such point, several, or irrational)."""
    import sympy
    t = sympy.Symbol(name)
    difference = sympy.together(_as_sympy(left, t) - _as_sympy(right, t))
    numerator = sympy.Poly(sympy.numer(difference), t)
    if numerator.is_zero:
        return None
    roots = [r for r in numerator.real_roots()
             if compare(r, low) >= 0 and compare(r, high) <= 0]
    if len(set(roots)) != 1 or not roots[0].is_Rational:
        return None
    return Fraction(int(roots[0].p), int(roots[0].q))


def _as_sympy(formula: str, t):
    """A rational formula in one parameter as a sympy expression in the symbol ``t``, built
    from the parsed polynomials (no sympy text parsing: a parameter may be named ``lambda``
    or ``S``)."""
    from .parametric import parse_value, sympy_expr
    value = parse_value(formula)
    symbols = {t.name: t}
    return sympy_expr(value.num, symbols) / sympy_expr(value.den, symbols)


def _prove_pieces(problem, objective, sense: str, name: str, split: list, result):
    """Each piece proven on its part of the region (the region with ``name`` between the
    breakpoints where neighbouring pieces meet): ``holds`` when every piece holds."""
    from .parametric import parse_value
    from ..model.params import parse_region
    cuts = []
    for (_, high, left), (low, _, right) in zip(split, split[1:]):
        cut = _breakpoint(left, right, name, high, low)
        if cut is None:
            return result(None, "unknown", None, f"the samples fit {len(split)} pieces in "
                                                 f"{name}, but neighbouring pieces do not meet "
                                                 f"at one rational point between samples "
                                                 f"{high} and {low}")
        cuts.append(cut)
    queries, pieces, verdict = problem.queries, [], "holds"
    for k, (_, _, formula) in enumerate(split):
        bounds = ([f"{name} >= {cuts[k - 1]}"] if k else []) + \
            ([f"{name} <= {cuts[k]}"] if k < len(cuts) else [])
        text = ", ".join([problem.region.text] + bounds)
        part = FixedPointProblem(problem.game, problem.programs, queries.timeout,
                                 problem.tie_randomization, parse_region(text), queries.rlimit,
                                 "portfolio" if queries.yices else "z3")
        try:
            proof = certify_formula(part, objective, sense, parse_value(formula))
        except (ParameterError, SolverUnknown) as err:
            proof, why = None, f"not proven: {err}"
        else:
            why = "holds" if proof.is_bound and proof.attained else \
                "a fixed point lies beyond it" if not proof.is_bound else \
                "a bound whose attainment was not proven"
        if why != "holds":
            verdict = "unknown"
        pieces.append((text, formula, proof, why))
    import sympy
    t = sympy.Symbol(name)
    conditions = [t <= sympy.Rational(c.numerator, c.denominator) for c in cuts] + [True]
    whole = sympy.Piecewise(*((_as_sympy(f, t), c) for (_, _, f), c in zip(split, conditions)))
    note = (f"{len(pieces)} pieces in {name}, each proven on its part of the region and "
            f"attained there" if verdict == "holds" else
            f"{len(pieces)} pieces in {name} fit the samples; not every piece was proven ("
            + "; ".join(f"{f} on {r}: {w}" for r, f, _, w in pieces if w != "holds") + ")")
    return result(_text(whole), verdict, None, note, tuple(pieces))


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


def _piece_line(region, line: list[dict], name: str) -> list[dict]:
    """The points a piecewise formula in ``name`` is fitted to: the coarse points of
    ``line`` (scaled by 1 +- k/10) and :data:`SPAN` + 1 points spread evenly over the part
    of the line the region holds (within 16 times the base's size, or 16 from a base at
    0), so that a breakpoint far from the base is seen too."""
    base = line[0]
    low, high = (_extent(region, base, name, sign) for sign in (-1, 1))
    width = (high - low) / (4 * SPAN)  # each point: the simplest rational near its place
    out = line[:COARSE]
    for x in (low + (high - low) * k / SPAN for k in range(SPAN + 1)):
        point = dict(base) | {name: simplest_between(x - width, x + width)}
        if not region.contains(point):  # rounded onto a strict bound: the place itself
            point = dict(base) | {name: x}
        if region.contains(point) and point not in out:
            out.append(point)
    return out


def _extent(region, base: dict, name: str, sign: int) -> Fraction:
    """How far the region holds the line through ``base`` along ``name`` in direction
    ``sign``: a value of ``name`` inside it, within 1/4096 of the last doubling step of the
    region's bound on that side (or 16 times the base's size from the base, if the region
    goes further)."""
    start, unit = base[name], abs(base[name]) or Fraction(1)
    inside, outside, offset = Fraction(0), None, unit / 8
    for _ in range(8):
        if not region.contains(dict(base) | {name: start + sign * offset}):
            outside = offset
            break
        inside, offset = offset, offset * 2
    for _ in range(12 if outside is not None else 0):
        middle = (inside + outside) / 2
        if region.contains(dict(base) | {name: start + sign * middle}):
            inside = middle
        else:
            outside = middle
    return start + sign * inside


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
        if found is None:
            return None
        num, den = sympy.fraction(sympy.cancel(sympy.together(found)))
        if compare(den.subs(dict(zip(symbols, points[0][0]))), 0) > 0:
            return _text(sympy.factor(found))
        # a denominator negative in the region is written negated: proofs need it positive
        return f"({_text(sympy.factor(-num))})/({_text(sympy.expand(-den))})"
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
