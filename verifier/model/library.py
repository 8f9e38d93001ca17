"""The built-in agents of the post and its comments, and agent specs.

Each agent is a few lines that follow the post's pseudocode. A spec string
such as ``nelp(eps=1/10, delta=1/1000)`` names an agent with parameters
(positional or keyword); :func:`parse_agent` turns it into an :class:`Agent`.

>>> parse_agent("nicerbot(eps=1/10)").spec
'nicerbot(eps=1/10)'
>>> parse_agent("lp(1/10, 1/1000)").spec
'lp(eps=1/10,delta=1/1000)'
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache
from typing import Callable

from .agents import (Agent, AgentError, AnyOf, Choose, If, Mix, Node, Play, PlayEstimate,
                     Query, SeatView, Surely, SurelyCone, SurelyOutside, prob)
from .numbers import InexactNumberError, exact
from .params import ParameterError, parse_expression
from .poly import Poly
from .readings import DEFAULT, KEYS

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


# ------------------------------------------------------------------ agents


def cooperatebot() -> Agent:
    """CooperateBot: the cooperation rock."""
    return Agent("cooperatebot", lambda me: me.play(_cooperate_defect(me)[0]))


def defectbot() -> Agent:
    """DefectBot: the defection rock."""
    return Agent("defectbot", lambda me: me.play(_cooperate_defect(me)[1]))


def rock(action: str) -> Agent:
    """Always play ``action`` (a name)."""
    return Agent(f"rock(action={action})", lambda me: me.play(action), params=(("action", action),))


def mixed(p) -> Agent:
    """A mixed rock: play the first action (C) with probability p, else the second."""
    needs: list = []
    p = _probability("mixed", "p", p, needs, closed=True)

    def build(me: SeatView) -> Node:
        c, d = _cooperate_defect(me)
        return Mix(prob(p), me.play(c), me.play(d))

    return Agent(f"mixed(p={p})", build, params=(("p", p),), requirements=tuple(needs))


def nicerbot(eps) -> Agent:
    """NicerBot / epsilon-grounded FairBot.

    with probability eps: cooperate
    otherwise: cooperate with the opponent's probability of cooperating
    """
    needs: list = []
    eps = _probability("nicerbot", "eps", eps, needs, closed=True)

    def build(me: SeatView) -> Node:
        c, d = _cooperate_defect(me)
        mirror = Mix(me.p_opp(_opp_cooperate(me)), me.play(c), me.play(d))
        return Mix(prob(eps), me.play(c), mirror)

    return Agent(f"nicerbot(eps={eps})", build, params=(("eps", eps),),
                 requirements=tuple(needs))


LP_KEYS = ("directions", "estimates")
REGION_KEYS = ("directions", "estimates", "region_test")


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
    eps = _probability("lp", "eps", eps, needs)
    delta = _precision("lp", delta, needs)
    read = _reading("lp", reading, LP_KEYS)
    directions = dict(read)["directions"]
    return Agent(f"lp(eps={eps},delta={delta}{_reading_text(read)})",
                 lambda me: _lp_body(me, eps, directions), delta,
                 (("eps", eps), ("delta", delta)), tuple(needs), read)


def nelp(eps, delta, min=None, **reading) -> Agent:  # noqa: A002 - the post's name
    """neLP, the non-exploitable LP of the post (docs/references.md [armstrong2016]).

    if my payoff is delta-surely below min: play my maximin strategy
    otherwise behave as LP
    ``min`` defaults to the game's minmax (security) value; ``reading`` as for
    :func:`lp`.
    """
    needs: list = []
    eps = _probability("nelp", "eps", eps, needs)
    delta = _precision("nelp", delta, needs)
    floor = None if min is None else _number("nelp", "min", min)
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
    eps = _probability("region", "eps", eps, needs)
    delta = _precision("region", delta, needs)
    vertices = _convex_polygon(polygon, needs)
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


def anything() -> Agent:
    """An arbitrary opponent: any mixed strategy is producible, so its seat is free.

    "Every fixed point against ``any``" quantifies over all deviations, pure
    and mixed.
    """
    return Agent("any", lambda me: Choose(tuple(me.play(a) for a in range(me.n_self))))


def liar() -> Agent:
    """The contrarian of claim C1: play C iff the oracle says my P(C) is not above 1/2."""

    def build(me: SeatView) -> Node:
        c, d = _cooperate_defect(me)
        return If(Query(me.p_self(c), Fraction(1, 2)), me.play(d), me.play(c))

    return Agent("liar", build)


# ------------------------------------------------------------ validation


def _number(agent: str, name: str, value) -> Fraction | Poly:
    """An exact number, or a polynomial in parameter symbols (``e/100``)."""
    if isinstance(value, Poly):
        return value.constant_value() if value.is_constant() else value
    if isinstance(value, str) and re.search(r"[A-Za-z]", value) and \
            not re.fullmatch(r"\s*[-+]?[\d.]+[eE][-+]?\d+\s*", value):
        try:
            return parse_expression(value)
        except ParameterError as err:
            raise AgentError(f"{agent}: parameter {name}: {err}") from None
    try:
        return exact(value)
    except InexactNumberError as err:
        raise AgentError(f"{agent}: parameter {name}: {err}") from None


def _in_range(agent: str, name: str, value, low, high, closed: bool, needs: list):
    """``value`` in (low, high) (or [low, high]): checked now, or a requirement if symbolic."""
    x = _number(agent, name, value)
    if isinstance(x, Poly):
        needs += [x >= low, x <= high] if closed else [x > low, x < high]
        return x
    if not (low <= x <= high if closed else low < x < high):
        interval = f"[{low}, {high}]" if closed else f"({low}, {high})"
        raise AgentError(f"{agent}: {name} must be in {interval}, got {x}")
    return x


def _probability(agent: str, name: str, value, needs: list, closed: bool = False):
    return _in_range(agent, name, value, 0, 1, closed, needs)


def _precision(agent: str, value, needs: list):
    return _in_range(agent, "delta", value, 0, 1, False, needs)


def _convex_polygon(polygon, needs: list) -> list[tuple]:
    """Counter-clockwise vertices of a convex polygon, validated.

    Vertices may be expressions in parameters; then the polygon must have
    three or four vertices listed counter-clockwise, and what makes it convex
    (positive area, a strict left turn at every vertex) becomes a requirement
    on the parameters. With at most four vertices, left turns everywhere also make
    it simple: four exterior angles below pi cannot turn round twice.
    """
    if isinstance(polygon, str):
        polygon = [tuple(p.split(",")) for p in polygon.split(";") if p.strip()]
    try:
        pts = [(_number("region", "polygon", x), _number("region", "polygon", y))
               for x, y in polygon]
    except (TypeError, ValueError) as err:
        raise AgentError(f"region: polygon must be a list of (x, y) points: {err}") from None
    if len(pts) < 3:
        raise AgentError("region: polygon needs at least three vertices")
    if any(isinstance(c, Poly) for point in pts for c in point):
        return _symbolic_polygon(pts, needs)
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]))
    if area == 0:
        raise AgentError("region: polygon has zero area")
    if area < 0:
        pts.reverse()
    n = len(pts)
    edges = [(pts[(i + 1) % n][0] - pts[i][0], pts[(i + 1) % n][1] - pts[i][1]) for i in range(n)]
    for (dx1, dy1), (dx2, dy2) in zip(edges, edges[1:] + edges[:1]):
        if dx1 * dy2 - dy1 * dx2 < 0:
            raise AgentError("region: polygon must be convex")

    def upper(d):  # direction in the upper half-plane (angle in [0, pi))
        return d[1] > 0 or (d[1] == 0 and d[0] > 0)

    # turning left all the way, a simple polygon's edge directions go round once
    windings = sum(not upper(a) and upper(b) for a, b in zip(edges, edges[1:] + edges[:1]))
    if windings != 1:
        raise AgentError("region: polygon must be convex and simple (its edges cross)")
    return pts


def _symbolic_polygon(pts: list, needs: list) -> list:
    if len(pts) > 4:
        raise AgentError("region: a polygon with parameters has three or four vertices")
    n = len(pts)
    edges = [(pts[(i + 1) % n][0] - pts[i][0], pts[(i + 1) % n][1] - pts[i][1])
             for i in range(n)]
    area = sum((x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1])),
               Poly())
    needs.append(Poly.lift(area) > 0)
    for (dx1, dy1), (dx2, dy2) in zip(edges, edges[1:] + edges[:1]):
        turn = Poly.lift(dx1 * dy2 - dy1 * dx2)
        if not turn.is_constant():
            needs.append(turn > 0)  # strict: no repeated vertex, no straight angle
        elif turn.constant_value() <= 0:
            raise AgentError("region: a polygon with parameters turns strictly left at every "
                             "vertex (convex, listed counter-clockwise)")
    return pts


# ------------------------------------------------------------------ specs

LIBRARY: dict[str, Callable[..., Agent]] = {
    "cooperatebot": cooperatebot,
    "defectbot": defectbot,
    "rock": rock,
    "mixed": mixed,
    "nicerbot": nicerbot,
    "lp": lp,
    "nelp": nelp,
    "region": region,
    "best-response": best_response,
    "liar": liar,
    "any": anything,
}

_PARAMS = {
    "cooperatebot": (), "defectbot": (), "best-response": (), "liar": (), "any": (),
    "rock": ("action",), "mixed": ("p",), "nicerbot": ("eps",), "lp": ("eps", "delta"),
    "nelp": ("eps", "delta", "min"), "region": ("eps", "delta", "polygon"),
}
READING_KEYS = {"lp": LP_KEYS, "nelp": LP_KEYS, "region": REGION_KEYS}  # agents with readings

_NUMERIC = ("eps", "delta", "min", "p", "polygon")

_SPEC = re.compile(r"^\s*([A-Za-z][\w-]*)\s*(?:\((.*)\))?\s*$", re.S)


def _split_args(text: str) -> list[str]:
    """Split on top-level commas; brackets and parentheses group."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                raise AgentError(f"unbalanced brackets in {text!r}")
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    if depth != 0:
        raise AgentError(f"unbalanced brackets in {text!r}")
    if current.strip() or parts:
        parts.append(current)
    return [p.strip() for p in parts]


