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
