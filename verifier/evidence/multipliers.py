"""The linear programs behind a lemma: multipliers of the facts, their products and squares
that add up to a contradiction (docs/references.md [farkas1902], [stengle1974],
[ahmadi-majumdar2019]), and the point about which the squares are centred.

:func:`multipliers` builds one LP per call: the facts, products of 2 to ``degree`` facts,
equalities times monomials, and with a centre a diagonally dominant sum of squares. A
floating-point LP (HiGHS, through scipy) that minimises the sum of the multipliers guesses
a small support; exact Gaussian elimination over the rationals, or Z3 on linear real
arithmetic, finds the exact multipliers on it.
Nothing here is trusted: :func:`verifier.checker.farkas.check_lemma` checks each lemma.
"""

from __future__ import annotations

import itertools
import math
import time
from fractions import Fraction

import z3

from ..checker.farkas import Fact, monomial
from ..encoding import smt
from ..encoding import smtlib
from ..model.poly import Poly, named

TOUCH_SECONDS = 5.0  # Z3's limit on finding a touching point
# the exact LP (Z3) runs on all pieces when the floating-point support has no exact
# solution (HiGHS's tolerance accepts combinations that cancel only up to 1e-10) and
# there are at most this many
MAX_EXACT_PIECES = 1000
FREE_DEGREE = 3  # products of more facts than this have at most one that is not a bound


def multipliers(facts: list[Fact], products: bool, seconds: float, degree: int = 2,
                 centre: dict | None = None) -> dict | None:
    """Multipliers from an exact LP over the pieces of :func:`lp_pieces` (linear rows; with
    ``products`` also products of up to ``degree`` facts and equalities; with a ``centre``
    squares about it): with products a floating-point LP guesses the support and exact
    elimination solves on it, else (or when that fails) Z3 on linear real arithmetic,
    over the support or, when there are at most :data:`MAX_EXACT_PIECES`, all pieces."""
    pieces = lp_pieces(facts, range(len(facts)), degree if products else 1, centre)
    if products:  # a floating-point LP finds the support, the exact LP runs on it alone
        support = float_support(pieces, seconds)
        if support is None:
            return None
        chosen = [pieces[k] for k in support]
        value = solve_exactly([p[2].terms for p in chosen], [p[3] for p in chosen],
                              [p[4] for p in chosen])
        if value is not None:
            return _rows(chosen, value)
        if len(pieces) > MAX_EXACT_PIECES:  # else the exact LP on all of them, below
            pieces = chosen
    solver = z3.SolverFor("QF_LRA")
    solver.set("timeout", max(1, int(seconds * 1000)))
    solver.from_string(_multiplier_lp(pieces))  # text: far cheaper than z3's Python API
    if solver.check() != z3.sat:
        return None
    model = solver.model()
    found = {d.name(): model[d].as_fraction() for d in model.decls()}
    return _rows(pieces, [found.get(f"m{k}", 0) for k in range(len(pieces))])


def _rows(pieces: list, value: list) -> dict:
    out: dict = {}
    for (kind, key, _, _, _), m in zip(pieces, value):
        if m != 0:
            out.setdefault(kind, []).append(list(key) + [m])
    return out


def lp_pieces(facts: list[Fact], body, degree: int, centre: dict | None) -> list:
    """The pieces of a multiplier LP, (kind, key, poly, strict, nonnegative): the facts
    whose indices are in ``body``, their products of 2 to ``degree``, and (degree >= 2)
    their equalities times monomials below ``degree``; with a ``centre`` ({x: c_x}, each
    c_x a rational or a linear Poly in one variable w, :func:`touching_point`) squares of
    (x - c_x) and (x - c_x) +- (y - c_y), a diagonally dominant sum of squares, which an
    LP can find."""
    body = list(body)
    out = [("linear", (i,), facts[i].t, facts[i].strict, True) for i in body]
    signed = {(i,): -facts[i].t for i in body}  # prod(-t_i) of each tuple of rows so far
    for k in range(2, degree + 1):
        for rows in product_rows(facts, body, k):
            signed[rows] = signed[rows[:-1]] * signed[rows[-1:]]
            out.append(("products", rows, -signed[rows], all(facts[i].strict for i in rows),
                        True))
    if degree >= 2:
        variables = sorted({v for i in body for v in facts[i].t.variables()})
        monomials = [None] + variables + [list(m) for d in range(2, degree)
                                         for m in itertools.combinations_with_replacement(
                                             variables, d)]
        for i, j in itertools.combinations(body, 2):
            if not facts[i].strict and not facts[j].strict and \
                    (facts[i].t + facts[j].t).terms == {}:
                out += [("equalities", (i, j, v), facts[i].t * monomial(v), False, False)
                        for v in monomials]
    if centre:
        shifted = [b for b in (named(v) - c for v, c in sorted(centre.items())) if b.terms]
        bases = shifted + [a + sign * b for a, b in itertools.combinations(shifted, 2)
                           for sign in (1, -1)]
        out += [("squares", (b,), -(b * b), False, True) for b in bases]
    return out


