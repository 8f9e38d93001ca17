"""Claims about the fixed points of a pair, and their exact verdicts.

A :class:`Claim` pairs a sentence (of the post, a comment or a paper) with a
formal statement about the fixed points of two agents on a game, and the
verdict the sources lead us to expect. Statements:

- :class:`Always` - every fixed point satisfies a formula;
- :class:`Exists` - some fixed point satisfies a formula;
- :class:`Unique` - the fixed point is unique and equals a given profile;
- :class:`NoFixedPoint` - the pair has no fixed point (only meaningful for
  encodings that restrict the oracle, e.g. without randomisation at ties);
- :class:`Extreme` - the exact minimum or maximum of an objective over the
  fixed points (optionally: it equals a given value).

Formulas and objectives are written as functions of a :class:`Vars` (the
game's strategy probabilities and payoffs as polynomials), e.g.
``Always(lambda v: (v.u1 >= 1) | (v.u2 >= 1))``. Verdicts are ``holds``,
``fails`` (with an exact counterexample) or ``unknown`` (the solver gave up).

Claim files are Python: loading one runs its code. Certificates (data, never
code) are what is shared with people who should not run our code.
"""

from __future__ import annotations

import runpy
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import sympy

from ..model.agents import Agent, AgentError
from ..errors import ClaimError
from ..model.games import Game, GameError, load_game
from ..decision.jobs import OutOfTime, run_bounded, write_atomically
from ..model.library import parse_agent, reading_keys
from ..model.numbers import compare, exact, fmt
from ..decision.parametric import parse_value
from ..model.params import ParameterError, is_symbol, parse_region, symbols_of
from ..model.poly import And, Atom, Formula, Not, Or, Poly, Truth, named, some_rates, var
from ..model.readings import DEFAULT, KEYS, Reading, combinations, parse_reading, parse_settings
from ..decision.solver import BOX_NOTE, Pair, SolverUnknown, readings_of

VERDICTS = ("holds", "fails", "unknown")
_OP_TEXT = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "=", "!=": "!="}


