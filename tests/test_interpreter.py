from fractions import Fraction as F
from itertools import product

import pytest

from verifier.agents import Choose
from verifier.interpreter import (InadmissibleObservation, Observation, Run, box_vertices,
                                  mixture, output, vertex_outputs)
from verifier.library import parse_agent

C, D = (F(1), F(0)), (F(0), F(1))


def test_nicerbot_mirrors_with_probability_one_minus_eps(pd_a):
    prog = parse_agent("nicerbot(eps=1/10)").program(pd_a, 0)
    assert output(prog, C, (F(1, 3), F(2, 3))) == (F(1, 10) + F(9, 10) * F(1, 3),
                                                   F(9, 10) * F(2, 3))


def test_liar_at_its_tie_follows_the_oracle_answer(pd_a):
    prog = parse_agent("liar").program(pd_a, 0)
    half = (F(1, 2), F(1, 2))
    query_path = next(path for path, _ in prog.conditions())
    assert output(prog, half, half, Observation(answers={query_path: F(1)})) == D
    assert output(prog, half, half, Observation(answers={query_path: F(0)})) == C
    assert output(prog, half, half, Observation(answers={query_path: F(1, 2)})) == half
    with pytest.raises(InadmissibleObservation, match="at a tie"):
        output(prog, half, half)
    with pytest.raises(InadmissibleObservation, match="not at a tie"):
        output(prog, C, half, Observation(answers={query_path: F(0)}))


def test_estimates_must_be_within_half_delta(pd_a):
    prog = parse_agent("lp(1/10, 1/100)").program(pd_a, 0)
    truth = (F(1, 2), F(1, 2))
    choose = {path: (F(1), F(0)) for path, node in prog.walk() if isinstance(node, Choose)}
    ok = Observation(estimate=((F(1, 2) + F(1, 200), F(1, 2) - F(1, 200)), truth),
                     choices=choose)
    output(prog, truth, truth, ok)
    far = Observation(estimate=((F(1, 2) + F(1, 100), F(1, 2) - F(1, 100)), truth),
                      choices=choose)
    with pytest.raises(InadmissibleObservation, match="more than delta/2"):
        output(prog, truth, truth, far)


def test_lp_moves_toward_cooperation_at_mutual_defection(pd_a):
    prog = parse_agent("lp(1/10, 1/100)").program(pd_a, 0)
    choose = {path: (F(1), F(0)) for path, node in prog.walk() if isinstance(node, Choose)}
    out = output(prog, D, D, Observation(estimate=(D, D), choices=choose))
    assert out == (F(1, 10), F(9, 10))


def test_vertex_outputs_of_an_estimating_agent_are_its_deterministic_runs(pd_a):
    prog = parse_agent("lp(1/10, 1/100)").program(pd_a, 0)
    chooses = [(path, len(node.options)) for path, node in prog.walk()
               if isinstance(node, Choose)]
    estimate = (D, D)
    runs = {output(prog, D, D, Observation(estimate=estimate, choices={
        path: tuple(F(int(k == pick)) for k in range(n)) for (path, n), pick in zip(chooses, picks)}))
        for picks in product(*(range(n) for _, n in chooses))}
    assert vertex_outputs(prog, D, D, estimate) == runs and (F(1, 10), F(9, 10)) in runs
    with pytest.raises(ValueError, match="give the estimate"):
        vertex_outputs(prog, D, D)
    with pytest.raises(InadmissibleObservation, match="more than delta/2"):
        vertex_outputs(prog, D, D, ((F(1, 50), F(49, 50)), D))


def test_box_vertices_clip_to_the_simplex():
    assert box_vertices((F(0), F(1)), F(1, 10)) in ([(F(0), F(1)), (F(1, 10), F(9, 10))],
                                                    [(F(1, 10), F(9, 10)), (F(0), F(1))])
    three = box_vertices((F(1, 3), F(1, 3), F(1, 3)), F(1, 10))
    assert all(sum(v) == 1 for v in three) and len(three) == 6


def test_mixtures_need_distribution_weights(pd_a):
    prog = parse_agent("defectbot").program(pd_a, 0)
    with pytest.raises(InadmissibleObservation):
        mixture(prog, D, D, [Run(F(1, 2), Observation())])


def test_the_interpreter_runs_without_z3():
    import subprocess
    import sys
    code = ("import sys, verifier.interpreter, verifier.library, verifier.games\n"
            "from verifier import output, parse_agent, builtin_game\n"
            "prog = parse_agent('nelp(1/10,1/100)').program(builtin_game('pd-a'), 0)\n"
            "assert 'z3' not in sys.modules, 'z3 was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)
