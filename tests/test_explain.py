"""`rov explain` / `Pair.explain`: the explained runs are a fixed point's runs.

The check is rebuilt from the explanation alone: each run's observation from its
estimates and the weights of the Choose steps it lists, the oracle's tie probabilities from
the explanation; the interpreter must then find the profile a fixed point
(`verify_fixed_point`) and give each listed output. Each step's values are checked against
their definitions: a delta-sure comparison is true exactly when its least (or greatest)
value over the profiles within delta of the estimates is on the right side of 0, and no
profile sampled there goes below (above) it; a query at the profile answers as its value
against its threshold says; an If's and a Mix's outputs are their branches' mixed by
their probabilities; every step comes after its parent.
"""

import json
import random
from fractions import Fraction as F

import pytest

from verifier import Pair, builtin_game, parse_agent
from verifier.model.agents import AllOf, AnyOf, Choose, If, Negation
from verifier.model.numbers import compare
from verifier.semantics.interpreter import (FixedPointWitness, Observation, Run, output,
                                            seat_values, verify_fixed_point)

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


def _near(estimate, delta, rng) -> tuple:
    """A random profile of one player within delta of its estimate (a distribution)."""
    while True:
        head = [e + F(rng.randint(-1000, 1000), 1000) * delta for e in estimate[:-1]]
        point = head + [1 - sum(head)]
        if all(0 <= x <= 1 and abs(x - e) <= delta for x, e in zip(point, estimate)):
            return tuple(point)


def _steps_agree(why, programs=None) -> None:
    rng = random.Random(7)
    for seat, seat_runs in enumerate(why.runs):
        for run in seat_runs:
            by_path = {s.path: s for s in run.steps}
            assert list(by_path[()].value) == list(run.output)
            seen = set()
            for s in run.steps:  # each step after its parent (node, condition, branches)
                assert s.path == () or s.path[:-1] in seen, s.path
                seen.add(s.path)
            for s in run.steps:
                if s.kind == "Mix":
                    p = s.details["probability"]
                    first, second = by_path[s.path + (0,)].value, by_path[s.path + (1,)].value
                    assert s.value == [p * a + (1 - p) * b for a, b in zip(first, second)]
                if s.kind in ("Surely", "SurelyCone") and programs is not None:
                    delta = programs[seat].delta
                    for _ in range(10):  # sampled profiles within delta of the estimates
                        own, opp = (_near(e, delta, rng) for e in run.estimate)
                        at = seat_values(own, opp)
                        item = _item(programs[seat], s.path)
                        if s.kind == "Surely":
                            v = item.poly.evaluate(at)
                            assert s.details["least"] <= v <= s.details["greatest"]
                        else:
                            for pair, least in zip(item.gains, s.details["least_gains"]):
                                assert all(g.evaluate(at) >= m for g, m in zip(pair, least))
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
                    else:
                        then, orelse = by_path[s.path + (0,)].value, by_path[s.path + (1,)].value
                        assert s.value == [p * a + (1 - p) * b for a, b in zip(then, orelse)]


def _item(program, path):
    """The node or condition of ``program`` at ``path`` (child indices; "c": a condition)."""
    item = program.body
    for step in path:
        if step == "c":
            item = item.cond
        elif isinstance(item, (AllOf, AnyOf)):
            item = item.conds[step]
        elif isinstance(item, Negation):
            item = item.cond
        elif isinstance(item, Choose):
            item = item.options[step]
        elif isinstance(item, If):
            item = (item.then, item.orelse)[step]
        else:
            item = (item.first, item.second)[step]
    return item


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
    _steps_agree(why, pair.programs)


def test_an_irrational_fixed_point_is_explained_and_drawn(tmp_path):
    # found by an attack: the profile check compared a sum of two CRootOfs with 1 inexactly
    from verifier import plot_runs
    from verifier.apps.inputs import parse_objective
    nelp = parse_agent("nelp(eps=1/10,delta=1/1000)")
    pair = Pair(builtin_game("pd-a"), (nelp, nelp))
    profile = pair.optimize(parse_objective("u1", pair.game), "min").point.profile
    assert not all(isinstance(x, F) for s in profile for x in s)  # the red boundary's root
    why = pair.explain(profile)
    verify_fixed_point(pair.programs, _rebuilt(pair, why))
    plot_runs(why, pair, str(tmp_path / "runs.png"))
    assert (tmp_path / "runs.png").read_bytes().startswith(b"\x89PNG")


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


