"""Exact polynomials over strategy variables, and formulas built from them.

A :class:`Poly` is a sparse polynomial with Fraction coefficients over
hashable variable keys. Agents use agent-relative keys (``("self", k)``,
``("opp", k)``: the probability that I / my opponent play action k); claims
use seat keys (``("s", i, k)``: the probability that player i plays k).
Comparing a Poly with a number builds an :class:`Atom`; atoms combine with
``&``, ``|`` and ``~`` into formulas. This module knows nothing of Z3.

>>> a, b = var("s", 0, 0), var("s", 1, 0)
>>> f = 3*a*b + 1 - a
>>> f.evaluate({("s", 0, 0): 1, ("s", 1, 0): Fraction(1, 2)})
Fraction(3, 2)
>>> (f < 1).holds({("s", 0, 0): 1, ("s", 1, 0): 0})
True
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import gcd
from typing import Callable, Hashable, Iterable, Mapping

from .numbers import Number, compare, exact

Monomial = tuple  # sorted tuple of (variable, exponent) pairs


_ORDER: dict = {}  # variable -> its sort key in monomials (its repr), computed once


def _order(item: tuple) -> str:
    key = _ORDER.get(item[0])
    if key is None:
        key = _ORDER[item[0]] = repr(item[0])
    return key


def _mono_mul(m1: Monomial, m2: Monomial) -> Monomial:
    if not m1 or not m2:
        return m1 or m2
    powers = dict(m1)
    for v, e in m2:
        powers[v] = powers.get(v, 0) + e
    return tuple(sorted(powers.items(), key=_order))


def _mul_terms(t1: dict, t2: dict) -> dict:
    """The product of two term dicts (monomial -> non-zero Fraction), zeros dropped."""
    out: dict = {}
    for m1, c1 in t1.items():
        for m2, c2 in t2.items():
            m = _mono_mul(m1, m2)
            if m in out:
                out[m] += c1 * c2
            else:
                out[m] = c1 * c2
    return {m: c for m, c in out.items() if c}


def _poly(terms: dict) -> "Poly":
    """A Poly from a dict that already maps monomials to non-zero Fractions (not copied)."""
    p = Poly.__new__(Poly)
    p.terms, p._hash = terms, None
    return p


class Poly:
    """An immutable sparse polynomial with exact rational coefficients."""

    __slots__ = ("terms", "_hash")

    def __init__(self, terms: Mapping[Monomial, Fraction] | None = None):
        out: dict = {}
        for m, c in (terms or {}).items():  # monomials in their sorted, merged form
            m = _mono_mul(m[:1], m[1:]) if len(m) > 1 else m
            c = c if type(c) is Fraction else Fraction(c)
            out[m] = out[m] + c if m in out else c
        self.terms = {m: c for m, c in out.items() if c != 0}
        self._hash: int | None = None  # computed on first use (the terms never change)

    def __reduce__(self):
        """Pickled by its terms alone: a string's hash differs between processes."""
        return (Poly, (self.terms,))

    @staticmethod
    def const(c) -> "Poly":
        """The constant polynomial ``c`` (an exact number)."""
        return Poly({(): exact(c)})

    @staticmethod
    def lift(x) -> "Poly":
        """A Poly from a Poly or an exact number."""
        return x if isinstance(x, Poly) else Poly.const(x)

    # arithmetic -----------------------------------------------------------
    def __add__(self, other) -> "Poly":
        other = Poly.lift(other)
        out = dict(self.terms)
        for m, c in other.terms.items():
            out[m] = out.get(m, 0) + c
        return _poly({m: c for m, c in out.items() if c})

    __radd__ = __add__

    def __neg__(self) -> "Poly":
        return _poly({m: -c for m, c in self.terms.items()})

    def __sub__(self, other) -> "Poly":
        return self + (-Poly.lift(other))

    def __rsub__(self, other) -> "Poly":
        return Poly.lift(other) - self

    def __mul__(self, other) -> "Poly":
        return _poly(_mul_terms(self.terms, Poly.lift(other).terms))

    __rmul__ = __mul__

    def __truediv__(self, other) -> "Poly":
        """Division by a non-zero exact number."""
        return self * (1 / exact(other))

    def __pow__(self, n: int) -> "Poly":
        if not isinstance(n, int) or n < 0:
            raise ValueError("polynomial powers must be non-negative integers")
        out = Poly.const(1)
        for _ in range(n):
            out = out * self
        return out

    def __eq__(self, other) -> bool:  # structural equality, used in tests
        return isinstance(other, Poly) and self.terms == other.terms

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self.terms.items()))
        return self._hash

    # comparisons build atoms ----------------------------------------------
    def __lt__(self, other) -> "Atom":
        return Atom(self - other, "<")

    def __le__(self, other) -> "Atom":
        return Atom(self - other, "<=")

    def __gt__(self, other) -> "Atom":
        return Atom(self - other, ">")

    def __ge__(self, other) -> "Atom":
        return Atom(self - other, ">=")

    def eq(self, other) -> "Atom":
        """The atom ``self == other`` (``==`` itself is structural equality)."""
        return Atom(self - other, "==")

    def ne(self, other) -> "Atom":
        """The atom ``self != other``."""
        return Atom(self - other, "!=")

    # inspection -------------------------------------------------------------
    def variables(self) -> set:
        """The variables that occur with a non-zero coefficient."""
        return {v for m in self.terms for v, _ in m}

    def is_constant(self) -> bool:
        """True when no variable occurs."""
        return all(m == () for m in self.terms)

    def constant_value(self) -> Fraction:
        """The value of a constant polynomial; raises ValueError if a variable occurs."""
        if not self.is_constant():
            raise ValueError(f"{self} is not constant")
        return self.terms.get((), Fraction(0))

    def degree_in(self, group: Callable[[Hashable], bool]) -> int:
        """Largest total degree of a monomial in the variables ``group`` selects."""
        return max((sum(e for v, e in m if group(v)) for m in self.terms), default=0)

    def is_multiaffine(self, groups: Iterable[Callable[[Hashable], bool]]) -> bool:
        """True when the polynomial has degree at most 1 in each variable group."""
        return all(self.degree_in(g) <= 1 for g in groups)

    # transformation -------------------------------------------------------
    def substitute(self, mapping: Mapping[Hashable, "Poly | Number"]) -> "Poly":
        """Replace variables by polynomials or numbers (others stay)."""
        out: dict = {}
        powers: dict = {}  # (variable, exponent) -> terms of its replacement's power
        for m, c in self.terms.items():
            term, kept = {(): c}, []
            for v, e in m:
                if v not in mapping:
                    kept.append((v, e))
                    continue
                if (v, e) not in powers:
                    powers[v, e] = (Poly.lift(mapping[v]) ** e).terms
                term = _mul_terms(term, powers[v, e])
            if kept:
                term = _mul_terms(term, {tuple(kept): Fraction(1)})
            for mm, cc in term.items():  # a sum that cancels leaves (and re-enters last)
                if mm not in out:
                    out[mm] = cc
                elif out[mm] + cc:
                    out[mm] += cc
                else:
                    del out[mm]
        return _poly(out)

    def rename(self, f: Callable[[Hashable], Hashable]) -> "Poly":
        """Rename every variable by ``f``."""
        out: dict = {}
        for m, c in self.terms.items():
            new = ()
            for v, e in m:
                new = _mono_mul(new, ((f(v), e),))
            out[new] = out.get(new, Fraction(0)) + c
        return Poly(out)

    def evaluate(self, values: Mapping[Hashable, Number]) -> Number:
        """Exact value at a point (Fractions, or sympy algebraic numbers)."""
        try:
            return self._rational_value(values)
        except TypeError:  # a value that is not an int or a Fraction
            pass
        total: Number = Fraction(0)
        for m, c in self.terms.items():
            term: Number = c
            for v, e in m:
                term = term * (values[v] if e == 1 else values[v] ** e)
            total = total + term
        return total

    def _rational_value(self, values: Mapping[Hashable, Number]) -> Fraction:
        """The value at a point of ints and Fractions, in integers: the terms summed over
        the least common multiple of their denominators, reduced once at the end. Raises
        TypeError for any other kind of value."""
        num, den = 0, 1
        for m, c in self.terms.items():
            n, d = c.as_integer_ratio()
            for v, e in m:
                x = values[v]
                kind = type(x)
                if kind is Fraction:
                    xn, xd = x.as_integer_ratio()
                    if e == 1:
                        n, d = n * xn, d * xd
                    else:
                        n, d = n * xn ** e, d * xd ** e
                elif kind is int:
                    n *= x if e == 1 else x ** e
                else:
                    raise TypeError(f"not a rational: {x!r}")
            if d == den:
                num += n
            elif den % d == 0:
                num += n * (den // d)
            else:
                lcm = den // gcd(den, d) * d
                num, den = num * (lcm // den) + n * (lcm // d), lcm
        return Fraction(num, den)

    def fold(self, const: Callable[[Fraction], object], variable: Callable[[Hashable], object]):
        """Rebuild the polynomial in another algebra (used to make Z3 terms)."""
        total = None
        for m, c in self.terms.items():
            term = const(c)
            for v, e in m:
                for _ in range(e):
                    term = term * variable(v)
            total = term if total is None else total + term
        return const(Fraction(0)) if total is None else total

    def __repr__(self) -> str:
        if not self.terms:
            return "0"
        parts = []
        for m, c in sorted(self.terms.items(), key=repr):
            factors = [str(c)] if (c != 1 or not m) else []
            factors += [_var_text(v) + (f"^{e}" if e > 1 else "") for v, e in m]
            parts.append("*".join(factors))
        return " + ".join(parts)


def _var_text(v) -> str:
    if isinstance(v, tuple):
        return "_".join(str(x) for x in v)
    return str(v)


def var(*key) -> Poly:
    """The polynomial consisting of one variable with the given key."""
    return Poly({((tuple(key), 1),): 1})


# formulas -----------------------------------------------------------------

_OPS = {
    "<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0,
    ">=": lambda c: c >= 0, "==": lambda c: c == 0, "!=": lambda c: c != 0,
}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


class Formula:
    """Boolean combination of polynomial atoms."""

    def __and__(self, other: "Formula") -> "Formula":
        return And((self, other))

    def __or__(self, other: "Formula") -> "Formula":
        return Or((self, other))

    def __invert__(self) -> "Formula":
        return Not(self)

    def holds(self, values: Mapping[Hashable, Number]) -> bool:
        """Whether the formula holds when each variable takes its value in ``values``."""
        raise NotImplementedError

    def polys(self) -> list[Poly]:
        """The polynomials of its atoms, in order."""
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class Atom(Formula):
    """``poly op 0`` with op one of < <= > >= == !=."""

    poly: Poly
    op: str

    def __post_init__(self):
        if self.op not in _OPS:
            raise ValueError(f"unknown comparison {self.op!r}")

    def holds(self, values):
        """``poly op 0`` at ``values`` (exact comparison)."""
        return _OPS[self.op](compare(self.poly.evaluate(values), 0))

    def negated(self) -> "Atom":
        """The atom that holds exactly where this one fails."""
        return Atom(self.poly, _NEGATE[self.op])

    def polys(self):
        """Its one polynomial."""
        return [self.poly]

    def __repr__(self):
        return f"({self.poly} {self.op} 0)"


@dataclass(frozen=True, eq=False)
class And(Formula):
    """All of ``parts`` hold (true when there are none)."""
    parts: tuple

    def holds(self, values):
        """Every part holds at ``values``."""
        return all(p.holds(values) for p in self.parts)

    def polys(self):
        """The polynomials of every part."""
        return [q for p in self.parts for q in p.polys()]

    def __repr__(self):
        return "(" + " and ".join(map(repr, self.parts)) + ")"


@dataclass(frozen=True, eq=False)
class Or(Formula):
    """Some part of ``parts`` holds (false when there are none)."""
    parts: tuple

    def holds(self, values):
        """Some part holds at ``values``."""
        return any(p.holds(values) for p in self.parts)

    def polys(self):
        """The polynomials of every part."""
        return [q for p in self.parts for q in p.polys()]

    def __repr__(self):
        return "(" + " or ".join(map(repr, self.parts)) + ")"


@dataclass(frozen=True, eq=False)
class Not(Formula):
    """The negation of ``part``."""
    part: Formula

    def holds(self, values):
        """The part fails at ``values``."""
        return not self.part.holds(values)

    def polys(self):
        """The polynomials of the part."""
        return self.part.polys()

    def __repr__(self):
        return f"not {self.part!r}"


@dataclass(frozen=True, eq=False)
class Truth(Formula):
    """The constant formula ``value``."""
    value: bool

    def holds(self, values):
        """Its constant value."""
        return self.value

    def polys(self):
        """None: a constant has no atoms."""
        return []

    def __repr__(self):
        return str(self.value)


@dataclass(frozen=True, eq=False)
class BoolVar(Formula):
    """A named Boolean variable (an oracle answer, a branch flag) in a constraint system."""

    name: str

    def holds(self, values):
        """The Boolean value of this variable in ``values``."""
        return bool(values[self.name])

    def polys(self):
        """None: a Boolean variable has no atoms."""
        return []

    def __repr__(self):
        return self.name


# every kind of formula: each walker handles all of them or raises UnknownNode
FORMULA_KINDS = (Atom, And, Or, Not, Truth, BoolVar)


def atom_text(atom: "Atom") -> str:
    """An atom with its constant moved right: ``e + -1 <= 0`` as ``e <= 1``."""
    constant = atom.poly.terms.get((), Fraction(0))
    return f"{atom.poly - constant} {atom.op} {-constant}"


INTEGER_PREFIX = "int_"  # system variables with this prefix are integers (grid indices)


def named(name: str) -> Poly:
    """The polynomial consisting of one variable named ``name`` (an integer when the name
    starts with :data:`INTEGER_PREFIX`, else a real)."""
    return Poly({((name, 1),): 1})


def is_integer_name(name) -> bool:
    """Whether a system variable is an integer (its name starts with ``int_``)."""
    return isinstance(name, str) and name.startswith(INTEGER_PREFIX)


def conj(parts) -> Formula:
    """The conjunction of ``parts``, flattened, dropping ``True``; ``False`` absorbs."""
    out = []
    for p in parts:
        if isinstance(p, Truth):
            if not p.value:
                return Truth(False)
            continue
        out += list(p.parts) if isinstance(p, And) else [p]
    return Truth(True) if not out else out[0] if len(out) == 1 else And(tuple(out))


def disj(parts) -> Formula:
    """The disjunction of ``parts``, flattened, dropping ``False``; ``True`` absorbs."""
    out = []
    for p in parts:
        if isinstance(p, Truth):
            if p.value:
                return Truth(True)
            continue
        out += list(p.parts) if isinstance(p, Or) else [p]
    return Truth(False) if not out else out[0] if len(out) == 1 else Or(tuple(out))


def negate(f: Formula) -> Formula:
    """``not f``, pushed into atoms and constants where that is immediate."""
    if isinstance(f, Truth):
        return Truth(not f.value)
    if isinstance(f, Not):
        return f.part
    return Not(f)


def implies(a: Formula, b: Formula) -> Formula:
    """``a`` implies ``b``, as ``not a or b``."""
    return disj([negate(a), b])


def rates_meet(f: tuple, g: tuple, op: str = ">") -> Formula:
    """Some t in [0, 1] has (1 - t) f0 + t f1 op 0 and (1 - t) g0 + t g1 op 0 (op ``>`` or
    ``>=``), for ``f = (f0, f1)`` and ``g = (g0, g1)``.

    The t where one of them holds form an interval reaching 0 or 1 (or are empty), so
    they share one exactly when both hold at 0, or both at 1, or one at 0 and the other
    at 1 with f0 g1 - f1 g0 op 0 (the first's zero lies beyond the second's). By
    Helly's theorem in one dimension, rates that serve every row exist when every two
    rows meet. Source: docs/semantics.md, section "Readings".
    """
    (f0, f1), (g0, g1) = f, g

    def pos(x):
        return Atom(Poly.lift(x), op)
    return disj([conj([pos(f0), pos(g0)]), conj([pos(f1), pos(g1)]),
                 conj([pos(f0), pos(g1), pos(f0 * g1 - f1 * g0)]),
                 conj([pos(g0), pos(f1), pos(g0 * f1 - g1 * f0)])])


def some_rates(rows: list, op: str = ">") -> Formula:
    """Rates (1 - t, t), t in [0, 1], making every row (a, b) satisfy (1 - t) a + t b op 0."""
    return conj([rates_meet(f, g, op) for j, f in enumerate(rows) for g in rows[j:]])
