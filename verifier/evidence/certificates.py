"""Writing certificates: the problem, verdict and result of a decision, with evidence for
every obligation the checker will derive (:mod:`verifier.checker.obligations`).

The writers are a table, :data:`WRITERS`, from evidence kind to the function that makes
that kind of evidence; for each obligation the kinds that discharge it
(:data:`verifier.checker.kinds.CHECKS`) are tried strongest first. Nothing written here is
trusted: :func:`verifier.checker.check.check` re-verifies it. The old path
`verifier.evidence.certificates` is this module: it re-exports the checker's names it had
(``__all__``), and :func:`check` is the checker with the solvers at hand.
"""

from __future__ import annotations

import time
from fractions import Fraction

from ..checker import check as checking
from ..checker.check import Report
from ..checker.codec import encode_formula, encode_number, encode_poly, encode_program, \
    encode_witness
from ..checker.families import QuadraticRoot, Ratio
from ..checker.format import FORMAT, MAX_BYTES, ORACLE, READABLE, VERDICTS, VERSION, \
    CertificateError, canonical, content_hash, decode_question, decode_result, \
    skeleton_summary
from ..checker.kinds import CHECKS, KINDS
from ..checker.obligations import Obligation, needed_obligations, obligations
from ..encoding.smtlib import smtlib
from ..model.params import parse_region
from ..model.poly import Formula, Poly
from .prove_unsat import farkas_evidence, solver_agreement

__all__ = ["FORMAT", "VERSION", "READABLE", "ORACLE", "MAX_BYTES", "KINDS", "VERDICTS",
           "CertificateError", "canonical", "content_hash", "Obligation", "obligations",
           "needed_obligations", "encode_question", "decode_question", "decode_result",
           "Report", "check", "certificate", "evidence_for", "WRITERS"]


def check(cert, run_solvers: bool = True) -> Report:
    """:func:`verifier.checker.check.check` with solver-agreed evidence decided again by Z3
    and Yices (:func:`~verifier.evidence.prove_unsat.solver_agreement`), unless
    ``run_solvers`` is False."""
    return checking.check(cert, solver_agreement if run_solvers else None)


def encode_question(q: dict) -> dict:
    """A question (decoded objects: formulas, polynomials, exact numbers, claimed values)
    as certificate JSON; :func:`verifier.checker.format.decode_question` reverses it."""
    out = {"type": q["type"]}
    for key, value in q.items():
        if key == "type":
            continue
        if value is None or isinstance(value, (bool, str)):
            out[key] = value
        elif isinstance(value, Formula):
            out[key] = encode_formula(value)
        elif isinstance(value, Poly):
            out[key] = encode_poly(value)
        elif isinstance(value, (Ratio, QuadraticRoot)):
            out[key] = {k: [encode_poly(p) for p in v] if isinstance(v, list) else v
                        for k, v in value.to_json().items()}
        elif key == "profile":
            out[key] = [[encode_number(p) for p in s] for s in value]
        else:
            out[key] = encode_number(value)
    return out


def _problem(game, programs, specs, tie_randomization: bool, question: dict,
             assumptions: str | None) -> dict:
    return {"game": game.to_json(),
            "agents": [{"spec": s, "program": encode_program(p)} for s, p in zip(specs, programs)],
            "tie_randomization": tie_randomization, "oracle": ORACLE,
            "assumptions": assumptions, "question": encode_question(question)}


def write_bare(ob: Obligation, farkas_seconds: float, solver_seconds: float) -> dict:
    """Evidence that is the obligation itself: the checker re-checks a witness or an
    enumeration from the certificate's result."""
    return {"obligation": ob.name, "kind": ob.kind}


def write_farkas(ob: Obligation, farkas_seconds: float, solver_seconds: float) -> dict | None:
    """Farkas lemmas that refute the system, or None when none are found within
    ``farkas_seconds`` (none are sought when it is 0)."""
    found = farkas_evidence(list(ob.formulas), farkas_seconds) if farkas_seconds > 0 else None
    if found is None:
        return None
    return {"obligation": ob.name, "kind": "farkas", "smtlib": smtlib(list(ob.formulas)),
            "skeleton": skeleton_summary(found["skeleton"]),
            "lemmas": [_encode_lemma(lemma) for lemma in found["lemmas"]]}


