"""Certificates: one JSON document per verdict, and their independent checking.

A certificate holds the *problem* (game, both agents as program data,
encoding options, the question), the *verdict*, the *result* it rests on
(fixed-point witnesses, an optimum value) and the *evidence*: one entry per
proof obligation. Which obligations a verdict needs is decided here, by
:func:`obligations`, from the problem, verdict and result alone, so the
checker rebuilds them itself and never trusts the list it is given.

Obligation kinds:

- ``witness``: an exact fixed point, re-checked by the exact interpreter;
- ``farkas``: "no fixed point with ...": a system unsatisfiable by exact
  Farkas lemmas plus a SAT check (:mod:`verifier.farkas`);
- ``enumeration``: "these are all the fixed points" of two best-response
  agents: the stored feasible bases of both best-response polytopes are
  checked to be all of them, and the completely labelled vertex pairs they
  give must be exactly the fixed points listed (:mod:`verifier.nash`). It
  rests on the theorem that such agents' fixed points are the Nash
  equilibria, and on the agents being the library's best-response agent;
- ``solver-agreed``: the same, decided unsat by Z3 and Yices; agreement of
  two independent complete solvers, not a proof.

This module and everything it imports at the top never import z3: checking
``witness`` and ``farkas`` evidence runs without it. Certificates are data:
nothing in them is evaluated.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, replace
from fractions import Fraction

from .codec import (DecodeError, decode_formula, decode_number, decode_poly, decode_program,
                    decode_witness, encode_formula, encode_number, encode_poly, encode_program,
                    encode_witness)
from ..encoding.compiler import System, number_constraints
from ..errors import EvidenceRejected
from .farkas import CheckError, Skeleton, check_lemma, propositionally_unsat
from ..model.games import BUILTIN_GAMES, GameError, builtin_game, game_from_json
from ..semantics.interpreter import InadmissibleObservation, interior_point, verify_fixed_point
from ..decision.nash import BasisError, verify
from ..model.numbers import compare
from ..decision.parametric import AUX, QuadraticRoot, Ratio, family_problems
from ..model.params import ParameterError, parse_region
from ..model.poly import Formula, Not, Poly, atom_text, disj, named
from ..encoding.smtlib import smtlib

FORMAT, VERSION = "rov-certificate", 3
READABLE = (3,)  # versions 1 and 2 rest on the withdrawn per-position tie model
ORACLE = "one-q-per-query"  # the oracle model: one tie probability per distinct query
MAX_BYTES = 64 * 1024 * 1024
KINDS = ("witness", "enumeration", "farkas", "solver-agreed")  # strongest first
VERDICTS = {"holds", "fails", "solved"}


class CertificateError(EvidenceRejected):
    """A certificate that is malformed or does not check."""


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def content_hash(cert: dict) -> str:
    """SHA-256 over everything but the hash and the timings."""
    body = {k: v for k, v in cert.items() if k not in ("hash", "seconds")}
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


# --------------------------------------------------------------- obligations


@dataclass(frozen=True)
class Obligation:
    """One thing a verdict rests on: a witness to check, or a system with no solution."""

    name: str
    kind: str  # "witness" or "unsat"
    formulas: tuple = ()  # the system, for "unsat"
    witness: object = None  # the decoded witness, for "witness"
    must: object = None  # for "witness": (test on the witness, description) or None
    params: object = None  # for "witness" over a region: the parameter values it is at


def _pinned(value, name: str) -> tuple[list, Poly]:
    """An exact number as a term: itself if rational, else a variable pinned to it."""
    if isinstance(value, Fraction):
        return [], Poly.const(value)
    pin = named(name)
    return number_constraints(value, pin), pin


def _below(term: Poly, value, name: str) -> list:
    """``term < value`` for an exact rational or algebraic value."""
    pins, v = _pinned(value, name)
    return pins + [term < v]


def _profile_atoms(system: System, profile, tag: str, op: str) -> tuple[list, list]:
    """Pins, and one atom ``x op value`` per free strategy variable of an exact profile."""
    pins, atoms = [], []
    for i, s in enumerate(profile):
        for k, (x, value) in enumerate(zip(system.free[i], s[:-1])):
            more, v = _pinned(value, f"__{tag}_{i}_{k}")
            pins += more
            atoms.append(x.eq(v) if op == "==" else x.ne(v))
    return pins, atoms


def _seat_profile_is(system: System, profile, tag: str) -> list:
    """Formulas: the free strategy variables equal an exact profile."""
    pins, atoms = _profile_atoms(system, profile, tag, "==")
    return pins + atoms


def _differs(system: System, profile, tag: str) -> list:
    """Formulas: the profile differs from an exact one."""
    pins, atoms = _profile_atoms(system, profile, tag, "!=")
    return pins + [disj(atoms)]


def obligations(system: System, question: dict, verdict: str, result: dict,
                region: list = (), requirements: list = ()) -> list:
    """The obligations a verdict on a question needs, rebuilt from data alone.

    Over a parameter region (``region``: its atoms), every system gets the
    region's assumptions, witnesses are at stated parameter values, and
    "for every parameter" results rest on the unsat problems of
    :func:`verifier.parametric.family_problems`. ``requirements``: atoms the
    agents need of their parameters, which the region must imply.
    """
    base = list(system.constraints) + list(region)
    seat = system.seat_formula
    if region:
        # a point of the region: verdicts resting on "no solution" are not vacuous
        point = result.get("region_point")
        if not isinstance(point, dict) or not all(a.holds(point) for a in region):
            raise CertificateError("a certificate over a region needs a point of it "
                                   "(result.region_point), which shows it is not empty")
    distinct = {atom_text(r): r for r in requirements}
    needs = [Obligation(f"the region gives the agents {text}", "unsat",
                        tuple(list(region) + [Not(r)])) for text, r in distinct.items()]

    def fixed(name, w, must=None, params=None):
        return Obligation(name, "witness", witness=w, must=must,
                          params=result.get("params") if params is None else params)

    def unsat(name, extra):
        return Obligation(name, "unsat", tuple(base + list(extra)))

    def family(general, key="family"):
        if system.relaxed:
            raise CertificateError("a fixed point for every parameter cannot rest on a relaxed "
                                   "region test (region_test=exact)")
        terms, booleans, aux = result[key] if isinstance(key, str) else result[key[0]][key[1]]
        return [Obligation(name, "unsat", tuple(problem)) for name, problem in
                family_problems(system, region, terms, booleans, general, aux)]

    return needs + _obligations(system, question, verdict, result, region, base, seat,
                                fixed, unsat, family)


def needed_obligations(game, programs, tie: bool, question: dict, verdict: str, result: dict,
                       region: list = (), requirements: list = ()) -> list:
    """:func:`obligations`, or for two best-response agents' enumeration, the witnesses
    and one ``enumeration`` obligation (which needs no compiled system)."""
    if question["type"] == "solve" and "nash" in result:
        if region:
            raise CertificateError("an enumeration of Nash equilibria is for concrete agents")
        out = [Obligation(f"fixed point {i + 1}", "witness", witness=w)
               for i, w in enumerate(result["witnesses"])]
        return out + [Obligation("no other extreme equilibrium, and the components",
                                 "enumeration", must=lambda programs: _check_enumeration(
                                     game, programs, tie, result))]
    return obligations(System(game, tuple(programs), tie), question, verdict, result, region,
                       requirements)


def _check_enumeration(game, programs, tie: bool, result: dict) -> str:
    """The listed fixed points are every extreme Nash equilibrium, the cliques and the
    continuum flag are right, and both agents are the library's best-response agent."""
    from ..model.library import best_response
    if not tie:
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
    return f"{sizes} feasible bases, closed under pivots; {len(profiles)} labelled pairs"


