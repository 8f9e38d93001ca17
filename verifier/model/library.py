"""The built-in agents of the post and its comments, and agent specs.

Each agent is a few lines that follow the post's pseudocode. A spec string
such as ``nelp(eps=1/10, delta=1/1000)`` names an agent with parameters
(positional or keyword); :func:`parse_agent` turns it into an :class:`Agent`.
An agent is one builder function registered with :func:`library_agent`
(docs/architecture.md, "How to add a library agent").

>>> parse_agent("nicerbot(eps=1/10)").spec
'nicerbot(eps=1/10)'
>>> parse_agent("lp(1/10, 1/1000)").spec
'lp(eps=1/10,delta=1/1000)'
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Callable

from ..errors import InternalError

from .agents import (Agent, AgentError, AnyOf, Choose, If, Mix, Node, Play, PlayEstimate,
                     Query, SeatView, Surely, SurelyCone, SurelyOutside, prob)
from .readings import DEFAULT, KEYS
from .spec_values import (at_values, convex_polygon, number, polygon_text, precision,
                          probability, split_args)

# ----------------------------------------------------------------- helpers


def _cooperate_defect(me: SeatView) -> tuple[int, int]:
    """Indices of 'C' and 'D' (or of the two actions of a two-action game)."""
    names = me.game.actions[me.seat]
    if "C" in names and "D" in names:
        return names.index("C"), names.index("D")
    if len(names) == 2:
        return 0, 1
    raise AgentError(f"this agent needs actions named C and D, or exactly two actions "
                     f"(player {me.seat + 1} has {', '.join(names)})")


def _opp_cooperate(me: SeatView) -> int:
    names = me.game.actions[1 - me.seat]
    if "C" in names:
        return names.index("C")
    if len(names) == 2:
        return 0
    raise AgentError("this agent needs the opponent to have an action named C")


def _pareto(me: SeatView, o1: int, o2: int, directions: str):
    """"D(p1,p2)(o1,o2) is delta-Pareto": both payoffs rise at every profile of the
    delta-box, moving at equal rates (``equal``) or at some rates, the same for the
    whole box (``cone``)."""
    if directions == "equal":
        return Surely(me.gain("self", o1, o2), ">") & Surely(me.gain("opp", o1, o2), ">")
    return SurelyCone(tuple((me.move_gain(whose, "self", o1), me.move_gain(whose, "opp", o2))
                            for whose in ("self", "opp")))


def _lp_body(me: SeatView, eps: Fraction, directions: str) -> Node:
    """LP's body with "choose among the candidate o1" as a Choose over guarded options."""
    cands = []
    for o1 in range(me.n_self):
        per_o2 = [_pareto(me, o1, o2, directions) for o2 in range(me.n_opp)]
        cands.append((o1, per_o2[0] if len(per_o2) == 1 else AnyOf(tuple(per_o2))))
    if len(cands) == 1:
        toward: Node = me.play(cands[0][0])
    else:
        # Choose any candidate: option k is o1 = k when k is a candidate, and
        # otherwise falls back to the first candidate (always one exists here).
        options = []
        for o1, cond in cands:
            fallback: Node = me.play(cands[-1][0])
            for o, c in reversed(cands):
                fallback = If(c, me.play(o), fallback)
            options.append(If(cond, me.play(o1), fallback))
        toward = Choose(tuple(options))
    exists = AnyOf(tuple(c for _, c in cands))
    return If(exists, Mix(prob(1 - eps), PlayEstimate(), toward), PlayEstimate())


def _reading(agent: str, given: dict, keys: tuple) -> tuple:
    """The agent's reading: the given values of its keys, defaults for the others."""
    for key, value in given.items():
        if key not in keys:
            raise AgentError(f"{agent}: takes no reading key {key!r} (takes {', '.join(keys)})")
        if value not in KEYS[key]:
            raise AgentError(f"{agent}: {key}={value!r}: one of {', '.join(KEYS[key])}")
    return tuple((k, given.get(k, getattr(DEFAULT, k))) for k in keys)


def _reading_text(reading: tuple) -> str:
    """The non-default reading values, as spec arguments (",directions=cone")."""
    return "".join(f",{k}={v}" for k, v in reading if v != getattr(DEFAULT, k))


# ---------------------------------------------------------------- registry


@dataclass(frozen=True)
class LibraryAgent:
    """A registered library agent: its builder and what its spec may say.

    ``params`` are the builder's parameters in order (a spec may give them by position);
    ``required`` those without a default; ``numeric`` those that take numbers or
    expressions in parameter symbols (the others, ``words``, take names);
    ``reading_keys`` the reading keys it takes (:mod:`verifier.model.readings`), passed to
    the builder's ``**reading``.
    """

    name: str
    build: Callable[..., Agent]
    params: tuple
    required: tuple
    numeric: tuple
    reading_keys: tuple = ()


