"""Pictures of the payoff plane: the game, the agents' regions and the fixed points.

What is drawn, and how exact it is (the legend repeats it):

- the images of the edges of the strategy space (one player mixes two
  actions while the other plays a pure one), which are segments between pure
  outcomes: exact;
- the convex hull of the pure outcomes and its Pareto frontier: exact;
- the image of the whole strategy space: *sampled* (random mixed profiles);
- the minmax (security) lines of both players: exact;
- region agents' allowable polygons (seat 2's mirrored into the plane of
  (u1, u2)): exact;
- fixed points: each marker is an exact fixed point, re-checked by the
  interpreter. When a pair has a continuum, the points are found on a grid
  (P1 of the first action, then P2, fixed at k/N): a *sample* of exact
  points, not the whole set. With ``bounds`` the certified box of payoffs
  over all fixed points (exact minima and maxima) is drawn as well.

Matplotlib draws with floats; every number behind a marker or a line is
exact before it is converted for drawing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

from ..errors import SolverUnknown, UsageError
from ..model.games import Game
from ..decision.jobs import save_figure
from ..model.library import parse_agent
from ..decision.solver import Pair

__all__ = ["PairPicture", "fixed_point_sample", "plot", "plot_runs", "describe", "split_pair"]

COLOURS = ["tab:red", "tab:blue", "tab:orange", "tab:purple", "tab:brown", "tab:pink"]
REGION_COLOURS = ["tab:green", "gold", "tab:cyan", "tab:olive"]


@dataclass(frozen=True)
class PairPicture:
    """The exact fixed points drawn for one pair, and what they are."""

    specs: tuple
    points: tuple  # FixedPoint, ...
    complete: bool  # the points are every fixed point
    bounds: tuple = ()  # ((u1 min, u1 max), (u2 min, u2 max)) as Optimum, when asked for


def fixed_point_sample(pair: Pair, grid: int = 20, bounds: bool = False) -> PairPicture:
    """Every fixed point when finitely many; otherwise exact fixed points on a grid."""
    result = pair.solve(find_all=True, limit=20)
    points = list(result.fixed_points)
    complete = result.complete and not result.continuum
    if not complete:
        from ..encoding import smt
        for seat in (0, 1):
            if not pair.system.free[seat]:
                continue
            x = smt.term(pair.system.free[seat][0])
            for k in range(grid + 1):
                try:
                    found = pair.find([x == smt.z3_number(Fraction(k, grid))])
                except SolverUnknown:
                    continue
                if found is not None:
                    points.append(found)
    ranges = ()
    if bounds:
        ranges = tuple((pair.optimize(u, "min"), pair.optimize(u, "max"))
                       for u in pair.game.payoff_polys)
    return PairPicture(pair.specs, tuple(points), complete, ranges)


def _pure_outcomes(game: Game) -> dict:
    n, m = game.num_actions(0), game.num_actions(1)
    return {(a, b): (game.payoffs[0][a][b], game.payoffs[1][a][b])
            for a in range(n) for b in range(m)}


def _hull(points: list) -> list:
    """Convex hull, counter-clockwise (exact monotone chain)."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    lower: list = []
    upper: list = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _pareto(hull: list) -> list:
    """The hull's vertices that no other point of the hull weakly dominates, in order of u1
    (the frontier of the hull is the polyline through them)."""
    front = [p for p in hull if not any(q != p and q[0] >= p[0] and q[1] >= p[1] for q in hull)]
    return sorted(front)


def _sampled_outcomes(game: Game, count: int, seed: int = 0) -> list:
    rng = random.Random(seed)
    n, m = game.num_actions(0), game.num_actions(1)
    out = []
    for _ in range(count):
        x = [rng.expovariate(1) for _ in range(n)]
        y = [rng.expovariate(1) for _ in range(m)]
        sx, sy = sum(x), sum(y)
        u = [sum(float(game.payoffs[i][a][b]) * x[a] * y[b] for a in range(n) for b in range(m))
             / (sx * sy) for i in (0, 1)]
        out.append(u)
    return out