def _obligations(system, question, verdict, result, region, base, seat, fixed, unsat, family):
    kind = question["type"]

    if kind in ("always", "exists"):
        phi = question["formula"]
        found = (kind == "always") == (verdict == "fails")
        if found:
            want = kind == "exists"
            out = [fixed("a fixed point where the formula is " + str(want).lower(),
                         result["witness"],
                         (lambda w, programs, params: phi.holds(_seat_values(w.profile) | params) == want,
                          f"the formula is {str(want).lower()} there"))]
            if want and region:
                out += family([seat(phi)])
            return out
        extra = Not(seat(phi)) if kind == "always" else seat(phi)
        what = "violates" if kind == "always" else "satisfies"
        return [unsat(f"no fixed point {what} the formula", [extra])]
    if kind == "no_fixed_point":
        if verdict == "fails":
            return [fixed("a fixed point", result["witness"])]
        return [unsat("no fixed point", [])]
    if kind == "unique":
        profile = question["profile"]
        if verdict == "holds":
            out = [fixed("a fixed point at the profile", result["witness"],
                         (lambda w, programs, params: _same(w.profile, profile),
                          "its profile is the given one")),
                   unsat("no fixed point elsewhere", _differs(system, profile, "u"))]
            if region:
                out += family(_seat_profile_is(system, profile, "u"))
            return out
        if "witness" in result:
            return [fixed("a fixed point elsewhere", result["witness"],
                          (lambda w, programs, params: not _same(w.profile, profile),
                           "its profile differs"))]
        return [unsat("the profile is not a fixed point", _seat_profile_is(system, profile, "u"))]
    if kind == "extreme" and region:
        raise CertificateError("over a region an extreme is a formula (extreme_formula)")
    if region:  # claims name only the agents' parameters, never system variables
        symbols = set().union(*(p.symbols for p in system.programs))
        for poly in _question_polys(question):
            stray = {v for v in poly.variables() if isinstance(v, str)} - symbols
            if stray:
                raise CertificateError(f"the question names {sorted(stray)}, which are not "
                                       f"parameters of the agents")
    if kind == "extreme":
        sign = 1 if question["sense"] == "min" else -1
        f = sign * question["objective"]
        side = [] if question["subject_to"] is None else [seat(question["subject_to"])]
        value = result["value"]
        target = value if sign == 1 else -value
        cond = question["subject_to"]
        return [fixed("a fixed point at the optimum", result["witness"],
                      (lambda w, programs, params: compare(
                          question["objective"].evaluate(_seat_values(w.profile) | params),
                          value) == 0
                       and (cond is None or cond.holds(_seat_values(w.profile) | params)),
                       "the objective equals the value")),
                unsat("no fixed point beyond the optimum",
                      side + _below(system.seat_term(f), target, "value"))]
    if kind == "extreme_formula":
        value, sense = question["value"], question["sense"]
        term = system.seat_term(question["objective"])
        side = [] if question["subject_to"] is None else [seat(question["subject_to"])]
        op = "<" if sense == "min" else ">"
        if "witness" in result:  # a fixed point beyond the formula
            objective, cond = question["objective"], question["subject_to"]

            def beyond(w, programs, params):
                at = _seat_values(w.profile) | params
                return (cond is None or cond.holds(at)) and \
                    all(c.holds(params) for c in value.conditions()) and \
                    value.relation(Poly.const(objective.evaluate(at)), op).holds(params)
            return [fixed("a fixed point beyond the formula", result["witness"],
                          (beyond, "the formula is defined there, the fixed point satisfies "
                                   "the side condition and its objective is beyond the formula"))]
        out = [Obligation(f"the formula is defined: {atom_text(c)} throughout the region", "unsat",
                          tuple(list(region) + [Not(c)])) for c in value.conditions()]
        out.append(unsat("no fixed point beyond the formula", side + [value.relation(term, op)]))
        reach = side + [value.relation(term, "==")]
        if result["attained"]:
            out += family(reach)
        else:
            out.append(unsat("no fixed point reaches the formula", reach))
        return out
    if kind == "solve":
        out, witnesses = [], result["witnesses"]
        for i, w in enumerate(witnesses):
            params = result["params_list"][i] if "params_list" in result else None
            if result["continuum"] and i == len(witnesses) - 1:
                out.append(fixed(f"fixed point {i + 1} in a continuum", w,
                                 (lambda w, programs, params: interior_point(programs, w),
                                  "a family of fixed points passes through it"), params))
            else:
                out.append(fixed(f"fixed point {i + 1}", w, params=params))
            if result.get("families") and result["families"][i] is not None:
                out += [replace(ob, name=f"fixed point {i + 1}: {ob.name}")
                        for ob in family([], ("families", i))]
        if result["complete"]:
            extra = []
            for i, w in enumerate(result["witnesses"]):
                found = result.get("families") and result["families"][i]
                extra += _outside(system, found[0]) if found else \
                    _differs(system, w.profile, f"p{i}")
            out.append(unsat("no other fixed point", extra))
        return out
    raise CertificateError(f"unknown question type {kind!r}")


