from fractions import Fraction as F

import pytest

from verifier import Agent, If, Mix, Query, prob
from verifier.model.agents import Choose, Program, SurelyCone, SurelyOutside, query_key
from verifier.semantics.interpreter import (FixedPointWitness, InadmissibleObservation, Observation, Run,
                                  box_vertices, check_estimate, mixture, output,
                                  verify_fixed_point)
from verifier.model.library import parse_agent
from verifier.model.poly import var

C, D = (F(1), F(0)), (F(0), F(1))
HALF = (F(1, 2), F(1, 2))


def test_nicerbot_mirrors_with_probability_one_minus_eps(pd_a):
    prog = parse_agent("nicerbot(eps=1/10)").program(pd_a, 0)
    assert output(prog, C, (F(1, 3), F(2, 3))) == (F(1, 10) + F(9, 10) * F(1, 3),
                                                   F(9, 10) * F(2, 3))


def test_liar_at_its_tie_follows_the_oracle_probability(pd_a):
    prog = parse_agent("liar").program(pd_a, 0)
    key = query_key(prog.queries()[0], 0)
    assert output(prog, HALF, HALF, answers={key: F(1)}) == D
    assert output(prog, HALF, HALF, answers={key: F(0)}) == C
    assert output(prog, HALF, HALF, answers={key: F(1, 2)}) == HALF
    with pytest.raises(InadmissibleObservation, match="at a tie"):
        output(prog, HALF, HALF)


def coin_flip(pd):
    def build(me):
        asks = Query(me.p_opp("C"), F(1, 2))
        return Mix(prob(F(1, 2)), If(asks, me.play("C"), me.play("D")),
                   If(asks, me.play("D"), me.play("C")))
    return Agent("coin-flip", build).program(pd, 0)


def test_one_query_asked_twice_shares_one_probability(pd_a):
    prog = coin_flip(pd_a)
    assert len(prog.queries()) == 1
    key = query_key(prog.queries()[0], 0)
    for q in (F(0), F(1, 3), F(1)):  # q/2 + (1 - q)/2 = 1/2 whatever q is
        assert output(prog, HALF, HALF, answers={key: q}) == HALF
    # independent draws: "yes and yes" to one query has probability q^2
    both = Agent("both", lambda me: If(Query(me.p_opp("C"), F(1, 2))
                                       & Query(me.p_opp("C"), F(1, 2)),
                                       me.play("C"), me.play("D"))).program(pd_a, 0)
    assert output(both, HALF, HALF, answers={key: F(1, 3)}) == (F(1, 9), F(8, 9))


def test_the_same_query_in_both_seats_is_one_query(pd_a):
    mine = query_key(Query(var("opp", 0), F(1, 2)), 0)  # player 1 asks P2(C) > 1/2
    theirs = query_key(Query(var("self", 0), F(1, 2)), 1)  # player 2 asks P_self(C) > 1/2
    other = query_key(Query(var("self", 0), F(1, 2), machine="another"), 1)
    assert mine == theirs and mine != other


def test_tie_probabilities_must_be_an_oracles(pd_a):
    liar = parse_agent("liar").program(pd_a, 0)
    defect = parse_agent("defectbot").program(pd_a, 1)
    key = query_key(liar.queries()[0], 0)
    witness = FixedPointWitness((C, D), ((Run(F(1), Observation()),), (Run(F(1), Observation()),)),
                                {key: F(0)})
    with pytest.raises(InadmissibleObservation, match="not at a tie"):
        verify_fixed_point((liar, defect), witness)
    stranger = FixedPointWitness(witness.profile, witness.runs,
                                 {(var("s", 1, 0), F(1, 3), ""): F(1)})
    with pytest.raises(InadmissibleObservation, match="neither program asks"):
        verify_fixed_point((liar, defect), stranger)
    half = FixedPointWitness((HALF, D), ((Run(F(1), Observation()),), (Run(F(1), Observation()),)),
                             {key: F(1, 2)})
    verify_fixed_point((liar, defect), half)
    with pytest.raises(InadmissibleObservation, match="0 or 1"):
        verify_fixed_point((liar, defect), half, deterministic=True)


def test_estimates_must_be_within_half_delta(pd_a):
    prog = parse_agent("lp(1/10, 1/100)").program(pd_a, 0)
    truth = HALF
    choose = {path: (F(1), F(0)) for path, node in prog.walk() if isinstance(node, Choose)}
    ok = Observation(estimate=((F(1, 2) + F(1, 200), F(1, 2) - F(1, 200)), truth),
                     choices=choose)
    output(prog, truth, truth, ok)
    far = Observation(estimate=((F(1, 2) + F(1, 100), F(1, 2) - F(1, 100)), truth),
                      choices=choose)
    with pytest.raises(InadmissibleObservation, match="more than delta/2"):
        output(prog, truth, truth, far)


def test_grid_estimates_are_grid_points_of_the_box(pd_a):
    grid = parse_agent("lp(1/10,1/100,estimates=grid)").program(pd_a, 0)
    truth = (F(1, 3), F(2, 3))
    check_estimate(grid, truth, truth, ((F(67, 200), F(133, 200)), (F(33, 100), F(67, 100))))
    with pytest.raises(InadmissibleObservation, match="not a grid point"):
        check_estimate(grid, truth, truth, (truth, truth))
    with pytest.raises(InadmissibleObservation, match="more than delta/2"):
        check_estimate(grid, truth, truth, ((F(17, 50), F(33, 50)), truth))


