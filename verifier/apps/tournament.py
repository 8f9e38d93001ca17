"""Everyone meets everyone: the fixed-point outcomes of every ordered pair of a roster.

Each cell is one independent job (:func:`play`), so a tournament runs
serially, in worker processes or on a Dask cluster with the same results in
the same order (:mod:`verifier.decision.jobs`). A cell says what is known exactly:

- ``unique``: one fixed point, its payoffs;
- ``finite``: every fixed point (a proven finite set), their payoffs;
- ``range``: a continuum (or too many points to list): each player's
  payoff ranges over an interval whose ends are exact optima over all fixed
  points (marked when not attained, or bracketed when not certified);
- ``error``: the pair cannot play this game (say, an agent needs actions
  named C and D), or a solver gave up; the reason is kept.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from functools import cmp_to_key

from ..model.agents import AgentError
from ..errors import SolverUnknown
from ..model.games import Game, GameError, game_from_json
from ..decision.jobs import JobFailure, run_jobs, save_figure
from ..model.library import parse_agent
from ..model.numbers import compare, fmt
from ..decision.solver import Pair
from .render import optimum_end

__all__ = ["Cell", "Tournament", "default_roster", "play", "run_tournament"]

# the post's green kite for its two prisoner's dilemmas
KITES = {"pd-a": "(1,1),(13/3,1),(3,3),(1,13/3)", "pd-b": "(1,1),(5/2,1),(2,2),(1,5/2)"}


def default_roster(game: Game) -> list[str]:
    """The whole agent library, with the post's parameters (eps = 1/10, delta = 1/1000)."""
    roster = ["cooperatebot", "defectbot", "mixed(p=1/2)", "nicerbot(eps=1/10)",
              "lp(eps=1/10,delta=1/1000)", "nelp(eps=1/10,delta=1/1000)"]
    if game.name in KITES:
        roster.append(f"region(eps=1/10,delta=1/1000,polygon={KITES[game.name]})")
    return roster + ["best-response", "liar", "any"]


@dataclass(frozen=True)
class Cell:
    """The outcome of one ordered pair (row agent in seat 1, column agent in seat 2)."""

    row: str
    column: str
    kind: str  # "unique", "finite", "range" or "error"
    points: tuple = ()  # ((u1, u2), ...) for unique and finite
    ranges: tuple = ()  # for range: (u1 (min, max), u2 (min, max)), each an Optimum
    note: str = ""
    seconds: float = 0.0

    def text(self, player: int = 0, decimals: int | None = None) -> str:
        """A short exact text of one player's payoff."""
        if self.kind == "error":
            return "error"
        if self.kind in ("unique", "finite"):
            values = sorted({p[player] for p in self.points})
            inner = ", ".join(fmt(v, decimals) for v in values)
            return inner if len(values) == 1 else "{" + inner + "}"
        low, high = self.ranges[player]
        return (("[" if low.attained else "(") + optimum_end(low, decimals, compact=True)
                + ", " + optimum_end(high, decimals, compact=True)
                + ("]" if high.attained else ")"))

    def lowest(self, player: int = 0) -> float | None:
        """The player's lowest payoff (for colouring only; None when unknown)."""
        if self.kind in ("unique", "finite"):
            return float(min((p[player] for p in self.points), key=cmp_to_key(compare)))
        if self.kind == "range" and self.ranges[player][0].value is not None:
            return float(self.ranges[player][0].value)
        return None

    def to_json(self, decimals: int | None = None) -> dict:
        out = {"row": self.row, "column": self.column, "kind": self.kind,
               "note": self.note, "seconds": round(self.seconds, 3)}
        if self.points:
            out["payoffs"] = [[fmt(u, decimals) for u in p] for p in self.points]
        if self.ranges:
            out["ranges"] = {f"u{i + 1}": {"min": low.to_json(decimals),
                                           "max": high.to_json(decimals)}
                             for i, (low, high) in enumerate(self.ranges)}
        return out


def play(task: tuple) -> Cell:
    """One cell: (game as JSON, row spec, column spec, timeout, candidates) -> :class:`Cell`.

    ``candidates``: None, or for each player a (min, max) pair of values (None for
    none) that are checked directly first (:meth:`Pair.certify`: two queries) when the
    cell is a range; an end they do not give is searched (:meth:`Pair.optimize`).
    Plain data in and out, so that it runs in any worker process.
    """
    game_json, row, column, timeout, candidates = task
    start = time.perf_counter()
    try:
        game = game_from_json(game_json)
        pair = Pair(game, (parse_agent(row), parse_agent(column)), timeout)
        result = pair.solve(find_all=True, limit=20)
        if result.complete and not result.continuum:
            points = tuple(sorted(p.payoffs for p in result.fixed_points))
            kind = "unique" if len(points) == 1 else "finite"
            return Cell(row, column, kind, points, (), result.note,
                        time.perf_counter() - start)
        ends = [[_end(pair, u, sense, candidates[i][k] if candidates else None)
                 for k, sense in enumerate(("min", "max"))]
                for i, u in enumerate(game.payoff_polys)]
        checked = sum(direct for pair_ends in ends for _, direct in pair_ends)
        note = result.note + (f"; {checked} of 4 payoff ends checked directly at the mirror "
                              f"cell's values" if checked else "")
        ranges = tuple(tuple(end for end, _ in pair_ends) for pair_ends in ends)
        return Cell(row, column, "range", (), ranges, note, time.perf_counter() - start)
    except (AgentError, GameError, SolverUnknown) as err:
        return Cell(row, column, "error", note=f"{type(err).__name__}: {err}",
                    seconds=time.perf_counter() - start)


