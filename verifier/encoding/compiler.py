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
with it. "delta-surely" conditions are checked at points of the radius-delta
box around the estimate, clipped to the simplex, that include its vertices
(:mod:`verifier.encoding.boxes`), which is exact because the compared
polynomials are affine in each player's strategy;
:class:`~verifier.model.agents.SurelyCone` adds the rates as a variable where it
holds and a Farkas-type combination of the rows (Ville's theorem) where it
fails. :class:`~verifier.model.agents.SurelyOutside` is exact where it fails (a
profile of the box in the polygon) and relaxed where it holds (the images of
the box's four edges miss the polygon, a necessary condition): a system with
such a test is marked ``relaxed``, and only the exact interpreter's
re-check makes one of its points a fixed point.

The system is plain data (:mod:`verifier.model.poly` formulas over named real and
Boolean variables) and this module never imports z3: the certificate
checker rebuilds it to compare with a certificate. :mod:`verifier.encoding.smt`
translates it for Z3, :mod:`verifier.encoding.smtlib` prints it as SMT-LIB 2.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from ..model.agents import AgentError, Choose, If, Mix, Node, Program, Query, query_key
from ..errors import UnknownNode
from ..semantics.interpreter import FixedPointWitness, Observation, Run
from .boxes import box_points
from .runs import RunEncoder, RunVars
from ..model.numbers import Number, compare, simplify_number
from ..model.poly import (INTEGER_PREFIX, And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, conj,
                          disj, implies, named)


MAX_PATH_NODES = 16384  # copies of nodes with a Choose below (one per path) in one system
# a delta-box of n >= 3 actions is tested at its n! greedy points: 24 at n = 4, so a condition
# of an agent estimating two 4-action strategies is written at 576 pairs of points (at n = 5,
# 14400: more than the 6400 pairs of guarded candidates, and neither is practical)
MAX_ESTIMATED_ACTIONS = 4


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
    (:func:`verifier.model.agents.query_key`) and ``query_value[key]`` its
    polynomial minus its threshold in the system's variables. ``relaxed`` is
    True when a condition is over-approximated (module docstring): then a
    solution is a fixed point only once the interpreter confirms it.
    """

    @property
    def symbols(self) -> set:
        """The parameter symbols of the programs and of the game's payoffs."""
        return set().union(*(p.symbols for p in self.programs)) | set(self.game.symbols)

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
        self.free = [[self.real_var(f"s{i}_{k}") for k in range(game.num_actions(i) - 1)]
                     for i in (0, 1)]
        self.strategy = [self._simplex(free) for free in self.free]
        for i in (0, 1):
            self.add(*(x >= 0 for x in self.strategy[i]))
        copies = sum(self._run_count(i) * programs[i].choice_occurrences for i in (0, 1))
        if copies > MAX_PATH_NODES:
            raise AgentError(f"{' and '.join(p.name for p in programs)} on {game.name}: their "
                             f"runs meet nodes with a Choose below them {copies} times (at most "
                             f"{MAX_PATH_NODES}); each path's Choose picks on its own, so the "
                             f"system would hold a copy of such a node per path")
        for prog in programs:
            if prog.uses_estimates and max(prog.n_self, prog.n_opp) > MAX_ESTIMATED_ACTIONS:
                raise AgentError(f"{prog.name} on {game.name}: an agent that estimates plays "
                                 f"games of at most {MAX_ESTIMATED_ACTIONS} actions a player "
                                 f"here (its delta-box of n actions is tested at n! points)")
        for seat, prog in enumerate(programs):
            for query in prog.queries():
                self._tie_variable(query, seat)
        self._same_queries()
        self.runs = [self._encode_agent(i) for i in (0, 1)]

    # -- variables --------------------------------------------------------
    def real_var(self, name: str) -> Poly:
        """A fresh real variable of the system, named ``name``."""
        self.reals.append(name)
        return named(name)

    def bool_var(self, name: str) -> BoolVar:
        """A fresh Boolean variable of the system, named ``name``."""
        self.booleans.append(name)
        return BoolVar(name)

    def add(self, *formulas) -> None:
        """Add constraints, dropping those that are trivially true."""
        for f in formulas:
            if isinstance(f, Atom) and f.poly.is_constant():
                f = Truth(f.holds({}))
            if not (isinstance(f, Truth) and f.value):
                self.constraints.append(f)

    @staticmethod
    def _simplex(free: list) -> list:
        return free + [1 - sum(free, Poly())]

    def indicator(self, flag: BoolVar, stem: str) -> Poly:
        """A real variable that is 1 when the flag holds and 0 otherwise."""
        z = self.real_var(stem)
        self.add(implies(flag, z.eq(1)), implies(Not(flag), z.eq(0)))
        return z

    # -- the oracle -------------------------------------------------------
    def _tie_variable(self, query: Query, seat: int) -> Poly:
        """The q of a query: 1 above its threshold, 0 below, free in [0, 1] at the tie."""
        key = query_key(query, seat)
        if key not in self.tie:
            q = self.real_var(f"q{len(self.tie)}")
            value = self.seat_term(key[0] - key[1])
            self.add(q >= 0, q <= 1, implies(value > 0, q.eq(1)), implies(value < 0, q.eq(0)))
            if not self.tie_randomization:
                self.add(disj([q.eq(0), q.eq(1)]))
            self.tie[key], self.query_value[key] = q, value
        return self.tie[key]

    def _same_queries(self) -> None:
        """Queries with parameters in their coefficients or thresholds may coincide at some
        parameter values: there they are one query, with one q."""
        order = {k: i for i, k in enumerate(self.tie)}
        symbolic = [k for k in order if _has_symbols(k[0], k[1])]
        pairs = {tuple(sorted((a, b), key=order.get)) for a in symbolic for b in order
                 if a != b and a[2] == b[2]}  # in the order of a double loop over the keys
        for a, b in sorted(pairs, key=lambda pair: (order[pair[0]], order[pair[1]])):
            # the same polynomial (coefficient by coefficient) and the same threshold
            coefficients: dict = {}
            for m, c in (a[0] - b[0]).terms.items():
                strategy = tuple((v, e) for v, e in m if isinstance(v, tuple))
                rest = Poly({tuple((v, e) for v, e in m if not isinstance(v, tuple)): c})
                coefficients[strategy] = coefficients.get(strategy, Poly()) + rest
            same = [c.eq(0) for c in coefficients.values()]
            same.append((Poly.lift(a[1]) - Poly.lift(b[1])).eq(0))
            self.add(implies(conj(same), self.tie[a].eq(self.tie[b])))

    # -- terms ------------------------------------------------------------
    def seat_term(self, poly: Poly) -> Poly:
        """A Poly in seat variables ("s", i, k) in the system's variables."""
        return poly.substitute({("s", i, k): x for i in (0, 1)
                                for k, x in enumerate(self.strategy[i])})

    def seat_formula(self, formula: Formula) -> Formula:
        """A formula over seat variables in the system's variables."""
        return map_polys(formula, self.seat_term)

    # -- agents -----------------------------------------------------------
    def _run_count(self, seat: int) -> int:
        prog = self.programs[seat]
        return 1 if prog.one_run or prog.n_self == 1 or not self.hull[seat] else prog.n_self

    def _encode_agent(self, seat: int) -> list:
        prog: Program = self.programs[seat]
        own = self.strategy[seat]
        n = prog.n_self
        count = self._run_count(seat)
        runs = [self._encode_run(prog, seat, r) for r in range(count)]
        if n == 1 or not self.hull[seat]:
            return runs
        if count == 1:
            self.add(*(own[k].eq(runs[0].output[k]) for k in range(n - 1)))
        elif n == 2:
            self.add(runs[0].output[0] <= own[0], own[0] <= runs[1].output[0])
        else:
            for r, run in enumerate(runs):
                run.weight = self.real_var(f"w{seat}_{r}")
                self.add(run.weight >= 0)
            self.add(sum((run.weight for run in runs), Poly()).eq(1))
            for k in range(n - 1):
                self.add(own[k].eq(sum((run.weight * run.output[k] for run in runs), Poly())))
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
                free = [self.real_var(f"{stem}{who}{k}") for k in range(len(true) - 1)]
                terms = self._simplex(free)
                for e, t in zip(terms, true):
                    self.add(e >= 0, e - t <= half, t - e <= half)
                if prog.estimates == "grid":
                    for k, e in enumerate(free):
                        self._on_grid(e, half, f"{stem}{who}{k}")
                est.append(terms)
            run.estimate = tuple(est)
            vertices = [box_points(self, terms, prog.delta, f"{stem}{who}")
                        for terms, who in zip(est, ("e", "f"))]
        ctx = RunEncoder(self, prog, seat, run, own, opp, vertices, stem)
        run.output = ctx.node(prog.body, ())
        return run

    def _on_grid(self, e: Poly, step: Fraction, stem: str) -> None:
        """``e`` is a multiple n * step of the grid, with n an integer variable."""
        n = named(INTEGER_PREFIX + stem)
        self.integers.append(INTEGER_PREFIX + stem)
        self.add(n >= 0, n <= int(1 / step), e.eq(step * n))

    def interior_constraints(self, moving: set) -> list:
        """Constraints putting a fixed point strictly inside a moving family.

        ``moving`` holds the seats whose strategies move; see
        ``verifier.semantics.continuum.interior_point`` for the argument. Used only to search for
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
        """The conjunction of every constraint."""
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
        if id(node) in prog.choice_free:
            return  # nothing to choose below (and its conditions are keyed by one path only)
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
    raise UnknownNode(f"map_polys has no rule for the formula {formula!r}")


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
