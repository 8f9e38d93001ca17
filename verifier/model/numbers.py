"""Exact numbers: parsing user input, exact signs, and printing.

Every number the verifier reasons with is either a ``fractions.Fraction`` or,
for irrational fixed points, an exact real algebraic number represented by a
sympy expression (a ``CRootOf`` or an expression built from one). Floats never
enter a verdict: a float given by a user is accepted only when it is exactly
the rational it looks like (0.5, 0.25), and refused otherwise (0.1) unless the
caller asks to rationalize it to the shortest decimal it prints as.
"""

from __future__ import annotations

import re
import sys
from math import isqrt
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Union

from ..errors import InputError

if TYPE_CHECKING:
    import sympy

Number = Union[Fraction, "sympy.Expr"]  # sympy is imported where an algebraic number needs it

_RATIONAL = re.compile(r"^\s*([+-]?\d+)(?:\s*/\s*(\d+))?\s*$")
_DECIMAL = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


class InexactNumberError(InputError):
    """A number was given that is not exactly a rational we can read."""


MAX_DIGITS = 400  # longest number text, and largest decimal exponent, that input may use


def exact(value, rationalize: bool = False) -> Fraction:
    """Read ``value`` as an exact rational.

    Accepts ints, Fractions, sympy Rationals, strings such as ``"1/3"``,
    ``"0.1"`` or ``"2e-3"`` (decimal strings are exact), and floats whose
    binary value is short, such as 0.5. A float such as 0.1 is refused,
    because its binary value is not 1/10, unless ``rationalize`` is true.

    >>> exact("1/3"), exact(0.5), exact("0.1")
    (Fraction(1, 3), Fraction(1, 2), Fraction(1, 10))
    >>> exact(0.1)
    Traceback (most recent call last):
    ...
    verifier.model.numbers.InexactNumberError: 0.1 is a float that is not exactly 1/10; write "1/10" or ask to rationalize
    >>> exact(0.1, rationalize=True)
    Fraction(1, 10)
    """
    if isinstance(value, bool):
        raise InexactNumberError(f"{value!r} is a boolean, not a number")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if _is_sympy(value, "Rational"):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InexactNumberError(f"{value!r} is not a finite number")
        shortest = Fraction(Decimal(repr(value)))
        if Fraction(value) == shortest or rationalize:
            return shortest
        raise InexactNumberError(
            f"{value!r} is a float that is not exactly {shortest}; "
            f'write "{shortest}" or ask to rationalize')
    if isinstance(value, str):
        if len(value) > MAX_DIGITS:
            raise InexactNumberError(f"a number of {len(value)} characters is too long "
                                     f"(at most {MAX_DIGITS})")
        match = _RATIONAL.match(value)
        if match:
            num, den = match.group(1), match.group(2)
            if den is not None and int(den) == 0:
                raise InexactNumberError(f"{value!r}: division by zero")
            return Fraction(int(num), int(den) if den else 1)
        if _DECIMAL.match(value):
            number = Decimal(value.strip())
            if abs(number.as_tuple().exponent) > MAX_DIGITS:
                raise InexactNumberError(f"{value!r}: an exponent beyond {MAX_DIGITS} is too "
                                         f"large")
            return Fraction(number)
        raise InexactNumberError(f"{value!r} is not a number (use forms like 3, -1/3, 0.25)")
    raise InexactNumberError(f"{value!r} of type {type(value).__name__} is not an exact number")


def _is_sympy(value, kind: str) -> bool:
    """Whether ``value`` is a sympy object of class ``kind``, without importing sympy: a
    sympy object exists only once sympy was imported (keeps start-up light)."""
    sympy = sys.modules.get("sympy")
    return sympy is not None and isinstance(value, getattr(sympy, kind))


def to_sympy(x: Number) -> "sympy.Expr":
    """The same number as a sympy expression."""
    import sympy
    if isinstance(x, (int, Fraction)):
        return sympy.Rational(Fraction(x).numerator, Fraction(x).denominator)
    return x