def test_an_oracle_tie_strictly_between_makes_both_branches_run():
    liar = parse_agent("liar")
    pair = Pair(builtin_game("pd-a"), (liar, liar))
    why = pair.explain(((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2))))
    ifs = [s for seat in why.runs for run in seat for s in run.steps if s.kind == "If"]
    assert ifs and all(s.details["condition"] == F(1, 2) for s in ifs)
    assert set(why.answers.values()) == {F(1, 2)}
    verify_fixed_point(pair.programs, _rebuilt(pair, why))
    _steps_agree(why, pair.programs)


def test_a_query_of_a_named_machine_is_labelled_with_it():
    from verifier.model.agents import Play, Program, Query
    from verifier.model.poly import var
    liar = Program(If(Query(var("self", 0), F(1, 2), machine="m2"), Play((0, 1)), Play((1, 0))),
                   2, 2, name="machine-liar")
    half = ((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))
    why = Pair(builtin_game("pd-a"), (liar, liar)).explain(half)
    labels = {s.label for seat in why.runs for run in seat for s in run.steps}
    assert "oracle (machine m2): is own(C) > 1/2?" in labels


def test_cone_and_region_tests_show_their_values():
    cone = Pair(builtin_game("pd-a"), (parse_agent("lp(eps=1/10,delta=1/1000,directions=cone)"),
                                       parse_agent("defectbot")))
    why = cone.explain(((F(2043, 2048), F(5, 2048)), (F(0), F(1))))
    steps = [s for s in why.runs[0][0].steps if s.kind == "SurelyCone"]
    assert steps and all(len(s.details["least_gains"]) == 2 for s in steps)
    verify_fixed_point(cone.programs, _rebuilt(cone, why))
    _steps_agree(why, cone.programs)
    region = Pair(builtin_game("pd-a"), (parse_agent(
        "region(eps=1/10,delta=1/1000,region_test=exact,polygon=(1,-1),(6,-1),(6,7),(1,2))"),
        parse_agent("defectbot")))
    why = region.explain(((F(7, 1024), F(1017, 1024)), (F(0), F(1))))
    for run in why.runs[0]:
        for s in run.steps:
            if s.kind == "SurelyOutside":
                low, high = s.details["own_box"]
                assert low <= run.estimate[0][0] <= high and high - low <= 2 * F(1, 1000)
    verify_fixed_point(region.programs, _rebuilt(region, why))


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


def test_an_explanation_shows_in_jupyter_what_the_cli_prints(capsys):
    import html
    code, out, _ = rov(capsys, "explain", LP, "defectbot", "--game", "pd-a", "--profile",
                       "9815/16384,6569/16384;0,1")
    pair = Pair(builtin_game("pd-a"), (parse_agent(LP), parse_agent("defectbot")))
    why = pair.explain(((F(9815, 16384), F(6569, 16384)), (F(0), F(1))))
    assert code == 0 and why.text() == out.rstrip("\n")
    assert why._repr_html_() == f"<pre>{html.escape(out.rstrip())}</pre>"
    latex = why._repr_latex_()
    assert latex.startswith("$\\begin{array}{l} \\text{fixed point: (C=9815/16384")
    assert latex.count("\\text{") == len(out.rstrip().splitlines())
    # the text's indentation (its nesting) survives: LaTeX's \text drops leading spaces
    indented = [line for line in out.splitlines() if line.startswith(" ")]
    assert indented and latex.count("\\hspace{") == len(indented)
    first = indented[0]
    depth = len(first) - len(first.lstrip(" "))
    assert f"\\hspace{{{depth / 2:g}em}}\\text{{" in latex


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


def test_a_claims_witness_is_explained(capsys):
    code, out, _ = rov(capsys, "explain", "--claim", "C1")  # the liar's only fixed point
    assert code == 0 and out.startswith("fixed point: (C=1/2, D=1/2) vs (C=1/2, D=1/2)")
    assert "q = 1/2" in out and "probability 1/2): both" in out


