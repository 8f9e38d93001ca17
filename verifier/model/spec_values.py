"""The values in agent specs: exact numbers or expressions in parameter symbols, checked
against their ranges, convex polygons, and the argument lists of spec text. The library
(:mod:`verifier.model.library`) builds its agents from these; each raises AgentError with
a one-line message naming the agent and the parameter.
"""

from __future__ import annotations

import re
from fractions import Fraction

from .agents import AgentError
from .numbers import InexactNumberError, exact
from .params import ParameterError, parse_expression
from .poly import Poly


def number(agent: str, name: str, value) -> Fraction | Poly:
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


def in_range(agent: str, name: str, value, low, high, closed: bool, needs: list):
    """``value`` in (low, high) (or [low, high]): checked now, or a requirement if symbolic."""
    x = number(agent, name, value)
    if isinstance(x, Poly):
        needs += [x >= low, x <= high] if closed else [x > low, x < high]
        return x
    if not (low <= x <= high if closed else low < x < high):
        interval = f"[{low}, {high}]" if closed else f"({low}, {high})"
        raise AgentError(f"{agent}: {name} must be in {interval}, got {x}")
    return x


def probability(agent: str, name: str, value, needs: list, closed: bool = False):
    """A probability: in (0, 1), or in [0, 1] when ``closed``."""
    return in_range(agent, name, value, 0, 1, closed, needs)


def precision(agent: str, value, needs: list):
    """The estimates' precision delta, in (0, 1)."""
    return in_range(agent, "delta", value, 0, 1, False, needs)


def convex_polygon(polygon, needs: list) -> list[tuple]:
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
        pts = [(number("region", "polygon", x), number("region", "polygon", y))
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


def split_args(text: str) -> list[str]:
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


def at_values(value, values: dict, agent: str):
    """A parameter's text with symbols replaced by exact values (recursing into polygons)."""
    if isinstance(value, list):
        return [tuple(at_values(x, values, agent) for x in point) for point in value]
    if not re.search(r"[A-Za-z]", value):
        return value
    try:
        return parse_expression(value, values)
    except ParameterError as err:
        raise AgentError(f"{agent}: {err}") from None


def polygon_text(text: str) -> list[tuple[str, str]]:
    """The vertices of a polygon written as text, "(x1,y1),(x2,y2),..." or "x1,y1;x2,y2;...",
    as pairs of strings."""
    pairs = re.findall(r"\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)", text)
    if not pairs:
        pairs = [tuple(p.split(",")) for p in text.strip("[] ").split(";") if p.strip()]
    if any(len(p) != 2 for p in pairs):
        raise AgentError(f"region: cannot read polygon {text!r}; write (x1,y1),(x2,y2),... "
                         f"or x1,y1;x2,y2;...")
    return [(x.strip(), y.strip()) for x, y in pairs]
