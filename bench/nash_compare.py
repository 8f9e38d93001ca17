"""Two best-response agents against Gambit and nashpy on seeded random n x n games.

For each size, the same games go to: ours (`solve --all` for best-response vs
best-response, in a subprocess with a time limit), pygambit's
`enummixed_solve(rational=True)`, and nashpy's support and vertex enumeration
(floats). Prints a Markdown table of median seconds per game, ours over each
of theirs, how our runs ended (the same equilibria as Gambit exactly; a
continuum, for degenerate games; out of time; or DIFFERS, which is a bug),
and peak memory.

    .venv/bin/python bench/nash_compare.py [--sizes 2,3,4] [--games 5] [--limit 120]

Needs pygambit (a dependency) and nashpy (`pip install nashpy`).
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


def ours(payoffs, queue) -> None:
    from verifier import Pair, parse_agent
    from verifier.games import Game
    n = len(payoffs[0])
    game = Game("random", (tuple(f"a{k}" for k in range(n)), tuple(f"b{k}" for k in range(n))),
                tuple(tuple(tuple(Fraction(x) for x in row) for row in m) for m in payoffs))
    br = parse_agent("best-response")
    start = time.perf_counter()
    result = Pair(game, (br, br)).solve(find_all=True)
    queue.put((time.perf_counter() - start, result.complete, bool(result.continuum),
               {p.profile for p in result.fixed_points}))


def run_ours(payoffs, limit: float):
    queue = mp.Queue()
    worker = mp.Process(target=ours, args=(payoffs, queue))
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        worker.terminate()
        worker.join()
        return None
    return queue.get() if not queue.empty() else None


def gambit(payoffs):
    import numpy as np
    import pygambit as gbt
    g = gbt.Game.from_arrays(*(np.array(m, dtype=object) for m in payoffs))
    start = time.perf_counter()
    found = gbt.nash.enummixed_solve(g, rational=True).equilibria
    seconds = time.perf_counter() - start
    return seconds, {tuple(tuple(Fraction(eq[p][s]) for s in p.strategies) for p in g.players)
                     for eq in found}


def nashpy_times(payoffs):
    import warnings

    import nashpy
    import numpy as np
    game = nashpy.Game(np.array(payoffs[0]), np.array(payoffs[1]))
    out = []
    for method in (game.support_enumeration, game.vertex_enumeration):
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            list(method())
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2,3,4")
    parser.add_argument("--games", type=int, default=5, help="games per size")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds for each of ours")
    args = parser.parse_args()
    rng = random.Random(20261128)
    print("| n | games | ours (median s) | equal to Gambit / continuum / timeout / DIFFERS | "
          "Gambit enummixed | "
          "nashpy support | nashpy vertex | ours / Gambit | ours / nashpy support |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n in map(int, args.sizes.split(",")):
        rows = []
        for _ in range(args.games):
            payoffs = random_payoffs(rng, n)
            g_seconds, equilibria = gambit(payoffs)
            support, vertex = nashpy_times(payoffs)
            mine = run_ours(payoffs, args.limit)
            state = "timeout" if mine is None else "continuum" if mine[2] else \
                "equal" if mine[1] and mine[3] == equilibria else "DIFFERS"
            rows.append((mine[0] if mine else None, state, g_seconds, support, vertex))
        done = [r[0] for r in rows if r[0] is not None]
        ours_median = statistics.median(done) if len(done) == len(rows) else None
        g, s, v = (statistics.median(r[k] for r in rows) for k in (2, 3, 4))
        text = f"{ours_median:.3f}" if ours_median is not None else f"> {args.limit:.0f} (some)"
        ratio = (lambda x: f"{ours_median / x:.0f}x") if ours_median is not None else (lambda x: "-")
        states = "/".join(str(sum(r[1] == k for r in rows))
                          for k in ("equal", "continuum", "timeout", "DIFFERS"))
        print(f"| {n} | {len(rows)} | {text} | {states} | "
              f"{g:.4f} | {s:.4f} | {v:.4f} | {ratio(g)} | {ratio(s)} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"\npeak memory: this process {peak} MiB, largest of ours {children} MiB")


if __name__ == "__main__":
    main()
