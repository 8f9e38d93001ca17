"""The records of the decision layer's answers: a fixed point, a solve result, an
optimum (numeric or a formula in the parameters), a profile check and its explanation;
each writes itself as JSON (exact numbers as text, ``decimals`` for decimal text).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .nash import NashEquilibria
from ..model import latex as tex
from ..model.games import Game
from ..model.numbers import Number, fmt
from ..semantics.interpreter import FixedPointWitness

BOX_NOTE = ("box estimates: an estimate may be any point within delta/2 of the truth "
            "(an over-approximation of the post's grid estimates); an 'exists' answer is "
            "about this reading")

__all__ = ["FixedPoint", "SolveResult", "Optimum", "FormulaOptimum", "FormulaSearch", "PointCheck",
           "Explanation", "RunExplanation", "Step", "BOX_NOTE", "readings_of", "ties_of",
           "formula_latex"]


def readings_of(programs: tuple) -> tuple:
    """Each program's reading as a dict (empty for an agent that takes no reading key)."""
    return tuple(dict(p.reading) for p in programs)


def ties_of(tie_randomization: bool) -> str:
    """The oracle's tie model, as recorded in results."""
    return "one-q-per-query" if tie_randomization else "deterministic"


@dataclass(frozen=True)
class FixedPoint:
    """An exact fixed point, its payoffs and the witness that re-checks it."""

    profile: tuple
    payoffs: tuple
    witness: FixedPointWitness = field(repr=False, compare=False)
    params: tuple = ()  # ((symbol, exact value), ...): where it was found and re-checked
    whole_region: bool = False  # proven: such a fixed point for every parameter in the region
    terms: tuple = ()  # with whole_region: the profile as text in the parameters
    # with whole_region: every system variable as (num, den) Polys in the parameters, and
    # the Boolean values, that a solver proved to be a fixed point for every parameter
    family: dict = field(default_factory=dict, repr=False, compare=False)
    booleans: dict = field(default_factory=dict, repr=False, compare=False)
    aux: tuple | None = field(default=None, repr=False, compare=False)  # (w, R): w = sqrt(R)
    # with whole_region: whether the point found (params, profile) is the family's own
    # instance there, or another fixed point at those values
    own_instance: bool = field(default=True, repr=False, compare=False)

    def to_json(self, decimals: int | None = None) -> dict:
        """Profile, payoffs and, over a region, parameters and terms, as JSON."""
        out = {"profile": [[fmt(p, decimals) for p in s] for s in self.profile],
               "payoffs": [fmt(u, decimals) for u in self.payoffs]}
        if self.params:
            out["params"] = {name: fmt(v, decimals) for name, v in self.params}
            out["whole_region"] = self.whole_region
        if self.terms:
            out["profile_terms"] = [list(s) for s in self.terms]
            out["profile_is_instance"] = self.own_instance  # profile: the terms at params
        return out

    def _repr_latex_(self) -> str:
        """Jupyter: the profile and payoffs in LaTeX, exact."""
        return f"${_latex(self)}$"

    def _repr_html_(self) -> str:
        """Jupyter: the content of :meth:`_repr_latex_` as exact text in HTML."""
        return f"<p><code>{_html(self)}</code></p>"

    def describe(self, game: Game, decimals: int | None = None) -> str:
        """One line: each player's strategy by action name, the payoffs, and where."""
        sides = ["(" + ", ".join(f"{a}={fmt(p, decimals)}" for a, p in zip(game.actions[i], s))
                 + ")" for i, s in enumerate(self.profile)]
        pay = ", ".join(fmt(u, decimals) for u in self.payoffs)
        text = f"{sides[0]} vs {sides[1]}, payoffs ({pay})"
        if self.whole_region:
            general = " vs ".join("(" + ", ".join(f"{a}={t}" for a, t in zip(game.actions[i], s))
                                  + ")" for i, s in enumerate(self.terms))
            found = ", ".join(f"{n} = {fmt(v, decimals)}" for n, v in self.params)
            if general == " vs ".join(sides) and not game.symbols:
                return text + ", for every parameter in the region"
            if not self.own_instance:
                return (f"{general} for every parameter in the region (its instance at "
                        f"{found} was not computed; a fixed point there, not shown to be "
                        f"the family's: {text})")
            return f"{general} for every parameter in the region (e.g. {text} at {found})"
        if self.params:
            return text + " at " + ", ".join(f"{n} = {fmt(v, decimals)}" for n, v in self.params)
        return text


