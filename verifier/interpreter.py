"""The exact interpreter: what an agent outputs, given what the oracle answered.

Given a program, the true profile and one *observation* (the estimate the
agent obtained, the oracle's answers at ties, the agent's randomisation at
``Choose`` nodes), :func:`output` computes the agent's output distribution
exactly, refusing observations the oracle could not have produced (an
estimate farther than delta/2 from the truth, a tie answer where there is no
tie). :func:`verify_fixed_point` checks a fixed-point witness: each player's
strategy is a convex combination of its agent's outputs under admissible
observations. This module is the independent reference for the compiler and
the core of certificate checking; it never imports z3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from typing import Mapping, Sequence

from .agents import (AllOf, AnyOf, Choose, Cond, Constant, If, Mix, Negation, Node, Play,
                     PlayEstimate, Program, Query, Surely)
from .numbers import Number, compare, simplify_number


class InadmissibleObservation(ValueError):
    """The observation is not one an oracle consistent with the profile can give."""


@dataclass(frozen=True)
class Observation:
    """What one run of an agent saw.

    ``estimate``: (own strategy estimate, opponent strategy estimate), or None
    for agents that do not estimate. ``answers``: for each oracle query at a
    tie, keyed by its path, the probability that the oracle answered 1.
    ``choices``: for each Choose node, keyed by path, the distribution over
    its options.
    """

    estimate: tuple | None = None
    answers: Mapping[tuple, Number] = field(default_factory=dict)
    choices: Mapping[tuple, tuple] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One admissible observation and the weight of its output in the mixture."""

    weight: Number
    observation: Observation


@dataclass(frozen=True)
class FixedPointWitness:
    """A profile and, for each seat, the runs whose outputs mix to its strategy."""

    profile: tuple  # (strategy of player 0, strategy of player 1)
    runs: tuple  # (runs of seat 0, runs of seat 1), each a tuple of Run


def _values(profile_self: Sequence, profile_opp: Sequence) -> dict:
    values = {("self", k): p for k, p in enumerate(profile_self)}
    values.update({("opp", k): p for k, p in enumerate(profile_opp)})
    return values


def _check_distribution(dist: Sequence, n: int, what: str) -> None:
    if len(dist) != n:
        raise InadmissibleObservation(f"{what} has {len(dist)} entries, expected {n}")
    if any(compare(p, 0) < 0 for p in dist) or compare(sum(dist, Fraction(0)), 1) != 0:
        raise InadmissibleObservation(f"{what} {tuple(dist)} is not a distribution")


def box_vertices(center: Sequence, radius: Fraction) -> list[tuple]:
    """Vertices of {x in the simplex : |x_k - center_k| <= radius for all k}.

    A vertex has every coordinate but one at a bound of its interval
    [max(0, c - r), min(1, c + r)]; the last is fixed by the sum.
    """
    n = len(center)
    lo = [max(Fraction(0), c - radius) if isinstance(c, Fraction) else _max(0, c - radius)
          for c in center]
    hi = [min(Fraction(1), c + radius) if isinstance(c, Fraction) else _min(1, c + radius)
          for c in center]
    if n == 1:
        return [(Fraction(1),)]
    found = []
    for free in range(n):
        others = [k for k in range(n) if k != free]
        for bounds in product((0, 1), repeat=n - 1):
            x = [None] * n
            for k, b in zip(others, bounds):
                x[k] = hi[k] if b else lo[k]
            x[free] = 1 - sum(x[k] for k in others)
            if compare(lo[free], x[free]) <= 0 <= compare(hi[free], x[free]):
                point = tuple(simplify_number(v) for v in x)
                if all(any(compare(a, b) != 0 for a, b in zip(point, q)) for q in found):
                    found.append(point)
    return found


def _max(a, b):
    return a if compare(a, b) >= 0 else b


def _min(a, b):
    return a if compare(a, b) <= 0 else b


