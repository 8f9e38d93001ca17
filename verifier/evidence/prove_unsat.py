"""Evidence that a constraint system has no solution: Farkas and Positivstellensatz lemmas.

:func:`farkas_evidence` runs a lazy SMT loop of its own: a SAT solver
(python-sat) proposes an assignment of the skeleton, Z3 finds a small
infeasible core of its arithmetic literals, and the exact multipliers that
refute the core are found by a linear program
(:mod:`verifier.evidence.multipliers`). The core's negation
is added as a clause, until the skeleton is unsatisfiable. A nonlinear core
that no lemma of the degrees tried refutes is split (spatial branch and
bound: a new atom ``x <= c`` the SAT solver decides). Only the lemmas and the
splits are kept: :mod:`verifier.checker.farkas` checks them without any of
this machinery (docs/references.md [farkas1902], [stengle1974]).

Solver agreement (Z3 and Yices deciding the SMT-LIB text) is in
:mod:`verifier.evidence.agreement`.
"""

from __future__ import annotations

import itertools
import time
import weakref
from fractions import Fraction

import z3

from ..encoding import smt
from ..errors import InternalError
from ..checker.farkas import Fact, Skeleton, check_lemma
from ..checker.format import MAX_PRODUCT
from ..model.poly import Atom, Poly, named
from .multipliers import multipliers, product_count, touching_point
from .nonlinear_worker import NonlinearWorker, WorkerTimeout
from .tangency import field_multipliers

MAX_PRODUCT_FACTS = 48
MAX_CUBIC_FACTS = 40  # products of three facts only for cores this small
MAX_SPLITS = 2000  # new atoms one search may add
MAX_PIECES = 3000  # products of one size in a search of higher degree
MINIMISE_SECONDS = 5.0  # Z3's limit on each subset while shrinking a core
ATTEMPT_SECONDS = 5.0  # one LP of a Positivstellensatz search of one core
FIELD_SECONDS = 30.0  # one LP over the quadratic field of an irrational tangency
INCREMENTAL_SECONDS = 2.0  # the incremental solver's limit on one nonlinear check


class Satisfiable(InternalError):
    """The system has a solution after all."""


def farkas_evidence(formulas: list, seconds: float, extended: bool = False) -> dict | None:
    """Lemmas whose negations make the skeleton unsatisfiable, or None when not found in
    ``seconds``: ``{"skeleton", "lemmas", "splits"}``.

    ``extended``: a nonlinear core is refuted by :func:`refute_harder` (a minimal core,
    Farkas lemmas with products, then Positivstellensatz lemmas); when that fails, the core is split (:func:`_split`): a new atom ``x <= c`` joins the skeleton
    (as a fresh Boolean with no clauses, which changes nothing: every point makes it true
    or false), and the loop goes on, so that each side is refuted with the new bound, as
    in spatial branch and bound. ``splits`` lists the new atoms as (q, strict), in order.
    """
    from pysat.solvers import Solver
    deadline = time.monotonic() + seconds
    sk = Skeleton(formulas)
    facts = {v: (sk.fact(v), sk.fact(-v)) for v in sk.atom_vars}
    linear = _Theory("QF_LRA", [v for v in sk.atom_vars if _is_linear(facts[v][0])], facts,
                     complete=False)
    whole = _Theory("QF_NRA", sk.atom_vars, facts, complete=True)
    lemmas, splits = [], []
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
                    if products and extended:
                        core, found = refute_harder(core, literals, facts, deadline)
                    else:
                        if products:
                            core += _bounds_on(core, literals, facts)
                        found = refute([_fact(facts, l) for l in core],
                                       deadline - time.monotonic(), products)
                    lemma = None if found is None else _pruned(core, found)
                    break
            if lemma is not None:
                lemmas.append(lemma)
                sat.add_clause([-l for l in lemma["literals"]])
                continue
            atom = _split(core, literals, facts) if extended and len(splits) < MAX_SPLITS \
                else None
            if atom is None:
                return None
            v = sk.literal(Atom(atom, "<="))
            if abs(v) in facts:
                return None  # the split is an atom the skeleton has already
            splits.append(sk.atoms[-1])
            facts[v] = (sk.fact(v), sk.fact(-v))
            for theory in (linear, whole):
                theory.add(v, facts)
            sat.add_clause([v, -v])
    return {"skeleton": Skeleton(formulas) if splits else sk, "lemmas": lemmas,
            "splits": splits}