@dataclass(frozen=True)
class SolveResult:
    """The fixed points found for a pair, and what is known about the others."""

    game: str
    agents: tuple
    fixed_points: tuple
    complete: bool
    continuum: bool | None
    note: str
    seconds: float
    readings: tuple = ({}, {})  # each agent's reading (verifier.model.readings), {} if it takes none
    ties: str = "one-q-per-query"  # the oracle's tie model
    bounds: tuple = ()  # (label, min Optimum, max Optimum) when asked for
    assumptions: str | None = None  # the parameter region, None for concrete agents
    # best-response pairs: every maximal convex set of fixed points, as (player 1's
    # extreme strategies, player 2's); the set is the product of their convex hulls
    components: tuple = ()
    nash: NashEquilibria | None = field(default=None, repr=False, compare=False)

    def _repr_latex_(self) -> str:
        """Jupyter: the fixed points in LaTeX, exact, one per line, and whether complete."""
        rows = " \\\\ ".join(_latex(p) for p in self.fixed_points)
        state = "complete" if self.complete else "not complete"
        head = tex.text(f"{' vs '.join(self.agents)} on {self.game}: "
                        f"{len(self.fixed_points)} fixed point(s), {state}")
        return f"$\\begin{{array}}{{l}} \\text{{{head}}} \\\\ {rows} \\end{{array}}$"

    def _repr_html_(self) -> str:
        """Jupyter: the content of :meth:`_repr_latex_` as exact text in HTML."""
        state = "complete" if self.complete else "not complete"
        head = html.escape(f"{' vs '.join(self.agents)} on {self.game}: "
                           f"{len(self.fixed_points)} fixed point(s), {state}")
        rows = "".join(f"<li><code>{_html(p)}</code></li>" for p in self.fixed_points)
        return f"<p>{head}</p><ol>{rows}</ol>"

    def to_json(self, decimals: int | None = None) -> dict:
        """The result as JSON, components and bounds included when present."""
        out = {"game": self.game, "agents": list(self.agents), "assumptions": self.assumptions,
               "fixed_points": [p.to_json(decimals) for p in self.fixed_points],
               "complete": self.complete, "continuum": self.continuum, "note": self.note,
               "readings": [dict(r) for r in self.readings], "ties": self.ties,
               "seconds": round(self.seconds, 3)}
        if self.components:
            out["components"] = [{f"player{i + 1}": [[fmt(p, decimals) for p in s] for s in side]
                                  for i, side in enumerate(c)} for c in self.components]
        if self.bounds:
            out["bounds"] = {label: {"min": low.to_json(decimals), "max": high.to_json(decimals)}
                             for label, low, high in self.bounds}
        return out


