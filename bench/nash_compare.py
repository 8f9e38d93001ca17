"""Two best-response agents against Gambit and nashpy on seeded random n x n games.

For each size, the same games go to: ours (what `rov solve best-response
best-response --game G --all` runs: building the pair and enumerating, the
fixed points re-checked by the interpreter), pygambit's
`enummixed_solve(rational=True)`, and nashpy's support and vertex
enumeration (floats). Each tool runs in its own worker process per size, so
its peak resident memory is its own. Prints a Markdown table: median seconds
per game, ours over each of theirs, whether our extreme equilibria equal
Gambit's exactly on every game, and peak memory (MiB; the worker's peak
resident set, imports included, and in brackets the rise over the imports).

    .venv/bin/python bench/nash_compare.py [--sizes 2,3,4,5,6] [--games 10] [--identity 6,8,10]
        [--repeat 3]

Needs pygambit (a dependency) and nashpy (the `bench` extra: `make bench-nash`).
With `--lrsnash PATH` (or an `lrsnash` on the PATH), lrslib's exact enumerator is
the strongest anchor: one `lrsnash` process per game, timed whole (reading the
game file included), its equilibria compared with Gambit's. lrslib is not on the
package registries this project installs from, so no target installs it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from fractions import Fraction
from functools import partial


def random_payoffs(rng: random.Random, n: int) -> tuple:
    return tuple([[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)] for _ in (0, 1))


def _rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def ours(games: list) -> tuple:
    from verifier import Pair, parse_agent
    from verifier.model.games import Game
    base, times, found = _rss(), [], []
    br = parse_agent("best-response")
    for payoffs in games:
        n = len(payoffs[0])
        start = time.perf_counter()
        game = Game("random", (tuple(f"a{k}" for k in range(n)), tuple(f"b{k}" for k in range(n))),
                    tuple(tuple(tuple(Fraction(x) for x in row) for row in m) for m in payoffs))
        result = Pair(game, (br, br)).solve(find_all=True)
        times.append(time.perf_counter() - start)
        found.append({p.profile for p in result.fixed_points} if result.complete else None)
    return times, found, base, _rss()


def gambit(games: list) -> tuple:
    import numpy as np
    import pygambit as gbt
    base, times, found = _rss(), [], []
    for payoffs in games:
        start = time.perf_counter()
        g = gbt.StrategicGame.from_arrays(*(np.array(m, dtype=object) for m in payoffs))
        equilibria = gbt.nash.enummixed_solve(g, rational=True).equilibria
        times.append(time.perf_counter() - start)
        found.append({tuple(tuple(Fraction(eq[p][s]) for s in g.get_strategies(p))
                            for p in g.players) for eq in equilibria})
    return times, found, base, _rss()


def lrsnash(games: list, binary: str) -> tuple:
    """lrsnash on each game (its input: sizes, then both payoff matrices), one process each;
    the last element is the largest child's peak resident set in MiB."""
    times, found = [], []
    for payoffs in games:
        m, n = len(payoffs[0]), len(payoffs[0][0])
        text = f"{m} {n}\n\n" + "\n\n".join("\n".join(" ".join(map(str, row)) for row in a)
                                         for a in payoffs) + "\n"
        with tempfile.NamedTemporaryFile("w", suffix=".game", delete=False) as f:
            f.write(text)
        try:
            start = time.perf_counter()
            out = subprocess.run([binary, f.name], capture_output=True, text=True,
                                 check=True).stdout
            times.append(time.perf_counter() - start)
        finally:
            os.unlink(f.name)
        # blocks apart by blank lines: "2 y... payoff" lines, then "1 x... payoff" lines;
        # every x of a block with every y of it is an equilibrium (degenerate games)
        equilibria, columns = set(), []
        for line in out.splitlines():
            words = line.split()
            if not words:
                columns = []
            elif words[0] == "2":
                columns.append(tuple(Fraction(w) for w in words[1:1 + n]))
            elif words[0] == "1":
                row = tuple(Fraction(w) for w in words[1:1 + m])
                equilibria.update((row, column) for column in columns)
        found.append(equilibria)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return times, found, 0, peak