def test_a_counterexample_at_parameter_values_is_explained_there(capsys):
    code, out, _ = rov(capsys, "explain", "--claim", "P-nicer-eps0", "--json")
    data = json.loads(out)
    assert code == 0 and data["is_fixed_point"] and data["profile"][0] == ["0", "1"]


def test_a_region_that_pins_every_parameter_is_explained_at_its_values(capsys):
    # NicerBot(1/2) against DefectBot: from the definition it cooperates with probability
    # 1/2, and on pd(5,3,1,S) at S = -1/2 gets S/2 + 1/2 = 1/4 (DefectBot: 5/2 + 1/2)
    argv = ["nicerbot(eps=e)", "defectbot", "--game", "pd(5,3,1,S)", "--profile",
            "1/2,1/2;0,1"]
    for command in ("explain", "check-point"):
        code, out, _ = rov(capsys, command, *argv, "--assume", "S = -1/2, 2*e = 1", "--json")
        data = json.loads(out)
        assert code == 0 and data["fixed_point"]["payoffs"] == ["1/4", "3"]
        assert data["parameters"] == {"S": "-1/2", "e": "1/2"}
        code, out, _ = rov(capsys, command, *argv, "--assume", "S = -1/2, 2*e = 1")
        assert out.rstrip().endswith("at S = -1/2, e = 1/2 (the values --assume pins)")
    code, _, err = rov(capsys, "explain", *argv, "--assume", "-1 < S < 0, e = 1/2")
    assert code == 2 and "needs concrete parameters (free: S;" in err


def test_the_runs_are_drawn_in_the_strategy_square(capsys, tmp_path):
    picture = tmp_path / "runs.png"
    code, out, err = rov(capsys, "explain", LP, "defectbot", "--game", "pd-a", "--profile",
                         "9815/16384,6569/16384;0,1", "--plot", str(picture), "--json")
    assert code == 0 and json.loads(out)["is_fixed_point"] and f"wrote {picture}" in err
    assert picture.read_bytes().startswith(b"\x89PNG")
    other = tmp_path / "none.png"
    code, out, err = rov(capsys, "explain", LP, "defectbot", "--game", "pd-a", "--profile",
                         "1/2,1/2;0,1", "--plot", str(other))
    assert code == 1 and "no picture written" in err and not other.exists()
    from verifier import plot_runs
    pair = Pair(builtin_game("pd-a"), (parse_agent(LP), parse_agent("defectbot")))
    plot_runs(pair.explain(L3), pair, str(tmp_path / "runs.svg"))
    assert (tmp_path / "runs.svg").read_text().startswith("<?xml")


@pytest.mark.parametrize("argv, message", [
    (["--claim", "no-such-claim"], "no claim with id no-such-claim in proofs"),
    (["--claim", "C1-one-q"], "C1-one-q: verdict holds, no counterexample or witness"),
    (["defectbot", "--claim", "L3-pd-a"], "give either --claim ID or A B --game G --profile P"),
    (["--claim", "L3-pd-a", "--no-tie-randomization"], "the tie model and the profile"),
    (["defectbot", "defectbot", "--game", "pd-a"], "explain needs two agents, --game and"),
])
def test_cli_explain_usage_errors(capsys, argv, message):
    code, _, err = rov(capsys, "explain", *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_findings_rows_name_the_command_that_explains_their_counterexample(capsys, tmp_path):
    from verifier.apps.findings import render
    from verifier.claims.catalogue import store_result, stored_result
    from verifier.claims.claims import load_claims
    claim, = [c for c in load_claims(["proofs/nicerbot.py"]) if c.id == "C5-eps0"]
    result = claim.run(60)
    row = next(line for line in render([result]).splitlines() if line.startswith("| C5-eps0 |"))
    assert row.endswith("; explained by `rov explain --claim C5-eps0` |")
    # a result stored and read back by `rov prove --resume` keeps the same row
    store_result(tmp_path, claim, result)
    stored = stored_result(tmp_path, claim)
    assert stored is not None and stored.to_json()["resumed"]
    assert row in render([stored]).splitlines()
    assert main(["explain", "--claim", "C5-eps0", "--claims", "proofs/nicerbot.py"]) == 0
    assert capsys.readouterr().out.startswith("fixed point: ")