def plot(game: Game, pairs: list, path: str, grid: int = 20, bounds: bool = False,
         timeout: float | None = None, title: str | None = None) -> list[PairPicture]:
    """Draw the game's payoff plane and each pair's fixed points into ``path``
    (png, svg or pdf); returns what was drawn for each pair."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon, Rectangle

    pictures = []
    fig, ax = plt.subplots(figsize=(7, 6.5))
    cloud = _sampled_outcomes(game, 4000)
    ax.scatter([u[0] for u in cloud], [u[1] for u in cloud], s=2, color="0.85", zorder=0,
               label="feasible outcomes, independent mixing (sampled)")
    pure = _pure_outcomes(game)
    n, m = game.num_actions(0), game.num_actions(1)
    edges = [(pure[(a, b)], pure[(c, b)]) for b in range(m) for a in range(n) for c in range(a)]
    edges += [(pure[(a, b)], pure[(a, d)]) for a in range(n) for b in range(m) for d in range(b)]
    for k, (p, q) in enumerate(edges):
        ax.plot([p[0], q[0]], [p[1], q[1]], color="0.55", lw=0.8, zorder=1,
                label="edges of the strategy space (exact)" if k == 0 else None)
    hull = _hull(list(pure.values()))
    ax.add_patch(Polygon([[float(v) for v in p] for p in hull], closed=True, fill=False,
                         ls="--", color="0.4", lw=0.8, label="convex hull of pure outcomes (exact)"))
    front = _pareto(hull)
    ax.plot([float(p[0]) for p in front], [float(p[1]) for p in front], color="black", lw=2,
            label="Pareto frontier of the hull (exact)", zorder=2)
    for (a, b), p in pure.items():
        ax.annotate(f"{game.actions[0][a]}{game.actions[1][b]}", [float(v) for v in p],
                    fontsize=8, xytext=(3, 3), textcoords="offset points")
    v1, v2 = game.security_value(0), game.security_value(1)
    ax.axvline(float(v1), color="0.3", lw=0.8, ls=":", label=f"minmax u1 = {v1}, u2 = {v2} (exact)")
    ax.axhline(float(v2), color="0.3", lw=0.8, ls=":")
    regions_drawn: set = set()
    for k, (spec1, spec2) in enumerate(pairs):
        colour = COLOURS[k % len(COLOURS)]
        agents = (parse_agent(spec1), parse_agent(spec2))
        for seat, agent in enumerate(agents):
            polygon = dict(agent.params).get("polygon")
            if polygon is not None and (agent.spec, seat) not in regions_drawn:
                shade = REGION_COLOURS[len(regions_drawn) % len(REGION_COLOURS)]
                regions_drawn.add((agent.spec, seat))
                corners = [(float(x), float(y)) if seat == 0 else (float(y), float(x))
                           for x, y in polygon]
                ax.add_patch(Polygon(corners, closed=True, alpha=0.15, color=shade,
                                     label=f"allowable region of {_short(agent.spec)} in seat "
                                           f"{seat + 1} (exact)"))
        picture = fixed_point_sample(Pair(game, agents, timeout), grid, bounds)
        pictures.append(picture)
        name = f"{_short(agents[0].spec)} vs {_short(agents[1].spec)}"
        what = "all fixed points" if picture.complete else \
            f"fixed points on a 1/{grid} grid of P1, P2 (sampled)"
        ax.scatter([float(p.payoffs[0]) for p in picture.points],
                   [float(p.payoffs[1]) for p in picture.points], s=28 if picture.complete else 12,
                   color=colour, edgecolor="black", lw=0.4, zorder=4,
                   label=f"{name}: {what}, each exact")
        if picture.bounds:
            (l1, h1), (l2, h2) = picture.bounds
            if None not in (l1.value, h1.value, l2.value, h2.value):
                ax.add_patch(Rectangle((float(l1.value), float(l2.value)),
                                       float(h1.value - l1.value), float(h2.value - l2.value),
                                       fill=False, color=colour, lw=1, ls="-.",
                                       label=f"{name}: payoff ranges (certified exact bounds)"))
    ax.set_xlabel("u1 (seat 1)")
    ax.set_ylabel("u2 (seat 2)")
    ax.set_title(title or f"{game.name}: fixed-point outcomes", fontsize=10)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.1), ncol=1, frameon=False)
    fig.tight_layout()
    save_figure(fig, path, bbox_inches="tight")
    plt.close(fig)
    return pictures


def _short(spec: str) -> str:
    """A region agent by its polygon (its eps and delta are in the title's commands)."""
    if ",polygon=" in spec:
        return "region[" + spec.split(",polygon=")[1].rstrip(")") + "]"
    return spec


def describe(pictures: list) -> list[str]:
    """One line a pair: how many exact points were drawn, and whether that is all of them."""
    return [f"{' vs '.join(p.specs)}: {len(p.points)} exact fixed point"
            f"{'s' if len(p.points) != 1 else ''} drawn"
            + (" (all of them)" if p.complete else " (a sample of a continuum)")
            for p in pictures]


def split_pair(text: str) -> tuple[str, str]:
    """``"A,B"`` into two agent specs, splitting at the comma outside parentheses.

    >>> split_pair("lp(eps=1/10,delta=1/1000),cooperatebot")
    ('lp(eps=1/10,delta=1/1000)', 'cooperatebot')
    """
    depth = 0
    for k, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            return text[:k].strip(), text[k + 1:].strip()
    raise UsageError(f"--pair {text!r}: two agent specs separated by a comma")


def plot_runs(why, problem, path: str) -> None:
    """Draw an explained fixed point's runs into ``path`` (png, svg or pdf): the strategy
    square of a game with two actions per player (x: P1 of player 1's first action, y: P2
    of player 2's), whole and zoomed on the runs. Drawn, all from exact numbers: the fixed
    point; each run's estimates (a point), the profiles within delta of them (a box, from
    the interpreter's :func:`box_vertices`) and an arrow to the run's output against the
    opponent's estimate; a run with no estimates as a line at its output. ``why``: a
    :class:`verifier.decision.results.Explanation` of ``problem`` (a Pair). Raises
    UsageError for other games and for a profile that is no fixed point (no runs)."""
    game = problem.game
    if (game.num_actions(0), game.num_actions(1)) != (2, 2):
        raise UsageError("the picture of the runs is the strategy square: it needs two actions "
                         "per player")
    if not why.runs:
        raise UsageError("no runs to draw: the profile is no fixed point")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from functools import cmp_to_key
    from matplotlib.patches import Rectangle
    from .render import readings_line
    from ..model.numbers import compare, fmt
    from ..semantics.interpreter import box_vertices

    def span(estimate, delta) -> tuple:  # the box's range of the first action, exact
        firsts = sorted((v[0] for v in box_vertices(estimate, delta)), key=cmp_to_key(compare))
        return firsts[0], firsts[-1]

    fixed = (why.check.profile[0][0], why.check.profile[1][0])
    marks, seen = [], [fixed]  # (seat, k, run, estimate point, box, output point or line)
    for seat, runs in enumerate(why.runs):
        delta = problem.programs[seat].delta
        for k, run in enumerate(runs):
            if run.estimate is None:
                marks.append((seat, k, run, None, None, run.output[0]))
                continue
            own, opp = run.estimate
            flip = (lambda a, b: (a, b)) if seat == 0 else (lambda a, b: (b, a))
            box = flip(span(own, delta), span(opp, delta)) if delta is not None else None
            estimate, out = flip(own[0], opp[0]), flip(run.output[0], opp[0])
            marks.append((seat, k, run, estimate, box, out))
            seen += [estimate, out] + ([(box[0][0], box[1][0]), (box[0][1], box[1][1])]
                                       if box else [])
    fig, axes = plt.subplots(1, 2, figsize=(11, 5.6))
    colours = ("tab:red", "tab:blue")
    for zoomed, ax in enumerate(axes):
        ax.plot(*map(float, fixed), marker="*", ms=14, color="black", ls="", zorder=5,
                label=f"the fixed point ({fmt(fixed[0])}, {fmt(fixed[1])})")
        for seat, k, run, estimate, box, out in marks:
            name = f"player {seat + 1}, run {k + 1} (weight {fmt(run.weight)})"
            colour = colours[seat]
            if estimate is None:
                line = ax.axvline if seat == 0 else ax.axhline
                line(float(out), color=colour, ls="--", lw=1,
                     label=f"{name}: no estimates, output P{seat + 1} = {fmt(out)}")
                continue
            if box:
                (x0, x1), (y0, y1) = box
                ax.add_patch(Rectangle((float(x0), float(y0)), float(x1 - x0), float(y1 - y0),
                                       fill=False, color=colour, lw=0.8, ls=":",
                                       label=f"{name}: profiles within delta of its estimates"))
            ax.plot(*map(float, estimate), marker="o", ms=5, color=colour, ls="",
                    label=f"{name}: estimates ({fmt(estimate[0])}, {fmt(estimate[1])})")
            ax.annotate("", xy=tuple(map(float, out)), xytext=tuple(map(float, estimate)),
                        arrowprops={"arrowstyle": "->", "color": colour, "lw": 1})
            ax.plot(*map(float, out), marker="s", ms=4, color=colour, ls="",
                    label=f"{name}: output P{seat + 1} = {fmt(out[seat])}")
        if zoomed:
            xs, ys = [float(p[0]) for p in seen], [float(p[1]) for p in seen]
            pad = max(max(xs) - min(xs), max(ys) - min(ys), 1e-4) * 0.15
            ax.set_xlim(min(xs) - pad, max(xs) + pad)
            ax.set_ylim(min(ys) - pad, max(ys) + pad)
            ax.set_title("zoomed on the runs", fontsize=9)
        else:
            ax.set_xlim(-0.02, 1.02)
            ax.set_ylim(-0.02, 1.02)
            ax.set_aspect("equal")
            reading = (readings_line(problem) or "").strip()
            ax.set_title(f"{game.name}: the strategy square\n{reading}", fontsize=8)
        ax.set_xlabel(f"P1({game.actions[0][0]})")
        ax.set_ylabel(f"P2({game.actions[1][0]})")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, loc="upper left", bbox_to_anchor=(0.05, 0.02),
               frameon=False, title="every point and box drawn from exact numbers "
                                    "(arrow: the run's output against the opponent's estimate)",
               title_fontsize=7)
    fig.tight_layout()
    save_figure(fig, path, bbox_inches="tight")
    plt.close(fig)