@dataclass(frozen=True)
class Vars:
    """Strategy probabilities and payoffs of a game, as polynomials, for formulas.

    Polynomials made by :meth:`gain` keep their name (``D2(C,C)``), so that the
    formal text generated from a formula (:meth:`text`) names them.
    """

    game: Game
    names: dict = field(default_factory=dict, compare=False, repr=False)  # Poly -> name
    formulas: dict = field(default_factory=dict, compare=False, repr=False)  # id -> (f, name)

    def p1(self, action) -> Poly:
        """Probability that player 1 plays ``action`` (name or index)."""
        return var("s", 0, self.game.action_index(0, action))

    def p2(self, action) -> Poly:
        """Probability that player 2 plays ``action`` (name or index)."""
        return var("s", 1, self.game.action_index(1, action))

    def gain(self, player: int, o1, o2) -> Poly:
        """The post's D(p1,p2)(o1,o2) for ``player``'s payoff (1 or 2).

        The derivative of that payoff when player 1 moves toward pure ``o1``
        and player 2 toward pure ``o2`` (actions by name or index).
        """
        g = self.game
        a, b = g.action_index(0, o1), g.action_index(1, o2)
        d = g.direction_gain(player - 1, 0, a, b)
        d = d.rename(lambda v: ("s", 0 if v[0] == "self" else 1, v[1]))
        self.names.setdefault(d, f"D{player}({g.actions[0][a]},{g.actions[1][b]})")
        return d

    def move_gain(self, player: int, mover: int, action) -> Poly:
        """The change in ``player``'s payoff (1 or 2) when only player ``mover`` moves
        toward pure ``action``: one side of the post's D; named ``M1(P2->C)``."""
        g = self.game
        target = g.action_index(mover - 1, action)
        d = g.move_gain(player - 1, 0, "self" if mover == 1 else "opp", target)
        d = d.rename(lambda v: ("s", 0 if v[0] == "self" else 1, v[1]))
        self.names.setdefault(d, f"M{player}(P{mover}->{g.actions[mover - 1][target]})")
        return d

    def cone_pareto(self, o1, o2) -> Formula:
        """"Some rates r1, r2 >= 0, not both 0, move player 1 toward ``o1`` and player 2
        toward ``o2`` so that both payoffs rise": the post's D read as a cone
        (docs/semantics.md, Readings); named ``ParetoCone(o1,o2)``."""
        rows = [(self.move_gain(w, 1, o1), self.move_gain(w, 2, o2)) for w in (1, 2)]
        f = some_rates(rows)
        a, b = self.game.action_index(0, o1), self.game.action_index(1, o2)
        self.formulas[id(f)] = (f, f"ParetoCone({self.game.actions[0][a]},"
                                   f"{self.game.actions[1][b]})")
        return f

    def text(self, item, top: bool = True) -> str:
        """Readable text for a polynomial or formula, generated from it: P1(C), u1,
        D1(C,C) (the post's D for player 1's payoff), and, or, not."""
        if isinstance(item, Poly):
            return self._poly_text(item)
        if id(item) in self.formulas:
            return self.formulas[id(item)][1]
        if isinstance(item, Atom):  # strategy terms on the left, parameters on the right
            op = _OP_TEXT[item.op]
            right = Poly({m: -c for m, c in item.poly.terms.items()
                          if all(isinstance(v, str) for v, _ in m)})
            left = item.poly + right
            if left.is_constant():
                return f"{item.poly!r} {op} 0"
            text = str(right.constant_value()) if right.is_constant() else repr(right)
            if text == "0" and self._named(left) is None:
                for a, name in self._known():  # a difference of two named quantities
                    other = self._named(a - left)
                    if other is not None:
                        return f"{name} {op} {other}"
            return f"{self._poly_text(left)} {op} {text}"
        if isinstance(item, (And, Or)):
            joiner = " and " if isinstance(item, And) else " or "
            parts = []
            for p in item.parts:  # (a or (b or c)) reads as a or b or c
                parts += list(p.parts) if type(p) is type(item) and id(p) not in \
                    self.formulas else [p]
            inner = joiner.join(self.text(p, False) for p in parts)
            return inner if top else f"({inner})"
        if isinstance(item, Not) and isinstance(item.part, Atom) and \
                id(item.part) not in self.formulas:
            return self.text(item.part.negated())
        if isinstance(item, Not):
            return f"not {self.text(item.part, False)}"
        if isinstance(item, Truth):
            return "true" if item.value else "false"
        return repr(item)

    def _known(self) -> list:
        """Named polynomials: payoffs, gains made here, and each P1(a), P2(b)."""
        out = [(u, f"u{i + 1}") for i, u in enumerate(self.game.payoff_polys)]
        out += [(p, n) for p, n in self.names.items()]
        out += [(var("s", i, k), f"P{i + 1}({a})") for i in (0, 1)
                for k, a in enumerate(self.game.actions[i])]
        return out

    def _named(self, poly: Poly) -> str | None:
        return next((name for p, name in self._known() if p == poly), None)

    def _poly_text(self, poly: Poly) -> str:
        named_as = self._named(poly)
        if named_as is not None:
            return named_as
        parts = []
        for monomial, c in sorted(poly.terms.items(), key=repr):
            factors = [(v if isinstance(v, str) else f"P{v[1] + 1}({self.game.actions[v[1]][v[2]]})")
                       + (f"^{e}" if e > 1 else "") for v, e in monomial]
            if c != 1 or not factors:
                factors.insert(0, str(c))
            parts.append("*".join(factors))
        return " + ".join(parts) or "0"

    def sym(self, name: str) -> Poly:
        """A parameter symbol (for claims over a parameter region)."""
        if not is_symbol(name):
            raise ClaimError(f"{name!r} is not a parameter name (letters only)")
        return named(name)

    @property
    def u1(self) -> Poly:
        return self.game.payoff_polys[0]

    @property
    def u2(self) -> Poly:
        return self.game.payoff_polys[1]


# ---------------------------------------------------------------- statements


def _named_profile(v: Vars, profile) -> str:
    return " vs ".join("(" + ", ".join(f"{a}={exact(p)}" for a, p in zip(v.game.actions[i], s))
                       + ")" for i, s in enumerate(profile))


@dataclass(frozen=True)
class Always:
    """Every fixed point satisfies ``formula(vars)``."""

    formula: Callable[[Vars], Formula]

    def describe(self, v: Vars) -> str:
        return f"every fixed point satisfies {v.text(self.formula(v))}"


@dataclass(frozen=True)
class Exists:
    """Some fixed point satisfies ``formula(vars)``."""

    formula: Callable[[Vars], Formula]

    def describe(self, v: Vars) -> str:
        return f"some fixed point satisfies {v.text(self.formula(v))}"


@dataclass(frozen=True)
class Unique:
    """The only fixed point is ``profile`` (a pair of distributions)."""

    profile: tuple

    def describe(self, v: Vars) -> str:
        return "the only fixed point is " + _named_profile(v, self.profile)


