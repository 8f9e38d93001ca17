"""Exact verifier for agents that reason with a reflective oracle.

The Python API in a few names:

>>> from verifier import Pair, builtin_game, parse_agent
>>> pair = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(eps=1/10)"), parse_agent("defectbot")))
>>> result = pair.solve(find_all=True)
>>> [p.to_json() for p in result.fixed_points], result.complete
([{'profile': [['1/10', '9/10'], ['0', '1']], 'payoffs': ['9/10', '7/5']}], True)

Names that need Z3 (the solver and claims) are imported on first use, so
that the exact interpreter can be used, and certificates checked, without Z3.
"""

from importlib import import_module

from . import moved
from .model.agents import (AllOf, AnyOf, Choose, Constant, If, Mix, Negation, Play, PlayEstimate,
                           Program, Query, Surely)
from .model.builders import Agent, SeatView, prob
from .model.games import Game, builtin_game, load_game, prisoners_dilemma
from .model.library import LIBRARY, parse_agent
from .semantics.interpreter import FixedPointWitness, Observation, Run, output, verify_fixed_point

_LAZY = {
    **dict.fromkeys(("Always", "Claim", "ClaimResult", "Exists", "Extreme", "NoFixedPoint",
                     "Unique", "Vars"), "claims"),
    **dict.fromkeys(("FixedPoint", "Optimum", "Pair", "PointCheck", "SolveResult",
                     "SolverUnknown"), "decision.solver"),
    **dict.fromkeys(("case_regions", "security_report"), "decision.security"),
    "plot_runs": "apps.plotting",
}

__all__ = [
    "Agent", "AllOf", "AnyOf", "Choose", "Constant", "If", "Mix", "Negation", "Play",
    "PlayEstimate", "Program", "Query", "SeatView", "Surely", "prob",
    "Game", "builtin_game", "load_game", "prisoners_dilemma",
    "FixedPointWitness", "Observation", "Run", "output", "verify_fixed_point",
    "LIBRARY", "parse_agent", *_LAZY,
]


moved.install()


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'verifier' has no attribute {name!r}")
