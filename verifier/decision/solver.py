"""Fixed points of a pair of agents: find, enumerate, optimise, check a point.

:class:`Pair` is the public face of the decision layer: the fixed-point problem
(:class:`verifier.decision.fixed_points.FixedPointProblem`, which finds and checks points)
with one method for each question, each handed to the module that answers it:
enumeration (:mod:`verifier.decision.enumeration`), the Nash path for best-response pairs
(:mod:`verifier.decision.best_response`), optimisation
(:mod:`verifier.decision.optimisation`), one profile (:mod:`verifier.decision.profile_check`,
its explanation :mod:`verifier.decision.explain`) and the certificate of a solve result
(:mod:`verifier.decision.solve_certificate`).

All answers are exact. Every fixed point reported has been re-checked by the
exact interpreter from its witness (a disagreement raises
:class:`UnsoundnessError`, never a verdict); a solver ``unknown`` or time-out
raises :class:`SolverUnknown`, which callers report as unknown.
"""

from __future__ import annotations

from functools import cached_property

from . import (best_response, enumeration, explain, formula_search, optimisation,
               profile_check)
from .enumeration import METHODS
from .families import GENERALIZE_GUESSES
from .fixed_points import FixedPointProblem
from .results import (BOX_NOTE, Explanation, FixedPoint, FormulaOptimum, FormulaSearch, Optimum,
                      PointCheck, SolveResult, readings_of, ties_of)
from .solve_certificate import solve_certificate
from ..encoding.smt import SolverUnknown
from ..errors import UnsoundnessError
from ..model.games import Game
from ..model.numbers import Number
from ..model.params import Region
from ..model.poly import Formula, Poly

__all__ = ["Pair", "FixedPoint", "SolveResult", "Optimum", "FormulaOptimum", "PointCheck",
           "Explanation",
           "SolverUnknown", "UnsoundnessError", "BOX_NOTE", "readings_of", "ties_of",
           "GENERALIZE_GUESSES", "METHODS"]


