"""The Z3 boundary: constraint systems to Z3 terms, queries, models to exact numbers.

Everything else works on :mod:`verifier.model.poly` formulas; only this module, the decision
layer's searches (:mod:`verifier.decision.fixed_points`, :mod:`verifier.decision.enumeration`,
:mod:`verifier.decision.extremum`) and the evidence search
(:mod:`verifier.evidence.prove_unsat`, :mod:`verifier.evidence.agreement`) import z3.
"""

from __future__ import annotations

import atexit
import os
import re
from fractions import Fraction

import sympy
import z3

from . import child, yices
from .compiler import number_constraints
from ..errors import (DEFAULT_RLIMIT, MAX_RLIMIT, QUERY_RLIMIT_VARIABLE, QUERY_SOLVER_VARIABLE,
                      SOLVER_MEMORY_VARIABLE, YICES_UNITS_PER_SECOND, Z3_UNITS_PER_SECOND,
                      InternalError, SolverUnknown, UnknownNode, UsageError)
from ..model.numbers import Number, simplify_number
from ..model.poly import And, Atom, BoolVar, Formula, Not, Or, Poly, Truth, is_integer_name


def limit_solver_memory(megabytes: int) -> None:
    """Z3's memory limit for every later query: one that needs more answers unknown."""
    z3.set_param("memory_max_size", int(megabytes))


if os.environ.get(SOLVER_MEMORY_VARIABLE):  # set by the command line; read again in workers
    limit_solver_memory(int(os.environ[SOLVER_MEMORY_VARIABLE]))


def _leave_context_to_the_system() -> None:
    """At exit, leave Z3's global context to the operating system instead of deleting it.

    Deleting it frees every term still alive one by one; once, after the whole test suite
    had passed, that took more than ten minutes (z3-solver 5.4.1, in
    ``ast_manager::~ast_manager``, called from ``Context.__del__`` while Python cleared
    the z3 module). The process ends either way, so nothing is lost by not deleting it."""
    z3.main_ctx().owner = False


atexit.register(_leave_context_to_the_system)


def z3_number(value: Number) -> z3.ArithRef:
    """A Z3 real numeral for an exact rational."""
    value = Fraction(value)
    return z3.RealVal(f"{value.numerator}/{value.denominator}")


def exact_value(value: z3.ExprRef) -> Number:
    """An exact Python number for a Z3 model value (integer, rational or algebraic)."""
    if z3.is_int_value(value):
        return Fraction(value.as_long())
    if z3.is_rational_value(value):
        return value.as_fraction()
    if z3.is_algebraic_value(value):
        coeffs = [int(str(c)) for c in value.poly()]
        x = sympy.Symbol("x")
        poly = sympy.Poly(list(reversed(coeffs)), x)
        return simplify_number(sympy.CRootOf(poly, value.index() - 1))
    raise ValueError(f"not a numeral: {value}")


def _variable(name, integers: bool = True) -> z3.ArithRef:
    if not isinstance(name, str):
        raise TypeError(f"variable {name!r} is not a system variable (map seat variables first)")
    if integers and is_integer_name(name):
        return z3.ToReal(z3.Int(name))
    return z3.Real(name)


def term(poly: Poly, integers: bool = True, leaves: dict | None = None) -> z3.ArithRef:
    """A Poly over named variables as a Z3 term (one flat sum of products). Integer
    variables (:func:`verifier.model.poly.is_integer_name`) are Z3 integers, or, with
    ``integers=False``, reals (the relaxation that Farkas lemmas refute). ``leaves``
    (variable or coefficient -> Z3 term) is filled and reused across calls.

    The term is what ``z3.Sum`` of ``z3.Product`` terms builds, made with Z3's C API
    directly (every part is real, so they need no coercion)."""
    leaves = {} if leaves is None else leaves
    parts = []
    for m, c in poly.terms.items():
        factors = []
        for v, e in m:
            if (v, integers) not in leaves:
                leaves[v, integers] = _variable(v, integers)
            factors += [leaves[v, integers]] * e
        if c != 1 or not factors:
            if c not in leaves:
                leaves[c] = z3_number(c)
            factors.insert(0, leaves[c])
        parts.append(factors[0] if len(factors) == 1 else _apply(z3.Z3_mk_mul, factors))
    if not parts:
        return z3_number(Fraction(0))
    return parts[0] if len(parts) == 1 else _apply(z3.Z3_mk_add, parts)


