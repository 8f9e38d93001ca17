"""The checker's half of Nash enumeration: lists of feasible bases verified from scratch.

Two best-response agents meeting through a reflective oracle play exactly the Nash
equilibria (Fallenstein, Taylor and Christiano 2015). With payoffs shifted to be
positive (which changes no equilibrium), the best-response polytopes are

    P = {x >= 0 : B^T x <= 1}   and   Q = {y >= 0 : A y <= 1},

and the equilibria, normalised, are the completely labelled vertex pairs (Avis,
Rosenberg, Savani and von Stengel 2010). A label is an action: player 1's action i
labels the points of P with x_i = 0 and of Q with (A y)_i = 1; player 2's action j
labels the points of P with (B^T x)_j = 1 and of Q with y_j = 0.

A list of feasible bases of ``M z + s = 1, z, s >= 0`` is the certificate of
completeness: the feasible bases of a polytope form a connected graph under the pivots
of :func:`leaving_rows`, so a non-empty list closed under them is all of them, which
:func:`check_bases` verifies. The search that finds the lists is
:mod:`verifier.decision.nash`.

>>> from fractions import Fraction as F
>>> a, b = [[F(1), F(-1)], [F(-1), F(1)]], [[F(-1), F(1)], [F(1), F(-1)]]
>>> verify(a, b, [[(2, 3)], [(2, 3)]])  # the slack bases alone: not closed under pivots
Traceback (most recent call last):
  ...
verifier.checker.bases.BasisError: basis [0, 2], one pivot from [2, 3], is not listed
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

from ..errors import EvidenceRejected


class BasisError(EvidenceRejected):
    """A basis list that does not show every vertex of its polytope."""


def shifted(matrix) -> list[list[int]]:
    """An integer matrix with entries >= 1, a positive affine image of ``matrix``."""
    scale = lcm(*(Fraction(v).denominator for row in matrix for v in row))
    ints = [[int(Fraction(v) * scale) for v in row] for row in matrix]
    low = min(v for row in ints for v in row)
    return [[v - low + 1 for v in row] for row in ints]


def leaving_rows(column: list, rhs: list) -> list[int]:
    """Rows that may leave when a variable with this tableau column enters, keeping
    feasibility: the minimum-ratio rows among positive entries, and any row at value 0
    with a non-zero entry (a degenerate pivot, which moves no point)."""
    ties, degenerate, best_rhs, best_entry = [], [], 0, 0
    for i, a in enumerate(column):
        if a == 0:
            continue
        r = rhs[i]
        if r == 0:
            degenerate.append(i)
        if a > 0:  # ratios r / a compared by cross-multiplying (both entries positive)
            if not ties or r * best_entry < best_rhs * a:
                ties, best_rhs, best_entry = [i], r, a
            elif r * best_entry == best_rhs * a:
                ties.append(i)
    return sorted(set(ties).union(degenerate)) if degenerate else ties


def _solve(matrix: list[list[int]], basis: tuple) -> list[list[Fraction]] | None:
    """The tableau of a basis from scratch: B^-1 [M | I | 1], or None if B is singular."""
    k = len(matrix)
    full = [[Fraction(v) for v in row] + [Fraction(int(i == r)) for i in range(k)] + [Fraction(1)]
            for r, row in enumerate(matrix)]
    rows = [list(row) for row in full]
    for col_index, var in enumerate(basis):
        pivot = next((i for i in range(col_index, k) if rows[i][var] != 0), None)
        if pivot is None:
            return None
        rows[col_index], rows[pivot] = rows[pivot], rows[col_index]
        head = rows[col_index]
        lead = head[var]
        head[:] = [v / lead for v in head]
        for i in range(k):
            if i != col_index and rows[i][var] != 0:
                f = rows[i][var]
                rows[i] = [v - f * h for v, h in zip(rows[i], head)]
    return rows


def check_bases(matrix: list[list[int]], bases: list) -> list[tuple]:
    """The vertices of ``{z >= 0 : matrix z <= 1}`` shown by a basis list, each as
    (integers, scale) (:func:`scaled_point`), or BasisError.

    Each basis is solved from scratch and must be feasible; the list must
    contain the slack basis and be closed under every feasibility-keeping
    pivot. The feasible-basis graph of a polytope is connected, so the list
    then holds every feasible basis and its points are all the vertices.
    """
    k, width = len(matrix), len(matrix[0])
    listed = {tuple(sorted(b)) for b in bases}
    if tuple(range(width, width + k)) not in listed:
        raise BasisError("the slack basis is missing")
    points = set()
    for basis in listed:
        if len(basis) != k or len(set(basis)) != k or \
                not all(isinstance(v, int) and 0 <= v < width + k for v in basis):
            raise BasisError(f"{list(basis)} is not a basis of {k} of {width + k} variables")
        rows = _solve(matrix, basis)
        if rows is None:
            raise BasisError(f"basis {list(basis)} is singular")
        rhs = [row[-1] for row in rows]
        if any(v < 0 for v in rhs):
            raise BasisError(f"basis {list(basis)} is not feasible")
        for enter in range(width + k):
            if enter in basis:
                continue
            for leave in leaving_rows([row[enter] for row in rows], rhs):
                new = tuple(sorted(basis[:leave] + (enter,) + basis[leave + 1:]))
                if new not in listed:
                    raise BasisError(f"basis {list(new)}, one pivot from {list(basis)}, "
                                     f"is not listed")
        value = dict(zip(basis, rhs))
        z = [value.get(v, Fraction(0)) for v in range(width)]
        scale = lcm(*(v.denominator for v in z))
        points.add(scaled_point([v.numerator * (scale // v.denominator) for v in z], scale))
    return sorted(points)


def scaled_point(ints: list, scale: int) -> tuple:
    """The point ints / scale (scale > 0) as (integers, scale) in lowest terms: no common
    factor of all the integers and the scale."""
    common = gcd(scale, *ints)
    return tuple(v // common for v in ints), scale // common


def _vertices(matrix: list[list[int]], points: list, z_labels: list, slack_labels: list):
    """(integers, total, label bitmask) of each non-zero vertex (integers, scale): the
    normalised strategy is integers / total."""
    out = []
    for ints, scale in points:
        total = sum(ints)
        if total == 0:
            continue
        mask = 0
        for v, label in zip(ints, z_labels):
            mask |= (v == 0) << label
        for row, label in zip(matrix, slack_labels):
            mask |= (sum(a * v for a, v in zip(row, ints)) == scale) << label
        out.append((ints, total, mask))
    return out


def labelled_pairs(a_matrix: list, b_matrix: list, points_p: list, points_q: list):
    """The extreme equilibria (sorted, exact) from the vertices of P (x's) and Q (y's),
    each vertex given as (integers, scale) (:func:`scaled_point`)."""
    n, m = len(a_matrix), len(a_matrix[0])
    b_t = [list(col) for col in zip(*b_matrix)]
    xs = _vertices(b_t, points_p, list(range(n)), [n + j for j in range(m)])
    ys = _vertices(a_matrix, points_q, [n + j for j in range(m)], list(range(n)))
    full = (1 << (n + m)) - 1
    by_mask: dict = {}
    for y, (_, _, my) in enumerate(ys):
        by_mask.setdefault(my, []).append(y)
    # A vertex of P (in R^n) has at least n labels, one of Q at least m. When every y has
    # exactly m, an x with exactly n is completely labelled with y only if their labels
    # are disjoint: y's mask is then the complement of x's.
    simple = all(mask.bit_count() == m for mask in by_mask)
    pairs = set()
    for x, (_, _, mx) in enumerate(xs):
        if simple and mx.bit_count() == n:
            pairs.update((x, y) for y in by_mask.get(full ^ mx, ()))
        else:
            pairs.update((x, y) for y, (_, _, my) in enumerate(ys) if mx | my == full)
    x_of = {x: _normalised(*xs[x][:2]) for x, _ in pairs}
    y_of = {y: _normalised(*ys[y][:2]) for _, y in pairs}
    return sorted({(x_of[x], y_of[y]) for x, y in pairs})


def _normalised(ints: tuple, total: int) -> tuple:
    """The strategy ints / total, exactly."""
    return tuple(Fraction(v, total) for v in ints)


def cliques(profiles: list) -> tuple[tuple, tuple]:
    """The distinct x's and y's, and the maximal bicliques of the equilibrium graph."""
    xs = sorted({x for x, _ in profiles})
    ys = sorted({y for _, y in profiles})
    x_index, y_index = {x: i for i, x in enumerate(xs)}, {y: j for j, y in enumerate(ys)}
    neighbours: list[set] = [set() for _ in xs]
    for x, y in profiles:
        neighbours[x_index[x]].add(y_index[y])
    partners = {i: frozenset(ys_of) for i, ys_of in enumerate(neighbours)}
    intents = set(partners.values())
    while True:  # close the neighbourhoods under intersection: the lattice of concepts
        more = {a & b for a, b in _overlapping(intents)} - intents
        if not more:
            break
        intents |= more
    found = []
    x_of: list[set] = [set() for _ in ys]  # the x's adjacent to each y
    for i, ys_of in partners.items():
        for j in ys_of:
            x_of[j].add(i)
    for ys_of in intents:  # the x's adjacent to every y of the intent (never empty)
        xs_of = set.intersection(*(x_of[j] for j in ys_of))
        found.append((tuple(sorted(xs_of)), tuple(sorted(ys_of))))
    return (tuple(xs), tuple(ys)), tuple(sorted(found))


def _overlapping(sets: set) -> set:
    """The pairs of the sets that share an element (the others meet in the empty set)."""
    holding: dict = {}
    for s in sets:
        for element in s:
            holding.setdefault(element, set()).add(s)
    return {(a, b) for a in sets for b in set().union(*(holding[e] for e in a))}


def verify(a_matrix, b_matrix, bases) -> tuple[list, tuple]:
    """The extreme equilibria and cliques that lists of feasible bases of P and Q show,
    checked from scratch (BasisError when a list is not every feasible basis)."""
    if not (isinstance(bases, (list, tuple)) and len(bases) == 2):
        raise BasisError("two basis lists are needed, for P and for Q")
    a, b = shifted(a_matrix), shifted(b_matrix)
    b_t = [list(col) for col in zip(*b)]
    profiles = labelled_pairs(a, b, check_bases(b_t, bases[0]), check_bases(a, bases[1]))
    return profiles, cliques(profiles)[1]
