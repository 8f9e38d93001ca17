"""Witness terms: one fixed point found at some parameter values, written for all of them.

A solver finds a fixed point at particular parameter values (``e = 51/512``).
To claim a fixed point for *every* parameter in a region, we guess each
variable as a rational function of the parameters and let a solver prove the
guess right throughout the region (:meth:`verifier.decision.solver.Pair.find`).

The guess: keep the model's Boolean values (the same branches of both
programs), take the arithmetic atoms that are tight at the model (equal to
zero there), and solve those equations with sympy for the non-parameter
variables; variables left free keep their model values. sympy's answer is
never trusted: it is only the candidate that the proof then checks.

What a family must satisfy, and the claimed values (ratios, quadratic roots), are the
checker's: :mod:`verifier.checker.families`.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ..checker.families import (AUX, FamilyShapeError, QuadraticRoot, Ratio, family_problems,
                                parse_value, ratio_text, sympy_expr)
from ..errors import UnknownNode
from ..model.poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, named

# the checker's half (verifier.checker.families), re-exported for the old import paths
__all__ = ["MAX_EQUATIONS", "TOLERANCE", "tight_equations", "witness_terms", "AUX",
           "FamilyShapeError", "QuadraticRoot", "Ratio", "family_problems", "parse_value",
           "ratio_text", "sympy_expr"]

MAX_EQUATIONS = 400


def tight_equations(formulas: list, values: dict, booleans: dict) -> list[Poly]:
    """Polynomials of the atoms that the assignment makes hold and that are 0 there.

    Only atoms that must hold are taken: every part of a conjunction, the
    true parts of a disjunction; negations and Booleans contribute nothing.
    Algebraic values are compared to 80 digits: the equations are only a
    guess, which a proof then checks.
    """
    out: list[Poly] = []
    numeric = {k: _number(v) for k, v in values.items()}

    def sign(poly: Poly) -> int:
        x = poly.fold(_rational, numeric.__getitem__)
        return 0 if abs(x) < TOLERANCE else (1 if x > 0 else -1)

    def holds(f: Formula) -> bool:
        if isinstance(f, BoolVar):
            return booleans[f.name]
        if isinstance(f, Not):
            return not holds(f.part)
        if isinstance(f, (And, Or)):
            results = [holds(p) for p in f.parts]
            return all(results) if isinstance(f, And) else any(results)
        if isinstance(f, Truth):
            return f.value
        if isinstance(f, Atom):
            return sign(f.poly) in _OPS[f.op]
        raise UnknownNode(f"no truth value for the formula {f!r}")

    def visit(f: Formula) -> None:
        if isinstance(f, Atom):
            if f.op in ("<=", ">=", "==") and sign(f.poly) == 0:
                out.append(f.poly)
        elif isinstance(f, And):
            for p in f.parts:
                visit(p)
        elif isinstance(f, Or):
            for p in f.parts:
                if holds(p):
                    visit(p)
        elif not isinstance(f, (Not, Truth, BoolVar)):  # no tight atom under these
            raise UnknownNode(f"no tight atoms for the formula {f!r}")

    for f in formulas:
        visit(f)
    return out


_OPS = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {1, 0}, "==": {0}, "!=": {-1, 1}}
TOLERANCE = sympy.Float("1e-40")


def _poly(expr: sympy.Expr) -> Poly:
    """A sympy polynomial with rational coefficients as a Poly over named variables."""
    p = sympy.Poly(sympy.expand(expr), *sorted(expr.free_symbols, key=str)) \
        if expr.free_symbols else None
    if p is None:
        return Poly.const(Fraction(str(sympy.Rational(expr))))
    out = Poly()
    for powers, c in p.terms():
        term = Poly.const(Fraction(str(sympy.Rational(c))))
        for s, k in zip(p.gens, powers):
            term = term * named(str(s)) ** k
        out = out + term
    return out


def witness_terms(formulas: list, unknowns: list, values: dict, booleans: dict,
                  parameters: list, natural: dict, aux: tuple | None = None):
    """Candidates: each unknown as (numerator, denominator) Polys in the parameters.

    ``values`` holds the model's exact values of the unknowns and the
    parameters. An unknown the tight equations leave free takes its
    ``natural`` value if it has one (an estimate: the truth); others are set
    in turn to their model value, to 0, and to their model value scaled with
    each parameter. With ``aux`` = (w, R) (w among the parameters, standing for
    the square root of R), square roots in the solution are written with w.
    A generator: only the proof that follows can tell which candidate is right.
    """
    equations = tight_equations(formulas, values, booleans)
    if not equations or len(equations) > MAX_EQUATIONS:
        return
    symbols = {n: sympy.Symbol(n) for n in unknowns + parameters}
    exprs = [sympy_expr(e, symbols) for e in equations]
    used = set().union(*(e.free_symbols for e in exprs))
    # unknowns with a natural value last: sympy leaves the last ones free
    wanted = [symbols[n] for n in sorted(unknowns, key=lambda n: n in natural)
              if symbols[n] in used]
    at_model = {symbols[n]: _number(values[n]) for n in unknowns + parameters}
    root = None if aux is None else (symbols[aux[0]], sympy_expr(aux[1], symbols))
    for solution in _solutions(exprs, wanted, at_model, root):
        for mode in ["model", "zero"] + [symbols[p] for p in parameters]:
            yield _terms(unknowns, symbols, solution, values, mode, set(wanted), natural)


def _number(x) -> sympy.Expr:
    """Rationals exactly; algebraic numbers to 80 digits (only to pick the model's branch)."""
    return _rational(x) if isinstance(x, Fraction) else sympy.N(sympy.sympify(x), 80)


def _close(a, b) -> bool:
    """Equal to 40 digits: only to pick the model's branch; the proof decides."""
    return abs(sympy.N(a - b, 60)) < TOLERANCE


def _solutions(exprs: list, wanted: list, at_model: dict, root):
    """Solutions of the tight equations on the model's branch, square roots written with
    the auxiliary ``root`` = (w, R). Solved at once, or else in two stages: the
    equations linear in the unknowns, then the others in what those leave free."""
    def fits(solution):
        return all(_close(e.subs(at_model), at_model[s]) for s, e in solution.items())

    found = [s for s in _solve(exprs, wanted) if fits(s)]
    if not found:
        plain = [e for e in exprs if root is None or root[0] not in e.free_symbols]
        linear = [e for e in plain if sympy.Poly(e, *wanted).total_degree() <= 1]
        others = [e for e in plain if e not in linear]
        for first in _solve(linear, wanted):
            if not fits(first):
                continue
            rest = {sympy.expand(sympy.fraction(sympy.together(e.subs(first)))[0])
                    for e in others} - {0}
            loose = [w for w in wanted if w not in first
                     and any(w in r.free_symbols for r in rest)]
            for second in _solve(sorted(rest, key=str), loose) if loose else [{}]:
                both = {k: sympy.together(v.subs(second)) for k, v in first.items()} | second
                both = {k: _with_root(v, root, at_model) for k, v in both.items()}
                if all(v is not None for v in both.values()) and fits(both):
                    found.append(both)
    for solution in found:
        if not any(_radicals(v) for v in solution.values()):
            yield solution


def _radicals(expr) -> set:
    return {p for p in expr.atoms(sympy.Pow) if p.exp == sympy.Rational(1, 2)}


def _with_root(expr, root, at_model: dict):
    """``expr`` with every sqrt(X) written r*w, r a rational function with r^2 = X/R
    (its sign taken at the model); None when some radical is not of that form."""
    radicals = _radicals(expr)
    if not radicals:
        return expr
    if root is None:
        return None
    w, square = root
    for radical in radicals:
        ratio = sympy.factor(sympy.cancel(radical.base / square))
        r = _square_root(ratio)
        if r is None:
            return None
        if not _close(radical.subs(at_model), (r * w).subs(at_model)):
            r = -r
        expr = expr.subs(radical, r * w)
    return sympy.together(expr)


def _square_root(expr):
    """A rational function r with r^2 == expr (from its factorisation), or None."""
    num, den = sympy.fraction(sympy.factor(expr))
    out = sympy.Integer(1)
    for part, sign in ((num, 1), (den, -1)):
        coefficient, factors = sympy.factor_list(part)
        c = sympy.sqrt(coefficient)
        if not c.is_rational or any(k % 2 for _, k in factors):
            return None
        out *= (c * sympy.Mul(*(f ** (k // 2) for f, k in factors))) ** sign
    return out


def _solve(exprs: list, wanted: list) -> list:
    try:
        return sympy.solve(exprs, wanted, dict=True)
    except (NotImplementedError, ValueError):  # sympy's ways of giving up: no candidate
        return []


def _rational(x: Fraction) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


def _terms(unknowns, symbols, solution, values, mode, wanted, natural) -> dict | None:
    """Every unknown as a term: free ones take their natural value if they have one
    (written with the solution), the others are set as ``mode`` says."""
    def free_value(name):
        if name in natural:
            return sympy_expr(natural[name], symbols).subs(solution)
        if mode == "zero":
            return sympy.Integer(0)
        v = values[name]
        if not isinstance(v, Fraction):
            return None  # an irrational value is no constant for a term
        if mode == "model":
            return _rational(v)
        scale = values[str(mode)]
        if not isinstance(scale, Fraction):
            return None
        return _rational(v) / _rational(scale) * mode if scale != 0 else _rational(v)

    free = {symbols[n]: free_value(n) for n in unknowns
            if symbols[n] in wanted and symbols[n] not in solution}
    if any(v is None for v in free.values()):
        return None
    terms = {}
    for name in unknowns:
        s = symbols[name]
        expr = free_value(name) if s not in solution else sympy.together(solution[s].subs(free))
        if expr is None or expr.free_symbols & wanted or \
                expr.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
            return None  # not a candidate: a free value made a denominator vanish
        num, den = sympy.fraction(sympy.together(expr))
        terms[name] = (_poly(num), _poly(den))
    return terms
