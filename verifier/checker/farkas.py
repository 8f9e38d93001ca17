"""Farkas certificates of unsatisfiability, and their checking, without z3.

A constraint system (formulas over real and Boolean variables) is turned into
a propositional *skeleton*: each arithmetic atom becomes a Boolean, normalised
to ``q <= 0`` or ``q < 0`` with q's first coefficient 1, so that ``p > 0``
and ``-p < 0`` share one Boolean; the formulas become clauses by the Tseitin
encoding. A *lemma* is a set of atom literals whose conjunction is
infeasible over the reals, shown by exact multipliers:

    sum_k  l_k * t_k  +  sum_(i,j) m_ij * (-t_i * t_j)  +  sum n * t_i * v   ==  c

where each literal says ``t_k <= 0`` or ``t_k < 0``, l and m are >= 0, the
third sum uses literal pairs that together say ``t_i == 0`` (any sign n, v a
variable or 1), and either c > 0, or c == 0 and some strict fact has a
positive multiplier. The left side is <= 0 (< 0 with a strict fact), the
right side is not: no real point satisfies the lemma's literals. With only
the first sum this is Farkas' lemma (Motzkin's form, for strict
inequalities); the products (degree-2 Positivstellensatz terms) refute the
bilinear cases, such as a payoff bounded through both strategies.

The system is unsatisfiable when the skeleton plus the negation of every
lemma is propositionally unsatisfiable: a SAT solver (python-sat) decides
that. Checking uses only exact Fraction arithmetic and the SAT solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pysat.solvers import Solver

from ..errors import EvidenceRejected, UnknownNode
from ..model.poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth


class CheckError(EvidenceRejected):
    """Evidence that does not check."""


def _order(m) -> tuple:
    return (len(m), repr(m))


def normalise(poly: Poly, strict: bool) -> tuple[Poly, bool, bool]:
    """``poly < 0`` (strict) or ``poly <= 0`` as (q, strict', positive) over a canonical q.

    q's first non-constant coefficient (in a fixed order) is 1; the literal
    is the atom (q, strict') when ``positive``, its negation otherwise.
    """
    first = min((m for m in poly.terms if m), key=_order)
    c = poly.terms[first]
    q = poly * Fraction(1, abs(c))
    if c > 0:
        return q, strict, True
    # poly = -|c| * (-q): poly <= 0 iff -q >= 0 iff not (-q < 0)
    return -q, not strict, False


@dataclass(frozen=True)
class Fact:
    """A literal's arithmetic meaning: ``t < 0`` (strict) or ``t <= 0``."""

    t: Poly
    strict: bool


class Skeleton:
    """The Tseitin skeleton of a list of formulas.

    ``clauses`` are lists of non-zero ints (DIMACS style); ``atoms[k]`` is
    the (q, strict) of Boolean variable ``atom_vars[k]``.
    """

    def __init__(self, formulas: list):
        self.clauses: list = []
        self.atoms: list = []
        self.atom_vars: list = []
        self._atom_index: dict = {}
        self._names: dict = {}
        self.count = 0
        for f in formulas:
            self._assert(f)

    def _fresh(self) -> int:
        self.count += 1
        return self.count

    def _assert(self, f: Formula) -> None:
        if isinstance(f, And):
            for p in f.parts:
                self._assert(p)
        elif isinstance(f, Or):
            self.clauses.append([self.literal(p) for p in f.parts])
        else:
            self.clauses.append([self.literal(f)])

    def literal(self, f: Formula) -> int:
        """A literal equivalent to ``f`` (clauses defining it are added)."""
        if isinstance(f, BoolVar):
            if f.name not in self._names:
                self._names[f.name] = self._fresh()
            return self._names[f.name]
        if isinstance(f, Not):
            return -self.literal(f.part)
        if isinstance(f, Truth):
            v = self._fresh()
            self.clauses.append([v if f.value else -v])
            return v
        if isinstance(f, Atom):
            return self._atom(f)
        if isinstance(f, (And, Or)):
            parts = [self.literal(p) for p in f.parts]
            v = self._fresh()
            sign = 1 if isinstance(f, And) else -1  # Or: v <-> or(parts) is -v <-> and(-parts)
            for p in parts:
                self.clauses.append([-sign * v, sign * p])
            self.clauses.append([sign * v] + [-sign * p for p in parts])
            return v
        raise UnknownNode(f"no skeleton for the formula {f!r}")

    def _atom(self, f: Atom) -> int:
        p, op = f.poly, f.op
        if p.is_constant():
            return self.literal(Truth(f.holds({})))
        if op == "==":
            return self.literal(And((Atom(p, "<="), Atom(-p, "<="))))
        if op == "!=":
            return -self.literal(Atom(p, "=="))
        if op in (">", ">="):
            p, op = -p, {">": "<", ">=": "<="}[op]
        q, strict, positive = normalise(p, op == "<")
        key = (tuple(sorted(q.terms.items(), key=lambda mc: _order(mc[0]))), strict)
        if key not in self._atom_index:
            self._atom_index[key] = len(self.atoms)
            self.atoms.append((q, strict))
            self.atom_vars.append(self._fresh())
        v = self.atom_vars[self._atom_index[key]]
        return v if positive else -v

    def fact(self, literal: int) -> Fact:
        """The arithmetic meaning of an atom literal."""
        try:
            k = self.atom_vars.index(abs(literal))
        except ValueError:
            raise CheckError(f"literal {literal} is not an arithmetic atom") from None
        q, strict = self.atoms[k]
        return Fact(q, strict) if literal > 0 else Fact(-q, not strict)


def combination(facts: list[Fact], lemma: dict) -> tuple[Poly, bool]:
    """The polynomial sum a lemma's multipliers build, and whether it is strict.

    Rows (multiplier last): ``linear`` [i, l]: l * t_i; ``products`` [i, j, ..., m] (two
    or more facts): -m * (-t_i)(-t_j)..., as each -t is >= 0; ``squares`` [s, i, ..., m]:
    -m * s^2 * (-t_i)... for a polynomial s times none or more facts; ``equalities``
    [i, j, v, n]: n * t_i * v for literals i, j that together say t_i == 0 and v None
    (1), a variable or a list of variables (their product). l and m must be >= 0; n may
    have any sign.
    """
    total, strict = Poly(), False
    for i, l in lemma.get("linear", []):
        if l < 0:
            raise CheckError(f"linear multiplier {l} is negative")
        total = total + l * facts[i].t
        strict |= l > 0 and facts[i].strict
    for row in lemma.get("products", []):
        *indices, m = row
        if m < 0:
            raise CheckError(f"product multiplier {m} is negative")
        product = Poly.const(-m)
        for i in indices:
            product = _times(product, -facts[i].t)
        total = total + product
        strict |= m > 0 and all(facts[i].strict for i in indices)
    for s, *indices, m in lemma.get("squares", []):
        if m < 0:
            raise CheckError(f"square multiplier {m} is negative")
        product = Poly.const(-m) * _times(s, s)
        for i in indices:
            product = _times(product, -facts[i].t)
        total = total + product
    for i, j, v, n in lemma.get("equalities", []):
        if facts[i].strict or facts[j].strict or facts[i].t + facts[j].t != Poly():
            raise CheckError(f"literals {i} and {j} do not say t == 0")
        total = total + n * facts[i].t * monomial(v)
    return total, strict


MAX_TERMS = 100_000  # terms of one product a lemma may build: bounded time and memory


def _times(a: Poly, b: Poly) -> Poly:
    if len(a.terms) * len(b.terms) > MAX_TERMS:
        raise CheckError(f"a product of {len(a.terms)} and {len(b.terms)} terms is beyond "
                         f"the checker's limit of {MAX_TERMS}")
    return a * b


def monomial(v) -> Poly:
    """1 for None, the variable for a name, the product of the variables for a list."""
    names = [] if v is None else [v] if isinstance(v, str) else v
    out = Poly.const(1)
    for name in names:
        out = out * Poly({((name, 1),): 1})
    return out


def check_lemma(facts: list[Fact], lemma: dict) -> None:
    """Raise CheckError unless the multipliers refute the facts."""
    total, strict = combination(facts, lemma)
    if not total.is_constant():
        raise CheckError(f"the combination is not constant: {total}")
    c = total.constant_value()
    if not (c > 0 or (c == 0 and strict)):
        raise CheckError(f"the combination gives {c} "
                         f"{'< 0' if strict else '<= 0'}, which is no contradiction")


def propositionally_unsat(clauses: list) -> bool:
    """True when the clauses have no model (CaDiCaL through python-sat)."""
    with Solver(name="cadical153", bootstrap_with=clauses) as sat:
        return not sat.solve()
