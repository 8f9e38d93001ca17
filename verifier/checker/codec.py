"""Exact data to JSON and back: numbers, polynomials, formulas, programs, witnesses.

Certificates are JSON data that is never evaluated: every decoder here checks
the shape of what it reads and raises :class:`DecodeError` with the place
that is wrong. Numbers are strings ("3/4"); real algebraic numbers are
``{"root_of": [integer coefficients, highest degree first], "index": k}``,
the k-th real root (from 0, in increasing order) of that polynomial.

>>> from fractions import Fraction
>>> decode_number(encode_number(Fraction(-3, 4)))
Fraction(-3, 4)
>>> import sympy
>>> encode_number(sympy.sqrt(2) / 3)
{'root_of': ['9', '0', '-2'], 'index': 1}
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import sympy

from ..errors import InputError, UnknownNode
from ..model.agents import (AgentError, AllOf, AnyOf, Choose, Cond, Constant, If, Mix,
                            Negation, Node, Play, PlayEstimate, Program, Query, Surely,
                            SurelyCone, SurelyOutside)
from ..model.numbers import Number, compare, simplify_number
from ..model.poly import And, Atom, BoolVar, Not, Or, Poly, Truth
from ..semantics.interpreter import FixedPointWitness, Observation, Run

MAX_DEPTH = 200
MAX_SHARED = 100_000  # entries of a program's table of shared nodes
MAX_CHOICE_OCCURRENCES = 1 << 20  # the best-response knockout of 10 actions has 262143
MAX_DIGITS = 5000
MAX_DEGREE = 64
_RATIONAL = re.compile(r"-?[0-9]+(/[0-9]+)?")
_OPS = ("<", "<=", ">", ">=", "==", "!=")


class DecodeError(InputError):
    """JSON data that does not describe what it should."""


def _need(ok: bool, where: str, what: str) -> None:
    if not ok:
        raise DecodeError(f"{where}: {what}")


# ------------------------------------------------------------------ numbers


def encode_number(x: Number):
    """An exact number as JSON: "p/q" for a rational, {"root_of": [integer coefficients of
    its minimal polynomial], "index": k} (its k-th real root, in increasing order) for a
    real algebraic number."""
    x = simplify_number(x)
    if isinstance(x, Fraction):
        return str(x)
    poly = sympy.minimal_polynomial(x, sympy.Symbol("x"), polys=True)
    _, poly = poly.clear_denoms()
    roots = sympy.Poly(poly).real_roots()
    index = next(i for i, r in enumerate(roots) if compare(r, x) == 0)
    return {"root_of": [str(int(c)) for c in poly.all_coeffs()], "index": index}


def decode_number(data, where: str = "number") -> Number:
    """The exact number `encode_number` wrote; raises DecodeError (an InputError) naming
    ``where`` on anything else."""
    if isinstance(data, str):
        _need(len(data) <= MAX_DIGITS and _RATIONAL.fullmatch(data) is not None, where,
              f"{data[:40]!r} is not an exact rational such as '3/4'")
        _need(not data.endswith("/0"), where, "zero denominator")
        return Fraction(data)
    _need(isinstance(data, dict) and set(data) == {"root_of", "index"}, where,
          "a number is a string like '3/4' or {'root_of': [...], 'index': k}")
    coeffs, index = data["root_of"], data["index"]
    _need(isinstance(coeffs, list) and 2 <= len(coeffs) <= MAX_DEGREE + 1, where,
          f"root_of needs 2 to {MAX_DEGREE + 1} coefficients")
    ints = []
    for c in coeffs:
        _need(isinstance(c, str) and len(c) <= MAX_DIGITS and re.fullmatch(r"-?[0-9]+", c)
              is not None, where, "root_of coefficients are integer strings")
        ints.append(int(c))
    _need(ints[0] != 0, where, "the leading coefficient is zero")
    poly = sympy.Poly(ints, sympy.Symbol("x"))
    count = len(poly.real_roots())
    _need(isinstance(index, int) and not isinstance(index, bool) and 0 <= index < count,
          where, f"index must be 0..{count - 1}")
    return simplify_number(sympy.CRootOf(poly, index))


# -------------------------------------------------------------- polynomials


def _encode_key(v):
    return list(v) if isinstance(v, tuple) else v


def _decode_key(data, where):
    if isinstance(data, str):
        return data
    _need(isinstance(data, list) and 1 <= len(data) <= 3 and isinstance(data[0], str)
          and all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x < 1000
                  for x in data[1:]), where, f"bad variable {data!r}")
    return tuple(data)


def encode_poly(p: Poly) -> list:
    """A polynomial as a list of [coefficient, monomial] pairs, exact coefficients."""
    return [[str(c), [[_encode_key(v), e] for v, e in m]]
            for m, c in sorted(p.terms.items(), key=repr)]


def decode_poly(data, where: str = "poly") -> Poly:
    """The polynomial `encode_poly` wrote; raises DecodeError naming ``where``."""
    _need(isinstance(data, list), where, "a polynomial is a list of [coefficient, monomial]")
    total = Poly()
    for i, term in enumerate(data):
        w = f"{where}[{i}]"
        _need(isinstance(term, list) and len(term) == 2 and isinstance(term[1], list), w,
              "a term is [coefficient, [[variable, exponent], ...]]")
        mono = Poly.const(decode_number(term[0], w))
        for factor in term[1]:
            _need(isinstance(factor, list) and len(factor) == 2 and isinstance(factor[1], int)
                  and not isinstance(factor[1], bool) and 1 <= factor[1] <= MAX_DEGREE, w,
                  "a factor is [variable, exponent >= 1]")
            key = _decode_key(factor[0], w)
            mono = mono * Poly({((key, factor[1]),): 1})
        total = total + mono
    return total


# ----------------------------------------------------------------- formulas


def encode_formula(f) -> dict:
    """A formula as nested JSON objects; raises UnknownNode on a kind it does not handle."""
    if isinstance(f, Atom):
        return {"atom": encode_poly(f.poly), "op": f.op}
    if isinstance(f, And):
        return {"and": [encode_formula(p) for p in f.parts]}
    if isinstance(f, Or):
        return {"or": [encode_formula(p) for p in f.parts]}
    if isinstance(f, Not):
        return {"not": encode_formula(f.part)}
    if isinstance(f, BoolVar):
        return {"bool": f.name}
    if isinstance(f, Truth):
        return {"truth": f.value}
    raise UnknownNode(f"no JSON for the formula {f!r}")


def decode_formula(data, where: str = "formula", depth: int = 0):
    """The formula `encode_formula` wrote, nested at most a fixed depth; raises DecodeError
    naming ``where``."""
    _need(depth < MAX_DEPTH, where, "nested too deeply")
    _need(isinstance(data, dict) and len(data) in (1, 2), where, "a formula is an object")
    if "atom" in data:
        _need(set(data) == {"atom", "op"} and data["op"] in _OPS, where, "bad atom")
        return Atom(decode_poly(data["atom"], where), data["op"])
    key, = data
    if key in ("and", "or"):
        _need(isinstance(data[key], list), where, f"'{key}' takes a list")
        parts = tuple(decode_formula(p, f"{where}.{key}[{i}]", depth + 1)
                      for i, p in enumerate(data[key]))
        return And(parts) if key == "and" else Or(parts)
    if key == "not":
        return Not(decode_formula(data["not"], f"{where}.not", depth + 1))
    if key == "bool":
        _need(isinstance(data["bool"], str), where, "a Boolean variable has a string name")
        return BoolVar(data["bool"])
    if key == "truth":
        _need(isinstance(data["truth"], bool), where, "truth is true or false")
        return Truth(data["truth"])
    raise DecodeError(f"{where}: unknown formula {key!r}")


# ----------------------------------------------------------------- programs


def encode_program(p: Program) -> dict:
    """A program (body, action counts, delta, name, requirements, reading) as JSON; raises
    UnknownNode on a node or condition kind it does not handle.

    Canonical for the tree the program stands for: a subtree (with children) that occurs
    in more than one place, as the same object or as equal ones, is written once in
    ``"shared"`` (children first) and referred to as ``{"ref": index}``, so two programs
    with the same tree have the same text, and the text is linear in the distinct nodes."""
    items: list = []  # distinct subtrees and conditions: (own fields, [child indices])
    root = _distinct(p.body, {}, {}, items)
    uses = [0] * len(items)
    for _, children in items:
        for c in children:
            uses[c] += 1
    refs: dict = {}  # index of a shared item -> its place in "shared"
    shared: list = []

    def write(k: int) -> dict:
        own, children = items[k]
        if uses[k] > 1 and children:
            if k not in refs:
                entry = _with_children(own, [write(c) for c in children])
                refs[k] = len(shared)
                shared.append(entry)
            return {"ref": refs[k]}
        return _with_children(own, [write(c) for c in children])

    body = write(root)
    return {"name": p.name, "n_self": p.n_self, "n_opp": p.n_opp,
            "delta": None if p.delta is None else
            encode_poly(p.delta) if isinstance(p.delta, Poly) else str(p.delta),
            "estimates": p.estimates, "reading": [list(kv) for kv in p.reading],
            "body": body} | ({"shared": shared} if shared else {})


def _distinct(item, seen: dict, index: dict, items: list) -> int:
    """The index of a subtree or condition among the distinct ones (equal ones, shared
    objects or not, get one index), children first; each object is visited once. An If's
    children are its condition, then its branches."""
    if id(item) not in seen:
        parts = ((item.cond,) + item.children() if isinstance(item, If) else item.children()
                 if isinstance(item, Node) else item.parts())
        children = [_distinct(c, seen, index, items) for c in parts]
        own = _own_fields(item)
        key = (json.dumps(own, sort_keys=True), tuple(children))
        if key not in index:
            index[key] = len(items)
            items.append((own, children))
        seen[id(item)] = index[key]
    return seen[id(item)]


def _own_fields(n) -> dict:
    """A node's or condition's JSON without its children."""
    if isinstance(n, Play):
        return {"play": [str(x) for x in n.dist]}
    if isinstance(n, PlayEstimate):
        return {"play_estimate": True}
    if isinstance(n, Mix):
        return {"mix": encode_poly(n.prob)}
    if isinstance(n, If):
        return {"if": None}
    if isinstance(n, Choose):
        return {"choose": None}
    if isinstance(n, (AllOf, AnyOf)):
        return {"all" if isinstance(n, AllOf) else "any": None}
    if isinstance(n, Negation):
        return {"not": None}
    if isinstance(n, Node):
        raise UnknownNode(f"no JSON for the node {n!r}")
    return _encode_leaf_cond(n)


def _with_children(own: dict, children: list) -> dict:
    if "mix" in own:
        return own | {"first": children[0], "second": children[1]}
    if "if" in own:
        return {"if": children[0], "then": children[1], "else": children[2]}
    if "not" in own:
        return {"not": children[0]}
    for key in ("choose", "all", "any"):
        if key in own:
            return {key: children}
    return own


def _encode_leaf_cond(c) -> dict:
    if isinstance(c, Query):
        out = {"query": encode_poly(c.poly), "threshold": _encode_threshold(c.threshold)}
        return out | ({"machine": c.machine} if c.machine else {})
    if isinstance(c, Surely):
        return {"surely": encode_poly(c.poly), "op": c.op}
    if isinstance(c, SurelyCone):
        return {"surely_cone": [[encode_poly(a), encode_poly(b)] for a, b in c.gains]}
    if isinstance(c, SurelyOutside):
        return {"surely_outside": [encode_poly(p) for p in c.polys]}
    if isinstance(c, Constant):
        return {"constant": c.value}
    raise UnknownNode(f"no JSON for the condition {c!r}")


def _encode_threshold(t) -> object:
    return encode_poly(t) if isinstance(t, Poly) else str(t)


def _decode_threshold(data, where):
    return decode_poly(data, where) if isinstance(data, list) else decode_number(data, where)


def decode_program(data, where: str = "program") -> Program:
    """The program `encode_program` wrote, validated like any program; raises DecodeError
    naming ``where``."""
    _need(isinstance(data, dict) and set(data) - {"shared"} == {
        "name", "n_self", "n_opp", "delta", "estimates", "reading", "body"},
          where, "a program has name, n_self, n_opp, delta, estimates, reading and body "
          "(and may have shared)")
    _need(data["estimates"] in ("box", "grid"), where, "estimates is 'box' or 'grid'")
    _need(isinstance(data["reading"], list) and all(
        isinstance(kv, list) and len(kv) == 2 and all(isinstance(x, str) for x in kv)
        for kv in data["reading"]), where, "reading is a list of [key, value]")
    for key in ("n_self", "n_opp"):
        _need(isinstance(data[key], int) and not isinstance(data[key], bool)
              and 1 <= data[key] <= 64, where, f"{key} must be 1..64")
    delta = None if data["delta"] is None else \
        decode_poly(data["delta"], f"{where}.delta") if isinstance(data["delta"], list) else \
        decode_number(data["delta"], f"{where}.delta")
    shared = data.get("shared", [])
    _need(isinstance(shared, list) and len(shared) <= MAX_SHARED, where,
          f"shared is a list of at most {MAX_SHARED} nodes")
    table: list = []  # each entry may refer only to those before it: no cycles
    heights: dict = {}  # id of a node -> the longest chain of nodes from it down
    for i, entry in enumerate(shared + [data["body"]]):
        at = f"{where}.shared[{i}]" if i < len(shared) else f"{where}.body"
        is_node = i == len(shared) or isinstance(entry, dict) and set(entry) in _NODE_FIELDS
        table.append((_decode_node if is_node else _decode_cond)(entry, at, 0, table))
        _need(_height(table[-1], heights) < MAX_DEPTH, at, "nested too deeply")
    body = table.pop()
    try:
        program = Program(body, data["n_self"], data["n_opp"], delta, str(data["name"]), (),
                          data["estimates"], tuple(tuple(kv) for kv in data["reading"]))
    except AgentError as err:
        raise DecodeError(f"{where}: {err}") from None
    _need(program.choice_occurrences <= MAX_CHOICE_OCCURRENCES, where,
          f"more than {MAX_CHOICE_OCCURRENCES} paths reach nodes with a Choose below them "
          f"(the interpreter evaluates such a node once per path)")
    return program


_NODE_FIELDS = ({"play"}, {"play_estimate"}, {"mix", "first", "second"}, {"if", "then", "else"},
                {"choose"})


def _height(item, memo: dict) -> int:
    """The longest chain of nodes and conditions from ``item`` down (each measured once: the
    recursion stops at items already in ``memo``, so it is as deep as one entry's
    nesting)."""
    if id(item) not in memo:
        below = ((item.cond,) + item.children() if isinstance(item, If) else
                 item.children() if isinstance(item, Node) else item.parts())
        memo[id(item)] = 1 + max((_height(c, memo) for c in below), default=0)
    return memo[id(item)]


def _ref(data, where, table, kind):
    ref = data["ref"]
    _need(isinstance(ref, int) and not isinstance(ref, bool) and 0 <= ref < len(table)
          and isinstance(table[ref], kind), where,
          f"a ref names an earlier entry of shared, a {kind.__name__.lower()} here")
    return table[ref]


def _decode_node(data, where, depth, table):
    _need(depth < MAX_DEPTH, where, "nested too deeply")
    _need(isinstance(data, dict), where, "a node is an object")
    keys = set(data)
    if keys == {"ref"}:
        return _ref(data, where, table, Node)
    if keys == {"play"}:
        _need(isinstance(data["play"], list), where, "play takes a list")
        return Play(tuple(decode_number(x, where) for x in data["play"]))
    if keys == {"play_estimate"}:
        return PlayEstimate()
    if keys == {"mix", "first", "second"}:
        return Mix(decode_poly(data["mix"], where),
                   _decode_node(data["first"], where, depth + 1, table),
                   _decode_node(data["second"], where, depth + 1, table))
    if keys == {"if", "then", "else"}:
        return If(_decode_cond(data["if"], where, depth + 1, table),
                  _decode_node(data["then"], where + ".then", depth + 1, table),
                  _decode_node(data["else"], where + ".else", depth + 1, table))
    if keys == {"choose"}:
        _need(isinstance(data["choose"], list), where, "choose takes a list")
        return Choose(tuple(_decode_node(o, where, depth + 1, table) for o in data["choose"]))
    raise DecodeError(f"{where}: unknown node with fields {sorted(keys)}")


def _decode_cond(data, where, depth, table):
    _need(depth < MAX_DEPTH, where, "nested too deeply")
    _need(isinstance(data, dict), where, "a condition is an object")
    keys = set(data)
    if keys == {"ref"}:
        return _ref(data, where, table, Cond)
    if keys in ({"query", "threshold"}, {"query", "threshold", "machine"}):
        machine = data.get("machine", "")
        _need(isinstance(machine, str) and machine != "" or "machine" not in data, where,
              "a machine label is a non-empty string")
        return Query(decode_poly(data["query"], where),
                     _decode_threshold(data["threshold"], where), machine)
    if keys == {"surely", "op"}:
        return Surely(decode_poly(data["surely"], where), data["op"])
    if keys == {"surely_cone"}:
        pairs = data["surely_cone"]
        _need(isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2
                                              for p in pairs), where,
              "surely_cone is a list of [when_self_moves, when_opp_moves]")
        return SurelyCone(tuple((decode_poly(a, where), decode_poly(b, where)) for a, b in pairs))
    if keys == {"surely_outside"}:
        _need(isinstance(data["surely_outside"], list), where, "surely_outside is a list")
        return SurelyOutside(tuple(decode_poly(p, where) for p in data["surely_outside"]))
    if keys in ({"all"}, {"any"}):
        key, = keys
        _need(isinstance(data[key], list), where, f"{key} takes a list")
        parts = tuple(_decode_cond(c, where, depth + 1, table) for c in data[key])
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if keys == {"not"}:
        return Negation(_decode_cond(data["not"], where, depth + 1, table))
    if keys == {"constant"}:
        _need(isinstance(data["constant"], bool), where, "constant is true or false")
        return Constant(data["constant"])
    raise DecodeError(f"{where}: unknown condition with fields {sorted(keys)}")


# ---------------------------------------------------------------- witnesses


def _encode_path(path: tuple) -> list:
    return list(path)


def _decode_path(data, where) -> tuple:
    _need(isinstance(data, list) and all(x == "c" or (isinstance(x, int) and not
                                                      isinstance(x, bool)) for x in data),
          where, "a path is a list of child indices and 'c'")
    return tuple(data)


def encode_witness(w: FixedPointWitness) -> dict:
    """A fixed-point witness (profile, runs of each seat, tie answers) as JSON."""
    def run(r: Run) -> dict:
        o = r.observation
        return {"weight": encode_number(r.weight),
                "estimate": None if o.estimate is None else
                [[encode_number(x) for x in side] for side in o.estimate],
                "choices": [[_encode_path(p), [encode_number(x) for x in d]]
                            for p, d in o.choices.items()]}
    answers = [{"query": encode_poly(poly), "threshold": _encode_threshold(threshold),
                "machine": machine, "q": encode_number(q)}
               for (poly, threshold, machine), q in sorted(w.answers.items(), key=repr)]
    return {"profile": [[encode_number(p) for p in s] for s in w.profile],
            "answers": answers, "runs": [[run(r) for r in seat] for seat in w.runs]}


def decode_witness(data, where: str = "witness") -> FixedPointWitness:
    """The FixedPointWitness `encode_witness` wrote; raises DecodeError naming ``where``."""
    _need(isinstance(data, dict) and set(data) == {"profile", "answers", "runs"}, where,
          "a witness has profile, answers and runs")
    profile, runs = data["profile"], data["runs"]
    _need(isinstance(profile, list) and len(profile) == 2 and all(isinstance(s, list)
                                                                  for s in profile),
          where, "profile is two lists of probabilities")
    _need(isinstance(runs, list) and len(runs) == 2 and all(isinstance(s, list) for s in runs),
          where, "runs is two lists of runs")
    _need(isinstance(data["answers"], list), where, "answers is a list")
    answers = {}
    for i, a in enumerate(data["answers"]):
        w = f"{where}.answers[{i}]"
        _need(isinstance(a, dict) and set(a) == {"query", "threshold", "machine", "q"}
              and isinstance(a["machine"], str), w,
              "an answer has query, threshold, machine (a string) and q")
        key = (decode_poly(a["query"], w), _decode_threshold(a["threshold"], w), a["machine"])
        _need(key not in answers, w, "the same query is answered twice")
        answers[key] = decode_number(a["q"], w)
    seats = []
    for i, seat in enumerate(runs):
        decoded = []
        for j, r in enumerate(seat):
            w = f"{where}.runs[{i}][{j}]"
            _need(isinstance(r, dict) and set(r) == {"weight", "estimate", "choices"},
                  w, "a run has weight, estimate and choices")
            estimate = None
            if r["estimate"] is not None:
                _need(isinstance(r["estimate"], list) and len(r["estimate"]) == 2
                      and all(isinstance(s, list) for s in r["estimate"]), w,
                      "estimate is two lists")
                estimate = tuple(tuple(decode_number(x, w) for x in s) for s in r["estimate"])
            _need(isinstance(r["choices"], list) and all(isinstance(e, list) and len(e) == 2
                                                         for e in r["choices"]), w,
                  "choices is a list of [path, value]")
            choices = {}
            for p, d in r["choices"]:
                _need(isinstance(d, list), w, "a choice is a list of probabilities")
                choices[_decode_path(p, w)] = tuple(decode_number(x, w) for x in d)
            decoded.append(Run(decode_number(r["weight"], w), Observation(estimate, choices)))
        seats.append(tuple(decoded))
    return FixedPointWitness(tuple(tuple(decode_number(p, where) for p in s) for s in profile),
                             tuple(seats), answers)
