"""Lemmas at a tangency whose point is irrational: multipliers found in the quadratic field
of a pinned value, written back as rational rows the checker takes.

At a tight optimum that is a root w* of a quadratic (``q(w) == 0`` with an isolating
interval ``lo <= w <= hi`` among the facts), the multipliers that refute "beyond the
optimum" lie in the field Q(w*), and a rational LP can only reach them through products
with the interval's ends, with multipliers of the order 1/(hi - lo): too large for a
floating-point guess. :func:`field_multipliers` substitutes w = w* instead, finds the
multipliers in Q(w*) (a floating-point LP guesses the support, exact elimination over the
field solves on it) and lifts each, mu = a + b*w*, to the polynomial a + b*w, written as
a nonnegative combination of (w - lo) and (hi - w), which are facts. What is left over
vanishes at w = w*, so it is q(w) times a polynomial H, which the equality q == 0 cancels.
The result is an ordinary Positivstellensatz lemma: :func:`verifier.checker.farkas.check_lemma`
checks it with rational arithmetic alone (docs/references.md [stengle1974]).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from ..checker.farkas import CheckError, Fact, check_lemma, combination
from ..checker.format import MAX_PRODUCT
from ..model.poly import Poly, named
from .multipliers import float_support, lp_pieces, solve_exactly


@dataclass(frozen=True)
class _Field:
    """Q(w*) for w* the root of w^2 + p*w + r in [lo, hi] (the only one there)."""

    p: Fraction
    r: Fraction
    lo: Fraction
    hi: Fraction


class _Number:
    """a + b*w* in a :class:`_Field`; its sign is decided exactly from the interval."""

    __slots__ = ("a", "b", "field")

    def __init__(self, a, b, field: _Field):
        self.a, self.b, self.field = Fraction(a), Fraction(b), field

    def _lift(self, other) -> "_Number":
        return other if isinstance(other, _Number) else _Number(other, 0, self.field)

    def __add__(self, other):
        other = self._lift(other)
        return _Number(self.a + other.a, self.b + other.b, self.field)

    def __sub__(self, other):
        other = self._lift(other)
        return _Number(self.a - other.a, self.b - other.b, self.field)

    def __neg__(self):
        return _Number(-self.a, -self.b, self.field)

    def __mul__(self, other):
        other, f = self._lift(other), self.field
        bb = self.b * other.b  # w*^2 = -p*w* - r
        return _Number(self.a * other.a - bb * f.r,
                       self.a * other.b + self.b * other.a - bb * f.p, f)

    def __truediv__(self, other):
        other, f = self._lift(other), self.field
        norm = other.a * other.a - other.a * other.b * f.p + other.b * other.b * f.r
        if norm == 0:
            raise ZeroDivisionError("division by zero in a quadratic field")
        conjugate = _Number((other.a - other.b * f.p) / norm, -other.b / norm, f)
        return self * conjugate

    def __bool__(self) -> bool:
        return bool(self.a) or bool(self.b)

    def at(self, x: Fraction) -> Fraction:
        """a + b*x."""
        return self.a + self.b * x

    def __lt__(self, other) -> bool:
        d = self - self._lift(other)
        if d.b == 0:
            return d.a < 0
        ends = (d.at(d.field.lo), d.at(d.field.hi))
        if min(ends) >= 0:
            return False  # >= 0 on [lo, hi]; w* irrational, so a zero at an end is not w*
        if max(ends) <= 0:
            return True
        raise _Undecided  # a root of d inside [lo, hi]: never for an isolating interval


class _Undecided(Exception):
    """The sign of a field number needs a narrower interval than the facts give."""


def _pins(facts: list[Fact], w: str):
    """(index of a fact q <= 0 and of its opposite -q <= 0, q quadratic in w alone; index of
    the tightest lower end of w, of the tightest upper end), or None when one is missing."""
    eq, lower, upper = [], [], []
    for i, f in enumerate(facts):
        if f.t.variables() != {w}:
            continue
        degree = f.t.degree_in(lambda v: True)
        if degree == 2 and not f.strict:
            eq.append(i)
        elif degree == 1:
            (lower if f.t.terms[((w, 1),)] < 0 else upper).append(i)
    pair = [(i, j) for i, j in itertools.combinations(eq, 2)
            if facts[i].t + facts[j].t == Poly()]
    if not pair or not lower or not upper:
        return None
    return pair[0], max(lower, key=lambda i: _end(facts[i], w)), \
        min(upper, key=lambda i: _end(facts[i], w))


def _near_root(q: Poly, w: str, lo: Fraction, hi: Fraction) -> Fraction:
    """A rational within 2^-100 of q's root in [lo, hi] (bisection; a guide for the
    floating-point LP only)."""
    def at(x):
        return sum(c * x ** dict(m).get(w, 0) for m, c in q.terms.items())
    sign = at(lo) > 0
    while hi - lo > Fraction(1, 2 ** 100):
        mid = (lo + hi) / 2
        if (at(mid) > 0) == sign:
            lo = mid
        else:
            hi = mid
    return Fraction(round(lo * 2 ** 100), 2 ** 100)


def _end(fact: Fact, w: str) -> Fraction:
    """The end of w's interval that a fact a*w + b <= 0 states: -b/a."""
    return -fact.t.terms.get((), 0) / fact.t.terms[((w, 1),)]