def _split(core: list, literals: list, facts: dict) -> Poly | None:
    """``x - c`` for the variable x of the core's nonlinear facts whose box is widest, c the
    middle of the box (rounded to a short binary fraction); None when no such variable
    has a finite box of positive width. A variable's box: the assignment's bounds on it
    alone, and where one side is missing, the bound the assignment's linear facts imply
    (an LP)."""
    nonlinear = sorted({x for l in core for x in _fact(facts, l).t.variables()
                        if not _is_linear(_fact(facts, l))})
    box = {x: [None, None] for x in nonlinear}
    for _, x, bound, upper, _ in _variable_bounds(literals, facts, set(nonlinear)):
        side = box[x]
        side[upper] = bound if side[upper] is None else \
            (min if upper else max)(side[upper], bound)
    linear = [_fact(facts, l) for l in literals if _is_linear(_fact(facts, l))]
    for x, side in box.items():
        for upper in (False, True):
            if side[upper] is None:
                side[upper] = _implied_bound(x, upper, linear)
    widths = [(hi - lo, x) for x, (lo, hi) in box.items()
              if lo is not None and hi is not None and hi > lo]
    if not widths:
        return None
    width, x = max(widths)
    middle = box[x][0] + width / 2
    c = Fraction(round(middle * 2 ** 20), 2 ** 20) if middle.denominator > 2 ** 20 else middle
    return named(x) - Poly.const(c)


def _implied_bound(x: str, upper: bool, linear: list[Fact]) -> Fraction | None:
    """The largest (``upper``) or smallest value of x under the linear facts read as
    non-strict (Z3's optimiser on linear real arithmetic), or None when unbounded or not
    found within :data:`MINIMISE_SECONDS`."""
    opt = z3.Optimize()
    opt.set("timeout", int(MINIMISE_SECONDS * 1000))
    for f in linear:
        opt.add(smt.term(f.t, integers=False) <= 0)
    v = z3.Real(x)
    goal = opt.maximize(v) if upper else opt.minimize(v)
    if opt.check() != z3.sat:
        return None
    value = goal.value()
    return value.as_fraction() if z3.is_rational_value(value) else None


def _fact(facts: dict, literal: int) -> Fact:
    return facts[abs(literal)][0 if literal > 0 else 1]


def _is_linear(fact: Fact) -> bool:
    return fact.t.degree_in(lambda v: True) <= 1


class _Theory:
    """An incremental Z3 solver over some atoms, each literal behind an assumption flag.

    ``complete``: its atoms are all the atoms, so a satisfiable assignment is a model of
    the system. ``relaxed``: strict inequalities are read as non-strict (the closure).
    """

    def __init__(self, logic: str, atom_vars: list, facts: dict, complete: bool,
                 relaxed: bool = False):
        self.complete, self.relaxed = complete, relaxed
        # nonlinear: the asked literals alone, decided in a process that can be killed
        # (verifier.evidence.nonlinear_worker), since Z3 was seen to stall past its limits
        self.incremental = logic != "QF_NRA"
        self.solver = z3.SolverFor(logic) if self.incremental else None
        self.flag_of: dict = {}
        self.text: dict = {}  # literal -> SMT-LIB of its constraint, named by the literal
        self.variables: dict = {}  # literal -> its variables' declarations
        self.literal_of: dict = {}
        # its number in the worker, the worker's start it was sent to, the literals not
        # sent yet and the variables declared
        self.id, self.generation, self.unsent, self.declared = next(_THEORY_IDS), 0, [], set()
        if not self.incremental:
            weakref.finalize(self, _forget, self.id)
        for v in atom_vars:
            self._flag(v, facts)

    def _flag(self, v: int, facts: dict) -> None:
        for lit in (v, -v):
            f = _fact(facts, lit)
            t = smt.term(f.t, integers=False)  # the real relaxation
            constraint = t < 0 if f.strict and not self.relaxed else t <= 0
            if self.incremental:
                self.flag_of[lit] = z3.Bool(f"__lit{lit}")
                self.solver.add(z3.Implies(self.flag_of[lit], constraint))
                self.literal_of[self.flag_of[lit].get_id()] = lit
            else:
                name = f"{'p' if lit > 0 else 'n'}{abs(lit)}"
                self.flag_of[lit] = name
                self.text[lit] = f"(declare-fun {name} () Bool)\n" \
                    f"(assert (=> {name} {constraint.sexpr()}))"
                self.variables[lit] = {x: f"(declare-fun {z3.Real(x).sexpr()} () Real)"
                                       for x in f.t.variables()}
                self.literal_of[name] = lit
                self.unsent.append(lit)

    def add(self, v: int, facts: dict) -> None:
        """A new atom (a split), when it belongs to this theory (the linear one takes only
        linear atoms)."""
        if self.complete or self.relaxed or _is_linear(facts[v][0]):
            self._flag(v, facts)

    def core(self, literals: list, deadline: float, part: bool = False) -> list | None:
        """An infeasible subset of the literals it knows; None when they are satisfiable
        (for a ``complete`` theory not asked about a ``part`` of an assignment, that is a
        model: Satisfiable). Raises _OutOfTime when Z3 gives up."""
        limit = deadline - time.monotonic()
        if part:
            limit = min(limit, MINIMISE_SECONDS)
        asked = [l for l in literals if l in self.flag_of]
        if self.incremental:
            self.solver.set("timeout", max(1, int(limit * 1000)))
            answer = str(self.solver.check([self.flag_of[l] for l in asked]))
            core = [self.literal_of[c.get_id()] for c in self.solver.unsat_core()] \
                if answer == "unsat" else []
        else:
            answer, core = _decide_nonlinear(asked, self, limit)
        if answer == "unsat":
            return sorted(core, key=abs)
        if answer == "sat":
            if self.complete and not part:
                raise Satisfiable("an assignment of the skeleton is satisfiable")
            return None
        raise _OutOfTime


