"""The script behind :class:`verifier.evidence.nonlinear_worker.NonlinearWorker` (whose text
gives the protocol): it reads one JSON request per line and answers each with one line. Run
as ``python -I nonlinear_server.py PARENT_PID``; it imports z3 alone, nothing of the package,
and ends once the process PARENT_PID is gone.
"""

from __future__ import annotations

import json
import os
import sys


def _decide(request: dict, theories: dict) -> dict:
    """The answer to one request; ``theories`` maps a theory's number to its Z3 solver."""
    import z3
    for theory in request.get("drop", ()):
        theories.pop(theory, None)
    if request["method"] == "nlsat":
        solver = z3.Tactic("qfnra-nlsat").solver()
        solver.set("unsat_core", True)
        solver.from_string(request["smtlib"])
    else:  # incremental: the theory's solver, with the new atoms added
        solver = theories.get(request["theory"])
        if solver is None:
            solver = theories[request["theory"]] = z3.SolverFor("QF_NRA")
        if request["smtlib"]:
            solver.from_string(request["smtlib"])
    solver.set("timeout", max(1, int(request["seconds"] * 1000)))
    answer = solver.check([z3.Bool(f) for f in request["flags"]])
    core = [str(c) for c in solver.unsat_core()] if answer == z3.unsat else []
    return {"answer": str(answer), "core": core}


def _exit_with_parent(parent: int) -> None:
    """End this process as soon as ``parent``, the process that started it (its id given
    on the command line: it may be gone before this line runs), is no longer its parent: a
    check can run for minutes without reading its input, so the closed pipe alone would
    not end it. The same rule as the package's pool workers, written again because this
    script imports nothing of the package."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _serve() -> None:
    """Answer requests from standard input until it closes or the parent is gone."""
    _exit_with_parent(int(sys.argv[1]))
    theories: dict = {}
    for line in sys.stdin:
        print(json.dumps(_decide(json.loads(line), theories)), flush=True)


if __name__ == "__main__":
    _serve()
