"""Claims and their verdicts.

A :class:`Claim` pairs a sentence (of the post, a comment or a paper) with a
formal statement about the fixed points of two agents on a game
(:mod:`verifier.claims.statements`), and the verdict the sources lead us to
expect. :meth:`Claim.run` decides it: a :class:`ClaimResult`, whose verdict is
``holds``, ``fails`` (with an exact counterexample) or ``unknown`` (the solver
gave up).
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field, replace

from ..decision.results import formula_latex
from ..decision.security import BOUNDARIES, reader_cases
from ..decision.solver import BOX_NOTE, Pair, SolverUnknown, readings_of
from ..errors import ClaimError, InputError
from ..model.agents import Agent, AgentError
from ..model import latex as tex
from ..model.games import Game, GameError, load_game
from ..model.library import parse_agent, reading_keys
from ..model.numbers import fmt
from ..model.params import ParameterError, parse_region
from ..model.readings import DEFAULT, KEYS, Reading, combinations, parse_settings
from .formulas import Vars
from .kinds import KINDS, Statement, decide, describe, kind_names

VERDICTS = ("holds", "fails", "unknown")
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
            except InputError as err:
                raise ClaimError(f"{self.id}: expected: {err}") from None
        try:
            parse_settings(self.under)
        except InputError as err:
            raise ClaimError(f"{self.id}: under: {err}") from None
        if self.role not in ROLES:
            raise ClaimError(f"{self.id}: role must be one of {', '.join(ROLES)}")
        if len(self.agents) != 2:
            raise ClaimError(f"{self.id}: a claim is about exactly two agents")
        if type(self.check) not in KINDS:
            raise ClaimError(f"{self.id}: check must be {kind_names()}")

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

    def pair(self, timeout: float | None = None, reading: Reading = DEFAULT) -> Pair:
        """The pair the claim is about, over its parameter region if it has one."""
        game, agents = self.resolve(reading)
        try:
            region = None if self.assume is None else parse_region(self.assume)
            return Pair(game, agents, timeout, self.tie_randomization, region)
        except (ParameterError, AgentError) as err:
            raise ClaimError(f"{self.id}: {err}") from None

    def case_regions(self, reading: Reading = DEFAULT) -> list:
        """The case split of the claim's region when its security value, read by an agent,
        depends on the case (:func:`verifier.decision.security.reader_cases`): [(region
        text, cases), ...]; [] when there is none (a concrete game, no region, or one that
        fixes the value)."""
        game, agents = self.resolve(reading)
        if self.assume is None or not game.symbols:
            return []
        try:
            return reader_cases(game, agents, parse_region(self.assume))
        except (ParameterError, GameError):
            return []

    def _run_cases(self, regions: list, timeout, progress, reading: Reading,
                   start: float) -> "ClaimResult":
        """The claim decided on each case of the split. An ``always`` claim ``fails`` with
        the first failing case's counterexample (a fixed point at parameters of the
        region); every other outcome is ``unknown`` (``n/a`` when every case is): even
        when every case holds, the boundaries between them lie in no case and are not
        decided, and a case's verdict on another kind (some fixed point, the only one, an
        extreme) is not the region's. The result's ``cases`` detail lists each case's
        region, conditions, verdict and evidence."""
        game = self.resolve(reading)[0]
        results = [(text, cases, replace(self, assume=text).run(timeout, progress, reading))
                   for text, cases in regions]
        if all(r.verdict == "n/a" for _, _, r in results):
            return results[0][2]
        detail = {"cases": [{"assume": text, "cases": [c.text(game) for c in cases],
                             "verdict": r.verdict, "evidence": r.summary()}
                            for text, cases, r in results]}
        failing = next((r for _, _, r in results if r.verdict == "fails"), None) \
            if self.check.kind == "always" else None
        listed = "; ".join(f"{r.verdict} on {text}" for text, _, r in results)
        if failing is not None:
            verdict, assumptions = "fails", failing.assumptions
            detail |= {k: v for k, v in failing.detail.items() if k != "cases"}
            detail["reason"] = f"fails on the case {failing.assumptions}, part of the region"
        else:
            verdict, assumptions = "unknown", parse_region(self.assume).text
            detail["reason"] = f"decided by cases of the security value: {listed}; " \
                               f"{BOUNDARIES}, and are not decided"
        first = results[0][2]
        return ClaimResult(self.id, self.statement, self.formal_text(reading), self.source,
                           first.game, first.agents, verdict, self.expected_under(reading),
                           time.perf_counter() - start, detail, note=self.note,
                           family=self.family, assumptions=assumptions,
                           readings=first.readings, sentence=self.sentence, role=self.role,
                           reading=first.reading)

    def formal_text(self, reading: Reading = DEFAULT) -> str:
        """The claim's formal text, generated from its statement: the pair, the game, what
        is claimed of the fixed points, and the parameter region."""
        game, agents = self.resolve(reading)
        text = f"{agents[0].spec} vs {agents[1].spec} on {game.name}: " + \
            describe(self.check, Vars(game))
        if not self.tie_randomization:
            text += " (the oracle answers deterministically at ties)"
        return text + ("" if self.assume is None else f", for all {self.assume}")

    def run(self, timeout: float | None = None, progress=None,
            reading: Reading = DEFAULT) -> "ClaimResult":
        """Decide the claim under a reading (keys its agents do not take are ignored)."""
        start = time.perf_counter()
        shown = ",".join([f"{k}={getattr(reading, k)}" for k in self.reading_keys]
                         + ([self.under] if self.under else []))
        try:
            pair = self.pair(timeout, reading)
        except ClaimError as err:
            regions = self.case_regions(reading)
            if regions:
                return self._run_cases(regions, timeout, progress, reading, start)
            if reading == DEFAULT:
                raise
            return ClaimResult(self.id, self.statement, "", self.source, self.game,
                               tuple(map(str, self.agents)), "n/a", "n/a", 0.0,
                               {"reason": f"not stated under this reading: {err}"},
                               note=self.note, family=self.family, sentence=self.sentence,
                               role=self.role, reading=shown)
        game = pair.game
        try:
            verdict, detail = decide(self.check, pair, Vars(game), progress)
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
        return self.evidence(lambda x: fmt(x, decimals), lambda o: o.formula,
                             lambda point: _profile_text(point, decimals), str)

    def evidence(self, number, formula, point, text) -> str:
        """One line of evidence, its numbers, formula (of a FormulaOptimum), fixed point
        and free text written by the given functions (plain text, LaTeX)."""
        d = self.detail
        if "formula_optimum" in d and d["formula_optimum"].is_bound:
            o = d["formula_optimum"]
            if o.attained:
                return f"{o.sense} = {formula(o)} (attained for every parameter)"
            # a bound alone: that it is the inf (sup) is not shown
            state = "never attained" if o.attained is False else "attainment not proven"
            relation = ">=" if o.sense == "min" else "<="
            return text(f"{o.sense} {relation} ") + formula(o) + \
                text(f" (a proven bound, {state})")
        if "optimum" in d:
            o = d["optimum"]
            if o.value is None:
                low, high = o.bracket()
                return f"{o.sense} in [{number(low)}, {number(high)}]"
            kind = o.sense if o.attained else {"min": "inf", "max": "sup"}[o.sense]
            return f"{kind} = {number(o.value)}"
        for key in ("counterexample", "witness"):
            if key in d:
                return f"{key} {point(d[key])}"
        return text(d.get("reason", ""))

    def evidence_latex(self) -> str:
        """:meth:`summary` in LaTeX: exact numbers and formulas in math mode (roots of
        quadratics in radicals), the rest as text."""
        def point(p):
            sides = " \\text{ vs } ".join(tex.strategy(s) for s in p.profile)
            at = ", ".join(f"{tex.text(n)} = {tex.number(v)}" for n, v in p.params)
            return f"${sides}$, payoffs ${tex.strategy(p.payoffs)}$" + \
                (f" at ${at}$" if at else "")
        return self.evidence(lambda x: f"${tex.number(x)}$",
                             lambda o: f"${formula_latex(o.value)}$", point, tex.text)

    def _repr_latex_(self) -> str:
        """Jupyter: the claim's id, verdict (and the expected one), formal text and
        evidence, exact."""
        mark = "" if self.as_expected else f" (expected {self.expected})"
        return f"\\texttt{{{tex.text(self.id)}}}: {self.verdict}{mark}. " \
               f"{tex.text(self.formal)}. {self.evidence_latex()}"

    def _repr_html_(self) -> str:
        """Jupyter: the content of :meth:`_repr_latex_` as exact text in HTML."""
        mark = "" if self.as_expected else f" (expected {self.expected})"
        return f"<p><code>{html.escape(self.id)}</code>: {html.escape(self.verdict + mark)}. " \
               f"{html.escape(self.formal)}. {html.escape(self.summary())}</p>"

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
    at = "".join(f", {n} = {fmt(v, decimals)}" for n, v in point.params)
    return f"{profile}, payoffs ({', '.join(fmt(u, decimals) for u in point.payoffs)})" + \
        (f" at{at[1:]}" if at else "")