@dataclass(frozen=True)
class NoFixedPoint:
    """The pair has no fixed point at all."""

    def describe(self, v: Vars) -> str:
        return "there is no fixed point"


@dataclass(frozen=True)
class Extreme:
    """The ``sense`` ("min"/"max") of ``objective(vars)`` over the fixed points.

    With ``value``, the claim is that the extreme equals it exactly (and, with
    ``attained``, that a fixed point does or does not reach it). Without, the
    claim holds when the exact extreme is found and certified.
    """

    objective: Callable[[Vars], Poly]
    sense: str = "min"
    value: object = None
    attained: bool | None = None
    subject_to: Callable[[Vars], Formula] | None = None

    def describe(self, v: Vars) -> str:
        where = "" if self.subject_to is None else f" with {v.text(self.subject_to(v))}"
        what = f"the {self.sense} of {v.text(self.objective(v))} over the fixed points{where}"
        if self.value is None:
            return f"{what} is found exactly (a certified value)"
        kind = {True: ", attained", False: ", not attained", None: ""}[self.attained]
        return f"{what} is {_value_text(self.value)}{kind}"


def _value_text(value) -> str:
    """A claimed value: a rational, a formula, or a root as 'the smallest real root of p'."""
    if isinstance(value, sympy.CRootOf):
        order = ["smallest", "second smallest", "third smallest"]
        which = order[value.index] if value.index < 3 else f"real root number {value.index + 1} of"
        return f"the {which} real root of {sympy.sstr(value.expr)} = 0"
    return str(value)


Statement = Always | Exists | Unique | NoFixedPoint | Extreme


# -------------------------------------------------------------------- claims


ROLES = ("literal", "tight", "corrected", "context")


