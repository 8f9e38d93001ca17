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

Needs pygambit (a dependency) and nashpy (the `bench` extra: `make bench-nash`).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import statistics
import time
from fractions import Fraction


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
                             "equilibria), against Gambit only: e.g. 6,7,8,9,10")
    args = parser.parse_args()
    rng = random.Random(20261128)
    print("| n | games | ours (median s) | Gambit enummixed | nashpy support | nashpy vertex | "
          "ours / Gambit | ours / nashpy support | ours / nashpy vertex | equal to Gambit | "
          "peak MiB: ours / Gambit / nashpy support |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in map(int, args.sizes.split(",")):
        games = [random_payoffs(rng, n) for _ in range(args.games)]
        mine, theirs = in_worker(ours, games), in_worker(gambit, games)
        support = in_worker(nashpy, games, "support_enumeration")
        vertex = in_worker(nashpy, games, "vertex_enumeration")
        medians = [statistics.median(r[0]) for r in (mine, theirs, support, vertex)]
        equal = sum(a == b for a, b in zip(mine[1], theirs[1]))
        ratios = " | ".join(f"{medians[0] / m:.2f}" for m in medians[1:])
        memory = " / ".join(f"{r[3]} (+{r[3] - r[2]})" for r in (mine, theirs, support))
        print(f"| {n}x{n} | {len(games)} | " + " | ".join(f"{m:.4f}" for m in medians)
              + f" | {ratios} | {equal}/{len(games)} | {memory} |", flush=True)
    if args.identity:
        print("\n| identity n x n | equilibria | ours (s) | Gambit enummixed (s) | ours / Gambit "
              "| equal to Gambit | peak MiB: ours / Gambit |")
        print("|---|---|---|---|---|---|---|")
    for n in (map(int, args.identity.split(",")) if args.identity else ()):
        game = [[[int(i == j) for j in range(n)] for i in range(n)]] * 2
        mine, theirs = in_worker(ours, [game]), in_worker(gambit, [game])
        equal = mine[1] == theirs[1]
        print(f"| {n}x{n} | {len(theirs[1][0])} | {mine[0][0]:.2f} | {theirs[0][0]:.2f} | "
              f"{mine[0][0] / theirs[0][0]:.2f} | {'yes' if equal else 'NO'} | "
              f"{mine[3]} / {theirs[3]} |", flush=True)


if __name__ == "__main__":
    main()
