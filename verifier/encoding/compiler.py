"""Compile a pair of agent programs on a game into a constraint system.

The solutions of the system are exactly the fixed points of the pair under
the programs' readings (docs/semantics.md): a profile (s0, s1), one tie
probability q per distinct oracle query (shared by both programs: every call
to a query is an independent draw from its q), and for each seat runs whose
outputs mix to its strategy. A *run* is one estimate (in the reading's
admissible set: the clipped box of radius delta/2 around the truth, or its
grid points) and one option per Choose node; its output is the exact
expectation over the oracle's draws, a polynomial in the q's. By
Caratheodory, k runs suffice for an agent with k actions; with two actions
the mixture is "some run outputs at most s_i(0), some run at least s_i(0)",
which needs no weights.

Conditions without oracle queries (LP's and neLP's delta-sure tests) are
two-valued: a Boolean flag per ``If`` with implications both ways, linear
when the parameters are concrete. Conditions with queries have a
probability, a polynomial in the q's, and the ``If`` mixes its branches
with it. "delta-surely" conditions are checked at the vertices of the
radius-delta box around the estimate, clipped to the simplex, which is exact
because the compared polynomials are affine in each player's strategy;
:class:`~verifier.agents.SurelyCone` adds the rates as a variable where it
holds and a Farkas-type combination of the rows (Ville's theorem) where it
fails. :class:`~verifier.agents.SurelyOutside` is exact where it fails (a
profile of the box in the polygon) and relaxed where it holds (the images of
the box's four edges miss the polygon, a necessary condition): a system with
such a test is marked ``relaxed``, and only the exact interpreter's
re-check makes one of its points a fixed point.

The system is plain data (:mod:`verifier.poly` formulas over named real and
Boolean variables) and this module never imports z3: the certificate
checker rebuilds it to compare with a certificate. :mod:`verifier.smt`
translates it for Z3, :mod:`verifier.smtlib` prints it as SMT-LIB 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations_with_replacement, product

import sympy

from ..model.agents import (AllOf, AnyOf, Choose, Cond, Constant, If, Mix, Negation, Node, Play,
                     PlayEstimate, Program, Query, Surely, SurelyCone, SurelyOutside, query_key)
from ..semantics.interpreter import FixedPointWitness, Observation, Run
from ..model.numbers import Number, compare, simplify_number
from ..model.poly import (INTEGER_PREFIX, And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, conj, disj,
                   implies, named, rates_meet, some_rates)


@dataclass
class RunVars:
    """The variables of one run: its estimate, choices and output."""

    output: list  # Polys, one per own action
    estimate: tuple | None = None  # (own Polys, opponent Polys)
    conds: dict = field(default_factory=dict)  # If path -> BoolVar (query-free conditions)
    choices: dict = field(default_factory=dict)  # Choose path -> [BoolVar]
    weight: Poly | None = None


class System:
    """The fixed-point constraints of two programs on a game.

    ``programs[i]`` plays seat i. ``tie_randomization=False`` makes the
    oracle answer every query deterministically (each q is 0 or 1), for
    testing what randomisation at ties buys. ``closed=True`` relaxes strict
    "surely" comparisons: a closed superset of the fixed points, used to find
    infima that are not attained. ``hull[i]=False`` drops seat i's
    fixed-point condition and keeps one run of its agent: the system then
    describes what that agent can output.

    ``constraints`` is a list of formulas; ``reals``, ``integers`` (grid
    indices) and ``booleans`` name the variables in order of creation; ``free[i]`` are player i's free
    strategy variables and ``strategy[i]`` the whole strategy as Polys;
    ``tie[key]`` is the q variable of each distinct query
    (:func:`verifier.agents.query_key`) and ``query_value[key]`` its
    polynomial minus its threshold in the system's variables. ``relaxed`` is
    True when a condition is over-approximated (module docstring): then a
    solution is a fixed point only once the interpreter confirms it.
    """

    def __init__(self, game, programs: tuple, tie_randomization: bool = True,
                 closed: bool = False, hull: tuple = (True, True)):
        self.game = game
        self.hull = hull
        self.programs = programs
        self.tie_randomization = tie_randomization
        self.closed = closed
        self.relaxed = False
        self.constraints: list = []
        self.reals: list = []
        self.integers: list = []
        self.booleans: list = []
        self.tie: dict = {}
        self.query_value: dict = {}
        self.free = [[self._real(f"s{i}_{k}") for k in range(game.num_actions(i) - 1)]
                     for i in (0, 1)]
        self.strategy = [self._simplex(free) for free in self.free]
        for i in (0, 1):
            self._add(*(x >= 0 for x in self.strategy[i]))
        for seat, prog in enumerate(programs):
            for query in prog.queries():
                self._tie_variable(query, seat)
        self._same_queries()
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

    def _indicator(self, flag: BoolVar, stem: str) -> Poly:
        """A real variable that is 1 when the flag holds and 0 otherwise."""
        z = self._real(stem)
        self._add(implies(flag, z.eq(1)), implies(Not(flag), z.eq(0)))
        return z

    # -- the oracle -------------------------------------------------------
    def _tie_variable(self, query: Query, seat: int) -> Poly:
        """The q of a query: 1 above its threshold, 0 below, free in [0, 1] at the tie."""
        key = query_key(query, seat)
        if key not in self.tie:
            q = self._real(f"q{len(self.tie)}")
            value = self.seat_term(key[0] - key[1])
            self._add(q >= 0, q <= 1, implies(value > 0, q.eq(1)), implies(value < 0, q.eq(0)))
            if not self.tie_randomization:
                self._add(disj([q.eq(0), q.eq(1)]))
            self.tie[key], self.query_value[key] = q, value
        return self.tie[key]

    def _same_queries(self) -> None:
        """Queries with parameters in their coefficients or thresholds may coincide at some
        parameter values: there they are one query, with one q."""
        keys = list(self.tie)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if a[2] != b[2] or not any(_has_symbols(k[0], k[1]) for k in (a, b)):
                    continue
                # the same polynomial (coefficient by coefficient) and the same threshold
                coefficients: dict = {}
                for m, c in (a[0] - b[0]).terms.items():
                    strategy = tuple((v, e) for v, e in m if isinstance(v, tuple))
                    rest = Poly({tuple((v, e) for v, e in m if not isinstance(v, tuple)): c})
                    coefficients[strategy] = coefficients.get(strategy, Poly()) + rest
                same = [c.eq(0) for c in coefficients.values()]
                same.append((Poly.lift(a[1]) - Poly.lift(b[1])).eq(0))
                self._add(implies(conj(same), self.tie[a].eq(self.tie[b])))

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
        count = 1 if prog.one_run or n == 1 or not self.hull[seat] else n
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
                free = [self._real(f"{stem}{who}{k}") for k in range(len(true) - 1)]
                terms = self._simplex(free)
                for e, t in zip(terms, true):
                    self._add(e >= 0, e - t <= half, t - e <= half)
                if prog.estimates == "grid":
                    for k, e in enumerate(free):
                        self._on_grid(e, half, f"{stem}{who}{k}")
                est.append(terms)
            run.estimate = tuple(est)
            vertices = [self._box_vertices(terms, prog.delta, f"{stem}{who}")
                        for terms, who in zip(est, ("e", "f"))]
        ctx = _RunContext(self, prog, seat, run, own, opp, vertices, stem)
        run.output = ctx.node(prog.body, ())
        return run

    def _on_grid(self, e: Poly, step: Fraction, stem: str) -> None:
        """``e`` is a multiple n * step of the grid, with n an integer variable."""
        n = named(INTEGER_PREFIX + stem)
        self.integers.append(INTEGER_PREFIX + stem)
        self._add(n >= 0, n <= int(1 / step), e.eq(step * n))

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
        for key, value in self.query_value.items():
            if {v[1] for v in key[0].variables() if isinstance(v, tuple)} & moving:
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
        values = {("s", i, k): p for i, s in enumerate(profile) for k, p in enumerate(s)}
        answers = {}
        for key, q in self.tie.items():
            # with parameters, the key of the concrete query at the solution's values
            params = {v: real(named(v)) for v in Poly.lift(key[1]).variables() | key[0].variables()
                      if isinstance(v, str)}
            poly = key[0].substitute(params)
            threshold = simplify_number(Poly.lift(key[1]).substitute(params).constant_value()) \
                if params else key[1]
            if compare(poly.evaluate(values), threshold) == 0:  # only ties need a witness
                answers[(poly, threshold, key[2])] = real(q)
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
        return FixedPointWitness(profile, tuple(runs), answers)


def _has_symbols(poly: Poly, threshold) -> bool:
    """Does a query's key involve parameter symbols (string variables)?"""
    return any(isinstance(v, str) for v in Poly.lift(threshold).variables()) or \
        any(isinstance(v, str) for v in poly.variables())