@dataclass(frozen=True)
class Optimum:
    """The exact extreme of an objective over the fixed points.

    ``value``: the minimum/maximum when ``attained``, else the infimum/supremum,
    certified; None when it could not be certified, and then the optimum lies
    between ``proven`` (no fixed point beyond it) and ``found`` (a fixed point
    reaches it). ``point``: a fixed point at the value, or the best found.
    """

    sense: str
    value: Number | None
    attained: bool | None
    point: FixedPoint | None
    proven: Number
    found: Number
    note: str

    def bracket(self) -> tuple[Number, Number]:
        """The interval the optimum lies in, low end first: ``(proven, found)`` for a min,
        ``(found, proven)`` for a max."""
        return (self.proven, self.found) if self.sense == "min" else (self.found, self.proven)

    def _repr_latex_(self) -> str:
        """Jupyter: the exact extreme in LaTeX, or the proven bracket."""
        if self.value is None:
            low, high = self.bracket()
            return (f"$\\{self.sense} \\in \\left[{tex.number(low)}, "
                    f"{tex.number(high)}\\right]$")
        kind = self.sense if self.attained else {"min": "inf", "max": "sup"}[self.sense]
        return f"$\\{kind} = {tex.number(self.value)}$"

    def _repr_html_(self) -> str:
        """Jupyter: the content of :meth:`_repr_latex_` as exact text in HTML."""
        if self.value is None:
            low, high = self.bracket()
            text = f"{self.sense} in [{fmt(low)}, {fmt(high)}]"
        else:
            kind = self.sense if self.attained else {"min": "inf", "max": "sup"}[self.sense]
            text = f"{kind} = {fmt(self.value)}"
        return f"<p><code>{html.escape(text)}</code></p>"

    def to_json(self, decimals: int | None = None) -> dict:
        """The optimum as JSON (value, bracket and point)."""
        def text(x):
            return None if x is None else fmt(x, decimals)
        return {"sense": self.sense, "value": text(self.value), "attained": self.attained,
                "point": self.point.to_json(decimals) if self.point else None,
                "proven_bound": text(self.proven), "best_found": text(self.found),
                "note": self.note}


@dataclass(frozen=True)
class FormulaOptimum:
    """A formula in the parameters checked as the exact extreme over a region.

    ``value``: a :class:`verifier.decision.parametric.Ratio` or ``QuadraticRoot``.
    ``beyond``: a fixed point past it (then it is not a bound). Otherwise it
    is a proven bound for every parameter, and ``attained`` says whether a
    fixed point reaching it was proven for every parameter (True), exists
    nowhere (False) or was found only at the values of ``point`` (None).
    """

    sense: str
    value: object
    attained: bool | None
    beyond: FixedPoint | None
    point: FixedPoint | None

    @property
    def formula(self) -> str:
        """The value as text in the parameters."""
        return self.value.text

    @property
    def is_bound(self) -> bool:
        """No fixed point lies beyond the value."""
        return self.beyond is None

    def to_json(self, decimals: int | None = None) -> dict:
        """The checked formula as JSON."""
        return {"sense": self.sense, "formula": self.formula, "bound": self.is_bound,
                "attained": self.attained,
                "beyond": self.beyond.to_json(decimals) if self.beyond else None,
                "point": self.point.to_json(decimals) if self.point else None}

    def _state(self) -> str:
        """What was proven of the formula, in words."""
        if not self.is_bound:
            return "not a bound: a fixed point lies beyond it"
        return {True: "proven, attained for every parameter", False: "proven, never attained",
                None: "a proven bound, attainment not proven"}[self.attained]

    def _relation(self, latex: bool) -> str:
        """The relation shown: "=" only for the proven, attained extreme; else the
        bound's inequality."""
        if self.is_bound and self.attained:
            return "="
        return {"min": ("\\geq", ">="), "max": ("\\leq", "<=")}[self.sense][not latex]

    def _repr_latex_(self) -> str:
        """Jupyter: the formula in LaTeX (roots of quadratics in radicals), as an equation
        only when it is proven the attained extreme: a bound alone is an inequality, and
        a formula with a fixed point beyond it is marked so; and what was proven of it."""
        state = "" if self.is_bound else "\\text{not a bound: } "
        return f"${state}\\{self.sense} {self._relation(True)} " \
               f"{formula_latex(self.value)}$ ({self._state()})"

    def _repr_html_(self) -> str:
        """Jupyter: the content of :meth:`_repr_latex_` as exact text in HTML."""
        state = "" if self.is_bound else "not a bound: "
        text = f"{state}{self.sense} {self._relation(False)} {self.formula}"
        return f"<p><code>{html.escape(text)}</code> ({html.escape(self._state())})</p>"


