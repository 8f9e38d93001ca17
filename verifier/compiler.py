"""Compile a pair of agent programs on a game into a constraint system.

The solutions of the system are exactly the fixed points of the pair in the
box estimate model: a profile (s0, s1) such that each s_i is a convex
combination of outputs its agent can produce against the profile. Each
output comes from one *run*: an estimate in the clipped box of radius
delta/2 around the truth, one oracle answer per query occurrence (forced
unless the query is at a tie), and one option per Choose node. By
Caratheodory, k runs suffice for an agent with k actions; with two actions
the mixture is "some run outputs at most s_i(0), some run at least s_i(0)",
which needs no weights and stays linear when the parameters are concrete.

"delta-surely" conditions are checked at the vertices of the radius-delta
box around the estimate, clipped to the simplex, which is exact because the
compared polynomials are affine in each player's strategy. Guards are
written as implications on fresh variables rather than nested If terms.

The system is plain data (:mod:`verifier.poly` formulas over named real and
Boolean variables) and this module never imports z3: the certificate
checker rebuilds it to compare with a certificate. :mod:`verifier.smt`
translates it for Z3, :mod:`verifier.smtlib` prints it as SMT-LIB 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product

import sympy

from .agents import (AllOf, AnyOf, Choose, Cond, Constant, If, Mix, Negation, Node, Play,
                     PlayEstimate, Program, Query, Surely)
from .interpreter import FixedPointWitness, Observation, Run
from .numbers import Number, compare, simplify_number
from .poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, conj, disj, implies, named


@dataclass
class RunVars:
    """The variables of one run: its estimate, answers, choices and output."""

    output: list  # Polys, one per own action
    estimate: tuple | None = None  # (own Polys, opponent Polys)
    answers: dict = field(default_factory=dict)  # query path -> BoolVar
    queries: dict = field(default_factory=dict)  # query path -> (Query, value - threshold)
    conds: dict = field(default_factory=dict)  # If path -> BoolVar
    choices: dict = field(default_factory=dict)  # Choose path -> [BoolVar]
    weight: Poly | None = None


class System:
    """The fixed-point constraints of two programs on a game.

    ``programs[i]`` plays seat i. ``tie_randomization=False`` makes the
    oracle answer each query occurrence the same way in every run (no mixing
    of tie answers), for testing what randomisation at ties buys.
    ``closed=True`` relaxes strict "surely" comparisons: a closed superset of
    the fixed points, used to find infima that are not attained.
    ``hull[i]=False`` drops seat i's fixed-point condition and keeps one run
    of its agent: the system then describes what that agent can output.

    ``constraints`` is a list of formulas; ``reals`` and ``booleans`` name
    the variables in order of creation; ``free[i]`` are player i's free
    strategy variables and ``strategy[i]`` the whole strategy as Polys.
    """

    def __init__(self, game, programs: tuple, tie_randomization: bool = True,
                 closed: bool = False, hull: tuple = (True, True)):
        self.game = game
        self.hull = hull
        self.programs = programs
        self.tie_randomization = tie_randomization
        self.closed = closed
        self.constraints: list = []
        self.reals: list = []
        self.booleans: list = []
        self._shared_answers: dict = {}
        self.free = [[self._real(f"s{i}_{k}") for k in range(game.num_actions(i) - 1)]
                     for i in (0, 1)]
        self.strategy = [self._simplex(free) for free in self.free]
        for i in (0, 1):
            self._add(*(x >= 0 for x in self.strategy[i]))
        self.runs = [self._encode_agent(i) for i in (0, 1)]

    # -- variables --------------------------------------------------------
    def _real(self, name: str) -> Poly:
        self.reals.append(name)
        return named(name)

    def _bool(self, name: str) -> BoolVar:
        self.booleans.append(name)
        return BoolVar(name)

    def _add(self, *formulas) -> None:
        """Add constraints, dropping those that are trivially true."""
        for f in formulas:
            if isinstance(f, Atom) and f.poly.is_constant():
                f = Truth(f.holds({}))
            if not (isinstance(f, Truth) and f.value):
                self.constraints.append(f)

    @staticmethod
    def _simplex(free: list) -> list:
        return free + [1 - sum(free, Poly())]

    # -- terms ------------------------------------------------------------
    def seat_term(self, poly: Poly) -> Poly:
        """A Poly in seat variables ("s", i, k) in the system's variables."""
        return poly.substitute({("s", i, k): x for i in (0, 1)
                                for k, x in enumerate(self.strategy[i])})

    def seat_formula(self, formula: Formula) -> Formula:
        """A formula over seat variables in the system's variables."""
        return map_polys(formula, self.seat_term)

    # -- agents -----------------------------------------------------------
    def _encode_agent(self, seat: int) -> list:
        prog: Program = self.programs[seat]
        own = self.strategy[seat]
        n = prog.n_self
        count = 1 if prog.is_deterministic or n == 1 or not self.hull[seat] else n
        runs = [self._encode_run(prog, seat, r) for r in range(count)]
        if n == 1 or not self.hull[seat]:
            return runs
        if count == 1:
            self._add(*(own[k].eq(runs[0].output[k]) for k in range(n - 1)))
        elif n == 2:
            self._add(runs[0].output[0] <= own[0], own[0] <= runs[1].output[0])
        else:
            for r, run in enumerate(runs):
                run.weight = self._real(f"w{seat}_{r}")
                self._add(run.weight >= 0)
            self._add(sum((run.weight for run in runs), Poly()).eq(1))
            for k in range(n - 1):
                self._add(own[k].eq(sum((run.weight * run.output[k] for run in runs), Poly())))
        return runs

    def _encode_run(self, prog: Program, seat: int, r: int) -> RunVars:
        own, opp = self.strategy[seat], self.strategy[1 - seat]
        stem = f"a{seat}r{r}_"
        run = RunVars(output=[])
        vertices = None
        if prog.uses_estimates:
            half = prog.delta / 2
            est = []
            for who, true in (("e", own), ("f", opp)):
                terms = self._simplex([self._real(f"{stem}{who}{k}") for k in range(len(true) - 1)])
                for e, t in zip(terms, true):
                    self._add(e >= 0, e - t <= half, t - e <= half)
                est.append(terms)
            run.estimate = tuple(est)
            vertices = [self._box_vertices(terms, prog.delta, f"{stem}{who}")
                        for terms, who in zip(est, ("e", "f"))]
        ctx = _RunContext(self, prog, seat, run, own, opp, vertices, stem)
        run.output = ctx.node(prog.body, ())
        return run

    def _box_vertices(self, center: list, delta: Fraction, stem: str) -> list:
        """(validity, point) pairs covering the vertices of the clipped box."""
        n = len(center)
        lo, hi = [], []
        for k, c in enumerate(center):
            low, high = self._real(f"{stem}lo{k}"), self._real(f"{stem}hi{k}")
            self._add(low >= 0, low >= c - delta, disj([low.eq(0), low.eq(c - delta)]),
                      high <= 1, high <= c + delta, disj([high.eq(1), high.eq(c + delta)]),
                      low <= 1, high >= 0)  # implied; single-variable bounds help proofs
            lo.append(low)
            hi.append(high)
            if n == 2:
                break  # the second coordinate's interval is the mirror of the first
        if n == 1:
            return [(Truth(True), [Poly.const(1)])]
        if n == 2:
            return [(Truth(True), [lo[0], 1 - lo[0]]), (Truth(True), [hi[0], 1 - hi[0]])]
        out = []
        for free in range(n):
            others = [k for k in range(n) if k != free]
            for bounds in product((0, 1), repeat=n - 1):
                point = [None] * n
                for k, b in zip(others, bounds):
                    point[k] = hi[k] if b else lo[k]
                point[free] = 1 - sum((point[k] for k in others), Poly())
                out.append((conj([lo[free] <= point[free], point[free] <= hi[free]]), point))
        return out

    def interior_constraints(self, moving: set) -> list:
        """Constraints putting a fixed point strictly inside a moving family.

        ``moving`` holds the seats whose strategies move; see
        ``interpreter.interior_point`` for the argument. Used only to search for
        a point that the exact test then confirms. ``[False]`` when the
        seats cannot move this way.
        """
        out = []
        for seat in (0, 1):
            prog, runs = self.programs[seat], self.runs[seat]
            if seat in moving:
                if prog.n_self != 2 or len(runs) != 2:
                    return [Truth(False)]
                out += [runs[0].output[0] < self.strategy[seat][0],
                        self.strategy[seat][0] < runs[1].output[0]]
            for run in runs:
                if run.estimate is not None:
                    half = prog.delta / 2
                    for who, terms in ((seat, run.estimate[0]), (1 - seat, run.estimate[1])):
                        if who in moving:
                            out += [conj([e - t < half, t - e < half])
                                    for e, t in zip(terms, self.strategy[who])]
                for cond, value in run.queries.values():
                    seats = {0 if (v[0] == "self") == (seat == 0) else 1
                             for v in cond.poly.variables()}
                    if seats & moving:
                        out.append(value.ne(0))
        return out

    # -- whole-system helpers ------------------------------------------------------
    def formula(self) -> Formula:
        return conj(self.constraints)

    def witness(self, real, boolean) -> FixedPointWitness:
        """The fixed-point witness a solution describes, with exact numbers.

        ``real(poly)`` and ``boolean(boolvar)`` evaluate terms in the solution
        (a solver model, or any exact assignment).
        """
        profile = tuple(tuple(real(x) for x in self.strategy[i]) for i in (0, 1))
        runs = []
        for seat in (0, 1):
            prog, seat_runs = self.programs[seat], self.runs[seat]
            observations = [_observation(prog, run, real, boolean) for run in seat_runs]
            if prog.n_self == 1 or len(seat_runs) == 1:
                weights = [Fraction(1)] + [Fraction(0)] * (len(seat_runs) - 1)
            elif prog.n_self == 2:
                lo, hi = real(seat_runs[0].output[0]), real(seat_runs[1].output[0])
                x = profile[seat][0]
                if compare(lo, hi) == 0:
                    weights = [Fraction(1), Fraction(0)]
                else:
                    w_hi = simplify_number((x - lo) / (hi - lo))
                    weights = [simplify_number(1 - w_hi), w_hi]
            else:
                weights = [real(run.weight) for run in seat_runs]
            runs.append(tuple(Run(w, o) for w, o in zip(weights, observations)
                              if w != 0))
        return FixedPointWitness(profile, tuple(runs))


