"""The fixed-point problem of two programs on a game: find a fixed point, check one.

A :class:`FixedPointProblem` holds the game, the two programs, the oracle's tie model and
the parameter region; its compiled system and Z3 formulas are built on first use, and
building the problem runs no solver query (:meth:`FixedPointProblem.checked_region` is
where the region is checked). Every fixed point it returns has been re-checked by the
exact interpreter from its witness (a disagreement raises :class:`UnsoundnessError`).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from functools import cached_property

import z3

from . import families
from .security import bind_security
from .results import BOX_NOTE, FixedPoint, readings_of, ties_of
from ..encoding import smt
from ..encoding.compiler import System
from ..encoding.smt import SolverUnknown, Z3Queries, numeral
from ..errors import UnsoundnessError
from ..model.agents import Agent
from ..model.library import best_reply_body, parse_agent
from ..model.numbers import fmt
from ..model.params import ParameterError, Region, parse_region
from ..model.poly import Atom, BoolVar, Formula, Not, Poly, atom_text, named
from ..semantics.interpreter import InadmissibleObservation, verify_fixed_point



class FixedPointProblem:
    """Two agents on a game: the fixed-point system, and search for points of it.

    ``agents``: two :class:`verifier.model.agents.Agent` (or compiled programs), seat 1 first;
    ``rlimit``: Z3 resource units for each solver query (None: the default of
    :func:`verifier.encoding.smt.query_rlimit`), a deterministic bound; ``timeout``: seconds
    of wall-clock time for each query, an outer bound (None: none); ``region``: the
    parameter region (None: the agents' own requirements, or no region for concrete
    agents); ``solver``: "portfolio" (Yices first on nonlinear queries) or "z3" (None:
    :func:`verifier.encoding.smt.query_solver`; docs/solving.md). Raises ValueError unless
    there are exactly two agents.
    """

    def __init__(self, game, agents: tuple, timeout: float | None = None,
                 tie_randomization: bool = True, region: Region | None = None,
                 rlimit: int | None = None, solver: str | None = None):
        if len(agents) != 2:
            raise ValueError("a pair needs exactly two agents")
        self.queries = Z3Queries(timeout, rlimit, solver)
        if game.symbols and region is None:
            raise ParameterError(f"the payoffs of {game.name} are symbols "
                                 f"({', '.join(game.symbols)}): state a region for them (--assume)")
        self.game = bind_security(game, region, self.queries)
        self.programs: tuple = tuple(a.program(self.game, i) if isinstance(a, Agent) else a
                                     for i, a in enumerate(agents))
        # seats whose program is the library's best reply by construction
        self.best_replies = tuple(isinstance(a, Agent) and a.build is best_reply_body
                                  for a in agents)
        self.tie_randomization = tie_randomization
        self.symbols = tuple(sorted(set().union(*(p.symbols for p in self.programs))
                                    | set(self.game.symbols)))
        self.requested_region = region
        # built together on first use (:meth:`_build_closed`); set here so that these
        # attributes keep their place, and their Z3 terms their order of release
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

    @cached_property
    def region(self) -> Region | None:
        """The parameter region, checked (:meth:`checked_region`) on first use."""
        return self.checked_region()

    def checked_region(self) -> Region | None:
        """The parameter region, checked against the agents' symbols and requirements:
        satisfiable, naming only the agents' parameters, and implying what each agent
        needs (solver queries, one per requirement). Raises ParameterError otherwise."""
        region = self.requested_region
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

    @property
    def region_text(self) -> str | None:
        """The region as text, None for concrete agents."""
        return None if self.region is None else self.region.text

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

    def sample_pins(self) -> list:
        """Z3 constraints fixing the parameters at :attr:`region_point` ([] without one)."""
        point = self.region_point or {}
        return [smt.term(named(n)) == smt.z3_number(v) for n, v in point.items()]

    def programs_at(self, values: dict) -> tuple:
        """The concrete programs at exact parameter values (library specs only)."""
        if not self.symbols:
            return self.programs
        game = self.game.at(values)
        return tuple(parse_agent(p.name, values).program(game, i) if p.symbols else p
                     for i, p in enumerate(self.programs))

    @property
    def specs(self) -> tuple:
        """The two agents' specs (program names), seat 1 first."""
        return tuple(p.name for p in self.programs)

    @property
    def uses_estimates(self) -> bool:
        """Whether an agent reads estimates of the strategies."""
        return any(p.uses_estimates for p in self.programs)

    @property
    def readings(self) -> tuple:
        """Each agent's reading (a dict; empty for agents that take no reading key)."""
        return readings_of(self.programs)

    @property
    def ties(self) -> str:
        """The oracle's tie model, as recorded in results."""
        return ties_of(self.tie_randomization)

    @property
    def reading_note(self) -> str:
        """What an answer's readings mean, for the notes of results ("" or "; ...")."""
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
        self._build_closed()
        return self._closed

    @property
    def closed_constraints(self) -> list:
        """The closed relaxation and the region's assumptions, as Z3 formulas."""
        self._build_closed()
        return self._closed_constraints

    def _build_closed(self) -> None:
        """Build the closed relaxation and its Z3 formulas, once."""
        if self._closed is None:
            self._closed = System(self.game, self.programs, self.tie_randomization, closed=True)
            self._closed_constraints = smt.formulas(self._closed.constraints + self.assumptions)

    def term(self, poly: Poly):
        """A polynomial in seat variables as a Z3 term."""
        return smt.term(self.system.seat_term(poly))

    def formula(self, phi: Formula):
        """A formula in seat variables as a Z3 formula."""
        return smt.formula(self.system.seat_formula(phi))

    # -- points ---------------------------------------------------------------------
    def _inside_region(self, model, extra: list):
        """A model with the same Boolean values as ``model`` and the parameters strictly
        inside each weak inequality of the region, when there is one, else ``model``: a
        sample on the region's boundary (e = 1 in 0 < e <= 1) makes the terms that
        :func:`verifier.decision.families.whole_region_terms` guesses ambiguous."""
        strict = {"<=": "<", ">=": ">"}
        inside = [Atom(a.poly, strict[a.op]) for a in self.assumptions
                  if isinstance(a, Atom) and a.op in strict]
        if not inside:
            return model
        exact = smt.Model(model)
        same = [b if exact.boolean(b) else Not(b) for b in map(BoolVar, self.system.booleans)]
        try:
            moved = self.queries.model(self.constraints + extra +
                                       smt.formulas(inside + same))
        except SolverUnknown:
            return model
        return model if moved is None else moved

    def find(self, extra: list | None = None, general: list | None = None,
             hint: tuple | None = None) -> FixedPoint | None:
        """A fixed point satisfying the extra Z3 constraints, or None if there is none.

        With parameters and ``general`` (formulas in system variables that
        the point must satisfy, beyond the system), the point is then
        written for every parameter of the region if a proof of that is found
        (see :mod:`verifier.decision.families`): ``whole_region`` and ``terms``. ``hint``:
        (aux, formulas) to guess the terms from instead of ``general``, where
        aux = (name, R) is a variable standing for the square root of R.
        """
        model = self.queries.model(self.constraints + list(extra or []))
        if model is None:
            return None
        if self.symbols and general is not None:
            model = self._inside_region(model, list(extra or []))
        point = self.point_from(model)
        if self.symbols and general is not None:
            aux, guide = hint if hint is not None else (None, general)
            found = families.whole_region_terms(self, model, general, guide, aux) or \
                families.vertex_terms(self, model, list(extra or []), general, guide, aux)
            if found is not None:
                terms, booleans = found
                own = aux is None
                if own:
                    point, own = families.family_instance(self, point, terms)
                point = replace(point, whole_region=True, own_instance=own,
                                terms=families.profile_terms(self.system, terms, aux),
                                family=terms, booleans=booleans, aux=aux)
        return point

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
        game = self.game.at(dict(params)) if self.game.symbols else self.game
        payoffs = tuple(game.expected_payoff(i, *witness.profile) for i in (0, 1))
        return FixedPoint(witness.profile, payoffs, witness, params)

    def counterexample(self, phi: Formula) -> FixedPoint | None:
        """A fixed point violating ``phi``; None proves every fixed point satisfies it."""
        return self.first([z3.Not(self.formula(phi))])

    def example(self, phi: Formula) -> FixedPoint | None:
        """A fixed point satisfying ``phi``; None proves there is none."""
        return self.first([self.formula(phi)], general=[self.system.seat_formula(phi)])

    def first(self, extra: list, **options) -> FixedPoint | None:
        """:meth:`find`, over a region first at one parameter point (a search with the
        parameters fixed is often far faster), then anywhere in it."""
        pins = self.sample_pins()
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

    @property
    def free_names(self) -> list:
        """The names of the free strategy variables of the system, seat 1 first."""
        return [name for i in (0, 1) for x in self.system.free[i] for name in x.variables()]
