"""The certificate of a solve result: each fixed point's witness, and the evidence for
completeness when it is claimed (the Nash bases and cliques of a best-response pair; the
region point and the families written in the parameters over a region), written by
:func:`verifier.evidence.certificates.certificate`.
"""

from __future__ import annotations

from ..evidence.certificates import certificate
from .results import SolveResult


def solve_certificate(problem, result: SolveResult, **options) -> dict:
    """The certificate of ``result``, a solve result of ``problem`` (a
    :class:`verifier.decision.fixed_points.FixedPointProblem`); ``options`` go to
    :func:`verifier.evidence.certificates.certificate`."""
    question = {"type": "solve", "all": result.complete or bool(result.continuum)}
    evidence = {"witnesses": [p.witness for p in result.fixed_points],
                "complete": result.complete, "continuum": bool(result.continuum)}
    if result.nash is not None:
        evidence["nash"] = {"bases": [[list(b) for b in side] for side in result.nash.bases],
                            "cliques": [[list(a), list(b)] for a, b in result.nash.cliques]}
    if problem.symbols:
        evidence["region_point"] = problem.region_point
        evidence["params_list"] = [dict(p.params) for p in result.fixed_points]
        evidence["families"] = [(p.family, p.booleans, p.aux) if p.whole_region else None
                                for p in result.fixed_points]
    return certificate(problem.game, problem.programs, problem.specs,
                       problem.tie_randomization, question, "solved", evidence, None,
                       result.seconds, assumptions=problem.region_text, **options)