REGISTRY: dict[str, LibraryAgent] = {}  # spec name -> the agent, in registration order
LIBRARY: dict[str, Callable[..., Agent]] = {}  # spec name -> builder (the public table)
READING_KEYS: dict[str, tuple] = {}  # the agents that take reading keys -> their keys


def library_agent(name: str, reading_keys: tuple = (), words: tuple = ()):
    """Register a builder as the library agent ``name`` (a decorator): its spec parameters
    are the builder's parameters, ``words`` among them take names, not numbers. Raises
    InternalError for a name registered twice or not in lower case, or reading keys
    without a ``**reading`` parameter to take them (or the converse)."""

    def register(build: Callable[..., Agent]) -> Callable[..., Agent]:
        signature = inspect.signature(build).parameters.values()
        params = tuple(p.name for p in signature if p.kind is p.POSITIONAL_OR_KEYWORD)
        takes_reading = any(p.kind is p.VAR_KEYWORD for p in signature)
        if name in REGISTRY or name != name.lower().replace("_", "-"):
            raise InternalError(f"library agent {name!r} registered twice, or not as a spec "
                                f"names it (lower case, '-' for '_')")
        if bool(reading_keys) != takes_reading or not set(words) <= set(params):
            raise InternalError(f"library agent {name!r}: reading keys need a **reading "
                                f"parameter, and words must be parameters")
        REGISTRY[name] = LibraryAgent(
            name, build, params,
            tuple(p.name for p in signature if p.kind is p.POSITIONAL_OR_KEYWORD
                  and p.default is p.empty),
            tuple(p for p in params if p not in words), tuple(reading_keys))
        LIBRARY[name] = build
        if reading_keys:
            READING_KEYS[name] = tuple(reading_keys)
        return build

    return register


# ------------------------------------------------------------------ agents


@library_agent("cooperatebot")
def cooperatebot() -> Agent:
    """CooperateBot: the cooperation rock."""
    return Agent("cooperatebot", lambda me: me.play(_cooperate_defect(me)[0]))


@library_agent("defectbot")
def defectbot() -> Agent:
    """DefectBot: the defection rock."""
    return Agent("defectbot", lambda me: me.play(_cooperate_defect(me)[1]))


@library_agent("rock", words=("action",))
def rock(action: str) -> Agent:
    """Always play ``action`` (a name)."""
    return Agent(f"rock(action={action})", lambda me: me.play(action), params=(("action", action),))


@library_agent("mixed")
def mixed(p) -> Agent:
    """A mixed rock: play the first action (C) with probability p, else the second."""
    needs: list = []
    p = probability("mixed", "p", p, needs, closed=True)

    def build(me: SeatView) -> Node:
        c, d = _cooperate_defect(me)
        return Mix(prob(p), me.play(c), me.play(d))

    return Agent(f"mixed(p={p})", build, params=(("p", p),), requirements=tuple(needs))


@library_agent("nicerbot")
def nicerbot(eps) -> Agent:
    """NicerBot / epsilon-grounded FairBot.

    with probability eps: cooperate
    otherwise: cooperate with the opponent's probability of cooperating
    """
    needs: list = []
    eps = probability("nicerbot", "eps", eps, needs, closed=True)

    def build(me: SeatView) -> Node:
        c, d = _cooperate_defect(me)
        mirror = Mix(me.p_opp(_opp_cooperate(me)), me.play(c), me.play(d))
        return Mix(prob(eps), me.play(c), mirror)

    return Agent(f"nicerbot(eps={eps})", build, params=(("eps", eps),),
                 requirements=tuple(needs))


LP_KEYS = ("directions", "estimates")
REGION_KEYS = ("directions", "estimates", "region_test")


@library_agent("lp", reading_keys=LP_KEYS)
def lp(eps, delta, **reading) -> Agent:
    """LP, the locally Pareto agent of the post (docs/references.md [armstrong2016]).

    estimate p1, p2 (within delta/2)
    if some (o1, o2) is delta-surely a Pareto direction:
        with probability 1 - eps output p1, with probability eps output o1
    else output p1

    ``reading``: ``directions`` ("equal" or "cone") and ``estimates`` ("box"
    or "grid"), see :mod:`verifier.model.readings`. Raises AgentError for values
    out of range.
    """
    needs: list = []
    eps = probability("lp", "eps", eps, needs)
    delta = precision("lp", delta, needs)
    read = _reading("lp", reading, LP_KEYS)
    directions = dict(read)["directions"]
    return Agent(f"lp(eps={eps},delta={delta}{_reading_text(read)})",
                 lambda me: _lp_body(me, eps, directions), delta,
                 (("eps", eps), ("delta", delta)), tuple(needs), read)