def simplify_number(x: Number) -> Number:
    """Return a Fraction when ``x`` is rational, else ``x`` unchanged."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if _is_sympy(x, "Basic") and x.is_Rational:
        return Fraction(int(x.p), int(x.q))
    return x


def sign(x: Number) -> int:
    """Exact sign (-1, 0, 1) of a rational or real algebraic number.

    For algebraic numbers, a sign is first read from an exact rational interval around the
    value (:func:`_separated_sign`) when it excludes zero. Otherwise zero is decided
    exactly: when every root in ``x`` is one of a quadratic, by writing them with square
    roots and expanding (a numerator that expands to 0 over a denominator that does not
    vanish proves zero); else by the minimal polynomial (exact, far slower); a nonzero
    value's interval is then narrowed until it excludes zero. Raises ZeroDivisionError
    when ``x`` divides by zero.
    """
    x = simplify_number(x)
    if isinstance(x, Fraction):
        return (x > 0) - (x < 0)
    import sympy
    expr = sympy.nsimplify(x) if not isinstance(x, sympy.Basic) else x
    for divisor in (p.base for p in expr.atoms(sympy.Pow) if p.exp.is_negative):
        if not _separated_sign(divisor, 30, numeric=False) and sign(divisor) == 0:
            raise ZeroDivisionError(f"{expr} divides by {divisor}, which is zero")
    separated = _separated_sign(expr, 30, numeric=False)  # zero is never decided by floats
    if separated:
        return separated
    if _zero_by_radicals(expr):
        return 0
    t = sympy.Dummy("t")
    if sympy.minimal_polynomial(expr, t, polys=True).as_expr() == t:
        return 0
    prec = 30
    while prec < 5000:
        separated = _separated_sign(expr, prec, numeric=True)  # x is not zero (above)
        if separated:
            return separated
        prec *= 2
    raise ArithmeticError(f"cannot decide the sign of {expr}")


def _zero_by_radicals(expr) -> bool:
    """True when ``expr`` is shown to be zero by writing each root of a quadratic in it
    with a square root: over one denominator, the numerator expands to 0 and the
    denominator's value is clearly away from zero. False proves nothing (sympy does not
    always reduce a square root to its square-free part, so a zero may not expand to 0)."""
    import sympy
    roots = expr.atoms(sympy.CRootOf)
    if not roots or any(r.poly.degree() != 2 for r in roots):
        return False
    radicals = {}
    for r in roots:
        a, b, c = r.poly.all_coeffs()
        if b * b - 4 * a * c < 0:
            return False
        minus, plus = ((-b - sympy.sqrt(b * b - 4 * a * c)) / (2 * a),
                       (-b + sympy.sqrt(b * b - 4 * a * c)) / (2 * a))
        low, high = (minus, plus) if a > 0 else (plus, minus)  # exactly: sqrt(...) >= 0
        radicals[r] = (low, high)[r.index]
    numerator, denominator = sympy.fraction(sympy.together(expr.xreplace(radicals)))
    if sympy.expand(numerator) != 0 or denominator.has(sympy.zoo, sympy.nan):
        return False
    return _separated_sign(denominator, 30, numeric=False) != 0


def _separated_sign(expr, digits: int, numeric: bool) -> int:
    """The sign of ``expr`` when an exact rational interval around its value, computed with
    every root and square root enclosed within 10**-digits, excludes zero; else 0
    (undecided). No floating point: a root is enclosed by sympy's interval refinement
    (``CRootOf.eval_rational``), the rest in Fractions. Expressions of other kinds (not
    sums, products, integer powers, square roots of rationals, rationals and real roots)
    are undecided, unless ``numeric``: then (only for a number already proven nonzero)
    evalf with a margin of half its digits reads the sign, as before 2026-12-01."""
    enclosure = _enclose(expr, Fraction(1, 10 ** digits))
    if enclosure is None:
        if not numeric:
            return 0
        import sympy
        value = expr.evalf(digits)
        if abs(value) > sympy.Float(10) ** (-(digits // 2)):
            return 1 if value > 0 else -1
        return 0
    low, high = enclosure
    return 1 if low > 0 else -1 if high < 0 else 0


def _enclose(e, width: Fraction):
    """An exact interval (low, high) of Fractions containing the value of the sympy
    expression ``e``, or None for a kind of expression not handled here (or a division
    by an interval that contains zero)."""
    import sympy
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q)), Fraction(int(e.p), int(e.q))
    if isinstance(e, sympy.CRootOf) and e.is_real:
        w = sympy.Rational(width.numerator, width.denominator)
        q = e.eval_rational(dx=w, dy=w)
        q = Fraction(int(q.p), int(q.q))
        return q - width, q + width
    if isinstance(e, (sympy.Add, sympy.Mul)):
        parts = [_enclose(a, width) for a in e.args]
        if any(p is None for p in parts):
            return None
        out = parts[0]
        for p in parts[1:]:
            if isinstance(e, sympy.Add):
                out = (out[0] + p[0], out[1] + p[1])
            else:
                ends = [a * b for a in out for b in p]
                out = (min(ends), max(ends))
        return out
    if isinstance(e, sympy.Pow) and e.exp.is_Integer:
        base = _enclose(e.base, width)
        if base is None:
            return None
        n = int(e.exp)
        if n < 0:
            if base[0] <= 0 <= base[1]:
                return None
            base, n = (1 / base[1], 1 / base[0]), -n
        out = (Fraction(1), Fraction(1))
        for _ in range(n):
            ends = [a * b for a in out for b in base]
            out = (min(ends), max(ends))
        return out
    if isinstance(e, sympy.Pow) and e.exp == sympy.S.Half and e.base.is_Rational \
            and e.base >= 0:
        scale = width.denominator ** 2  # sqrt(base) to within 1/width.denominator
        low = Fraction(isqrt(int(e.base.p) * scale // int(e.base.q)), width.denominator)
        return low, low + Fraction(1, width.denominator)
    return None


_PLAIN = (int, Fraction)  # exactly these types (not bool, not subclasses): compared directly


def compare(x: Number, y: Number) -> int:
    """Exact comparison: -1, 0 or 1 as x <, =, > y."""
    if type(x) in _PLAIN and type(y) in _PLAIN:  # the common case, in integers
        d = x.numerator * y.denominator - y.numerator * x.denominator
        return (d > 0) - (d < 0)
    if isinstance(x, (int, Fraction)) and isinstance(y, (int, Fraction)):
        return (x > y) - (x < y)
    return sign(to_sympy(x) - to_sympy(y))


def fmt(x: Number, decimals: int | None = None) -> str:
    """Exact text for a number ("1/3", "CRootOf(...)"), or a decimal string; a Poly of
    :mod:`verifier.model.poly` (a symbolic payoff) prints as itself.

    >>> fmt(Fraction(1, 3)), fmt(Fraction(2)), fmt(Fraction(1, 3), decimals=4)
    ('1/3', '2', '0.3333')
    """
    if hasattr(x, "fold"):  # a polynomial in parameter symbols (a symbolic payoff)
        return str(x)
    x = simplify_number(x)
    if decimals is not None:
        value = to_sympy(x).evalf(decimals + 10)
        return f"{Decimal(str(value)):.{decimals}f}"
    if isinstance(x, Fraction):
        return str(x)
    import sympy
    return sympy.sstr(x)