@dataclass(frozen=True)
class Claim:
    """A sentence, its formal version, and the verdict expected of it.

    ``sentence`` groups the claims about one sentence of the post (``"L3"``)
    for the findings' reading matrix; ``role`` says what the claim is for
    that sentence: ``literal`` (the sentence as written), ``tight`` (the
    exact value behind it), ``corrected`` (a true statement in its place) or
    ``context``. ``expected`` is a verdict, or a dict from reading patterns
    (``"directions=cone"``; ``""`` for the default) to verdicts: the most
    specific pattern that the reading matches applies. ``under`` names the
    reading a claim's formula itself embodies (a claim about D at equal rates
    among agents that take no reading key). The formal text is always
    generated from the statement (:meth:`formal_text`).
    """

    id: str
    statement: str
    source: str
    game: str
    agents: tuple
    check: Statement
    expected: str | dict = "holds"
    note: str = ""
    tie_randomization: bool = True
    family: str = ""
    assume: str | None = None  # a parameter region, e.g. "0 < d <= e/100, e <= 1/10"
    sentence: str = ""
    role: str = "literal"
    under: str = ""  # the reading a formula embodies ("directions=cone"), for agents without keys

    def __post_init__(self):
        if not self.id or not isinstance(self.id, str):
            raise ClaimError("a claim needs a non-empty string id")
        patterns = self.expected if isinstance(self.expected, dict) else {"": self.expected}
        if "" not in patterns or any(v not in ("holds", "fails") for v in patterns.values()):
            raise ClaimError(f"{self.id}: expected must be 'holds' or 'fails' (or a dict of "
                             f"them by reading, with a default under '')")
        for pattern in patterns:
            try:
                parse_settings(pattern)
            except ValueError as err:
                raise ClaimError(f"{self.id}: expected: {err}") from None
        try:
            parse_settings(self.under)
        except ValueError as err:
            raise ClaimError(f"{self.id}: under: {err}") from None
        if self.role not in ROLES:
            raise ClaimError(f"{self.id}: role must be one of {', '.join(ROLES)}")
        if len(self.agents) != 2:
            raise ClaimError(f"{self.id}: a claim is about exactly two agents")
        if not isinstance(self.check, (Always, Exists, Unique, NoFixedPoint, Extreme)):
            raise ClaimError(f"{self.id}: check must be Always, Exists, Unique, NoFixedPoint "
                             f"or Extreme")

    def expected_under(self, reading: Reading = DEFAULT) -> str:
        """The expected verdict under a reading: the most specific matching pattern's."""
        patterns = self.expected if isinstance(self.expected, dict) else {"": self.expected}
        best = max((p for p in patterns if reading.matches(parse_settings(p))),
                   key=lambda p: len(parse_settings(p)))
        return patterns[best]

    @property
    def reading_keys(self) -> tuple:
        """The reading keys the claim's agents take: empty means reading-independent."""
        keys = set()
        for a in self.agents:
            keys |= {k for k, _ in a.reading} if isinstance(a, Agent) else set(reading_keys(a))
        return tuple(k for k in KEYS if k in keys)

    def readings(self) -> list[Reading]:
        """Every reading that can change the verdict (the default alone when none can)."""
        return combinations(self.reading_keys)

    def resolve(self, reading: Reading = DEFAULT) -> tuple[Game, tuple]:
        """The game and agents under a reading, with one-line errors."""
        settings = reading.to_json()
        try:
            game = load_game(self.game)
            agents = tuple(a if isinstance(a, Agent) else parse_agent(a, reading=settings)
                           for a in self.agents)
        except (GameError, AgentError) as err:
            raise ClaimError(f"{self.id}: {err}") from None
        return game, agents

    def pair(self, timeout: float = 120.0, reading: Reading = DEFAULT) -> Pair:
        """The pair the claim is about, over its parameter region if it has one."""
        game, agents = self.resolve(reading)
        try:
            region = None if self.assume is None else parse_region(self.assume)
            return Pair(game, agents, timeout, self.tie_randomization, region)
        except (ParameterError, AgentError) as err:
            raise ClaimError(f"{self.id}: {err}") from None

    def formal_text(self, reading: Reading = DEFAULT) -> str:
        """The claim's formal text, generated from its statement: the pair, the game, what
        is claimed of the fixed points, and the parameter region."""
        game, agents = self.resolve(reading)
        text = f"{agents[0].spec} vs {agents[1].spec} on {game.name}: " + \
            self.check.describe(Vars(game))
        if not self.tie_randomization:
            text += " (the oracle answers deterministically at ties)"
        return text + ("" if self.assume is None else f", for all {self.assume}")

    def run(self, timeout: float = 120.0, progress=None,
            reading: Reading = DEFAULT) -> "ClaimResult":
        """Decide the claim under a reading (keys its agents do not take are ignored)."""
        start = time.perf_counter()
        shown = ",".join([f"{k}={getattr(reading, k)}" for k in self.reading_keys]
                         + ([self.under] if self.under else []))
        try:
            pair = self.pair(timeout, reading)
        except ClaimError as err:
            if reading == DEFAULT:
                raise
            return ClaimResult(self.id, self.statement, "", self.source, self.game,
                               tuple(map(str, self.agents)), "n/a", "n/a", 0.0,
                               {"reason": f"not stated under this reading: {err}"},
                               note=self.note, family=self.family, sentence=self.sentence,
                               role=self.role, reading=shown)
        game = pair.game
        try:
            verdict, detail = _decide(self.check, pair, Vars(game), progress)
        except ClaimError as err:
            raise ClaimError(f"{self.id}: {err}") from None
        except SolverUnknown as err:
            verdict, detail = "unknown", {"reason": f"solver: {err}"}
        if any(p.uses_estimates and p.estimates == "box" for p in pair.programs):
            detail["estimates_note"] = BOX_NOTE
        return ClaimResult(self.id, self.statement, self.formal_text(reading), self.source,
                           game.name, pair.specs, verdict, self.expected_under(reading),
                           time.perf_counter() - start, detail, note=self.note,
                           family=self.family,
                           assumptions=None if pair.region is None else pair.region.text,
                           readings=readings_of(pair.programs), sentence=self.sentence,
                           role=self.role, reading=shown)


def _claimed(value):
    """A claimed exact value: a rational, or a sympy real algebraic number (CRootOf)."""
    if isinstance(value, sympy.Basic) and not value.is_Rational:
        if not (value.is_real and value.is_algebraic):
            raise ClaimError(f"claimed value {value} is not a real algebraic number")
        return value
    return exact(value)


def _formula(check, v: Vars) -> Formula:
    phi = check.formula(v)
    if not isinstance(phi, Formula):
        raise ClaimError(f"the formula gave {phi!r}, not a formula: compare polynomials with "
                         f"<, <=, >, >=, .eq() or .ne() (== compares them as expressions)")
    return phi


def _for_every_parameter(pair: Pair, point, verdict: str, detail: dict) -> tuple[str, dict]:
    """A verdict resting on a fixed point: over a region it must be one throughout."""
    if pair.region is None or point.whole_region:
        return verdict, detail
    return "unknown", detail | {"reason": "a fixed point was found at the parameter values shown, "
                                          "but not shown to be one for every parameter in the "
                                          "region"}