def _apply(operation, arguments: list) -> z3.ArithRef:
    """A Z3 n-ary arithmetic operation (``Z3_mk_add``, ``Z3_mk_mul``) on real terms."""
    context = arguments[0].ctx
    array = (z3.Ast * len(arguments))(*[a.as_ast() for a in arguments])
    return z3.ArithRef(operation(context.ref(), len(arguments), array), context)


_ATOMS = {"<": lambda t: t < 0, "<=": lambda t: t <= 0, ">": lambda t: t > 0,
          ">=": lambda t: t >= 0, "==": lambda t: t == 0, "!=": lambda t: t != 0}


def formula(f: Formula, memo: dict | None = None) -> z3.BoolRef:
    """A formula over named real and Boolean variables as a Z3 Boolean term.

    ``memo`` (id -> term) converts a subformula shared by several formulas once (and
    keeps, under "leaves", the Z3 terms of variables and coefficients).
    """
    memo = {} if memo is None else memo
    if id(f) in memo:
        return memo[id(f)][1]
    if isinstance(f, Atom):
        out = _ATOMS[f.op](term(f.poly, leaves=memo.setdefault("leaves", {})))
    elif isinstance(f, BoolVar):
        out = z3.Bool(f.name)
    elif isinstance(f, And):
        out = z3.And([formula(p, memo) for p in f.parts])
    elif isinstance(f, Or):
        out = z3.Or([formula(p, memo) for p in f.parts])
    elif isinstance(f, Not):
        out = z3.Not(formula(f.part, memo))
    elif isinstance(f, Truth):
        out = z3.BoolVal(f.value)
    else:
        raise UnknownNode(f"no Z3 term for the formula {f!r}")
    memo[id(f)] = (f, out)  # keeps f alive, so its id is not reused during the call
    return out


def formulas(fs) -> list:
    """Z3 terms of a list of formulas, sharing one memo (a shared subformula is translated once)."""
    memo: dict = {}
    return [formula(f, memo) for f in fs]


def variables(system) -> list:
    """Every variable of a compiled system, as Z3 constants (for quantifiers)."""
    return [z3.Real(n) for n in system.reals] + [z3.Int(n) for n in system.integers] + \
        [z3.Bool(n) for n in system.booleans]


class Model:
    """A Z3 model read exactly: ``real(poly)`` and ``boolean(boolvar)``."""

    def __init__(self, model: z3.ModelRef):
        self.z3 = model

    def real(self, poly: Poly) -> Number:
        """The exact value of a polynomial in this model (a Number)."""
        return exact_value(self.z3.eval(term(poly), model_completion=True))

    def boolean(self, b) -> bool:
        """The truth value of a Boolean formula or variable in this model."""
        return z3.is_true(self.z3.eval(formula(b), model_completion=True))


SOLVERS = ("portfolio", "z3")
GUESS_SHARE = Fraction(1, 10)  # the share of a query's limits that a guess gets


def query_solver() -> str:
    """The solvers of a query when none is given: ``--solver`` (passed to worker processes
    through the environment), else "portfolio" (Yices first on nonlinear queries, then
    Z3); "z3" for Z3 alone."""
    return os.environ.get(QUERY_SOLVER_VARIABLE) or "portfolio"


def solver_memory() -> int | None:
    """The solvers' memory limit in MiB (``--solver-memory``), or None."""
    value = os.environ.get(SOLVER_MEMORY_VARIABLE)
    return int(value) if value else None


def query_rlimit() -> int:
    """The resource limit of a query when none is given: ``--rlimit`` (which the command line
    passes to worker processes through the environment), else :data:`DEFAULT_RLIMIT`."""
    return int(os.environ.get(QUERY_RLIMIT_VARIABLE) or DEFAULT_RLIMIT)


