"""A process that decides nonlinear real arithmetic for the lemma search, so that a check
that runs past its limit can be killed: Z3's nonlinear procedures were measured to stay in
one check for minutes past their timeout and their resource limit (Z3 5.4.1, 2026-12-01:
nla's bound optimisation, patching and Horner schemes in the SMT core; resultants in
nlsat), and a thread cannot stop them.

:class:`NonlinearWorker` runs this file as a script (``python -I``: it imports z3 alone,
not the package), sends one request per line and kills the process when no answer comes
in time. A request is JSON: ``{"method", "smtlib", "flags", "seconds"}``, the text
declaring the variables and a Boolean flag per literal, each flag implying its literal
(``(assert (=> n ...))``), and the flags to assume; the answer is ``{"answer": "sat" | "unsat" | "unknown", "core": [names]}``.
Methods: ``nlsat`` (docs/references.md [jovanovic-demoura2012], the ``qfnra-nlsat``
tactic) and ``smt`` (Z3's SMT core with nla, with the bound optimisation and the Horner
schemes off). Nothing here is trusted: the cores only guide the search.
"""

from __future__ import annotations

import json
import subprocess
import sys

WORKER_START_SECONDS = 30.0  # the worker's start (importing z3) may take this long


class WorkerTimeout(Exception):
    """The worker gave no answer in time and was killed."""


class NonlinearWorker:
    """One worker process, started on first use and again after a kill."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def check(self, method: str, smtlib: str, flags: list[str], seconds: float) \
            -> tuple[str, list[str]]:
        """(answer, the flags of an unsat core) for the SMT-LIB text under the flags; raises :class:`WorkerTimeout` when no
        answer comes within ``seconds`` (and the start's own allowance)."""
        import selectors
        started = self.process is None or self.process.poll() is not None
        if started:
            self.process = subprocess.Popen([sys.executable, "-I", __file__],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            text=True)
        request = {"method": method, "smtlib": smtlib, "flags": flags, "seconds": seconds}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        with selectors.DefaultSelector() as watch:
            watch.register(self.process.stdout, selectors.EVENT_READ)
            ready = watch.select(seconds + 0.5 + (WORKER_START_SECONDS if started else 0))
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise WorkerTimeout(f"no answer from the {method} worker in {seconds:.1f} s")
        answer = json.loads(line)
        return answer["answer"], answer["core"]

    def close(self) -> None:
        """Kill the process, if any."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _decide(method: str, smtlib: str, flags: list[str], seconds: float) -> dict:
    import z3
    if method == "nlsat":
        solver = z3.Tactic("qfnra-nlsat").solver()
    else:
        solver = z3.SolverFor("QF_NRA")
        solver.set(**{"arith.nl.optimize_bounds": False, "arith.nl.horner": False})
    solver.set("unsat_core", True)
    solver.set("timeout", max(1, int(seconds * 1000)))
    solver.from_string(smtlib)
    answer = solver.check([z3.Bool(f) for f in flags])
    core = [str(c) for c in solver.unsat_core()] if answer == z3.unsat else []
    return {"answer": str(answer), "core": core}


def _serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        answer = _decide(request["method"], request["smtlib"], request["flags"],
                         request["seconds"])
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    _serve()