def _observation(prog: Program, run: RunVars, real, boolean) -> Observation:
    estimate = None
    if run.estimate is not None:
        estimate = tuple(tuple(real(t) for t in terms) for terms in run.estimate)
    choices = {}

    def visit(node: Node, path: tuple):
        if isinstance(node, If):
            if path in run.conds:  # a two-valued condition: the branch taken
                taken = boolean(run.conds[path])
                visit(node.then if taken else node.orelse, path + ((0,) if taken else (1,)))
            else:  # a condition with queries: both branches may run
                visit(node.then, path + (0,))
                visit(node.orelse, path + (1,))
        elif isinstance(node, Choose):
            flags = [boolean(c) for c in run.choices[path]]
            pick = flags.index(True)
            choices[path] = tuple(Fraction(int(i == pick)) for i in range(len(flags)))
            visit(node.options[pick], path + (pick,))
        elif isinstance(node, Mix):
            visit(node.first, path + (0,))
            visit(node.second, path + (1,))

    visit(prog.body, ())
    return Observation(estimate, choices)


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


def _has_query(cond: Cond) -> bool:
    return isinstance(cond, Query) or any(_has_query(p) for p in cond.parts())


def _meet_on_segment(f: tuple, g: tuple) -> Formula:
    """Some point of a segment has f >= 0 and g >= 0, for f and g affine along it with
    values (f0, f1) and (g0, g1) at its ends (the sets where each holds are intervals
    reaching an end of the segment)."""
    (f0, f1), (g0, g1) = f, g
    return disj([conj([f0 >= 0, g0 >= 0]), conj([f1 >= 0, g1 >= 0]),
                 conj([f0 >= 0, g1 >= 0, f0 * g1 - f1 * g0 >= 0]),
                 conj([g0 >= 0, f1 >= 0, g0 * f1 - g1 * f0 >= 0])])


