"""Whether a fixed point lies in a continuum of fixed points: a sufficient condition,
checked exactly with the interpreter (docs/semantics.md). Used to report a continuum
instead of enumerating it, and by the checker for a solve certificate's last witness.
"""

from __future__ import annotations

from ..model.agents import Mix, Query
from ..model.numbers import compare
from .interpreter import FixedPointWitness, output, seat_values


def interior_point(programs: tuple, witness: FixedPointWitness) -> bool:
    """True when the witness shows infinitely many fixed points near its profile.

    A sufficient condition, checked exactly, for some set M of *moving*
    seats: keeping the tie probabilities and every run's observation, the
    strategies of the seats in M can move freely near the profile and every
    profile reached is a fixed point. It holds when

    - each seat in M has two actions and its strategy lies strictly between
      the lowest and highest outputs of its runs;
    - a seat outside M either *follows* (deterministic, reading only the
      opponent's strategy, so its strategy moves with the other's) or stays
      put, its outputs not depending on any moving strategy;
    - every estimate of a moving strategy is strictly within delta/2 of the
      truth (it stays admissible, a grid point included, as the truth moves a
      little), and no query about a moving strategy is at a tie.

    Then every answer stays forced, every observation stays admissible, and
    outputs move continuously, so the strict inequalities persist nearby.
    """
    for movers in ({0}, {1}, {0, 1}):
        if _moves_freely(programs, witness, movers):
            return True
    return False


def _moves_freely(programs: tuple, witness: FixedPointWitness, movers: set) -> bool:
    profile = witness.profile
    moving = set(movers) | {s for s in (0, 1) if s not in movers and 1 - s in movers
                            and _follower(programs[s])}
    for seat, (prog, runs) in enumerate(zip(programs, witness.runs)):
        own, opp = profile[seat], profile[1 - seat]
        seat_of = {"self": seat, "opp": 1 - seat}
        if seat in moving and seat not in movers:
            continue  # a follower: its condition holds by construction
        if seat in movers and (prog.n_self != 2 or len(runs) < 2):
            return False
        if seat not in moving and any(
                seat_of[v[0]] in moving for node in prog.distinct()[0] if isinstance(node, Mix)
                for v in node.prob.variables()):
            return False
        values = seat_values(own, opp)
        for cond in prog.distinct()[1]:
            if isinstance(cond, Query) and \
                    any(seat_of[v[0]] in moving for v in cond.poly.variables()) and \
                    compare(cond.poly.evaluate(values), cond.threshold) == 0:
                return False
        outputs = []
        for run in runs:
            obs = run.observation
            if obs.estimate is not None:
                half = prog.delta / 2
                for who, est, true in ((seat, obs.estimate[0], own),
                                       (1 - seat, obs.estimate[1], opp)):
                    if who in moving and any(
                            compare(e - t, half) >= 0 or compare(t - e, half) >= 0
                            for e, t in zip(est, true)):
                        return False
            outputs.append(output(prog, own, opp, obs, witness.answers, seat)[0])
        if seat in movers and not (any(compare(o, own[0]) < 0 for o in outputs)
                                   and any(compare(o, own[0]) > 0 for o in outputs)):
            return False
    return True


def _follower(prog) -> bool:
    """A deterministic program whose output depends on the opponent's strategy only."""
    return prog.is_deterministic and not any(
        v[0] == "self" for node in prog.distinct()[0] if isinstance(node, Mix)
        for v in node.prob.variables())
