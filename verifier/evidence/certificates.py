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
from dataclasses import dataclass
from fractions import Fraction

from ..checker import check as checking
from ..checker.check import Report
from ..checker.codec import encode_formula, encode_number, encode_poly, encode_program, \
    encode_witness
from ..checker.families import QuadraticRoot, Ratio
from ..checker.format import FORMAT, MAX_BYTES, ORACLE, READABLE, VERDICTS, VERSION, \
    CertificateError, canonical, content_hash, decode_question, decode_result, \
    skeleton_summary
from ..checker.kinds import CHECKS, ENUMERATION_ASSUMES, KINDS
from ..checker.obligations import Obligation, needed_obligations, obligations
from ..encoding.smtlib import smtlib
from ..model.params import parse_region
from ..model.poly import Formula, Poly
from .agreement import solver_agreement
from .prove_unsat import farkas_evidence

__all__ = ["FORMAT", "VERSION", "READABLE", "ORACLE", "MAX_BYTES", "KINDS", "VERDICTS",
           "CertificateError", "canonical", "content_hash", "Obligation", "obligations",
           "needed_obligations", "encode_question", "decode_question", "decode_result",
           "Report", "check", "certificate", "evidence_for", "WRITERS"]


def check(cert, run_solvers: bool = True) -> Report:
    """:func:`verifier.checker.check.check` with solver-agreed evidence decided again by Z3
    and Yices (:func:`~verifier.evidence.agreement.solver_agreement`), unless
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


@dataclass(frozen=True)
class Budget:
    """Seconds each evidence search may take for one obligation: Farkas lemmas,
    Positivstellensatz lemmas with case splits, and each solver of a solver agreement."""

    farkas: float
    positivstellensatz: float
    solvers: float


def write_bare(ob: Obligation, budget: Budget) -> dict:
    """Evidence that is the obligation itself: the checker re-checks a witness or an
    enumeration from the certificate's result (an enumeration states the theorem it
    assumes, :data:`verifier.checker.kinds.ENUMERATION_ASSUMES`)."""
    out = {"obligation": ob.name, "kind": ob.kind}
    return out | {"assumes": ENUMERATION_ASSUMES} if ob.kind == "enumeration" else out


def write_farkas(ob: Obligation, budget: Budget) -> dict | None:
    """Farkas lemmas that refute the system, or None when none are found within
    ``budget.farkas`` seconds (none are sought when it is 0)."""
    found = farkas_evidence(list(ob.formulas), budget.farkas) if budget.farkas > 0 else None
    if found is None:
        return None
    return {"obligation": ob.name, "kind": "farkas", "smtlib": smtlib(list(ob.formulas)),
            "skeleton": skeleton_summary(found["skeleton"]),
            "lemmas": [_encode_lemma(lemma) for lemma in found["lemmas"]]}


def write_positivstellensatz(ob: Obligation, budget: Budget) -> dict | None:
    """Positivstellensatz lemmas (with case splits) that refute the system, or None when
    none are found within ``budget.positivstellensatz`` seconds (none are sought when it is
    0). When there are no splits and every lemma found is a Farkas lemma (a longer search
    than :func:`write_farkas` allows), the evidence is of kind ``farkas``."""
    found = farkas_evidence(list(ob.formulas), budget.positivstellensatz, extended=True) \
        if budget.positivstellensatz > 0 else None
    if found is None:
        return None
    basic = not found["splits"] and all(_is_farkas(lemma) for lemma in found["lemmas"])
    out = {"obligation": ob.name, "kind": "farkas" if basic else "positivstellensatz",
           "smtlib": smtlib(list(ob.formulas)),
           "skeleton": skeleton_summary(found["skeleton"])}
    if not basic:
        out["splits"] = [[encode_poly(q), strict] for q, strict in found["splits"]]
    return out | {"lemmas": [_encode_lemma(lemma) for lemma in found["lemmas"]]}


def _is_farkas(lemma: dict) -> bool:
    """A lemma of the Farkas form: no squares, products of two facts, equalities times 1 or
    one variable."""
    return "squares" not in lemma and all(len(row) == 3 for row in lemma.get("products", ())) \
        and all(row[2] is None or isinstance(row[2], str) for row in lemma.get("equalities", ()))


def write_agreement(ob: Obligation, budget: Budget) -> dict:
    """Z3 and Yices both deciding the system unsat within ``budget.solvers`` seconds each;
    CertificateError when either does not."""
    text = smtlib(list(ob.formulas))
    agreed = solver_agreement(text, budget.solvers)
    if any(a["answer"] != "unsat" for a in agreed["answers"]):
        raise CertificateError(f"{ob.name}: not certified: " + ", ".join(
            f"{a['solver']} says {a['answer']}" for a in agreed["answers"]))
    return {"obligation": ob.name, "kind": "solver-agreed", "smtlib": text} | agreed


# evidence kind -> its writer (obligation, budget) -> evidence or None
WRITERS = {"witness": write_bare, "enumeration": write_bare, "farkas": write_farkas,
           "positivstellensatz": write_positivstellensatz, "solver-agreed": write_agreement}


def evidence_for(ob: Obligation, budget: Budget) -> dict:
    """The strongest evidence found for an obligation: the writers of the kinds that
    discharge it, strongest first, until one gives evidence. Raises CertificateError when
    none does (solver agreement, the last for unsat, raises it itself on disagreement)."""
    kinds = [kind for kind, (proves, _) in CHECKS.items() if proves == ob.kind]
    found = (WRITERS[kind](ob, budget) for kind in kinds)
    evidence = next((e for e in found if e is not None), None)
    if evidence is None:
        raise CertificateError(f"{ob.name}: no evidence of kinds {', '.join(kinds)} found")
    return evidence


def _encode_lemma(lemma: dict) -> dict:
    out = {"literals": lemma["literals"]}
    for key in ("linear", "products", "equalities", "squares"):
        if key in lemma:
            out[key] = [[_encode_entry(x) for x in row] for row in lemma[key]]
    return out


def _encode_entry(x):
    if isinstance(x, Fraction):
        return str(x)
    if isinstance(x, Poly):
        return encode_poly(x)
    if isinstance(x, tuple):
        return list(x)
    return x


EVIDENCE_SECONDS = 120.0  # each solver's time in solver agreement, by default


def certificate(game, programs, specs, tie_randomization: bool, question: dict, verdict: str,
                result: dict, claim: dict | None = None, seconds: float = 0.0,
                farkas_seconds: float = 5.0, solver_seconds: float | None = None,
                positivstellensatz_seconds: float | None = None,
                progress=None, assumptions: str | None = None) -> dict:
    """The certificate of a verdict: problem, result and evidence for every obligation.

    ``result`` holds decoded objects: ``witness``/``witnesses``
    (FixedPointWitness), ``value``, ``complete``, ``continuum``. Unsat
    obligations get Farkas evidence when it is found within ``farkas_seconds``,
    else Positivstellensatz evidence found within ``positivstellensatz_seconds``
    (``solver_seconds`` when None), else solver agreement, each solver given
    ``solver_seconds`` (:func:`evidence_for`; None: :data:`EVIDENCE_SECONDS`). These
    budgets are wall-clock: they choose the kind of evidence, never the verdict. Raises
    CertificateError when an obligation cannot be certified.
    """
    start = time.perf_counter()
    solver_seconds = EVIDENCE_SECONDS if solver_seconds is None else solver_seconds
    budget = Budget(farkas_seconds, solver_seconds if positivstellensatz_seconds is None
                    else positivstellensatz_seconds, solver_seconds)
    region = [] if assumptions is None else parse_region(assumptions).formulas
    if region and "region_point" not in result:
        raise CertificateError("a certificate over a region needs result['region_point']")
    needs = [a for p in programs for a in p.requirements] if region else []
    evidence = []
    for ob in needed_obligations(game, programs, tie_randomization, question, verdict, result,
                                 region, needs):
        if progress:
            progress(ob.name)
        evidence.append(evidence_for(ob, budget))
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