class Z3Queries:
    """Satisfiability queries, each bounded by Z3's resource limit: ``rlimit`` units (a count
    of Z3's own steps, so Z3 gives a query the same answer on an idle and on a busy machine;
    None: :func:`query_rlimit`) and, when ``timeout`` is given, by that many seconds of
    wall-clock time as an outer bound; ``solver``: one of :data:`SOLVERS` (None:
    :func:`query_solver`). Raises UsageError for a limit out of range or an unknown
    solver. ``spent`` counts the Z3 units the queries used, for
    budgets of whole procedures (:func:`verifier.decision.extremum.minimize`).

    With the portfolio (:func:`query_solver`; docs/solving.md, "Two solvers"), a nonlinear
    query goes to Yices first, for :meth:`yices_seconds` of wall-clock time: its unsat is
    the answer, its sat is followed by Z3's exact model; when Yices does not answer, Z3
    decides as above. Both are complete for these queries, so load can change only
    whether Yices answers in time, never a sat/unsat answer (but which model Z3 returns,
    yes). Models are Z3 model objects, exact: Yices's printed values when they assign
    every variable exactly and Z3's evaluator finds every constraint true at them, else
    Z3's own."""

    def __init__(self, timeout: float | None = None, rlimit: int | None = None,
                 solver: str | None = None):
        self.timeout = timeout
        self.rlimit = query_rlimit() if rlimit is None else rlimit
        if not 0 < self.rlimit <= MAX_RLIMIT:
            raise UsageError(f"the resource limit must be between 1 and {MAX_RLIMIT} units "
                             f"(Z3 keeps it in 32 bits), not {self.rlimit}")
        self.spent = 0
        solver = query_solver() if solver is None else solver
        if solver not in SOLVERS:
            raise UsageError(f"the solver is one of {', '.join(SOLVERS)}, not {solver!r}")
        self.yices = solver == "portfolio" and yices.yices_binary() is not None
        self._texts = _YicesTexts()

    def model(self, constraints: list, guess: bool = False):
        """A model of the Z3 constraints, or None when they are unsatisfiable; raises
        SolverUnknown when Z3 gives up or a limit is reached. ``guess``: a query whose
        failure loses only time (a search step); it gets :data:`GUESS_SHARE` of the
        limits, and with the portfolio Yices alone decides it (its give-up is unknown,
        not a query for Z3: Z3 was seen to run for minutes on such a query at a tenth
        of its resource limit; docs/solving.md)."""
        share = GUESS_SHARE if guess else 1
        if self.yices:
            text = self._texts.text(constraints)
            answer = yices.decide(text, max(1.0, self.yices_seconds() * share), model=True,
                                  memory_mb=solver_memory()) if text else None
            if answer is not None and answer.status == "unsat":
                return None
            if answer is not None and answer.status == "sat":
                return self._model_near(constraints, answer.assignment, text, share)
            if answer is not None and guess:
                raise SolverUnknown(f"Yices did not decide a guess: {answer.reason}")
        return self._z3(constraints, share)

    def satisfiable_apart(self, constraints: list) -> bool:
        """Whether the Z3 constraints (quantified ones too) are satisfiable, decided by Z3 in
        a child process (:func:`verifier.encoding.child.decide_z3`) within the resource
        limit and :meth:`z3_seconds` of wall-clock time: a query Z3 was seen to run past
        its limits on in this process. Raises SolverUnknown when Z3 gives up, a limit is
        reached or the child fails. Units spent there are not counted in ``spent``."""
        answer = child.decide_z3(_smt2(constraints), self.z3_seconds(), self.rlimit, "ALL")
        if answer not in ("sat", "unsat"):
            raise SolverUnknown(f"Z3 in a child process: {answer}")
        return answer == "sat"

    def z3_seconds(self) -> float:
        """A wall-clock bound in seconds for one Z3 query, beyond its resource limit: the
        limit at :data:`Z3_UNITS_PER_SECOND` (within ``timeout``)."""
        seconds = max(10.0, self.rlimit / Z3_UNITS_PER_SECOND)
        return seconds if self.timeout is None else min(seconds, self.timeout)

    def yices_seconds(self) -> float:
        """Yices's wall-clock limit per query, in seconds: one second per
        :data:`YICES_UNITS_PER_SECOND` units of the resource limit (within ``timeout``)."""
        seconds = max(1.0, self.rlimit / YICES_UNITS_PER_SECOND)
        return seconds if self.timeout is None else min(seconds, self.timeout)

    def _model_near(self, constraints: list, assignment: dict, text: str, share: Fraction):
        """Z3's exact model of constraints that Yices found satisfiable: Yices's values
        themselves when it printed every variable of ``text`` exactly and Z3's evaluator
        finds every constraint true at them; else searched with the Booleans and rationals
        of Yices's model fixed (Z3 then solves only for the irrational values); else the
        full query."""
        exact = _assigned_model(constraints, assignment, text)
        if exact is not None:
            return exact
        fixed = [z3.Bool(n) == v if isinstance(v, bool) else z3.Real(n) == z3_number(v)
                 for n, v in assignment.items()]
        try:
            found = self._z3(constraints + fixed, share=share) if fixed else None
        except SolverUnknown:
            found = None
        if found is not None:
            return found
        found = self._z3(constraints, share=share)
        if found is None:
            raise InternalError("Yices and Z3 disagree: Yices found a model of constraints "
                                "that Z3 proves unsatisfiable")
        return found

    def _z3(self, constraints: list, share: Fraction = 1):
        solver = z3.SolverFor("QF_NRA")
        rlimit = max(1, int(self.rlimit * share))
        solver.set("rlimit", rlimit)
        if self.timeout is not None:
            solver.set("timeout", max(1, int(self.timeout * share * 1000)))
        solver.add(constraints)
        before = _units(solver)
        result = solver.check()
        self.spent += _units(solver) - before
        if result == z3.unknown:
            reason = solver.reason_unknown() or "unknown"
            if "resource limit" in reason:
                reason = f"its resource limit of {rlimit} units (" + \
                    ("--rlimit" if share == 1 else f"{share} of --rlimit, a guess") + ") was spent"
            raise SolverUnknown(reason)
        return solver.model() if result == z3.sat else None