def _question_polys(question: dict) -> list:
    out = []

    def atoms(f):
        if f is None:
            return
        if hasattr(f, "poly"):
            out.append(f.poly)
        for part in getattr(f, "parts", ()):
            atoms(part)
        if hasattr(f, "part"):
            atoms(f.part)
    atoms(question.get("formula"))
    atoms(question.get("subject_to"))
    if "objective" in question:
        out.append(question["objective"])
    if "value" in question and hasattr(question["value"], "polys"):
        out += list(question["value"].polys)
    return out


def _outside(system: System, terms: dict) -> list:
    """Formulas: the profile is not the family's (written in the parameters)."""
    free = [n for f in system.free for x in f for n in x.variables()]
    return [disj([(named(n) * terms[n][1] - terms[n][0]).ne(0) for n in free])]


def _same(a, b) -> bool:
    return len(a) == len(b) and all(
        len(x) == len(y) and all(compare(p, q) == 0 for p, q in zip(x, y)) for x, y in zip(a, b))


def _seat_values(profile) -> dict:
    return {("s", i, k): p for i, s in enumerate(profile) for k, p in enumerate(s)}


# ------------------------------------------------------------------ questions


def encode_question(q: dict) -> dict:
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


_QUESTION_FIELDS = {
    "always": {"formula"}, "exists": {"formula"}, "no_fixed_point": set(),
    "unique": {"profile"}, "solve": {"all"},
    "extreme": {"objective", "sense", "value", "attained", "subject_to"},
    "extreme_formula": {"objective", "sense", "value", "attained", "subject_to"},
}


