"""Fixed points of a pair of agents: find, enumerate, optimise, check a point.

All answers are exact. Every fixed point reported has been re-checked by the
exact interpreter from its witness (a disagreement raises
:class:`UnsoundnessError`, never a verdict); a solver ``unknown`` or time-out
raises :class:`SolverUnknown`, which callers report as unknown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

import z3

from .agents import Agent, Mix, Query
from .compiler import System
from .extremum import Minimum, SolverUnknown, Z3Queries, minimize, numeral
from .games import Game
from .interpreter import FixedPointWitness, InadmissibleObservation, output, verify_fixed_point
from .numbers import Number, compare, fmt
from .poly import Formula, Poly

ESTIMATE_MODEL = "box"
DEFAULT_TIMEOUT = 120.0
BOX_NOTE = ("box estimate model: an estimate may be any point within delta/2 of the truth "
            "(an over-approximation of the post's grid estimates); an 'exists' answer is "
            "about this model")

__all__ = ["Pair", "FixedPoint", "SolveResult", "Optimum", "PointCheck", "SolverUnknown",
           "UnsoundnessError", "ESTIMATE_MODEL", "BOX_NOTE"]


class UnsoundnessError(RuntimeError):
    """Z3 returned a point the exact interpreter rejects: a bug, never a verdict."""


@dataclass(frozen=True)
class FixedPoint:
    """An exact fixed point, its payoffs and the witness that re-checks it."""

    profile: tuple
    payoffs: tuple
    witness: FixedPointWitness = field(repr=False, compare=False)

    def to_json(self, decimals: int | None = None) -> dict:
        return {"profile": [[fmt(p, decimals) for p in s] for s in self.profile],
                "payoffs": [fmt(u, decimals) for u in self.payoffs]}

    def describe(self, game: Game, decimals: int | None = None) -> str:
        sides = ["(" + ", ".join(f"{a}={fmt(p, decimals)}" for a, p in zip(game.actions[i], s))
                 + ")" for i, s in enumerate(self.profile)]
        pay = ", ".join(fmt(u, decimals) for u in self.payoffs)
        return f"{sides[0]} vs {sides[1]}, payoffs ({pay})"


@dataclass(frozen=True)
class SolveResult:
    """The fixed points found for a pair, and what is known about the others."""

    game: str
    agents: tuple
    fixed_points: tuple
    complete: bool
    continuum: bool | None
    note: str
    seconds: float
    estimate_model: str = ESTIMATE_MODEL

    def to_json(self, decimals: int | None = None) -> dict:
        return {"game": self.game, "agents": list(self.agents),
                "fixed_points": [p.to_json(decimals) for p in self.fixed_points],
                "complete": self.complete, "continuum": self.continuum, "note": self.note,
                "estimate_model": self.estimate_model, "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class Optimum:
    """The exact extreme of an objective over the fixed points.

    ``value``: the minimum/maximum when ``attained``, else the infimum/supremum,
    certified; None when it could not be certified, and then the optimum lies
    between ``proven`` (no fixed point beyond it) and ``found`` (a fixed point
    reaches it). ``point``: a fixed point at the value, or the best found.
    """

    sense: str
    value: Number | None
    attained: bool | None
    point: FixedPoint | None
    proven: Number
    found: Number
    note: str

    def to_json(self, decimals: int | None = None) -> dict:
        def text(x):
            return None if x is None else fmt(x, decimals)
        return {"sense": self.sense, "value": text(self.value), "attained": self.attained,
                "point": self.point.to_json(decimals) if self.point else None,
                "proven_bound": text(self.proven), "best_found": text(self.found),
                "note": self.note}


@dataclass(frozen=True)
class PointCheck:
    """Whether a given profile is a fixed point, and if not, why not.

    ``fixed_point`` carries the witness when it is one. Otherwise
    ``failing`` lists the seats whose agent cannot produce its strategy there,
    and ``producible[seat]`` the exact range of each action's probability over
    the outputs that agent can produce at the profile (a list of
    ``(low, high, low_attained, high_attained)``, or None when unknown).
    """

    profile: tuple
    fixed_point: FixedPoint | None
    failing: tuple
    producible: tuple

    def to_json(self, game: Game, decimals: int | None = None) -> dict:
        ranges = []
        for seat in (0, 1):
            if self.producible[seat] is None:
                ranges.append(None)
                continue
            ranges.append({game.actions[seat][k]: _interval_text(r, decimals)
                           for k, r in enumerate(self.producible[seat])})
        return {"profile": [[fmt(p, decimals) for p in s] for s in self.profile],
                "is_fixed_point": self.fixed_point is not None,
                "failing_seats": [s + 1 for s in self.failing], "producible": ranges,
                "fixed_point": self.fixed_point.to_json(decimals) if self.fixed_point else None}


def _interval_text(r, decimals) -> str:
    low, high, low_in, high_in = r
    return (("[" if low_in else "(") + fmt(low, decimals) + ", " + fmt(high, decimals)
            + ("]" if high_in else ")"))


class Pair:
    """Two agents on a game: the fixed-point problem and the questions about it."""

    def __init__(self, game: Game, agents: tuple, timeout: float = DEFAULT_TIMEOUT,
                 tie_randomization: bool = True):
        if len(agents) != 2:
            raise ValueError("a pair needs exactly two agents")
        self.game = game
        self.programs: tuple = tuple(a.program(game, i) if isinstance(a, Agent) else a
                                     for i, a in enumerate(agents))
        self.queries = Z3Queries(timeout)
        self.tie_randomization = tie_randomization
        self.system = System(game, self.programs, tie_randomization)
        self._closed: System | None = None

    @property
    def specs(self) -> tuple:
        return tuple(p.name for p in self.programs)

    @property
    def uses_estimates(self) -> bool:
        return any(p.uses_estimates for p in self.programs)

    @property
    def closed_system(self) -> System:
        """The closed relaxation; same variable names, so atoms can be shared."""
        if self._closed is None:
            self._closed = System(self.game, self.programs, self.tie_randomization, closed=True)
        return self._closed

    def term(self, poly: Poly):
        return self.system.seat_term(poly)

    def formula(self, phi: Formula):
        return self.system.seat_formula(phi)

    # -- points ---------------------------------------------------------------------
    def find(self, extra: list | None = None) -> FixedPoint | None:
        """A fixed point satisfying the extra Z3 constraints, or None if there is none."""
        model = self.queries.model(self.system.constraints + list(extra or []))
        return None if model is None else self.point_from(model)

    def point_from(self, model, system: System | None = None) -> FixedPoint:
        """The exact fixed point a model describes, re-checked by the interpreter."""
        witness = (system or self.system).witness(model)
        try:
            verify_fixed_point(self.programs, witness)
        except InadmissibleObservation as err:
            raise UnsoundnessError(f"Z3 returned a point the exact interpreter rejects: {err}")
        payoffs = tuple(self.game.expected_payoff(i, *witness.profile) for i in (0, 1))
        return FixedPoint(witness.profile, payoffs, witness)

    def counterexample(self, phi: Formula) -> FixedPoint | None:
        """A fixed point violating ``phi``; None proves every fixed point satisfies it."""
        return self.find([z3.Not(self.formula(phi))])

    def example(self, phi: Formula) -> FixedPoint | None:
        """A fixed point satisfying ``phi``; None proves there is none."""
        return self.find([self.formula(phi)])

    def at_profile(self, profile: tuple, system: System | None = None) -> list:
        """Constraints fixing the profile to exact values."""
        system = system or self.system
        out = []
        for i, strategy in enumerate(profile):
            for x, v in zip(system.free[i], strategy[:-1]):
                term, pins = numeral(v, f"{x}")
                out += pins + [x == term]
        return out

    # -- enumeration ----------------------------------------------------------------
    def solve(self, find_all: bool = False, limit: int = 50, progress=None) -> SolveResult:
        """One fixed point, or (``find_all``) every fixed point when finitely many.

        Enumeration excludes each point found and asks again. It stops when no
        other fixed point exists (complete), when a point found is shown to
        have a whole neighbourhood of fixed points (a continuum), or at
        ``limit`` points (finiteness undecided).
        """
        start = time.perf_counter()
        points: list[FixedPoint] = []
        blocks: list = []
        complete, continuum = False, None
        while True:
            if progress:
                progress(len(points))
            point = self.find(blocks)
            if point is None:
                complete, continuum = True, (False if find_all else None)
                note = "no other fixed point" if points else \
                    "no fixed point: impossible for halting agents, an encoding bug"
                break
            points.append(point)
            if not find_all:
                note = "one fixed point (ask for all to enumerate)"
                break
            if interior_point(self.programs, point.witness):
                continuum = True
                note = (f"continuum: every profile near fixed point {len(points)} is a "
                        f"fixed point too")
                break
            if len(points) >= limit:
                note = f"stopped after {limit} fixed points; finiteness not decided"
                break
            blocks.append(self._exclude(point, len(points)))
        if self.uses_estimates:
            note += "; " + BOX_NOTE
        return SolveResult(self.game.name, self.specs, tuple(points), complete, continuum,
                           note, time.perf_counter() - start)

    def _exclude(self, point: FixedPoint, index: int):
        """A constraint excluding exactly this profile."""
        differs, pins = [], []
        free = [x for i in (0, 1) for x in self.system.free[i]]
        values = [v for s in point.profile for v in s[:-1]]
        for k, (x, v) in enumerate(zip(free, values)):
            term, constraints = numeral(v, f"exclude{index}_{k}")
            differs.append(x != term)
            pins += constraints
        return z3.And(pins + [z3.Or(differs)]) if differs else z3.BoolVal(False)

    # -- optimisation -----------------------------------------------------------------
    def optimize(self, objective: Poly, sense: str = "min", subject_to: Formula | None = None,
                 progress=None) -> Optimum:
        """The exact min or max of ``objective`` (seat variables) over the fixed points.

        ``subject_to`` restricts to the fixed points satisfying a formula.
        """
        if sense not in ("min", "max"):
            raise ValueError("sense is 'min' or 'max'")
        sign = 1 if sense == "min" else -1
        f = sign * objective
        extra = [] if subject_to is None else [self.formula(subject_to)]
        closed_extra = [] if subject_to is None else \
            [self.closed_system.seat_formula(subject_to)]
        floor = sum((c for m, c in f.terms.items() if m and c < 0),
                    f.terms.get((), Fraction(0))) - 1  # every monomial lies in [0, 1]
        result: Minimum = minimize(self.queries, self.system.constraints + extra,
                                   self.closed_system.constraints + closed_extra,
                                   self.system.variables, self.term(f), floor, progress)
        point = self.point_from(result.model) if result.model is not None else None

        def unsign(x):
            return None if x is None else (x if sign == 1 else -x)

        return Optimum(sense, unsign(result.value), result.attained, point,
                       unsign(result.lower), unsign(result.upper), result.note)

    # -- one profile ------------------------------------------------------------------
    def check_profile(self, profile: tuple) -> PointCheck:
        """Is this exact profile a fixed point? If not, which agent fails and why."""
        for i, s in enumerate(profile):
            if len(s) != self.game.num_actions(i) or any(p < 0 for p in s) or sum(s) != 1:
                raise ValueError(f"strategy {i + 1} {tuple(map(str, s))} is not a distribution "
                                 f"over {self.game.num_actions(i)} actions")
        point = self.find(self.at_profile(profile))
        if point is not None:
            return PointCheck(profile, point, (), (None, None))
        failing = []
        for seat in (0, 1):
            alone = System(self.game, self.programs, self.tie_randomization,
                           hull=(seat == 0, seat == 1))
            if self.queries.model(alone.constraints + self.at_profile(profile, alone)) is None:
                failing.append(seat)
        runs = System(self.game, self.programs, self.tie_randomization, hull=(False, False))
        closed = System(self.game, self.programs, self.tie_randomization, hull=(False, False),
                        closed=True)
        fixed = self.at_profile(profile, runs)
        producible = tuple(self._output_ranges(seat, runs, closed, fixed) for seat in (0, 1))
        return PointCheck(profile, None, tuple(failing), producible)

    def _output_ranges(self, seat: int, runs: System, closed: System, fixed: list):
        """Exact range of each action's probability over one run's outputs."""
        n = self.programs[seat].n_self
        term_of = runs.runs[seat][0].output
        ranges = []
        try:
            for k in range(n):
                low = minimize(self.queries, runs.constraints + fixed, closed.constraints + fixed,
                               runs.variables, term_of[k], Fraction(-1))
                high = minimize(self.queries, runs.constraints + fixed,
                                closed.constraints + fixed, runs.variables, -term_of[k],
                                Fraction(-2))
                if low.value is None or high.value is None:
                    return None
                ranges.append((low.value, -high.value, low.attained, high.attained))
        except SolverUnknown:
            return None
        return ranges


def interior_point(programs: tuple, witness: FixedPointWitness) -> bool:
    """True when the witness shows that every profile near it is a fixed point.

    A sufficient condition, checked exactly. Each seat either *follows* (its
    agent is deterministic and reads only the opponent's strategy, so its
    strategy moves with the other's) or, keeping every run's observation:
    each estimate is strictly within delta/2 of the truth, no query asked is
    at a tie (every answer is forced and stays so nearby), and the strategy
    lies strictly between the lowest and highest outputs of its runs (two
    actions). Outputs move continuously with the profile (only exact-sampling
    probabilities depend on it), so every close enough profile is a fixed
    point with the same observations. At least one seat must not follow.
    """
    s0, s1 = witness.profile
    moving = False
    for seat, (prog, runs) in enumerate(zip(programs, witness.runs)):
        own, opp = (s0, s1) if seat == 0 else (s1, s0)
        if prog.n_self == 1 or _follower(prog):
            continue
        if prog.n_self != 2 or len(runs) < 2:
            return False
        moving = True
        values = {("self", k): p for k, p in enumerate(own)}
        values.update({("opp", k): p for k, p in enumerate(opp)})
        outputs = []
        for run in runs:
            obs = run.observation
            if obs.estimate is not None:
                half = prog.delta / 2
                for est, true in zip(obs.estimate, (own, opp)):
                    if any(compare(e - t, half) >= 0 or compare(t - e, half) >= 0
                           for e, t in zip(est, true)):
                        return False
            for path, cond in prog.conditions():
                if path in obs.answers and isinstance(cond, Query) and \
                        compare(cond.poly.evaluate(values), cond.threshold) == 0:
                    return False
            outputs.append(output(prog, own, opp, obs)[0])
        if not (any(compare(o, own[0]) < 0 for o in outputs)
                and any(compare(o, own[0]) > 0 for o in outputs)):
            return False
    return moving


def _follower(prog) -> bool:
    """A deterministic program whose output depends on the opponent's strategy only."""
    return prog.is_deterministic and not any(
        v[0] == "self" for _, node in prog.walk() if isinstance(node, Mix)
        for v in node.prob.variables())