def write_agreement(ob: Obligation, farkas_seconds: float, solver_seconds: float) -> dict:
    """Z3 and Yices both deciding the system unsat within ``solver_seconds`` each;
    CertificateError when either does not."""
    text = smtlib(list(ob.formulas))
    agreed = solver_agreement(text, solver_seconds)
    if any(a["answer"] != "unsat" for a in agreed["answers"]):
        raise CertificateError(f"{ob.name}: not certified: " + ", ".join(
            f"{a['solver']} says {a['answer']}" for a in agreed["answers"]))
    return {"obligation": ob.name, "kind": "solver-agreed", "smtlib": text} | agreed


# evidence kind -> its writer (obligation, farkas_seconds, solver_seconds) -> evidence or None
WRITERS = {"witness": write_bare, "enumeration": write_bare, "farkas": write_farkas,
           "solver-agreed": write_agreement}


def evidence_for(ob: Obligation, farkas_seconds: float, solver_seconds: float) -> dict:
    """The strongest evidence found for an obligation: the writers of the kinds that
    discharge it, strongest first, until one gives evidence. Raises CertificateError when
    none does (solver agreement, the last for unsat, raises it itself on disagreement)."""
    kinds = [kind for kind, (proves, _) in CHECKS.items() if proves == ob.kind]
    found = (WRITERS[kind](ob, farkas_seconds, solver_seconds) for kind in kinds)
    evidence = next((e for e in found if e is not None), None)
    if evidence is None:
        raise CertificateError(f"{ob.name}: no evidence of kinds {', '.join(kinds)} found")
    return evidence


def _encode_lemma(lemma: dict) -> dict:
    out = {"literals": lemma["literals"]}
    for key in ("linear", "products", "equalities"):
        if key in lemma:
            out[key] = [[x if not isinstance(x, Fraction) else str(x) for x in row]
                        for row in lemma[key]]
    return out


def certificate(game, programs, specs, tie_randomization: bool, question: dict, verdict: str,
                result: dict, claim: dict | None = None, seconds: float = 0.0,
                farkas_seconds: float = 5.0, solver_seconds: float = 120.0,
                progress=None, assumptions: str | None = None) -> dict:
    """The certificate of a verdict: problem, result and evidence for every obligation.

    ``result`` holds decoded objects: ``witness``/``witnesses``
    (FixedPointWitness), ``value``, ``complete``, ``continuum``. Unsat
    obligations get Farkas evidence when it is found within
    ``farkas_seconds``, else solver agreement (:func:`evidence_for`). Raises
    CertificateError when an obligation cannot be certified.
    """
    start = time.perf_counter()
    region = [] if assumptions is None else parse_region(assumptions).formulas
    if region and "region_point" not in result:
        raise CertificateError("a certificate over a region needs result['region_point']")
    needs = [a for p in programs for a in p.requirements] if region else []
    evidence = []
    for ob in needed_obligations(game, programs, tie_randomization, question, verdict, result,
                                 region, needs):
        if progress:
            progress(ob.name)
        evidence.append(evidence_for(ob, farkas_seconds, solver_seconds))
    kinds = [e["kind"] for e in evidence]
    cert = {"format": FORMAT, "version": VERSION,
            "problem": _problem(game, programs, specs, tie_randomization, question,
                                assumptions),
            "claim": claim, "verdict": verdict, "result": _encode_result(result),
            "kind": max(kinds, key=KINDS.index) if kinds else "witness",
            "evidence": evidence,
            "seconds": {"decide": round(seconds, 3),
                        "certify": round(time.perf_counter() - start, 3)}}
    cert["hash"] = content_hash(cert)
    return cert


def _encode_result(result: dict) -> dict:
    out = {}
    for key, value in result.items():
        if key == "witness":
            out[key] = encode_witness(value)
        elif key == "witnesses":
            out[key] = [encode_witness(w) for w in value]
        elif key == "value":
            out[key] = encode_number(value)
        elif key in ("params", "region_point"):
            out[key] = _encode_params(value)
        elif key == "params_list":
            out[key] = [None if p is None else _encode_params(p) for p in value]
        elif key == "family":
            out[key] = _encode_family(value)
        elif key == "families":
            out[key] = [None if f is None else _encode_family(f) for f in value]
        else:
            out[key] = value
    return out


def _encode_params(params: dict) -> dict:
    return {k: encode_number(v) for k, v in sorted(params.items())}


def _encode_family(family: tuple) -> dict:
    terms, booleans, aux = family
    return {"terms": {n: [encode_poly(num), encode_poly(den)]
                      for n, (num, den) in sorted(terms.items())},
            "booleans": dict(sorted(booleans.items())),
            "aux": None if aux is None else [aux[0], encode_poly(aux[1])]}