class _RunContext:
    """Encodes one run of one program: conditions and output terms."""

    def __init__(self, system: System, prog: Program, seat: int, run: RunVars,
                 own: list, opp: list, vertices, stem: str):
        self.s, self.prog, self.seat, self.run = system, prog, seat, run
        self.own, self.opp, self.vertices, self.stem = own, opp, vertices, stem
        self._memo: dict = {}  # (id of a box condition, positive) -> its formula in this run

    def true_term(self, poly: Poly) -> Poly:
        return poly.substitute({("self", k): x for k, x in enumerate(self.own)}
                               | {("opp", k): x for k, x in enumerate(self.opp)})

    def at(self, poly: Poly, v_self: list, v_opp: list) -> Poly:
        """A polynomial at a vertex of the estimate boxes."""
        return poly.substitute({("self", k): x for k, x in enumerate(v_self)}
                               | {("opp", k): x for k, x in enumerate(v_opp)})

    def _op(self, op: str, positive: bool) -> str:
        op = op if positive else _NEGATED[op]
        return _CLOSED[op] if self.s.closed and positive else op

    # -- two-valued conditions -------------------------------------------------
    def cond(self, cond: Cond, path: tuple, positive: bool) -> Formula:
        """A query-free condition (``positive``) or its negation, negations pushed in.

        In a closed system strict "surely" comparisons are relaxed to weak
        ones where they occur positively: every constraint is then closed,
        and the system describes a closed superset of the fixed points.
        """
        if isinstance(cond, (Surely, SurelyCone, SurelyOutside)):
            # depends only on the run's estimate, not on where it occurs
            key = (id(cond), positive)
            if key not in self._memo:
                encode = {Surely: self._surely, SurelyCone: self._cone,
                          SurelyOutside: self._outside}[type(cond)]
                self._memo[key] = encode(cond, positive)
            return self._memo[key]
        if isinstance(cond, (AllOf, AnyOf)):
            parts = [self.cond(c, path + (i,), positive) for i, c in enumerate(cond.conds)]
            conjunctive = isinstance(cond, AllOf) == positive
            return conj(parts) if conjunctive else disj(parts)
        if isinstance(cond, Negation):
            return self.cond(cond.cond, path + (0,), not positive)
        if isinstance(cond, Constant):
            return Truth(cond.value == positive)
        raise TypeError(f"unknown condition {cond!r}")

    def _pairs(self):
        """The vertices of both estimate boxes, with their validity guards."""
        for (ok_self, v_self), (ok_opp, v_opp) in product(*self.vertices):
            yield conj([ok_self, ok_opp]), v_self, v_opp

    def _surely(self, cond: Surely, positive: bool) -> Formula:
        """The comparison at every vertex of the estimate boxes (guarded by the vertex
        being present)."""
        op = self._op(cond.op, positive)
        atoms = []
        for guard, v_self, v_opp in self._pairs():
            atom = Atom(self.at(cond.poly, v_self, v_opp), op)
            atoms.append(implies(guard, atom) if positive else conj([guard, atom]))
        return conj(atoms) if positive else disj(atoms)

    def _cone(self, cond: SurelyCone, positive: bool) -> Formula:
        """Rates (1 - t, t), t in [0, 1], making every row (a, b) positive at every vertex.

        The set of good t for one row is an interval reaching 0 or 1, so by Helly's
        theorem in one dimension some t serves every row exactly when every two rows
        share one (:func:`verifier.poly.rates_meet`). With two actions each and gains that vanish when
        their mover already plays its target (LP's: a = s(x) alpha(y), b = r(y)
        beta(x)), the rows are first scaled by 1 / (s(x) r(y)), which leaves one row
        per payoff, the least alpha / r and the least beta / s over the vertices
        (:meth:`_factored_rows`); otherwise every vertex's rows are paired."""
        op = ">=" if self.s.closed and positive else ">"
        factored = self._factored_rows(cond, op)
        if factored is not None:
            axis, rows = factored
            holds = conj(axis + [some_rates(rows, op)])
        else:
            rows = [(guard, self.at(a, v_self, v_opp), self.at(b, v_self, v_opp))
                    for guard, v_self, v_opp in self._pairs() for a, b in cond.gains]
            holds = conj([implies(conj([gj, gk]), rates_meet((f0, f1), (g0, g1), op))
                          for j, (gj, f0, f1) in enumerate(rows) for gk, g0, g1 in rows[j:]])
        return holds if positive else Not(holds)

    def _factored_rows(self, cond: SurelyCone, op: str):
        """For two actions each, when every gain a vanishes at one pure strategy of mine
        and every b at one of the opponent's: (conditions of the rows whose scale
        vanishes, [(A, B) per gain pair]) with A and B new variables defined as the
        least scaled coefficients; None otherwise."""
        prog = self.prog
        if prog.n_self != 2 or prog.n_opp != 2:
            return None

        def pure(role, k):
            return {(role, j): int(j == k) for j in range(2)}

        def vanishing(polys, role):
            for k in (0, 1):
                if all(p.substitute(pure(role, k)).is_constant() and
                       p.substitute(pure(role, k)).constant_value() == 0 for p in polys):
                    return k
            return None
        o_self = vanishing([a for a, _ in cond.gains], "self")
        o_opp = vanishing([b for _, b in cond.gains], "opp")
        if o_self is None or o_opp is None:
            return None
        key = ("rows", id(cond))
        if key not in self._memo:
            xs = [v for _, v in self.vertices[0]]  # my box's two vertices
            ys = [v for _, v in self.vertices[1]]
            scale_x = [x[1 - o_self] for x in xs]  # a = scale_x * alpha(y)
            scale_y = [y[1 - o_opp] for y in ys]  # b = scale_y * beta(x)
            name = f"{self.stem}k{len(self._memo)}"
            rows, axis = [], []
            for w, (a, b) in enumerate(cond.gains):
                alpha = [a.substitute(pure("self", 1 - o_self) | {("opp", j): y[j] for j in (0, 1)})
                         for y in ys]
                beta = [b.substitute(pure("opp", 1 - o_opp) | {("self", j): x[j] for j in (0, 1)})
                        for x in xs]
                big_a, big_b = self.s._real(f"{name}a{w}"), self.s._real(f"{name}b{w}")
                for var, coeffs, scales in ((big_a, alpha, scale_y), (big_b, beta, scale_x)):
                    # var = the least coeff / scale over the vertices whose scale is positive
                    self.s._add(*(implies(sc > 0, var * sc <= c) for c, sc in zip(coeffs, scales)),
                                disj([conj([sc > 0, (var * sc).eq(c)])
                                      for c, sc in zip(coeffs, scales)]))
                rows.append((big_a, big_b))
                # a vertex where my scale is 0 needs b > 0 there (the opponent must move), and
                # where the opponent's scale is 0, a > 0; where both are, nothing moves
                for sx, bx in zip(scale_x, beta):
                    for sy in scale_y:
                        axis.append(implies(conj([sx.eq(0), sy > 0]), Atom(bx, op)))
                for sy, ay in zip(scale_y, alpha):
                    for sx in scale_x:
                        axis.append(implies(conj([sy.eq(0), sx > 0]), Atom(ay, op)))
            axis += [disj([Atom(sx, op), Atom(sy, op)]) for sx in scale_x for sy in scale_y]
            self._memo[key] = (axis, rows)
        return self._memo[key]

    def _outside(self, cond: SurelyOutside, positive: bool) -> Formula:
        """Negated: a profile of the box with every polynomial >= 0 (exact). Positive: along
        each of the box's four edges, two polynomials that are never both >= 0 (a
        necessary condition; the system is then ``relaxed``)."""
        (_, lo_self), (_, hi_self) = self.vertices[0]
        (_, lo_opp), (_, hi_opp) = self.vertices[1]
        name = f"{self.stem}k{len(self._memo)}"
        if not positive:
            x, y = self.s._real(name + "x"), self.s._real(name + "y")
            inside = [self.at(p, [x, 1 - x], [y, 1 - y]) >= 0 for p in cond.polys]
            return conj([lo_self[0] <= x, x <= hi_self[0], lo_opp[0] <= y, y <= hi_opp[0]]
                        + inside)
        self.s.relaxed = True
        corners = [(lo_self, lo_opp), (lo_self, hi_opp), (hi_self, hi_opp), (hi_self, lo_opp)]
        misses = []
        for (a_self, a_opp), (b_self, b_opp) in zip(corners, corners[1:] + corners[:1]):
            ends = [(self.at(p, a_self, a_opp), self.at(p, b_self, b_opp)) for p in cond.polys]
            misses.append(disj([Not(_meet_on_segment(f, g))
                                for f, g in combinations_with_replacement(ends, 2)]))
        return conj(misses)

    # -- probabilities of conditions with queries ---------------------------------
    def prob(self, cond: Cond, path: tuple) -> Poly:
        """The probability that a condition holds: a polynomial in the q's (every call an
        independent draw) and 0/1 indicators of its two-valued parts."""
        s = self.s
        if isinstance(cond, Query):
            return s.tie[query_key(cond, self.seat)]
        if isinstance(cond, (AllOf, AnyOf)):
            parts = [self.prob(c, path + (i,)) for i, c in enumerate(cond.conds)]
            if isinstance(cond, AllOf):
                out = Poly.const(1)
                for p in parts:
                    out = out * p
                return out
            miss = Poly.const(1)
            for p in parts:
                miss = miss * (1 - p)
            return 1 - miss
        if isinstance(cond, Negation):
            return 1 - self.prob(cond.cond, path + (0,))
        if isinstance(cond, Constant):
            return Poly.const(int(cond.value))
        flag = s._bool(f"{self.stem}b{_path_name(path)}")
        s._add(implies(flag, self.cond(cond, path, True)),
               implies(Not(flag), self.cond(cond, path, False)))
        return s._indicator(flag, f"{self.stem}z{_path_name(path)}")

    # -- outputs -----------------------------------------------------------------
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
        if isinstance(node, If) and _has_query(node.cond):
            p = self.prob(node.cond, path + ("c",))
            then, orelse = self.node(node.then, path + (0,)), self.node(node.orelse, path + (1,))
            out = [s._real(f"{self.stem}o{_path_name(path)}_{k}")
                   for k in range(self.prog.n_self - 1)]
            s._add(*(o.eq(b + p * (a - b)) for o, a, b in zip(out, then, orelse)))
            return out + [1 - sum(out, Poly())]
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