def _observation(prog: Program, run: RunVars, real, boolean) -> Observation:
    estimate = None
    if run.estimate is not None:
        estimate = tuple(tuple(real(t) for t in terms) for terms in run.estimate)
    answers, choices = {}, {}

    def visit(node: Node, path: tuple):
        if isinstance(node, If):
            for qpath, _ in _queries(node.cond, path + ("c",)):
                answers[qpath] = Fraction(int(boolean(run.answers[qpath])))
            taken = boolean(run.conds[path])
            visit(node.then if taken else node.orelse, path + ((0,) if taken else (1,)))
        elif isinstance(node, Choose):
            flags = [boolean(c) for c in run.choices[path]]
            pick = flags.index(True)
            choices[path] = tuple(Fraction(int(i == pick)) for i in range(len(flags)))
            visit(node.options[pick], path + (pick,))
        elif isinstance(node, Mix):
            visit(node.first, path + (0,))
            visit(node.second, path + (1,))

    visit(prog.body, ())
    return Observation(estimate, answers, choices)


def map_polys(formula: Formula, f) -> Formula:
    """The formula with every atom's polynomial replaced by ``f(poly)``."""
    if isinstance(formula, Atom):
        return Atom(f(formula.poly), formula.op)
    if isinstance(formula, And):
        return And(tuple(map_polys(p, f) for p in formula.parts))
    if isinstance(formula, Or):
        return Or(tuple(map_polys(p, f) for p in formula.parts))
    if isinstance(formula, Not):
        return Not(map_polys(formula.part, f))
    if isinstance(formula, (Truth, BoolVar)):
        return formula
    raise TypeError(f"not a formula: {formula!r}")


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_CLOSED = {"<": "<=", "<=": "<=", ">": ">=", ">=": ">="}