def _decide_formula(check: Extreme, pair: Pair, v: Vars) -> tuple[str, dict]:
    """An extreme over a parameter region: the claimed value is a formula in the parameters."""
    if check.value is None:
        raise ClaimError("an extreme over a parameter region needs the claimed value, a "
                         "formula in the parameters (value=\"3*d/(2 + 3*d)\")")
    try:
        value = parse_value(str(check.value))
    except ParameterError as err:
        raise ClaimError(f"claimed value: {err}") from None
    side = None if check.subject_to is None else check.subject_to(v)
    _own_symbols(pair, *value.polys, check.objective(v),
                 *([] if side is None else _atoms_polys(side)))
    found = pair.certify_formula(check.objective(v), check.sense, value, side)
    detail = {"formula_optimum": found}
    if not found.is_bound:
        return "fails", detail | {"counterexample": found.beyond,
                                  "reason": f"a fixed point lies beyond {found.formula}"}
    if found.attained is None:
        return "unknown", detail | {"reason": f"{found.formula} is a proven bound for every "
                                              f"parameter; a fixed point reaching it was found "
                                              f"only at the parameter values shown"}
    if found.attained is False:  # a bound nothing reaches: it need not be the inf/sup
        return ("fails" if check.attained is not False else "unknown"), detail | {
            "reason": "never attained: the formula is a bound; that it is the "
                      f"{'inf' if check.sense == 'min' else 'sup'} is not shown"}
    if check.attained is False:
        return "fails", detail | {"reason": "attained for every parameter"}
    return "holds", detail


def _atoms_polys(f: Formula) -> list:
    if isinstance(f, Atom):
        return [f.poly]
    if isinstance(f, (And, Or)):
        return [p for part in f.parts for p in _atoms_polys(part)]
    if isinstance(f, Not):
        return _atoms_polys(f.part)
    return []


def _own_symbols(pair: Pair, *polys) -> None:
    """Claims may name only the parameters their agents have."""
    used = set().union(*(symbols_of(p) for p in polys))
    if not used <= set(pair.symbols):
        raise ClaimError(f"the claim names {', '.join(sorted(used - set(pair.symbols)))}, "
                         f"which is not a parameter of its agents")


def _decide(check: Statement, pair: Pair, v: Vars, progress) -> tuple[str, dict]:
    if isinstance(check, (Always, Exists)):
        _own_symbols(pair, *_atoms_polys(_formula(check, v)))
    if isinstance(check, Always):
        bad = pair.counterexample(_formula(check, v))
        return ("holds", {}) if bad is None else ("fails", {"counterexample": bad})
    if isinstance(check, Exists):
        good = pair.example(_formula(check, v))
        if good is None:
            return "fails", {}
        return _for_every_parameter(pair, good, "holds", {"witness": good})
    if isinstance(check, NoFixedPoint):
        point = pair.example(Truth(True))
        return ("holds", {}) if point is None else ("fails", {"counterexample": point})
    if isinstance(check, Unique):
        profile = tuple(tuple(exact(p) for p in s) for s in check.profile)
        point = pair.find(pair.at_profile(profile), general=pair.profile_formulas(profile))
        if point is None:
            return "fails", {"reason": "the given profile is not a fixed point"}
        other = pair.find([pair._exclude(point, 0)])
        if other is not None:
            return "fails", {"counterexample": other}
        return _for_every_parameter(pair, point, "holds", {"witness": point})
    if isinstance(check, Extreme) and pair.region is not None:
        return _decide_formula(check, pair, v)
    if isinstance(check, Extreme):
        side = None if check.subject_to is None else check.subject_to(v)
        claimed = None if check.value is None else _claimed(check.value)
        optimum = None
        if claimed is not None and check.attained is not False:
            optimum = pair.certify(check.objective(v), check.sense, claimed, side)
        if optimum is None:
            try:
                optimum = pair.optimize(check.objective(v), check.sense, subject_to=side,
                                        progress=progress)
            except ValueError as err:
                raise ClaimError(f"cannot optimise: {err}") from None
        detail = {"optimum": optimum}
        if optimum.value is None:
            return "unknown", detail | {"reason": optimum.note}
        if claimed is None:
            return "holds", detail
        if compare(claimed, optimum.value) != 0:
            return "fails", detail | {"reason": f"the {check.sense} is {fmt(optimum.value)}, "
                                                f"not {claimed}"}
        if check.attained is not None and check.attained != optimum.attained:
            return "fails", detail | {"reason": "attained" if optimum.attained else
                                      "not attained"}
        return "holds", detail
    raise ClaimError(f"unknown statement {check!r}")


