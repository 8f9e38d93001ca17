"""The evidence kinds the checker accepts: one check function per kind, and the table
:data:`CHECKS` that maps each kind to the obligation kind it discharges and its check.

A new evidence kind is one function ``(obligation, evidence, context) -> str`` (the line
the report shows; :class:`~verifier.checker.format.CertificateError` when it does not
check) and one entry in :data:`CHECKS`, whose order ranks the kinds, strongest first
(docs/certificates.md, "Evidence and what `rov check` re-verifies").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..encoding.smtlib import smtlib
from ..model.games import Game
from ..model.library import best_response
from ..model.poly import Atom
from ..semantics.interpreter import InadmissibleObservation, verify_fixed_point
from .bases import BasisError, verify
from .codec import encode_program
from .farkas import CheckError, Skeleton, check_lemma, propositionally_unsat
from .format import CertificateError, canonical, decode_lemma, decode_splits, skeleton_summary
from .obligations import Obligation

AGREEMENT_SECONDS = 600.0  # each solver's time limit when solver agreement is re-decided


@dataclass(frozen=True)
class Context:
    """What a check may need beyond the obligation and its evidence.

    ``programs_at``: parameter values (or None) -> the agents' programs there, checked to
    lie in the region. ``redecide``: (SMT-LIB text, seconds) -> the solvers' answers, as
    :func:`verifier.evidence.agreement.solver_agreement` gives them, or None when the
    solvers are not to be run.
    """

    game: Game
    tie: bool
    result: dict
    programs_at: Callable
    redecide: Callable | None = None


def check_witness(ob: Obligation, ev: dict, context: Context) -> str:
    """A fixed point, re-checked by the exact interpreter at its parameter values, and the
    test the obligation puts on it."""
    programs = context.programs_at(ob.params)
    try:
        verify_fixed_point(programs, ob.witness, not context.tie)
    except InadmissibleObservation as err:
        raise CertificateError(f"{ob.name}: not a fixed point: {err}") from None
    if ob.must is not None:
        test, what = ob.must
        if not test(ob.witness, programs, ob.params or {}):
            raise CertificateError(f"{ob.name}: {what} does not hold")
    at = "" if ob.params is None else " at " + ", ".join(
        f"{k} = {v}" for k, v in sorted(ob.params.items()))
    return f"{ob.name}{at} (exact interpreter)"


# what enumeration evidence assumes rather than checks: the certificate states it (its
# field "assumes") and the report line names it
ENUMERATION_ASSUMES = {
    "theorem": "the fixed points of two best-response agents (the library's builder) under a "
               "reflective oracle are exactly the Nash equilibria of the game",
    "source": "fallenstein2015"}


def check_enumeration(ob: Obligation, ev: dict, context: Context) -> str:
    """The listed fixed points are every extreme Nash equilibrium, the cliques and the
    continuum flag are right, and both agents are the library's best-response agent. That
    these equilibria are the fixed points is a theorem (:data:`ENUMERATION_ASSUMES`) the
    check assumes and says it assumes; a certificate that states what it assumes must
    state exactly that (version 3 certificates written before 2026-12 do not state it)."""
    if "assumes" in ev and ev["assumes"] != ENUMERATION_ASSUMES:
        raise CertificateError(f"{ob.name}: the evidence assumes {ev['assumes']!r}, the "
                               f"checker knows only {ENUMERATION_ASSUMES!r}")
    game, result = context.game, context.result
    programs = context.programs_at(None)
    if not context.tie:
        raise CertificateError("the enumeration needs tie randomisation")
    for seat, prog in enumerate(programs):
        made = best_response().program(game, seat)
        if canonical(encode_program(made)) != canonical(encode_program(prog)):
            raise CertificateError(f"agent {seat + 1} is not the best-response agent")
    data = result["nash"]
    try:
        profiles, cliques = verify(*game.payoffs, data["bases"])
    except BasisError as err:
        raise CertificateError(f"the basis lists do not check: {err}") from None
    listed = [tuple(tuple(s) for s in w.profile) for w in result["witnesses"]]
    if sorted(set(listed)) != profiles or len(listed) != len(profiles):
        raise CertificateError(f"the extreme equilibria are {len(profiles)} profiles; the "
                               f"fixed points listed are not exactly them")
    if [tuple(map(tuple, c)) for c in data["cliques"]] != list(cliques):
        raise CertificateError("the cliques are not the maximal ones of the equilibria")
    continuum = any(len(a) > 1 or len(b) > 1 for a, b in cliques)
    if not result.get("complete") or result.get("continuum") != continuum:
        raise CertificateError(f"the enumeration is complete and continuum is {continuum}")
    sizes = "/".join(str(len(side)) for side in data["bases"])
    return f"{ob.name} ({sizes} feasible bases, closed under pivots; {len(profiles)} " \
           f"labelled pairs; assumes the theorem [{ENUMERATION_ASSUMES['source']}]: " \
           f"{ENUMERATION_ASSUMES['theorem']})"


def check_farkas(ob: Obligation, ev: dict, context: Context) -> str:
    """Farkas lemmas (:mod:`verifier.checker.farkas`), each checked exactly, whose
    negations make the rebuilt Boolean skeleton unsatisfiable (a SAT check)."""
    return _check_lemmas(ob, ev, False)


def check_positivstellensatz(ob: Obligation, ev: dict, context: Context) -> str:
    """Positivstellensatz lemmas: Farkas lemmas that may also use products of up to eight
    facts, squares of polynomials and equalities times monomials, each an exact polynomial
    identity (:func:`verifier.checker.farkas.combination`), over the skeleton refined by
    case splits: atoms ``q <= 0`` (or ``< 0``) added as fresh Booleans without clauses,
    which every real point makes true or false, so that the SAT check covers both sides
    of each split (spatial branch and bound); then the same SAT check."""
    return _check_lemmas(ob, ev, True)


def _check_lemmas(ob: Obligation, ev: dict, extended: bool) -> str:
    sk = Skeleton(list(ob.formulas))
    if canonical(skeleton_summary(sk)) != canonical(ev.get("skeleton")):
        raise CertificateError(f"{ob.name}: the stored skeleton is not the rebuilt one")
    lemmas = ev.get("lemmas")
    if not isinstance(lemmas, list):
        raise CertificateError(f"{ob.name}: lemmas is a list")
    if extended:
        for q, strict in decode_splits(ev.get("splits", [])):
            sk.literal(Atom(q, "<" if strict else "<="))  # a fresh Boolean, no clause
    elif "splits" in ev:
        raise CertificateError(f"{ob.name}: Farkas evidence has no case splits")
    clauses = list(sk.clauses)
    for n, lemma in enumerate(lemmas):
        literals = lemma.get("literals") if isinstance(lemma, dict) else None
        if not (isinstance(literals, list) and literals
                and all(isinstance(l, int) and not isinstance(l, bool) for l in literals)):
            raise CertificateError(f"{ob.name}: lemma {n}: literals are non-zero integers")
        facts = [sk.fact(l) for l in literals]
        try:
            check_lemma(facts, decode_lemma(lemma, len(facts), extended))
        except CheckError as err:
            raise CertificateError(f"{ob.name}: lemma {n} does not check: {err}") from None
        clauses.append([-l for l in literals])
    if not propositionally_unsat(clauses):
        raise CertificateError(f"{ob.name}: the skeleton with the {len(lemmas)} lemmas is "
                               f"still satisfiable")
    what = "Positivstellensatz" if extended else "Farkas"
    return f"{ob.name} ({len(lemmas)} {what} lemmas, SAT check)"


def check_agreement(ob: Obligation, ev: dict, context: Context) -> str:
    """The system decided again by the solvers ``context.redecide`` runs: all must say
    unsat. Agreement of two complete solvers, not a proof."""
    if context.redecide is None:
        raise CertificateError(f"{ob.name}: solver agreement is not re-verifiable without "
                               f"running the solvers (drop --no-solvers)")
    agreed = context.redecide(ev["smtlib"], AGREEMENT_SECONDS)
    answers = ", ".join(f"{a['solver']} {agreed['versions'].get(a['solver'], '')} "
                        f"{a['answer']}" for a in agreed["answers"])
    if any(a["answer"] != "unsat" for a in agreed["answers"]):
        raise CertificateError(f"{ob.name}: re-decided: {answers}")
    return f"{ob.name} (re-decided unsat: {answers}; agreement, not a proof)"


# evidence kind -> (the obligation kind it discharges, its check), strongest first
CHECKS = {
    "witness": ("witness", check_witness),
    "enumeration": ("enumeration", check_enumeration),
    "farkas": ("unsat", check_farkas),
    "positivstellensatz": ("unsat", check_positivstellensatz),
    "solver-agreed": ("unsat", check_agreement),
}
KINDS = tuple(CHECKS)
NEEDS = {"witness": "a witness", "enumeration": "the enumeration"}  # one kind discharges these


def check_evidence(ob: Obligation, ev: dict, context: Context) -> str:
    """The line for an obligation whose evidence checks; CertificateError otherwise. An
    ``unsat`` obligation's evidence must first store exactly the SMT-LIB of the rebuilt
    system."""
    kind = ev.get("kind")
    proves, run = CHECKS.get(kind, (None, None)) if isinstance(kind, str) else (None, None)
    if ob.kind in NEEDS and proves != ob.kind:
        raise CertificateError(f"{ob.name}: needs {NEEDS[ob.kind]}")
    if ob.kind == "unsat" and ev.get("smtlib") != smtlib(list(ob.formulas)):
        raise CertificateError(f"{ob.name}: the stored SMT-LIB is not the system rebuilt "
                               f"from the problem")
    if proves != ob.kind:
        raise CertificateError(f"{ob.name}: evidence kind {kind!r} cannot be checked")
    return run(ob, ev, context)
