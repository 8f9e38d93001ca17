"""Time `rov solve --all` for every ordered pair of the built-in library.

Games pd-a and pd-b, eps = 1/10, delta = 1/1000. Prints one row a pair:
the pair, the number of fixed points found, whether the set is complete or a
continuum, and the wall-clock seconds of the whole enumeration (the same
code path as the command, without the interpreter start-up). Ends with the
slowest pair and the process's peak resident memory.

    .venv/bin/python bench/solve_all.py [--games pd-a,pd-b] [--markdown | --matrix]
        [--reading directions=cone]

``--reading KEY=VALUE,...`` adds reading keys to the agents that take them (LP, neLP and
the region agent), as `rov --reading` does.
"""

from __future__ import annotations

import argparse
import resource
import time

from verifier import Pair, builtin_game, parse_agent

KITE = {"pd-a": "(1,1),(13/3,1),(3,3),(1,13/3)", "pd-b": "(1,1),(5/2,1),(2,2),(1,5/2)"}


def roster(game: str, reading: str = "") -> list[str]:
    extra = f",{reading}" if reading else ""
    return ["cooperatebot", "defectbot", "nicerbot(eps=1/10)",
            f"lp(eps=1/10,delta=1/1000{extra})", f"nelp(eps=1/10,delta=1/1000{extra})",
            f"region(eps=1/10,delta=1/1000,polygon={KITE[game]}{extra})", "best-response",
            "liar"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", default="pd-a,pd-b")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--matrix", action="store_true", help="print one Markdown matrix a game")
    parser.add_argument("--reading", default="", help="e.g. directions=cone")
    args = parser.parse_args()
    rows = []
    for name in args.games.split(","):
        game = builtin_game(name)
        for spec1 in roster(name, args.reading):
            for spec2 in roster(name, args.reading):
                start = time.perf_counter()
                result = Pair(game, (parse_agent(spec1), parse_agent(spec2))).solve(find_all=True)
                seconds = time.perf_counter() - start
                kind = ("complete" if result.complete else
                        "continuum" if result.continuum else "open")
                rows.append((name, f"{result.agents[0]} vs {result.agents[1]}",
                             len(result.fixed_points), kind, seconds))
    short = [(g, p.replace("polygon=", "").replace(",delta=1/1000", ",d").replace("eps=", ""),
              n, k, s) for g, p, n, k, s in rows]
    if args.matrix:
        names = ["coop", "defect", "nicer", "lp", "nelp", "region", "br", "liar"]
        for name in args.games.split(","):
            cells = {(r[1].split(" vs ")[0], r[1].split(" vs ")[1]): r for r in rows if r[0] == name}
            specs = [s for s, _ in cells][:: len(names)]
            print(f"\n{name}: seconds for `solve --all` (points found, C = continuum)\n")
            print("| vs | " + " | ".join(names) + " |")
            print("|---" * (len(names) + 1) + "|")
            for label, a in zip(names, specs):
                row = []
                for b in specs:
                    _, _, n, kind, sec = cells[(a, b)]
                    row.append(f"{sec:.2f} ({'C' if kind == 'continuum' else n})")
                print(f"| {label} | " + " | ".join(row) + " |")
    elif args.markdown:
        print("| game | pair | points | set | seconds |\n|---|---|---|---|---|")
        for g, p, n, k, s in short:
            print(f"| {g} | {p} | {n} | {k} | {s:.3f} |")
    else:
        width = max(len(p) for _, p, *_ in short)
        for g, p, n, k, s in short:
            print(f"{g:5}  {p:{width}}  {n:3}  {k:9}  {s:7.3f}s")
    slowest = max(rows, key=lambda r: r[4])
    total = sum(r[4] for r in rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{len(rows)} pairs, {total:.1f}s in all; slowest {slowest[1]} on {slowest[0]} "
          f"({slowest[4]:.3f}s); peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