def _end(pair: Pair, objective, sense: str, candidate) -> tuple:
    """(the exact min or max of ``objective``, whether ``candidate`` was it, certified
    directly); searched when there is no candidate or it is not certified."""
    if candidate is not None:
        try:
            found = pair.certify(objective, sense, candidate)
        except SolverUnknown:
            found = None
        if found is not None:
            return found, True
    return pair.optimize(objective, sense), False


def _mirrored(cell: Cell) -> tuple | None:
    """The candidates (:func:`play`) that a range cell gives its mirror cell on a symmetric
    game (there player 1's payoff is this cell's player 2's): the attained, certified ends."""
    if cell.kind != "range":
        return None
    return tuple(tuple(end.value if end.attained and end.value is not None else None
                       for end in cell.ranges[1 - player]) for player in (0, 1))


@dataclass(frozen=True)
class Tournament:
    """Every ordered pair of a roster on one game (self-play included)."""

    game: str
    roster: tuple
    cells: tuple  # row-major: cells[i * len(roster) + j] is roster[i] vs roster[j]

    def cell(self, row: int, column: int) -> Cell:
        return self.cells[row * len(self.roster) + column]

    def to_json(self, decimals: int | None = None) -> dict:
        return {"game": self.game, "roster": list(self.roster),
                "cells": [c.to_json(decimals) for c in self.cells]}

    def to_csv(self, decimals: int | None = None) -> str:
        """One row per ordered pair: kind, each player's payoff text, and the note."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["row", "column", "kind", "u1", "u2", "seconds", "note"])
        for c in self.cells:
            writer.writerow([c.row, c.column, c.kind, c.text(0, decimals), c.text(1, decimals),
                             f"{c.seconds:.3f}", c.note])
        return out.getvalue()

    def table(self, decimals: int | None = None) -> str:
        """The row agent's payoff against each column agent, as a text matrix."""
        names = [_short(s) for s in self.roster]
        rows = [[names[i]] + [self.cell(i, j).text(0, decimals) for j in range(len(names))]
                for i in range(len(names))]
        header = ["row \\ column"] + names
        widths = [max(len(r[k]) for r in rows + [header]) for k in range(len(header))]
        lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
        lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in rows]
        return "\n".join(lines)

    def heatmap(self, path: str) -> None:
        """A PNG/SVG/PDF of the row agent's lowest payoff, each cell labelled exactly."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        n = len(self.roster)
        values = [[self.cell(i, j).lowest(0) for j in range(n)] for i in range(n)]
        fig, ax = plt.subplots(figsize=(1.2 * n + 2, 0.8 * n + 1.5))
        grid = [[float("nan") if v is None else v for v in row] for row in values]
        image = ax.imshow(grid, cmap="viridis")
        for i in range(n):
            for j in range(n):
                ax.text(j, i, self.cell(i, j).text(0), ha="center", va="center",
                        fontsize=7, color="white")
        names = [_short(s) for s in self.roster]
        ax.set_xticks(range(n), names, rotation=45, ha="right")
        ax.set_yticks(range(n), names)
        ax.set_xlabel("column agent (seat 2)")
        ax.set_ylabel("row agent (seat 1)")
        ax.set_title(f"{self.game}: the row agent's payoff over all fixed points\n"
                     "(colour: lowest; text: exact value, set or range)", fontsize=9)
        fig.colorbar(image, ax=ax, label="row agent's lowest payoff")
        fig.tight_layout()
        save_figure(fig, path)
        plt.close(fig)


def _short(spec: str) -> str:
    """A spec without its long polygon (for table headers)."""
    return spec.split(",polygon=")[0] + (")" if ",polygon=" in spec else "")


def run_tournament(game: Game, roster: list[str], timeout: float | None = None, jobs: int = 1,
                   scheduler: str | None = None, show: bool | None = False) -> Tournament:
    """Every ordered pair of the roster on the game, serially or in parallel.

    On a symmetric game (:attr:`Game.symmetric`) the cells on and above the diagonal run
    first; each cell below then gets its mirror cell's attained payoff ends as candidates
    (:func:`play`): player 1's payoff against B as A is player 2's as B against A when
    the players swap seats, so each candidate is checked directly (two queries) instead
    of searched; a candidate that is not certified is searched as usual."""
    for spec in roster:
        parse_agent(spec)  # a bad spec fails here, with its one-line error
    n, data = len(roster), game.to_json()
    order = [(i, j) for i in range(n) for j in range(n)]
    first = [(i, j) for i, j in order if i <= j or not game.symmetric]
    cells = dict(zip(first, _run(first, roster, data, timeout, jobs, scheduler, show, {},
                                  "pairs")))
    rest = [ij for ij in order if ij not in cells]
    if rest:
        hints = {(i, j): _mirrored(cells[j, i]) for i, j in rest}
        cells.update(zip(rest, _run(rest, roster, data, timeout, jobs, scheduler, show, hints,
                                    "mirror pairs")))
    return Tournament(game.name, tuple(roster), tuple(cells[ij] for ij in order))


def _run(pairs: list, roster: list, data: dict, timeout, jobs: int, scheduler, show,
         hints: dict, label: str) -> list:
    """The cells of these (row, column) index pairs, each one job."""
    tasks = [(data, roster[i], roster[j], timeout, hints.get((i, j))) for i, j in pairs]
    cells = run_jobs(play, tasks, jobs, scheduler, label, show)
    # a pair whose worker died on every attempt is an error cell that says why
    return [Cell(task[1], task[2], "error", note=f"JobFailure: {cell.reason}")
            if isinstance(cell, JobFailure) else cell for task, cell in zip(tasks, cells)]
