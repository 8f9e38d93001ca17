"""A solver in a child process, killed after its time limit + 10 s.

Neither Z3's nonlinear procedures nor cvc5 check their own limits everywhere: Z3 in the
parent once ran past 5 minutes on a certificate it had decided in 3 s earlier in that
process, and once past 15 minutes in a search's query despite its resource limit. A query
that must end runs here; only its answer comes back (docs/solving.md).
"""

from __future__ import annotations

import subprocess
import sys

# argv: time limit in ms, resource limit in Z3 units (0: none), logic ("ALL": Z3's default
# solver, which also decides quantified formulas)
Z3_SCRIPT = """
import sys
import z3
solver = z3.Solver() if sys.argv[3] == "ALL" else z3.SolverFor(sys.argv[3])
solver.set("timeout", int(sys.argv[1]))
if int(sys.argv[2]):
    solver.set("rlimit", int(sys.argv[2]))
solver.from_string(sys.stdin.read())
print(solver.check())
"""


def decide_in_child(script: str, text: str, seconds: float, *args: str) -> str:
    """The last word ``script`` prints when run by this Python in a child process, with
    ``text`` on its input and argv ``[ms, *args]`` (``ms``: ``seconds`` in milliseconds,
    at least 1): "sat", "unsat" or "unknown"; "unknown" when it is killed after
    ``seconds`` + 10 s; ``error: ...`` (the child's last line of error output) when it
    fails or prints anything else."""
    try:
        done = subprocess.run(  # -I: isolated, so no module in the working folder shadows one
            [sys.executable, "-I", "-c", script, str(max(1, int(seconds * 1000))), *args],
            input=text, capture_output=True, text=True, timeout=seconds + 10)
    except subprocess.TimeoutExpired:
        return "unknown"
    words = done.stdout.split()
    if done.returncode != 0 or not words or words[-1] not in ("sat", "unsat", "unknown"):
        return "error: " + (done.stderr.strip().splitlines() or [f"answered {done.stdout!r}"])[-1]
    return words[-1]


def decide_z3(text: str, seconds: float, rlimit: int = 0, logic: str = "QF_NRA") -> str:
    """Z3 on SMT-LIB ``text`` (no check-sat needed) in a child process, within ``seconds``
    of wall-clock time and ``rlimit`` Z3 resource units (0: no unit limit), with the solver
    for ``logic`` ("ALL": Z3's default solver, for quantified text): see
    :func:`decide_in_child`."""
    return decide_in_child(Z3_SCRIPT, text, seconds, str(rlimit), logic)