@dataclass(frozen=True)
class FormulaSearch:
    """A tight extreme found as a formula in the parameters
    (:func:`verifier.decision.formula_search.find_formula`).

    ``formula``: the reconstructed formula as text (``parse_value`` reads it: a rational
    function, or ``root(a*x^2 + b*x + c, smaller|larger)``), or None; ``verdict``:
    ``holds`` (proven the exact extreme for every parameter of the region, attained), or
    ``unknown``; ``proof``: the :class:`FormulaOptimum` of the check, or None; ``samples``:
    ((parameter values, exact optimum), ...) in the order computed; ``note``: why. A
    piecewise formula (sympy's ``Piecewise((f1, t <= b1), (f2, True))`` as text, which
    ``sympify`` reads with the parameters given as ``locals``: sympy's own S, E, I, N, O
    and Q otherwise) has ``pieces``: ((region text, formula text, FormulaOptimum or
    None, "holds" or why not), ...), each piece checked on its part of the region, and no
    ``proof``.
    """

    sense: str
    formula: str | None
    verdict: str
    proof: FormulaOptimum | None
    samples: tuple
    note: str
    pieces: tuple = ()

    def to_json(self, decimals: int | None = None) -> dict:
        """The formula (text ``sympify`` or ``parse_value`` reads), the verdict, the proof
        and the samples, numbers as exact text."""
        out = {"sense": self.sense, "formula": self.formula, "verdict": self.verdict,
               "note": self.note, "proof": self.proof.to_json(decimals) if self.proof else None,
               "samples": [{"parameters": {n: fmt(v, decimals) for n, v in values},
                            "optimum": None if x is None else fmt(x, decimals)}
                           for values, x in self.samples]}
        if self.pieces:
            out["pieces"] = [{"assume": region, "formula": formula, "verdict":
                              "holds" if why == "holds" else "unknown", "note": why,
                              "proof": proof.to_json(decimals) if proof else None}
                             for region, formula, proof, why in self.pieces]
        return out

    def value_latex(self) -> str:
        """The formula in LaTeX (a ``cases`` environment for a piecewise one, each piece's
        condition the bounds its region adds); raises ValueError when none was found."""
        from .parametric import parse_value
        if self.formula is None:
            raise ValueError("no formula was found")
        if not self.pieces:
            return formula_latex(parse_value(self.formula))
        shared = _shared_prefix([region for region, _, _, _ in self.pieces])
        return "\\begin{cases} " + " \\\\ ".join(
            f"{formula_latex(parse_value(formula))} & "
            f"\\text{{if {tex.text(region.removeprefix(shared))}}}"
            for region, formula, _, _ in self.pieces) + " \\end{cases}"

    def _repr_latex_(self) -> str:
        """Jupyter: the formula in LaTeX and its verdict."""
        if self.formula is None:
            return f"no formula found ({tex.text(self.note)})"
        state = "" if self.verdict == "holds" else "\\text{not proven: } "
        return f"${state}\\{self.sense} = {self.value_latex()}$ " \
               f"({self.verdict}: {tex.text(self.note)})"

    def _repr_html_(self) -> str:
        """Jupyter: the content of :meth:`_repr_latex_` as exact text in HTML."""
        formula = "no formula found" if self.formula is None else \
            f"{self.sense} = {self.formula}"
        return f"<p><code>{html.escape(formula)}</code> " \
               f"({html.escape(self.verdict)}: {html.escape(self.note)})</p>"


def _shared_prefix(regions: list) -> str:
    """The region text the pieces' regions all begin with, up to its last ", "."""
    common = regions[0]
    for region in regions[1:]:
        while not region.startswith(common):
            common = common[:-1]
    return common[:common.rfind(", ") + 2] if ", " in common else ""


