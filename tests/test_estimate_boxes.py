"""The compiled "delta-surely" test on games with more than two actions, against the
interpreter at the exact edges of the test.

"my payoff - c >= 0 delta-surely" holds exactly when c is at most the least payoff over
the box around the estimates, and "my payoff - c <= 0 delta-surely" when c is at least
the greatest. The test computes both from the interpreter's box vertices (written from
the definition, not from the compiler's points) and asks the compiled system, with the
profile and the estimates pinned, for the agent's output at each edge (the condition
holds) and 10^-9 beyond it (it fails). A point set holding a point outside the box with
a lower or higher payoff than every vertex gets an edge wrong, and so does one missing
the vertex where the least or greatest payoff of a case lies (one case checks two of the
box's vertex pairs, so a missing point is caught only by the cases that need it).
"""

import random
from fractions import Fraction as F

import pytest
import z3

from verifier import Agent, If
from verifier.encoding import smt
from verifier.encoding.compiler import MAX_ESTIMATED_ACTIONS, System
from verifier.model.agents import AgentError, Surely
from verifier.model.games import Game
from verifier.semantics.interpreter import Observation, box_vertices, output

DELTA = F(1, 4)
JUST_BEYOND = F(1, 10 ** 9)


def random_game(n: int, rng: random.Random) -> Game:
    names = tuple(f"a{k}" for k in range(n))
    matrices = tuple(tuple(tuple(F(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(n))
                           for _ in range(n)) for _ in range(2))
    return Game(f"random{n}", (names, names), matrices)


def threshold_agent(level: F, op: str) -> Agent:
    """Plays its first action when "my payoff - level op 0" holds delta-surely, else its
    last."""
    def build(me):
        return If(Surely(me.u_self - level, op), me.play(0), me.play(me.n_self - 1))
    return Agent(f"threshold({level},{op})", build, DELTA)


FIRST = Agent("first", lambda me: me.play(0))  # the opponent's seat: no estimates


def random_distribution(n: int, rng: random.Random) -> tuple:
    """A distribution with some zero entries (boxes clipped by the simplex's faces)."""
    weights = [rng.choice((0, 0, 1, 2, 5, 9)) for _ in range(n)]
    if not any(weights):
        weights[rng.randrange(n)] = 1
    return tuple(F(w, sum(weights)) for w in weights)


def near(truth: tuple, rng: random.Random) -> tuple:
    """An estimate within DELTA / 2 of ``truth``, in the simplex: move mass between two
    coordinates."""
    estimate = list(truth)
    j, k = rng.sample(range(len(truth)), 2)
    step = min(estimate[j], DELTA / 2) * F(rng.randint(0, 4), 4)
    estimate[j] -= step
    estimate[k] += step
    return tuple(estimate)


def payoffs_over_box(program, own_box: list, opp_box: list) -> list:
    return [program.body.cond.poly.evaluate(
        {("self", k): x for k, x in enumerate(v)} | {("opp", k): y for k, y in enumerate(w)})
        for v in own_box for w in opp_box]


def compiled_output(game: Game, agent: Agent, profile: tuple, estimate: tuple) -> tuple:
    """The output of one run of ``agent`` in seat 1 (against :data:`FIRST`), from the
    compiled system with the profile and the run's estimate pinned (unique: the condition is
    two-valued)."""
    system = System(game, (agent.program(game, 0), FIRST.program(game, 1)), hull=(False, False))
    run = system.runs[0][0]
    pins = [x.eq(v) for i in (0, 1) for x, v in zip(system.free[i], profile[i])]
    pins += [t.eq(v) for terms, values in zip(run.estimate, estimate)
             for t, v in zip(terms, values)]
    queries = smt.Z3Queries()  # the portfolio: Yices decides these in milliseconds
    constraints = smt.formulas(system.constraints + pins)
    model = queries.model(constraints)
    found = tuple(smt.exact_value(model.eval(smt.term(t), model_completion=True))
                  for t in run.output)
    other = z3.Or([smt.term(t) != smt.numeral(v, "output") for t, v in zip(run.output, found)])
    assert queries.model(constraints + [other]) is None  # the output is determined
    return found


@pytest.mark.parametrize("n, cases", [(3, 24), (4, 2)])
def test_surely_at_the_edge_of_the_box(n, cases):
    rng = random.Random(n)
    for _ in range(cases):
        game = random_game(n, rng)
        profile = (random_distribution(n, rng), random_distribution(n, rng))
        estimate = (near(profile[0], rng), near(profile[1], rng))
        probe = threshold_agent(F(0), ">=").program(game, 0)
        values = payoffs_over_box(probe, box_vertices(estimate[0], DELTA),
                                  box_vertices(estimate[1], DELTA))
        least, greatest = min(values), max(values)
        for level, op, holds in ((least, ">=", True), (least + JUST_BEYOND, ">=", False),
                                 (greatest, "<=", True), (greatest - JUST_BEYOND, "<=", False)):
            agent = threshold_agent(level, op)
            program = agent.program(game, 0)
            expected = output(program, profile[0], profile[1], Observation(estimate))
            assert expected[0 if holds else n - 1] == 1  # the interpreter at the edge
            assert compiled_output(game, agent, profile, estimate) == expected


def test_larger_games_are_refused_at_once():
    n = MAX_ESTIMATED_ACTIONS + 1
    game = random_game(n, random.Random(0))
    with pytest.raises(AgentError, match=f"at most {MAX_ESTIMATED_ACTIONS} actions"):
        System(game, (threshold_agent(F(0), ">=").program(game, 0), FIRST.program(game, 1)))
