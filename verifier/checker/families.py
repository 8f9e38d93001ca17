"""Families of fixed points and claimed values over a parameter region, as the checker reads
them: the unsat problems that prove a family for every parameter (:func:`family_problems`),
and extremes claimed as formulas in the parameters (:class:`Ratio`, :class:`QuadraticRoot`).

The search that finds families (tight equations solved with sympy) is
:mod:`verifier.decision.parametric`; it imports this module. sympy here only prints
and factors: nothing the checker decides rests on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy

from ..errors import EvidenceRejected
from ..model.params import ParameterError, parse_expression, parse_ratio
from ..model.poly import Atom, BoolVar, Formula, Not, Or, Poly, conj, named

AUX = "sqrt_w"  # the auxiliary square root's name: no parameter or system variable has it


def sympy_expr(poly: Poly, symbols: dict) -> sympy.Expr:
    """``poly`` as a sympy expression; ``symbols`` maps variable names to the sympy symbols
    used so far and gains any new ones."""
    return poly.fold(lambda c: sympy.Rational(c.numerator, c.denominator),
                     lambda name: symbols.setdefault(name, sympy.Symbol(name)))


def ratio_text(num: Poly, den: Poly, aux: tuple | None = None) -> str:
    """A fraction of polynomials as short text (sympy-simplified): ``3*d/(3*d + 2)``;
    with ``aux`` = (w, R), w is written sqrt(R)."""
    symbols: dict = {}
    expr = sympy.factor(sympy.cancel(sympy_expr(num, symbols) / sympy_expr(den, symbols)))
    if aux is not None and aux[0] in symbols:
        expr = expr.subs(symbols[aux[0]], sympy.sqrt(sympy.factor(sympy_expr(aux[1], symbols))))
    return str(expr)


class FamilyShapeError(EvidenceRejected):
    """A family of fixed points that is not of the shape :func:`family_problems` states:
    a candidate the search discards, or a certificate's family the checker rejects."""


def _check_family(system, terms: dict, aux) -> None:
    """A family gives every system variable a term in the parameters (and w) only."""
    symbols = system.symbols
    if set(terms) != set(system.reals):
        raise FamilyShapeError("a family gives a term for every system variable, and only "
                               "those")
    if aux is not None and (aux[0] != AUX or not aux[1].variables() <= symbols):
        raise FamilyShapeError(f"the square root is {AUX!r} of a polynomial in the "
                               "parameters")
    allowed = symbols | ({AUX} if aux is not None else set())
    for name, (num, den) in terms.items():
        if not (num.variables() | den.variables()) <= allowed:
            raise FamilyShapeError(f"the term of {name} uses more than the parameters")


def family_problems(system, region: list, terms: dict, booleans: dict, general: list,
                    aux: tuple | None = None) -> list:
    """What proves a family of fixed points for every parameter in the region: (name,
    formulas) pairs, each formula list unsatisfiable exactly when that part holds.

    Each denominator is non-zero throughout the region, and the terms with
    the Booleans fixed satisfy the system and ``general`` wherever the region
    holds. With ``aux`` (name, R), terms may use a variable standing for the
    square root of R, a polynomial in the parameters that is >= 0 on the region.
    Used by the solver (to find such families) and by certificates (to state and
    check them); a family that is not of this shape is refused (FamilyShapeError).
    """
    _check_family(system, terms, aux)
    out = []
    if aux is not None:  # terms may use w = sqrt(R): w >= 0 and w^2 = R
        name, square = aux
        out.append((f"the square root {name} is real throughout the region",
                     list(region) + [square < 0]))
        w = named(name)
        region = list(region) + [w >= 0, (w * w - square).eq(0)]
    for name, (num, den) in sorted(terms.items()):
        if not den.is_constant():
            out.append((f"the term of {name} is defined throughout the region",
                        list(region) + [den.eq(0)]))
        elif den.constant_value() == 0:
            raise FamilyShapeError(f"the term of {name} divides by zero")
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
        """The ratio as text, num/den simplified by sympy."""
        return ratio_text(self.num, self.den)

    @property
    def polys(self) -> tuple:
        """(num, den)."""
        return (self.num, self.den)

    def conditions(self) -> list:
        """Atoms that must hold throughout the region for the value to be defined."""
        if self.den.is_constant() and self.den.constant_value() > 0:
            return []
        return [self.den > 0]  # false when a constant <= 0: nothing then certifies

    def relation(self, term: Poly, op: str) -> Formula:
        """``term op value`` as a formula (the denominator is positive)."""
        return Atom(term * self.den - self.num, op)

    def to_json(self) -> dict:
        """The value as certificate data: {"ratio": [num, den]}."""
        return {"ratio": [self.num, self.den]}

    def hint(self, term: Poly) -> tuple:
        """(aux, equation) for writing a fixed point at the value: no auxiliary needed."""
        return None, self.relation(term, "==")


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
    def polys(self) -> tuple:
        """(a, b, c)."""
        return (self.a, self.b, self.c)

    @property
    def discriminant(self) -> Poly:
        """b^2 - 4 a c, a polynomial in the parameters."""
        return self.b * self.b - 4 * self.a * self.c

    @property
    def text(self) -> str:
        """The root as text: which root of the factored quadratic."""
        x = sympy.Symbol("x")
        symbols: dict = {}
        a, b, c = (sympy_expr(p, symbols) for p in (self.a, self.b, self.c))
        q = a * x**2 + b * x + c
        which = "larger" if self.larger else "smaller"
        return f"the {which} root x of {sympy.factor(q, x)} = 0"

    def conditions(self) -> list:
        """Atoms that must hold throughout the region for the root to exist: a > 0, D >= 0."""
        return [self.a > 0, self.discriminant >= 0]

    def relation(self, term: Poly, op: str) -> Formula:
        """``term op root`` (op one of <, >, ==) as a polynomial formula, with no square root;
        raises ValueError for another op."""
        t = 2 * self.a * term + self.b
        square, d = t * t, self.discriminant
        s = 1 if self.larger else -1  # the root is where s*t >= 0 and t^2 = D
        if op == "==":
            return conj([s * t >= 0, square.eq(d)])
        if op not in ("<", ">"):
            raise ValueError(f"compare with a root by <, > or ==, not {op!r}")
        below = op == "<"  # term < root: smaller root: t < 0 and t^2 > D
        if below == self.larger:
            return Or((s * t < 0, Atom(square - d, "<")))
        return conj([s * t > 0, Atom(square - d, ">")])

    def to_json(self) -> dict:
        """The value as certificate data: {"root": [a, b, c], "larger": ...}."""
        return {"root": [self.a, self.b, self.c], "larger": self.larger}

    def hint(self, term: Poly) -> tuple:
        """(aux, equation): ``term`` is the root iff 2 a term + b = s w, w = sqrt(D) >= 0."""
        s = 1 if self.larger else -1
        return ((AUX, self.discriminant),
                (2 * self.a * term + self.b - s * named(AUX)).eq(0))


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
