"""Time `rov tournament` over the default roster, as a whole process, and print its cells.

Runs `rov tournament --game GAME --jobs N --json [--reading R]` once per reading, then
prints, per reading, the wall-clock time, the peak memory of the command and its workers,
and a Markdown matrix of the cells: seconds for each pair (solve --all, then for a continuum
the exact min and max of both payoffs), with U for a unique fixed point, C for a continuum
whose four payoff ends are all exact, and B for a continuum with an end left as a bracket;
"m" marks a cell whose ends were checked directly at its mirror cell's values (a symmetric
game, below the diagonal). ``--save DIR`` also writes each reading's JSON there.

    .venv/bin/python bench/tournament_table.py [--game pd-a] [--jobs 2]
        [--readings directions=equal,directions=cone] [--max-seconds S] [--save DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def short(spec: str) -> str:
    """A column label for an agent spec: its name before the parameters."""
    return {"cooperatebot": "coop", "defectbot": "defect", "best-response": "br",
            "nicerbot": "nicer", "mixed": "mixed"}.get(spec.split("(")[0], spec.split("(")[0])


def run(game: str, jobs: int, reading: str,
        limit: float | None) -> tuple[dict | None, float, float]:
    """The tournament's JSON (None when it was stopped at ``limit`` seconds, rov's
    ``--max-seconds``), its wall-clock seconds and the peak resident MiB of the command
    and its workers."""
    command = [str(BIN / "rov"), "tournament", "--game", game, "--jobs", str(jobs), "--json",
               "--reading", reading] + (["--max-seconds", str(limit)] if limit else [])
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode == 3:  # unknown: stopped by --max-seconds
        return None, seconds, peak
    if done.returncode != 0:
        sys.exit(f"rov tournament failed: {done.stderr.strip()}")
    return json.loads(done.stdout), seconds, peak


def kind(cell: dict) -> str:
    if cell["kind"] != "range":
        return "U"
    ends = [cell["ranges"][u][side].get("value") for u in ("u1", "u2") for side in ("min", "max")]
    mirror = "m" if "checked directly" in cell["note"] else ""
    return ("C" if all(v is not None for v in ends) else "B") + mirror


def matrix(result: dict) -> str:
    roster = result["roster"]
    cells = {(c["row"], c["column"]): c for c in result["cells"]}
    lines = ["| vs | " + " | ".join(short(s) for s in roster) + " |",
             "|---" * (len(roster) + 1) + "|"]
    for a in roster:
        row = [f"{cells[(a, b)]['seconds']:.1f} {kind(cells[(a, b)])}" for b in roster]
        lines.append(f"| {short(a)} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--game", default="pd-a")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--readings", default="directions=equal,directions=cone")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop each tournament after this many seconds (rov --max-seconds)")
    parser.add_argument("--save", type=Path, default=None,
                        help="a directory to write each reading's tournament JSON in")
    args = parser.parse_args()
    for reading in args.readings.split(","):
        result, seconds, peak = run(args.game, args.jobs, reading, args.max_seconds)
        if result is not None and args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"tournament-{args.game}-{reading}.json").write_text(
                json.dumps(result, indent=1))
        if result is None:
            print(f"\n{args.game}, {reading}, --jobs {args.jobs}: not finished within "
                  f"{args.max_seconds:g} s (stopped)\n")
            continue
        kinds = [kind(c).rstrip("m") for c in result["cells"]]
        total = sum(c["seconds"] for c in result["cells"])
        print(f"\n{args.game}, {reading}, --jobs {args.jobs}: {seconds:.0f} s wall-clock, "
              f"{total:.0f} s in the cells, peak {peak:.0f} MiB; {kinds.count('U')} unique, "
              f"{kinds.count('C')} continua with exact ends, {kinds.count('B')} with a "
              f"bracket\n")
        print(matrix(result))


if __name__ == "__main__":
    main()