@library_agent("nelp", reading_keys=LP_KEYS)
def nelp(eps, delta, min=None, **reading) -> Agent:  # noqa: A002 - the post's name
    """neLP, the non-exploitable LP of the post (docs/references.md [armstrong2016]).

    if my payoff is delta-surely below min: play my maximin strategy
    otherwise behave as LP
    ``min`` defaults to the game's minmax (security) value; ``reading`` as for
    :func:`lp`.
    """
    needs: list = []
    eps = probability("nelp", "eps", eps, needs)
    delta = precision("nelp", delta, needs)
    floor = None if min is None else number("nelp", "min", min)
    read = _reading("nelp", reading, LP_KEYS)
    directions = dict(read)["directions"]

    def build(me: SeatView) -> Node:
        level = me.security_value if floor is None else floor
        return If(Surely(me.u_self - level, "<"), Play(me.security_strategy),
                  _lp_body(me, eps, directions))

    spec = f"nelp(eps={eps},delta={delta}" + ("" if floor is None else f",min={floor}") + \
        _reading_text(read) + ")"
    params = (("eps", eps), ("delta", delta)) + (() if floor is None else (("min", floor),))
    return Agent(spec, build, delta, params, tuple(needs), read)


@library_agent("region", reading_keys=REGION_KEYS)
def region(eps, delta, polygon, **reading) -> Agent:
    """neLP with an allowable region of the payoff plane (the green/yellow agents).

    ``polygon``: vertices of a convex polygon in the plane (my payoff, the
    opponent's payoff). If the payoffs are delta-surely outside it, play my
    maximin strategy; otherwise behave as LP. "delta-surely outside" is, by
    ``region_test``: ``edge``, the whole delta-box lies strictly beyond one
    of its edges; ``exact``, no profile of the delta-box has its payoff pair
    in the (closed) polygon (two-action games). ``directions`` and
    ``estimates`` as for :func:`lp`.
    """
    needs: list = []
    eps = probability("region", "eps", eps, needs)
    delta = precision("region", delta, needs)
    vertices = convex_polygon(polygon, needs)
    read = _reading("region", reading, REGION_KEYS)
    directions, test = dict(read)["directions"], dict(read)["region_test"]

    def build(me: SeatView) -> Node:
        insides = []
        for (x1, y1), (x2, y2) in zip(vertices, vertices[1:] + vertices[:1]):
            # inside of a counter-clockwise edge: cross(edge, point - start) >= 0
            insides.append((x2 - x1) * (me.u_opp - y1) - (y2 - y1) * (me.u_self - x1))
        outside = AnyOf(tuple(Surely(g, "<") for g in insides)) if test == "edge" else \
            SurelyOutside(tuple(insides))
        return If(outside, Play(me.security_strategy), _lp_body(me, eps, directions))

    text = ";".join(f"{x},{y}" for x, y in vertices)
    return Agent(f"region(eps={eps},delta={delta}{_reading_text(read)},polygon={text})", build,
                 delta, (("eps", eps), ("delta", delta), ("polygon", tuple(vertices))),
                 tuple(needs), read)


@library_agent("best-response")
def best_response() -> Agent:
    """The CDT agent: a best reply to the opponent's exact strategy.

    Actions are compared in a knockout (champion against each challenger) by
    oracle queries; at ties the oracle may answer either way, so every mixture
    of best replies is producible and nothing else is.
    """
    return Agent("best-response", best_reply_body)


def best_reply_body(me: SeatView) -> Node:
    """The knockout of :func:`best_response`. Subtrees are shared: the tree has 4^(n-1)
    paths but only O(n^2) distinct nodes."""
    @cache
    def knockout(champion: int, challenger: int) -> Node:
        if challenger == me.n_self:
            return me.play(champion)
        gain = me.u_playing(challenger) - me.u_playing(champion)
        return If(Query(gain), knockout(challenger, challenger + 1),
                  If(Query(-gain), knockout(champion, challenger + 1),
                     Choose((knockout(champion, challenger + 1),
                             knockout(challenger, challenger + 1)))))

    return knockout(0, 1)


@library_agent("liar")
def liar() -> Agent:
    """The contrarian of claim C1: play C iff the oracle says my P(C) is not above 1/2."""

    def build(me: SeatView) -> Node:
        c, d = _cooperate_defect(me)
        return If(Query(me.p_self(c), Fraction(1, 2)), me.play(d), me.play(c))

    return Agent("liar", build)


