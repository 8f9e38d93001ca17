"""Readings: the choices the post's words leave open, as named switches.

The post does not say at which relative rates D(p1,p2)(o1,o2) moves the two
players, it defines its estimates on a grid that the box model
over-approximates, and it does not say how "delta-surely not in the green
zone" is tested. Each of these is a *reading key* with a few values; a
:class:`Reading` fixes all of them. LP, neLP and the region agents take the
keys as parameters of their spec (``lp(eps=1/10,delta=1/1000,directions=cone)``),
``--reading KEY=VALUE,...`` sets them for every agent of a run, and every
result, certificate and findings row records the reading it was obtained
under. docs/semantics.md (section "Readings") says why each value exists and
what changes under it.

>>> parse_reading("directions=cone, estimates=grid").text
'directions=cone,estimates=grid,region_test=edge'
>>> Reading().text
'directions=equal,estimates=box,region_test=edge'
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from itertools import product

from ..errors import UsageError

# key -> (allowed values, default first)
KEYS: dict[str, tuple[str, ...]] = {
    "directions": ("equal", "cone"),
    "estimates": ("box", "grid"),
    "region_test": ("edge", "exact"),
}


@dataclass(frozen=True)
class Reading:
    """One value for every reading key (the defaults are today's historical model).

    - ``directions``: ``equal`` - D moves both players at equal rates (one
      direction); ``cone`` - any non-negative rates, not both zero, the same
      for every profile of the delta-box.
    - ``estimates``: ``box`` - any estimate within delta/2 of the truth;
      ``grid`` - the post's grid points n * delta/2 within delta/2.
    - ``region_test``: ``edge`` - "delta-surely outside the polygon" when the
      whole delta-box lies beyond one edge; ``exact`` - when no profile of
      the delta-box has its payoff pair in the polygon.

    Source: docs/references.md [armstrong2016]; docs/semantics.md.
    """

    directions: str = "equal"
    estimates: str = "box"
    region_test: str = "edge"

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in KEYS[f.name]:
                raise UsageError(f"reading {f.name}={value!r}: one of {', '.join(KEYS[f.name])}")

    @property
    def text(self) -> str:
        """``directions=equal,estimates=box,region_test=edge``."""
        return ",".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))

    def short(self, keys) -> str:
        """The values of some keys only, e.g. ``cone, grid`` (for table headers)."""
        return ", ".join(getattr(self, k) for k in KEYS if k in keys)

    def to_json(self) -> dict:
        """The reading's keys and values as a dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_keys(self, settings: dict) -> "Reading":
        """This reading with the keys in ``settings`` replaced."""
        return replace(self, **settings)

    def matches(self, pattern: dict) -> bool:
        """Whether every key the pattern names has the pattern's value."""
        return all(getattr(self, k) == v for k, v in pattern.items())


DEFAULT = Reading()


def parse_settings(text: str) -> dict:
    """``"directions=cone,estimates=grid"`` -> {"directions": "cone", "estimates": "grid"}.

    Raises UsageError for an unknown key or value, or a key given twice.
    """
    out: dict = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, eq, value = (s.strip() for s in part.partition("="))
        if not eq:
            raise UsageError(f"reading {part!r}: write KEY=VALUE (keys: {', '.join(KEYS)})")
        if key not in KEYS:
            raise UsageError(f"unknown reading key {key!r} (keys: {', '.join(KEYS)})")
        if value not in KEYS[key]:
            raise UsageError(f"reading {key}={value!r}: one of {', '.join(KEYS[key])}")
        if key in out:
            raise UsageError(f"reading key {key!r} given twice")
        out[key] = value
    return out


def parse_reading(text: str) -> Reading:
    """A full reading: the given keys, defaults for the others."""
    return DEFAULT.with_keys(parse_settings(text))


def combinations(keys) -> list[Reading]:
    """Every reading that differs from the default only in ``keys`` (default first)."""
    keys = [k for k in KEYS if k in set(keys)]
    return [DEFAULT.with_keys(dict(zip(keys, values)))
            for values in product(*(KEYS[k] for k in keys))]
