"""The certificate format as the checker reads it: its constants, the canonical JSON and
content hash, and the decoding of questions, results and Farkas lemmas into exact objects.

Decoding never evaluates anything: a field of the wrong shape raises
:class:`~verifier.checker.codec.DecodeError` (or :class:`CertificateError`), which the
checker reports as a failed check. The format is described in docs/certificates.md.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction

from ..errors import EvidenceRejected
from .codec import DecodeError, decode_formula, decode_number, decode_poly, decode_witness, \
    encode_poly
from .families import AUX, QuadraticRoot, Ratio
from .farkas import CheckError, Skeleton

FORMAT, VERSION = "rov-certificate", 3
READABLE = (3,)  # versions 1 and 2 rest on the withdrawn per-position tie model
ORACLE = "one-q-per-query"  # the oracle model: one tie probability per distinct query
MAX_BYTES = 64 * 1024 * 1024
VERDICTS = {"holds", "fails", "solved"}


class CertificateError(EvidenceRejected):
    """A certificate that is malformed or does not check."""


class Fields(dict):
    """A JSON object read from a certificate: reading a key it lacks raises
    CertificateError naming where, so a missing field is a failed check, never a KeyError
    (which the checker leaves to propagate as a bug of its own)."""

    def __init__(self, data: dict, where: str):
        super().__init__(data)
        self.where = where

    def __missing__(self, key):
        raise CertificateError(f"{self.where}: needs {key!r}")


def fields(data, where: str = "certificate"):
    """``data`` (parsed JSON) with every object a `Fields`; lists and scalars as they are.
    RecursionError on nesting deeper than Python's limit (a failed check)."""
    if isinstance(data, dict):
        return Fields({k: fields(v, f"{where}.{k}") for k, v in data.items()}, where)
    if isinstance(data, list):
        return [fields(v, f"{where}[{i}]") for i, v in enumerate(data)]
    return data


def canonical(data) -> bytes:
    """JSON data as bytes with sorted keys and no spaces: what hashes and comparisons see."""
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def content_hash(cert: dict) -> str:
    """SHA-256 over everything but the hash and the timings."""
    body = {k: v for k, v in cert.items() if k not in ("hash", "seconds")}
    return "sha256:" + hashlib.sha256(canonical(body)).hexdigest()


def skeleton_summary(sk: Skeleton) -> dict:
    """What a certificate stores of a Boolean skeleton: its sizes, a SHA-256 of its clauses
    and its atoms, so that the checker can compare it with the one it rebuilds."""
    return {"variables": sk.count, "clauses": len(sk.clauses),
            "clauses_sha256": hashlib.sha256(canonical(sk.clauses)).hexdigest(),
            "atoms": [[v, encode_poly(q), strict]
                      for v, (q, strict) in zip(sk.atom_vars, sk.atoms)]}


# ------------------------------------------------------------------ decoding


_QUESTION_FIELDS = {
    "always": {"formula"}, "exists": {"formula"}, "no_fixed_point": set(),
    "unique": {"profile"}, "solve": {"all"},
    "extreme": {"objective", "sense", "value", "attained", "subject_to"},
    "extreme_formula": {"objective", "sense", "value", "attained", "subject_to"},
}


