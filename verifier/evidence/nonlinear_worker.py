"""A process that decides nonlinear real arithmetic for the lemma search, so that a check
that runs past its limit can be killed: Z3's nonlinear procedures were measured to stay in
one check for minutes past their timeout and their resource limit (Z3 5.4.1, 2026-12-01:
nla's bound optimisation, patching and Horner schemes in the SMT core; resultants in
nlsat), and a thread cannot stop them.

:class:`NonlinearWorker` runs this file as a script (``python -I``: it imports z3 alone,
not the package; its argument is the starting process's id, and the script ends when that
process is gone), sends one request per line and kills the process when no answer comes
in time. A request is JSON: ``{"method", "smtlib", "flags", "seconds", "drop"}``; the text
declares variables and a Boolean flag per literal, each flag implying its literal
(``(assert (=> n ...))``), and the flags are assumed; the answer is
``{"answer": "sat" | "unsat" | "unknown", "core": [flags]}``. Methods: ``incremental``
(with ``"theory"``, a number: Z3's incremental solver of that theory, kept between
requests, the text adding atoms to it; ``drop`` lists theories to forget) and ``nlsat``
(the text is the whole problem, decided afresh by the ``qfnra-nlsat`` tactic,
docs/references.md [jovanovic-demoura2012]). Nothing here is trusted: the cores only guide the search.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

WORKER_START_SECONDS = 30.0  # the worker's start (importing z3) may take this long


class WorkerTimeout(Exception):
    """The worker gave no answer in time and was killed."""


class NonlinearWorker:
    """One worker process, started on first use and again after a kill; ``generation``
    counts the starts (a new process knows no theory)."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.generation = 0
        self.dropped: list[int] = []  # theories to forget, sent with the next request

    def check(self, request: dict, seconds: float) -> tuple[str, list[str]]:
        """(answer, the flags of an unsat core) for a request (see the module's text);
        raises :class:`WorkerTimeout` when no answer comes within ``seconds`` (and the
        start's own allowance)."""
        import selectors
        started = self.process is None or self.process.poll() is not None
        if started:
            self.start()
        request = dict(request, seconds=seconds, drop=self.dropped)
        self.dropped = []
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        with selectors.DefaultSelector() as watch:
            watch.register(self.process.stdout, selectors.EVENT_READ)
            ready = watch.select(seconds + 0.5 + (WORKER_START_SECONDS if started else 0))
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise WorkerTimeout(f"no answer from the {request['method']} worker in "
                                f"{seconds:.1f} s")
        answer = json.loads(line)
        return answer["answer"], answer["core"]

    def start(self) -> None:
        """Start a new process."""
        self.close()
        self.process = subprocess.Popen([sys.executable, "-I", __file__, str(os.getpid())],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True)
        self.generation += 1
        self.dropped = []

    def close(self) -> None:
        """Kill the process, if any."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def _decide(request: dict, theories: dict) -> dict:
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
    _exit_with_parent(int(sys.argv[1]))
    theories: dict = {}
    for line in sys.stdin:
        print(json.dumps(_decide(json.loads(line), theories)), flush=True)


if __name__ == "__main__":
    _serve()
