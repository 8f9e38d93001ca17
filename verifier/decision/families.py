"""Families of fixed points over a parameter region: a fixed point found at some
parameter values, written as terms in the parameters and proven to be a fixed point for
every parameter of the region.

The terms are guessed from the atoms tight at the model
(:func:`verifier.decision.parametric.witness_terms`) and proven by unsatisfiability queries
(:func:`verifier.decision.parametric.family_problems`); a guess that is not proven within
:data:`GENERALIZE_GUESSES` is given up. Then the same is tried from the vertices of the
solutions at the model's parameter values (:func:`vertex_terms`); failing those, the point
stays one found at its values.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import islice

import sympy

from .extremum import NothingToOptimise, minimize
from .parametric import FamilyShapeError, family_problems, ratio_text, witness_terms
from ..encoding import smt
from ..encoding.compiler import System
from ..encoding.smt import SolverUnknown
from ..model.poly import BoolVar, Poly, named

GENERALIZE_GUESSES = 20  # guesses tried (a count, not seconds: the same on a busy machine);
# in the claims catalogue the first guess is always the one proven (2026-12-01)


def whole_region_terms(problem, model, general: list, guide: list,
                       aux: tuple | None) -> tuple | None:
    """Terms in the parameters for every variable, and Boolean values, proven to solve
    the system (and ``general``) for every parameter in the region; or None.

    ``problem``: a :class:`verifier.decision.fixed_points.FixedPointProblem` with
    parameters; ``model``: a Z3 model of its constraints. The terms are guessed from the
    atoms of the system and ``guide`` that are tight at the model
    (:func:`verifier.decision.parametric.witness_terms`); ``aux`` = (name, R): a variable
    standing for the square root of R. Returns ({variable: (num, den)}, {Boolean: value}).
    """
    system = problem.system
    if system.relaxed:  # a proof on the relaxation is not one for the agents
        return None
    if system.integers:  # grid indices: terms are guessed for the reals only
        return None
    exact = smt.Model(model)
    values = {n: exact.real(named(n)) for n in list(system.reals) + list(problem.symbols)}
    booleans = {b: exact.boolean(BoolVar(b)) for b in system.booleans}
    parameters = list(problem.symbols)
    constant = {n: (Poly.const(values[n]), Poly.const(1)) for n in system.reals
                if isinstance(values[n], Fraction)}
    if aux is None and len(constant) == len(system.reals) and \
            proves_terms(problem, constant, booleans, general, None):
        return constant, booleans
    if aux is not None:
        name, square = aux
        values[name] = sympy.sqrt(sympy.sympify(str(square.evaluate(values))))
        parameters.append(name)
    guesses = witness_terms(system.constraints + list(guide), list(system.reals), values,
                            booleans, parameters, estimate_truths(system), aux)
    for terms in islice(guesses, GENERALIZE_GUESSES):
        if terms is not None and proves_terms(problem, terms, booleans, general, aux):
            return terms, booleans
    return None


def family_instance(problem, point, terms: dict):
    """The family's own fixed point at ``point``'s parameter values, re-checked by the
    interpreter, and True; or ``point`` itself and False when the solver does not give
    the family's point there (the instance shown beside a family is then marked as
    another fixed point). ``problem``: a FixedPointProblem; ``point``: a FixedPoint found
    in it; ``terms``: the family's {variable: (num, den)}."""
    values = dict(point.params)
    try:
        at = {n: num.evaluate(values) / den.evaluate(values) for n, (num, den) in terms.items()}
        profile = tuple(tuple(p.evaluate(at) for p in problem.system.strategy[i])
                        for i in (0, 1))
        if profile == point.profile:
            return point, True
        model = problem.queries.model(problem.constraints + [
            smt.term(named(n)) == smt.z3_number(v) for n, v in (at | values).items()])
    except (ZeroDivisionError, SolverUnknown):
        return point, False
    return (point, False) if model is None else (problem.point_from(model), True)


def vertex_terms(problem, model, extra: list, general: list, guide: list,
                 aux: tuple | None) -> tuple | None:
    """:func:`whole_region_terms` from other models at the parameter values of ``model``:
    each free strategy variable's least and greatest value there (exact optima,
    :func:`verifier.decision.extremum.minimize`, over ``problem``'s constraints, the Z3
    ``extra`` and ``general``). A point inside a face of the solutions leaves the
    strategies undetermined by its tight atoms; at a vertex they are functions of the
    parameters (neLP against neLP on pd-b: the point reaching min u1 = 1 - 9d/2 is written
    in d only from a vertex). Search only: the family's proof decides. None when no vertex
    gives a proven family."""
    exact = smt.Model(model)
    pins = [smt.term(named(n)) == smt.z3_number(exact.real(named(n))) for n in problem.symbols]
    fixed = extra + smt.formulas(general) + pins
    for x in (x for seat in (0, 1) for x in problem.system.free[seat]):
        for sign in (1, -1):
            try:
                vertex = minimize(problem.queries, problem.constraints + fixed,
                                  problem.closed_constraints + fixed,
                                  smt.variables(problem.system), sign * smt.term(x),
                                  Fraction(-2))
            except (SolverUnknown, NothingToOptimise):
                continue
            if vertex.attained and vertex.model is not None:
                found = whole_region_terms(problem, vertex.model, general, guide, aux)
                if found is not None:
                    return found
    return None


def estimate_truths(system: System) -> dict:
    """Each free estimate variable's natural value: the probability it estimates
    ({variable name: affine Poly in the strategy variables})."""
    out = {}
    for seat in (0, 1):
        for run in system.runs[seat]:
            if run.estimate is None:
                continue
            for terms, who in zip(run.estimate, (seat, 1 - seat)):
                for est, truth in zip(terms[:-1], system.strategy[who]):
                    (name,) = est.variables()
                    out[name] = truth
    return out


def proves_terms(problem, terms: dict, booleans: dict, general: list, aux) -> bool:
    """Whether, for every parameter in the problem's region, the terms (with the Booleans
    fixed) are defined and solve the system and ``general``; False also when a query
    answers unknown or a candidate has the wrong shape."""
    try:
        return all(problem.queries.model(smt.formulas(obligation)) is None
                   for _, obligation in family_problems(problem.system, problem.assumptions,
                                                        terms, booleans, general, aux))
    except (SolverUnknown, FamilyShapeError):  # gave up, or a candidate of the wrong shape
        return False


def profile_terms(system: System, terms: dict, aux: tuple | None = None) -> tuple:
    """Each player's strategy as text in the parameters (``3*d/(2 + 3*d)``), from the
    terms ({variable: (num, den)}) of a family."""
    out = []
    for i in (0, 1):
        probs = [system.strategy[i][k] for k in range(len(system.strategy[i]))]
        texts = []
        for p in probs:
            num, den = Poly(), Poly.const(1)
            for m, c in p.terms.items():  # an affine form in the free variables
                if m == ():
                    num = num + c * den
                else:
                    (name, _), = m
                    n2, d2 = terms[name]
                    num, den = num * d2 + c * n2 * den, den * d2
            texts.append(ratio_text(num, den, aux))
        out.append(tuple(texts))
    return tuple(out)