def field_multipliers(facts: list[Fact], centre: dict, w: str, degree: int,
                      seconds: float | None = None) -> dict | None:
    """A lemma refuting ``facts`` at a tangency in Q(w*) (the module's method), as
    multiplier rows over ``facts`` (``linear``, ``products``, ``squares``,
    ``equalities``), checked with :func:`check_lemma` before it is returned; None when
    the facts do not pin w to a root of a quadratic, or no such lemma of this ``degree``
    (products of up to that many facts, squares about ``centre``) is found; ``seconds``
    bounds the floating-point LP.
    ``centre``: {x: Poly in w}, the touching point
    (:func:`~verifier.evidence.multipliers.touching_point`). A lifted lemma that does not
    check (a search miss, never written) gives None too."""
    pins = _pins(facts, w)
    if pins is None:
        return None
    (iq, jq), ilo, ihi = pins
    q = facts[iq].t
    c2, c1, c0 = (q.terms.get(((w, 2),), 0), q.terms.get(((w, 1),), 0), q.terms.get((), 0))
    field = _Field(Fraction(c1, 1) / c2, Fraction(c0, 1) / c2, _end(facts[ilo], w),
                   _end(facts[ihi], w))
    body = [i for i, f in enumerate(facts) if f.t.variables() != {w}]
    pieces = lp_pieces(facts, body, degree, centre)
    root = _Number(0, 1, field)
    powers = [_Number(1, 0, field)]
    for _ in range(1 + max(p.degree_in(lambda v: v == w) for _, _, p, _, _ in pieces)):
        powers.append(powers[-1] * root)
    columns = [_at_root(p, w, powers) for _, _, p, _, _ in pieces]
    guess = _near_root(q, w, field.lo, field.hi)
    approximate = [(kind, key, _substitute(p, w, guess), strict, nonnegative)
                   for kind, key, p, strict, nonnegative in pieces]
    support = float_support(approximate, seconds)
    if support is None:
        return None
    try:
        value = solve_exactly([columns[k] for k in support],
                              [pieces[k][3] for k in support],
                              [pieces[k][4] for k in support], powers[0])
        lemma = None if value is None else \
            _lift([pieces[k] for k in support], value, facts, w, field, (iq, jq, q),
                  (ilo, ihi))
        if lemma is None:
            return None
        check_lemma(facts, lemma)
    except (_Undecided, ZeroDivisionError):
        return None
    except CheckError:  # e.g. the constant left at an end of the interval is negative
        return None
    return lemma


def _split_power(m: tuple, w: str) -> tuple[tuple, int]:
    e = dict(m).get(w, 0)
    return tuple((x, k) for x, k in m if x != w), e


