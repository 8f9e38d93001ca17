"""Optimisation over the fixed points: the exact min or max of a payoff or probability
(:func:`optimize`, by :func:`verifier.decision.extremum.minimize`), a claimed extreme
checked directly (:func:`certify`), a formula in the parameters checked as the extreme for
every parameter of a region (:func:`certify_formula`), and the ranges that describe a
continuum (:func:`ranges`).

``problem`` is a :class:`verifier.decision.fixed_points.FixedPointProblem`; objectives are
:class:`verifier.model.poly.Poly` in the seat variables.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from .extremum import Minimum, minimize
from .results import FormulaOptimum, Optimum
from ..encoding import smt
from ..encoding.smt import SolverUnknown, numeral
from ..model.numbers import Number
from ..model.params import ParameterError
from ..model.poly import Formula, Not, Poly, atom_text


FLOOR_TRIES = 20  # floors tried for an objective with parameters (each one solver query)


def optimize(problem, objective: Poly, sense: str = "min", subject_to: Formula | None = None,
             progress=None) -> Optimum:
    """The exact min or max of ``objective`` over the fixed points (``subject_to``: only
    those satisfying a formula). Raises ValueError unless ``sense`` is "min" or "max"."""
    if sense not in ("min", "max"):
        raise ValueError("sense is 'min' or 'max'")
    sign = 1 if sense == "min" else -1
    f = sign * objective
    extra = [] if subject_to is None else [problem.formula(subject_to)]
    closed_constraints = problem.closed_constraints  # the closed relaxation, built first
    closed_extra = [] if subject_to is None else \
        [smt.formula(problem.closed_system.seat_formula(subject_to))]
    floor = sum((c for m, c in f.terms.items() if m and c < 0),
                f.terms.get((), Fraction(0))) - 1  # every monomial of probabilities in [0, 1]
    if any(isinstance(v, str) for v in f.variables()):
        # a parameter symbol (a symbolic payoff, eps) need not lie in [0, 1]: a floor is one
        # only when a solver shows nothing below it; tried lower, 2^k - 1 below, k < 20
        floor = next((x for x in (floor - 2 ** k + 1 for k in range(FLOOR_TRIES))
                      if problem.queries.model(problem.constraints + extra +
                                               [problem.term(f) < smt.z3_number(x)]) is None),
                     None)
        if floor is None:
            raise SolverUnknown(f"no bound of the {sense} is proven: the objective names "
                                f"parameters, and no {'lower' if sign == 1 else 'upper'} bound "
                                f"within 2^{FLOOR_TRIES} of its coefficients holds")
    result: Minimum = minimize(problem.queries, problem.constraints + extra,
                               closed_constraints + closed_extra,
                               smt.variables(problem.system), problem.term(f), floor, progress)
    point = problem.point_from(result.model) if result.model is not None else None
    if result.attained is False and problem.system.relaxed:
        # "solutions come arbitrarily close" was shown for the relaxation only
        result = replace(result, value=None, attained=None,
                         note="proven bound; whether exact fixed points approach it is not "
                              "shown (region_test=exact is relaxed where the agent is sure)")

    def unsign(x):
        return None if x is None else (x if sign == 1 else -x)

    return Optimum(sense, unsign(result.value), result.attained, point,
                   unsign(result.lower), unsign(result.upper), result.note)


def certify(problem, objective: Poly, sense: str, value: Number,
            subject_to: Formula | None = None) -> Optimum | None:
    """Check a claimed attained extreme directly: nothing beyond it, a fixed point at it.

    Two queries instead of a search. None when the value is not certified
    this way (it is wrong, or not attained): then :func:`optimize` decides.
    """
    sign = 1 if sense == "min" else -1
    f_term = problem.term(sign * objective)
    extra = [] if subject_to is None else [problem.formula(subject_to)]
    target = numeral(value if sign == 1 else -value, "claimed")
    if problem.find(extra + [f_term < target]) is not None:
        return None
    point = problem.find(extra + [f_term == target])
    if point is None:
        return None
    return Optimum(sense, value, True, point, value, value,
                   "attained by an exact fixed point; none lies beyond it (claimed value "
                   "checked directly)")


def certify_formula(problem, objective: Poly, sense: str, value,
                    subject_to: Formula | None = None) -> FormulaOptimum:
    """Check that ``value`` (a formula in the parameters, see
    :mod:`verifier.decision.parametric`) is the exact extreme for every parameter.

    Proofs over the whole region: the value is defined, no fixed point lies
    beyond it (one unsatisfiability query with the parameters as
    variables), and a fixed point reaches it, written in the parameters
    (``find`` with ``general``). ``attained`` is None when that last
    proof is not found; ``beyond`` is a fixed point past the value. Raises
    ParameterError when the value is not defined throughout the region.
    """
    region = smt.formulas(problem.assumptions)
    for need in value.conditions():
        if problem.queries.model(region + [smt.formula(Not(need))]) is not None:
            raise ParameterError(f"the claimed value needs {atom_text(need)} throughout "
                                 f"the region")
    term = problem.system.seat_term(objective)
    side = [] if subject_to is None else [problem.system.seat_formula(subject_to)]
    past = value.relation(term, "<" if sense == "min" else ">")
    beyond = problem.first(smt.formulas(side + [past]))
    if beyond is not None:
        return FormulaOptimum(sense, value, False, beyond, None)
    reach = side + [value.relation(term, "==")]
    aux, equation = value.hint(term)
    at = problem.first(smt.formulas(reach), general=reach, hint=(aux, side + [equation]))
    attained = False if at is None else (True if at.whole_region else None)
    return FormulaOptimum(sense, value, attained, None, at)


def ranges(problem, progress=None) -> tuple:
    """Exact ranges over the fixed points: each player's P(first action) and payoff, as
    (label, min Optimum, max Optimum), P1(first action) and P2's first, then u1 and u2."""
    game, out = problem.game, []
    objectives = [(f"P{i + 1}({game.actions[i][0]})", Poly({((("s", i, 0), 1),): 1}))
                  for i in (0, 1) if game.num_actions(i) > 1]
    objectives += [(f"u{i + 1}", game.payoff_polys[i]) for i in (0, 1)]
    for label, poly in objectives:
        out.append((label, optimize(problem, poly, "min", progress=progress),
                    optimize(problem, poly, "max", progress=progress)))
    return tuple(out)