def nashpy(games: list, method: str) -> tuple:
    import warnings

    import nashpy as nash
    import numpy as np
    base, times = _rss(), []
    for payoffs in games:
        start = time.perf_counter()
        game = nash.Game(np.array(payoffs[0]), np.array(payoffs[1]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            list(getattr(game, method)())
        times.append(time.perf_counter() - start)
    return times, None, base, _rss()


def in_worker(tool, *args) -> tuple:
    """Run a tool in a fresh process (spawned: nothing inherited) and return its answer."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(tool, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,3,4,5,6")
    parser.add_argument("--games", type=int, default=10, help="games per size")
    parser.add_argument("--identity", default="",
                        help="also these sizes of the identity coordination game (2^n - 1 "
                             "equilibria), against Gambit and lrsnash: e.g. 6,7,8,9,10")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each identity game per tool, each in a fresh worker; "
                             "the table gives the median time and the first run's peak "
                             "memory (default 3)")
    parser.add_argument("--lrsnash", default=shutil.which("lrsnash"),
                        help="lrslib's lrsnash binary, an anchor (default: on the PATH)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat needs at least 1")
    rng = random.Random(20261128)
    lrs = args.lrsnash

    def run_lrs(games):
        return in_worker(lrsnash, games, lrs) if lrs else None

    print("| n | games | ours (median s) | Gambit enummixed | lrsnash | nashpy support | "
          "nashpy vertex | ours / Gambit | ours / lrsnash | ours / nashpy support | "
          "ours / nashpy vertex | equal to Gambit, lrsnash = Gambit | "
          "peak MiB: ours / Gambit / nashpy support |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in map(int, args.sizes.split(",")):
        games = [random_payoffs(rng, n) for _ in range(args.games)]
        mine, theirs, anchor = in_worker(ours, games), in_worker(gambit, games), run_lrs(games)
        support = in_worker(nashpy, games, "support_enumeration")
        vertex = in_worker(nashpy, games, "vertex_enumeration")
        medians = [statistics.median(r[0]) if r else None
                   for r in (mine, theirs, anchor, support, vertex)]
        equal = sum(a == b for a, b in zip(mine[1], theirs[1]))
        same = sum(a == b for a, b in zip(anchor[1], theirs[1])) if anchor else None
        ratios = " | ".join(f"{medians[0] / m:.2f}" if m else "n/a" for m in medians[1:])
        memory = " / ".join(f"{r[3]} (+{r[3] - r[2]})" for r in (mine, theirs, support))
        print(f"| {n}x{n} | {len(games)} | "
              + " | ".join(f"{m:.4f}" if m else "n/a" for m in medians)
              + f" | {ratios} | {equal}/{len(games)}, "
              + (f"{same}/{len(games)}" if anchor else "n/a") + f" | {memory} |", flush=True)
    if args.identity:
        print("\n| identity n x n | equilibria | ours (s) | Gambit enummixed (s) | lrsnash (s) | "
              "ours / Gambit | ours / lrsnash | equal to Gambit, lrsnash = Gambit | "
              "peak MiB: ours / Gambit |")
        print("|---|---|---|---|---|---|---|---|---|")
    for n in (map(int, args.identity.split(",")) if args.identity else ()):
        game = [[[int(i == j) for j in range(n)] for i in range(n)]] * 2
        # each repetition in a fresh worker (nothing cached between them); the median
        mine, theirs, anchor = ([run([game]) for _ in range(args.repeat)]
                                for run in (partial(in_worker, ours), partial(in_worker, gambit),
                                            run_lrs))
        equal = "yes" if all(m[1] == t[1] for m, t in zip(mine, theirs)) else "NO"
        if anchor[0]:
            equal += ", yes" if all(a[1] == t[1] for a, t in zip(anchor, theirs)) else ", NO"
        mine_s, theirs_s = (statistics.median(r[0][0] for r in runs) for runs in (mine, theirs))
        lrs_s = statistics.median(r[0][0] for r in anchor) if anchor[0] else None
        lrs_time = f"{lrs_s:.2f}" if lrs_s else "n/a"
        lrs_ratio = f"{mine_s / lrs_s:.2f}" if lrs_s else "n/a"
        print(f"| {n}x{n} | {len(theirs[0][1][0])} | {mine_s:.2f} | {theirs_s:.2f} | "
              f"{lrs_time} | {mine_s / theirs_s:.2f} | {lrs_ratio} | {equal} | "
              f"{mine[0][3]} / {theirs[0][3]} |", flush=True)


if __name__ == "__main__":
    main()
