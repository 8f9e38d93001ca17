"""Constraint systems as SMT-LIB 2 text (QF_NRA; QF_NIRA with grid indices), without z3.

The text is what certificates store and what other solvers (Yices, cvc5)
read; the checker rebuilds the system and prints it again with this module to
compare. Variables are declared in order of first appearance.

>>> from fractions import Fraction
>>> from verifier.model.poly import named, BoolVar, implies
>>> x = named("x")
>>> print(smtlib([implies(BoolVar("b"), 3 * x * x - x * Fraction(1, 2) < 1)]), end="")
(set-logic QF_NRA)
(declare-fun b () Bool)
(declare-fun x () Real)
(assert (or (not b) (< (+ (- 1.0) (* (- (/ 1.0 2.0)) x) (* 3.0 x x)) 0.0)))
(check-sat)
(exit)
"""

from __future__ import annotations

from fractions import Fraction

from ..errors import UnknownNode
from ..model.poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, is_integer_name


def number(c: Fraction) -> str:
    """An exact rational as an SMT-LIB real term."""
    c = Fraction(c)
    if c < 0:
        return f"(- {number(-c)})"
    if c.denominator == 1:
        return f"{c.numerator}.0"
    return f"(/ {c.numerator}.0 {c.denominator}.0)"


def term(poly: Poly) -> str:
    """A polynomial over named variables as an SMT-LIB term (monomials in a fixed order)."""
    parts = []
    for monomial, c in sorted(poly.terms.items(), key=lambda mc: (len(mc[0]), repr(mc[0]))):
        factors = [] if c == 1 and monomial else [number(c)]
        factors += [f"(to_real {v})" if is_integer_name(v) else str(v)
                    for v, e in monomial for _ in range(e)]
        parts.append(factors[0] if len(factors) == 1 else "(* " + " ".join(factors) + ")")
    if not parts:
        return "0.0"
    return parts[0] if len(parts) == 1 else "(+ " + " ".join(parts) + ")"


_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "="}


def formula(f: Formula) -> str:
    """A formula as SMT-LIB 2 text; raises UnknownNode on a kind it does not handle."""
    if isinstance(f, Atom):
        if f.op == "!=":
            return f"(not (= {term(f.poly)} 0.0))"
        return f"({_OPS[f.op]} {term(f.poly)} 0.0)"
    if isinstance(f, BoolVar):
        return f.name
    if isinstance(f, (And, Or)):
        if not f.parts:
            return "true" if isinstance(f, And) else "false"
        if len(f.parts) == 1:
            return formula(f.parts[0])
        word = "and" if isinstance(f, And) else "or"
        return f"({word} " + " ".join(formula(p) for p in f.parts) + ")"
    if isinstance(f, Not):
        return f"(not {formula(f.part)})"
    if isinstance(f, Truth):
        return "true" if f.value else "false"
    raise UnknownNode(f"no SMT-LIB text for the formula {f!r}")


def declarations(formulas: list) -> list[str]:
    """``declare-fun`` lines for every variable, in order of first appearance."""
    seen: dict = {}

    def walk(f):
        if isinstance(f, Atom):
            for monomial in sorted(f.poly.terms, key=lambda m: (len(m), repr(m))):
                for v, _ in monomial:
                    seen.setdefault(v, "Int" if is_integer_name(v) else "Real")
        elif isinstance(f, BoolVar):
            seen.setdefault(f.name, "Bool")
        elif isinstance(f, (And, Or)):
            for p in f.parts:
                walk(p)
        elif isinstance(f, Not):
            walk(f.part)

    for f in formulas:
        walk(f)
    return [f"(declare-fun {name} () {sort})" for name, sort in seen.items()]


def smtlib(formulas: list, comments: tuple = ()) -> str:
    """The SMT-LIB 2 script asserting every formula and asking check-sat."""
    declared = declarations(formulas)
    logic = "QF_NIRA" if any(d.endswith(" Int)") for d in declared) else "QF_NRA"
    lines = [f"; {c}" for c in comments] + [f"(set-logic {logic})"]
    lines += declared
    lines += [f"(assert {formula(f)})" for f in formulas]
    lines += ["(check-sat)", "(exit)"]
    return "\n".join(lines) + "\n"