def _at(value, values: dict, agent: str):
    """A parameter's text with symbols replaced by exact values (recursing into polygons)."""
    if isinstance(value, list):
        return [tuple(_at(x, values, agent) for x in point) for point in value]
    if not re.search(r"[A-Za-z]", value):
        return value
    try:
        return parse_expression(value, values)
    except ParameterError as err:
        raise AgentError(f"{agent}: {err}") from None


def _polygon_text(text: str) -> list[tuple[str, str]]:
    pairs = re.findall(r"\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)", text)
    if not pairs:
        pairs = [tuple(p.split(",")) for p in text.strip("[] ").split(";") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise AgentError(f"region: cannot read polygon {text!r}; write (x1,y1),(x2,y2),... "
                         f"or x1,y1;x2,y2;...")
    return [(x.strip(), y.strip()) for x, y in pairs]


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
    if name not in LIBRARY:
        raise AgentError(f"unknown agent {match.group(1)!r} (known: {', '.join(LIBRARY)})")
    takes = READING_KEYS.get(name, ())
    allowed = _PARAMS[name] + takes
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
        kwargs["polygon"] = _polygon_text(polygon.group(1))
        argtext = argtext[:polygon.start()].rstrip().rstrip(",")
    for i, arg in enumerate(_split_args(argtext)):
        if not arg:
            raise AgentError(f"{name}: empty argument in {spec!r}")
        if "=" in arg and not arg.startswith(("(", "[")):
            key, value = (s.strip() for s in arg.split("=", 1))
        elif i < len(_PARAMS[name]):
            key, value = _PARAMS[name][i], arg
        else:
            raise AgentError(f"{name}: too many arguments (takes {', '.join(allowed) or 'none'})")
        if key not in allowed:
            raise AgentError(f"{name}: unknown parameter {key!r} "
                             f"(takes {', '.join(allowed) or 'none'})")
        if key in kwargs:
            raise AgentError(f"{name}: parameter {key!r} given twice")
        kwargs[key] = _polygon_text(value) if key == "polygon" else value
        if values and key in _NUMERIC:
            kwargs[key] = _at(kwargs[key], values, name)
    for key, value in (reading or {}).items():
        if key not in takes:
            continue
        if key in kwargs and kwargs[key] != value:
            raise AgentError(f"{name}: the spec says {key}={kwargs[key]}, the reading "
                             f"{key}={value}")
        kwargs[key] = value
    required = {"nicerbot": ("eps",), "mixed": ("p",), "lp": ("eps", "delta"), "nelp": ("eps", "delta"),
                "region": ("eps", "delta", "polygon"), "rock": ("action",)}.get(name, ())
    if values and "polygon" in kwargs:
        kwargs["polygon"] = _at(kwargs["polygon"], values, name)
    missing = [k for k in required if k not in kwargs]
    if missing:
        raise AgentError(f"{name}: missing parameter {', '.join(missing)}")
    return LIBRARY[name](**kwargs)
