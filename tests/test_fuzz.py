"""Differential fuzzing: random agent programs on random games, the compiler and Z3 against
an independent brute force (an exact rational grid of profiles and of the oracle's tie
probabilities, evaluated from the definitions in this file), and Z3 against cvc5 on the
exported SMT-LIB.

Bounded in CI; ``make fuzz`` runs the long mode (``FUZZ_EXAMPLES`` estimate-free and
``FUZZ_ESTIMATING_EXAMPLES`` estimating problems per Hypothesis seed). Queries are drawn
from a small pool per problem, so one query is often asked twice in one program, in two
branches, or by both programs (player 1's "P2(C) > t" is player 2's "P_self(C) > t"). The
brute force gives each distinct query ONE tie probability, shared by every call in both
programs, and tries every assignment from a grid of probabilities, so its acceptances are
exact fixed points; its rejections are exact where no query is at a tie and nothing is
estimated. See docs/fuzzing.md.
"""

import os
import time
from fractions import Fraction as F
from itertools import product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier import Pair
from verifier.model.agents import (AllOf, AnyOf, Choose, Constant, If, Mix, Negation, Play,
                             PlayEstimate, Program, Query, Surely)
from verifier.errors import SolverUnknown
from verifier.model.games import Game
from verifier.model.numbers import compare
from verifier.checker.obligations import differs
from verifier.model.poly import Poly, var
from verifier.evidence.agreement import decide_cvc5, decide_z3
from verifier.encoding.smtlib import smtlib

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ESTIMATING_EXAMPLES = int(os.environ.get("FUZZ_ESTIMATING_EXAMPLES", "10"))
GRID = {2: 6, 3: 3}  # grid steps: 1/6 for two actions, 1/3 on the 3-simplex
TIE_GRID = (F(0), F(1, 2), F(1))  # the brute force's tie probabilities for each tied query
COUNTS = {kind: {"problems": 0, "query repeated in a program": 0,
                 "query shared by both programs": 0, "solver unknown": 0,
                 "solver unknown later": 0, "grid profiles": 0, "profiles with a tie": 0,
                 "fixed points": 0, "z3 vs cvc5": 0, "z3 unknown": 0, "cvc5 unknown": 0,
                 "complete": 0, "slowest s": 0}
          for kind in ("estimate-free", "estimating")}

small = st.integers(-2, 2)


def games(n: int):
    """An n x n game with integer payoffs in -2..2 (ties and degeneracy are common)."""
    cells = st.lists(st.lists(st.tuples(small, small), min_size=n, max_size=n),
                     min_size=n, max_size=n)
    return cells.map(lambda t: Game(
        "fuzz", (tuple(f"a{k}" for k in range(n)), tuple(f"b{k}" for k in range(n))),
        tuple(tuple(tuple(F(t[a][b][i]) for b in range(n)) for a in range(n)) for i in (0, 1))))


def polys(n: int):
    """A random polynomial of degree <= 2 in the two players' absolute probabilities."""
    terms = st.lists(st.tuples(small, st.sampled_from(
        [()] + [(("s", i, k),) for i in (0, 1) for k in range(n)]
        + [(("s", 0, j), ("s", 1, k)) for j in range(n) for k in range(n)])), min_size=1,
        max_size=4)

    def build(ts):
        out = Poly()
        for c, vs in ts:
            term = Poly.const(F(c))
            for v in vs:
                term = term * var(*v)
            out = out + term
        return out
    return terms.map(build)


def pools(n: int):
    """The problem's queries: 1 to 3 (polynomial, threshold) pairs in absolute variables,
    so that programs drawing from them repeat queries."""
    return st.lists(st.tuples(polys(n), st.sampled_from([F(0), F(1, 2), F(-1)])),
                    min_size=1, max_size=2)


def relative(poly: Poly, seat: int) -> Poly:
    """A polynomial in absolute variables, as seat ``seat`` writes it (self / opp)."""
    return poly.rename(lambda v: ("self" if v[1] == seat else "opp", v[2]))


def conds(pool: list, seat: int, estimating: bool = False):
    """A condition of up to 3 leaves: queries from the pool (and, estimating, Surely)
    under And/Or/Not."""
    query = st.sampled_from(pool).map(lambda pt: Query(relative(pt[0], seat), pt[1]))
    if estimating:
        query = query | st.builds(Surely, st.sampled_from(pool).map(
            lambda pt: relative(pt[0], seat)), st.sampled_from(["<", "<=", ">", ">="]))
    return st.recursive(
        query | query | st.builds(Constant, st.booleans()),
        lambda inner: st.builds(Negation, inner)
        | st.lists(inner, min_size=2, max_size=2).map(lambda cs: AllOf(tuple(cs)))
        | st.lists(inner, min_size=2, max_size=2).map(lambda cs: AnyOf(tuple(cs))),
        max_leaves=3)