@dataclass(frozen=True)
class ClaimResult:
    """The verdict on one claim, with its evidence."""

    id: str
    statement: str
    formal: str
    source: str
    game: str
    agents: tuple
    verdict: str
    expected: str
    seconds: float
    detail: dict = field(default_factory=dict)
    note: str = ""
    family: str = ""
    certificate: dict | None = None  # where its certificate was written, and its kind
    assumptions: str | None = None  # the parameter region, or None for a concrete claim
    readings: tuple = ({}, {})  # each agent's full reading ({} for agents that take none)
    sentence: str = ""
    role: str = "literal"
    reading: str = ""  # the reading keys the claim depends on ("directions=cone,estimates=box")

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected

    def summary(self, decimals: int | None = None) -> str:
        """One line of evidence: the counterexample, witness or optimum."""
        d = self.detail
        if "formula_optimum" in d and d["formula_optimum"].is_bound:
            o = d["formula_optimum"]
            kind = o.sense if o.attained else {"min": "inf", "max": "sup"}[o.sense]
            state = {True: "attained for every parameter", False: "never attained",
                     None: "attainment not proven"}[o.attained]
            return f"{kind} = {o.formula} ({state})"
        if "optimum" in d:
            o = d["optimum"]
            if o.value is None:
                return f"{o.sense} in [{fmt(o.proven, decimals)}, {fmt(o.found, decimals)}]"
            kind = o.sense if o.attained else {"min": "inf", "max": "sup"}[o.sense]
            return f"{kind} = {fmt(o.value, decimals)}"
        if "counterexample" in d:
            return "counterexample " + _profile_text(d["counterexample"], decimals)
        if "witness" in d:
            return "witness " + _profile_text(d["witness"], decimals)
        return d.get("reason", "")

    def to_json(self, decimals: int | None = None) -> dict:
        out = {"id": self.id, "statement": self.statement, "formal": self.formal,
               "source": self.source, "game": self.game, "agents": list(self.agents),
               "verdict": self.verdict, "expected": self.expected,
               "seconds": round(self.seconds, 3), "readings": [dict(r) for r in self.readings],
               "reading": self.reading, "sentence": self.sentence, "role": self.role,
               "family": self.family, "note": self.note, "certificate": self.certificate,
               "assumptions": self.assumptions}
        for key, value in self.detail.items():
            out[key] = value.to_json(decimals) if hasattr(value, "to_json") else value
        return out


def _profile_text(point, decimals) -> str:
    profile = " vs ".join("(" + ", ".join(fmt(p, decimals) for p in s) + ")"
                          for s in point.profile)
    return f"{profile}, payoffs ({', '.join(fmt(u, decimals) for u in point.payoffs)})"


# ---------------------------------------------------------------- claim files


def load_claims(paths: list) -> list[Claim]:
    """The claims of the given claim files and folders (``*.py``, sorted).

    A claim file is Python that defines ``CLAIMS``, a list of :class:`Claim`,
    and optionally ``FAMILY``, the heading its claims are listed under, and
    ``SENTENCE``, the sentence key of its claims that name none.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.glob("*.py") if not f.name.startswith("_"))
        elif p.is_file():
            files.append(p)
        else:
            raise ClaimError(f"{p}: no such claim file or folder")
    claims, seen = [], {}
    for f in files:
        try:
            namespace = runpy.run_path(str(f))
        except (ClaimError, AgentError, GameError) as err:
            raise ClaimError(f"{f}: {err}") from None
        except TypeError as err:
            raise ClaimError(f"{f}: malformed claim: {err}") from None
        found = namespace.get("CLAIMS")
        if not isinstance(found, (list, tuple)) or not all(isinstance(c, Claim) for c in found):
            raise ClaimError(f"{f}: a claim file defines CLAIMS, a list of Claim")
        family = str(namespace.get("FAMILY", f.stem))
        sentence = str(namespace.get("SENTENCE", ""))
        found = [c if c.family else replace(c, family=family) for c in found]
        found = [c if c.sentence else replace(c, sentence=sentence) for c in found]
        for c in found:
            if c.id in seen:
                raise ClaimError(f"claim id {c.id} appears in {seen[c.id]} and {f}")
            seen[c.id] = f
        claims += found
    if not claims:
        raise ClaimError("no claims found in " + ", ".join(map(str, paths)))
    return claims



# --------------------------------------------------------------- certificates


def question(check: Statement, v: Vars) -> dict:
    """The claim's statement as data (formulas over seat variables), for certificates."""
    if isinstance(check, (Always, Exists)):
        return {"type": "always" if isinstance(check, Always) else "exists",
                "formula": _formula(check, v)}
    if isinstance(check, NoFixedPoint):
        return {"type": "no_fixed_point"}
    if isinstance(check, Unique):
        return {"type": "unique",
                "profile": tuple(tuple(exact(p) for p in s) for s in check.profile)}
    return {"type": "extreme", "objective": check.objective(v), "sense": check.sense,
            "value": None if check.value is None else _claimed(check.value),
            "attained": check.attained,
            "subject_to": None if check.subject_to is None else check.subject_to(v)}


