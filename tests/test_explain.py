"""`rov explain` / `Pair.explain`: the explained runs are a fixed point's runs.

The check is rebuilt from the explanation alone: each run's observation from its
estimates and the weights of the Choose steps it lists, the oracle's tie probabilities from
the explanation; the interpreter must then find the profile a fixed point
(`verify_fixed_point`) and give each listed output. Each step's values are checked against
their definitions: a delta-sure comparison is true exactly when its least (or greatest)
value over the estimate boxes is on the right side of 0, a query at the profile answers as
its value against its threshold says, an If's output is its branch's.
"""

import json
from fractions import Fraction as F

import pytest

from verifier import Pair, builtin_game, parse_agent
from verifier.model.numbers import compare
from verifier.semantics.interpreter import (FixedPointWitness, Observation, Run, output,
                                            verify_fixed_point)

from verifier.apps.cli import main

LP = "lp(eps=1/10,delta=1/1000)"
# L3-pd-a's counterexample in docs/findings.md: LP against the defection rock
L3 = ((F(9815, 16384), F(6569, 16384)), (F(0), F(1)))


def rov(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rebuilt(pair, why) -> FixedPointWitness:
    """The witness written from the explanation's text fields alone."""
    runs = []
    for seat_runs in why.runs:
        rebuilt = []
        for run in seat_runs:
            choices = {s.path: s.details["weights"] for s in run.steps if s.kind == "Choose"}
            rebuilt.append(Run(run.weight, Observation(run.estimate, choices)))
        runs.append(tuple(rebuilt))
    return FixedPointWitness(why.check.profile, tuple(runs), why.answers)


def _steps_agree(why) -> None:
    for seat_runs in why.runs:
        for run in seat_runs:
            by_path = {s.path: s for s in run.steps}
            assert list(by_path[()].value) == list(run.output)
            for s in run.steps:
                if s.kind == "Surely":  # the label ends "{op} 0"
                    op = s.label.rsplit(" ", 2)[-2]
                    sign = compare(s.details["least" if ">" in op else "greatest"], 0)
                    holds = {">": sign > 0, ">=": sign >= 0, "<": sign < 0, "<=": sign <= 0}
                    assert (s.value == 1) == holds[op]
                if s.kind == "Query":
                    side = compare(s.details["value"], s.details["threshold"])
                    expected = s.details["tie_probability"] if side == 0 else F(side > 0)
                    assert s.value == expected
                if s.kind == "If":
                    p = by_path[s.path + ("c",)].value
                    assert s.details["condition"] == p
                    if p in (0, 1):
                        branch = by_path[s.path + ((0,) if p == 1 else (1,))]
                        assert branch.value == s.value


def test_lp_against_defectbot_counterexample_is_explained_exactly():
    pair = Pair(builtin_game("pd-a"), (parse_agent(LP), parse_agent("defectbot")))
    why = pair.explain(L3)
    assert why.check.fixed_point is not None and len(why.runs[0]) >= 1
    witness = _rebuilt(pair, why)
    verify_fixed_point(pair.programs, witness)  # raises unless the runs mix to the profile
    for seat, seat_runs in enumerate(why.runs):
        own, opp = L3[seat], L3[1 - seat]
        for run, rebuilt in zip(seat_runs, witness.runs[seat]):
            assert output(pair.programs[seat], own, opp, rebuilt.observation, why.answers,
                          seat) == tuple(run.output)
    assert any(s.kind == "Surely" for s in why.runs[0][0].steps)
    _steps_agree(why)


def test_queries_at_ties_show_the_oracle_answer():
    pair = Pair(builtin_game("pd-a"), (parse_agent("best-response"), parse_agent("any")))
    why = pair.explain(((F(0), F(1)), (F(1, 3), F(2, 3))))
    queries = [s for seat in why.runs for run in seat for s in run.steps if s.kind == "Query"]
    assert queries and all(compare(s.details["value"], s.details["threshold"]) != 0
                           for s in queries)  # defection dominates: no tie
    verify_fixed_point(pair.programs, _rebuilt(pair, why))
    _steps_agree(why)
    br = parse_agent("best-response")
    mp = Pair(builtin_game("matching-pennies"), (br, br))
    why = mp.explain(((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2))))
    ties = [s for seat in why.runs for run in seat for s in run.steps if s.kind == "Query"
            and "tie_probability" in s.details]
    assert ties and why.answers
    verify_fixed_point(mp.programs, _rebuilt(mp, why))
    _steps_agree(why)


def test_a_profile_that_is_no_fixed_point_has_no_runs():
    pair = Pair(builtin_game("pd-a"), (parse_agent("nicerbot(1/10)"), parse_agent("defectbot")))
    why = pair.explain(((F(1, 2), F(1, 2)), (F(0), F(1))))
    assert why.runs == () and why.check.failing == (0,)


def test_cli_prints_both_runs_and_json(capsys):
    code, out, _ = rov(capsys, "explain", LP, "defectbot", "--game", "pd-a", "--profile",
                       "9815/16384,6569/16384;0,1")
    assert code == 0
    assert out.startswith("fixed point: (C=9815/16384, D=6569/16384) vs (C=0, D=1)")
    assert "player 1, lp(eps=1/10,delta=1/1000):" in out and "player 2, defectbot:" in out
    assert "play the estimate of its own strategy" in out and "least" in out
    code, out, _ = rov(capsys, "explain", LP, "defectbot", "--game", "pd-a", "--profile",
                       "9815/16384,6569/16384;0,1", "--json")
    data = json.loads(out)
    assert code == 0 and data["is_fixed_point"] and len(data["runs"]) == 2
    assert data["runs"][1][0]["output"] == ["0", "1"]
    assert data["readings"][0]["directions"] == "equal"
    code, out, _ = rov(capsys, "explain", "nicerbot(1/10)", "defectbot", "--game", "pd-a",
                       "--profile", "1/2,1/2;0,1")
    assert code == 1 and "cannot produce its strategy" in out and "no runs" in out


@pytest.mark.parametrize("profile", ["1,1;0,1", "1/2;0,1", "a,b;0,1"])
def test_cli_refuses_a_bad_profile_in_one_line(capsys, profile):
    code, _, err = rov(capsys, "explain", "defectbot", "defectbot", "--game", "pd-a",
                       "--profile", profile)
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_cli_explains_a_catalogue_counterexample(capsys):
    code, out, _ = rov(capsys, "explain", "--claim", "L3-pd-a", "--json")
    data = json.loads(out)
    assert code == 0 and data["is_fixed_point"]
    assert data["readings"][0] == {"directions": "equal", "estimates": "box"}
    assert data["profile"][1] == ["0", "1"] and len(data["runs"][0]) >= 1
    code, out, _ = rov(capsys, "explain", "--claim", "L3-pd-a", "--reading", "directions=cone",
                       "--json")
    assert code == 0 and json.loads(out)["readings"][0]["directions"] == "cone"


@pytest.mark.parametrize("argv, message", [
    (["--claim", "no-such-claim"], "no claim with id no-such-claim in proofs"),
    (["--claim", "C1"], "C1: verdict holds, no counterexample to explain"),
    (["defectbot", "--claim", "L3-pd-a"], "give either --claim ID or A B --game G --profile P"),
    (["defectbot", "defectbot", "--game", "pd-a"], "explain needs two agents, --game and"),
])
def test_cli_explain_usage_errors(capsys, argv, message):
    code, _, err = rov(capsys, "explain", *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
