"""Symbolic parameters: exact expressions in named symbols, and parameter regions.

A parameter (eps, delta, min, ...) may be a *symbol*: a name made of letters
(``e``, ``d``, ``eps``), so that it never collides with the compiler's
variables, which all contain a digit or an underscore. Expressions such as
``e/100`` or ``1 - 2*e`` are read by a small parser of our own (numbers,
symbols, ``+ - * / ^`` and parentheses; division by numbers only): nothing
is evaluated, so certificates can carry them as data.

A :class:`Region` is a list of assumptions over the symbols, written as
comparison chains: ``"0 < d <= e/100, e <= 1/10"``.

>>> parse_expression("e/100 + 1")
1/100*e + 1
>>> parse_expression("2/4")
Fraction(1, 2)
>>> r = parse_region("0<d<=e/100, e <= 1/10")
>>> r.text, r.symbols
('0 < d <= e/100, e <= 1/10', ('d', 'e'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from math import comb

from ..errors import InputError
from .poly import Atom, Formula, Poly, named

SYMBOL = re.compile(r"[A-Za-z]+\Z")
MAX_TEXT = 10_000
MAX_DEPTH = 100  # nested parentheses and signs
MAX_DEGREE = 64  # of any polynomial built
MAX_TERMS = 2_000  # monomials of any polynomial built
_TOKEN = re.compile(r"\s*(?:([0-9]+(?:\.[0-9]+)?)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|[-+*/^()<>=,]))")
_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "=": "=="}


class ParameterError(InputError):
    """An expression or a region that cannot be read."""


def is_symbol(name) -> bool:
    """True for a parameter symbol's name (letters only)."""
    return isinstance(name, str) and bool(SYMBOL.match(name))


def symbols_of(poly: Poly) -> set:
    """The parameter symbols a polynomial uses."""
    return {v for v in poly.variables() if is_symbol(v)}