@dataclass(frozen=True)
class PointCheck:
    """Whether a given profile is a fixed point, and if not, why not.

    ``fixed_point`` carries the witness when it is one. Otherwise
    ``failing`` lists the seats whose agent cannot produce its strategy there,
    and ``producible[seat]`` the exact range of each action's probability over
    the outputs that agent can produce at the profile (a list of
    ``(low, high, low_attained, high_attained)``, or None when unknown).
    """

    profile: tuple
    fixed_point: FixedPoint | None
    failing: tuple
    producible: tuple

    def to_json(self, game: Game, decimals: int | None = None) -> dict:
        """The check as JSON, ranges keyed by the game's action names."""
        ranges = []
        for seat in (0, 1):
            if self.producible[seat] is None:
                ranges.append(None)
                continue
            ranges.append({game.actions[seat][k]: _interval_text(r, decimals)
                           for k, r in enumerate(self.producible[seat])})
        return {"profile": [[fmt(p, decimals) for p in s] for s in self.profile],
                "is_fixed_point": self.fixed_point is not None,
                "failing_seats": [s + 1 for s in self.failing], "producible": ranges,
                "fixed_point": self.fixed_point.to_json(decimals) if self.fixed_point else None}


def _interval_text(r, decimals) -> str:
    low, high, low_in, high_in = r
    return (("[" if low_in else "(") + fmt(low, decimals) + ", " + fmt(high, decimals)
            + ("]" if high_in else ")"))


@dataclass(frozen=True)
class Step:
    """One node or condition a run evaluated: its ``path`` from the program's root (child
    indices; a condition's ends in "c"), ``kind`` (the class of the node), a ``label`` in
    words, its ``value`` (a node's output distribution, a condition's probability of
    holding) and exact ``details``: a query's ``value`` and ``threshold`` (and
    ``tie_probability`` at a tie), a delta-sure comparison's ``least`` and ``greatest``
    value over the profiles within delta of the estimates, a cone test's ``least_gains``
    (each gain pair's least values there), a region test's ``own_box`` and ``opp_box``
    (the ranges of each first action there), an If's ``condition`` probability, a Mix's
    ``probability``, a Choose's ``weights``."""

    path: tuple
    kind: str
    label: str
    value: object
    details: dict

    def to_json(self, decimals: int | None = None) -> dict:
        """The step, numbers as exact text (or decimals)."""
        return {"path": "/".join(map(str, self.path)), "kind": self.kind, "label": self.label,
                "value": _number_text(self.value, decimals),
                "details": {k: _number_text(v, decimals) for k, v in self.details.items()}}


@dataclass(frozen=True)
class RunExplanation:
    """One run of an agent at a fixed point: its weight in the agent's mixture, its
    estimates ((own, opponent), or None), its output and its steps in evaluation order
    (each node before its condition, the condition before the branches)."""

    weight: Number
    estimate: tuple | None
    output: tuple
    steps: tuple

    def to_json(self, decimals: int | None = None) -> dict:
        """The run, numbers as exact text (or decimals)."""
        return {"weight": fmt(self.weight, decimals),
                "estimate": _number_text(self.estimate, decimals),
                "output": _number_text(self.output, decimals),
                "steps": [s.to_json(decimals) for s in self.steps]}