def decode_question(data) -> dict:
    if not isinstance(data, dict) or data.get("type") not in _QUESTION_FIELDS:
        raise DecodeError(f"question: type must be one of {sorted(_QUESTION_FIELDS)}")
    kind = data["type"]
    if set(data) - {"type"} != _QUESTION_FIELDS[kind]:
        raise DecodeError(f"question: a {kind} question has fields "
                          f"{sorted(_QUESTION_FIELDS[kind])}")
    q = {"type": kind}
    if "formula" in data:
        q["formula"] = decode_formula(data["formula"], "question.formula")
    if kind == "unique":
        if not (isinstance(data["profile"], list) and len(data["profile"]) == 2):
            raise DecodeError("question.profile: two strategies")
        q["profile"] = tuple(tuple(decode_number(p, "question.profile") for p in s)
                             for s in data["profile"])
    if kind == "solve":
        q["all"] = bool(data["all"])
    if kind in ("extreme", "extreme_formula"):
        if data["sense"] not in ("min", "max"):
            raise DecodeError("question.sense: 'min' or 'max'")
        q["sense"] = data["sense"]
        q["objective"] = decode_poly(data["objective"], "question.objective")
        if kind == "extreme":
            q["value"] = None if data["value"] is None else decode_number(data["value"])
        else:
            q["value"] = _decode_value(data["value"])
        if data["attained"] is not None and not isinstance(data["attained"], bool):
            raise DecodeError("question.attained: true, false or null")
        q["attained"] = data["attained"]
        q["subject_to"] = None if data["subject_to"] is None else \
            decode_formula(data["subject_to"], "question.subject_to")
    return q


def _decode_value(data):
    """A claimed formula: {"ratio": [num, den]} or {"root": [a, b, c], "larger": bool}."""
    if isinstance(data, dict) and set(data) == {"ratio"} and isinstance(data["ratio"], list) \
            and len(data["ratio"]) == 2:
        return Ratio(*(decode_poly(p, "question.value.ratio") for p in data["ratio"]))
    if isinstance(data, dict) and set(data) == {"root", "larger"} and \
            isinstance(data["root"], list) and len(data["root"]) == 3 and \
            isinstance(data["larger"], bool):
        return QuadraticRoot(*(decode_poly(p, "question.value.root") for p in data["root"]),
                             larger=data["larger"])
    raise DecodeError("question.value: {\"ratio\": [num, den]} or "
                      "{\"root\": [a, b, c], \"larger\": true|false}")


def decode_result(data, question: dict) -> dict:
    if not isinstance(data, dict):
        raise DecodeError("result: an object")
    out = {}
    if "witness" in data:
        out["witness"] = decode_witness(data["witness"], "result.witness")
    if "witnesses" in data:
        if not isinstance(data["witnesses"], list):
            raise DecodeError("result.witnesses: a list")
        out["witnesses"] = [decode_witness(w, f"result.witnesses[{i}]")
                            for i, w in enumerate(data["witnesses"])]
    for key in ("complete", "continuum", "attained"):
        if key in data:
            if not isinstance(data[key], bool):
                raise DecodeError(f"result.{key}: true or false")
            out[key] = data[key]
    if "value" in data:
        out["value"] = decode_number(data["value"], "result.value")
    if "params" in data:
        out["params"] = _decode_params(data["params"], "result.params")
    if "region_point" in data:
        out["region_point"] = _decode_params(data["region_point"], "result.region_point")
    if "family" in data:
        out["family"] = _decode_family(data["family"], "result.family")
    if "params_list" in data:
        out["params_list"] = [None if p is None else _decode_params(p, "result.params_list")
                              for p in _list(data["params_list"], "result.params_list")]
    if "families" in data:
        out["families"] = [None if f is None else _decode_family(f, "result.families")
                           for f in _list(data["families"], "result.families")]
    if "nash" in data:
        out["nash"] = _decode_nash(data["nash"])
    return out


