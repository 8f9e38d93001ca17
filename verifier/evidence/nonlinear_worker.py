"""The lemma search's nonlinear checks in a separate process, so that a check that runs
past its limit can be killed: Z3's nonlinear procedures were measured to stay in
one check for minutes past their timeout and their resource limit (Z3 5.4.1, 2026-12-01:
nla's bound optimisation, patching and Horner schemes in the SMT core; resultants in
nlsat), and a thread cannot stop them.

:class:`NonlinearWorker` runs ``nonlinear_server.py`` as a script (``python -I``: it
imports z3 alone, not the package; its argument is the starting process's id, and the
script ends when that process is gone), sends one request per line and kills the process
when no answer comes in time. A request is JSON: ``{"method", "smtlib", "flags",
"seconds", "drop"}``; the text declares variables and a Boolean flag per literal, each flag implying its literal
(``(assert (=> n ...))``), and the flags are assumed; the answer is
``{"answer": "sat" | "unsat" | "unknown", "core": [flags]}``. Methods: ``incremental``
(with ``"theory"``, a number: Z3's incremental solver of that theory, kept between
requests, the text adding atoms to it; ``drop`` lists theories to forget) and ``nlsat``
(the text is the whole problem, decided afresh by the ``qfnra-nlsat`` tactic,
docs/references.md [jovanovic-demoura2012]). Nothing here is trusted: the cores only
guide the search. The worker's error output is discarded (a worker that fails is one
that does not answer).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..errors import SolverUnknown

SERVER = Path(__file__).with_name("nonlinear_server.py")

WORKER_START_SECONDS = 30.0  # the worker's start (importing z3) may take this long


class WorkerTimeout(SolverUnknown):
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
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:  # the worker died between two requests
            self.close()
            raise WorkerTimeout(f"the {request['method']} worker died") from None
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
        self.process = subprocess.Popen([sys.executable, "-I", str(SERVER), str(os.getpid())],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.generation += 1
        self.dropped = []

    def close(self) -> None:
        """Kill the process, if any."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
