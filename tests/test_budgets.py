"""Solver budgets in Z3's resource units: a query's answer does not depend on how busy the
machine is (with Z3 alone; with the portfolio, Yices's answers are facts, and only whether
it answers in time can change: docs/solving.md)."""

import subprocess
import sys
import pytest

from verifier import Pair, parse_agent
from verifier.encoding.smt import SolverUnknown, Z3Queries, query_rlimit
from verifier.errors import DEFAULT_RLIMIT

SPIN = "import time\nend = time.monotonic() + 60\nwhile time.monotonic() < end: pass\n"


def outcome(pd, rlimit, solver="z3"):
    """The fixed points of neLP against DefectBot under a resource limit, or unknown."""
    pair = Pair(pd, (parse_agent("nelp(eps=1/10,delta=1/1000)"), parse_agent("defectbot")),
                rlimit=rlimit, solver=solver)
    try:
        result = pair.solve(find_all=True)
    except SolverUnknown as err:
        return f"unknown: {err}"
    # which points of a continuum Z3 returns may change with the process's history
    return "solved", result.complete, bool(result.continuum)


@pytest.mark.parametrize("rlimit, solver", [(2000, "z3"), (10 ** 8, "z3"),
                                            (10 ** 8, "portfolio")])
def test_the_same_answer_on_an_idle_and_on_a_busy_machine(pd_a, rlimit, solver):
    idle = outcome(pd_a, rlimit, solver)
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(3)]
    try:
        busy = outcome(pd_a, rlimit, solver)
    finally:
        for p in spinners:
            p.kill()
            p.wait()
    assert busy == idle
    if rlimit == 2000:
        assert idle == "unknown: its resource limit of 2000 units (--rlimit) was spent"
    else:
        assert idle[0] == "solved"


def test_queries_have_no_wall_clock_limit_unless_one_is_given():
    queries = Z3Queries()
    assert (queries.timeout, queries.rlimit) == (None, query_rlimit()) == (None, DEFAULT_RLIMIT)


def test_the_command_line_reports_a_spent_resource_limit_as_unknown():
    done = subprocess.run([sys.executable, "-m", "verifier.apps.cli", "solve", "nelp(eps=1/10,"
                           "delta=1/1000)", "defectbot", "--game", "pd-a", "--rlimit", "2000",
                           "--solver", "z3"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 3
    assert "resource limit of 2000 units" in done.stderr and "--rlimit" in done.stderr
