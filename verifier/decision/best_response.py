"""The Nash path: the fixed points of two best-response agents are the Nash equilibria.

With tie randomisation and no parameters, a pair of the library's best-response agents
has exactly the Nash equilibria as fixed points; :func:`solve_nash` enumerates the extreme
equilibria exactly (:mod:`verifier.decision.nash`), re-checks each with the interpreter
(:func:`nash_point`) and reports the maximal convex sets they span.
"""

from __future__ import annotations

import time
from fractions import Fraction

from . import nash
from .optimisation import ranges
from .results import FixedPoint, SolveResult
from ..errors import UnsoundnessError
from ..model.library import best_response
from ..model.numbers import compare
from ..semantics.interpreter import (FixedPointWitness, InadmissibleObservation, Run, pure_runs,
                                     verify_fixed_point)


def is_best_response_pair(problem) -> bool:
    """Both agents of ``problem`` are the library's best-response agent (ties randomising,
    no parameters): their fixed points are the Nash equilibria."""
    return problem.tie_randomization and not problem.symbols and all(
        built or p == best_response().program(problem.game, seat)
        for seat, (built, p) in enumerate(zip(problem.best_replies, problem.programs)))


def solve_nash(problem, find_all: bool, bounds: bool, progress, start: float) -> SolveResult:
    """Every fixed point of two best-response agents: the extreme Nash equilibria,
    each re-checked by the interpreter, and the maximal convex sets they span.

    ``find_all`` False: the first equilibrium only; ``bounds``: describe a continuum by
    exact ranges; ``progress``: called with the number of points so far; ``start``: the
    :func:`time.perf_counter` reading the result's seconds count from.
    """
    found = nash.equilibria(*problem.game.payoffs)
    profiles = found.profiles if find_all else found.profiles[:1]
    points, keys = [], asked_keys(problem)
    for k, profile in enumerate(profiles):
        if progress:
            progress(k)
        points.append(nash_point(problem, profile, keys))
    xs, ys = found.strategies
    components = tuple((tuple(xs[i] for i in a), tuple(ys[j] for j in b))
                       for a, b in found.cliques) if find_all else ()
    if not find_all:
        note = "one fixed point (ask for all to enumerate)"
        complete, continuum = False, None
    else:
        complete, continuum = True, found.continuum
        note = (f"best-response pair: the fixed points are the Nash equilibria; "
                f"{len(points)} extreme equilibri{'um' if len(points) == 1 else 'a'} by exact "
                f"vertex enumeration, each "
                f"re-checked by the interpreter")
        if continuum:
            note += (f"; a continuum: the fixed points are the union of {len(components)} "
                     f"maximal convex sets, each the product of the convex hulls in "
                     f"'components'")
    bounded = ranges(problem, progress) if bounds and continuum else ()
    return SolveResult(problem.game.name, problem.specs, tuple(points), complete, continuum,
                       note, time.perf_counter() - start, problem.readings, problem.ties,
                       bounds=bounded, components=components,
                       nash=found if find_all else None)


def asked_keys(problem) -> tuple:
    """The distinct query keys (:func:`verifier.model.agents.query_key`) of the queries
    the two programs of ``problem`` ask, in the order the programs list them."""
    return tuple(dict.fromkeys(key for seat, prog in enumerate(problem.programs)
                               for key in prog.query_keys(seat)))


def nash_point(problem, profile: tuple, keys: tuple | None = None) -> FixedPoint:
    """The fixed point of an equilibrium, with runs that each play one action of its
    support, verified by the interpreter. ``keys``: :func:`asked_keys` of this problem
    (computed when not given); the oracle's tie answers are written for these keys, so
    other keys give a witness the interpreter rejects. Raises UnsoundnessError when an
    agent cannot play its support or the interpreter rejects the point."""
    runs = []
    values = {("s", i, k): p for i, s in enumerate(profile) for k, p in enumerate(s)}
    # the oracle answers 0 at every tie; the knockout's Choose then picks any best reply
    answers = {key: Fraction(0) for key in (asked_keys(problem) if keys is None else keys)
               if compare(key[0].evaluate(values), key[1]) == 0}
    for seat, prog in enumerate(problem.programs):
        own, opp = profile[seat], profile[1 - seat]
        seat_runs = []
        support = [action for action, weight in enumerate(own) if weight]
        for action, seen in zip(support, pure_runs(prog, seat, own, opp, support, answers)):
            if seen is None:
                raise UnsoundnessError(f"equilibrium {profile}: {prog.name} cannot play "
                                       f"action {action + 1}, which is a best reply")
            seat_runs.append(Run(own[action], seen))
        runs.append(tuple(seat_runs))
    witness = FixedPointWitness(profile, tuple(runs), answers)
    try:
        verify_fixed_point(problem.programs, witness)
    except InadmissibleObservation as err:
        raise UnsoundnessError(f"equilibrium {profile} is not a fixed point: {err}") from None
    payoffs = tuple(problem.game.expected_payoff(i, *profile) for i in (0, 1))
    return FixedPoint(profile, payoffs, witness)