def _nonlinear(constraints: list) -> bool:
    """Whether the constraints are not linear (linear queries stay with Z3: they take it
    milliseconds, less than starting a process)."""
    goal = z3.Goal()
    goal.add(constraints)
    return not z3.Probe("is-qflira")(goal)


_DECLARATION = re.compile(r"^\(declare-fun (\S+) \(\) (Real|Bool)\)$", re.MULTILINE)


class _YicesTexts:
    """The SMT-LIB texts of queries for Yices, converting only what a query adds to the
    last list of constraints converted in full (an optimisation asks many queries that
    each add a bound or two to one system). A plain Real or Bool variable declared in
    that text is not declared again; anything else the additions declare (a function, a
    quoted name) is, and Yices then refuses the text (unknown, as for any text it does
    not read)."""

    def __init__(self):
        self.base, self.base_text, self.declared = [], None, frozenset()

    def text(self, constraints: list) -> str | None:
        """The text of a nonlinear, real, quantifier-free query (no check-sat), or None when
        the constraints are linear (left to Z3) or use integers (not read here)."""
        n = len(self.base)
        if self.base_text is not None and len(constraints) >= n and \
                all(a is b for a, b in zip(self.base, constraints)):
            tail = _smt2(constraints[n:])
            if "root-obj" not in tail and " Int)" not in tail:
                new = [line for line in tail.splitlines()
                       if not line.startswith(("(set-info", ";")) and
                       (_declared(line) or "") not in self.declared]
                return self.base_text + "\n".join(new) + "\n"
        if not _nonlinear(constraints):
            return None
        text = _yices_text(constraints)
        if text is not None and "__root" not in text:
            self.base, self.base_text = list(constraints), text
            self.declared = frozenset(m.group(1) for m in _DECLARATION.finditer(text))
        return text