def _decode_nash(data) -> dict:
    """{"bases": [P's bases, Q's bases], "cliques": [[x indices, y indices], ...]}."""
    def ints(row, where):
        if not (isinstance(row, list) and all(isinstance(v, int) and not isinstance(v, bool)
                                              for v in row)):
            raise DecodeError(f"{where}: a list of integers")
        return tuple(row)
    if not isinstance(data, dict) or set(data) != {"bases", "cliques"}:
        raise DecodeError("result.nash: bases and cliques")
    bases = _list(data["bases"], "result.nash.bases")
    if len(bases) != 2:
        raise DecodeError("result.nash.bases: two lists, for P and for Q")
    cliques = []
    for c in _list(data["cliques"], "result.nash.cliques"):
        if not (isinstance(c, list) and len(c) == 2):
            raise DecodeError("result.nash.cliques: pairs of index lists")
        cliques.append([ints(side, "result.nash.cliques") for side in c])
    return {"bases": [[ints(b, "result.nash.bases") for b in _list(side, "result.nash.bases")]
                      for side in bases], "cliques": cliques}


def _list(data, where: str) -> list:
    if not isinstance(data, list):
        raise DecodeError(f"{where}: a list")
    return data


def _decode_params(data, where: str) -> dict:
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise DecodeError(f"{where}: an object from parameter names to numbers")
    out = {k: decode_number(v, f"{where}.{k}") for k, v in data.items()}
    if not all(isinstance(v, Fraction) for v in out.values()):
        raise DecodeError(f"{where}: parameter values are rationals")
    return out


def _decode_family(data, where: str) -> tuple:
    if not isinstance(data, dict) or set(data) != {"terms", "booleans", "aux"} or \
            not isinstance(data["terms"], dict) or not isinstance(data["booleans"], dict):
        raise DecodeError(f"{where}: terms, booleans and aux")
    aux = data["aux"]
    if aux is not None:
        if not (isinstance(aux, list) and len(aux) == 2 and aux[0] == AUX):
            raise DecodeError(f"{where}.aux: null or [{AUX!r}, polynomial]")
        aux = (AUX, decode_poly(aux[1], f"{where}.aux"))
    terms = {}
    for name, pair in data["terms"].items():
        if not (isinstance(pair, list) and len(pair) == 2):
            raise DecodeError(f"{where}.terms.{name}: [numerator, denominator]")
        terms[name] = (decode_poly(pair[0], f"{where}.terms.{name}"),
                       decode_poly(pair[1], f"{where}.terms.{name}"))
    if not all(isinstance(v, bool) for v in data["booleans"].values()):
        raise DecodeError(f"{where}.booleans: true or false")
    return terms, dict(data["booleans"]), aux


# -------------------------------------------------------------------- writing


def _problem(game, programs, specs, tie_randomization: bool, question: dict,
             assumptions: str | None) -> dict:
    return {"game": game.to_json(),
            "agents": [{"spec": s, "program": encode_program(p)} for s, p in zip(specs, programs)],
            "tie_randomization": tie_randomization, "oracle": ORACLE,
            "assumptions": assumptions, "question": encode_question(question)}


def _unsat_evidence(ob: Obligation, farkas_seconds: float, solver_seconds: float) -> dict:
    from ..evidence.prove_unsat import farkas_evidence, solver_agreement
    text = smtlib(list(ob.formulas))
    found = farkas_evidence(list(ob.formulas), farkas_seconds) if farkas_seconds > 0 else None
    if found is not None:
        sk = found["skeleton"]
        return {"obligation": ob.name, "kind": "farkas", "smtlib": text,
                "skeleton": _skeleton_summary(sk),
                "lemmas": [_encode_lemma(lemma) for lemma in found["lemmas"]]}
    agreed = solver_agreement(text, solver_seconds)
    if any(a["answer"] != "unsat" for a in agreed["answers"]):
        raise CertificateError(f"{ob.name}: not certified: " + ", ".join(
            f"{a['solver']} says {a['answer']}" for a in agreed["answers"]))
    return {"obligation": ob.name, "kind": "solver-agreed", "smtlib": text} | agreed


def _skeleton_summary(sk: Skeleton) -> dict:
    return {"variables": sk.count, "clauses": len(sk.clauses),
            "clauses_sha256": hashlib.sha256(canonical(sk.clauses)).hexdigest(),
            "atoms": [[v, encode_poly(q), strict] for v, (q, strict) in zip(sk.atom_vars, sk.atoms)]}


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
    ``farkas_seconds``, else solver agreement.
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
        if ob.kind in ("witness", "enumeration"):
            evidence.append({"obligation": ob.name, "kind": ob.kind})
        else:
            evidence.append(_unsat_evidence(ob, farkas_seconds, solver_seconds))
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


