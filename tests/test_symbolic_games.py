"""Symbolic payoffs: games such as pd(T,R,P,S), their saddle points over a region, and
claims for every prisoner's dilemma at once, with certificates the checker re-verifies.

C9's case split is checked here against a brute force written from the definitions
(NicerBot cooperates with probability eps + (1 - eps) x against a deviant cooperating with
probability x; the deviant's payoff is read off the payoff table), which shares nothing
with the compiler, the solver or the catalogue's formulas."""

import copy
import json
import random
from fractions import Fraction as F

import pytest

from verifier import builtin_game, load_game, parse_agent
from verifier.apps.cli import main
from verifier.claims.claims import claim_certificate, load_claims
from verifier.decision.solver import Pair
from verifier.evidence.certificates import check
from verifier.model.agents import AgentError
from verifier.model.games import GameError, game_from_json
from verifier.model.params import parse_region
from verifier.model.poly import named

PD = "T > R, R > P, P > S, 2*R > T + S"


def test_pd_spec_has_the_standard_letters_and_numbers_give_the_builtin_game():
    g = load_game("pd(T,R,P,S)")
    assert g.symbols == ("P", "R", "S", "T")
    assert g.payoffs[0] == ((named("R"), named("S")), (named("T"), named("P")))
    assert load_game("pd(5, 3, 1, 0)").payoffs == builtin_game("pd-a").payoffs
    at = g.at({"T": 5, "R": 3, "P": 1, "S": 0})
    assert at.payoffs == builtin_game("pd-a").payoffs
    assert at.name == "pd(T,R,P,S) at P = 1, R = 3, S = 0, T = 5"
    with pytest.raises(GameError, match="no value for S"):
        g.at({"T": 5, "R": 3, "P": 1})
    for bad in ("pd(T,R,P)", "pd(T,R,P,)", "pd(T,R,P,s_1)"):
        with pytest.raises(GameError):
            load_game(bad)


def test_numbers_with_letters_stay_numbers():
    data = {"actions": [["a"], ["b"]], "payoffs": [[["1e2", "Infinity"]]]}
    with pytest.raises(GameError, match="not a number"):
        game_from_json(data)
    data["payoffs"] = [[["1e2", "2*x - 1/2"]]]
    g = game_from_json(data)
    assert g.payoffs[0][0][0] == 100 and g.symbols == ("x",)


def test_saddle_candidates_are_the_pure_saddle_points_with_their_conditions():
    g = load_game("pd(T,R,P,S)")
    cases = dict((pair, {a.op + " " + str(a.poly) for a in atoms})
                 for pair, atoms in g.saddle_candidates(0))
    # (D, D): D's row is least at D (T >= P), and D is the only best row against D (P > S)
    assert cases[(1, 1)] == {">= -1*P + T", "> P + -1*S"}
    assert set(cases) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_a_region_binds_the_saddle_and_its_conditions_become_requirements():
    pair = Pair(load_game("pd(T,R,P,S)"), (parse_agent("nelp(eps=1/10,delta=1/100)"),
                                           parse_agent("defectbot")), region=parse_region(PD))
    assert pair.game.saddle == ((1, 1), (1, 1))
    assert pair.game.security_value(0) == named("P")
    needs = {str(a.poly) for a in pair.programs[0].requirements}
    assert {"-1*P + T", "P + -1*S"} <= needs
    data = pair.game.to_json()
    assert data["saddle"] == [["D", "D"], ["D", "D"]]
    assert game_from_json(data) == pair.game