def _queries(cond: Cond, path: tuple):
    if isinstance(cond, Query):
        yield path, cond
    for i, part in enumerate(cond.parts()):
        yield from _queries(part, path + (i,))


class _RunContext:
    """Encodes one run of one program: conditions and output terms."""

    def __init__(self, system: System, prog: Program, seat: int, run: RunVars,
                 own: list, opp: list, vertices, stem: str):
        self.s, self.prog, self.seat, self.run = system, prog, seat, run
        self.own, self.opp, self.vertices, self.stem = own, opp, vertices, stem
        self._surely: dict = {}  # (id of a Surely, positive) -> its formula in this run

    def true_term(self, poly: Poly) -> Poly:
        return poly.substitute({("self", k): x for k, x in enumerate(self.own)}
                               | {("opp", k): x for k, x in enumerate(self.opp)})

    def cond(self, cond: Cond, path: tuple, positive: bool) -> Formula:
        """The condition (``positive``) or its negation, negations pushed to atoms.

        In a closed system strict "surely" comparisons are relaxed to weak
        ones where they occur positively: every constraint is then closed,
        and the system describes a closed superset of the fixed points.
        """
        if isinstance(cond, Query):
            answer = self._answer(cond, path)
            return answer if positive else Not(answer)
        if isinstance(cond, Surely):
            # a Surely depends only on the run's estimate, not on where it occurs
            key = (id(cond), positive)
            if key not in self._surely:
                self._surely[key] = self._surely_formula(cond, positive)
            return self._surely[key]
        if isinstance(cond, (AllOf, AnyOf)):
            parts = [self.cond(c, path + (i,), positive) for i, c in enumerate(cond.conds)]
            conjunctive = isinstance(cond, AllOf) == positive
            return conj(parts) if conjunctive else disj(parts)
        if isinstance(cond, Negation):
            return self.cond(cond.cond, path + (0,), not positive)
        if isinstance(cond, Constant):
            return Truth(cond.value == positive)
        raise TypeError(f"unknown condition {cond!r}")

    def _surely_formula(self, cond: Surely, positive: bool) -> Formula:
        """The comparison at every vertex of the estimate boxes (guarded by the vertex
        being present)."""
        op = cond.op if positive else _NEGATED[cond.op]
        if self.s.closed:
            op = _CLOSED[op]
        atoms = []
        for (ok_self, v_self), (ok_opp, v_opp) in product(*self.vertices):
            t = cond.poly.substitute({("self", k): x for k, x in enumerate(v_self)}
                                     | {("opp", k): x for k, x in enumerate(v_opp)})
            atom = Atom(t, op)
            guard = conj([ok_self, ok_opp])
            atoms.append(implies(guard, atom) if positive else conj([guard, atom]))
        return conj(atoms) if positive else disj(atoms)

    def _answer(self, cond: Query, path: tuple) -> BoolVar:
        """The oracle's answer to one query occurrence (forced unless at a tie)."""
        s = self.s
        if path in self.run.answers:
            return self.run.answers[path]
        key = (self.seat, path)
        value = self.true_term(cond.poly - cond.threshold)
        if not s.tie_randomization and key in s._shared_answers:
            answer = s._shared_answers[key]
        else:
            answer = s._bool(f"{self.stem}q{_path_name(path)}")
            s._add(implies(value > 0, answer), implies(value < 0, Not(answer)))
            s._shared_answers[key] = answer
        self.run.answers[path] = answer
        self.run.queries[path] = (cond, value)
        return answer

    def node(self, node: Node, path: tuple) -> list:
        s = self.s
        if isinstance(node, Play):
            return [Poly.const(p) for p in node.dist]
        if isinstance(node, PlayEstimate):
            return list(self.run.estimate[0])
        if isinstance(node, Mix):
            p = self.true_term(node.prob)
            first, second = self.node(node.first, path + (0,)), self.node(node.second, path + (1,))
            return [p * a + (1 - p) * b for a, b in zip(first, second)]
        if isinstance(node, If):
            flag = s._bool(f"{self.stem}if{_path_name(path)}")
            s._add(implies(flag, self.cond(node.cond, path + ("c",), True)),
                   implies(Not(flag), self.cond(node.cond, path + ("c",), False)))
            self.run.conds[path] = flag
            then, orelse = self.node(node.then, path + (0,)), self.node(node.orelse, path + (1,))
            return self._select([(flag, then), (Not(flag), orelse)], path)
        if isinstance(node, Choose):
            flags = [s._bool(f"{self.stem}ch{_path_name(path)}_{i}")
                     for i in range(len(node.options))]
            s._add(disj(flags))
            self.run.choices[path] = flags
            outs = [self.node(o, path + (i,)) for i, o in enumerate(node.options)]
            return self._select(list(zip(flags, outs)), path)
        raise TypeError(f"unknown node {node!r}")

    def _select(self, cases: list, path: tuple) -> list:
        """Fresh output variables equal to the outputs of the case that holds."""
        s, n = self.s, self.prog.n_self
        out = [s._real(f"{self.stem}o{_path_name(path)}_{k}") for k in range(n - 1)]
        out.append(1 - sum(out, Poly()))
        for guard, values in cases:
            s._add(*(implies(guard, o.eq(v)) for o, v in zip(out[:-1], values[:-1])))
        return out


