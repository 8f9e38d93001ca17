"""Polynomial arithmetic: substitution and evaluation against their definitions."""

from __future__ import annotations

from fractions import Fraction as F

import sympy
from hypothesis import given, settings, strategies as st

from verifier.model.poly import Poly

NAMES = ("x", "y", "z")
coefficients = st.one_of(st.sampled_from([F(1), F(-1), F(2)]),
                         st.fractions(min_value=-5, max_value=5, max_denominator=7))
monomials = st.lists(st.tuples(st.sampled_from(NAMES), st.integers(1, 3)), max_size=3,
                     unique_by=lambda ve: ve[0]).map(lambda m: tuple(sorted(m)))
polys = st.dictionaries(monomials, coefficients, max_size=5).map(Poly)
points = st.fixed_dictionaries({n: coefficients for n in NAMES})


def by_definition(p: Poly, mapping: dict) -> Poly:
    """Substitution as the sum over terms of the coefficient times the product of the
    replaced powers, added one term at a time."""
    out = Poly()
    for m, c in p.terms.items():
        term = Poly.const(c)
        for v, e in m:
            term = term * (Poly.lift(mapping[v]) ** e if v in mapping else Poly({((v, e),): 1}))
        out = out + term
    return out


@settings(max_examples=300, deadline=None)
@given(polys, st.dictionaries(st.sampled_from(NAMES), polys, max_size=3), points)
def test_substitute_agrees_with_its_definition_in_value_and_term_order(p, mapping, point):
    got = p.substitute(mapping)
    assert list(got.terms.items()) == list(by_definition(p, mapping).terms.items())
    inner = {v: mapping[v].evaluate(point) if v in mapping else point[v] for v in NAMES}
    assert got.evaluate(point) == p.evaluate(inner)


@settings(max_examples=300, deadline=None)
@given(polys, points)
def test_rational_evaluation_agrees_with_term_by_term_sympy_arithmetic(p, point):
    symbolic = {v: sympy.Rational(x.numerator, x.denominator) for v, x in point.items()}
    total = sum((sympy.Rational(c.numerator, c.denominator) *
                 sympy.Mul(*[symbolic[v] ** e for v, e in m]) for m, c in p.terms.items()),
                sympy.Integer(0))
    assert p.evaluate(point) == F(int(total.p), int(total.q))
    assert p.evaluate(symbolic) == total  # sympy values take the general path


def test_a_term_that_cancels_and_comes_back_enters_last():
    x, y, z = (Poly({((n, 1),): 1}) for n in NAMES)
    got = (x - y + z).substitute({"x": y + 1, "z": y})
    assert list(got.terms) == [(), (("y", 1),)]


def test_evaluation_at_integers_and_fractions_mixed():
    p = Poly({(("x", 2),): F(1, 3), (("x", 1), ("y", 1)): F(-2), (): F(5, 6)})
    assert p.evaluate({"x": 3, "y": F(1, 4)}) == F(3) - F(3, 2) + F(5, 6)


def test_monomials_given_out_of_order_are_sorted_and_merged():
    p = Poly({(("y", 1), ("x", 1)): 1, (("x", 1), ("y", 1)): 2, (("x", 1), ("x", 1)): 1})
    assert p.terms == {(("x", 1), ("y", 1)): F(3), (("x", 2),): F(1)}
    assert (p * 2).terms == {(("x", 1), ("y", 1)): F(6), (("x", 2),): F(2)}