def test_lp_moves_toward_cooperation_at_mutual_defection(pd_a):
    prog = parse_agent("lp(1/10, 1/100)").program(pd_a, 0)
    choose = {path: (F(1), F(0)) for path, node in prog.walk() if isinstance(node, Choose)}
    out = output(prog, D, D, Observation(estimate=(D, D), choices=choose))
    assert out == (F(1, 10), F(9, 10))


def test_cone_rates_are_decided_by_an_interval(pd_a):
    """At (0.3, 0.8) on pd-a moving both toward C at equal rates hurts player 2, but some
    rates (player 2 slower) help both; near b = 1 no rates help both."""
    def lp(directions, estimate):
        prog = parse_agent(f"lp(1/10,1/100,directions={directions})").program(pd_a, 0)
        choose = {path: (F(1), F(0)) for path, node in prog.walk() if isinstance(node, Choose)}
        point = ((estimate[0], 1 - estimate[0]), (estimate[1], 1 - estimate[1]))
        return output(prog, *point, Observation(estimate=point, choices=choose))
    at = (F(3, 10), F(4, 5))
    assert lp("equal", at)[0] == F(3, 10)  # no equal-rates direction: keeps its estimate
    assert lp("cone", at)[0] == F(9, 10) * F(3, 10) + F(1, 10)  # moves toward C
    assert lp("cone", (F(3, 10), F(199, 200)))[0] == F(3, 10)  # the box touches b = 1


def test_surely_outside_finds_a_profile_inside_or_none(pd_a):
    """The exact region test: a profile of the delta-box inside the polygon, or None."""
    region = parse_agent("region(eps=1/10,delta=1/10,region_test=exact,"
                         "polygon=(1,1),(4,1),(3,3),(1,4))")
    prog = region.program(pd_a, 0)
    cond, = [c for _, c in prog.conditions() if isinstance(c, SurelyOutside)]
    from verifier.semantics.interpreter import _Evaluator
    for estimate in ((F(1, 2), F(1, 2)), (F(0), F(0)), (F(1), F(1)), (F(0), F(1))):
        point = ((estimate[0], 1 - estimate[0]), (estimate[1], 1 - estimate[1]))
        found = _Evaluator(prog, 0, *point, Observation(estimate=point), {}).meets(cond)
        if found is not None:  # the profile is in the box and inside every edge
            x, y = found
            assert abs(x - estimate[0]) <= F(1, 10) and abs(y - estimate[1]) <= F(1, 10)
            at = {("self", 0): x, ("self", 1): 1 - x, ("opp", 0): y, ("opp", 1): 1 - y}
            assert all(p.evaluate(at) >= 0 for p in cond.polys)
        else:  # no box vertex is inside either
            for vx in (estimate[0] - F(1, 10), estimate[0] + F(1, 10)):
                for vy in (estimate[1] - F(1, 10), estimate[1] + F(1, 10)):
                    if 0 <= vx <= 1 and 0 <= vy <= 1:
                        at = {("self", 0): vx, ("self", 1): 1 - vx, ("opp", 0): vy,
                              ("opp", 1): 1 - vy}
                        assert any(p.evaluate(at) < 0 for p in cond.polys)


def test_box_vertices_clip_to_the_simplex():
    assert box_vertices((F(0), F(1)), F(1, 10)) in ([(F(0), F(1)), (F(1, 10), F(9, 10))],
                                                    [(F(1, 10), F(9, 10)), (F(0), F(1))])
    three = box_vertices((F(1, 3), F(1, 3), F(1, 3)), F(1, 10))
    assert all(sum(v) == 1 for v in three) and len(three) == 6


def test_mixtures_need_distribution_weights(pd_a):
    prog = parse_agent("defectbot").program(pd_a, 0)
    with pytest.raises(InadmissibleObservation):
        mixture(prog, D, D, [Run(F(1, 2), Observation())])


def test_malformed_box_conditions_are_refused():
    from verifier import Play
    from verifier.model.agents import AgentError
    with pytest.raises(AgentError, match="SurelyCone"):
        Program(If(SurelyCone(()), Play(C), Play(D)), 2, 2, F(1, 10))
    with pytest.raises(AgentError, match="affine"):
        Program(If(SurelyOutside((var("self", 0) * var("self", 0),)), Play(C), Play(D)), 2, 2,
                F(1, 10))
    with pytest.raises(AgentError, match="two actions"):
        Program(If(SurelyOutside((var("self", 0),)), Play((1, 0, 0)), Play((0, 1, 0))), 3, 3,
                F(1, 10))


def test_the_interpreter_runs_without_z3():
    import subprocess
    import sys
    code = ("import sys, verifier.semantics.interpreter, verifier.model.library, verifier.model.games\n"
            "from verifier import output, parse_agent, builtin_game\n"
            "prog = parse_agent('nelp(1/10,1/100)').program(builtin_game('pd-a'), 0)\n"
            "assert 'z3' not in sys.modules, 'z3 was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
