"""Start-up: the wall-clock time of whole `rov` processes that do little work.

Each command runs ``--repeat`` times in a fresh process, interleaved with its anchors
(a bare ``python -c pass``, and ``import sympy`` / ``import z3``, the heavy libraries the
commands must not load before they need them); the table gives min, median and max and the
median's ratio to the bare interpreter's, measured in the same run.

    .venv/bin/python bench/startup.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROV = str(Path(sys.executable).with_name("rov"))

COMMANDS = {  # label: argv
    "python -c pass (anchor)": [sys.executable, "-c", "pass"],
    "python -c 'import sympy' (anchor)": [sys.executable, "-c", "import sympy"],
    "python -c 'import z3' (anchor)": [sys.executable, "-c", "import z3"],
    "rov --help": [ROV, "--help"],
    "rov list": [ROV, "list"],
}


def seconds(argv: list[str]) -> float:
    """The wall-clock seconds of one run of ``argv`` (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    """Time every command ``--repeat`` times and print the table (Markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, list[float]] = {label: [] for label in COMMANDS}
    for _ in range(args.repeat):  # interleaved: a load change hits every command alike
        for label, argv in COMMANDS.items():
            times[label].append(seconds(argv))
    anchor = statistics.median(times["python -c pass (anchor)"])
    print("| command | min | median | max | median / bare python |")
    print("|---|---|---|---|---|")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"| `{label}` | {min(values):.3f} s | {median:.3f} s | {max(values):.3f} s | "
              f"{median / anchor:.1f}x |")


if __name__ == "__main__":
    main()