def _declared(line: str) -> str | None:
    """The name a line of SMT-LIB text declares as a plain Real or Bool, else None."""
    found = _DECLARATION.match(line)
    return found.group(1) if found else None


def _smt2(constraints: list) -> str:
    """Z3's SMT-LIB text of the constraints, without check-sat."""
    solver = z3.Solver()
    solver.add(constraints)
    return solver.to_smt2().replace("(check-sat)", "")


def _yices_text(constraints: list) -> str | None:
    """SMT-LIB text of real, quantifier-free constraints for Yices (no check-sat), or None
    when they use integers (not read here). Z3's algebraic numerals, which Yices does not
    read, become variables pinned by their polynomial and an isolating interval."""
    text = _smt2(constraints)
    if "root-obj" in text:
        text = _smt2(_pinned(constraints))
    return None if " Int)" in text else "(set-logic QF_NRA)\n" + text


def _assigned_model(constraints: list, assignment: dict, text: str):
    """A Z3 model giving each plain Real or Bool variable declared in ``text`` its value in
    ``assignment``, when every one has a value there and Z3's evaluator finds every
    constraint true at them; else None (a constraint that is not true at them, say one
    with a function or a division by zero, is never taken as true)."""
    names = _DECLARATION.findall(text)
    if not constraints or any(name not in assignment for name, _ in names):
        return None
    ctx = constraints[0].ctx
    model = z3.Model(ctx=ctx)
    for name, sort in names:
        value = assignment[name]
        if isinstance(value, bool) != (sort == "Bool"):
            return None
        model.update_value(z3.Bool(name, ctx) if sort == "Bool" else z3.Real(name, ctx),
                           z3.BoolVal(value, ctx) if sort == "Bool" else
                           z3.RealVal(f"{value.numerator}/{value.denominator}", ctx))
    if all(z3.is_true(model.eval(c, model_completion=True)) for c in constraints):
        return model
    return None


def _pinned(constraints: list) -> list:
    """The constraints with each algebraic numeral replaced by a fresh variable, and the
    constraints that pin each such variable to its number."""
    seen, numerals, todo = set(), {}, list(constraints)
    while todo:
        e = todo.pop()
        if e.get_id() in seen:
            continue
        seen.add(e.get_id())
        if z3.is_algebraic_value(e):
            numerals[e.get_id()] = e
        else:
            todo.extend(e.children())
    if not numerals:
        return constraints
    pairs, pins = [], []
    for k, e in enumerate(numerals.values()):
        x = z3.Real(f"__root{k}")
        coeffs = [int(str(c)) for c in e.poly()]  # lowest degree first
        t = sympy.Symbol("t")
        (low, high), _ = sympy.Poly(list(reversed(coeffs)), t).intervals()[e.index() - 1]
        powers = [z3_number(Fraction(1))] + [z3.Product([x] * i) if i > 1 else x
                                             for i in range(1, len(coeffs))]
        pins += [z3.Sum([c * p for c, p in zip(coeffs, powers) if c]) == 0,
                 x >= z3_number(Fraction(int(low.p), int(low.q))),
                 x <= z3_number(Fraction(int(high.p), int(high.q)))]
        pairs.append((e, x))
    return [z3.substitute(c, *pairs) for c in constraints] + pins


def _units(solver) -> int:
    """Z3's resource count so far (it counts for the whole process)."""
    return solver.statistics().get_key_value("rlimit count")


def numeral(value: Number, name: str) -> z3.ArithRef:
    """A Z3 numeral for an exact rational or real algebraic number.

    An algebraic number is pinned by its minimal polynomial and an isolating
    interval; solving that tiny system gives Z3's own algebraic numeral, which
    later queries handle far faster than the pinning constraints.
    """
    if isinstance(value, Fraction):
        return z3_number(value)
    target = f"__algebraic_{name}"
    solver = z3.SolverFor("QF_NRA")
    solver.add(formulas(number_constraints(value, Poly({((target, 1),): 1}))))
    if solver.check() != z3.sat:
        raise ArithmeticError(f"cannot pin the algebraic number {value}")
    return solver.model()[z3.Real(target)]
