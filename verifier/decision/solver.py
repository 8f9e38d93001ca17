"""Fixed points of a pair of agents: find, enumerate, optimise, check a point.

All answers are exact. Every fixed point reported has been re-checked by the
exact interpreter from its witness (a disagreement raises
:class:`UnsoundnessError`, never a verdict); a solver ``unknown`` or time-out
raises :class:`SolverUnknown`, which callers report as unknown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from fractions import Fraction

import sympy
import z3

from ..encoding import smt
from ..model.agents import Agent, query_key
from ..encoding.compiler import System
from ..errors import UnsoundnessError, UsageError
from .extremum import Minimum, minimize
from ..encoding.smt import SolverUnknown, Z3Queries, numeral
from ..model.games import Game
from ..semantics.interpreter import (FixedPointWitness, InadmissibleObservation, Run, interior_point,
                          pure_run, verify_fixed_point)
from . import nash
from ..model.numbers import Number, fmt
from ..model.library import best_reply_body, best_response, parse_agent
from ..model.params import ParameterError, Region, parse_region
from .parametric import FamilyShapeError, family_problems, ratio_text, witness_terms
from ..model.poly import Atom, BoolVar, Formula, Not, Poly, Truth, atom_text, named

DEFAULT_TIMEOUT = 120.0
GENERALIZE_SECONDS = 30.0
METHODS = ("auto", "enumeration", "smt")  # to write a fixed point for every parameter, before giving up
BOX_NOTE = ("box estimates: an estimate may be any point within delta/2 of the truth "
            "(an over-approximation of the post's grid estimates); an 'exists' answer is "
            "about this reading")


def readings_of(programs: tuple) -> tuple:
    """Each program's reading as a dict (empty for an agent that takes no reading key)."""
    return tuple(dict(p.reading) for p in programs)


def ties_of(tie_randomization: bool) -> str:
    """The oracle's tie model, as recorded in results."""
    return "one-q-per-query" if tie_randomization else "deterministic"

__all__ = ["Pair", "FixedPoint", "SolveResult", "Optimum", "FormulaOptimum", "PointCheck", "SolverUnknown",
           "UnsoundnessError", "BOX_NOTE", "readings_of", "ties_of"]