def _at_root(p: Poly, w: str, powers: list) -> dict:
    """The polynomial with w = w*: {monomial without w: field number}."""
    out: dict = {}
    for m, c in p.terms.items():
        rest, e = _split_power(m, w)
        out[rest] = out.get(rest, powers[0] - powers[0]) + powers[e] * c
    return {m: c for m, c in out.items() if c}


def _substitute(p: Poly, w: str, x: Fraction) -> Poly:
    out: dict = {}
    for m, c in p.terms.items():
        rest, e = _split_power(m, w)
        out[rest] = out.get(rest, 0) + c * x ** e
    return Poly(out)


def _lift(pieces: list, value: list, facts: list[Fact], w: str, field: _Field,
          equality: tuple, ends: tuple) -> dict | None:
    """Rational rows for multipliers in the field: mu = a + b*w* becomes mu(w) = g + A*(w -
    lo) + B*(hi - w) (g = the least of mu(lo), mu(hi), kept on the piece itself so that a
    strict piece stays strict); the rest, which vanishes at w*, is q(w) times H, cancelled
    by the equality rows; a constant c(w) = c0 + c1*w left over goes to c(lo) or c(hi)
    with the interval's ends."""
    ilo, ihi = ends
    iq, jq, q = equality
    width = field.hi - field.lo
    rows: dict = {}
    for (kind, key, _, _, _), mu in zip(pieces, value):
        if not mu:
            continue
        if kind == "equalities":
            i, j, v = key
            names = [] if v is None else [v] if isinstance(v, str) else list(v)
            rows.setdefault(kind, []).append([i, j, v, mu.a])
            if mu.b:
                rows[kind].append([i, j, names + [w] if names else w, mu.b])
            continue
        at_lo, at_hi = mu.at(field.lo), mu.at(field.hi)
        g = min(at_lo, at_hi)
        if g < 0:
            return None
        head = list(key)
        if g:
            rows.setdefault(kind, []).append(head + [g])
        for end, weight in ((ilo, at_hi - g), (ihi, at_lo - g)):
            if weight:  # (w - lo) * (mu(hi) - g)/width + (hi - w) * (mu(lo) - g)/width
                kind_out = "squares" if kind == "squares" else "products"
                rows.setdefault(kind_out, []).append(head + [end, weight / width])
    total, _ = combination(facts, rows)
    quotient, remainder = _divide(total, q, w)
    if remainder.degree_in(lambda v: True) > 1 or remainder.variables() - {w}:
        return None  # not constant after the equality: the field solution was not exact
    for m, h in quotient.terms.items():  # the fact iq is q itself
        names = [x for x, e in m for _ in range(e)]
        if len(names) >= MAX_PRODUCT:
            return None  # beyond what the checker reads (decode_lemma)
        v = None if not names else names[0] if len(names) == 1 else names
        rows.setdefault("equalities", []).append([iq, jq, v, -h])
    c1 = remainder.terms.get(((w, 1),), 0)
    if c1 > 0:
        rows.setdefault("linear", []).append([ilo, c1 / -facts[ilo].t.terms[((w, 1),)]])
    elif c1 < 0:
        rows.setdefault("linear", []).append([ihi, -c1 / facts[ihi].t.terms[((w, 1),)]])
    return rows


def _divide(p: Poly, q: Poly, w: str) -> tuple[Poly, Poly]:
    """p = q * quotient + remainder, dividing as polynomials in w (q of degree 2 in w
    alone), the remainder of degree below 2 in w."""
    lead = q.terms[((w, 2),)]
    quotient, rest = Poly(), p
    while True:
        step = Poly()
        for m, c in rest.terms.items():
            others, e = _split_power(m, w)
            if e >= 2:
                step = step + Poly({others: c / lead}) * named(w) ** (e - 2)
        if not step.terms:
            return quotient, rest
        quotient = quotient + step
        rest = rest - step * q