_WORKER = NonlinearWorker()
_THEORY_IDS = itertools.count()


def _forget(theory: int) -> None:
    """The worker may drop a theory nothing uses any more (with the next request)."""
    _WORKER.dropped.append(theory)


def _decide_nonlinear(asked: list, theory: _Theory, seconds: float) -> tuple[str, list]:
    """Z3's answer on the asked literals of a nonlinear theory, and the core's literals:
    the theory's incremental solver in the worker process for at most
    :data:`INCREMENTAL_SECONDS`, then nlsat on the asked literals alone (``seconds`` in
    all); a worker that does not answer in time is killed."""
    deadline = time.monotonic() + seconds
    flags = [theory.flag_of[l] for l in asked]
    if theory.generation != _WORKER.generation or _WORKER.process is None:
        theory.unsent, theory.declared = sorted(theory.text), set()  # a new process
    added = {}
    for l in theory.unsent:
        added |= theory.variables[l]
    added = {x: line for x, line in added.items() if x not in theory.declared}
    request = {"method": "incremental", "theory": theory.id, "flags": flags,
               "smtlib": "\n".join(list(added.values()) + [theory.text[l]
                                                           for l in theory.unsent])}
    try:
        answer, names = _WORKER.check(request, min(seconds, INCREMENTAL_SECONDS))
        theory.generation, theory.unsent = _WORKER.generation, []
        theory.declared |= set(added)
        if answer in ("sat", "unsat"):
            return answer, [theory.literal_of[n] for n in names]
    except WorkerTimeout:
        pass
    declarations = {}
    for l in asked:
        declarations |= theory.variables[l]
    text = "\n".join(list(declarations.values()) + [theory.text[l] for l in asked])
    left = deadline - time.monotonic()
    if left <= 0:
        return "unknown", []
    try:
        answer, names = _WORKER.check({"method": "nlsat", "smtlib": text, "flags": flags},
                                      left)
    except WorkerTimeout:
        return "unknown", []
    return answer, [theory.literal_of[n] for n in names] if answer == "unsat" else []


class _OutOfTime(Exception):
    """The theory solver gave up."""


def refute(facts: list[Fact], seconds: float, products: bool = True) -> dict | None:
    """Exact multipliers refuting the facts (linear first, then with products), or None."""
    found = multipliers(facts, products=False, seconds=seconds)
    if found is None and products and len(facts) <= MAX_PRODUCT_FACTS:
        found = multipliers(facts, products=True, seconds=seconds)
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
    for l, name, bound, upper, strict in _variable_bounds(literals, facts, names):
        key = (bound if upper else -bound, not strict)
        if (name, upper) not in best or key < best[name, upper][0]:
            best[name, upper] = (key, l)
    chosen = set(core)
    return [l for _, l in best.values() if l not in chosen]


def _variable_bounds(literals: list, facts: dict, names: set):
    """(literal, x, bound, upper, strict) for each literal that bounds one variable x of
    ``names``: a*x + b <= 0 says x <= -b/a when a > 0 (upper), x >= -b/a otherwise."""
    for l in literals:
        f = _fact(facts, l)
        found = f.t.variables()
        if len(found) != 1 or not found <= names or not _is_linear(f):
            continue
        (x,) = found
        a = f.t.terms[((x, 1),)]
        yield l, x, -f.t.terms.get((), 0) / a, a > 0, f.strict


def _pruned(core: list, found: dict) -> dict:
    """The lemma over the literals its multipliers use, renumbered from 0."""
    spans = {"linear": (0, 1), "equalities": (0, 2), "squares": (1, -1), "products": (0, -1)}
    rows = [(key, row, *spans[key]) for key in found for row in found[key]]
    used = sorted({i for _, row, a, b in rows for i in row[a:b]})
    new = {old: k for k, old in enumerate(used)}
    out: dict = {"literals": [core[i] for i in used]}
    for key, row, a, b in rows:
        out.setdefault(key, []).append(row[:a] + [new[i] for i in row[a:b]] + row[b:])
    return out


