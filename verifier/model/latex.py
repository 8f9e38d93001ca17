"""Exact numbers and strategies as LaTeX (`--latex`, and the ``_repr_latex_`` of results).

A rational is a fraction. A real algebraic number of degree 2 (the usual tight optimum:
sympy's ``CRootOf`` of a quadratic ``a x^2 + b x + c``, or an expression in such roots
whose minimal polynomial is quadratic) is written in radicals, ``(-b - sqrt(D)) / (2a)``
or with ``+``, the sign chosen by an exact comparison with the number
(:func:`verifier.model.numbers.compare`); a root of higher degree as "the k-th smallest
real root of p", with the exact polynomial; any other sympy number as sympy's ``latex``
of it. Every formula but the higher-degree roots is an
expression equal to the number (tests/test_latex.py reads it back with sympy's
``parse_latex`` and compares exactly).

>>> from fractions import Fraction
>>> number(Fraction(-9, 10)), number(Fraction(3))
('- \\\\frac{9}{10}', '3')
"""

from __future__ import annotations

from .numbers import Number, compare, simplify_number, to_sympy


def number(x: Number) -> str:
    """LaTeX of an exact number (rational or real algebraic)."""
    import sympy
    expr = to_sympy(simplify_number(x))
    if not expr.is_Rational and expr.has(sympy.CRootOf):
        t = sympy.Dummy("t")
        poly = expr.poly if isinstance(expr, sympy.CRootOf) else \
            sympy.Poly(sympy.minimal_polynomial(expr, t), t)
        if poly.degree() == 2:
            return sympy.latex(radicals(expr, poly))
        # the index among the real roots of its minimal polynomial (of degree 3 or more)
        nth = 1 + sum(compare(r, expr) < 0 for r in poly.real_roots())
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(
            nth % 10 if nth % 100 not in (11, 12, 13) else 0, "th")
        which = "" if nth == 1 else f"{nth}{suffix} "
        name = sympy.Symbol("x")
        return (rf"\text{{the {which}smallest real root of }} "
                rf"{sympy.latex(poly.as_expr().subs(poly.gen, name))}")
    return sympy.latex(expr)


def radicals(x, poly):
    """``x``, a root of the quadratic ``poly`` (a sympy Poly), as a sympy expression in square
    roots equal to it. Raises ValueError when neither root of ``poly`` equals ``x``."""
    import sympy
    a, b, c = poly.all_coeffs()
    d = sympy.sqrt(b * b - 4 * a * c)
    for candidate in ((-b - d) / (2 * a), (-b + d) / (2 * a)):
        if compare(candidate, x) == 0:
            return candidate
    raise ValueError(f"neither root of {poly.as_expr()} equals {x}")


def strategy(dist, names=None) -> str:
    """A mixed strategy as a LaTeX tuple, with action names when given."""
    parts = [number(p) if names is None else rf"\text{{{text(a)}}} = {number(p)}"
             for a, p in zip(names or [None] * len(dist), dist)]
    return r"\left(" + ", ".join(parts) + r"\right)"


def text(words: str) -> str:
    """Plain text with LaTeX's special characters escaped (for ``\\text{...}``)."""
    return "".join(_SPECIAL.get(c, c) for c in words)


_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}