def test_no_single_saddle_is_a_case_split_named_in_the_error():
    g = game_from_json({"name": "split", "actions": [["X", "Y"], ["C", "D"]],
                        "payoffs": [[["a", 1], [2, 1]], [[1, 1], [1, 1]]]})
    nelp = parse_agent("nelp(eps=1/10,delta=1/100)")
    with pytest.raises(AgentError) as err:
        Pair(g, (nelp, parse_agent("defectbot")), region=parse_region("0 <= a <= 3"))
    text = str(err.value)
    assert "plays X (security value a)" in text and "plays Y (security value 1)" in text
    assert "plays X (security value 2)" in text
    # the same agents on one case of the split
    pair = Pair(g, (nelp, parse_agent("defectbot")), region=parse_region("1 < a <= 2"))
    assert pair.game.security_value(0) == named("a")
    # at a = 1 both X and Y are maximin strategies: no case, so a closed region is refused
    with pytest.raises(AgentError, match="the cases are"):
        Pair(g, (nelp, parse_agent("defectbot")), region=parse_region("1 <= a <= 2"))
    # an agent that never reads the security value needs no case
    Pair(g, (parse_agent("nicerbot(eps=1/10)"), parse_agent("defectbot")),
         region=parse_region("0 <= a <= 3"))


def test_a_concrete_saddle_that_is_not_one_is_refused():
    data = builtin_game("pd-a").to_json()
    data["saddle"] = [["C", "C"], ["D", "D"]]
    with pytest.raises(GameError, match="not a saddle point"):
        game_from_json(data)


def _best_deviation(t, r, p, s, e):
    """The most a deviant cooperating with probability x in [0, 1] earns against
    NicerBot(e): its payoff is a quadratic in x, so the maximum is at 0, 1 or the vertex."""
    table = {("C", "C"): r, ("C", "D"): t, ("D", "C"): s, ("D", "D"): p}  # (nicer, deviant)

    def payoff(x):
        c = e + (1 - e) * x  # NicerBot's probability of C
        return sum(pn * pd * table[(a, b)] for a, pn in (("C", c), ("D", 1 - c))
                   for b, pd in (("C", x), ("D", 1 - x)))
    candidates = [F(0), F(1)]
    a2 = payoff(F(1)) + payoff(F(-1)) - 2 * payoff(F(0))  # twice the x^2 coefficient
    if a2 != 0:
        vertex = -(payoff(F(1)) - payoff(F(-1))) / (2 * a2)
        candidates += [vertex] if 0 <= vertex <= 1 else []
    return max(payoff(x) for x in candidates)


def test_c9_case_split_agrees_with_a_brute_force_from_the_definitions():
    rng = random.Random(9)
    seen = set()
    for _ in range(3000):
        p, s = F(rng.randint(-20, 20), rng.randint(1, 5)), None
        s = p - F(rng.randint(1, 40), rng.randint(1, 5))
        r = p + F(rng.randint(1, 40), rng.randint(1, 5))
        t = r + F(rng.randint(1, 40), rng.randint(1, 5))
        if not 2 * r > t + s:
            continue
        e = F(rng.randint(1, 100), 100)
        # the catalogue's statement (proofs/every_pd.py): an equilibrium iff
        # e <= (R-P)/(T-P) when R + P >= S + T, e <= (2R-S-T)/(R-S) otherwise
        bound = (r - p) / (t - p) if r + p >= s + t else (2 * r - s - t) / (r - s)
        assert (e <= bound) == (_best_deviation(t, r, p, s, e) <= r), (t, r, p, s, e)
        seen.add((r + p >= s + t, e <= bound))
    assert seen == {(True, True), (True, False), (False, True), (False, False)}


@pytest.fixture(scope="module")
def every_pd():
    return {c.id: c for c in load_claims(["proofs/every_pd.py"])}


@pytest.mark.parametrize("claim_id, verdict", [
    ("PD-C9-case-ST", "holds"), ("PD-C9-tight-mixed", "holds"),
    ("PD-C9-one-threshold", "fails"), ("PD-N1-never-above", "holds"),
    ("PD-N2-depth-pd-b", "holds")])