def plays(n: int, estimating: bool = False):
    """A leaf: a pure or the uniform strategy (or, estimating, the own estimate)."""
    pure = st.integers(0, n - 1).map(lambda a: Play(tuple(F(int(k == a)) for k in range(n))))
    even = st.just(Play(tuple(F(1, n) for _ in range(n))))
    return (pure | even | st.just(PlayEstimate())) if estimating else (pure | even)


def bodies(n: int, pool: list, seat: int, estimating: bool = False):
    """A program body of up to 5 leaves under Mix, If and Choose."""
    probability = st.sampled_from([F(0), F(1, 3), F(1, 2), F(1)]).map(Poly.const) | \
        st.integers(0, n - 1).map(lambda k: var("opp", k))
    asking = st.builds(If, conds(pool, seat, estimating), plays(n, estimating),
                       plays(n, estimating))  # most programs ask the oracle something
    return st.recursive(
        asking | plays(n, estimating),
        lambda inner: st.builds(Mix, probability, inner, inner)
        | st.builds(If, conds(pool, seat, estimating), inner, inner)
        | st.lists(inner, min_size=2, max_size=3).map(lambda os_: Choose(tuple(os_))),
        max_leaves=5)


def problems():
    """A game (2x2 or 3x3) and two estimate-free programs asking from one query pool."""
    return st.sampled_from([2, 2, 2, 3]).flatmap(lambda n: pools(n).flatmap(
        lambda pool: st.tuples(games(n), bodies(n, pool, 0), bodies(n, pool, 1), st.none())))


def estimating_problems():
    """A 2x2 game, two programs that may estimate, and their estimate precision delta."""
    return pools(2).flatmap(lambda pool: st.tuples(
        games(2), bodies(2, pool, 0, True), bodies(2, pool, 1, True),
        st.sampled_from([F(1, 5), F(1, 3), F(1, 2)]))).filter(
        lambda t: any(Program(body, 2, 2, t[3]).uses_estimates for body in t[1:3]))


# ------------------------------------------------------- the independent model


def key(query: Query, seat: int) -> tuple:
    """The oracle's identity of a query: its polynomial in absolute variables, threshold."""
    poly = query.poly.rename(lambda v: ("s", seat if v[0] == "self" else 1 - seat, v[1]))
    return (poly, query.threshold, query.machine)


def queries_of(node, seat: int) -> list:
    """Every query call of a program body, with repeats (their keys)."""
    out = []
    if isinstance(node, If):
        todo = [node.cond]
        while todo:
            c = todo.pop()
            if isinstance(c, Query):
                out.append(key(c, seat))
            todo += list(c.parts())
    for child in node.children():
        out += queries_of(child, seat)
    return out


def outputs(body, seat: int, own: tuple, opp: tuple, q: dict, estimate=None,
            delta=None) -> set:
    """The outputs of one run at a profile under tie probabilities ``q`` (by key), for
    every pure choice at each Choose, with the given estimate: the expectation over the
    oracle's independent draws, from the definitions."""
    values = {("self", k): p for k, p in enumerate(own)} | \
        {("opp", k): p for k, p in enumerate(opp)}
    corners = None
    if estimate is not None:
        def ends(e):
            lo, hi = max(F(0), e[0] - delta), min(F(1), e[0] + delta)
            return [(lo, 1 - lo), (hi, 1 - hi)]
        corners = [{("self", k): a[k] for k in (0, 1)} | {("opp", k): b[k] for k in (0, 1)}
                   for a in ends(estimate[0]) for b in ends(estimate[1])]

    def prob(c) -> F:
        if isinstance(c, Query):
            side = compare(c.poly.evaluate(values), c.threshold)
            return q[key(c, seat)] if side == 0 else F(int(side > 0))
        if isinstance(c, Surely):
            test = {"<": lambda x: x < 0, "<=": lambda x: x <= 0, ">": lambda x: x > 0,
                    ">=": lambda x: x >= 0}[c.op]
            return F(int(all(test(c.poly.evaluate(at)) for at in corners)))
        if isinstance(c, AllOf):
            out = F(1)
            for part in c.conds:
                out *= prob(part)
            return out
        if isinstance(c, AnyOf):
            miss = F(1)
            for part in c.conds:
                miss *= 1 - prob(part)
            return 1 - miss
        if isinstance(c, Negation):
            return 1 - prob(c.cond)
        return F(int(c.value))

    def run(node) -> set:
        if isinstance(node, Play):
            return {tuple(node.dist)}
        if isinstance(node, PlayEstimate):
            return {tuple(estimate[0])}
        if isinstance(node, Choose):
            return set().union(*(run(o) for o in node.options))
        p = node.prob.evaluate(values) if isinstance(node, Mix) else prob(node.cond)
        first, second = (node.first, node.second) if isinstance(node, Mix) else \
            (node.then, node.orelse)
        a = run(first) if compare(p, 0) != 0 else {None}
        b = run(second) if compare(p, 1) != 0 else {None}
        return {tuple(p * x + (1 - p) * y for x, y in zip(u or v, v or u))
                for u in a for v in b}
    return run(body)