def product_rows(facts: list[Fact], body, k: int) -> list[tuple]:
    """The products of ``k`` facts of ``body`` that an LP of degree k takes, as sorted index
    tuples: all of them up to :data:`FREE_DEGREE` facts; beyond, the products of bounds
    (facts linear in one variable) on the variables of the facts' terms of degree
    :data:`FREE_DEGREE` or more, times at most one other fact: the high powers a lemma
    needs at a corner where the facts touch are products of such bounds (d^4, d^2 s0 s1),
    and all products would be too many (:func:`product_count` counts them without
    building them)."""
    body = sorted(set(body))
    if k <= FREE_DEGREE:
        return list(itertools.combinations_with_replacement(body, k))
    box, others = _high_bounds(facts, body)
    out = list(itertools.combinations_with_replacement(box, k))
    for i in others:
        out += [tuple(sorted((i,) + rest))
                for rest in itertools.combinations_with_replacement(box, k - 1)]
    return sorted(out)


def product_count(facts: list[Fact], body, k: int) -> int:
    """``len(product_rows(facts, body, k))``, in closed form (multisets of k of n items
    number comb(n + k - 1, k))."""
    if k <= FREE_DEGREE:
        return math.comb(len(set(body)) + k - 1, k)
    box, others = _high_bounds(facts, body)
    return math.comb(len(box) + k - 1, k) + len(others) * math.comb(len(box) + k - 2, k - 1)


def _high_bounds(facts: list[Fact], body) -> tuple[list, list]:
    """(the bounds on the variables of terms of degree FREE_DEGREE or more, the facts that
    are not bounds), as sorted indices."""
    body = sorted(set(body))
    high = {v for i in body for m in facts[i].t.terms if sum(e for _, e in m) >= FREE_DEGREE
            for v, _ in m}
    bound = {i for i in body if len(facts[i].t.variables()) == 1
             and facts[i].t.degree_in(lambda v: True) == 1}
    return ([i for i in body if i in bound and facts[i].t.variables() <= high],
            [i for i in body if i not in bound])


def solve_exactly(columns: list, strict: list, nonnegative: list, one=Fraction(1)) \
        -> list | None:
    """The multipliers as the exact solution of the LP's equations on a support (sparse
    Gaussian elimination, free unknowns set to 0), or None when that solution does not
    exist or has a negative multiplier where one must be >= 0. ``columns[k]``: piece k as
    {monomial: coefficient}, the coefficients in a field whose unit is ``one`` (the
    rationals, or a quadratic field, :mod:`verifier.evidence.tangency`)."""
    n, zero = len(columns), one - one
    rows: dict = {}  # monomial -> {unknown: coefficient}; unknown n is the constant t >= 0
    for k, terms in enumerate(columns):
        for m, c in terms.items():
            rows.setdefault(m, {})[k] = c
    constant = rows.pop((), {})
    constant[n] = -one
    normal = {k: one for k in range(n) if strict[k]} | {n: one}
    equations = [(row, zero) for row in rows.values()] + [(constant, zero), (normal, one)]
    solved: list = []  # (pivot, row, rhs), each row free of the earlier pivots
    for row, rhs in equations:
        row = dict(row)
        for pivot, prow, prhs in solved:
            f = row.get(pivot)
            if f:
                for j, a in prow.items():
                    row[j] = row.get(j, zero) - f * a
                rhs -= f * prhs
                row = {j: a for j, a in row.items() if a}
        if not row:
            if rhs:
                return None
            continue
        pivot = min(row)
        lead = row[pivot]
        row, rhs = {j: a / lead for j, a in row.items()}, rhs / lead
        for i, (q, qrow, qrhs) in enumerate(solved):  # keep the earlier rows reduced
            f = qrow.get(pivot)
            if f:
                merged = dict(qrow)
                for j, a in row.items():
                    merged[j] = merged.get(j, zero) - f * a
                solved[i] = (q, {j: a for j, a in merged.items() if a}, qrhs - f * rhs)
        solved.append((pivot, row, rhs))
    value = [zero] * (n + 1)
    for pivot, row, rhs in solved:  # free unknowns are 0: each pivot is its right side
        value[pivot] = rhs
    if value[n] < 0 or any(value[k] < 0 for k in range(n) if nonnegative[k]):
        return None
    return value[:n]


