from fractions import Fraction

import pytest
import sympy

from verifier.model.numbers import InexactNumberError, compare, exact, fmt, sign


@pytest.mark.parametrize("text, value", [
    ("1/3", Fraction(1, 3)), ("-2/4", Fraction(-1, 2)), ("0.1", Fraction(1, 10)),
    ("2e-3", Fraction(1, 500)), (0.5, Fraction(1, 2)), (0.25, Fraction(1, 4)), (7, Fraction(7)),
])
def test_exact_accepts_exact_inputs(text, value):
    assert exact(text) == value


@pytest.mark.parametrize("bad", [0.1, 1 / 3, float("nan"), float("inf"), "abc", "1/0", True, None])
def test_exact_refuses_inexact_inputs(bad):
    with pytest.raises(InexactNumberError):
        exact(bad)


def test_rationalize_reads_the_printed_decimal():
    assert exact(0.1, rationalize=True) == Fraction(1, 10)


def test_algebraic_signs_are_exact():
    root2 = sympy.sqrt(2)
    assert sign(root2 * root2 - 2) == 0
    assert sign(root2 - Fraction(14142135623730951, 10 ** 16)) == -1
    assert compare(root2, Fraction(3, 2)) == -1


def test_fmt_is_exact_by_default():
    assert fmt(Fraction(2, 6)) == "1/3"
    assert fmt(Fraction(1, 3), decimals=3) == "0.333"


t = sympy.Symbol("t")
R = sympy.CRootOf(3 * t ** 2 - t - 5, 1)  # roots of quadratics, as solvers return them
S = sympy.CRootOf(t ** 2 - 7, 0)  # -sqrt(7)
CUBE = sympy.CRootOf(t ** 3 - 2, 0)


@pytest.mark.parametrize("expr", [
    3 * R ** 2 - R - 5,
    1 / (S + 1) - (S - 1) / 6,  # s^2 = 7, so 1/(s+1) = (s-1)/6
    R * S / (R + 1) - S * (R - sympy.Rational(1, 3)) / (R + 1) - S / (3 * (R + 1)),
    (R + S) ** 2 - R ** 2 - 2 * R * S - 7,
    CUBE ** 3 - 2,
])
def test_zero_is_decided_exactly_and_agrees_with_the_minimal_polynomial(expr):
    assert sign(expr) == 0
    assert sympy.minimal_polynomial(expr, t) == t  # the definition, independently


@pytest.mark.parametrize("expr, expected", [
    (1 / (S + 1) - (S - 1) / 6 + sympy.Rational(1, 10 ** 40), 1),
    (3 * R ** 2 - R - 5 - sympy.Rational(1, 10 ** 60), -1),
    (R * S + 2, -1),
    (CUBE - R, -1),
])
def test_nonzero_signs_near_zero(expr, expected):
    assert sign(expr) == expected
    assert sympy.sign(expr.evalf(200)) == expected  # the value, to 200 digits


def test_a_square_root_sympy_leaves_unreduced_still_gives_an_exact_zero():
    """sympy does not reduce sqrt(P^2 Q) for primes P, Q above 2^15: the expansion of this
    zero is not 0, and the minimal polynomial decides (found by review, 2026-12-01)."""
    p, q = 40009, 50021
    expr = sympy.CRootOf(t ** 2 - p * p * q, 1) - p * sympy.CRootOf(t ** 2 - q, 1)
    assert sign(expr) == 0


def test_dividing_by_an_exact_zero_is_an_error_not_a_sign():
    zero = sympy.CRootOf(t ** 2 - 8, 1) - 2 * sympy.CRootOf(t ** 2 - 2, 1)
    with pytest.raises(ZeroDivisionError):
        sign(1 / zero)


@pytest.mark.parametrize("scale", [1, 10 ** 50, 10 ** 200])
def test_a_zero_with_huge_terms_gets_no_sign_from_rounding(scale):
    """2*cbrt(2) - cbrt(16) = 0: evalf to 30 digits of the scaled sum gave 0.e+35, which a
    margin test read as positive (found in the final review); exact rational intervals
    around the roots cannot exclude zero, and the minimal polynomial decides."""
    zero = scale * (2 * CUBE - sympy.CRootOf(t ** 3 - 16, 0))
    assert sign(zero) == 0
    assert sign(zero + sympy.Rational(1, 10 ** 30)) == 1 and sign(zero - 1) == -1


def test_roots_closer_than_fifty_digits_are_told_apart_exactly():
    """The two roots of E^2 x^2 - 2 E^2 x + E^2 - 2, E = 10^60, are 1 -+ sqrt(2)/E: written
    with square roots, each is matched to its own CRootOf by the sign of the leading
    coefficient, not by a 50-digit value that cannot tell them apart."""
    x, e = sympy.Symbol("x"), 10 ** 60
    p = sympy.Poly(e ** 2 * x ** 2 - 2 * e ** 2 * x + e ** 2 - 2, x)
    low, high = sympy.CRootOf(p, 0), sympy.CRootOf(p, 1)
    assert sign(high - (1 + sympy.sqrt(2) / e)) == 0
    assert sign(low - (1 - sympy.sqrt(2) / e)) == 0
    assert sign(low - (1 + sympy.sqrt(2) / e)) == -1
    assert sign(high - low) == 1