def decode_question(data) -> dict:
    """A certificate's question as exact objects (formulas, polynomials, numbers, claimed
    values); DecodeError when a field is missing, extra or of the wrong shape."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str) \
            or data["type"] not in _QUESTION_FIELDS:
        raise DecodeError(f"question: type must be one of {sorted(_QUESTION_FIELDS)}")
    kind = data["type"]
    if set(data) - {"type"} != _QUESTION_FIELDS[kind]:
        raise DecodeError(f"question: a {kind} question has fields "
                          f"{sorted(_QUESTION_FIELDS[kind])}")
    q = {"type": kind}
    if "formula" in data:
        q["formula"] = decode_formula(data["formula"], "question.formula")
    if kind == "unique":
        if not (isinstance(data["profile"], list) and len(data["profile"]) == 2
                and all(isinstance(s, list) for s in data["profile"])):
            raise DecodeError("question.profile: two strategies (lists of numbers)")
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
    return Fields(q, "problem.question")


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
    """A certificate's result as exact objects: witnesses, value, flags, parameter values,
    families and Nash bases (only the keys present); DecodeError on a wrong shape."""
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
    return Fields(out, "result")


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


MAX_SPLITS = 100_000  # case splits one piece of evidence may add


def decode_splits(splits) -> list:
    """Stored case splits ``[[q, strict], ...]`` as (Poly, bool) pairs; CertificateError on
    a wrong shape, a constant q or more than :data:`MAX_SPLITS`."""
    if not isinstance(splits, list) or len(splits) > MAX_SPLITS:
        raise CertificateError(f"splits: a list of at most {MAX_SPLITS} [q, strict] pairs")
    out = []
    for row in splits:
        if not (isinstance(row, list) and len(row) == 2 and isinstance(row[1], bool)):
            raise CertificateError(f"bad split {row!r}")
        try:
            q = decode_poly(row[0])
        except DecodeError as err:
            raise CertificateError(f"bad split {row[0]!r}: {err}") from None
        if q.is_constant():
            raise CertificateError(f"split {row!r} is a constant")
        out.append((q, row[1]))
    return out


MAX_PRODUCT = 8  # facts in one product row of a Positivstellensatz lemma


def decode_lemma(lemma: dict, n: int, extended: bool = False) -> dict:
    """A stored lemma over ``n`` facts as :func:`verifier.checker.farkas.check_lemma` takes
    it: rows of fact indices with rational multipliers; CheckError on a wrong shape.

    A Farkas lemma (``extended`` False) has linear rows, products of two facts and
    equalities times 1 or a variable. A Positivstellensatz lemma (``extended``) may also
    have products of up to :data:`MAX_PRODUCT` facts, squares of polynomials (times up to
    :data:`MAX_PRODUCT` - 1 facts) and equalities times a product of variables.
    """
    out = {}
    for key, value in lemma.items():
        if key == "literals":
            continue
        if key not in ("linear", "products", "equalities", "squares") or \
                not isinstance(value, list) or (key == "squares" and not extended):
            raise CheckError(f"unknown lemma field {key!r}")
        rows = []
        for row in value:
            rows.append(_lemma_row(key, row, n, extended))
        out[key] = rows
    return out


def _lemma_row(key: str, row, n: int, extended: bool) -> list:
    widths = {"linear": (2, 2), "products": (3, MAX_PRODUCT + 1 if extended else 3),
              "equalities": (4, 4), "squares": (2, MAX_PRODUCT + 1)}
    low, high = widths[key]
    if not (isinstance(row, list) and low <= len(row) <= high):
        raise CheckError(f"bad {key} entry {row!r}")
    multiplier = decode_number(row[-1], f"lemma {key}")
    if not isinstance(multiplier, Fraction):
        raise CheckError(f"multiplier {row[-1]!r} is not rational")
    if key == "squares":
        try:
            square = decode_poly(row[0])
        except DecodeError as err:
            raise CheckError(f"bad square {row[0]!r}: {err}") from None
    idx = row[:2] if key == "equalities" else row[1:-1] if key == "squares" else row[:-1]
    if not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n for i in idx):
        raise CheckError(f"bad literal index in {row!r}")
    if key == "equalities":
        v = row[2]
        named = v is None or isinstance(v, str)
        product = extended and isinstance(v, list) and len(v) < MAX_PRODUCT and \
            all(isinstance(x, str) for x in v)
        if not (named or product):
            raise CheckError(f"bad variable in {row!r}")
    if key == "squares":
        return [square] + row[1:-1] + [multiplier]
    return row[:-1] + [multiplier]
