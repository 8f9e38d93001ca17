"""Compile a pair of agent programs on a game into a Z3 constraint system.

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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product

import sympy
import z3

from .agents import (AllOf, AnyOf, Choose, Cond, Constant, If, Mix, Negation, Node, Play,
                     PlayEstimate, Program, Query, Surely)
from .interpreter import FixedPointWitness, Observation, Run
from .numbers import Number, compare, simplify_number
from .poly import And, Atom, Formula, Not, Or, Poly, Truth


def z3_number(value: Number) -> z3.ArithRef:
    """A Z3 real numeral for an exact rational."""
    value = Fraction(value)
    return z3.RealVal(f"{value.numerator}/{value.denominator}")


def exact_value(value: z3.ExprRef) -> Number:
    """An exact Python number for a Z3 model value (rational or algebraic)."""
    if z3.is_rational_value(value):
        return value.as_fraction()
    if z3.is_algebraic_value(value):
        coeffs = [int(str(c)) for c in value.poly()]
        x = sympy.Symbol("x")
        poly = sympy.Poly(list(reversed(coeffs)), x)
        return simplify_number(sympy.CRootOf(poly, value.index() - 1))
    raise ValueError(f"not a numeral: {value}")


def poly_term(poly: Poly, variable) -> z3.ArithRef:
    """A Poly as a Z3 term, variables mapped by ``variable``."""
    return poly.fold(z3_number, variable)


def formula_term(formula: Formula, variable) -> z3.BoolRef:
    """A formula of polynomial atoms as a Z3 Boolean term."""
    if isinstance(formula, Atom):
        t = poly_term(formula.poly, variable)
        return {"<": t < 0, "<=": t <= 0, ">": t > 0, ">=": t >= 0,
                "==": t == 0, "!=": t != 0}[formula.op]
    if isinstance(formula, And):
        return z3.And([formula_term(p, variable) for p in formula.parts])
    if isinstance(formula, Or):
        return z3.Or([formula_term(p, variable) for p in formula.parts])
    if isinstance(formula, Not):
        return z3.Not(formula_term(formula.part, variable))
    if isinstance(formula, Truth):
        return z3.BoolVal(formula.value)
    raise TypeError(f"not a formula: {formula!r}")


@dataclass
class RunVars:
    """The Z3 side of one run: its estimate, answers, choices and output."""

    output: list
    estimate: tuple | None = None  # (own terms, opponent terms)
    answers: dict = field(default_factory=dict)  # query path -> Bool
    queries: dict = field(default_factory=dict)  # query path -> (Query, value - threshold)
    conds: dict = field(default_factory=dict)  # If path -> Bool term
    choices: dict = field(default_factory=dict)  # Choose path -> [Bool]
    weight: z3.ArithRef | None = None


class System:
    """The fixed-point constraints of two programs on a game.

    ``programs[i]`` plays seat i. ``tie_randomization=False`` makes the
    oracle answer each query occurrence the same way in every run (no mixing
    of tie answers), for testing what randomisation at ties buys.
    ``closed=True`` relaxes strict "surely" comparisons: a closed superset of
    the fixed points, used to find infima that are not attained.
    ``hull[i]=False`` drops seat i's fixed-point condition and keeps one run
    of its agent: the system then describes what that agent can output.
    """

    def __init__(self, game, programs: tuple, tie_randomization: bool = True,
                 closed: bool = False, hull: tuple = (True, True)):
        self.game = game
        self.hull = hull
        self.programs = programs
        self.tie_randomization = tie_randomization
        self.closed = closed
        self.constraints: list = []
        self.variables: list = []
        self._shared_answers: dict = {}
        self.free = [[self._real(f"s{i}_{k}") for k in range(game.num_actions(i) - 1)]
                     for i in (0, 1)]
        self.strategy = [self._simplex(free) for free in self.free]
        for i in (0, 1):
            self.constraints += [x >= 0 for x in self.strategy[i]]
        self.runs = [self._encode_agent(i) for i in (0, 1)]

    # -- variables --------------------------------------------------------
    def _real(self, name: str) -> z3.ArithRef:
        v = z3.Real(name)
        self.variables.append(v)
        return v

    def _bool(self, name: str) -> z3.BoolRef:
        v = z3.Bool(name)
        self.variables.append(v)
        return v

    @staticmethod
    def _simplex(free: list) -> list:
        return free + [1 - sum(free) if free else z3.RealVal(1)]

    # -- terms ------------------------------------------------------------
    def seat_term(self, poly: Poly) -> z3.ArithRef:
        """A Poly in seat variables ("s", i, k) as a Z3 term."""
        return poly_term(poly, lambda v: self.strategy[v[1]][v[2]])

    def seat_formula(self, formula: Formula) -> z3.BoolRef:
        return formula_term(formula, lambda v: self.strategy[v[1]][v[2]])

    def payoff(self, player: int) -> z3.ArithRef:
        return self.seat_term(self.game.payoff_polys[player])

    def _role_term(self, poly: Poly, seat: int, own: list, opp: list) -> z3.ArithRef:
        return poly_term(poly, lambda v: own[v[1]] if v[0] == "self" else opp[v[1]])

    # -- agents -----------------------------------------------------------
    def _encode_agent(self, seat: int) -> list:
        prog: Program = self.programs[seat]
        own, opp = self.strategy[seat], self.strategy[1 - seat]
        n = prog.n_self
        count = 1 if prog.is_deterministic or n == 1 or not self.hull[seat] else n
        runs = [self._encode_run(prog, seat, r) for r in range(count)]
        if n == 1 or not self.hull[seat]:
            return runs
        if count == 1:
            self.constraints += [own[k] == runs[0].output[k] for k in range(n - 1)]
        elif n == 2:
            self.constraints += [runs[0].output[0] <= own[0], own[0] <= runs[1].output[0]]
        else:
            for r, run in enumerate(runs):
                run.weight = self._real(f"w{seat}_{r}")
                self.constraints.append(run.weight >= 0)
            self.constraints.append(sum(run.weight for run in runs) == 1)
            for k in range(n - 1):
                self.constraints.append(own[k] == sum(run.weight * run.output[k] for run in runs))
        return runs

    def _encode_run(self, prog: Program, seat: int, r: int) -> RunVars:
        own, opp = self.strategy[seat], self.strategy[1 - seat]
        stem = f"a{seat}r{r}_"
        run = RunVars(output=[])
        vertices = None
        if prog.uses_estimates:
            half = z3_number(prog.delta / 2)
            est = []
            for who, true in (("e", own), ("f", opp)):
                terms = self._simplex([self._real(f"{stem}{who}{k}") for k in range(len(true) - 1)])
                for e, t in zip(terms, true):
                    self.constraints += [e >= 0, e - t <= half, t - e <= half]
                est.append(terms)
            run.estimate = tuple(est)
            vertices = [self._box_vertices(terms, prog.delta, f"{stem}{who}")
                        for terms, who in zip(est, ("e", "f"))]
        ctx = _RunContext(self, prog, seat, r, run, own, opp, vertices, stem)
        run.output = ctx.node(prog.body, ())
        return run

    def _box_vertices(self, center: list, delta: Fraction, stem: str) -> list:
        """(validity, point) pairs covering the vertices of the clipped box."""
        d = z3_number(delta)
        n = len(center)
        lo, hi = [], []
        for k, c in enumerate(center):
            low, high = self._real(f"{stem}lo{k}"), self._real(f"{stem}hi{k}")
            self.constraints += [low >= 0, low >= c - d, z3.Or(low == 0, low == c - d),
                                 high <= 1, high <= c + d, z3.Or(high == 1, high == c + d)]
            lo.append(low)
            hi.append(high)
            if n == 2:
                break  # the second coordinate's interval is the mirror of the first
        if n == 1:
            return [(z3.BoolVal(True), [z3.RealVal(1)])]
        if n == 2:
            return [(z3.BoolVal(True), [lo[0], 1 - lo[0]]), (z3.BoolVal(True), [hi[0], 1 - hi[0]])]
        out = []
        for free in range(n):
            others = [k for k in range(n) if k != free]
            for bounds in product((0, 1), repeat=n - 1):
                point = [None] * n
                for k, b in zip(others, bounds):
                    point[k] = hi[k] if b else lo[k]
                point[free] = 1 - sum(point[k] for k in others)
                out.append((z3.And(lo[free] <= point[free], point[free] <= hi[free]), point))
        return out

    def interior_constraints(self, moving: set) -> list:
        """Constraints putting a fixed point strictly inside a moving family.

        ``moving`` holds the seats whose strategies move; see
        ``solver.interior_point`` for the argument. Used only to search for
        a point that the exact test then confirms.
        """
        out = []
        for seat in (0, 1):
            prog, runs = self.programs[seat], self.runs[seat]
            if seat in moving:
                if prog.n_self != 2 or len(runs) != 2:
                    return [z3.BoolVal(False)]
                out += [runs[0].output[0] < self.strategy[seat][0],
                        self.strategy[seat][0] < runs[1].output[0]]
            for run in runs:
                if run.estimate is not None:
                    half = z3_number(prog.delta / 2)
                    for who, terms in ((seat, run.estimate[0]), (1 - seat, run.estimate[1])):
                        if who in moving:
                            out += [z3.And(e - t < half, t - e < half)
                                    for e, t in zip(terms, self.strategy[who])]
                for cond, value in run.queries.values():
                    seats = {0 if (v[0] == "self") == (seat == 0) else 1
                             for v in cond.poly.variables()}
                    if seats & moving:
                        out.append(value != 0)
        return out

    # -- whole-system helpers ------------------------------------------------------
    def formula(self) -> z3.BoolRef:
        return z3.And(self.constraints)

    def witness(self, model: z3.ModelRef) -> FixedPointWitness:
        """The fixed-point witness a model describes, with exact numbers."""
        def val(term):
            return exact_value(model.eval(term, model_completion=True))

        profile = tuple(tuple(val(x) for x in self.strategy[i]) for i in (0, 1))
        runs = []
        for seat in (0, 1):
            prog, seat_runs = self.programs[seat], self.runs[seat]
            observations = [self._observation(model, prog, run, val) for run in seat_runs]
            if prog.n_self == 1 or len(seat_runs) == 1:
                weights = [Fraction(1)] + [Fraction(0)] * (len(seat_runs) - 1)
            elif prog.n_self == 2:
                lo, hi = val(seat_runs[0].output[0]), val(seat_runs[1].output[0])
                x = profile[seat][0]
                if compare(lo, hi) == 0:
                    weights = [Fraction(1), Fraction(0)]
                else:
                    w_hi = simplify_number((x - lo) / (hi - lo))
                    weights = [simplify_number(1 - w_hi), w_hi]
            else:
                weights = [val(run.weight) for run in seat_runs]
            runs.append(tuple(Run(w, o) for w, o in zip(weights, observations)
                              if w != 0))
        return FixedPointWitness(profile, tuple(runs))

    def _observation(self, model, prog: Program, run: RunVars, val) -> Observation:
        estimate = None
        if run.estimate is not None:
            estimate = tuple(tuple(val(t) for t in terms) for terms in run.estimate)
        answers, choices = {}, {}

        def visit(node: Node, path: tuple):
            if isinstance(node, If):
                for qpath, _ in _queries(node.cond, path + ("c",)):
                    answers[qpath] = Fraction(int(z3.is_true(model.eval(run.answers[qpath],
                                                                         model_completion=True))))
                taken = z3.is_true(model.eval(run.conds[path], model_completion=True))
                visit(node.then if taken else node.orelse, path + ((0,) if taken else (1,)))
            elif isinstance(node, Choose):
                flags = [z3.is_true(model.eval(c, model_completion=True))
                         for c in run.choices[path]]
                pick = flags.index(True)
                choices[path] = tuple(Fraction(int(i == pick)) for i in range(len(flags)))
                visit(node.options[pick], path + (pick,))
            elif isinstance(node, Mix):
                visit(node.first, path + (0,))
                visit(node.second, path + (1,))

        visit(prog.body, ())
        return Observation(estimate, answers, choices)


_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_CLOSED = {"<": "<=", "<=": "<=", ">": ">=", ">=": ">="}
_COMPARE = {"<": lambda t: t < 0, "<=": lambda t: t <= 0,
            ">": lambda t: t > 0, ">=": lambda t: t >= 0}


def _queries(cond: Cond, path: tuple):
    if isinstance(cond, Query):
        yield path, cond
    for i, part in enumerate(cond.parts()):
        yield from _queries(part, path + (i,))


class _RunContext:
    """Encodes one run of one program: conditions and output terms."""

    def __init__(self, system: System, prog: Program, seat: int, r: int, run: RunVars,
                 own: list, opp: list, vertices, stem: str):
        self.s, self.prog, self.seat, self.r, self.run = system, prog, seat, r, run
        self.own, self.opp, self.vertices, self.stem = own, opp, vertices, stem

    def true_term(self, poly: Poly) -> z3.ArithRef:
        return poly_term(poly, lambda v: self.own[v[1]] if v[0] == "self" else self.opp[v[1]])

    def cond(self, cond: Cond, path: tuple, positive: bool) -> z3.BoolRef:
        """The condition (``positive``) or its negation, negations pushed to atoms.

        In a closed system strict "surely" comparisons are relaxed to weak
        ones where they occur positively: every constraint is then closed,
        and the system describes a closed superset of the fixed points.
        """
        s = self.s
        if isinstance(cond, Query):
            answer = self._answer(cond, path)
            return answer if positive else z3.Not(answer)
        if isinstance(cond, Surely):
            op = cond.op if positive else _NEGATED[cond.op]
            if s.closed:
                op = _CLOSED[op]
            atoms = []
            for (ok_self, v_self), (ok_opp, v_opp) in product(*self.vertices):
                t = poly_term(cond.poly, lambda v: v_self[v[1]] if v[0] == "self" else v_opp[v[1]])
                atom = _COMPARE[op](t)
                guard = z3.And(ok_self, ok_opp)
                always = z3.is_true(z3.simplify(guard))
                if positive:
                    atoms.append(atom if always else z3.Implies(guard, atom))
                else:
                    atoms.append(atom if always else z3.And(guard, atom))
            return z3.And(atoms) if positive else z3.Or(atoms)
        if isinstance(cond, (AllOf, AnyOf)):
            parts = [self.cond(c, path + (i,), positive) for i, c in enumerate(cond.conds)]
            conjunctive = isinstance(cond, AllOf) == positive
            return z3.And(parts) if conjunctive else z3.Or(parts)
        if isinstance(cond, Negation):
            return self.cond(cond.cond, path + (0,), not positive)
        if isinstance(cond, Constant):
            return z3.BoolVal(cond.value == positive)
        raise TypeError(f"unknown condition {cond!r}")

    def _answer(self, cond: Query, path: tuple) -> z3.BoolRef:
        """The oracle's answer to one query occurrence (forced unless at a tie)."""
        s = self.s
        if path in self.run.answers:
            return self.run.answers[path]
        key = (self.seat, path)
        if not s.tie_randomization and key in s._shared_answers:
            answer = s._shared_answers[key]
        else:
            answer = s._bool(f"{self.stem}q{_path_name(path)}")
            value = self.true_term(cond.poly - cond.threshold)
            s.constraints += [z3.Implies(value > 0, answer), z3.Implies(value < 0, z3.Not(answer))]
            s._shared_answers[key] = answer
        self.run.answers[path] = answer
        self.run.queries[path] = (cond, self.true_term(cond.poly - cond.threshold))
        return answer

    def node(self, node: Node, path: tuple) -> list:
        s, n = self.s, self.prog.n_self
        if isinstance(node, Play):
            return [z3_number(p) for p in node.dist]
        if isinstance(node, PlayEstimate):
            return list(self.run.estimate[0])
        if isinstance(node, Mix):
            p = self.true_term(node.prob)
            first, second = self.node(node.first, path + (0,)), self.node(node.second, path + (1,))
            return [p * a + (1 - p) * b for a, b in zip(first, second)]
        if isinstance(node, If):
            flag = s._bool(f"{self.stem}if{_path_name(path)}")
            s.constraints += [z3.Implies(flag, self.cond(node.cond, path + ("c",), True)),
                              z3.Implies(z3.Not(flag), self.cond(node.cond, path + ("c",), False))]
            self.run.conds[path] = flag
            then, orelse = self.node(node.then, path + (0,)), self.node(node.orelse, path + (1,))
            return self._select([(flag, then), (z3.Not(flag), orelse)], path)
        if isinstance(node, Choose):
            flags = [s._bool(f"{self.stem}ch{_path_name(path)}_{i}") for i in range(len(node.options))]
            s.constraints.append(z3.Or(flags))
            self.run.choices[path] = flags
            outs = [self.node(o, path + (i,)) for i, o in enumerate(node.options)]
            return self._select(list(zip(flags, outs)), path)
        raise TypeError(f"unknown node {node!r}")

    def _select(self, cases: list, path: tuple) -> list:
        """Fresh output variables equal to the outputs of the case that holds."""
        s, n = self.s, self.prog.n_self
        out = [s._real(f"{self.stem}o{_path_name(path)}_{k}") for k in range(n - 1)]
        out.append(1 - sum(out) if out else z3.RealVal(1))
        for guard, values in cases:
            s.constraints += [z3.Implies(guard, o == v) for o, v in zip(out[:-1], values[:-1])]
        return out


def _path_name(path: tuple) -> str:
    """A unique name fragment for a path: (1, 1) and (11,) must differ."""
    return "_".join(str(p) for p in path) or "root"


def number_constraints(value: Number, target: z3.ArithRef) -> list:
    """Constraints saying ``target`` equals an exact rational or real algebraic number.

    An algebraic number is pinned by its minimal polynomial and an isolating
    interval with rational ends.
    """
    value = simplify_number(value)
    if isinstance(value, Fraction):
        return [target == z3_number(value)]
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
    poly_value = sum((z3_number(c) * target ** (len(coeffs) - 1 - i) for i, c in enumerate(coeffs)),
                     z3.RealVal(0))
    return [poly_value == 0, target >= z3_number(Fraction(int(a.p), int(a.q))),
            target <= z3_number(Fraction(int(b.p), int(b.q)))]
