"""Time exact optima (`rov bound`) of library pairs on pd-a with the solver portfolio and
with Z3 alone (the anchor), as whole processes, one after the other.

Prints a Markdown table: the pair, the objective, each setting's seconds and result (the
exact value, "exact" for a long algebraic one, "bracket" when only bounds were proven, or
"unknown", also for a run stopped at ``--max-seconds``), the ratio portfolio / Z3 alone,
and whether the two exact values are equal.

    .venv/bin/python bench/optima.py [--max-seconds 900] [--readings directions=equal]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
LP, NELP = "lp(eps=1/10,delta=1/1000)", "nelp(eps=1/10,delta=1/1000)"
REGION = "region(eps=1/10,delta=1/1000,polygon=(1,1),(13/3,1),(3,3),(1,13/3))"
CASES = [(NELP, NELP, "u1", "min"), (NELP, LP, "u1", "min"), (NELP, "defectbot", "p1(C)", "max"),
         ("nicerbot(eps=1/10)", LP, "u1", "min"), (REGION, NELP, "u1", "min"),
         (LP, LP, "u1", "max")]


def run(case: tuple, solver: str, reading: str, limit: float) -> tuple[float, str, object]:
    """Seconds, a short result and the exact value (None if none) of one `rov bound`."""
    a, b, objective, sense = case
    command = [str(BIN / "rov"), "bound", a, b, "--game", "pd-a", "--objective", objective,
               "--sense", sense, "--solver", solver, "--reading", reading, "--json",
               "--max-seconds", str(limit)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        return seconds, "unknown" if done.returncode == 3 else f"exit {done.returncode}", None
    value = json.loads(done.stdout).get("value")
    return seconds, "bracket" if value is None else ("exact" if len(value) > 24 else value), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--readings", default="directions=equal")
    args = parser.parse_args()
    print("| reading | pair | objective | portfolio (s) | Z3 alone (s) | portfolio / Z3 | "
          "result (portfolio / Z3) | equal values |")
    print("|---|---|---|---|---|---|---|---|")
    for reading in args.readings.split(","):
        for case in CASES:
            fast, fast_result, fast_value = run(case, "portfolio", reading, args.max_seconds)
            slow, slow_result, slow_value = run(case, "z3", reading, args.max_seconds)
            equal = "-" if fast_value is None or slow_value is None else \
                ("yes" if fast_value == slow_value else "NO")
            names = " vs ".join(s.split("(")[0] for s in case[:2])
            print(f"| {reading} | {names} | {case[3]} {case[2]} | {fast:.1f} | {slow:.1f} | "
                  f"{fast / slow:.2f} | {fast_result} / {slow_result} | {equal} |", flush=True)


if __name__ == "__main__":
    main()
