"""A solve or an exact optimum over a grid of parameter values.

Agents are written with symbols (``"nelp(eps=e,delta=d)"``) and every grid
point instantiates them with exact values. Each point is one independent job
(:func:`sweep_point`), so a sweep runs serially, in worker processes or on a
Dask cluster with the same rows in the same order (:mod:`verifier.decision.jobs`).

>>> grid_points([("e", ["1/10", "1/20"]), ("d", ["1/1000"])])
[{'e': Fraction(1, 10), 'd': Fraction(1, 1000)}, {'e': Fraction(1, 20), 'd': Fraction(1, 1000)}]
"""

from __future__ import annotations

import csv
import io
import itertools
import time
from dataclasses import dataclass

from ..model.agents import AgentError
from ..errors import SolverUnknown, UsageError
from ..model.games import Game, GameError, game_from_json
from ..decision.jobs import run_jobs, save_figure
from ..model.library import parse_agent
from ..model.numbers import InexactNumberError, exact, fmt
from ..model.params import ParameterError, is_symbol
from ..model.poly import Poly
from ..decision.solver import Pair
from .render import optimum_end

__all__ = ["SweepRow", "Sweep", "grid_points", "parse_grid", "sweep_point", "run_sweep"]


def parse_grid(text: str) -> tuple[str, list[str]]:
    """``"e=1/10,1/20"`` into ``("e", ["1/10", "1/20"])`` (values checked exact)."""
    name, _, values = text.partition("=")
    name = name.strip()
    if not is_symbol(name) or not values.strip():
        raise UsageError(f"--grid {text!r}: NAME=VALUE,VALUE,... with a parameter name")
    items = [v.strip() for v in values.split(",")]
    for v in items:
        try:
            exact(v)
        except (InexactNumberError, ValueError, TypeError) as err:
            raise UsageError(f"--grid {name}: {v!r} is not an exact number ({err})") from None
    return name, items


def grid_points(grids: list) -> list[dict]:
    """Every combination of the grids' values (the first grid varies slowest)."""
    names = [name for name, _ in grids]
    values = [[exact(v) for v in items] for _, items in grids]
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


@dataclass(frozen=True)
class SweepRow:
    """One grid point: what was found there."""

    values: tuple  # ((name, Fraction), ...)
    kind: str  # "points", "continuum", "optimum" or "error"
    payoffs: tuple = ()  # the fixed points' payoffs (points; or those found, continuum)
    optimum: object = None  # an Optimum, with an objective
    note: str = ""
    seconds: float = 0.0

    def value_text(self, decimals: int | None = None) -> str:
        """The value at this grid point: the optimum (`render.optimum_end`), or the
        fixed points' payoffs."""
        if self.kind == "error":
            return "error"
        if self.optimum is not None:
            return optimum_end(self.optimum, decimals)
        points = "; ".join(f"({fmt(a, decimals)}, {fmt(b, decimals)})" for a, b in self.payoffs)
        return points + (" ... (continuum)" if self.kind == "continuum" else "")

    def to_json(self, decimals: int | None = None) -> dict:
        out = {"values": {n: fmt(v, decimals) for n, v in self.values}, "kind": self.kind,
               "note": self.note, "seconds": round(self.seconds, 3)}
        if self.optimum is not None:
            out["optimum"] = self.optimum.to_json(decimals)
        else:
            out["payoffs"] = [[fmt(u, decimals) for u in p] for p in self.payoffs]
        return out


def sweep_point(task: tuple) -> SweepRow:
    """One point: (game JSON, spec 1, spec 2, values, objective or None, sense, timeout)."""
    game_json, spec1, spec2, values, objective, sense, timeout = task
    start = time.perf_counter()
    items = tuple(sorted(values.items()))
    try:
        game = game_from_json(game_json)
        pair = Pair(game, (parse_agent(spec1, values), parse_agent(spec2, values)), timeout)
        if objective is not None:
            found = pair.optimize(objective, sense)
            return SweepRow(items, "optimum", optimum=found, note=found.note,
                            seconds=time.perf_counter() - start)
        result = pair.solve(find_all=True, limit=20)
        kind = "points" if result.complete and not result.continuum else "continuum"
        return SweepRow(items, kind, tuple(p.payoffs for p in result.fixed_points), None,
                        result.note, time.perf_counter() - start)
    except (AgentError, GameError, ParameterError, SolverUnknown) as err:
        return SweepRow(items, "error", note=f"{type(err).__name__}: {err}",
                        seconds=time.perf_counter() - start)