# ------------------------------------------------------------------- checking


@dataclass(frozen=True)
class Report:
    """What checking one certificate found: ``ok`` only when everything re-verified."""

    ok: bool
    kind: str
    verdict: str
    subject: str
    checked: tuple  # one line per obligation
    problem: str = ""  # the first thing that did not check

    def line(self) -> str:
        status = "ok" if self.ok else "FAILED"
        what = "; ".join(self.checked) if self.ok else self.problem
        return f"{status}: {self.subject}: {self.verdict} [{self.kind}] - {what}"

    def to_json(self) -> dict:
        return {"ok": self.ok, "kind": self.kind, "verdict": self.verdict,
                "subject": self.subject, "checked": list(self.checked), "problem": self.problem}


def check(cert, run_solvers: bool = True) -> Report:
    """Re-verify a certificate (parsed JSON) from its data alone."""
    subject, kind, verdict = "certificate", "?", "?"
    try:
        if not isinstance(cert, dict):
            raise CertificateError("a certificate is a JSON object")
        if cert.get("format") != FORMAT:
            raise CertificateError(f"not a {FORMAT} (format is {cert.get('format')!r})")
        if cert.get("version") in (1, 2):
            raise CertificateError(f"schema version {cert['version']} was written under the "
                                   f"withdrawn per-position tie model (each call position its "
                                   f"own tie answer, an over-approximation of the oracle); "
                                   f"prove the claim again to get a version {VERSION} "
                                   f"certificate")
        if cert.get("version") not in READABLE:
            raise CertificateError(f"schema version {cert.get('version')!r} is not supported "
                                   f"(this checker reads versions "
                                   f"{', '.join(map(str, READABLE))})")
        kind, verdict = str(cert.get("kind")), str(cert.get("verdict"))
        claim = cert.get("claim")
        subject = claim["id"] if isinstance(claim, dict) and "id" in claim else "solve"
        if cert.get("hash") != content_hash(cert):
            raise CertificateError("the content hash does not match the content")
        checked = _check(cert, run_solvers)
        return Report(True, kind, verdict, subject, tuple(checked))
    except (CertificateError, DecodeError, CheckError, GameError, LookupError, TypeError,
            ValueError, ArithmeticError, RecursionError) as err:  # malformed data: a failed check
        return Report(False, kind, verdict, subject, (), f"{type(err).__name__}: {err}")


