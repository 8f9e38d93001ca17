"""Exact minima of a term over a Z3 constraint system.

The minimum of a polynomial over a semi-algebraic set is an algebraic number.
:func:`minimize` finds it in three steps:

1. bisection with Z3 brackets it between a proven lower bound (nothing below
   is satisfiable) and a value attained by a model;
2. the arithmetic atoms nearly tight at the best model are imposed as
   equalities, and Z3 returns an exact (often algebraic) point there;
3. that point's value v is certified: nothing lies below v (unsatisfiable)
   and a model attains v. When a solution below v is found instead, step 2
   runs again from that solution (a better model than the bisection's), up to
   :data:`DESCENTS` times per bracket width, before wider tolerances are
   tried (and the closed relaxation below, which a descent skips). When the
   minimum is not attained, step 2 runs on the closed relaxation of the
   system (strict comparisons made weak) and
   the infimum is certified by an exists-forall query: no epsilon > 0 keeps
   every solution at least v + epsilon.

Step 2 also tries the simplest rational in the bracket (interior optima of
quadratics are rational). Steps 1 and 2 only search; step 3 alone decides. The
queries that find a candidate point (the snapped system, the simplest rational)
are guesses (:meth:`~verifier.encoding.smt.Z3Queries.model`): a tenth of the
limits, and with the portfolio Yices alone; a guess that fails loses only time,
and one such query was seen to hold Z3 for minutes. When no
candidate is certified the result says so and gives the exact bracket.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction

import sympy
import z3

from ..errors import InputError
from ..encoding.smt import SolverUnknown, Z3Queries, exact_value, numeral, z3_number
from ..model.numbers import Number, compare

BUDGET_QUERIES = 4  # an optimisation may spend this many single-query limits
GAPS = (Fraction(1, 10 ** 6), Fraction(1, 10 ** 9), Fraction(1, 10 ** 12), Fraction(1, 10 ** 16))
TOLERANCE_SCALES = (10, 1000, 100000)
DESCENTS = 4  # snaps retried from a better model found below a snapped point, per gap


@dataclass(frozen=True)
class Minimum:
    """The certified infimum of a term, or a bracket when it was not certified.

    ``value``: the infimum (None when not certified); ``attained``: whether a
    solution reaches it; ``model``: a solution at the value, or the best found;
    ``lower``/``upper``: a proven lower bound and the best value found.
    """

    value: Number | None
    attained: bool | None
    model: object
    lower: Number
    upper: Number
    note: str


class NothingToOptimise(InputError):
    """An optimum asked over constraints that no point satisfies (no fixed point at all,
    or none where ``subject_to`` holds)."""


def value_of(model, term) -> Number:
    """The exact value (a Number) of a Z3 term in a Z3 model."""
    return exact_value(model.eval(term, model_completion=True))


def minimize(queries: Z3Queries, constraints: list, closed: list, variables: list,
             f: z3.ArithRef, floor: Fraction, progress=None) -> Minimum:
    """The exact infimum of ``f`` over ``constraints``.

    ``closed`` is a closed relaxation of the constraints over the same
    variables, ``variables`` every variable of ``constraints`` (for the
    exists-forall certificate), and ``floor`` a number below every value of f.
    Raises NothingToOptimise (an InputError) when the constraints are unsatisfiable.
    """
    budget = queries.spent + queries.rlimit * BUDGET_QUERIES  # Z3 resource units
    deadline = None if queries.timeout is None else \
        time.monotonic() + queries.timeout * BUDGET_QUERIES

    def spent() -> bool:
        return queries.spent > budget or deadline is not None and time.monotonic() > deadline

    model = queries.model(constraints)
    if model is None:
        raise NothingToOptimise("nothing to optimise: the constraints have no solution")
    upper, lower, steps = value_of(model, f), Fraction(floor), 0
    atoms = arithmetic_atoms(constraints)
    for gap in GAPS:
        while compare(upper - lower, gap) >= 0:
            if spent():
                return _spent(model, lower, upper)
            steps += 1
            if progress:
                progress(steps)
            mid = (lower + _rational_below(upper)) / 2
            found = queries.model(constraints + [f < z3_number(mid)])
            if found is None:
                lower = mid
            else:
                model, upper = found, value_of(found, f)
        result = _simplest_rational(queries, constraints, f, lower, upper)
        if result is not None:
            return result
        scales, descents = list(TOLERANCE_SCALES), 0
        while scales:
            if spent():
                return _spent(model, lower, upper)
            result, better = _snap(queries, constraints, closed, variables, f, atoms, model,
                                   upper, gap * scales[0], descend=descents < DESCENTS)
            if result is not None:
                return result
            if better is not None:
                model, upper, descents = better, value_of(better, f), descents + 1
            else:
                scales.pop(0)
    return Minimum(None, None, model, lower, upper,
                   "the exact optimum was not identified; it lies between the proven bound "
                   "and the best value found")


def _spent(model, lower, upper) -> Minimum:
    return Minimum(None, None, model, lower, upper,
                   f"budget ({BUDGET_QUERIES} query limits) spent; the optimum "
                   f"lies between the proven bound and the best value found")


def _simplest_rational(queries, constraints, f, lower, upper):
    """Try the simplest rational in the bracket: interior optima are often rational."""
    candidate = simplest_between(lower, _rational_below(upper) if not isinstance(upper, Fraction)
                                 else upper)
    try:
        at = queries.model(constraints + [f == z3_number(candidate)], guess=True)
        if at is None or queries.model(constraints + [f < z3_number(candidate)]) is not None:
            return None
    except SolverUnknown:
        return None
    return Minimum(candidate, True, at, candidate, candidate,
                   "attained by an exact solution; none lies beyond it")


def simplest_between(low: Fraction, high: Fraction) -> Fraction:
    """The rational with the smallest denominator in [low, high] (Stern-Brocot).

    >>> simplest_between(Fraction(3, 10), Fraction(7, 20))
    Fraction(1, 3)
    """
    if low > high:
        low, high = high, low
    floor = low.numerator // low.denominator
    if floor == low or floor + 1 <= high:
        return Fraction(floor if floor == low else floor + 1)
    return floor + 1 / simplest_between(1 / (high - floor), 1 / (low - floor))


def _snap(queries, constraints, closed, variables, f, atoms, model, upper, tolerance,
          descend: bool):
    """Impose the nearly tight atoms as equalities and certify the exact point: (the
    certified Minimum or None, a model below the snapped point's value or None). The
    closed relaxation is tried when the system itself gives no certified point; with
    ``descend``, a point found below the system's snapped point is returned at once
    instead (to snap again from there)."""
    tight = [a == 0 for a in tight_atoms(atoms, model, tolerance)]
    bound = numeral(upper, "upper")
    for system in (constraints, closed):
        try:
            snapped = queries.model(system + tight + [f <= bound], guess=True)
        except SolverUnknown:
            continue
        if snapped is None:
            continue
        value_z3 = snapped.eval(f, model_completion=True)
        try:
            below = queries.model(constraints + [f < value_z3])
        except SolverUnknown:
            continue
        if below is not None:
            if descend:
                return None, below
            continue
        value = exact_value(value_z3)
        if system is constraints:
            return Minimum(value, True, snapped, value, value,
                           "attained by an exact solution; none lies beyond it"), None
        return _infimum(queries, constraints, variables, f, value, value_z3, upper), None
    return None, None


def _infimum(queries, constraints, variables, f, value, value_z3, upper):
    """``value`` is a proven lower bound: decide whether it is attained or approached.

    Any time-out leaves the question open: the result then has no value and
    keeps the proven bracket, never a guess about attainment.
    """
    def undecided(why):
        return Minimum(None, None, None, value, upper,
                       f"proven bound {why}; the optimum lies between the proven bound and "
                       f"the best value found")
    try:
        attained = queries.model(constraints + [f == value_z3])
    except SolverUnknown as err:
        return undecided(f"(whether it is attained is unknown: {err})")
    if attained is not None:
        return Minimum(value, True, attained, value, value,
                       "attained by an exact solution; none lies beyond it")
    eps = z3.Real("__gap_eps")
    gap = z3.ForAll(variables, z3.Implies(z3.And(constraints), f >= value_z3 + eps))
    bound = numeral(upper, "best")
    try:
        has_gap = queries.satisfiable_apart([eps > 0, gap])
        best = queries.model(constraints + [f <= bound])
    except SolverUnknown as err:
        return undecided(f"(not attained; whether solutions approach it is unknown: {err})")
    if has_gap:
        return None
    return Minimum(value, False, best, value, upper,
                   "not attained: solutions come arbitrarily close (proven), none reaches it")


def _rational_below(x: Number) -> Fraction:
    """A rational at most ``x`` and within 10**-40 of it."""
    if isinstance(x, Fraction):
        return x
    approx = Fraction(str(sympy.N(x, 60))) - Fraction(1, 10 ** 40)
    if compare(approx, x) > 0:
        raise ArithmeticError(f"could not bound {x} from below")
    return approx


def arithmetic_atoms(constraints: list) -> list:
    """The distinct non-constant differences ``lhs - rhs`` of the arithmetic comparisons
    in ``constraints`` (each atom once), as Z3 terms."""
    found, seen = [], set()

    def walk(e):
        if z3.is_app(e) and e.num_args() == 2 and z3.is_arith(e.arg(0)) and e.decl().kind() in (
                z3.Z3_OP_LE, z3.Z3_OP_GE, z3.Z3_OP_LT, z3.Z3_OP_GT, z3.Z3_OP_EQ):
            diff = z3.simplify(e.arg(0) - e.arg(1))
            if not z3.is_rational_value(diff) and diff.hash() not in seen:
                seen.add(diff.hash())
                found.append(diff)
            return
        for child in e.children():
            walk(child)

    for c in constraints:
        walk(c)
    return found


def tight_atoms(atoms: list, model, tolerance: Fraction) -> list:
    """The atoms (:func:`arithmetic_atoms`) within ``tolerance`` of zero in ``model``."""
    found = []
    for diff in atoms:
        value = model.eval(diff, model_completion=True)
        approx = value.as_fraction() if z3.is_rational_value(value) \
            else Fraction(value.approx(30).as_fraction())
        if abs(approx) <= tolerance:
            found.append(diff)
    return found