def refute_harder(core: list, literals: list, facts: dict, deadline: float) \
        -> tuple[list, dict | None]:
    """A Positivstellensatz refutation of a nonlinear core: the core is shrunk to a minimal
    infeasible one (deletion, Z3 deciding each subset; with the strict inequalities
    relaxed when the closure is infeasible too, which keeps the cores that need no
    strictness small), and then tried in turn, each LP for at most
    :data:`ATTEMPT_SECONDS`: products of two facts; the same with the assignment's bounds
    on the core's variables; with squares about the point where the core's closure
    touches (a tangency, found by Z3; when it is irrational, of degree 2, also multipliers
    in its quadratic field, :mod:`verifier.evidence.tangency`, with products of two and
    three facts, each LP for at most :data:`FIELD_SECONDS`); for a core of at most
    :data:`MAX_CUBIC_FACTS` facts, products of three facts, or, when the core has degree 4
    or more, products of up to as many facts as that degree (:func:`product_count`), which
    include all products of three.
    Returns (core, multipliers) or (core, None)."""
    closure = _Theory("QF_NRA", sorted({abs(l) for l in core}), facts, False, relaxed=True)
    try:
        smaller = closure.core(core, deadline, part=True)
    except _OutOfTime:
        smaller = None
    relaxed = smaller is not None
    theory = closure if relaxed else \
        _Theory("QF_NRA", sorted({abs(l) for l in core}), facts, complete=False)
    core = _minimal(smaller or core, theory, deadline)
    bounded = core + _bounds_on(core, literals, facts)
    pinned = bounded + _pins_on(core, literals, facts)  # with the quadratics pinning values
    centre = None if relaxed else touching_point([_fact(facts, l) for l in pinned], deadline)
    generators = set().union(*(c.variables() for c in centre.values())) if centre else set()
    w = min(generators) if generators else None  # the touching point is in Q(w), irrational
    fs = [_fact(facts, l) for l in bounded]
    top = min(MAX_PRODUCT, max(f.t.degree_in(lambda v: True) for f in fs))
    # an LP of degree 4 or more takes every product of three facts too
    higher = [d for d in range(4, top + 1) if product_count(fs, range(len(fs)), d) <= MAX_PIECES]
    higher = ([3] if not higher else higher) if len(fs) <= MAX_CUBIC_FACTS else []
    attempts = [(core, 2, None, False), (bounded, 2, None, False)] + \
        ([(bounded, 2, centre, False)] if centre else []) + \
        ([(pinned, d, centre, True) for d in (2, 3)] if w else []) + \
        [(bounded, d, centre, False) for d in higher]
    for literals_used, degree, at, in_field in attempts:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        used = [_fact(facts, l) for l in literals_used]
        if in_field:
            found = field_multipliers(used, at, w, degree, min(left, FIELD_SECONDS))
        else:
            found = multipliers(used, True, min(left, ATTEMPT_SECONDS), degree, at)
        if found is not None:
            check_lemma(used, found)
            return literals_used, found
    return bounded, None


def _pins_on(core: list, literals: list, facts: dict) -> list:
    """The assignment's literals on one variable of the core that are not linear (the
    quadratic equality pinning an algebraic value), not in the core already."""
    names = {v for l in core for v in _fact(facts, l).t.variables()}
    chosen = set(core)
    return [l for l in literals if l not in chosen and len(_fact(facts, l).t.variables()) == 1
            and _fact(facts, l).t.variables() <= names and not _is_linear(_fact(facts, l))]


def _minimal(core: list, theory: _Theory, deadline: float) -> list:
    """A minimal subset of the core that the theory still finds infeasible (deletion, each
    unsat answer's own core kept)."""
    keep, i = list(core), 0
    while i < len(keep) and time.monotonic() < deadline:
        try:
            smaller = theory.core(keep[:i] + keep[i + 1:], deadline, part=True)
        except _OutOfTime:
            smaller = None
        if smaller is None:
            i += 1
        else:
            keep = [l for l in keep if l in set(smaller)]
            i = min(i, len(keep))
    return keep


def __getattr__(name: str):
    """The solver agreement moved to :mod:`verifier.evidence.agreement`; its names are
    kept here for one version (docs/architecture.md, "Moved modules")."""
    if name in ("Disagreement", "yices_binary", "solver_versions", "decide_z3", "decide_yices",
                "decide_cvc5", "solver_agreement"):
        from . import agreement
        return getattr(agreement, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
