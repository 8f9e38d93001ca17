"""Exact verifier for agents that reason with a reflective oracle.

The Python API in a few names:

>>> from verifier import Pair, builtin_game, parse_agent
>>> pair = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(eps=1/10)"), parse_agent("defectbot")))
>>> result = pair.solve(find_all=True)
>>> [p.to_json() for p in result.fixed_points], result.complete
([{'profile': [['1/10', '9/10'], ['0', '1']], 'payoffs': ['9/10', '7/5']}], True)
"""

from .agents import (Agent, AllOf, AnyOf, Choose, Constant, If, Mix, Negation, Play, PlayEstimate,
                     Program, Query, SeatView, Surely, prob)
from .claims import Always, Claim, ClaimResult, Exists, Extreme, NoFixedPoint, Unique, Vars
from .games import Game, builtin_game, load_game, prisoners_dilemma
from .interpreter import FixedPointWitness, Observation, Run, output, verify_fixed_point
from .library import LIBRARY, parse_agent
from .solver import FixedPoint, Optimum, Pair, PointCheck, SolveResult, SolverUnknown

__all__ = [
    "Agent", "AllOf", "AnyOf", "Choose", "Constant", "If", "Mix", "Negation", "Play",
    "PlayEstimate", "Program", "Query", "SeatView", "Surely", "prob",
    "Always", "Claim", "ClaimResult", "Exists", "Extreme", "NoFixedPoint", "Unique", "Vars",
    "Game", "builtin_game", "load_game", "prisoners_dilemma",
    "FixedPointWitness", "Observation", "Run", "output", "verify_fixed_point",
    "LIBRARY", "parse_agent",
    "FixedPoint", "Optimum", "Pair", "PointCheck", "SolveResult", "SolverUnknown",
]