def _tokens(text: str) -> list:
    if len(text) > MAX_TEXT:
        raise ParameterError(f"expression longer than {MAX_TEXT} characters")
    out, pos, text = [], 0, text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ParameterError(f"cannot read {text[pos:pos + 20]!r} in {text!r}")
        number, name, op = m.groups()
        if name is not None and not is_symbol(name):
            raise ParameterError(f"{name!r} is not a parameter name (letters only) in {text!r}")
        out.append(("num", number) if number else ("sym", name) if name else ("op", op))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent over: sum := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
    unary := '-' unary | power; power := atom ('^' integer)?; atom := number | symbol |
    '(' sum ')'. A power binds tighter than a minus sign: -e^2 is -(e^2).

    Values are fractions of polynomials (numerator, denominator)."""

    def __init__(self, text: str, env: dict):
        self.text, self.env = text, env
        self.toks, self.i = _tokens(text), 0
        self.depth = 0

    def _size(self, degree: int, terms: int) -> None:
        """Refuse, before computing it, a polynomial too large for a parameter."""
        if degree > MAX_DEGREE or terms > MAX_TERMS:
            raise ParameterError(f"expression too large (degree {degree}, up to {terms} terms; "
                                 f"limits {MAX_DEGREE} and {MAX_TERMS}) in {self.text[:80]!r}")

    def _product(self, a: Poly, b: Poly) -> Poly:
        self._size(_degree(a) + _degree(b), len(a.terms) * len(b.terms))
        return a * b

    def _nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParameterError(f"expression nested deeper than {MAX_DEPTH} in {self.text[:80]!r}")

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, op=None):
        tok = self.peek()
        if tok[0] is None or (op is not None and tok != ("op", op)):
            want = f"{op!r}" if op else "more"
            raise ParameterError(f"expected {want} in {self.text!r}")
        self.i += 1
        return tok

    def sum(self) -> tuple:
        n, d = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            sign = 1 if self.take()[1] == "+" else -1
            n2, d2 = self.term()
            n, d = self._product(n, d2) + sign * self._product(n2, d), self._product(d, d2)
        return n, d

    def term(self) -> tuple:
        n, d = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            n2, d2 = self.unary()
            if op == "*":
                n, d = self._product(n, n2), self._product(d, d2)
            elif n2 == Poly():
                raise ParameterError(f"division by zero in {self.text[:80]!r}")
            else:
                n, d = self._product(n, d2), self._product(d, n2)
        return n, d

    def power(self) -> tuple:
        n, d = self.atom()
        if self.peek() == ("op", "^"):
            self.take()
            kind, value = self.take()
            if kind != "num" or "." in value or int(value) > MAX_DEGREE:
                raise ParameterError(f"exponents are integers up to {MAX_DEGREE} in "
                                     f"{self.text[:80]!r}")
            k = int(value)
            for p in (n, d):
                v = max(1, len(p.variables()))
                self._size(_degree(p) * k, comb(_degree(p) * k + v, v) if len(p.terms) > 1 else 1)
            n, d = n ** k, d ** k
        return n, d

    def unary(self) -> tuple:
        self._nested()
        try:
            return self._unary()
        finally:
            self.depth -= 1

    def _unary(self) -> tuple:
        if self.peek() == ("op", "-"):
            self.take()
            n, d = self.unary()
            return -n, d
        return self.power()

    def atom(self) -> tuple:
        kind, value = self.take()
        one = Poly.const(1)
        if kind == "num":
            return Poly.const(Fraction(value)), one
        if kind == "sym":
            return (Poly.const(self.env[value]) if value in self.env else named(value)), one
        if value == "(":
            inner = self.sum()
            self.take(")")
            return inner
        raise ParameterError(f"unexpected {value!r} in {self.text!r}")

    def parse(self) -> tuple:
        value = self.sum()
        if self.i != len(self.toks):
            raise ParameterError(f"unexpected {self.peek()[1]!r} in {self.text!r}")
        return value


def _degree(p: Poly) -> int:
    return p.degree_in(lambda v: True)


def parse_ratio(text: str, env: dict | None = None) -> tuple[Poly, Poly]:
    """A fraction of polynomials in symbols, as (numerator, denominator).

    >>> parse_ratio("3*d*(10 + 3*d)/(4 + 6*d)")
    (30*d + 9*d^2, 6*d + 4)
    """
    n, d = _Parser(str(text), env or {}).parse()
    if d.is_constant():
        return n / d.constant_value(), Poly.const(1)
    return n, d


def parse_expression(text: str, env: dict | None = None) -> Fraction | Poly:
    """A number (Fraction) or a polynomial in symbols; symbols in ``env`` take its values."""
    n, d = parse_ratio(text, env)
    if not d.is_constant():
        raise ParameterError(f"{text!r}: divide only by numbers here")
    return n.constant_value() if n.is_constant() else n


@dataclass(frozen=True)
class Region:
    """Assumptions on parameter symbols: ``text`` as written (normalised) and its atoms."""

    text: str
    atoms: tuple

    @property
    def symbols(self) -> tuple:
        """The parameter symbols the region constrains, sorted."""
        return tuple(sorted(set().union(*(symbols_of(a.poly) for a in self.atoms))))

    @property
    def formulas(self) -> list[Formula]:
        """The region as a list of atoms (all must hold)."""
        return list(self.atoms)

    def contains(self, values: dict) -> bool:
        """Whether exact parameter values satisfy every assumption."""
        return all(a.holds(values) for a in self.atoms)

    def pinned(self) -> dict:
        """The values its equalities of degree one in one symbol fix (``S = 1/2``,
        ``2*e = 1``; not ``d = e/100``, in two): {symbol: Fraction}."""
        out = {}
        for atom in self.atoms:
            names = atom.poly.variables()
            if atom.op == "==" and len(names) == 1:
                name = next(iter(names))
                if atom.poly.degree_in(lambda v: v == name) == 1:
                    zero, one = atom.poly.evaluate({name: 0}), atom.poly.evaluate({name: 1})
                    out[name] = Fraction(-zero) / (one - zero)
        return out


def parse_region(text: str) -> Region:
    """A region from comma-separated comparison chains such as ``"0 < d <= e/100, e <= 1/10"``."""
    if not text or not text.strip():
        raise ParameterError("the assumptions are empty")
    atoms, parts = [], []
    for chain in _split_top(text):
        pieces = re.split(r"(<=|>=|==|<|>|=)", chain)
        sides, ops = pieces[0::2], pieces[1::2]
        if not ops:
            raise ParameterError(f"{chain.strip()!r} is not a comparison (use <, <=, >, >=, =)")
        values = [Poly.lift(parse_expression(s)) for s in sides]
        for (left, right), op in zip(zip(values, values[1:]), ops):
            atoms.append(Atom(left - right, _OPS[op]))
        parts.append(" ".join(x for pair in zip(sides, ops + [""]) for x in
                              (pair[0].strip(), pair[1]) if x))
    return Region(", ".join(parts), tuple(atoms))


def _split_top(text: str) -> list:
    """Split on commas outside parentheses."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    if any(not part.strip() for part in out):
        raise ParameterError(f"empty assumption in {text!r}")
    return out
