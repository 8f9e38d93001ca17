"""`rov prove` with one worker against N workers: the wall-clock speed-up.

Runs the whole claims catalogue twice in subprocesses (``--jobs 1`` and
``--jobs N``), checks that both give the same verdicts, and prints the times
and their ratio. On a machine with N free cores the goal is a speed-up of at
least 1.6 for N = 2.

    .venv/bin/python bench/prove_jobs.py [--jobs 2] [PATH ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROV = str(Path(sys.executable).with_name("rov"))


def prove(paths: list, jobs: int) -> tuple[float, list]:
    start = time.perf_counter()
    done = subprocess.run([ROV, "prove", *paths, "--jobs", str(jobs), "--json"],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"rov prove --jobs {jobs} failed: {done.stderr.strip()}")
    return seconds, [(r["id"], r["verdict"], r["expected"]) for r in json.loads(done.stdout)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["proofs/"])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    one, verdicts_one = prove(args.paths, 1)
    many, verdicts_many = prove(args.paths, args.jobs)
    same = verdicts_one == verdicts_many
    expected = sum(verdict == wanted for _, verdict, wanted in verdicts_one)
    print(f"| claims | --jobs 1 | --jobs {args.jobs} | speed-up | same verdicts | as expected |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(verdicts_one)} | {one:.1f} s | {many:.1f} s | {one / many:.2f}x | "
          f"{'yes' if same else 'NO'} | {expected}/{len(verdicts_one)} |")
    for claim, verdict, wanted in verdicts_one:
        if verdict != wanted:
            print(f"{claim}: {verdict}, expected {wanted}")
    if not same or expected < len(verdicts_one):
        sys.exit(1)


if __name__ == "__main__":
    main()
