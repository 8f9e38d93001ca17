"""Every Nash equilibrium of a two-player game, exactly, by vertex enumeration.

Two best-response agents meeting through a reflective oracle play exactly
the Nash equilibria (Fallenstein, Taylor and Christiano 2015), so their fixed
points need no nonlinear search. With payoffs shifted to be positive (which
changes no equilibrium), the best-response polytopes are

    P = {x >= 0 : B^T x <= 1}   and   Q = {y >= 0 : A y <= 1},

and the equilibria, normalised, are the completely labelled vertex pairs
(Avis, Rosenberg, Savani and von Stengel 2010, the method of Gambit's
``enummixed``). A label is an action: player 1's action i labels the points
of P with x_i = 0 and of Q with (A y)_i = 1; player 2's action j labels the
points of P with (B^T x)_j = 1 and of Q with y_j = 0.

Vertices are found as the feasible bases of ``M z + s = 1, z, s >= 0``,
walked from the slack basis by exact integer pivoting. In a degenerate game
the equilibria form components; each maximal Nash subset is the product of
the convex hulls of a *clique* of extreme equilibria (a maximal complete
bipartite subgraph of the extreme-equilibrium graph).

The list of feasible bases is also the certificate of completeness: the
feasible bases of a polytope form a connected graph under the pivots of
:func:`~verifier.checker.bases.leaving_rows`, so a non-empty list closed under
them is all of them, which the checker verifies from scratch
(:func:`verifier.checker.bases.check_bases`).

>>> from fractions import Fraction as F
>>> eq = equilibria([[F(1), F(-1)], [F(-1), F(1)]], [[F(-1), F(1)], [F(1), F(-1)]])
>>> [tuple(map(str, x)) + tuple(map(str, y)) for x, y in eq.profiles]
[('1/2', '1/2', '1/2', '1/2')]
"""

from __future__ import annotations

from dataclasses import dataclass

from ..checker.bases import BasisError, check_bases, cliques, labelled_pairs, leaving_rows, \
    scaled_point, shifted, verify

__all__ = ["NashEquilibria", "equilibria", "verify", "check_bases", "shifted", "BasisError"]


@dataclass(frozen=True)
class NashEquilibria:
    """The extreme equilibria of a game, its cliques, and the bases that prove it complete.

    ``profiles``: the extreme equilibria (x, y), exact and sorted. ``cliques``:
    each a pair (indices into ``profiles``' distinct x's, into the distinct
    y's) whose hulls' product is a maximal set of interchangeable
    equilibria; ``strategies`` the distinct x's and y's. ``bases``: the
    feasible bases of P and of Q.
    """

    profiles: tuple
    strategies: tuple
    cliques: tuple
    bases: tuple

    @property
    def continuum(self) -> bool:
        """True when some clique has two strategies for a player (infinitely many equilibria)."""
        return any(len(xs) > 1 or len(ys) > 1 for xs, ys in self.cliques)


def feasible_bases(matrix: list[list[int]]) -> dict:
    """Every feasible basis of ``matrix z + s = 1, z, s >= 0`` (matrix positive, k x l),
    each with its point z as (integers, scale) in lowest terms
    (:func:`verifier.checker.bases.scaled_point`).

    Variables 0..l-1 are z, l..l+k-1 the slacks. A depth-first walk over
    pivots with an integer (fraction-free) tableau: entries are integers over
    the common denominator ``det``, and each pivot divides exactly.
    """
    k, width = len(matrix), len(matrix[0])
    tableau = [list(row) + [int(i == r) for i in range(k)] + [1] for r, row in enumerate(matrix)]
    start = tuple(width + r for r in range(k))
    found, stack = {}, [(start, tableau, 1, None)]
    while stack:  # a pivot is made when its basis is reached first, not when it is seen
        basis, rows, det, step = stack.pop()
        key = tuple(sorted(basis))
        if key in found:
            continue
        if step:
            rows, det = _pivot(rows, det, *step), rows[step[0]][step[1]]
        sign = 1 if det > 0 else -1
        rhs = [row[-1] * sign for row in rows]
        value = dict(zip(basis, rhs))
        found[key] = scaled_point([value.get(v, 0) for v in range(width)], abs(det))
        for enter in range(width + k):
            if enter in basis:
                continue
            for leave in leaving_rows([row[enter] * sign for row in rows], rhs):
                new = basis[:leave] + (enter,) + basis[leave + 1:]
                if tuple(sorted(new)) not in found:
                    stack.append((new, rows, det, (leave, enter)))
    return dict(sorted(found.items()))


def _pivot(rows: list, det: int, r: int, e: int) -> list:
    p = rows[r][e]
    return [row if i == r else [(p * v - row[e] * w) // det for v, w in zip(row, rows[r])]
            for i, row in enumerate(rows)]


def equilibria(a_matrix, b_matrix) -> NashEquilibria:
    """Every extreme Nash equilibrium of the bimatrix game (A, B), with its cliques."""
    a, b = shifted(a_matrix), shifted(b_matrix)
    b_t = [list(col) for col in zip(*b)]
    walks = (feasible_bases(b_t), feasible_bases(a))
    profiles = labelled_pairs(a, b, *(set(w.values()) for w in walks))
    strategies, found = cliques(profiles)
    return NashEquilibria(tuple(profiles), strategies, found, tuple(list(w) for w in walks))