def claim_certificate(claim: Claim, result: ClaimResult, reading: Reading = DEFAULT,
                      **options) -> dict:
    """The certificate of a claim's verdict under a reading (see :mod:`verifier.certificates`).

    ``options`` go to :func:`verifier.certificates.certificate`. Raises
    CertificateError for verdicts with nothing to certify (unknown) and
    for optima that are approached but not attained.
    """
    from ..evidence.certificates import CertificateError, certificate
    if result.verdict not in ("holds", "fails"):
        raise CertificateError(f"{claim.id}: an {result.verdict} verdict has no certificate")
    game, agents = claim.resolve(reading)
    programs = tuple(a.program(game, i) for i, a in enumerate(agents))
    d, evidence = result.detail, {}
    v = Vars(game)
    for key in ("counterexample", "witness"):
        if key in d:
            evidence |= point_evidence(d[key])
    if "formula_optimum" in d:
        o, c = d["formula_optimum"], claim.check
        q = {"type": "extreme_formula", "objective": c.objective(v), "sense": c.sense,
             "value": o.value, "attained": c.attained,
             "subject_to": None if c.subject_to is None else c.subject_to(v)}
        if o.is_bound:
            evidence = {"attained": o.attained}
            if o.attained:
                evidence["family"] = point_evidence(o.point)["family"]
    else:
        q = question(claim.check, v)
    if "optimum" in d:
        o = d["optimum"]
        if not o.attained:
            raise CertificateError(f"{claim.id}: certificates for optima that are not attained "
                                   f"are not supported")
        evidence = {"value": o.value, "witness": o.point.witness}
    meta = {"id": claim.id, "statement": claim.statement, "source": claim.source,
            "formal": result.formal, "expected": result.expected}
    if result.assumptions is not None:
        evidence["region_point"] = claim.pair(reading=reading).region_point
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


# ------------------------------------------------------------- running in workers


@dataclass(frozen=True)
class ProveTask:
    """One claim to decide in a worker: plain data, so it pickles to any process.

    ``paths`` are the claim files (absolute, so a Dask worker finds them);
    ``certificates`` the folder to write the claim's certificate in, or None;
    ``reading`` the reading's text (:mod:`verifier.readings`).
    """

    paths: tuple
    claim_id: str
    timeout: float
    certificates: str | None = None
    farkas_seconds: float = 5.0
    reading: str = DEFAULT.text
    claim_seconds: float | None = None  # wall-clock limit of one claim (None: no limit)


_LOADED: dict = {}  # claim files -> {id: Claim}, loaded once per worker process


def failed_result(claim: Claim, reason: str, reading: Reading = DEFAULT) -> ClaimResult:
    """The result of a claim whose run was lost (its worker died): unknown, with why."""
    return ClaimResult(claim.id, claim.statement, "", claim.source, claim.game,
                       tuple(str(a) for a in claim.agents), "unknown",
                       claim.expected_under(reading), 0.0, {"reason": reason}, note=claim.note,
                       family=claim.family, sentence=claim.sentence, role=claim.role,
                       reading=",".join(f"{k}={getattr(reading, k)}"
                                        for k in claim.reading_keys))


def claim_key(claim: Claim, reading: Reading = DEFAULT) -> str:
    """A digest of what decides a claim's verdict (a changed claim is decided again); its
    statement, expected verdict, sentence, role and note do not, and are read from the
    claim."""
    import hashlib
    import json
    try:
        formal = claim.formal_text(reading)
    except ClaimError as err:  # not stated under this reading
        formal = str(err)
    data = [claim.id, claim.game, [str(a) for a in claim.agents], formal, claim.assume,
            claim.tie_randomization, reading.text]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def file_stem(claim_id: str, reading: Reading = DEFAULT) -> str:
    """A claim's file name stem: its id, and the reading when it is not the default."""
    import re
    tag = "" if reading == DEFAULT else "@" + reading.text
    return re.sub(r"[^A-Za-z0-9._@=,-]", "_", claim_id + tag)