@library_agent("any")
def anything() -> Agent:
    """An arbitrary opponent: any mixed strategy is producible, so its seat is free.

    "Every fixed point against ``any``" quantifies over all deviations, pure
    and mixed.
    """
    return Agent("any", lambda me: Choose(tuple(me.play(a) for a in range(me.n_self))))


# ------------------------------------------------------------------ specs

_SPEC = re.compile(r"^\s*([A-Za-z][\w-]*)\s*(?:\((.*)\))?\s*$", re.S)


def reading_keys(spec: str) -> tuple:
    """The reading keys an agent spec's agent takes (empty: its verdicts do not depend on
    any reading)."""
    match = _SPEC.match(spec)
    name = match.group(1).lower().replace("_", "-") if match else ""
    return READING_KEYS.get(name, ())


def with_reading(spec: str, settings: dict) -> str:
    """The spec with reading keys set for an agent that takes them (others unchanged):
    ``with_reading("lp(1/10,1/1000)", {"directions": "cone"})`` is
    ``"lp(eps=1/10,delta=1/1000,directions=cone)"``. Raises AgentError like
    :func:`parse_agent`."""
    if not settings or not reading_keys(spec):
        return spec
    return parse_agent(spec, reading=settings).spec


def parse_agent(spec: str, values: dict | None = None, reading: dict | None = None) -> Agent:
    """An agent from a spec such as ``"nelp(eps=1/10, delta=1/1000)"``.

    Parameters may be expressions in symbols (``"nelp(eps=e, delta=e/100)"``);
    ``values`` gives symbols exact values, to instantiate such a spec.
    ``reading`` (``{"directions": "cone"}``) sets reading keys for an agent
    that takes them, others ignore it; a spec that names a key with another
    value is refused. Raises AgentError with a one-line message.
    """
    match = _SPEC.match(spec)
    if not match:
        raise AgentError(f"cannot read agent spec {spec!r}; expected NAME or NAME(arg=value, ...)")
    name, argtext = match.group(1).lower().replace("_", "-"), match.group(2)
    if name not in REGISTRY:
        raise AgentError(f"unknown agent {match.group(1)!r} (known: {', '.join(REGISTRY)})")
    entry = REGISTRY[name]
    takes = entry.reading_keys
    allowed = entry.params + takes
    kwargs: dict = {}
    argtext = argtext or ""
    for found in list(re.finditer(r"(?:^|,)\s*(%s)\s*=\s*([A-Za-z_]+)\s*(?=,|$)"
                                  % "|".join(KEYS), argtext)):
        key, value = found.group(1), found.group(2)
        if key not in takes:
            raise AgentError(f"{name}: takes no reading key {key!r}"
                             + (f" (takes {', '.join(takes)})" if takes else ""))
        if key in kwargs:
            raise AgentError(f"{name}: parameter {key!r} given twice")
        kwargs[key] = value
    argtext = re.sub(r"(?:^|,)\s*(%s)\s*=\s*[A-Za-z_]+\s*(?=,|$)" % "|".join(KEYS), "",
                     argtext).strip().strip(",")
    polygon = re.search(r"\bpolygon\s*=\s*(.*)$", argtext, re.S)
    if polygon and "polygon" in allowed:
        # the polygon is the last parameter and holds commas of its own
        kwargs["polygon"] = polygon_text(polygon.group(1))
        argtext = argtext[:polygon.start()].rstrip().rstrip(",")
    for i, arg in enumerate(split_args(argtext)):
        if not arg:
            raise AgentError(f"{name}: empty argument in {spec!r}")
        if "=" in arg and not arg.startswith(("(", "[")):
            key, value = (s.strip() for s in arg.split("=", 1))
        elif i < len(entry.params):
            key, value = entry.params[i], arg
        else:
            raise AgentError(f"{name}: too many arguments (takes {', '.join(allowed) or 'none'})")
        if key not in allowed:
            raise AgentError(f"{name}: unknown parameter {key!r} "
                             f"(takes {', '.join(allowed) or 'none'})")
        if key in kwargs:
            raise AgentError(f"{name}: parameter {key!r} given twice")
        kwargs[key] = polygon_text(value) if key == "polygon" else value
        if values and key in entry.numeric:
            kwargs[key] = at_values(kwargs[key], values, name)
    for key, value in (reading or {}).items():
        if key not in takes:
            continue
        if key in kwargs and kwargs[key] != value:
            raise AgentError(f"{name}: the spec says {key}={kwargs[key]}, the reading "
                             f"{key}={value}")
        kwargs[key] = value
    if values and "polygon" in kwargs:
        kwargs["polygon"] = at_values(kwargs["polygon"], values, name)
    missing = [k for k in entry.required if k not in kwargs]
    if missing:
        raise AgentError(f"{name}: missing parameter {', '.join(missing)}")
    return entry.build(**kwargs)
