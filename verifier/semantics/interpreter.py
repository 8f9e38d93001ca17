"""The exact interpreter: what an agent outputs, given what the oracle and its estimate were.

The semantics is the reflective oracle's, written from its definition
(docs/references.md [fallenstein2015]; docs/semantics.md, section 2): the
oracle holds ONE probability q of answering 1 for each distinct query
(:func:`verifier.model.agents.query_key`), forced to 1 above the threshold and to
0 below it and free in [0, 1] at a tie, and every call is an independent draw
from that q. Given the true profile, the tie probabilities (``answers``) and
one *observation* of a run (the agent's estimate, its randomisation at
``Choose`` nodes), :func:`output` computes the agent's output distribution
exactly, as the expectation over the independent draws; it refuses what an
oracle consistent with the profile could not give (an estimate outside the
reading's admissible set, a tie probability where there is no tie).
:func:`verify_fixed_point` checks a fixed-point witness: one set of tie
probabilities, shared by both programs, and for each seat runs whose outputs
mix to its strategy.

This module is the independent reference for the compiler and the core of
certificate checking; it never imports z3 and shares no encoding with
:mod:`verifier.encoding.compiler` (its delta-sure tests are decided by direct exact
methods: box vertices, an interval of rates, candidate slices).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cmp_to_key
from itertools import combinations, product
from math import lcm
from typing import Callable, Mapping, Sequence

from ..model.agents import (AllOf, AnyOf, Choose, Cond, Constant, If, Mix, Negation, Node, Play,
                     PlayEstimate, Program, Query, QueryKey, Surely, SurelyCone, SurelyOutside,
                     query_key)
from ..errors import EvidenceRejected, UnknownNode
from ..model.numbers import Number, compare, simplify_number

TieAnswers = Mapping  # QueryKey -> the oracle's probability of answering 1 (a Number)
RunLog = Callable  # (path, Node or Cond, its output list or probability) -> None


class InadmissibleObservation(EvidenceRejected):
    """The observation is not one an oracle consistent with the profile can give."""


@dataclass(frozen=True)
class Observation:
    """What one run of an agent saw besides the oracle's tie probabilities.

    ``estimate``: (own strategy estimate, opponent strategy estimate), or None
    for agents that do not estimate. ``choices``: for each Choose node,
    keyed by its path, the distribution over its options.
    """

    estimate: tuple | None = None
    choices: Mapping[tuple, tuple] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """One admissible observation and the weight of its output in the mixture."""

    weight: Number
    observation: Observation


@dataclass(frozen=True)
class FixedPointWitness:
    """A profile; the oracle's tie probabilities, shared by both programs; and for each
    seat, the runs whose outputs mix to its strategy.

    ``answers`` maps each query at a tie (:func:`verifier.model.agents.query_key`) to
    its q; a query off its tie may be listed only with its forced answer.
    """

    profile: tuple  # (strategy of player 0, strategy of player 1)
    runs: tuple  # (runs of seat 0, runs of seat 1), each a tuple of Run
    answers: TieAnswers = field(default_factory=dict)


def seat_values(profile_self: Sequence, profile_opp: Sequence) -> dict:
    """The values of the agent-relative variables ``("self", k)`` and ``("opp", k)`` at a
    profile seen from one seat."""
    values = {("self", k): p for k, p in enumerate(profile_self)}
    values.update({("opp", k): p for k, p in enumerate(profile_opp)})
    return values


def _check_distribution(dist: Sequence, n: int, what: str) -> None:
    if len(dist) != n:
        raise InadmissibleObservation(f"{what} has {len(dist)} entries, expected {n}")
    if all(type(p) is Fraction for p in dist):  # the common case: rationals, summed in integers
        scale = lcm(*(p.denominator for p in dist))
        if all(p.numerator >= 0 for p in dist) and \
                sum(p.numerator * (scale // p.denominator) for p in dist) == scale:
            return
        raise InadmissibleObservation(f"{what} {tuple(dist)} is not a distribution")
    if any(compare(p, 0) < 0 for p in dist) or compare(sum(dist, Fraction(0)), 1) != 0:
        raise InadmissibleObservation(f"{what} {tuple(dist)} is not a distribution")


def _max(a, b):
    return a if compare(a, b) >= 0 else b


def _min(a, b):
    return a if compare(a, b) <= 0 else b


def box_vertices(center: Sequence, radius: Fraction) -> list[tuple]:
    """Vertices of {x in the simplex : |x_k - center_k| <= radius for all k}.

    A vertex has every coordinate but one at a bound of its interval
    [max(0, c - r), min(1, c + r)]; the last is fixed by the sum.
    """
    n = len(center)
    lo = [_max(Fraction(0), c - radius) for c in center]
    hi = [_min(Fraction(1), c + radius) for c in center]
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


def _on_grid(x: Number, step: Fraction) -> bool:
    """Is x an integer multiple of the rational step?"""
    x = simplify_number(x)
    return isinstance(x, Fraction) and (x / step).denominator == 1


def check_estimate(program: Program, profile_self, profile_opp, estimate) -> None:
    """Raise InadmissibleObservation unless ``estimate`` is one the program's estimate
    reading admits at the true profile (docs/semantics.md, section 3).

    box: two distributions, each coordinate within delta/2 of the truth;
    grid: also every coordinate but the last a multiple of delta/2.
    """
    if estimate is None:
        raise InadmissibleObservation(f"{program.name} estimates, but no estimate given")
    if not (isinstance(estimate, (tuple, list)) and len(estimate) == 2):
        raise InadmissibleObservation("an estimate is (own strategy, opponent strategy)")
    est_self, est_opp = estimate
    _check_distribution(est_self, program.n_self, "own estimate")
    _check_distribution(est_opp, program.n_opp, "opponent estimate")
    half = program.delta / 2
    for est, true, who in ((est_self, profile_self, "own"), (est_opp, profile_opp, "opponent")):
        for k, (e, t) in enumerate(zip(est, true)):
            if compare(e - t, half) > 0 or compare(t - e, half) > 0:
                raise InadmissibleObservation(
                    f"{who} estimate coordinate {k} is {e}, more than delta/2 = {half} "
                    f"from the true {t}")
            if program.estimates == "grid" and k < len(est) - 1 and not _on_grid(e, half):
                raise InadmissibleObservation(
                    f"{who} estimate coordinate {k} is {e}, not a grid point n * delta/2 "
                    f"(delta/2 = {half})")


class _Evaluator:
    """One run of one program: conditions as probabilities, nodes as distributions."""

    def __init__(self, program: Program, seat: int, profile_self, profile_opp,
                 obs: Observation, answers: TieAnswers, calls: dict | None = None,
                 log: RunLog | None = None):
        self.program, self.seat, self.log = program, seat, log
        self.values = seat_values(profile_self, profile_opp)
        self.obs, self.answers = obs, answers
        # id of a query -> the probability that one call answers 1; ``calls`` may be shared
        # by the runs of one program at one profile under one set of tie probabilities (it
        # depends on nothing else)
        self._calls = {} if calls is None else calls
        self._conds: dict = {}  # id of a condition -> its probability in this run
        self._outputs: dict = {}  # shape of a Choose-free node -> its output in this run
        if program.uses_estimates:
            check_estimate(program, profile_self, profile_opp, obs.estimate)
            self.vertices = [box_vertices(obs.estimate[0], program.delta),
                             box_vertices(obs.estimate[1], program.delta)]

    # conditions evaluate to the probability that they are true
    def cond(self, cond: Cond, path: tuple) -> Number:
        """The probability that ``cond`` holds in this run: a function of the condition
        alone (the estimate and the tie probabilities are the run's), so computed once."""
        if id(cond) not in self._conds or self.log is not None:  # a log sees every condition
            self._conds[id(cond)] = self._cond(cond, path)
            if self.log is not None:
                self.log(path, cond, self._conds[id(cond)])
        return self._conds[id(cond)]

    def _cond(self, cond: Cond, path: tuple) -> Number:
        if isinstance(cond, Query):
            return self.query(cond)
        if isinstance(cond, Surely):
            return Fraction(self.surely(cond))
        if isinstance(cond, SurelyCone):
            return Fraction(self.cone(cond))
        if isinstance(cond, SurelyOutside):
            return Fraction(self.meets(cond) is None)
        if isinstance(cond, AllOf):  # independent draws: probabilities multiply
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
        raise UnknownNode(f"the interpreter has no rule for the condition {cond!r}")

    def query(self, cond: Query) -> Number:
        """The probability that one call answers 1: forced off the tie, else the oracle's q."""
        known = self._calls.get(id(cond))
        if known is not None:
            return known
        side = compare(cond.poly.evaluate(self.values), cond.threshold)
        if side != 0:
            known = Fraction(side > 0)
        else:
            key = query_key(cond, self.seat)
            if key not in self.answers:
                raise InadmissibleObservation(f"query {_key_text(key)} is at a tie; the "
                                              f"oracle's probability for it is needed")
            known = self.answers[key]
        self._calls[id(cond)] = known
        return known

    def surely(self, cond: Surely) -> bool:
        """Does the comparison hold at every vertex of both estimate boxes? (Affine in each
        player's strategy, so its extremes on the box are at vertices.)"""
        return all(_compare_op(cond.poly.evaluate(seat_values(v_self, v_opp)), cond.op)
                   for v_self in self.vertices[0] for v_opp in self.vertices[1])

    def cone(self, cond: SurelyCone) -> bool:
        """Is there t in [0, 1] with (1 - t) a + t b > 0 for every gain pair (a, b) at every
        vertex? (For fixed rates each gain is affine in each strategy, so vertices
        suffice.) The feasible t form an interval, intersected row by row."""
        low, low_open, high, high_open = Fraction(0), False, Fraction(1), False
        for v_self in self.vertices[0]:
            for v_opp in self.vertices[1]:
                at = seat_values(v_self, v_opp)
                for when_self, when_opp in cond.gains:
                    a, b = when_self.evaluate(at), when_opp.evaluate(at)
                    slope = b - a  # the row is a + slope * t
                    s = compare(slope, 0)
                    if s == 0:
                        if compare(a, 0) <= 0:
                            return False
                    elif s > 0:  # t > -a / slope
                        bound = simplify_number(-a / slope)
                        c = compare(bound, low)
                        if c >= 0:
                            low, low_open = bound, True
                    else:  # t < a / -slope
                        bound = simplify_number(a / -slope)
                        c = compare(bound, high)
                        if c <= 0:
                            high, high_open = bound, True
        c = compare(low, high)
        return c < 0 or (c == 0 and not low_open and not high_open)

    def meets(self, cond: SurelyOutside) -> tuple | None:
        """A profile (x, y) within delta of the estimate making every polynomial >= 0, or
        None when there is none.

        Two actions each: x = my P(first action), y = the opponent's, on the box
        [lx, hx] x [ly, hy]; each polynomial is c0 + c1 x + c2 y + c3 x y. If the set
        is not empty, its point with the least x (then least y) has x at a candidate:
        lx, a zero of some polynomial on the lines y = ly or y = hy, a zero of its y
        coefficient, or a common zero of two polynomials (a root of their resultant
        in x). At each candidate the slice in y is an intersection of intervals.
        """
        (lx, hx), (ly, hy) = (_interval(v) for v in self.vertices)
        coeffs = [_bilinear(p) for p in cond.polys]
        xs = [lx, hx]
        for c0, c1, c2, c3 in coeffs:
            for y in (ly, hy):
                slope = c1 + c3 * y
                if compare(slope, 0) != 0:
                    xs.append(simplify_number(-(c0 + c2 * y) / slope))
            if c3 != 0:
                xs.append(-c2 / c3)
        import sympy  # here, not at the top: start-up stays light (sympy takes 0.5 s)
        t = sympy.Symbol("t")
        for (a0, a1, a2, a3), (b0, b1, b2, b3) in combinations(coeffs, 2):
            # g = (a0 + a1 t) + (a2 + a3 t) y, h likewise: eliminate y
            resultant = sympy.Poly(sympy.expand((a0 + a1 * t) * (b2 + b3 * t)
                                                - (b0 + b1 * t) * (a2 + a3 * t)), t)
            if resultant.degree() > 0:
                xs += [simplify_number(r) for r in sympy.Poly(resultant).real_roots()]
        for x in xs:
            if compare(x, lx) < 0 or compare(x, hx) > 0:
                continue
            low, high = ly, hy
            feasible = True
            for c0, c1, c2, c3 in coeffs:
                a, b = c0 + c1 * x, c2 + c3 * x  # a + b y >= 0
                s = compare(b, 0)
                if s == 0:
                    feasible = compare(a, 0) >= 0
                elif s > 0:
                    low = _max(low, simplify_number(-a / b))
                else:
                    high = _min(high, simplify_number(-a / b))
                if not feasible:
                    break
            if feasible and compare(low, high) <= 0:
                return x, low
        return None

    def node(self, node: Node, path: tuple) -> list:
        """The output distribution of ``node`` in this run; a node with no Choose below
        depends on no path's choices, so it is computed once."""
        if id(node) not in self.program.choice_free:
            out = self._node(node, path)
        else:
            shape = self.program.shapes[id(node)]
            if shape not in self._outputs or self.log is not None:  # a log sees every node
                self._outputs[shape] = self._node(node, path)
            out = self._outputs[shape]
        if self.log is not None:
            self.log(path, node, out)
        return out

    def _node(self, node: Node, path: tuple) -> list:
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
            # evaluate a branch only when it can run: a branch of probability 0 may meet
            # queries at ties whose probabilities the witness rightly omits
            if compare(p, 1) == 0:
                return self.node(node.then, path + (0,))
            if compare(p, 0) == 0:
                return self.node(node.orelse, path + (1,))
            then, orelse = self.node(node.then, path + (0,)), self.node(node.orelse, path + (1,))
            return [p * a + (1 - p) * b for a, b in zip(then, orelse)]
        if isinstance(node, Choose):
            if path not in self.obs.choices:
                raise InadmissibleObservation(f"the randomisation at Choose {path} is needed")
            weights = self.obs.choices[path]
            _check_distribution(weights, len(node.options), f"choice at {path}")
            out = [Fraction(0)] * n
            for i, (w, option) in enumerate(zip(weights, node.options)):
                if compare(w, 1) == 0:  # the others weigh 0 (a distribution)
                    return self.node(option, path + (i,))
                if compare(w, 0) != 0:
                    part = self.node(option, path + (i,))
                    out = [o + w * x for o, x in zip(out, part)]
            return out
        raise UnknownNode(f"the interpreter has no rule for the node {node!r}")


def _interval(vertices: list) -> tuple:
    """The range of the first coordinate over a two-action box's vertices."""
    firsts = sorted((v[0] for v in vertices), key=cmp_to_key(compare))
    return firsts[0], firsts[-1]


def _bilinear(poly) -> tuple:
    """(c0, c1, c2, c3) with poly = c0 + c1 x + c2 y + c3 x y at self = (x, 1 - x),
    opp = (y, 1 - y)."""
    import sympy
    x, y = sympy.Symbol("x"), sympy.Symbol("y")
    expr = sympy.expand(poly.fold(lambda c: sympy.Rational(c.numerator, c.denominator),
                                  lambda v: {("self", 0): x, ("self", 1): 1 - x,
                                             ("opp", 0): y, ("opp", 1): 1 - y}[v]))
    p = sympy.Poly(expr, x, y)
    return tuple(simplify_number(p.coeff_monomial(m)) for m in (1, x, y, x * y))


def _key_text(key: QueryKey) -> str:
    poly, threshold, machine = key
    return f"'{poly} > {threshold}'" + (f" (machine {machine})" if machine else "")


def _compare_op(value: Number, op: str) -> bool:
    c = compare(value, 0)
    return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def output(program: Program, profile_self: Sequence, profile_opp: Sequence,
           observation: Observation = Observation(), answers: TieAnswers | None = None,
           seat: int = 0, log: RunLog | None = None) -> tuple:
    """The agent's exact output distribution for one admissible observation.

    ``answers`` are the oracle's tie probabilities (by query key, in seat
    variables); ``seat`` is the agent's seat, which names its queries; ``log`` is called
    with (path, node, output) and (path, condition, probability) as the run evaluates each.

    >>> from verifier.model.library import nicerbot
    >>> from verifier.model.games import builtin_game
    >>> prog = nicerbot("1/10").program(builtin_game("pd-a"), 0)
    >>> output(prog, (0, 1), (0, 1))   # against a defector
    (Fraction(1, 10), Fraction(9, 10))
    """
    own, opp = _checked_profile(program, profile_self, profile_opp)
    return _output(program, own, opp, observation, {} if answers is None else answers, seat, {},
                   log)


def _checked_profile(program: Program, profile_self: Sequence, profile_opp: Sequence) -> tuple:
    """Both strategies, checked to be distributions of the right lengths, as exact numbers
    (Fractions where rational)."""
    _check_distribution(profile_self, program.n_self, "own strategy")
    _check_distribution(profile_opp, program.n_opp, "opponent strategy")
    return tuple([simplify_number(Fraction(p) if isinstance(p, int) else p) for p in strategy]
                 for strategy in (profile_self, profile_opp))


def _output(program: Program, profile_self: list, profile_opp: list,
            observation: Observation, answers: TieAnswers, seat: int, calls: dict,
            log: RunLog | None = None) -> tuple:
    """One run's output at a checked profile (:func:`_checked_profile`)."""
    ev = _Evaluator(program, seat, profile_self, profile_opp, observation, answers, calls, log)
    result = ev.node(program.body, ())
    return tuple(simplify_number(x) for x in result)


def mixture(program: Program, profile_self: Sequence, profile_opp: Sequence,
            runs: Sequence[Run], answers: TieAnswers | None = None, seat: int = 0) -> tuple:
    """The weighted mixture of the outputs of several runs (weights sum to 1), all
    under the same tie probabilities."""
    if not runs:
        raise InadmissibleObservation("at least one run is needed")
    _check_distribution([r.weight for r in runs], len(runs), "run weights")
    total = [Fraction(0)] * program.n_self
    own, opp = _checked_profile(program, profile_self, profile_opp)
    answers = {} if answers is None else answers
    calls: dict = {}  # what each query's calls answer: the same in every run
    for run in runs:
        out = _output(program, own, opp, run.observation, answers, seat, calls)
        total = [t + run.weight * o for t, o in zip(total, out)]
    return tuple(simplify_number(t) for t in total)


def check_answers(programs: tuple, profile: tuple, answers: TieAnswers,
                  deterministic: bool = False) -> None:
    """Raise InadmissibleObservation unless the tie probabilities are an oracle's:
    every key is a query one of the programs asks, each q is in [0, 1], and a query
    off its tie has its forced answer. ``deterministic``: q must be 0 or 1 (the
    encoder-testing model without randomisation at ties)."""
    values = {("s", i, k): p for i, s in enumerate(profile) for k, p in enumerate(s)}
    for key, q in answers.items():
        if not any(key in prog.query_keys(seat) for seat, prog in enumerate(programs)):
            raise InadmissibleObservation(f"an answer is given for {_key_text(key)}, which "
                                          f"neither program asks")
        if not (compare(q, 0) >= 0 and compare(q, 1) <= 0):
            raise InadmissibleObservation(f"the probability {q} for {_key_text(key)} is not "
                                          f"in [0, 1]")
        side = compare(key[0].evaluate(values), key[1])
        if side != 0 and compare(q, Fraction(side > 0)) != 0:
            raise InadmissibleObservation(f"{_key_text(key)} is not at a tie: the oracle "
                                          f"answers {int(side > 0)}, not {q}")
        if deterministic and compare(q, 0) != 0 and compare(q, 1) != 0:
            raise InadmissibleObservation(f"without randomisation at ties the oracle answers "
                                          f"0 or 1, not {q}, to {_key_text(key)}")


def verify_fixed_point(programs: tuple, witness: FixedPointWitness,
                       deterministic: bool = False) -> None:
    """Raise InadmissibleObservation unless the witness shows a fixed point.

    ``programs`` are the agents' programs for seats 0 and 1; the witness's tie
    probabilities serve both. ``deterministic``: see :func:`check_answers`.
    """
    if len(witness.profile) != 2 or len(witness.runs) != 2 or any(
            len(s) != prog.n_self for s, prog in zip(witness.profile, programs)):
        raise InadmissibleObservation("the witness needs one strategy (one probability per "
                                      "action) and one list of runs for each seat")
    check_answers(programs, witness.profile, witness.answers, deterministic)
    s0, s1 = witness.profile
    for seat, (prog, runs) in enumerate(zip(programs, witness.runs)):
        own, opp = (s0, s1) if seat == 0 else (s1, s0)
        produced = mixture(prog, own, opp, runs, witness.answers, seat)
        if any(compare(a, b) != 0 for a, b in zip(produced, own)):
            raise InadmissibleObservation(
                f"seat {seat + 1} ({prog.name}): the runs produce {produced}, "
                f"not the strategy {tuple(own)}")


def pure_runs(program: Program, seat: int, profile_self: Sequence, profile_opp: Sequence,
              actions: Sequence[int], answers: TieAnswers) -> list:
    """For each of ``actions``, an observation under which the program plays that action
    for sure, or None.

    For programs that do not estimate, under the given tie probabilities: a
    depth-first search over the Choose options (one each). Used to write
    witnesses of fixed points found without a solver; the witness is then
    checked by :func:`verify_fixed_point` like any other.
    """
    if program.uses_estimates:
        return [None for _ in actions]
    ev = _Evaluator(program, seat, profile_self, profile_opp, Observation(), answers)
    return [_pure_run(program, ev, action) for action in actions]


def _pure_run(program: Program, ev: _Evaluator, action: int) -> Observation | None:
    """An observation under which the program plays ``action`` for sure, or None."""

    def search(node: Node, path: tuple) -> dict | None:
        if id(node) in program.choice_free:  # nothing to choose: it plays what it outputs
            return {} if compare(ev.node(node, path)[action], 1) == 0 else None
        if isinstance(node, Play):
            return {} if node.dist[action] == 1 else None
        if isinstance(node, Mix):
            p = node.prob.evaluate(ev.values)
            first = search(node.first, path + (0,)) if compare(p, 0) != 0 else {}
            second = search(node.second, path + (1,)) if compare(p, 1) != 0 else {}
            return None if first is None or second is None else first | second
        if isinstance(node, If):
            p = ev.cond(node.cond, path + ("c",))
            then = search(node.then, path + (0,)) if compare(p, 0) != 0 else {}
            orelse = search(node.orelse, path + (1,)) if compare(p, 1) != 0 else {}
            return None if then is None or orelse is None else then | orelse
        if isinstance(node, Choose):
            for i, option in enumerate(node.options):
                found = search(option, path + (i,))
                if found is not None:
                    pick = tuple(Fraction(int(k == i)) for k in range(len(node.options)))
                    return found | {path: pick}
            return None
        raise UnknownNode(f"no pure choice search for the node {node!r}")  # PlayEstimate too

    found = search(program.body, ())
    return None if found is None else Observation(choices=found)