def result_path(folder: Path, claim_id: str, reading: Reading = DEFAULT) -> Path:
    return folder / (file_stem(claim_id, reading) + ".result.json")


def store_result(folder: Path, claim: Claim, result: ClaimResult,
                 reading: Reading = DEFAULT) -> None:
    """Write one decided claim's result, atomically (for ``rov prove --resume``)."""
    import json
    data = {"format": "rov-claim-result", "claim_key": claim_key(claim, reading),
            "result": result.to_json(),
            "summaries": {str(d): result.summary(d) for d in (None, 4, 6)}}
    write_atomically(str(result_path(folder, claim.id, reading)),
                     json.dumps(data, indent=1) + "\n")


def stored_result(folder: Path, claim: Claim,
                  reading: Reading = DEFAULT) -> "StoredResult | None":
    """The stored result of this very claim, or None (missing, unreadable or stale)."""
    import json
    path = result_path(folder, claim.id, reading)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("claim_key") != claim_key(claim, reading) or \
            not isinstance(data.get("result"), dict) or not isinstance(data.get("summaries"), dict):
        return None
    # the expectation is the claim's, as it is now (it does not decide the verdict)
    expected = "n/a" if data["result"].get("verdict") == "n/a" else claim.expected_under(reading)
    return StoredResult(data["result"] | {"expected": expected, "sentence": claim.sentence,
                                          "role": claim.role, "note": claim.note,
                                          "statement": claim.statement},
                        data["summaries"])


@dataclass(frozen=True)
class StoredResult:
    """A claim result read back from its file: what the table, ``--json`` and the findings
    page need (exact text; numbers are not re-read)."""

    data: dict
    summaries: dict

    def __getattr__(self, name):
        if name in ("id", "statement", "formal", "source", "game", "verdict", "expected",
                    "seconds", "note", "family", "assumptions", "certificate", "sentence",
                    "role", "reading"):
            return self.data.get(name, "")
        raise AttributeError(name)

    @property
    def agents(self) -> tuple:
        return tuple(self.data.get("agents", ()))

    @property
    def detail(self) -> dict:
        return {"reason": self.data.get("reason", "")} if "reason" in self.data else {}

    @property
    def as_expected(self) -> bool:
        return self.verdict == self.expected

    def summary(self, decimals: int | None = None) -> str:
        return self.summaries.get(str(decimals), self.summaries.get("None", ""))

    def to_json(self, decimals: int | None = None) -> dict:
        return dict(self.data, resumed=True)


def prove_task(task: ProveTask) -> ClaimResult:
    """Decide one claim under one reading (and write its certificate): the unit of
    ``rov prove --jobs``."""
    if task.paths not in _LOADED:
        _LOADED[task.paths] = {c.id: c for c in load_claims(list(task.paths))}
    claim = _LOADED[task.paths][task.claim_id]
    reading = parse_reading(task.reading)
    if task.claim_seconds is None:
        result = claim.run(task.timeout, reading=reading)
    else:
        try:
            result = run_bounded(lambda: claim.run(task.timeout, reading=reading),
                                 task.claim_seconds)
        except OutOfTime as err:
            return failed_result(claim, f"--claim-seconds: {err}", reading)
    if task.certificates is None:
        return result
    return write_claim_certificate(claim, result, Path(task.certificates),
                                   task.farkas_seconds, task.timeout, reading)


def write_claim_certificate(claim: Claim, result: ClaimResult, folder: Path,
                            farkas_seconds: float, solver_seconds: float,
                            reading: Reading = DEFAULT) -> ClaimResult:
    """Write the claim's certificate (if its verdict has one); the result records where."""
    import json

    from ..checker.format import CertificateError
    path = folder / (file_stem(claim.id, reading) + ".json")
    try:
        cert = claim_certificate(claim, result, reading, farkas_seconds=farkas_seconds,
                                 solver_seconds=solver_seconds)
    except CertificateError as err:
        return replace(result, certificate={"path": None, "kind": None, "note": str(err)})
    write_atomically(str(path), json.dumps(cert, indent=1) + "\n")
    return replace(result, certificate={"path": str(path), "kind": cert["kind"],
                                        "seconds": cert["seconds"]["certify"]})
