"""The process that decides the lemma search's nonlinear checks: its cores, and the kill
of a worker that does not answer (verifier/evidence/nonlinear_worker.py and the script it
runs, nonlinear_server.py)."""

import subprocess

import pytest

from verifier.evidence.nonlinear_worker import NonlinearWorker, WorkerTimeout

TEXT = "\n".join(["(declare-fun v () Real)", "(declare-fun y () Real)"]
                 + [f"(declare-fun p{k} () Bool)" for k in range(1, 5)]
                 + ["(assert (=> p1 (= (* v v) 2.0)))", "(assert (=> p2 (> v 1.0)))",
                    "(assert (=> p3 (< (+ (* y y) (* -2.0 v y) 2.0) 0.0)))",
                    "(assert (=> p4 (> y 100.0)))"])


@pytest.fixture
def worker():
    started = NonlinearWorker()
    yield started
    started.close()


def ask(method, flags, text=TEXT):
    return {"method": method, "smtlib": text, "flags": flags, "theory": 0}


@pytest.mark.parametrize("method", ["nlsat", "incremental"])
def test_a_core_is_the_flags_that_make_it_infeasible(worker, method):
    """y^2 - 2vy + 2 < 0 with v^2 = 2 is (y - v)^2 < 0: every core has those two (without
    either the rest is satisfiable), and only asked flags; without the square's literal
    the rest is satisfiable (the incremental theory kept its atoms from the first
    request)."""
    answer, core = worker.check(ask(method, ["p1", "p2", "p3", "p4"]), 30)
    assert answer == "unsat" and {"p1", "p3"} <= set(core) <= {"p1", "p2", "p3", "p4"}
    again = "" if method == "incremental" else TEXT
    assert worker.check(ask(method, ["p1", "p2", "p4"], again), 30) == ("sat", [])


def test_a_worker_that_does_not_answer_is_killed_and_replaced(worker):
    """A process that never answers (standing in for Z3 stalled past its own limit) is
    killed when the time is up, and the next check starts a new worker."""
    silent = subprocess.Popen(["sleep", "600"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    worker.process = silent
    with pytest.raises(WorkerTimeout, match="no answer from the nlsat worker"):
        worker.check(ask("nlsat", ["p1", "p2", "p3"]), 0.2)
    assert silent.poll() is not None and worker.process is None
    assert worker.check(ask("nlsat", ["p1", "p2", "p3"]), 30)[0] == "unsat"


def test_a_worker_whose_parent_is_killed_ends():
    """The worker ends once orphaned, even while its input stays open (here a `sleep`
    holds the pipe's writing end, as a check in progress would not read it anyway)."""
    import os
    import signal
    import sys
    import time
    from pathlib import Path
    script = ("import subprocess, time\n"
              "from verifier.evidence.nonlinear_worker import NonlinearWorker\n"
              "w = NonlinearWorker(); w.start()\n"
              "holder = subprocess.Popen(['sleep', '600'], pass_fds=[w.process.stdin.fileno()])\n"
              "print(w.process.pid, holder.pid, flush=True)\n"
              "time.sleep(600)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker_pid, holder_pid = map(int, parent.stdout.readline().split())
    parent.kill()
    parent.wait()

    def running(pid):
        try:
            return (Path("/proc") / str(pid) / "stat").read_text().split()[2] not in "ZX"
        except OSError:
            return False
    try:
        end = time.monotonic() + 60
        while running(worker_pid) and time.monotonic() < end:
            time.sleep(0.1)
        assert not running(worker_pid)
    finally:
        os.kill(holder_pid, signal.SIGKILL)
