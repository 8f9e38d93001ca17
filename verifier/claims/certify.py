"""Certificates of claims' verdicts: what a claim's result is written as for
:mod:`verifier.checker` to check, without running our code again.
"""

from __future__ import annotations

from dataclasses import replace

from ..checker.format import CertificateError
from ..evidence.certificates import certificate
from ..model.readings import DEFAULT, Reading
from .claim import Claim, ClaimResult
from .formulas import Vars
from .kinds import question


def claim_certificate(claim: Claim, result: ClaimResult, reading: Reading = DEFAULT,
                      **options) -> dict:
    """The certificate of a claim's verdict under a reading
    (see :mod:`verifier.checker`).

    ``options`` go to :func:`verifier.evidence.certificates.certificate`. Raises
    CertificateError for verdicts with nothing to certify (unknown) and
    for optima that are approached but not attained.
    """
    if result.verdict not in ("holds", "fails"):
        raise CertificateError(f"{claim.id}: an {result.verdict} verdict has no certificate")
    formal = result.formal
    if "cases" in result.detail:  # decided by cases: the failing case's region
        claim = replace(claim, assume=result.assumptions)
        formal = claim.formal_text(reading)
    game, agents = claim.resolve(reading)
    pair = None
    if result.assumptions is not None:  # the game with its saddle points bound by the region
        pair = claim.pair(reading=reading)
        game = pair.game
    programs = tuple(a.program(game, i) for i, a in enumerate(agents))
    d, evidence = result.detail, {}
    v = Vars(game)
    for key in ("counterexample", "witness"):
        if key in d:
            evidence |= point_evidence(d[key])
    if "formula_optimum" in d:
        o = d["formula_optimum"]
        if o.is_bound:
            evidence = {"attained": o.attained}
            if o.attained:
                evidence["family"] = point_evidence(o.point)["family"]
    q = question(claim.check, v, d)
    if "optimum" in d:
        o = d["optimum"]
        if not o.attained:
            raise CertificateError(f"{claim.id}: certificates for optima that are not attained "
                                   f"are not supported")
        evidence = {"value": o.value, "witness": o.point.witness}
    meta = {"id": claim.id, "statement": claim.statement, "source": claim.source,
            "formal": formal, "expected": result.expected}
    if result.assumptions is not None:
        evidence["region_point"] = pair.region_point
    return certificate(game, programs, result.agents, claim.tie_randomization, q,
                       result.verdict, evidence, meta, result.seconds,
                       assumptions=result.assumptions, **options)


def point_evidence(point) -> dict:
    """A fixed point as certificate data: its witness, parameter values and family."""
    out = {"witness": point.witness}
    if point.params:
        out["params"] = dict(point.params)
    if point.whole_region:
        out["family"] = (point.family, point.booleans, point.aux)
    return out
