"""Enumeration of the fixed points with Z3: find one, exclude it, ask again.

:func:`solve` first seeks a fixed point with a whole family of fixed points around it (a
continuum, proven by :func:`verifier.semantics.continuum.interior_point`); otherwise it
excludes each point found (:func:`exclude`) and asks again, until no other fixed point
exists (complete), a point found proves a continuum, or ``limit`` points. Two
best-response agents take the Nash path instead (:mod:`verifier.decision.best_response`).
"""

from __future__ import annotations

import time

import z3

from . import best_response
from .optimisation import ranges
from .results import FixedPoint, SolveResult
from ..encoding import smt
from ..encoding.smt import SolverUnknown, numeral
from ..errors import UsageError
from ..model.poly import Truth, named
from ..semantics.continuum import interior_point

METHODS = ("auto", "enumeration", "smt")


def solve(problem, find_all: bool = False, limit: int = 50, progress=None,
          bounds: bool = False, method: str = "auto") -> SolveResult:
    """One fixed point, or (``find_all``) every fixed point when finitely many.

    ``problem``: a :class:`verifier.decision.fixed_points.FixedPointProblem`. ``method``:
    "auto" enumerates Nash equilibria for two best-response agents
    (:func:`verifier.decision.best_response.solve_nash`) and searches with Z3 otherwise;
    "enumeration" or "smt" forces one (to compare them); another raises UsageError. With
    ``bounds``, a continuum is described by the exact range of each player's P(first
    action) and payoff over all fixed points (:func:`verifier.decision.optimisation.ranges`).
    ``progress``: called with the number of points found so far.
    """
    start = time.perf_counter()
    if method not in METHODS:
        raise UsageError(f"method {method!r}: one of {', '.join(METHODS)}")
    if method == "enumeration" and not best_response.is_best_response_pair(problem):
        raise UsageError("enumeration is for two best-response agents (with tie "
                         "randomisation); use method 'smt' or 'auto'")
    if method != "smt" and best_response.is_best_response_pair(problem):
        return best_response.solve_nash(problem, find_all, bounds, progress, start)
    points: list[FixedPoint] = []
    blocks: list = []
    complete, continuum = False, None
    if find_all:
        inner = interior_search(problem)
        if inner is not None:
            note = ("continuum: a family of fixed points passes through this one (one or "
                    "both strategies can move, the witness staying valid)")
            note += problem.reading_note
            bounded = ranges(problem, progress) if bounds else ()
            return SolveResult(problem.game.name, problem.specs, (inner,), False, True, note,
                               time.perf_counter() - start, problem.readings, problem.ties,
                               bounds=bounded, assumptions=problem.region_text)
    while True:
        if progress:
            progress(len(points))
        point = problem.find(blocks, general=[])
        if point is None:
            complete, continuum = True, (False if find_all else None)
            note = "no other fixed point" if points else \
                "no fixed point: impossible for halting agents, an encoding bug"
            break
        points.append(point)
        if not find_all:
            note = "one fixed point (ask for all to enumerate)"
            break
        if interior_point(problem.programs_at(dict(point.params)), point.witness):
            continuum = True
            note = (f"continuum: a family of fixed points passes through fixed point "
                    f"{len(points)} (the witness stays valid as a strategy moves)")
            break
        if len(points) >= limit:
            note = f"stopped after {limit} fixed points; finiteness not decided"
            break
        blocks.append(exclude(problem, point, len(points)))
    note += problem.reading_note
    if problem.region is not None:
        note += ("; parameters: a point 'for every parameter in the region' is a fixed "
                 "point throughout it, others were found at the values shown; "
                 + ("no other profile is a fixed point for any parameter in the region"
                    if complete else "other profiles may be fixed points elsewhere"))
    bounded = ranges(problem, progress) if bounds and continuum else ()
    return SolveResult(problem.game.name, problem.specs, tuple(points), complete, continuum,
                       note, time.perf_counter() - start, problem.readings, problem.ties,
                       bounds=bounded, assumptions=problem.region_text)


def interior_search(problem) -> FixedPoint | None:
    """A fixed point that passes :func:`interior_point`, if one is quickly found (a query
    answering unknown is skipped)."""
    for movers in ({0}, {1}, {0, 1}):
        constraints = problem.system.interior_constraints(movers)
        if any(isinstance(c, Truth) and not c.value for c in constraints):
            continue
        try:
            point = problem.find(smt.formulas(constraints))
        except SolverUnknown:
            continue
        if point is not None and interior_point(problem.programs_at(dict(point.params)),
                                                point.witness):
            return point
    return None


def exclude(problem, point: FixedPoint, index: int):
    """A Z3 constraint excluding exactly this profile (or, for a family written in the
    parameters, the whole family); ``index`` names the numerals of an algebraic point."""
    if point.family:
        return z3.Or([smt.term(named(n) * den - num) != 0 for n, (num, den) in
                      point.family.items() if n in problem.free_names] or [z3.BoolVal(False)])
    free = [smt.term(x) for i in (0, 1) for x in problem.system.free[i]]
    values = [v for s in point.profile for v in s[:-1]]
    differs = [x != numeral(v, f"exclude{index}_{k}")
               for k, (x, v) in enumerate(zip(free, values))]
    return z3.Or(differs) if differs else z3.BoolVal(False)