@dataclass(frozen=True)
class Sweep:
    """The rows of a sweep, in grid order."""

    game: str
    agents: tuple
    objective: str | None
    sense: str
    rows: tuple

    def to_json(self, decimals: int | None = None) -> dict:
        return {"game": self.game, "agents": list(self.agents), "objective": self.objective,
                "sense": self.sense if self.objective else None,
                "rows": [r.to_json(decimals) for r in self.rows]}

    def to_csv(self, decimals: int | None = None) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        names = [n for n, _ in self.rows[0].values] if self.rows else []
        writer.writerow(names + ["kind", "value", "seconds", "note"])
        for r in self.rows:
            writer.writerow([fmt(v, decimals) for _, v in r.values]
                            + [r.kind, r.value_text(decimals), f"{r.seconds:.3f}", r.note])
        return out.getvalue()

    def table(self, decimals: int | None = None) -> str:
        what = (f"{self.sense} of {self.objective}" if self.objective
                else "payoffs of the fixed points")
        lines = [f"{' vs '.join(self.agents)} on {self.game}: {what}"]
        for r in self.rows:
            at = ", ".join(f"{n} = {fmt(v, decimals)}" for n, v in r.values)
            lines.append(f"  {at}: {r.value_text(decimals)}")
        return "\n".join(lines)

    def plot(self, path: str) -> None:
        """The value (or each fixed point's u1 and u2) against the first parameter, one
        line per value of the others; every marker is an exact value, drawn as a float."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(6.5, 4.5))
        first = self.rows[0].values[0][0] if self.rows else "x"
        series: dict = {}
        for r in self.rows:
            rest = ", ".join(f"{n} = {v}" for n, v in r.values[1:])
            x = float(r.values[0][1])
            if r.optimum is not None and r.optimum.value is not None:
                series.setdefault(rest or self.objective, []).append((x, float(r.optimum.value)))
            for u1, u2 in r.payoffs:
                series.setdefault(f"u1 {rest}".strip(), []).append((x, float(u1)))
                series.setdefault(f"u2 {rest}".strip(), []).append((x, float(u2)))
        for label, xy in series.items():
            xy.sort()
            ax.plot([a for a, _ in xy], [b for _, b in xy], marker="o", ms=3, label=label)
        ax.set_xlabel(first)
        ax.set_ylabel(f"{self.sense} of {self.objective}" if self.objective else "payoff")
        ax.set_title(f"{' vs '.join(self.agents)} on {self.game}\n(each marker exact)",
                     fontsize=8)
        ax.legend(fontsize=7)
        fig.tight_layout()
        save_figure(fig, path)
        plt.close(fig)


def run_sweep(game: Game, specs: tuple, grids: list, objective: Poly | None = None,
              objective_text: str | None = None, sense: str = "min", timeout: float | None = None,
              jobs: int = 1, scheduler: str | None = None, show: bool | None = False) -> Sweep:
    """Solve (or optimise ``objective``) at every grid point."""
    points = grid_points(grids)
    symbols = set().union(*(parse_agent(s).program(game, i).symbols
                            for i, s in enumerate(specs)))
    named = {name for name, _ in grids}
    if named != symbols:
        raise UsageError(f"the grid names {', '.join(sorted(named)) or 'nothing'}; the agents "
                         f"use {', '.join(sorted(symbols)) or 'no parameter'}")
    tasks = [(game.to_json(), specs[0], specs[1], values, objective, sense, timeout)
             for values in points]
    rows = run_jobs(sweep_point, tasks, jobs, scheduler, "grid points", show)
    return Sweep(game.name, tuple(specs), objective_text, sense, tuple(rows))