def float_support(pieces: list, seconds: float | None = None) -> list | None:
    """The pieces a floating-point solution of the multiplier LP uses (HiGHS through
    scipy), or None when that LP is infeasible, fails or takes more than ``seconds``.
    Only a guide: the exact LP on the support decides, and a wrong guess loses a lemma,
    never soundness."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix
    index: dict = {(): 0}
    rows, cols, vals = [], [], []
    for k, (_, _, poly, strict, _) in enumerate(pieces):
        for m, c in poly.terms.items():
            rows.append(index.setdefault(m, len(index)))
            cols.append(k)
            vals.append(float(c))
        if strict:  # the normalisation row: constant + strict multipliers == 1
            rows.append(-1)
            cols.append(k)
            vals.append(1.0)
    n, height = len(pieces), len(index) + 1
    normal = height - 1
    rows = [normal if r == -1 else r for r in rows]
    # constant row: sum c_k m_k - t == 0 with t >= 0 the constant; normal: t + strict == 1
    rows += [0, normal]
    cols += [n, n]
    vals += [-1.0, 1.0]
    matrix = coo_matrix((vals, (rows, cols)), shape=(height, n + 1)).tocsr()
    rhs = [0.0] * (height - 1) + [1.0]
    bounds = [(0, None) if p[4] else (None, None) for p in pieces] + [(0, None)]
    try:
        cost = [1.0 if p[4] else 0.0 for p in pieces] + [0.0]  # fewest, smallest multipliers
        found = linprog(cost, A_eq=matrix, b_eq=rhs, bounds=bounds, method="highs",
                        options={} if seconds is None else {"time_limit": max(0.1, seconds)})
    except ValueError:
        return None
    if found.status != 0:
        return None
    return [k for k in range(n) if abs(found.x[k]) > 1e-9]


def touching_point(fs: list[Fact], deadline: float) -> dict | None:
    """A point of the facts with strict inequalities relaxed, as {variable: Poly}: each
    coordinate a rational, or, when the point is irrational of degree 2 (as at a tangency
    whose value is a root of a quadratic), ``a + b*w`` with a, b rational and w one of
    its irrational coordinates (:func:`_over_generator`); None when Z3 finds no such point."""
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", max(1, int(min(TOUCH_SECONDS, deadline - time.monotonic()) * 1000)))
    for f in fs:
        solver.add(smt.term(f.t, integers=False) <= 0)
    if solver.check() != z3.sat:
        return None
    model = solver.model()
    point, irrational = {}, {}
    for d in model.decls():
        value = model[d]
        if z3.is_rational_value(value):
            point[d.name()] = Poly.const(value.as_fraction())
        elif z3.is_algebraic_value(value):
            irrational[d.name()] = value
        else:
            return None
    if irrational:
        pinned = {x for f in fs for x in f.t.variables() if f.t.variables() == {x}
                  and f.t.degree_in(lambda v: True) == 2}  # a root of a quadratic fact
        over = _over_generator(irrational, pinned)
        if over is None:
            return None
        point |= over
    return point


def _over_generator(values: dict, prefer: set) -> dict | None:
    """Z3's algebraic values of degree 2 in one quadratic field, each as ``a + b*w`` (a
    Poly in the variable w, the first by name of those in ``prefer`` if any, else of all),
    or None when some value has a higher degree or lies in another field.

    A root x of c2*x^2 + c1*x + c0 is (-c1 + s*sqrt(D))/(2*c2) with D = c1^2 - 4*c2*c0 and s
    the sign of 2*c2*x + c1; when D*Dw is a square, sqrt(D) = k*sqrt(Dw) with k rational,
    and sqrt(Dw) = sw*(2*c2w*w + c1w)."""
    roots = {}
    for name, value in values.items():
        coefficients = [z3.simplify(c).as_long() for c in value.poly()]
        if len(coefficients) != 3:
            return None
        c0, c1, c2 = coefficients
        # only picks which root (the sign s): a wrong pick misplaces the squares' centre,
        # a search miss at worst, since every lemma is checked by check_lemma
        near = value.approx(30).as_fraction()
        roots[name] = (c0, c1, c2, c1 * c1 - 4 * c2 * c0, 1 if 2 * c2 * near + c1 > 0 else -1)
    w = min(roots, key=lambda name: (name not in prefer, name))
    _, c1w, c2w, dw, sw = roots[w]
    root_w = (named(w) * (2 * c2w) + Poly.const(c1w)) * sw  # sqrt(Dw), as a Poly in w
    out = {}
    for name, (c0, c1, c2, d, s) in roots.items():
        r = math.isqrt(d * dw)
        if r * r != d * dw:
            return None
        k = Fraction(r, dw)
        out[name] = (root_w * (s * k) - Poly.const(c1)) * Fraction(1, 2 * c2)
    return out


def _multiplier_lp(pieces: list) -> str:
    """SMT-LIB text of the LP whose solutions are multipliers: every monomial cancels,
    the constant left is >= 0, and it or some strict multiplier is positive (scaled to 1)."""
    lines = [f"(declare-fun m{k} () Real)" for k in range(len(pieces))]
    rows: dict = {}
    for k, (_, _, poly, _, nonnegative) in enumerate(pieces):
        if nonnegative:
            lines.append(f"(assert (>= m{k} 0.0))")
        for m, c in poly.terms.items():
            rows.setdefault(m, []).append(f"(* {smtlib.number(c)} m{k})")
    const = "(+ 0.0 " + " ".join(rows.pop((), [])) + ")"
    lines += [f"(assert (= (+ 0.0 {' '.join(row)}) 0.0))" for row in rows.values()]
    strict = " ".join(f"m{k}" for k, p in enumerate(pieces) if p[3])
    lines += [f"(assert (>= {const} 0.0))", f"(assert (= (+ {const} {strict} 0.0) 1.0))"]
    return "\n".join(lines)
