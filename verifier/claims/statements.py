"""The statement kinds: what a claim says about the fixed points of its pair.

- :class:`Always` - every fixed point satisfies a formula;
- :class:`Exists` - some fixed point satisfies a formula;
- :class:`Unique` - the fixed point is unique and equals a given profile;
- :class:`NoFixedPoint` - the pair has no fixed point (only meaningful for
  encodings that restrict the oracle, e.g. without randomisation at ties);
- :class:`Extreme` - the exact minimum or maximum of an objective over the
  fixed points (optionally: it equals a given value).

Each is one class, registered with :func:`~verifier.claims.kinds.statement_kind`, that
gives its formal text (``describe``), decides itself with a :class:`Pair` (``decide``)
and states itself for certificates (``question``); see :mod:`verifier.claims.kinds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from ..decision.solver import Pair
from ..model.numbers import exact
from ..model.poly import Formula, Poly, Truth
from .decide import (atoms_polys, claimed_value, extreme_at_point, extreme_over_region,
                     for_every_parameter, formula_of, own_symbols)
from .formulas import Vars
from .kinds import Statement, statement_kind


def _named_profile(v: Vars, profile) -> str:
    return " vs ".join("(" + ", ".join(f"{a}={exact(p)}" for a, p in zip(v.game.actions[i], s))
                       + ")" for i, s in enumerate(profile))


def _exact_profile(profile) -> tuple:
    return tuple(tuple(exact(p) for p in s) for s in profile)


@statement_kind("always")
@dataclass(frozen=True)
class Always(Statement):
    """Every fixed point satisfies ``formula(vars)``."""

    formula: Callable[[Vars], Formula]

    def describe(self, v: Vars) -> str:
        """The formal text: ``every fixed point satisfies ...``."""
        return f"every fixed point satisfies {v.text(self.formula(v))}"

    def decide(self, pair: Pair, v: Vars, progress=None) -> tuple[str, dict]:
        """Holds when no fixed point violates the formula; else fails with one that does."""
        phi = formula_of(self, v)
        own_symbols(pair, *atoms_polys(phi))
        bad = pair.counterexample(phi)
        return ("holds", {}) if bad is None else ("fails", {"counterexample": bad})

    def question(self, v: Vars, detail: dict | None = None) -> dict:
        """``{"type": "always", "formula": ...}``."""
        return {"type": self.kind, "formula": formula_of(self, v)}


@statement_kind("exists")
@dataclass(frozen=True)
class Exists(Statement):
    """Some fixed point satisfies ``formula(vars)``."""

    formula: Callable[[Vars], Formula]

    def describe(self, v: Vars) -> str:
        """The formal text: ``some fixed point satisfies ...``."""
        return f"some fixed point satisfies {v.text(self.formula(v))}"

    def decide(self, pair: Pair, v: Vars, progress=None) -> tuple[str, dict]:
        """Holds with a witness (one for every parameter over a region), fails when none."""
        phi = formula_of(self, v)
        own_symbols(pair, *atoms_polys(phi))
        good = pair.example(phi)
        if good is None:
            return "fails", {}
        return for_every_parameter(pair, good, "holds", {"witness": good})

    def question(self, v: Vars, detail: dict | None = None) -> dict:
        """``{"type": "exists", "formula": ...}``."""
        return {"type": self.kind, "formula": formula_of(self, v)}


@statement_kind("unique")
@dataclass(frozen=True)
class Unique(Statement):
    """The only fixed point is ``profile`` (a pair of distributions)."""

    profile: tuple

    def describe(self, v: Vars) -> str:
        """The formal text: ``the only fixed point is (C=1, D=0) vs ...``."""
        return "the only fixed point is " + _named_profile(v, self.profile)

    def decide(self, pair: Pair, v: Vars, progress=None) -> tuple[str, dict]:
        """Holds when the profile is a fixed point and no other profile is one."""
        profile = _exact_profile(self.profile)
        point = pair.find(pair.at_profile(profile), general=pair.profile_formulas(profile))
        if point is None:
            return "fails", {"reason": "the given profile is not a fixed point"}
        other = pair.find([pair.exclude(point, 0)])
        if other is not None:
            return "fails", {"counterexample": other}
        return for_every_parameter(pair, point, "holds", {"witness": point})

    def question(self, v: Vars, detail: dict | None = None) -> dict:
        """``{"type": "unique", "profile": ...}`` (exact numbers)."""
        return {"type": self.kind, "profile": _exact_profile(self.profile)}


@statement_kind("no_fixed_point")
@dataclass(frozen=True)
class NoFixedPoint(Statement):
    """The pair has no fixed point at all."""

    def describe(self, v: Vars) -> str:
        """The formal text: ``there is no fixed point``."""
        return "there is no fixed point"

    def decide(self, pair: Pair, v: Vars, progress=None) -> tuple[str, dict]:
        """Holds when there is no fixed point; else fails with one."""
        point = pair.example(Truth(True))
        return ("holds", {}) if point is None else ("fails", {"counterexample": point})

    def question(self, v: Vars, detail: dict | None = None) -> dict:
        """``{"type": "no_fixed_point"}``."""
        return {"type": self.kind}


@statement_kind("extreme")
@dataclass(frozen=True)
class Extreme(Statement):
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
        """The formal text: ``the min of ... over the fixed points is ...``."""
        where = "" if self.subject_to is None else f" with {v.text(self.subject_to(v))}"
        what = f"the {self.sense} of {v.text(self.objective(v))} over the fixed points{where}"
        if self.value is None:
            return f"{what} is found exactly (a certified value)"
        kind = {True: ", attained", False: ", not attained", None: ""}[self.attained]
        return f"{what} is {_value_text(self.value)}{kind}"

    def decide(self, pair: Pair, v: Vars, progress=None) -> tuple[str, dict]:
        """The exact optimum compared with the claim: over a parameter region the claimed
        value is a formula in the parameters (:func:`extreme_over_region`)."""
        if pair.region is not None:
            return extreme_over_region(self, pair, v)
        return extreme_at_point(self, pair, v, progress)

    def question(self, v: Vars, detail: dict | None = None) -> dict:
        """``{"type": "extreme", ...}``; ``{"type": "extreme_formula", ...}`` with the
        proven formula when ``detail`` holds a ``formula_optimum`` (a parameter region)."""
        formula = detail is not None and "formula_optimum" in detail
        return {"type": "extreme_formula" if formula else self.kind,
                "objective": self.objective(v), "sense": self.sense,
                "value": detail["formula_optimum"].value if formula else
                None if self.value is None else claimed_value(self.value),
                "attained": self.attained,
                "subject_to": None if self.subject_to is None else self.subject_to(v)}


def _value_text(value) -> str:
    """A claimed value: a rational, a formula, or a root as 'the smallest real root of p'."""
    if isinstance(value, sympy.CRootOf):
        order = ["smallest", "second smallest", "third smallest"]
        which = order[value.index] if value.index < 3 else f"real root number {value.index + 1} of"
        return f"the {which} real root of {sympy.sstr(value.expr)} = 0"
    return str(value)