class Pair(FixedPointProblem):
    """Two agents on a game: the fixed-point problem and the questions about it.

    Building a pair compiles nothing, but its region is checked at once
    (:meth:`FixedPointProblem.checked_region`: satisfiable, naming only the agents'
    parameters, implying each agent's requirements; solver queries only for agents with
    parameters), so that a region that does not fit raises ParameterError here.
    """

    def __init__(self, game: Game, agents: tuple, timeout: float | None = None,
                 tie_randomization: bool = True, region: Region | None = None,
                 rlimit: int | None = None, solver: str | None = None):
        super().__init__(game, agents, timeout, tie_randomization, region, rlimit, solver)
        self.region = self.checked_region()

    @cached_property
    def best_response_pair(self) -> bool:
        """Both agents are the library's best-response agent (ties randomising): their fixed
        points are the Nash equilibria, which :mod:`verifier.decision.nash` enumerates."""
        return best_response.is_best_response_pair(self)

    def solve(self, find_all: bool = False, limit: int = 50, progress=None,
              bounds: bool = False, method: str = "auto") -> SolveResult:
        """One fixed point, or (``find_all``) every fixed point when finitely many
        (:func:`verifier.decision.enumeration.solve`)."""
        return enumeration.solve(self, find_all, limit, progress, bounds, method)

    def exclude(self, point: FixedPoint, index: int):
        """A Z3 constraint excluding exactly this profile (or, for a family written in the
        parameters, the whole family): :func:`verifier.decision.enumeration.exclude`."""
        return enumeration.exclude(self, point, index)

    def nash_point(self, profile: tuple) -> FixedPoint:
        """The fixed point of a Nash equilibrium of a best-response pair, verified by the
        interpreter (:func:`verifier.decision.best_response.nash_point`)."""
        return best_response.nash_point(self, profile)

    def describe(self, progress=None) -> tuple:
        """Exact ranges over the fixed points: each player's P(first action) and payoff
        (:func:`verifier.decision.optimisation.ranges`)."""
        return optimisation.ranges(self, progress)

    def certificate(self, result: SolveResult, **options) -> dict:
        """The certificate of a solve result: each fixed point, and completeness if claimed.

        ``options`` go to :func:`verifier.evidence.certificates.certificate`.
        """
        return solve_certificate(self, result, **options)

    # -- optimisation -----------------------------------------------------------------
    def optimize(self, objective: Poly, sense: str = "min", subject_to: Formula | None = None,
                 progress=None) -> Optimum:
        """The exact min or max of ``objective`` (seat variables) over the fixed points.

        ``subject_to`` restricts to the fixed points satisfying a formula
        (:func:`verifier.decision.optimisation.optimize`).

        >>> from verifier import builtin_game, parse_agent
        >>> pd = builtin_game("pd-a")
        >>> pair = Pair(pd, (parse_agent("nicerbot(eps=2/5)"), parse_agent("any")))
        >>> best = pair.optimize(pd.payoff_polys[1], "max")  # the best deviation
        >>> best.value, best.attained, best.point.profile[1][0]
        (Fraction(181, 60), True, Fraction(5, 6))
        """
        return optimisation.optimize(self, objective, sense, subject_to, progress)

    def certify(self, objective: Poly, sense: str, value: Number,
                subject_to: Formula | None = None) -> Optimum | None:
        """Check a claimed attained extreme directly: nothing beyond it, a fixed point at it;
        None when not certified so (:func:`verifier.decision.optimisation.certify`)."""
        return optimisation.certify(self, objective, sense, value, subject_to)

    def certify_formula(self, objective: Poly, sense: str, value,
                        subject_to: Formula | None = None) -> FormulaOptimum:
        """Check that ``value`` (a formula in the parameters) is the exact extreme for every
        parameter (:func:`verifier.decision.optimisation.certify_formula`)."""
        return optimisation.certify_formula(self, objective, sense, value, subject_to)

    def find_formula(self, objective: Poly, sense: str, progress=None) -> FormulaSearch:
        """The tight extreme over a parameter region as a formula in the parameters, found
        from exact optima at sample points and proven for the whole region
        (:func:`verifier.decision.formula_search.find_formula`)."""
        return formula_search.find_formula(self, objective, sense, progress)

    # -- one profile ------------------------------------------------------------------
    def check_profile(self, profile: tuple) -> PointCheck:
        """Is this exact profile a fixed point? If not, which agent fails and why
        (:func:`verifier.decision.profile_check.check_profile`).

        >>> from fractions import Fraction as F
        >>> from verifier import builtin_game, parse_agent
        >>> pair = Pair(builtin_game("pd-a"),
        ...             (parse_agent("nicerbot(1/10)"), parse_agent("defectbot")))
        >>> check = pair.check_profile(((F(1, 2), F(1, 2)), (F(0), F(1))))
        >>> check.failing, check.producible[0][0]
        ((0,), (Fraction(1, 10), Fraction(1, 10), True, True))
        """
        return profile_check.check_profile(self, profile)

    def explain(self, profile: tuple) -> Explanation:
        """Each agent's runs that produce its strategy at this fixed point, replayed step
        by step in the interpreter; or, when it is no fixed point, the check that says why
        (:func:`verifier.decision.explain.explain`).

        >>> from fractions import Fraction as F
        >>> from verifier import builtin_game, parse_agent
        >>> pair = Pair(builtin_game("pd-a"),
        ...             (parse_agent("nicerbot(1/10)"), parse_agent("defectbot")))
        >>> why = pair.explain(((F(1, 10), F(9, 10)), (F(0), F(1))))
        >>> first = why.runs[0][0].steps[0]  # NicerBot's root: cooperate with probability eps
        >>> first.kind, first.details["probability"], first.value
        ('Mix', Fraction(1, 10), [Fraction(1, 10), Fraction(9, 10)])
        """
        return explain.explain(self, profile)
