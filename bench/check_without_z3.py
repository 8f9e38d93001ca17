"""Re-check the witness and farkas certificates in a process where Z3 cannot be imported.

    python bench/check_without_z3.py certificates/*.json

Shows that those kinds need no Z3 (any import of it fails here), and how long
checking them takes. Solver-agreed certificates are skipped: they need both
solvers by design.
"""

import json
import sys
import time

sys.modules["z3"] = None  # every "import z3" from here on raises ImportError

from verifier.apps.cli import main  # noqa: E402 - after blocking z3


def _kind(path: str) -> str:
    try:
        with open(path) as f:
            return json.load(f).get("kind", "?")
    except (OSError, ValueError):
        return "?"  # unreadable: let rov check report it


if __name__ == "__main__":
    files = [p for p in sys.argv[1:] if _kind(p) != "solver-agreed"]
    start = time.perf_counter()
    status = main(["check", "--no-solvers", *files])
    assert sys.modules["z3"] is None, "z3 was imported"
    print(f"{len(files)} witness/farkas certificates checked without z3 in "
          f"{time.perf_counter() - start:.1f} s ({len(sys.argv) - 1 - len(files)} "
          f"solver-agreed skipped)")
    sys.exit(status)
