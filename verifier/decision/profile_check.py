"""One profile checked: is it a fixed point, and if not, which agent fails and why.

:func:`check_profile` asks for a fixed point at the exact profile; failing that, it asks,
seat by seat, whether the agent alone can produce its strategy there (the other seat's
runs relaxed to their hull), and gives the exact range of each action's probability over
the outputs each agent can produce (:func:`output_ranges`).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cmp_to_key

from .best_response import is_best_response_pair, nash_point
from .extremum import minimize
from .results import PointCheck
from ..encoding import smt
from ..encoding.compiler import System
from ..encoding.smt import SolverUnknown
from ..model.numbers import compare
from ..model.params import ParameterError


def check_profile(problem, profile: tuple) -> PointCheck:
    """Is this exact profile a fixed point of ``problem`` (a
    :class:`verifier.decision.fixed_points.FixedPointProblem`)? If not, which agent fails
    and why. ``profile``: two distributions of exact numbers, seat 1 first. Raises
    ParameterError for agents with parameters, ValueError for a profile that is not a pair
    of distributions over the game's actions."""
    if problem.symbols:
        pinned = problem.region.pinned() if problem.region is not None else {}
        free = [n for n in problem.symbols if n not in pinned] or list(problem.symbols)
        raise ParameterError("checking a profile needs concrete parameters (free: "
                             f"{', '.join(free)}; a region such as \"{free[0]} = 1/2\" "
                             "pins one)")
    game = problem.game
    for i, s in enumerate(profile):
        if len(s) != game.num_actions(i) or any(compare(p, 0) < 0 for p in s) or \
                compare(sum(s), 1) != 0:  # exact also for algebraic numbers (CRootOf)
            raise ValueError(f"strategy {i + 1} {tuple(map(str, s))} is not a distribution "
                             f"over {game.num_actions(i)} actions")
    if is_best_response_pair(problem):  # the Nash path: no system is compiled
        return _best_responses(problem, profile)
    point = problem.find(problem.at_profile(profile))
    if point is not None:
        return PointCheck(profile, point, (), (None, None))
    failing = []
    for seat in (0, 1):
        alone = System(game, problem.programs, problem.tie_randomization,
                       hull=(seat == 0, seat == 1))
        if problem.queries.model(smt.formulas(alone.constraints)
                                 + problem.at_profile(profile, alone)) is None:
            failing.append(seat)
    runs = System(game, problem.programs, problem.tie_randomization, hull=(False, False))
    closed = System(game, problem.programs, problem.tie_randomization, hull=(False, False),
                    closed=True)
    fixed = problem.at_profile(profile, runs)
    producible = tuple(output_ranges(problem, seat, runs, closed, fixed) for seat in (0, 1))
    return PointCheck(profile, None, tuple(failing), producible)


def output_ranges(problem, seat: int, runs: System, closed: System, fixed: list):
    """Exact range of each action's probability over one run's outputs of the agent in
    ``seat``: a list of (low, high, low attained, high attained), one per action; None
    when a range is not certified or a query answers unknown. ``runs``/``closed``: the
    system without hulls and its closed relaxation; ``fixed``: Z3 constraints fixing the
    profile."""
    n = problem.programs[seat].n_self
    term_of = [smt.term(t) for t in runs.runs[seat][0].output]
    constraints = smt.formulas(runs.constraints) + fixed
    relaxed = smt.formulas(closed.constraints) + fixed
    ranges = []
    try:
        for k in range(n):
            low = minimize(problem.queries, constraints, relaxed, smt.variables(runs),
                           term_of[k], Fraction(-1))
            high = minimize(problem.queries, constraints, relaxed, smt.variables(runs),
                            -term_of[k], Fraction(-2))
            if low.value is None or high.value is None:
                return None
            ranges.append((low.value, -high.value, low.attained, high.attained))
    except SolverUnknown:
        return None
    return ranges


def _best_responses(problem, profile: tuple) -> PointCheck:
    """:func:`check_profile` for two best-response agents (ties randomising): a fixed point
    iff each strategy is supported on best replies to the other (a Nash equilibrium; its
    witness from :func:`verifier.decision.best_response.nash_point`, re-checked by the
    interpreter). Each agent can produce exactly the distributions over its best replies:
    P(action) ranges over [0, 1] for one of several best replies, is 1 for the only one
    and 0 for any other action."""
    game, failing, producible = problem.game, [], []
    for seat in (0, 1):
        own, opp = profile[seat], profile[1 - seat]
        values = [game.expected_payoff(seat, *((pure, opp) if seat == 0 else (opp, pure)))
                  for pure in (tuple(Fraction(int(k == a)) for k in range(len(own)))
                               for a in range(len(own)))]
        best = max(values, key=cmp_to_key(compare))  # exact, also for algebraic profiles
        replies = [compare(v, best) == 0 for v in values]
        if any(compare(p, 0) != 0 and not r for p, r in zip(own, replies)):
            failing.append(seat)
        only = sum(replies) == 1
        producible.append([(Fraction(int(r and only)), Fraction(int(r)), True, True)
                           for r in replies])
    if not failing:
        return PointCheck(profile, nash_point(problem, profile), (), (None, None))
    return PointCheck(profile, None, tuple(failing), tuple(producible))