@dataclass(frozen=True)
class FixedPoint:
    """An exact fixed point, its payoffs and the witness that re-checks it."""

    profile: tuple
    payoffs: tuple
    witness: FixedPointWitness = field(repr=False, compare=False)
    params: tuple = ()  # ((symbol, exact value), ...): where it was found and re-checked
    whole_region: bool = False  # proven: such a fixed point for every parameter in the region
    terms: tuple = ()  # with whole_region: the profile as text in the parameters
    # with whole_region: every system variable as (num, den) Polys in the parameters, and
    # the Boolean values, that a solver proved to be a fixed point for every parameter
    family: dict = field(default_factory=dict, repr=False, compare=False)
    booleans: dict = field(default_factory=dict, repr=False, compare=False)
    aux: tuple | None = field(default=None, repr=False, compare=False)  # (w, R): w = sqrt(R)

    def to_json(self, decimals: int | None = None) -> dict:
        out = {"profile": [[fmt(p, decimals) for p in s] for s in self.profile],
               "payoffs": [fmt(u, decimals) for u in self.payoffs]}
        if self.params:
            out["params"] = {name: fmt(v, decimals) for name, v in self.params}
            out["whole_region"] = self.whole_region
        if self.terms:
            out["profile_terms"] = [list(s) for s in self.terms]
        return out

    def describe(self, game: Game, decimals: int | None = None) -> str:
        sides = ["(" + ", ".join(f"{a}={fmt(p, decimals)}" for a, p in zip(game.actions[i], s))
                 + ")" for i, s in enumerate(self.profile)]
        pay = ", ".join(fmt(u, decimals) for u in self.payoffs)
        text = f"{sides[0]} vs {sides[1]}, payoffs ({pay})"
        if self.whole_region:
            general = " vs ".join("(" + ", ".join(f"{a}={t}" for a, t in zip(game.actions[i], s))
                                  + ")" for i, s in enumerate(self.terms))
            found = ", ".join(f"{n} = {fmt(v, decimals)}" for n, v in self.params)
            if general != " vs ".join(sides):
                return f"{general} for every parameter in the region (e.g. {text} at {found})"
            return text + ", for every parameter in the region"
        if self.params:
            return text + " at " + ", ".join(f"{n} = {fmt(v, decimals)}" for n, v in self.params)
        return text


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
    readings: tuple = ({}, {})  # each agent's reading (verifier.readings), {} if it takes none
    ties: str = "one-q-per-query"  # the oracle's tie model
    bounds: tuple = ()  # (label, min Optimum, max Optimum) when asked for
    assumptions: str | None = None  # the parameter region, None for concrete agents
    # best-response pairs: every maximal convex set of fixed points, as (player 1's
    # extreme strategies, player 2's); the set is the product of their convex hulls
    components: tuple = ()
    nash: nash.NashEquilibria | None = field(default=None, repr=False, compare=False)

    def to_json(self, decimals: int | None = None) -> dict:
        out = {"game": self.game, "agents": list(self.agents), "assumptions": self.assumptions,
               "fixed_points": [p.to_json(decimals) for p in self.fixed_points],
               "complete": self.complete, "continuum": self.continuum, "note": self.note,
               "readings": [dict(r) for r in self.readings], "ties": self.ties,
               "seconds": round(self.seconds, 3)}
        if self.components:
            out["components"] = [{f"player{i + 1}": [[fmt(p, decimals) for p in s] for s in side]
                                  for i, side in enumerate(c)} for c in self.components]
        if self.bounds:
            out["bounds"] = {label: {"min": low.to_json(decimals), "max": high.to_json(decimals)}
                             for label, low, high in self.bounds}
        return out


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
class FormulaOptimum:
    """A formula in the parameters checked as the exact extreme over a region.

    ``value``: a :class:`verifier.parametric.Ratio` or ``QuadraticRoot``.
    ``beyond``: a fixed point past it (then it is not a bound). Otherwise it
    is a proven bound for every parameter, and ``attained`` says whether a
    fixed point reaching it was proven for every parameter (True), exists
    nowhere (False) or was found only at the values of ``point`` (None).
    """

    sense: str
    value: object
    attained: bool | None
    beyond: FixedPoint | None
    point: FixedPoint | None

    @property
    def formula(self) -> str:
        return self.value.text

    @property
    def is_bound(self) -> bool:
        return self.beyond is None

    def to_json(self, decimals: int | None = None) -> dict:
        return {"sense": self.sense, "formula": self.formula, "bound": self.is_bound,
                "attained": self.attained,
                "beyond": self.beyond.to_json(decimals) if self.beyond else None,
                "point": self.point.to_json(decimals) if self.point else None}


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
                 tie_randomization: bool = True, region: Region | None = None):
        if len(agents) != 2:
            raise ValueError("a pair needs exactly two agents")
        self.game = game
        self.programs: tuple = tuple(a.program(game, i) if isinstance(a, Agent) else a
                                     for i, a in enumerate(agents))
        # seats whose program is the library's best reply by construction
        self._best_replies = tuple(isinstance(a, Agent) and a.build is best_reply_body
                                   for a in agents)
        self.queries = Z3Queries(timeout)
        self.tie_randomization = tie_randomization
        self.symbols = tuple(sorted(set().union(*(p.symbols for p in self.programs))))
        self.region = self._region(region)
        self._closed: System | None = None
        self._closed_constraints: list | None = None

    @cached_property
    def system(self) -> System:
        """The compiled fixed-point system (built on first use: exponential in the
        number of actions for best-response agents, which :meth:`solve` avoids)."""
        return System(self.game, self.programs, self.tie_randomization)

    @cached_property
    def constraints(self) -> list:
        """The system and the region's assumptions, as Z3 formulas."""
        return smt.formulas(self.system.constraints + self.assumptions)

    @property
    def assumptions(self) -> list:
        """The region's formulas (empty for concrete agents)."""
        return [] if self.region is None else self.region.formulas

    def _region(self, region: Region | None) -> Region | None:
        """The parameter region, checked against the agents' symbols and requirements."""
        if region is None and not self.symbols:
            return None
        if region is None:
            needs = {atom_text(a): a for p in self.programs for a in p.requirements}
            region = parse_region(", ".join(needs))
        if not self.symbols:
            raise ParameterError("the assumptions are about parameters, but no agent has a "
                                 "symbolic parameter")
        if self.queries.model(smt.formulas(region.formulas)) is None:
            raise ParameterError(f"no parameter value satisfies the assumptions {region.text!r}")
        stray = set(region.symbols) - set(self.symbols)
        if stray:
            raise ParameterError(f"the assumptions name {', '.join(sorted(stray))}, which no "
                                 f"agent uses (agents use: {', '.join(self.symbols) or 'none'})")
        for prog in self.programs:
            for need in prog.requirements:
                model = self.queries.model(smt.formulas(region.formulas + [Not(need)]))
                if model is not None:
                    values = ", ".join(f"{n} = {fmt(smt.Model(model).real(named(n)))}"
                                       for n in region.symbols)
                    raise ParameterError(f"{prog.name} needs {atom_text(need)}, but the "
                                         f"assumptions allow {values}")
        return region

    @cached_property
    def region_point(self) -> dict | None:
        """Exact rational parameter values inside the region (strictly inside when it has
        an interior); None without a region or when Z3 gives an irrational point."""
        if self.region is None:
            return None
        strict = [Atom(a.poly, {"<=": "<", ">=": ">"}.get(a.op, a.op)) for a in self.region.atoms]
        for atoms in (strict, list(self.region.atoms)):
            model = self.queries.model(smt.formulas(atoms))
            if model is not None:
                exact = smt.Model(model)
                values = {n: exact.real(named(n)) for n in self.symbols}
                if all(isinstance(v, Fraction) for v in values.values()):
                    return values
        return None

    def _sample_pins(self) -> list:
        """Z3 constraints fixing the parameters at :attr:`region_point` ([] without one)."""
        point = self.region_point or {}
        return [smt.term(named(n)) == smt.z3_number(v) for n, v in point.items()]

    def programs_at(self, values: dict) -> tuple:
        """The concrete programs at exact parameter values (library specs only)."""
        if not self.symbols:
            return self.programs
        return tuple(parse_agent(p.name, values).program(self.game, i) if p.symbols else p
                     for i, p in enumerate(self.programs))

    @property
    def specs(self) -> tuple:
        return tuple(p.name for p in self.programs)

    @property
    def uses_estimates(self) -> bool:
        return any(p.uses_estimates for p in self.programs)

    @property
    def readings(self) -> tuple:
        """Each agent's reading (a dict; empty for agents that take no reading key)."""
        return readings_of(self.programs)

    @property
    def ties(self) -> str:
        return ties_of(self.tie_randomization)

    @property
    def _reading_note(self) -> str:
        """What an answer's readings mean, for the notes of results."""
        note = ""
        if any(p.uses_estimates and p.estimates == "box" for p in self.programs):
            note += "; " + BOX_NOTE
        if self.system.relaxed:
            note += ("; region_test=exact is relaxed in the encoding where the agent is sure; "
                     "every point shown passed the exact interpreter")
        return note

    @property
    def closed_system(self) -> System:
        """The closed relaxation; same variable names, so atoms can be shared."""
        if self._closed is None:
            self._closed = System(self.game, self.programs, self.tie_randomization, closed=True)
            self._closed_constraints = smt.formulas(self._closed.constraints + self.assumptions)
        return self._closed

    def term(self, poly: Poly):
        """A polynomial in seat variables as a Z3 term."""
        return smt.term(self.system.seat_term(poly))

    def formula(self, phi: Formula):
        """A formula in seat variables as a Z3 formula."""
        return smt.formula(self.system.seat_formula(phi))

    # -- points ---------------------------------------------------------------------
    def find(self, extra: list | None = None, general: list | None = None,
             hint: tuple | None = None) -> FixedPoint | None:
        """A fixed point satisfying the extra Z3 constraints, or None if there is none.

        With parameters and ``general`` (formulas in system variables that
        the point must satisfy, beyond the system), the point is then
        written for every parameter of the region if a proof of that is found
        (see :mod:`verifier.parametric`): ``whole_region`` and ``terms``. ``hint``:
        (aux, formulas) to guess the terms from instead of ``general``, where
        aux = (name, R) is a variable standing for the square root of R.
        """
        model = self.queries.model(self.constraints + list(extra or []))
        if model is None:
            return None
        point = self.point_from(model)
        if self.symbols and general is not None:
            aux, guide = hint if hint is not None else (None, general)
            found = self._for_whole_region(model, general, guide, aux)
            if found is not None:
                terms, booleans = found
                point = replace(point, whole_region=True, terms=self._profile_terms(terms, aux),
                                family=terms, booleans=booleans, aux=aux)
        return point

    def _for_whole_region(self, model, general: list, guide: list,
                          aux: tuple | None) -> tuple | None:
        """Terms in the parameters for every variable, and Boolean values, proven to solve
        the system (and ``general``) for every parameter in the region; or None.

        The terms are guessed from the atoms of the system and ``guide`` that
        are tight at the model (:func:`verifier.parametric.witness_terms`).
        """
        if self.system.relaxed:  # a proof on the relaxation is not one for the agents
            return None
        exact = smt.Model(model)
        values = {n: exact.real(named(n)) for n in list(self.system.reals) + list(self.symbols)}
        booleans = {b: exact.boolean(BoolVar(b)) for b in self.system.booleans}
        parameters = list(self.symbols)
        constant = {n: (Poly.const(values[n]), Poly.const(1)) for n in self.system.reals
                    if isinstance(values[n], Fraction)}
        if aux is None and len(constant) == len(self.system.reals) and \
                self._proves_terms(constant, booleans, general, None):
            return constant, booleans
        if aux is not None:
            name, square = aux
            values[name] = sympy.sqrt(sympy.sympify(str(square.evaluate(values))))
            parameters.append(name)
        deadline = time.monotonic() + GENERALIZE_SECONDS
        for terms in witness_terms(self.system.constraints + list(guide),
                                   list(self.system.reals), values, booleans, parameters,
                                   self._estimate_truths(), aux):
            if time.monotonic() > deadline:
                break
            if terms is not None and self._proves_terms(terms, booleans, general, aux):
                return terms, booleans
        return None

    def _estimate_truths(self) -> dict:
        """Each free estimate variable's natural value: the probability it estimates."""
        out = {}
        for seat in (0, 1):
            for run in self.system.runs[seat]:
                if run.estimate is None:
                    continue
                for terms, who in zip(run.estimate, (seat, 1 - seat)):
                    for est, truth in zip(terms[:-1], self.system.strategy[who]):
                        (name,) = est.variables()
                        out[name] = truth
        return out

    def _proves_terms(self, terms: dict, booleans: dict, general: list, aux) -> bool:
        """Whether, for every parameter in the region, the terms (with the Booleans fixed)
        are defined and solve the system and ``general``."""
        try:
            return all(self.queries.model(smt.formulas(problem)) is None
                       for _, problem in family_problems(self.system, self.assumptions,
                                                         terms, booleans, general, aux))
        except (SolverUnknown, FamilyShapeError):  # gave up, or a candidate of the wrong shape
            return False

    def _profile_terms(self, terms: dict, aux: tuple | None = None) -> tuple:
        """Each player's strategy as text in the parameters (``3*d/(2 + 3*d)``)."""
        out = []
        for i in (0, 1):
            probs = [self.system.strategy[i][k] for k in range(len(self.system.strategy[i]))]
            texts = []
            for p in probs:
                num, den = Poly(), Poly.const(1)
                for m, c in p.terms.items():  # an affine form in the free variables
                    if m == ():
                        num = num + c * den
                    else:
                        (name, _), = m
                        n2, d2 = terms[name]
                        num, den = num * d2 + c * n2 * den, den * d2
                texts.append(ratio_text(num, den, aux))
            out.append(tuple(texts))
        return tuple(out)

    def point_from(self, model, system: System | None = None) -> FixedPoint:
        """The exact fixed point a model describes, re-checked by the interpreter."""
        exact = smt.Model(model)
        witness = (system or self.system).witness(exact.real, exact.boolean)
        params = tuple((n, exact.real(named(n))) for n in self.symbols)
        try:
            verify_fixed_point(self.programs_at(dict(params)), witness,
                               deterministic=not self.tie_randomization)
        except InadmissibleObservation as err:
            if (system or self.system).relaxed:
                raise SolverUnknown(f"a point of the relaxed region test is not an exact fixed "
                                    f"point ({err}); region_test=exact decides only what the "
                                    f"relaxation excludes") from None
            raise UnsoundnessError(f"Z3 returned a point the exact interpreter rejects: {err}")
        payoffs = tuple(self.game.expected_payoff(i, *witness.profile) for i in (0, 1))
        return FixedPoint(witness.profile, payoffs, witness, params)

    def counterexample(self, phi: Formula) -> FixedPoint | None:
        """A fixed point violating ``phi``; None proves every fixed point satisfies it."""
        return self._first([z3.Not(self.formula(phi))])

    def example(self, phi: Formula) -> FixedPoint | None:
        """A fixed point satisfying ``phi``; None proves there is none."""
        return self._first([self.formula(phi)], general=[self.system.seat_formula(phi)])

    def _first(self, extra: list, **options) -> FixedPoint | None:
        """:meth:`find`, over a region first at one parameter point (a search with the
        parameters fixed is often far faster), then anywhere in it."""
        pins = self._sample_pins()
        point = self.find(extra + pins, **options) if pins else None
        return point if point is not None else self.find(extra, **options)

    def at_profile(self, profile: tuple, system: System | None = None) -> list:
        """Constraints fixing the profile to exact values."""
        system = system or self.system
        out = []
        for i, strategy in enumerate(profile):
            for x, v in zip(system.free[i], strategy[:-1]):
                out.append(smt.term(x) == numeral(v, f"{x}"))
        return out

    def profile_formulas(self, profile: tuple) -> list:
        """Formulas (system variables) fixing the profile to exact rationals."""
        return [x.eq(v) for i, strategy in enumerate(profile)
                for x, v in zip(self.system.free[i], strategy[:-1])]

    # -- enumeration ----------------------------------------------------------------
    def describe(self, progress=None) -> tuple:
        """Exact ranges over the fixed points: each player's P(first action) and payoff."""
        game, out = self.game, []
        objectives = [(f"P{i + 1}({game.actions[i][0]})", Poly({((("s", i, 0), 1),): 1}))
                      for i in (0, 1) if game.num_actions(i) > 1]
        objectives += [(f"u{i + 1}", game.payoff_polys[i]) for i in (0, 1)]
        for label, poly in objectives:
            out.append((label, self.optimize(poly, "min", progress=progress),
                        self.optimize(poly, "max", progress=progress)))
        return tuple(out)

    def solve(self, find_all: bool = False, limit: int = 50, progress=None,
              bounds: bool = False, method: str = "auto") -> SolveResult:
        """One fixed point, or (``find_all``) every fixed point when finitely many.

        ``method``: "auto" enumerates Nash equilibria for two best-response
        agents (:meth:`_solve_nash`) and searches with Z3 otherwise;
        "enumeration" or "smt" forces one (to compare them).

        First a fixed point with a whole family of fixed points around it is
        sought (a continuum, proven by :func:`interior_point`). Otherwise
        enumeration excludes each point found and asks again, until no other
        fixed point exists (complete), a point found proves a continuum, or
        ``limit`` points (finiteness undecided). With ``bounds``, a continuum
        is described by the exact range of each player's P(first action) and
        payoff over all fixed points.
        """
        start = time.perf_counter()
        if method not in METHODS:
            raise UsageError(f"method {method!r}: one of {', '.join(METHODS)}")
        if method == "enumeration" and not self.best_response_pair:
            raise UsageError("enumeration is for two best-response agents (with tie "
                             "randomisation); use method 'smt' or 'auto'")
        if method != "smt" and self.best_response_pair:
            return self._solve_nash(find_all, bounds, progress, start)
        points: list[FixedPoint] = []
        blocks: list = []
        complete, continuum = False, None
        if find_all:
            inner = self._interior_search()
            if inner is not None:
                note = ("continuum: a family of fixed points passes through this one (one or "
                        "both strategies can move, the witness staying valid)")
                note += self._reading_note
                ranges = self.describe(progress) if bounds else ()
                return SolveResult(self.game.name, self.specs, (inner,), False, True, note,
                                   time.perf_counter() - start, self.readings, self.ties,
                                   bounds=ranges, assumptions=self._region_text)
        while True:
            if progress:
                progress(len(points))
            point = self.find(blocks, general=[])
            if point is None:
                complete, continuum = True, (False if find_all else None)
                note = "no other fixed point" if points else \
                    "no fixed point: impossible for halting agents, an encoding bug"
                break
            points.append(point)
            if not find_all:
                note = "one fixed point (ask for all to enumerate)"
                break
            if interior_point(self.programs_at(dict(point.params)), point.witness):
                continuum = True
                note = (f"continuum: a family of fixed points passes through fixed point "
                        f"{len(points)} (the witness stays valid as a strategy moves)")
                break
            if len(points) >= limit:
                note = f"stopped after {limit} fixed points; finiteness not decided"
                break
            blocks.append(self._exclude(point, len(points)))
        note += self._reading_note
        if self.region is not None:
            note += ("; parameters: a point 'for every parameter in the region' is a fixed "
                     "point throughout it, others were found at the values shown; "
                     + ("no other profile is a fixed point for any parameter in the region"
                        if complete else "other profiles may be fixed points elsewhere"))
        ranges = self.describe(progress) if bounds and continuum else ()
        return SolveResult(self.game.name, self.specs, tuple(points), complete, continuum,
                           note, time.perf_counter() - start, self.readings, self.ties,
                           bounds=ranges, assumptions=self._region_text)

    @cached_property
    def best_response_pair(self) -> bool:
        """Both agents are the library's best-response agent (ties randomising): their fixed
        points are the Nash equilibria, which :mod:`verifier.nash` enumerates exactly."""
        return self.tie_randomization and not self.symbols and all(
            built or p == best_response().program(self.game, seat)
            for seat, (built, p) in enumerate(zip(self._best_replies, self.programs)))

    def _solve_nash(self, find_all: bool, bounds: bool, progress, start: float) -> SolveResult:
        """Every fixed point of two best-response agents: the extreme Nash equilibria,
        each re-checked by the interpreter, and the maximal convex sets they span."""
        found = nash.equilibria(*self.game.payoffs)
        profiles = found.profiles if find_all else found.profiles[:1]
        points = []
        for k, profile in enumerate(profiles):
            if progress:
                progress(k)
            points.append(self._nash_point(profile))
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
        ranges = self.describe(progress) if bounds and continuum else ()
        return SolveResult(self.game.name, self.specs, tuple(points), complete, continuum,
                           note, time.perf_counter() - start, self.readings, self.ties,
                           bounds=ranges, components=components,
                           nash=found if find_all else None)

    def _nash_point(self, profile: tuple) -> FixedPoint:
        """The fixed point of an equilibrium, with runs that each play one action of its
        support, verified by the interpreter."""
        runs = []
        values = {("s", i, k): p for i, s in enumerate(profile) for k, p in enumerate(s)}
        # the oracle answers 0 at every tie; the knockout's Choose then picks any best reply
        answers = {query_key(q, seat): Fraction(0) for seat, prog in enumerate(self.programs)
                   for q in prog.queries()
                   if query_key(q, seat)[0].evaluate(values) == q.threshold}
        for seat, prog in enumerate(self.programs):
            own, opp = profile[seat], profile[1 - seat]
            seat_runs = []
            for action, weight in enumerate(own):
                if weight:
                    seen = pure_run(prog, seat, own, opp, action, answers)
                    if seen is None:
                        raise UnsoundnessError(f"equilibrium {profile}: {prog.name} cannot play "
                                               f"action {action + 1}, which is a best reply")
                    seat_runs.append(Run(weight, seen))
            runs.append(tuple(seat_runs))
        witness = FixedPointWitness(profile, tuple(runs), answers)
        try:
            verify_fixed_point(self.programs, witness)
        except InadmissibleObservation as err:
            raise UnsoundnessError(f"equilibrium {profile} is not a fixed point: {err}") from None
        payoffs = tuple(self.game.expected_payoff(i, *profile) for i in (0, 1))
        return FixedPoint(profile, payoffs, witness)

    @property
    def _region_text(self) -> str | None:
        return None if self.region is None else self.region.text

    def _interior_search(self) -> FixedPoint | None:
        """A fixed point that passes :func:`interior_point`, if one is quickly found."""
        for movers in ({0}, {1}, {0, 1}):
            constraints = self.system.interior_constraints(movers)
            if any(isinstance(c, Truth) and not c.value for c in constraints):
                continue
            try:
                point = self.find(smt.formulas(constraints))
            except SolverUnknown:
                continue
            if point is not None and interior_point(self.programs_at(dict(point.params)),
                                                   point.witness):
                return point
        return None

    @property
    def _free_names(self) -> list:
        return [name for i in (0, 1) for x in self.system.free[i] for name in x.variables()]

    def _exclude(self, point: FixedPoint, index: int):
        """A constraint excluding exactly this profile (or, for a family written in the
        parameters, the whole family)."""
        if point.family:
            return z3.Or([smt.term(named(n) * den - num) != 0 for n, (num, den) in
                          point.family.items() if n in self._free_names] or [z3.BoolVal(False)])
        free = [smt.term(x) for i in (0, 1) for x in self.system.free[i]]
        values = [v for s in point.profile for v in s[:-1]]
        differs = [x != numeral(v, f"exclude{index}_{k}")
                   for k, (x, v) in enumerate(zip(free, values))]
        return z3.Or(differs) if differs else z3.BoolVal(False)

    def certificate(self, result: SolveResult, **options) -> dict:
        """The certificate of a solve result: each fixed point, and completeness if claimed.

        ``options`` go to :func:`verifier.certificates.certificate`.
        """
        from ..evidence.certificates import certificate
        question = {"type": "solve", "all": result.complete or bool(result.continuum)}
        evidence = {"witnesses": [p.witness for p in result.fixed_points],
                    "complete": result.complete, "continuum": bool(result.continuum)}
        if result.nash is not None:
            evidence["nash"] = {"bases": [[list(b) for b in side] for side in result.nash.bases],
                                "cliques": [[list(a), list(b)] for a, b in result.nash.cliques]}
        if self.symbols:
            evidence["region_point"] = self.region_point
            evidence["params_list"] = [dict(p.params) for p in result.fixed_points]
            evidence["families"] = [(p.family, p.booleans, p.aux) if p.whole_region else None
                                    for p in result.fixed_points]
        return certificate(self.game, self.programs, self.specs, self.tie_randomization,
                           question, "solved", evidence, None, result.seconds,
                           assumptions=self._region_text, **options)

    # -- optimisation -----------------------------------------------------------------
    def optimize(self, objective: Poly, sense: str = "min", subject_to: Formula | None = None,
                 progress=None) -> Optimum:
        """The exact min or max of ``objective`` (seat variables) over the fixed points.

        ``subject_to`` restricts to the fixed points satisfying a formula.

        >>> from verifier import builtin_game, parse_agent
        >>> pd = builtin_game("pd-a")
        >>> pair = Pair(pd, (parse_agent("nicerbot(eps=2/5)"), parse_agent("any")))
        >>> best = pair.optimize(pd.payoff_polys[1], "max")  # the best deviation
        >>> best.value, best.attained, best.point.profile[1][0]
        (Fraction(181, 60), True, Fraction(5, 6))
        """
        if sense not in ("min", "max"):
            raise ValueError("sense is 'min' or 'max'")
        sign = 1 if sense == "min" else -1
        f = sign * objective
        extra = [] if subject_to is None else [self.formula(subject_to)]
        closed_extra = [] if subject_to is None else \
            [smt.formula(self.closed_system.seat_formula(subject_to))]
        floor = sum((c for m, c in f.terms.items() if m and c < 0),
                    f.terms.get((), Fraction(0))) - 1  # every monomial lies in [0, 1]
        self.closed_system  # builds the closed constraints
        result: Minimum = minimize(self.queries, self.constraints + extra,
                                   self._closed_constraints + closed_extra,
                                   smt.variables(self.system), self.term(f), floor, progress)
        point = self.point_from(result.model) if result.model is not None else None
        if result.attained is False and self.system.relaxed:
            # "solutions come arbitrarily close" was shown for the relaxation only
            result = replace(result, value=None, attained=None,
                             note="proven bound; whether exact fixed points approach it is not "
                                  "shown (region_test=exact is relaxed where the agent is sure)")

        def unsign(x):
            return None if x is None else (x if sign == 1 else -x)

        return Optimum(sense, unsign(result.value), result.attained, point,
                       unsign(result.lower), unsign(result.upper), result.note)

    def certify(self, objective: Poly, sense: str, value: Number,
                subject_to: Formula | None = None) -> Optimum | None:
        """Check a claimed attained extreme directly: nothing beyond it, a fixed point at it.

        Two queries instead of a search. None when the value is not certified
        this way (it is wrong, or not attained): then :meth:`optimize` decides.
        """
        sign = 1 if sense == "min" else -1
        f_term = self.term(sign * objective)
        extra = [] if subject_to is None else [self.formula(subject_to)]
        target = numeral(value if sign == 1 else -value, "claimed")
        if self.find(extra + [f_term < target]) is not None:
            return None
        point = self.find(extra + [f_term == target])
        if point is None:
            return None
        return Optimum(sense, value, True, point, value, value,
                       "attained by an exact fixed point; none lies beyond it (claimed value "
                       "checked directly)")

    def certify_formula(self, objective: Poly, sense: str, value,
                        subject_to: Formula | None = None) -> "FormulaOptimum":
        """Check that ``value`` (a formula in the parameters, see
        :mod:`verifier.parametric`) is the exact extreme for every parameter.

        Proofs over the whole region: the value is defined, no fixed point lies
        beyond it (one unsatisfiability query with the parameters as
        variables), and a fixed point reaches it, written in the parameters
        (:meth:`find` with ``general``). ``attained`` is None when that last
        proof is not found; ``beyond`` is a fixed point past the value.
        """
        region = smt.formulas(self.assumptions)
        for need in value.conditions():
            if self.queries.model(region + [smt.formula(Not(need))]) is not None:
                raise ParameterError(f"the claimed value needs {atom_text(need)} throughout "
                                     f"the region")
        term = self.system.seat_term(objective)
        side = [] if subject_to is None else [self.system.seat_formula(subject_to)]
        past = value.relation(term, "<" if sense == "min" else ">")
        beyond = self._first(smt.formulas(side + [past]))
        if beyond is not None:
            return FormulaOptimum(sense, value, False, beyond, None)
        reach = side + [value.relation(term, "==")]
        aux, equation = value.hint(term)
        at = self._first(smt.formulas(reach), general=reach, hint=(aux, side + [equation]))
        attained = False if at is None else (True if at.whole_region else None)
        return FormulaOptimum(sense, value, attained, None, at)

    # -- one profile ------------------------------------------------------------------
    def check_profile(self, profile: tuple) -> PointCheck:
        """Is this exact profile a fixed point? If not, which agent fails and why.

        >>> from fractions import Fraction as F
        >>> from verifier import builtin_game, parse_agent
        >>> pair = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(1/10)"), parse_agent("defectbot")))
        >>> check = pair.check_profile(((F(1, 2), F(1, 2)), (F(0), F(1))))
        >>> check.failing, check.producible[0][0]
        ((0,), (Fraction(1, 10), Fraction(1, 10), True, True))
        """
        if self.symbols:
            raise ParameterError("checking a profile needs concrete parameters (agents use "
                                 f"{', '.join(self.symbols)})")
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
            if self.queries.model(smt.formulas(alone.constraints)
                                  + self.at_profile(profile, alone)) is None:
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
        term_of = [smt.term(t) for t in runs.runs[seat][0].output]
        constraints = smt.formulas(runs.constraints) + fixed
        relaxed = smt.formulas(closed.constraints) + fixed
        ranges = []
        try:
            for k in range(n):
                low = minimize(self.queries, constraints, relaxed, smt.variables(runs),
                               term_of[k], Fraction(-1))
                high = minimize(self.queries, constraints, relaxed, smt.variables(runs),
                                -term_of[k], Fraction(-2))
                if low.value is None or high.value is None:
                    return None
                ranges.append((low.value, -high.value, low.attained, high.attained))
        except SolverUnknown:
            return None
        return ranges