def test_every_pd_claims_decide_and_their_certificates_re_verify(every_pd, claim_id, verdict,
                                                                 certificate_schema):
    claim = every_pd[claim_id]
    result = claim.run(60)
    assert result.verdict == verdict
    # PD-C9-tight-mixed's Positivstellensatz search runs for minutes: agreement evidence
    seconds = 0 if claim_id == "PD-C9-tight-mixed" else None
    cert = claim_certificate(claim, result, farkas_seconds=20.0,
                             positivstellensatz_seconds=seconds)
    assert check(json.loads(json.dumps(cert))).ok
    import jsonschema
    jsonschema.validate(json.loads(json.dumps(cert)), certificate_schema)
    if verdict == "fails":  # a counterexample names every payoff's value
        assert set(dict(result.detail["counterexample"].params)) == {"P", "R", "S", "T", "e"}


def test_a_certificate_with_another_saddle_or_game_is_refused(every_pd):
    claim = every_pd["PD-N1-never-above"]
    cert = claim_certificate(claim, claim.run(60), farkas_seconds=20.0)
    assert cert["problem"]["game"]["saddle"] == [["D", "D"], ["D", "D"]]
    forged_payoff = copy.deepcopy(cert["problem"]["game"]["payoffs"])
    forged_payoff[0][1][1] = "T + 1000"
    # player 2 (DefectBot) never reads its saddle, which must hold on the region all the same
    for change in ({"saddle": [["C", "C"], ["C", "C"]]}, {"name": "pd(T,R,S,P)"},
                   {"saddle": None}, {"saddle": [["D", "D"], ["C", "C"]]},
                   {"name": "pd(T,R,P,S) ", "payoffs": forged_payoff}):
        forged = copy.deepcopy(cert)
        forged["problem"]["game"].update(change)
        if change.get("saddle", 0) is None:
            del forged["problem"]["game"]["saddle"]
        assert not check(forged).ok, change


def test_the_cli_writes_symbolic_payoffs_and_explains_at_the_payoffs_values(capsys):
    code = main(["solve", "nicerbot(eps=e)", "defectbot", "--game", "pd(T,R,P,S)",
                 "--assume", f"{PD}, 0 < e <= 1", "--latex"])
    out = capsys.readouterr().out
    assert code == 0
    assert r"\left(e, 1 - e\right)$ vs $\left(0, 1\right)$, payoffs $\left(- P e + P + S e, " \
        r"- P e + P + T e\right)$ for every parameter in the region" in out
    code = main(["explain", "--claim", "PD-C9-one-threshold", "--claims", "proofs/every_pd.py"])
    out = capsys.readouterr().out
    game_line = out.splitlines()[1]
    assert code == 0 and game_line.startswith("game: pd(T,R,P,S) at P = ")
    # the explained runs are NicerBot's at the counterexample's eps
    assert "player 1, nicerbot(eps=" in out and "nicerbot(eps=e)" not in out


def test_formula_search_over_a_payoff_symbol_matches_the_brute_force(capsys):
    code = main(["bound", "nicerbot(eps=1/2)", "any", "--game", "pd(T,3,1,0)", "--assume",
                 "9/2 < T < 5", "--objective", "u2", "--sense", "max", "--formula", "--json"])
    found = json.loads(capsys.readouterr().out)
    assert code == 0 and found["verdict"] == "holds"
    import sympy
    formula = sympy.sympify(found["formula"].replace("^", "**"))
    for t in (F(91, 20), F(19, 4), F(499, 100)):
        value = formula.subs("T", sympy.Rational(t.numerator, t.denominator))
        assert value == sympy.Rational(str(_best_deviation(t, 3, 1, 0, F(1, 2))))