@dataclass(frozen=True)
class Explanation:
    """Why a profile is a fixed point (``runs``: for each seat, the runs that mix to its
    strategy; ``answers``: the oracle's tie probabilities by query key), or the
    :class:`PointCheck` that says why it is not (``runs`` empty); ``game`` and ``agents``
    (the two agents' texts, seat 1 first) name what was explained."""

    check: PointCheck
    runs: tuple
    answers: dict
    game: Game
    agents: tuple

    def to_json(self, decimals: int | None = None) -> dict:
        """The check's JSON with, for a fixed point, the tie probabilities and each seat's
        runs."""
        out = self.check.to_json(self.game, decimals)
        out["tie_probabilities"] = [{"query": f"{poly!r} > {threshold}", "machine": machine,
                                     "q": fmt(q, decimals)}
                                    for (poly, threshold, machine), q in self.answers.items()]
        out["runs"] = [[r.to_json(decimals) for r in seat] for seat in self.runs]
        return out

    def text(self, decimals: int | None = None) -> str:
        """What `rov explain` prints: the fixed point, the oracle's tie probabilities and
        each run step by step (:mod:`verifier.decision.explanation_text`)."""
        from .explanation_text import explanation_text
        return explanation_text(self, decimals)

    def _repr_latex_(self) -> str:
        """Jupyter: :meth:`text`, exact, one line per row of a LaTeX array (each leading
        space kept as half an em, which LaTeX's \\text would drop)."""
        rows = []
        for line in self.text().splitlines():
            indent = len(line) - len(line.lstrip(" "))
            rows.append((f"\\hspace{{{indent / 2:g}em}}" if indent else "")
                        + f"\\text{{{tex.text(line.lstrip(' '))}}}")
        return "$\\begin{array}{l} " + " \\\\ ".join(rows) + " \\end{array}$"

    def _repr_html_(self) -> str:
        """Jupyter: :meth:`text`, exact, as preformatted HTML."""
        return f"<pre>{html.escape(self.text())}</pre>"


def _number_text(x, decimals: int | None):
    """Exact text of a number, or of the numbers in nested tuples and lists; other values
    (booleans, None) as they are."""
    if isinstance(x, (tuple, list)):
        return [_number_text(v, decimals) for v in x]
    return x if x is None or isinstance(x, bool) else fmt(x, decimals)


def formula_latex(value) -> str:
    """A formula in the parameters (:func:`verifier.decision.parametric.parse_value`) as
    LaTeX: a ratio of polynomials, or the root of a x^2 + b x + c as
    (-b -/+ sqrt(b^2 - 4 a c)) / (2 a) (a > 0 throughout the region: checked with the
    formula)."""
    import sympy
    from ..checker.families import QuadraticRoot, sympy_expr
    symbols: dict = {}
    if isinstance(value, QuadraticRoot):
        a, b, c = (sympy_expr(p, symbols) for p in value.polys)
        root = sympy.sqrt(sympy.factor(b * b - 4 * a * c))
        expr = (-b + (root if value.larger else -root)) / (2 * a)
    else:
        expr = sympy.factor(sympy.cancel(sympy_expr(value.num, symbols)
                                         / sympy_expr(value.den, symbols)))
    return sympy.latex(expr)



def _latex(point: FixedPoint) -> str:
    """A fixed point's strategies and payoffs in LaTeX (no action names), and the
    parameter values it was found at (or, proven for the region, its terms in them)."""
    if point.whole_region and point.terms:
        return r"\text{" + tex.text(" vs ".join("(" + ", ".join(s) + ")" for s in point.terms)
                                    + " for every parameter in the region") + "}"
    sides = [tex.strategy(s) for s in point.profile]
    pay = tex.strategy(point.payoffs)
    at = ", ".join(f"{n} = {tex.number(v)}" for n, v in point.params)
    return f"{sides[0]} \\text{{ vs }} {sides[1]},\\ u = {pay}" + \
        (f"\\ \\text{{at}}\\ {at}" if at else "")


def _html(point: FixedPoint) -> str:
    """:func:`_latex`'s content as escaped exact text."""
    if point.whole_region and point.terms:
        return html.escape(" vs ".join("(" + ", ".join(s) + ")" for s in point.terms)
                           + " for every parameter in the region")
    sides = " vs ".join("(" + ", ".join(fmt(x) for x in s) + ")" for s in point.profile)
    at = ", ".join(f"{n} = {fmt(v)}" for n, v in point.params)
    return html.escape(f"{sides}, u = ({', '.join(fmt(u) for u in point.payoffs)})"
                       + (f" at {at}" if at else ""))