def _path_name(path: tuple) -> str:
    """A unique name fragment for a path: (1, 1) and (11,) must differ."""
    return "_".join(str(p) for p in path) or "root"


def number_constraints(value: Number, target: Poly) -> list:
    """Constraints saying ``target`` equals an exact rational or real algebraic number.

    An algebraic number is pinned by its minimal polynomial and an isolating
    interval with rational ends.
    """
    value = simplify_number(value)
    if isinstance(value, Fraction):
        return [target.eq(value)]
    t = sympy.Dummy("t")
    minpoly = sympy.minimal_polynomial(value, t, polys=True)
    digits = 40
    while True:
        # approx is within 10**-(digits + 10) of the value; each interval
        # isolates one root, so the value's interval is among those near approx
        approx = sympy.Rational(str(sympy.N(value, 2 * digits + 10)))
        eps = sympy.Rational(1, 10 ** digits)
        boxes = [(a, b) for (a, b), _ in minpoly.intervals(eps=eps)
                 if a - eps <= approx <= b + eps]
        if len(boxes) == 1:
            break
        digits *= 2
    (a, b), = boxes
    coeffs = [Fraction(int(c.p), int(c.q)) for c in (sympy.Rational(c) for c in minpoly.all_coeffs())]
    poly_value = sum((c * target ** (len(coeffs) - 1 - i) for i, c in enumerate(coeffs)), Poly())
    return [poly_value.eq(0), target >= Fraction(int(a.p), int(a.q)),
            target <= Fraction(int(b.p), int(b.q))]