class _Evaluator:
    def __init__(self, program: Program, profile_self, profile_opp, obs: Observation):
        self.program = program
        self.values = _values(profile_self, profile_opp)
        self.obs = obs
        if program.uses_estimates:
            if obs.estimate is None:
                raise InadmissibleObservation(f"{program.name} estimates, but no estimate given")
            est_self, est_opp = obs.estimate
            _check_distribution(est_self, program.n_self, "own estimate")
            _check_distribution(est_opp, program.n_opp, "opponent estimate")
            half = program.delta / 2
            for est, true, who in ((est_self, profile_self, "own"),
                                   (est_opp, profile_opp, "opponent")):
                for k, (e, t) in enumerate(zip(est, true)):
                    if compare(e - t, half) > 0 or compare(t - e, half) > 0:
                        raise InadmissibleObservation(
                            f"{who} estimate coordinate {k} is {e}, more than delta/2 = {half} "
                            f"from the true {t}")
            self.vertices = [box_vertices(est_self, program.delta),
                             box_vertices(est_opp, program.delta)]
            self.estimate_values = _values(est_self, est_opp)

    # conditions evaluate to the probability that they are true
    def cond(self, cond: Cond, path: tuple) -> Number:
        if isinstance(cond, Query):
            side = compare(cond.poly.evaluate(self.values), cond.threshold)
            if side == 0:
                if path not in self.obs.answers:
                    raise InadmissibleObservation(f"query at {path} is at a tie; its answer "
                                                  f"is needed")
                q = self.obs.answers[path]
                if not (compare(q, 0) >= 0 and compare(q, 1) <= 0):
                    raise InadmissibleObservation(f"tie answer {q} at {path} is not in [0, 1]")
                return q
            if path in self.obs.answers:
                given = self.obs.answers[path]
                if compare(given, Fraction(side > 0)) != 0:
                    raise InadmissibleObservation(
                        f"query at {path} is not at a tie: the oracle must answer "
                        f"{int(side > 0)}, not {given}")
            return Fraction(side > 0)
        if isinstance(cond, Surely):
            return Fraction(self.surely(cond))
        if isinstance(cond, AllOf):
            p: Number = Fraction(1)
            for i, part in enumerate(cond.conds):
                p = p * self.cond(part, path + (i,))
            return p
        if isinstance(cond, AnyOf):
            q: Number = Fraction(1)
            for i, part in enumerate(cond.conds):
                q = q * (1 - self.cond(part, path + (i,)))
            return 1 - q
        if isinstance(cond, Negation):
            return 1 - self.cond(cond.cond, path + (0,))
        if isinstance(cond, Constant):
            return Fraction(cond.value)
        raise InadmissibleObservation(f"unknown condition {cond!r}")

    def surely(self, cond: Surely) -> bool:
        """Does the condition hold at every vertex of both estimate boxes?"""
        return all(_compare_op(cond.poly.evaluate(_values(v_self, v_opp)), cond.op)
                   for v_self in self.vertices[0] for v_opp in self.vertices[1])

    def node(self, node: Node, path: tuple) -> list:
        n = self.program.n_self
        if isinstance(node, Play):
            return list(node.dist)
        if isinstance(node, PlayEstimate):
            return list(self.obs.estimate[0])
        if isinstance(node, Mix):
            p = node.prob.evaluate(self.values)
            if compare(p, 0) < 0 or compare(p, 1) > 0:
                raise InadmissibleObservation(f"Mix probability at {path} is {p}, not in [0, 1]")
            first, second = self.node(node.first, path + (0,)), self.node(node.second, path + (1,))
            return [p * a + (1 - p) * b for a, b in zip(first, second)]
        if isinstance(node, If):
            p = self.cond(node.cond, path + ("c",))
            # evaluate a branch only when it can run: a branch of probability 0
            # may meet queries whose answers the observation rightly omits
            then = self.node(node.then, path + (0,)) if compare(p, 0) != 0 else [0] * n
            orelse = self.node(node.orelse, path + (1,)) if compare(p, 1) != 0 else [0] * n
            return [p * a + (1 - p) * b for a, b in zip(then, orelse)]
        if isinstance(node, Choose):
            if path not in self.obs.choices:
                raise InadmissibleObservation(f"the randomisation at Choose {path} is needed")
            weights = self.obs.choices[path]
            _check_distribution(weights, len(node.options), f"choice at {path}")
            out = [Fraction(0)] * n
            for i, (w, option) in enumerate(zip(weights, node.options)):
                if compare(w, 0) != 0:
                    part = self.node(option, path + (i,))
                    out = [o + w * x for o, x in zip(out, part)]
            return out
        raise InadmissibleObservation(f"unknown node {node!r}")


def _compare_op(value: Number, op: str) -> bool:
    c = compare(value, 0)
    return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def output(program: Program, profile_self: Sequence, profile_opp: Sequence,
           observation: Observation = Observation()) -> tuple:
    """The agent's exact output distribution for one admissible observation.

    >>> from verifier.library import nicerbot
    >>> from verifier.games import builtin_game
    >>> prog = nicerbot("1/10").program(builtin_game("pd-a"), 0)
    >>> output(prog, (0, 1), (0, 1))   # against a defector
    (Fraction(1, 10), Fraction(9, 10))
    """
    _check_distribution(profile_self, program.n_self, "own strategy")
    _check_distribution(profile_opp, program.n_opp, "opponent strategy")
    ev = _Evaluator(program, [simplify_number(Fraction(p) if isinstance(p, int) else p)
                              for p in profile_self],
                    [simplify_number(Fraction(p) if isinstance(p, int) else p)
                     for p in profile_opp], observation)
    strangers = set(observation.answers) - program.query_paths
    if strangers:
        raise InadmissibleObservation(f"answers given for queries the program does not have: "
                                      f"{sorted(strangers, key=str)}")
    result = ev.node(program.body, ())
    return tuple(simplify_number(x) for x in result)