def test_rov_game_lists_each_case_with_a_region_that_then_binds(tmp_path, capsys):
    path = tmp_path / "split.json"
    path.write_text(json.dumps({"name": "split", "actions": [["X", "Y"], ["C", "D"]],
                                "payoffs": [[["a", 1], [2, 1]], [[1, 1], [1, 1]]]}))
    assert main(["game", str(path), "--assume", "0 <= a <= 3", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["security"]
    # at a = 1 two maximin strategies exist: that point lies in no case
    assert report[0]["saddle"] is None and report[0]["covered"] is False
    assert [(c["saddle"], c["value"]) for c in report[0]["cases"]] == \
        [(["X", "C"], "a"), (["X", "D"], "2"), (["Y", "C"], "1")]
    # player 2's payoffs are numbers: the linear program, no saddle
    assert report[1]["saddle"] is None and report[1]["value"] == "1"
    for case, value in zip(report[0]["cases"], ("a", "2", "1")):
        pair = Pair(game_from_json(json.loads(path.read_text())),
                    (parse_agent("nelp(eps=1/10,delta=1/100)"), parse_agent("defectbot")),
                    region=parse_region(case["assume"]))
        assert str(pair.game.security_value(0)) == value
    # matching pennies with a symbol: no pure saddle point, so no case covers the region
    path.write_text(json.dumps({"name": "mp", "actions": [["H", "T"], ["H", "T"]],
                                "payoffs": [[["a", -1], [-1, 1]], [[-1, 1], [1, -1]]]}))
    assert main(["game", str(path), "--assume", "0 < a < 2"]) == 0
    assert "may lie in no case" in capsys.readouterr().out
    assert main(["game", str(path), "--assume", "0 < a < 2, e > 0"]) == 2
    assert "which the payoffs do not use" in capsys.readouterr().err


def test_a_bound_with_parameters_in_the_objective_is_never_a_false_bracket(capsys):
    # u2 grows without bound in T: no bracket may be claimed, only unknown
    code = main(["bound", "nicerbot(eps=1/2)", "defectbot", "--game", "pd(T,3,1,0)",
                 "--assume", "T >= 5", "--objective", "u2", "--sense", "max"])
    assert code == 3 and "no bound of the max is proven" in capsys.readouterr().err
    # on a bounded region the floor is found lower, and the exact optimum follows
    code = main(["bound", "nicerbot(eps=1/2)", "defectbot", "--game", "pd(T,3,1,0)",
                 "--assume", "5 <= T <= 6", "--objective", "u2", "--sense", "max", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["value"] == "7/2"


def test_the_best_response_agent_plays_a_symbolic_game(capsys):
    code = main(["solve", "best-response", "defectbot", "--game", "pd(T,R,P,S)", "--assume",
                 PD])
    out = capsys.readouterr().out
    assert code == 0 and "(C=0, D=1) vs (C=0, D=1)" in out
    # a constant profile's payoffs depend on the payoffs' values: shown at the point only
    assert "for every parameter in the region (e.g. (C=0, D=1) vs (C=0, D=1), payoffs" in out


def test_a_security_strategy_is_bound_only_where_it_is_the_only_one():
    # found by an attack: on 0 <= S <= 1, (D, D) and (C, D) are both maximin at S = 1, and
    # the concrete game's linear program picks D there while the first saddle was C
    nelp = parse_agent("nelp(eps=1/10,delta=1/1000,min=100)")
    with pytest.raises(AgentError, match="the cases are"):
        Pair(load_game("pd(5,3,1,S)"), (nelp, parse_agent("cooperatebot")),
             region=parse_region("0 <= S <= 1"))
    pair = Pair(load_game("pd(5,3,1,S)"), (nelp, parse_agent("cooperatebot")),
                region=parse_region("0 <= S < 1"))
    for s in (F(0), F(1, 2), F(99, 100)):
        concrete = load_game(f"pd(5,3,1,{s})")
        at = pair.game.at({"S": s})
        assert at.security_strategy(0) == concrete.security_strategy(0)
        assert at.security_value(0) == concrete.security_value(0)


def test_each_player_is_bound_on_its_own():
    # player 1 has the saddle point (H, H) with value a; player 2 none (matching pennies)
    g = game_from_json({"name": "half", "actions": [["H", "T"], ["H", "T"]],
                        "payoffs": [[["a", "-a"], [2, 1]], [[0, 1], [0, -1]]]})
    region = parse_region("0 < a < 2")
    nelp = parse_agent("nelp(eps=1/10,delta=1/100)")
    pair = Pair(g, (nelp, parse_agent("defectbot")), region=region)
    assert pair.game.saddle[1] is None and pair.game.security_value(0) == named("a")
    with pytest.raises(AgentError, match="player 2 in half depends on a"):
        Pair(g, (parse_agent("defectbot"), nelp), region=region)


def test_smtlib_asserts_the_region_which_implies_the_saddle_conditions(capsys):
    assert main(["smtlib", "nelp(eps=1/10,delta=1/100)", "defectbot", "--game", "pd(T,R,P,S)",
                 "--assume", PD]) == 0
    text = capsys.readouterr().out
    assert "; the parameters' region, asserted last: " + PD in text
    assert "P + -1*S > 0" in text.splitlines()[4]
    assert text.splitlines()[-3] == "(assert (> (+ (* 2.0 R) (* (- 1.0) S) (* (- 1.0) T)) 0.0))"


def test_solve_and_bound_run_once_per_case_when_the_region_splits(tmp_path, capsys):
    path = tmp_path / "split.json"
    path.write_text(json.dumps({"name": "split", "actions": [["X", "Y"], ["C", "D"]],
                                "payoffs": [[["a", 1], [2, 1]], [[1, 1], [1, 1]]]}))
    agents = ["nelp(eps=1/10,delta=1/100)", "defectbot"]
    code = main(["bound", *agents, "--game", str(path), "--assume", "0 <= a <= 3",
                 "--objective", "u1", "--sense", "min", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and "lie in no case" in data["boundaries"]
    assert [c["assume"] for c in data["cases"]] == [
        "0 <= a <= 3, -1*a >= -2, a > 1", "0 <= a <= 3, a >= 2", "0 <= a <= 3, -1*a > -1"]
    for case in data["cases"]:
        # each case is the command on that case's region, where the saddle is bound
        assert case["result"]["assumptions"] == case["assume"]
        assert main(["bound", *agents, "--game", str(path), "--assume", case["assume"],
                     "--objective", "u1", "--sense", "min", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["value"] == case["result"]["value"]
    assert main(["solve", *agents, "--game", str(path), "--assume", "0 <= a <= 3"]) == 0
    text = capsys.readouterr().out
    assert text.count("case ") == 3 and "case 3 of 3: --assume \"0 <= a <= 3, -1*a > -1\"" in text
    # a certificate is for one region: refused, with where to find the cases
    assert main(["solve", *agents, "--game", str(path), "--assume", "0 <= a <= 3",
                 "--certificate", str(tmp_path / "c.json")]) == 2
    assert "rov game GAME --assume REGION" in capsys.readouterr().err
    assert not (tmp_path / "c.json").exists()


def test_a_claim_over_a_split_region_fails_by_a_case_and_never_holds_by_cases(tmp_path):
    from verifier import Always, Claim
    path = tmp_path / "split.json"
    path.write_text(json.dumps({"name": "split", "actions": [["X", "Y"], ["C", "D"]],
                                "payoffs": [[["a", 1], [2, 1]], [["1", 1], [1, 1]]]}))
    agents = ("nelp(eps=1/10,delta=1/100)", "defectbot")
    # from the definitions: against DefectBot (D) player 1 gets 2 playing X and 1 playing
    # Y, so at most 2 in every case; a counterexample is checked on its own numbers
    low = Claim("L", "at least 3/2", "test", str(path), agents,
                Always(lambda v: v.u1 >= "3/2"), assume="0 < a < 3", expected="fails")
    result = low.run(60)
    assert result.verdict == "fails" and result.assumptions != "0 < a < 3"
    assert "fails" in [c["verdict"] for c in result.detail["cases"]]
    values = dict(result.detail["counterexample"].params)
    assert 0 < values["a"] < 3 and parse_region(result.assumptions).contains(values)
    assert result.detail["counterexample"].payoffs[0] < F(3, 2)
    cert = claim_certificate(low, result)
    assert check(json.loads(json.dumps(cert))).ok
    assert cert["claim"]["formal"].endswith(f"for all {result.assumptions}")  # the case's
    assert result.detail["reason"] == f"fails on the case {result.assumptions}, part of the " \
                                      "region"
    # another kind: a case without a fixed point does not refute "some fixed point" for
    # the region, nor does a case with one prove it: unknown
    from verifier import Exists
    some = Claim("S", "some at least 3/2", "test", str(path), agents,
                 Exists(lambda v: v.u1 >= "3/2"), assume="0 < a < 3")
    assert some.run(60).verdict == "unknown"
    never_above = Claim("N", "at most 2", "test", str(path), agents,
                        Always(lambda v: v.u1 <= 2), assume="0 < a < 3")
    result = never_above.run(60)
    assert [c["verdict"] for c in result.detail["cases"]] == ["holds"] * 3
    assert result.verdict == "unknown" and "are not decided" in result.detail["reason"]


def test_a_library_spec_that_cannot_play_the_game_is_no_custom_program(tmp_path, capsys):
    # found by an attack: with player 1's saddle stated as null, neLP's spec could not be
    # built, and the checker took a constant program (a mixed agent's) as "custom"
    # (the witness is left as the mixed agent's: the spec is refused before it is read)
    from verifier.checker.format import content_hash
    path = tmp_path / "m.json"
    assert main(["solve", "mixed(p=189/4096)", "defectbot", "--game", "pd(5,3,1,S)",
                 "--assume", "-1 < S < 1", "--certificate", str(path)]) == 0
    forged = json.loads(path.read_text())
    assert check(copy.deepcopy(forged)).ok
    forged["problem"]["agents"][0]["spec"] = "nelp(eps=1/10,delta=1/100)"
    forged["problem"]["game"]["saddle"] = [None, ["D", "D"]]
    forged["hash"] = content_hash(forged)
    report = check(forged)
    assert not report.ok and "cannot play" in report.problem


def test_a_split_covers_only_the_players_whose_value_is_read_each_case_once(tmp_path, capsys):
    # found by an attack: player 2 (DefectBot, which reads nothing) has no pure saddle
    # point, and its empty list of cases emptied the split; and two saddles of one action
    # with the same conditions gave the same case twice
    games = {"irr": [[["a", "-b"], ["a", "b"]], [["1", "b"], ["1", "-b"]]],
             "dup": [[["a", "0"], ["a", "1"]], [["1", "1"], ["1", "0"]]]}
    for name, region in (("irr", "0 <= a <= 3, 1 <= b <= 2"), ("dup", "0 <= a <= 3")):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"name": name, "actions": [["X", "Y"], ["C", "D"]],
                                    "payoffs": games[name]}))
        assert main(["solve", "nelp(eps=1/10,delta=1/100)", "defectbot", "--game", str(path),
                     "--assume", region, "--json"]) == 0
        cases = [c["assume"] for c in json.loads(capsys.readouterr().out)["cases"]]
        assert cases == [f"{region}, a > 1", f"{region}, -1*a > -1"]


def test_n2_holds_where_s_plus_t_is_at_least_2p_and_fails_in_some_dilemma_below(every_pd):
    assert every_pd["PD-N2-where"].run(60).verdict == "holds"
    result = every_pd["PD-N2-below"].run(60)
    assert result.verdict == "fails"
    # the counterexample is a dilemma below the line, and both payoffs are below P there
    point = result.detail["counterexample"]
    values = dict(point.params)
    assert values["S"] + values["T"] < 2 * values["P"]
    assert all(u < values["P"] for u in point.payoffs)