def _check(cert: dict, run_solvers: bool) -> list:
    problem = cert["problem"]
    keys = {"game", "agents", "tie_randomization", "oracle", "question", "assumptions"}
    if not isinstance(problem, dict) or set(problem) != keys:
        raise CertificateError(f"problem: needs {', '.join(sorted(keys))}")
    assumptions = problem.get("assumptions")
    if assumptions is not None and not isinstance(assumptions, str):
        raise CertificateError("problem.assumptions: a string or null")
    try:
        region = None if assumptions is None else parse_region(assumptions)
    except ParameterError as err:
        raise CertificateError(f"problem.assumptions: {err}") from None
    if problem["oracle"] != ORACLE:
        raise CertificateError(f"oracle model {problem['oracle']!r} is not known (this checker "
                               f"knows {ORACLE!r})")
    game = game_from_json(problem["game"], where="problem.game")
    if game.name in BUILTIN_GAMES and \
            canonical(builtin_game(game.name).to_json()) != canonical(game.to_json()):
        raise CertificateError(f"the game is named {game.name!r} but is not the built-in "
                               f"{game.name} (its payoffs or actions differ)")
    agents = problem["agents"]
    if not (isinstance(agents, list) and len(agents) == 2):
        raise CertificateError("problem.agents: two agents")
    programs, notes, needs = [], [], []
    for seat, a in enumerate(agents):
        if not isinstance(a, dict) or set(a) != {"spec", "program"}:
            raise CertificateError(f"agent {seat + 1}: needs spec and program")
        prog = decode_program(a["program"], f"agent {seat + 1}")
        if (prog.n_self, prog.n_opp) != (game.num_actions(seat), game.num_actions(1 - seat)):
            raise CertificateError(f"agent {seat + 1}: its program does not fit the game")
        note, requirements = _library_match(a["spec"], prog, game, seat)
        notes.append(note)
        if prog.reading:
            notes.append(f"agent {seat + 1} reading: "
                         + ",".join(f"{k}={v}" for k, v in prog.reading))
        needs += requirements
        programs.append(prog)
    symbols = set().union(*(p.symbols for p in programs))
    if region is None and symbols:
        raise CertificateError(f"the agents use parameters {', '.join(sorted(symbols))} but "
                               f"the problem states no assumptions")
    if region is not None and not set(region.symbols) <= symbols:
        raise CertificateError("the assumptions name parameters no agent uses")
    specs = [a["spec"] for a in agents]

    def programs_at(params):
        """The programs at exact parameter values, checked to lie in the region."""
        if params is None:
            if symbols:
                raise CertificateError("a witness over a region needs its parameter values")
            return tuple(programs)
        if region is None or set(params) != symbols:
            raise CertificateError(f"parameter values {sorted(params)} do not match the "
                                   f"agents' parameters {sorted(symbols)}")
        if not region.contains(params):
            raise CertificateError(f"the parameter values {params} lie outside the region")
        from ..model.agents import AgentError
        from ..model.library import parse_agent
        try:
            return tuple(parse_agent(spec, params).program(game, seat)
                         for seat, spec in enumerate(specs))
        except AgentError as err:
            raise CertificateError(f"cannot instantiate the agents: {err}") from None
    tie = problem["tie_randomization"]
    if not isinstance(tie, bool):
        raise CertificateError("tie_randomization: true or false")
    question = decode_question(problem["question"])
    verdict = cert["verdict"]
    if verdict not in VERDICTS:
        raise CertificateError(f"verdict {verdict!r} carries no evidence to check")
    result = decode_result(cert["result"], question)
    needed = needed_obligations(game, programs, tie, question, verdict, result,
                                [] if region is None else region.formulas,
                                needs if region else [])
    evidence = cert["evidence"]
    if not isinstance(evidence, list) or len(evidence) != len(needed):
        raise CertificateError(f"the verdict needs {len(needed)} obligations, the evidence "
                               f"has {len(evidence) if isinstance(evidence, list) else 0}")
    lines, kinds = [], []
    for ob, ev in zip(needed, evidence):
        if not isinstance(ev, dict) or ev.get("obligation") != ob.name:
            raise CertificateError(f"evidence for {ob.name!r} is missing")
        lines.append(_check_obligation(ob, ev, run_solvers, programs_at, not tie))
        kinds.append(ev["kind"])
    claimed = max(kinds, key=KINDS.index) if kinds else "witness"
    if cert["kind"] != claimed:
        raise CertificateError(f"kind says {cert['kind']!r}, the evidence is {claimed!r}")
    _check_verdict(question, verdict, result, cert.get("claim"))
    return [n for n in notes if n] + lines


def _library_match(spec, prog, game, seat) -> str:
    """The stored program must be what the library makes of the spec, when it is a library spec."""
    from ..model.agents import AgentError
    from ..model.library import parse_agent
    if not isinstance(spec, str):
        raise CertificateError("an agent's spec is a string")
    try:
        made = parse_agent(spec).program(game, seat)
    except AgentError:
        if prog.symbols:
            raise CertificateError(f"agent {seat + 1}: parameters are only for library "
                                   f"agents") from None
        return f"agent {seat + 1} is custom: its program is taken as stated", []
    if canonical(encode_program(made)) != canonical(encode_program(prog)):
        raise CertificateError(f"agent {seat + 1}: the program is not what {spec!r} builds")
    return "", list(made.requirements)


def _check_obligation(ob: Obligation, ev: dict, run_solvers: bool, programs_at,
                      deterministic: bool) -> str:
    if ob.kind == "witness":
        if ev.get("kind") != "witness":
            raise CertificateError(f"{ob.name}: needs a witness")
        programs = programs_at(ob.params)
        try:
            verify_fixed_point(programs, ob.witness, deterministic)
        except InadmissibleObservation as err:
            raise CertificateError(f"{ob.name}: not a fixed point: {err}") from None
        if ob.must is not None:
            test, what = ob.must
            if not test(ob.witness, programs, ob.params or {}):
                raise CertificateError(f"{ob.name}: {what} does not hold")
        at = "" if ob.params is None else " at " + ", ".join(
            f"{k} = {v}" for k, v in sorted(ob.params.items()))
        return f"{ob.name}{at} (exact interpreter)"
    if ob.kind == "enumeration":
        if ev.get("kind") != "enumeration":
            raise CertificateError(f"{ob.name}: needs the enumeration")
        return f"{ob.name} ({ob.must(programs_at(None))})"
    text = smtlib(list(ob.formulas))
    if ev.get("smtlib") != text:
        raise CertificateError(f"{ob.name}: the stored SMT-LIB is not the system rebuilt "
                               f"from the problem")
    if ev.get("kind") == "farkas":
        return _check_farkas(ob, ev)
    if ev.get("kind") == "solver-agreed":
        if not run_solvers:
            raise CertificateError(f"{ob.name}: solver agreement is not re-verifiable without "
                                   f"running the solvers (drop --no-solvers)")
        from ..evidence.prove_unsat import solver_agreement
        agreed = solver_agreement(text, 600.0)
        answers = ", ".join(f"{a['solver']} {agreed['versions'].get(a['solver'], '')} "
                            f"{a['answer']}" for a in agreed["answers"])
        if any(a["answer"] != "unsat" for a in agreed["answers"]):
            raise CertificateError(f"{ob.name}: re-decided: {answers}")
        return f"{ob.name} (re-decided unsat: {answers}; agreement, not a proof)"
    raise CertificateError(f"{ob.name}: evidence kind {ev.get('kind')!r} cannot be checked")