def grid(n: int) -> list:
    """The profiles of one player on the exact grid (steps 1/6, or 1/3 on the 3-simplex)."""
    step = GRID[n]
    return [tuple(F(k, step) for k in ks) for ks in product(range(step + 1), repeat=n)
            if sum(ks) == step]


def in_hull(point: tuple, vertices: set) -> bool:
    """Exact: is the point a convex combination of the vertices (2 or 3 coordinates
    summing to 1)? Caratheodory: a vertex, a segment or a triangle carries it. Signs
    go through :func:`verifier.model.numbers.compare`, exact for algebraic numbers too."""
    pts = [v[:2] for v in vertices]
    p = point[:2]
    if len(point) == 2:
        return any(compare(a[0], p[0]) <= 0 for a in pts) and \
            any(compare(a[0], p[0]) >= 0 for a in pts)

    def turn(o, a, b) -> int:
        return compare((a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]), 0)

    def between(x, a, b) -> bool:
        return compare(a, x) <= 0 <= compare(b, x) or compare(b, x) <= 0 <= compare(a, x)
    if any(compare(a[0], p[0]) == 0 and compare(a[1], p[1]) == 0 for a in pts):
        return True
    for i, a in enumerate(pts):
        for j in range(i + 1, len(pts)):
            b = pts[j]
            if turn(a, b, p) == 0 and between(p[0], a[0], b[0]) and between(p[1], a[1], b[1]):
                return True
            for c in pts[j + 1:]:
                if turn(a, b, c) == 0:
                    continue
                signs = {turn(a, b, p), turn(b, c, p), turn(c, a, p)}
                if not ({1, -1} <= signs):
                    return True
    return False


def ends(items: list) -> list:
    """The first and the last item (far apart on the grid)."""
    return items[:1] + items[1:][-1:]


def estimates(profile: tuple, delta) -> list:
    """Sampled admissible estimates of a 2-action profile: each player's first
    coordinate moved by -delta/2, -delta/4, 0, delta/4, delta/2 inside [0, 1]."""
    assert len(profile[0]) == len(profile[1]) == 2, "estimates are sampled on 2x2 games"

    def moved(strategy):
        firsts = {strategy[0] + k * delta / 4 for k in range(-2, 3)}
        return [(x, 1 - x) for x in sorted(firsts) if 0 <= x <= 1]
    return [(own, opp) for own in moved(profile[0]) for opp in moved(profile[1])]


def tied(bodies_: tuple, profile: tuple) -> list:
    """The distinct queries of both programs that are at a tie at the profile."""
    values = {("s", i, k): p for i, s in enumerate(profile) for k, p in enumerate(s)}
    keys = {k for seat, body in enumerate(bodies_) for k in queries_of(body, seat)}
    return sorted((k for k in keys if compare(k[0].evaluate(values), k[1]) == 0), key=repr)


def is_fixed_point(programs, profile, q: dict | None = None, observed=(None, None)) -> bool:
    """The brute force: some assignment of ONE tie probability to each tied query (from
    ``q`` if given, else every assignment from TIE_GRID) puts each seat's strategy in the
    hull of its run outputs (over the given or the sampled estimates)."""
    bodies_ = tuple(p.body for p in programs)
    at_tie = tied(bodies_, profile)
    choices = [q] if q is not None else \
        [dict(zip(at_tie, qs)) for qs in product(TIE_GRID, repeat=len(at_tie))]
    for answers in choices:
        ok = True
        for seat in (0, 1):
            prog = programs[seat]
            own, opp = profile[seat], profile[1 - seat]
            seen = observed[seat]
            if prog.uses_estimates and seen is None:
                seen = estimates((own, opp), prog.delta)
            runs = set().union(*(outputs(prog.body, seat, own, opp, answers, e, prog.delta)
                                 for e in (seen if prog.uses_estimates else [None])))
            if not in_hull(own, runs):
                ok = False
                break
        if ok:
            return True
    return False