def mixture(program: Program, profile_self: Sequence, profile_opp: Sequence,
            runs: Sequence[Run]) -> tuple:
    """The weighted mixture of the outputs of several runs (weights sum to 1)."""
    if not runs:
        raise InadmissibleObservation("at least one run is needed")
    _check_distribution([r.weight for r in runs], len(runs), "run weights")
    total = [Fraction(0)] * program.n_self
    for run in runs:
        out = output(program, profile_self, profile_opp, run.observation)
        total = [t + run.weight * o for t, o in zip(total, out)]
    return tuple(simplify_number(t) for t in total)


def vertex_outputs(program: Program, profile_self: Sequence, profile_opp: Sequence,
                   estimate: tuple | None = None) -> set:
    """The outputs under every deterministic observation with this estimate (needed by
    programs that estimate, ignored by the others): tie answers 0 or 1 and one option
    at each Choose.

    An output is multilinear in the tie answers and the Choose weights, so the
    strategies a seat can hold at this profile with this estimate (mixtures of
    runs) are exactly the convex hull of these points: a membership test
    independent of the compiler, used by the fuzz tests. An estimating agent's
    runs may each see another estimate; the union over estimates is then needed.
    """
    if program.uses_estimates and estimate is None:
        raise ValueError(f"{program.name} estimates: give the estimate")
    evaluator = _Evaluator(program, profile_self, profile_opp, Observation(estimate=estimate)) \
        if program.uses_estimates else None  # checks that the estimate is admissible
    values = _values(profile_self, profile_opp)
    n = program.n_self

    def cond(c: Cond, path: tuple) -> list:  # the possible truth values, 0 or 1
        if isinstance(c, Query):
            side = compare(c.poly.evaluate(values), c.threshold)
            return [0, 1] if side == 0 else [int(side > 0)]
        if isinstance(c, (AllOf, AnyOf)):
            options = [cond(part, path + (i,)) for i, part in enumerate(c.conds)]
            pick = all if isinstance(c, AllOf) else any
            return sorted({int(pick(combo)) for combo in product(*options)})
        if isinstance(c, Negation):
            return [1 - v for v in cond(c.cond, path + (0,))]
        if isinstance(c, Constant):
            return [int(c.value)]
        if isinstance(c, Surely):
            return [int(evaluator.surely(c))]
        raise ValueError(f"unknown condition {c!r}")

    def node(x: Node, path: tuple) -> set:
        if isinstance(x, Play):
            return {tuple(Fraction(p) for p in x.dist)}
        if isinstance(x, Mix):
            p = x.prob.evaluate(values)
            return {tuple(simplify_number(p * a + (1 - p) * b) for a, b in zip(u, v))
                    for u in node(x.first, path + (0,)) for v in node(x.second, path + (1,))}
        if isinstance(x, If):
            out: set = set()
            for truth in cond(x.cond, path + ("c",)):
                out |= node(x.then, path + (0,)) if truth else node(x.orelse, path + (1,))
            return out
        if isinstance(x, Choose):
            return set().union(*(node(o, path + (i,)) for i, o in enumerate(x.options)))
        if isinstance(x, PlayEstimate):
            return {tuple(simplify_number(p) for p in estimate[0])}
        raise ValueError(f"unknown node {x!r}")

    return {o for o in node(program.body, ()) if len(o) == n}