def _check_farkas(ob: Obligation, ev: dict) -> str:
    sk = Skeleton(list(ob.formulas))
    if canonical(_skeleton_summary(sk)) != canonical(ev.get("skeleton")):
        raise CertificateError(f"{ob.name}: the stored skeleton is not the rebuilt one")
    lemmas = ev.get("lemmas")
    if not isinstance(lemmas, list):
        raise CertificateError(f"{ob.name}: lemmas is a list")
    clauses = list(sk.clauses)
    for n, lemma in enumerate(lemmas):
        literals = lemma.get("literals") if isinstance(lemma, dict) else None
        if not (isinstance(literals, list) and literals
                and all(isinstance(l, int) and not isinstance(l, bool) for l in literals)):
            raise CertificateError(f"{ob.name}: lemma {n}: literals are non-zero integers")
        facts = [sk.fact(l) for l in literals]
        try:
            check_lemma(facts, _decode_lemma(lemma, len(facts)))
        except CheckError as err:
            raise CertificateError(f"{ob.name}: lemma {n} does not check: {err}") from None
        clauses.append([-l for l in literals])
    if not propositionally_unsat(clauses):
        raise CertificateError(f"{ob.name}: the skeleton with the {len(lemmas)} lemmas is "
                               f"still satisfiable")
    return f"{ob.name} ({len(lemmas)} Farkas lemmas, SAT check)"


def _decode_lemma(lemma: dict, n: int) -> dict:
    out = {}
    widths = {"linear": 2, "products": 3, "equalities": 4}
    for key, value in lemma.items():
        if key == "literals":
            continue
        if key not in widths or not isinstance(value, list):
            raise CheckError(f"unknown lemma field {key!r}")
        rows = []
        for row in value:
            if not (isinstance(row, list) and len(row) == widths[key]):
                raise CheckError(f"bad {key} entry {row!r}")
            idx = row[:2] if key != "linear" else row[:1]
            if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n for i in idx):
                raise CheckError(f"bad literal index in {row!r}")
            if key == "equalities" and not (row[2] is None or isinstance(row[2], str)):
                raise CheckError(f"bad variable in {row!r}")
            multiplier = decode_number(row[-1], f"lemma {key}")
            if not isinstance(multiplier, Fraction):
                raise CheckError(f"multiplier {row[-1]!r} is not rational")
            rows.append(row[:-1] + [multiplier])
        out[key] = rows
    return out


def _check_verdict(question: dict, verdict: str, result: dict, claim) -> None:
    """The verdict follows from the checked obligations (and the claim's expectation is stated)."""
    if question["type"] == "solve":
        if verdict != "solved":
            raise CertificateError("a solve certificate has verdict 'solved'")
        return
    if verdict not in ("holds", "fails"):
        raise CertificateError(f"verdict {verdict!r}")
    if question["type"] == "extreme_formula":
        # holds only with a fixed point reaching the formula for every parameter; a bound
        # nothing reaches is not shown to be the inf/sup, so it certifies only a "fails"
        # of a claim that it is attained
        holds = "witness" not in result and result.get("attained") is True and \
            question["attained"] is not False
        if "witness" not in result and result.get("attained") is False and \
                question["attained"] is False:
            raise CertificateError("a bound nothing reaches decides nothing about a claim "
                                   "that the extreme is not attained")
        if holds != (verdict == "holds"):
            raise CertificateError(f"the formula is {'not ' if 'witness' in result else ''}a "
                                   f"bound, attained: {result.get('attained')}; the verdict "
                                   f"{verdict!r} does not follow")
    if question["type"] == "extreme":
        claimed = question["value"]
        agrees = claimed is None or compare(claimed, result["value"]) == 0
        if question["attained"] is False:
            agrees = False  # an attained optimum was shown
        if agrees != (verdict == "holds"):
            raise CertificateError(f"the optimum shown is {result['value']}; the verdict "
                                   f"{verdict!r} does not follow")