@pytest.fixture(scope="module", autouse=True)
def report():
    """The counts of each kind, printed at the end (shown with -s)."""
    yield
    for kind, counts in COUNTS.items():
        print(f"\nfuzz {kind}:", ", ".join(f"{k} {v}" for k, v in counts.items()))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 100,
          suppress_health_check=list(HealthCheck))
@given(problems())
def test_the_compiler_agrees_with_the_brute_force_and_cvc5_with_z3(problem):
    check_problem(*problem, COUNTS["estimate-free"])


@settings(max_examples=ESTIMATING_EXAMPLES, deadline=None,
          derandomize=ESTIMATING_EXAMPLES <= 100, suppress_health_check=list(HealthCheck))
@given(estimating_problems())
def test_estimating_agents_agree_with_the_sampled_brute_force(problem):
    check_problem(*problem, COUNTS["estimating"])


def check_problem(game: Game, body0, body1, delta, counts: dict) -> None:
    """One generated problem through every comparison; a solver that gives up on it is
    counted as ``solver unknown`` and compared no further. With estimates (``delta``)
    the brute force samples them, so only its acceptances are binding."""
    start = time.monotonic()
    try:
        compare_on(game, body0, body1, delta, counts)
    finally:
        counts["slowest s"] = max(counts["slowest s"], round(time.monotonic() - start))


def compare_on(game: Game, body0, body1, delta, counts: dict) -> None:
    """The comparisons of docs/fuzzing.md, in order."""
    n = game.num_actions(0)
    programs = (Program(body0, n, n, delta, "fuzz-1"), Program(body1, n, n, delta, "fuzz-2"))
    exact = not any(p.uses_estimates for p in programs)
    pair = Pair(game, programs, timeout=20)
    try:
        result = pair.solve(find_all=True, limit=12)  # every point is re-checked inside
    except SolverUnknown:
        counts["solver unknown"] += 1
        return
    finally:
        counts["problems"] += 1
        if counts["problems"] % 250 == 0:  # long runs (make fuzz) show where they are
            print("fuzz progress,", "estimate-free" if delta is None else "estimating",
                  counts, flush=True)
    calls = [queries_of(body, seat) for seat, body in enumerate((body0, body1))]
    counts["query repeated in a program"] += any(len(c) != len(set(c)) for c in calls)
    counts["query shared by both programs"] += bool(set(calls[0]) & set(calls[1]))
    found = {p.profile for p in result.fixed_points}
    counts["fixed points"] += len(found)
    for point in result.fixed_points:  # Z3's points pass the independent membership test,
        # with the tie probabilities and the estimates its own witness names
        observed = [[run.observation.estimate for run in runs] for runs in point.witness.runs]
        assert is_fixed_point(programs, point.profile, dict(point.witness.answers),
                              observed), point.profile
    profiles = list(product(grid(n), repeat=2))
    accepted = [p for p in profiles if is_fixed_point(programs, p)]
    at_tie = [p for p in profiles if tied((body0, body1), p)]
    counts["grid profiles"] += len(profiles)
    counts["profiles with a tie"] += len(at_tie)
    if result.complete and not result.continuum:
        counts["complete"] += 1
        missed = [p for p in accepted if p not in found]
        assert not missed, f"complete enumeration misses grid fixed points {missed[:3]}"
        # cvc5 confirms completeness independently: nothing else is a fixed point
        others = [f for k, p in enumerate(found) for f in differs(pair.system, p, f"p{k}")]
        text = smtlib(list(pair.system.constraints) + others)  # irrational points are pinned
    else:
        text = smtlib(list(pair.system.constraints))
        # a rejection is exact where nothing is estimated and no query is at a tie
        rejected = [p for p in profiles if p not in accepted and p not in at_tie] \
            if exact else []
        for p in ends(accepted) + ends(rejected):  # Z3 agrees at sampled grid profiles
            try:
                assert (pair.find(pair.at_profile(p)) is not None) == (p in accepted), p
            except SolverUnknown:
                counts["solver unknown later"] += 1
    z3_answer, cvc5_answer = decide_z3(text, 20), decide_cvc5(text, 20)
    counts["z3 vs cvc5"] += 1
    counts["z3 unknown"] += z3_answer == "unknown"
    counts["cvc5 unknown"] += cvc5_answer == "unknown"
    assert {z3_answer, cvc5_answer} != {"sat", "unsat"}, (z3_answer, cvc5_answer)
    expected = "unsat" if result.complete and not result.continuum else "sat"
    assert z3_answer in (expected, "unknown") and cvc5_answer in (expected, "unknown")