def pure_run(program: Program, profile_self: Sequence, profile_opp: Sequence,
             action: int) -> Observation | None:
    """An observation under which the program plays ``action`` for sure, or None.

    A depth-first search over the tie answers (0 or 1) and the Choose
    options (one each); for programs that do not estimate. Used to write
    witnesses of fixed points found without a solver; the witness is then
    checked by :func:`verify_fixed_point` like any other.
    """
    if program.uses_estimates:
        return None
    values = _values(profile_self, profile_opp)
    plays: dict = {}  # id(node) -> can a Play below it give the action?

    def can_play(node: Node) -> bool:
        if id(node) not in plays:
            plays[id(node)] = node.dist[action] != 0 if isinstance(node, Play) else \
                any(can_play(child) for child in node.children())
        return plays[id(node)]

    def ties(cond: Cond, path: tuple) -> list:
        if isinstance(cond, Query):
            return [path] if compare(cond.poly.evaluate(values), cond.threshold) == 0 else []
        return [p for i, part in enumerate(cond.parts()) for p in ties(part, path + (i,))]

    def search(node: Node, path: tuple) -> tuple[dict, dict] | None:
        if not can_play(node):
            return None
        if isinstance(node, Play):
            return ({}, {}) if node.dist[action] == 1 else None
        if isinstance(node, Mix):
            p = node.prob.evaluate(values)
            first = search(node.first, path + (0,)) if p != 0 else ({}, {})
            second = search(node.second, path + (1,)) if p != 1 else ({}, {})
            if first is None or second is None:
                return None
            return first[0] | second[0], first[1] | second[1]
        if isinstance(node, If):
            at = ties(node.cond, path + ("c",))
            for bits in product((0, 1), repeat=len(at)):
                answers = dict(zip(at, map(Fraction, bits)))
                holds = _Evaluator(program, profile_self, profile_opp,
                                   Observation(answers=answers)).cond(node.cond, path + ("c",))
                if holds not in (0, 1):
                    continue
                branch = (node.then, path + (0,)) if holds == 1 else (node.orelse, path + (1,))
                found = search(*branch)
                if found is not None:
                    return answers | found[0], found[1]
            return None
        if isinstance(node, Choose):
            for i, option in enumerate(node.options):
                found = search(option, path + (i,))
                if found is not None:
                    pick = tuple(Fraction(int(k == i)) for k in range(len(node.options)))
                    return found[0], found[1] | {path: pick}
            return None
        return None

    found = search(program.body, ())
    return None if found is None else Observation(answers=found[0], choices=found[1])


def verify_fixed_point(programs: tuple, witness: FixedPointWitness) -> None:
    """Raise InadmissibleObservation unless the witness shows a fixed point.

    ``programs`` are the agents' programs for seats 0 and 1.
    """
    s0, s1 = witness.profile
    for seat, (prog, runs) in enumerate(zip(programs, witness.runs)):
        own, opp = (s0, s1) if seat == 0 else (s1, s0)
        produced = mixture(prog, own, opp, runs)
        if any(compare(a, b) != 0 for a, b in zip(produced, own)):
            raise InadmissibleObservation(
                f"seat {seat + 1} ({prog.name}): the runs produce {produced}, "
                f"not the strategy {tuple(own)}")


def interior_point(programs: tuple, witness: FixedPointWitness) -> bool:
    """True when the witness shows infinitely many fixed points near its profile.

    A sufficient condition, checked exactly, for some set M of *moving*
    seats: keeping every run's observation, the strategies of the seats in M
    can move freely near the profile and every profile reached is a fixed
    point. It holds when

    - each seat in M has two actions and its strategy lies strictly between
      the lowest and highest outputs of its runs;
    - a seat outside M either *follows* (deterministic, reading only the
      opponent's strategy, so its strategy moves with the other's) or stays
      put, its outputs not depending on any moving strategy;
    - every estimate of a moving strategy is strictly within delta/2 of the
      truth, and no query asked about a moving strategy is at a tie.

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
                seat_of[v[0]] in moving for _, node in prog.walk() if isinstance(node, Mix)
                for v in node.prob.variables()):
            return False
        values = {("self", k): p for k, p in enumerate(own)}
        values.update({("opp", k): p for k, p in enumerate(opp)})
        outputs = []
        for run in runs:
            obs = run.observation
            if obs.estimate is not None:
                half = prog.delta / 2
                for who, est, true in ((seat, obs.estimate[0], own), (1 - seat, obs.estimate[1], opp)):
                    if who in moving and any(compare(e - t, half) >= 0 or compare(t - e, half) >= 0
                                             for e, t in zip(est, true)):
                        return False
            for path, cond in prog.conditions():
                if path in obs.answers and isinstance(cond, Query) and \
                        any(seat_of[v[0]] in moving for v in cond.poly.variables()) and \
                        compare(cond.poly.evaluate(values), cond.threshold) == 0:
                    return False
            outputs.append(output(prog, own, opp, obs)[0])
        if seat in movers and not (any(compare(o, own[0]) < 0 for o in outputs)
                                   and any(compare(o, own[0]) > 0 for o in outputs)):
            return False
    return True


def _follower(prog) -> bool:
    """A deterministic program whose output depends on the opponent's strategy only."""
    return prog.is_deterministic and not any(
        v[0] == "self" for _, node in prog.walk() if isinstance(node, Mix)
        for v in node.prob.variables())

