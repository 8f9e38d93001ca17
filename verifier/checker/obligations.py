"""Proof obligations: what a verdict on a question rests on, rebuilt from data alone.

Which obligations a verdict needs is decided here, by :func:`obligations`, from the
problem, verdict and result, so the checker rebuilds them itself and never trusts the
list a certificate gives. Each is a witness to re-check with the exact interpreter, a
system that must have no solution (``unsat``), or, for two best-response agents, the
enumeration of their Nash equilibria. The evidence kinds that discharge them are
:mod:`verifier.checker.kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from ..encoding.compiler import System, number_constraints
from ..model.numbers import compare
from ..model.poly import Not, Poly, atom_text, disj, named
from ..semantics.continuum import interior_point
from .families import family_problems
from .format import CertificateError


@dataclass(frozen=True)
class Obligation:
    """One thing a verdict rests on: a witness to check, or a system with no solution."""

    name: str
    kind: str  # "witness", "unsat" or "enumeration"
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


def differs(system: System, profile, tag: str) -> list:
    """Formulas: the profile differs from an exact one."""
    pins, atoms = _profile_atoms(system, profile, tag, "!=")
    return pins + [disj(atoms)]


def obligations(system: System, question: dict, verdict: str, result: dict,
                region: list = (), requirements: list = ()) -> list:
    """The obligations a verdict on a question needs, rebuilt from data alone.

    Over a parameter region (``region``: its atoms), every system gets the
    region's assumptions, witnesses are at stated parameter values, and
    "for every parameter" results rest on the unsat problems of
    :func:`verifier.checker.families.family_problems`. ``requirements``: atoms the
    agents need of their parameters, which the region must imply.
    """
    base = list(system.constraints) + list(region)
    seat = system.seat_formula
    symbols = system.symbols
    _names_known(system, question, symbols)
    if region:
        # a point of the region: verdicts resting on "no solution" are not vacuous
        point = result.get("region_point")
        if not isinstance(point, dict) or set(point) != symbols \
                or not all(a.holds(point) for a in region):
            raise CertificateError("a certificate over a region needs a point of it "
                                   "(result.region_point), which shows it is not empty")
    # a stated saddle point of symbolic payoffs must hold on the region, read or not
    saddles = [a for i in (0, 1) for a in system.game.security_requirements(i)] if region else []
    distinct = {atom_text(r): r for r in list(requirements) + saddles}
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
                                 "enumeration")]
    return obligations(System(game, tuple(programs), tie), question, verdict, result, region,
                       requirements)


def _obligations(system, question, verdict, result, region, base, seat, fixed, unsat, family):
    kind = question["type"]

    if kind in ("always", "exists"):
        phi = question["formula"]
        found = (kind == "always") == (verdict == "fails")
        if found:
            want = kind == "exists"
            out = [fixed("a fixed point where the formula is " + str(want).lower(),
                         result["witness"],
                         (lambda w, programs, params:
                          phi.holds(_seat_values(w.profile) | params) == want,
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
                   unsat("no fixed point elsewhere", differs(system, profile, "u"))]
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
        symbols = system.symbols
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
        for key in ("params_list", "families"):
            if key in result and len(result[key]) != len(witnesses):
                raise CertificateError(f"result.{key}: one entry per witness")
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
                    differs(system, w.profile, f"p{i}")
            out.append(unsat("no other fixed point", extra))
        return out
    raise CertificateError(f"unknown question type {kind!r}")


def _names_known(system: System, question: dict, symbols: set) -> None:
    """Every variable of the question is a strategy probability of the game (``("s", i,
    k)``) or a parameter of the agents; CertificateError otherwise (before anything
    evaluates the question at a point)."""
    seats = {("s", i, k) for i, prog in enumerate(system.programs) for k in range(prog.n_self)}
    for poly in _question_polys(question):
        stray = [v for v in poly.variables() if v not in seats and v not in symbols]
        if stray:
            raise CertificateError(f"the question names {stray[0]!r}, neither a strategy "
                                   f"probability of the game nor a parameter of the agents")
    if "profile" in question and [len(s) for s in question["profile"]] != \
            [prog.n_self for prog in system.programs]:
        raise CertificateError("question.profile: one probability per action of each player")


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
