"""Re-check certificates with every SMT solver out of reach: `rov check --no-solvers`.

    python bench/check_without_solvers.py certificates/*.json

Z3, cvc5 and Yices cannot be imported here (any import raises ImportError), and the
folders holding a ``z3``, ``cvc5`` or ``yices-smt2`` program are taken off the PATH, so
the checker can only use exact arithmetic and the SAT solver. Every kind but
``solver-agreed`` must re-verify; solver-agreed certificates fail here by design (they are
agreement, re-decided by the solvers). Prints the count by kind and the time taken; the
exit status is `rov check`'s.
"""

import json
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

for name in ("z3", "cvc5", "yices"):
    sys.modules[name] = None  # every "import NAME" from here on raises ImportError
SOLVERS = ("z3", "cvc5", "yices-smt2")
os.environ["PATH"] = os.pathsep.join(
    d for d in os.environ.get("PATH", "").split(os.pathsep)
    if not any((Path(d) / s).exists() for s in SOLVERS))

from verifier.apps.cli import main  # noqa: E402 - after blocking the solvers


def _kind(path: str) -> str:
    try:
        with open(path) as f:
            return json.load(f).get("kind", "?")
    except (OSError, ValueError):
        return "?"  # unreadable: rov check reports it


if __name__ == "__main__":
    files = sys.argv[1:]
    assert not any(shutil.which(s) for s in SOLVERS), "a solver is still on the PATH"
    kinds = Counter(_kind(p) for p in files)
    start = time.perf_counter()
    status = main(["check", "--no-solvers", *files])
    assert all(sys.modules[n] is None for n in ("z3", "cvc5", "yices")), "a solver was imported"
    print(f"{len(files)} certificates checked with no solver importable or on the PATH in "
          f"{time.perf_counter() - start:.1f} s; by kind: "
          + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    sys.exit(status)
