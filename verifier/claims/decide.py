"""How statements are decided with a :class:`Pair`: the steps the statement kinds share.

Each kind's own decision is its ``decide`` method (:mod:`verifier.claims.statements`); it
calls these. A decision is ``(verdict, detail)``: ``verdict`` one of ``holds``, ``fails``,
``unknown``; ``detail`` the evidence (``counterexample``, ``witness``, ``optimum``,
``formula_optimum``, ``reason``). Bad statements raise ClaimError; a solver that gives up
raises SolverUnknown.
"""

from __future__ import annotations

import sympy

from ..decision.extremum import NothingToOptimise
from ..decision.parametric import parse_value
from ..decision.solver import Pair
from ..errors import ClaimError
from ..model.numbers import compare, exact, fmt
from ..model.params import ParameterError, symbols_of
from ..model.poly import And, Atom, Formula, Not, Or
from .formulas import Vars


def claimed_value(value):
    """A claimed exact value: a rational, or a sympy real algebraic number (CRootOf).
    Raises ClaimError for other sympy numbers, InexactNumberError for floats."""
    if isinstance(value, sympy.Basic) and not value.is_Rational:
        if not (value.is_real and value.is_algebraic):
            raise ClaimError(f"claimed value {value} is not a real algebraic number")
        return value
    return exact(value)


def formula_of(check, v: Vars) -> Formula:
    """``check.formula(v)``, refused with ClaimError unless it is a formula (a polynomial
    compared with ``==`` is a Python bool, not a formula)."""
    phi = check.formula(v)
    if not isinstance(phi, Formula):
        raise ClaimError(f"the formula gave {phi!r}, not a formula: compare polynomials with "
                         f"<, <=, >, >=, .eq() or .ne() (== compares them as expressions)")
    return phi


def for_every_parameter(pair: Pair, point, verdict: str, detail: dict) -> tuple[str, dict]:
    """A verdict resting on a fixed point: over a region it must be one throughout."""
    if pair.region is None or point.whole_region:
        return verdict, detail
    return "unknown", detail | {"reason": "a fixed point was found at the parameter values shown, "
                                          "but not shown to be one for every parameter in the "
                                          "region"}


def atoms_polys(f: Formula) -> list:
    """The polynomials of a formula's atoms, in order."""
    if isinstance(f, Atom):
        return [f.poly]
    if isinstance(f, (And, Or)):
        return [p for part in f.parts for p in atoms_polys(part)]
    if isinstance(f, Not):
        return atoms_polys(f.part)
    return []


def own_symbols(pair: Pair, *polys) -> None:
    """Claims may name only the parameters their agents have (else ClaimError)."""
    used = set().union(*(symbols_of(p) for p in polys))
    if not used <= set(pair.symbols):
        raise ClaimError(f"the claim names {', '.join(sorted(used - set(pair.symbols)))}, "
                         f"which is not a parameter of its agents")


def extreme_over_region(check, pair: Pair, v: Vars) -> tuple[str, dict]:
    """An :class:`Extreme` over a parameter region: the claimed value is a formula in the
    parameters (docs/parameters.md)."""
    if check.value is None:
        raise ClaimError("an extreme over a parameter region needs the claimed value, a "
                         "formula in the parameters (value=\"3*d/(2 + 3*d)\")")
    try:
        value = parse_value(str(check.value))
    except ParameterError as err:
        raise ClaimError(f"claimed value: {err}") from None
    side = None if check.subject_to is None else check.subject_to(v)
    own_symbols(pair, *value.polys, check.objective(v),
                *([] if side is None else atoms_polys(side)))
    found = pair.certify_formula(check.objective(v), check.sense, value, side)
    detail = {"formula_optimum": found}
    if not found.is_bound:
        return "fails", detail | {"counterexample": found.beyond,
                                  "reason": f"a fixed point lies beyond {found.formula}"}
    if found.attained is None:
        return "unknown", detail | {"reason": f"{found.formula} is a proven bound for every "
                                              f"parameter; a fixed point reaching it was found "
                                              f"only at the parameter values shown"}
    if found.attained is False:  # a bound nothing reaches: it need not be the inf/sup
        return ("fails" if check.attained is not False else "unknown"), detail | {
            "reason": "never attained: the formula is a bound; that it is the "
                      f"{'inf' if check.sense == 'min' else 'sup'} is not shown"}
    if check.attained is False:
        return "fails", detail | {"reason": "attained for every parameter"}
    return "holds", detail


def extreme_at_point(check, pair: Pair, v: Vars, progress) -> tuple[str, dict]:
    """An :class:`Extreme` of a concrete pair: the exact optimum, certified, compared with
    the claimed value (a rational or a real algebraic number) if there is one."""
    side = None if check.subject_to is None else check.subject_to(v)
    claimed = None if check.value is None else claimed_value(check.value)
    optimum = None
    if claimed is not None and check.attained is not False:
        optimum = pair.certify(check.objective(v), check.sense, claimed, side)
    if optimum is None:
        try:
            optimum = pair.optimize(check.objective(v), check.sense, subject_to=side,
                                    progress=progress)
        except NothingToOptimise as err:
            raise ClaimError(f"cannot optimise: {err}") from None
    detail = {"optimum": optimum}
    if optimum.value is None:
        return "unknown", detail | {"reason": optimum.note}
    if claimed is None:
        return "holds", detail
    if compare(claimed, optimum.value) != 0:
        return "fails", detail | {"reason": f"the {check.sense} is {fmt(optimum.value)}, "
                                            f"not {claimed}"}
    if check.attained is not None and check.attained != optimum.attained:
        return "fails", detail | {"reason": "attained" if optimum.attained else
                                  "not attained"}
    return "holds", detail
