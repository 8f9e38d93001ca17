"""The delta-box around an estimate, clipped to the simplex, as points of the constraint
system (docs/semantics.md, section 4): a "delta-surely" comparison of polynomials affine in
each player's strategy holds on the box exactly when it holds at these points.

Never imports z3.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import permutations
from typing import TYPE_CHECKING

from ..model.poly import Atom, Not, Poly, disj, implies

if TYPE_CHECKING:  # the system the points are added to (compiler imports this module)
    from .compiler import System


def box_points(system: System, center: list, delta: Fraction, stem: str) -> list:
    """Points (lists of Polys) of the delta-box around an estimate (``center``: Polys, one
    per action), clipped to the simplex, among which are all the box's vertices: the two
    ends of the interval for two actions, the greedy points (:func:`_greedy_points`) for
    more. Adds their variables and definitions to ``system`` (names start with ``stem``)."""
    n = len(center)
    lo, hi = [], []
    for k, c in enumerate(center):
        low, high = system.real_var(f"{stem}lo{k}"), system.real_var(f"{stem}hi{k}")
        system.add(low >= 0, low >= c - delta, disj([low.eq(0), low.eq(c - delta)]),
                   high <= 1, high <= c + delta, disj([high.eq(1), high.eq(c + delta)]),
                   low <= 1, high >= 0)  # implied; single-variable bounds help proofs
        lo.append(low)
        hi.append(high)
        if n == 2:
            break  # the second coordinate's interval is the mirror of the first
    if n == 1:
        return [[Poly.const(1)]]
    if n == 2:
        return [[lo[0], 1 - lo[0]], [hi[0], 1 - hi[0]]]
    return _greedy_points(system, lo, hi, stem)


def _greedy_points(system: System, lo: list, hi: list, stem: str) -> list:
    """The greedy points of the clipped box {lo <= x <= hi, sum x = 1}, one per order of
    the coordinates: in order, each coordinate takes as much as its bound and the
    coordinates still to come allow, so the point is hi on a first part of the order,
    lo on a last part, and one coordinate in between fills the sum to 1.

    Every greedy point lies in the box (sum lo <= 1 <= sum hi, as the box holds the
    truth), and the greedy point of an order that sorts a linear function's
    coefficients from the least minimises that function over the box (the
    fractional-knapsack argument), so a bilinear function's minimum over two boxes is
    its minimum over the pairs of greedy points: n! points, none needing a validity
    guard (the n 2^(n-1) candidates with n - 1 coordinates at a bound need one each).

    The coordinate k after the coordinates ``head`` of an order is
    min(hi_k, max(lo_k, 1 - sum of hi over head - sum of lo over the rest)): the max is
    lo_k once an earlier coordinate filled the sum, and for an empty head it is the
    second term (with one earlier coordinate it is too, but dropping that variable made
    Yices slower on the tests' 4-action systems, 60 s against 38 s). Each min and max is
    one variable per prefix of an order, chosen by the comparison of its two terms
    (implications on each side), not by a disjunction of equalities: with the
    disjunction, where both terms are equal (boxes clipped by the simplex), Yices gave
    up on refutations it now makes in 0.1 s."""
    n = len(lo)
    taken: dict = {(): Poly()}  # prefix of an order -> the sum of its coordinates
    value: dict = {}  # prefix -> the value of its last coordinate
    for size in range(1, n):
        for prefix in permutations(range(n), size):
            head, k = prefix[:-1], prefix[-1]
            name = "".join(map(str, prefix))
            room = 1 - sum((hi[j] for j in head), Poly()) - \
                sum((lo[j] for j in range(n) if j not in prefix), Poly())
            if head:
                room = _select_var(system, lo[k] >= room, lo[k], room, f"{stem}m{name}")
            value[prefix] = _select_var(system, hi[k] <= room, hi[k], room, f"{stem}g{name}")
            taken[prefix] = taken[head] + value[prefix]
    points = []
    for order in permutations(range(n)):
        point = [None] * n
        for size in range(1, n):
            point[order[size - 1]] = value[order[:size]]
        point[order[-1]] = 1 - taken[order[:-1]]
        points.append(point)
    return points


def _select_var(system: System, first: Atom, a: Poly, b: Poly, name: str) -> Poly:
    """A fresh variable equal to ``a`` where the atom ``first`` holds, else to ``b``."""
    x = system.real_var(name)
    system.add(implies(first, x.eq(a)), implies(Not(first), x.eq(b)))
    return x
