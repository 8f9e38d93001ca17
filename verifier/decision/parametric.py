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

from ..errors import EvidenceRejected
from ..model.params import ParameterError, parse_expression, parse_ratio
from ..model.poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, conj, named

MAX_EQUATIONS = 400
AUX = "sqrt_w"  # the auxiliary square root's name: no parameter or system variable has it


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
        return sign(f.poly) in _OPS[f.op]

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

    for f in formulas:
        visit(f)
    return out


_OPS = {"<": {-1}, "<=": {-1, 0}, ">": {1}, ">=": {1, 0}, "==": {0}, "!=": {-1, 1}}
TOLERANCE = sympy.Float("1e-40")


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
    exprs = [_sympy(e, symbols) for e in equations]
    used = set().union(*(e.free_symbols for e in exprs))
    # unknowns with a natural value last: sympy leaves the last ones free
    wanted = [symbols[n] for n in sorted(unknowns, key=lambda n: n in natural)
              if symbols[n] in used]
    at_model = {symbols[n]: _number(values[n]) for n in unknowns + parameters}
    root = None if aux is None else (symbols[aux[0]], _sympy(aux[1], symbols))
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
            return _sympy(natural[name], symbols).subs(solution)
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


def ratio_text(num: Poly, den: Poly, aux: tuple | None = None) -> str:
    """A fraction of polynomials as short text (sympy-simplified): ``3*d/(3*d + 2)``;
    with ``aux`` = (w, R), w is written sqrt(R)."""
    symbols: dict = {}
    expr = sympy.factor(sympy.cancel(_sympy(num, symbols) / _sympy(den, symbols)))
    if aux is not None and aux[0] in symbols:
        expr = expr.subs(symbols[aux[0]], sympy.sqrt(sympy.factor(_sympy(aux[1], symbols))))
    return str(expr)


class FamilyShapeError(EvidenceRejected):
    """A family of fixed points that is not of the shape :func:`family_problems` states:
    a candidate the search discards, or a certificate's family the checker rejects."""


def _check_family(system, terms: dict, aux) -> None:
    """A family gives every system variable a term in the parameters (and w) only."""
    symbols = set().union(*(p.symbols for p in system.programs))
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
        return ratio_text(self.num, self.den)

    @property
    def polys(self) -> tuple:
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
        return (self.a, self.b, self.c)

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
        if op not in ("<", ">"):
            raise ValueError(f"compare with a root by <, > or ==, not {op!r}")
        below = op == "<"  # term < root: smaller root: t < 0 and t^2 > D
        if below == self.larger:
            return Or((s * t < 0, Atom(square - d, "<")))
        return conj([s * t > 0, Atom(square - d, ">")])

    def to_json(self) -> dict:
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
