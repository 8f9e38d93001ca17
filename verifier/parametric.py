"""Witness terms: one fixed point found at some parameter values, written for all of them.

A solver finds a fixed point at particular parameter values (``e = 51/512``).
To claim a fixed point for *every* parameter in a region, we guess each
variable as a rational function of the parameters and let a solver prove the
guess right throughout the region (:meth:`verifier.solver.Pair.find`).

The guess: keep the model's Boolean values (the same branches of both
programs), take the arithmetic atoms that are tight at the model (equal to
zero there), and solve those equations with sympy for the non-parameter
variables; variables left free keep their model values. sympy's answer is
never trusted: it is only the candidate that the proof then checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

import sympy

from .params import ParameterError, parse_expression, parse_ratio
from .poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, conj, named

MAX_EQUATIONS = 400


def tight_equations(formulas: list, values: dict, booleans: dict) -> list[Poly]:
    """Polynomials of the atoms that the assignment makes hold and that are 0 there.

    Only atoms that must hold are taken: every part of a conjunction, the
    true parts of a disjunction; negations and Booleans contribute nothing.
    """
    out: list[Poly] = []

    def holds(f: Formula) -> bool:
        if isinstance(f, BoolVar):
            return booleans[f.name]
        if isinstance(f, Not):
            return not holds(f.part)
        if isinstance(f, (And, Or)):
            results = [holds(p) for p in f.parts]
            return all(results) if isinstance(f, And) else any(results)
        return f.holds(values)

    def visit(f: Formula) -> None:
        if isinstance(f, Atom):
            if f.op in ("<=", ">=", "==") and f.poly.evaluate(values) == 0:
                out.append(f.poly)
        elif isinstance(f, And):
            for p in f.parts:
                visit(p)
        elif isinstance(f, Or):
            for p in f.parts:
                if holds(p):
                    visit(p)

    for f in formulas:
        visit(f)
    return out


def _sympy(poly: Poly, symbols: dict) -> sympy.Expr:
    return poly.fold(lambda c: sympy.Rational(c.numerator, c.denominator),
                     lambda name: symbols.setdefault(name, sympy.Symbol(name)))


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
                  parameters: list, natural: dict):
    """Candidates: each unknown as (numerator, denominator) Polys in the parameters.

    ``values`` holds the model's exact values of the unknowns and the
    parameters. An unknown the tight equations leave free takes its
    ``natural`` value if it has one (an estimate: the truth); others are set
    in turn to their model value, to 0, and to their model value scaled with
    each parameter. A generator: only the proof that follows can tell which
    candidate is right.
    """
    equations = tight_equations(formulas, values, booleans)
    if not equations or len(equations) > MAX_EQUATIONS:
        return
    if any(not isinstance(values.get(n), Fraction) for n in unknowns + parameters):
        return  # an irrational model value: no rational candidate to pin
    symbols = {n: sympy.Symbol(n) for n in unknowns + parameters}
    exprs = [_sympy(e, symbols) for e in equations]
    used = set().union(*(e.free_symbols for e in exprs))
    # unknowns with a natural value last: sympy leaves the last ones free
    wanted = [symbols[n] for n in sorted(unknowns, key=lambda n: n in natural)
              if symbols[n] in used]
    at_model = {symbols[n]: _rational(values[n]) for n in unknowns + parameters}
    for solution in _solve(exprs, wanted):
        if any(e.subs(at_model) != at_model[s] for s, e in solution.items()):
            continue  # another branch of the equations, not the model's
        pinned = [symbols[n] - _sympy(natural[n], symbols) for n in natural
                  if symbols[n] in wanted and symbols[n] not in solution]
        refined = _solve(exprs + pinned, wanted) if pinned else []
        for chosen in refined + [solution]:
            for mode in ["model", "zero"] + [symbols[p] for p in parameters]:
                yield _terms(unknowns, symbols, chosen, values, mode, set(wanted))


def _solve(exprs: list, wanted: list) -> list:
    try:
        return sympy.solve(exprs, wanted, dict=True)
    except (NotImplementedError, ValueError):
        return []


def _rational(x: Fraction) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


def _terms(unknowns, symbols, solution, values, mode, wanted) -> dict | None:
    """Every unknown as a term, free ones set as ``mode`` says."""
    def free_value(name):
        v = _rational(values[name])
        if mode == "model":
            return v
        if mode == "zero":
            return sympy.Integer(0)
        scale = _rational(values[str(mode)])
        return v / scale * mode if scale != 0 else v

    free = {symbols[n]: free_value(n) for n in unknowns
            if symbols[n] in wanted and symbols[n] not in solution}
    terms = {}
    for name in unknowns:
        s = symbols[name]
        expr = free_value(name) if s not in solution else sympy.together(solution[s].subs(free))
        if expr.free_symbols & wanted:
            return None
        num, den = sympy.fraction(sympy.together(expr))
        terms[name] = (_poly(num), _poly(den))
    return terms


def ratio_text(num: Poly, den: Poly) -> str:
    """A fraction of polynomials as short text (sympy-simplified): ``3*d/(3*d + 2)``."""
    symbols: dict = {}
    return str(sympy.factor(sympy.cancel(_sympy(num, symbols) / _sympy(den, symbols))))


def family_problems(system, region: list, terms: dict, booleans: dict, general: list) -> list:
    """What proves a family of fixed points for every parameter in the region: (name,
    formulas) pairs, each formula list unsatisfiable exactly when that part holds.

    Each denominator is non-zero throughout the region, and the terms with
    the Booleans fixed satisfy the system and ``general`` wherever the region
    holds. Used by the solver (to find such families) and by certificates
    (to state and check them).
    """
    out = []
    for name, (num, den) in sorted(terms.items()):
        if not den.is_constant():
            out.append((f"the term of {name} is defined throughout the region",
                        list(region) + [den.eq(0)]))
    definitions = [(named(n) * den - num).eq(0) for n, (num, den) in sorted(terms.items())]
    pins = [BoolVar(b) if v else Not(BoolVar(b)) for b, v in sorted(booleans.items())]
    out.append(("the terms are a fixed point for every parameter in the region",
                list(region) + definitions + pins
                + [Not(conj(list(system.constraints) + list(general)))]))
    return out


# ------------------------------------------------------------- claimed values


@dataclass(frozen=True)
class Ratio:
    """A fraction of polynomials in the parameters, claimed as an extreme."""

    num: Poly
    den: Poly

    @property
    def text(self) -> str:
        return ratio_text(self.num, self.den)

    def conditions(self) -> list:
        """Atoms that must hold throughout the region for the value to be defined."""
        return [self.den > 0]

    def relation(self, term: Poly, op: str) -> Formula:
        """``term op value`` as a formula (the denominator is positive)."""
        return Atom(term * self.den - self.num, op)

    def to_json(self) -> dict:
        return {"ratio": [self.num, self.den]}


@dataclass(frozen=True)
class QuadraticRoot:
    """The smaller (or larger) real root of a x^2 + b x + c, coefficients in the parameters.

    With t = 2 a x + b and the discriminant D = b^2 - 4 a c (a > 0, D >= 0),
    x is the smaller root iff t <= 0 and t^2 = D: every comparison with the
    root is a polynomial formula, so no square root enters the system.
    """

    a: Poly
    b: Poly
    c: Poly
    larger: bool = False

    @property
    def discriminant(self) -> Poly:
        return self.b * self.b - 4 * self.a * self.c

    @property
    def text(self) -> str:
        x = sympy.Symbol("x")
        symbols: dict = {}
        q = _sympy(self.a, symbols) * x**2 + _sympy(self.b, symbols) * x + _sympy(self.c, symbols)
        which = "larger" if self.larger else "smaller"
        return f"the {which} root x of {sympy.factor(q, x)} = 0"

    def conditions(self) -> list:
        return [self.a > 0, self.discriminant >= 0]

    def relation(self, term: Poly, op: str) -> Formula:
        t = 2 * self.a * term + self.b
        square, d = t * t, self.discriminant
        s = 1 if self.larger else -1  # the root is where s*t >= 0 and t^2 = D
        if op == "==":
            return conj([s * t >= 0, square.eq(d)])
        below = op == "<"  # term < root: smaller root: t < 0 and t^2 > D
        if below == self.larger:
            return Or((s * t < 0, Atom(square - d, "<")))
        return conj([s * t > 0, Atom(square - d, ">")])

    def to_json(self) -> dict:
        return {"root": [self.a, self.b, self.c], "larger": self.larger}


def parse_value(text: str):
    """A claimed extreme: ``"3*d/(2 + 3*d)"`` or ``"root(a*x^2 + b*x + c, smaller)"``."""
    text = str(text).strip()
    m = re.fullmatch(r"root\((.*),\s*(smaller|larger)\s*\)", text, re.S)
    if not m:
        return Ratio(*parse_ratio(text))
    q = parse_expression(m.group(1))
    q = Poly.lift(q)
    if q.degree_in(lambda v: v == "x") != 2:
        raise ParameterError(f"root(...): a quadratic in x, got {m.group(1)!r}")
    coeff = [Poly({tuple((v, e) for v, e in mono if v != "x"): c
                   for mono, c in q.terms.items() if dict(mono).get("x", 0) == k})
             for k in (2, 1, 0)]
    return QuadraticRoot(*coeff, larger=m.group(2) == "larger")
