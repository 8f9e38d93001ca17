"""The issue's must-show fixed points, decided exactly and re-checked."""

from fractions import Fraction as F

import pytest

from verifier import Pair, builtin_game, verify_fixed_point
from verifier.decision.fixed_points import FixedPointProblem
from verifier.encoding.smt import Z3Queries
from verifier.model.params import parse_region
from verifier.model.poly import Truth, var
from conftest import agents

C, D, HALF = (F(1), F(0)), (F(0), F(1)), (F(1, 2), F(1, 2))


def all_points(game, *specs, **kw):
    result = Pair(builtin_game(game), agents(*specs), **kw).solve(find_all=True)
    return result, [p.profile for p in result.fixed_points]


@pytest.mark.parametrize("game", ["pd-a", "pd-b"])
def test_nicerbot_meets_itself_in_mutual_cooperation(game):
    result, points = all_points(game, "nicerbot(eps=1/10)", "nicerbot(eps=1/10)")
    assert points == [(C, C)] and result.complete and result.continuum is False


def test_nicerbot_cooperates_with_eps_against_defectbot():
    result, points = all_points("pd-a", "nicerbot(eps=1/10)", "defectbot")
    assert points == [((F(1, 10), F(9, 10)), D)] and result.complete


def test_best_responders_play_the_nash_equilibria():
    assert all_points("matching-pennies", "best-response", "best-response")[1] == [(HALF, HALF)]
    assert all_points("pd-a", "best-response", "best-response")[1] == [(D, D)]
    eqs = set(all_points("battle-of-the-sexes", "best-response", "best-response")[1])
    assert eqs == {(C, C), (D, D), ((F(3, 5), F(2, 5)), (F(2, 5), F(3, 5)))}


def test_liar_needs_randomisation_at_ties():
    result, points = all_points("pd-a", "liar", "liar")
    assert points == [(HALF, HALF)] and result.complete
    result, points = all_points("pd-a", "liar", "liar", tie_randomization=False)
    assert points == [] and result.complete


@pytest.mark.parametrize("game", ["pd-a", "pd-b"])
def test_nelp_pair_has_no_fixed_point_with_both_payoffs_below_one(game):
    pair = Pair(builtin_game(game), agents("nelp(1/10,1/1000)", "nelp(1/10,1/1000)"))
    u1, u2 = pair.game.payoff_polys
    assert pair.counterexample((u1 >= 1) | (u2 >= 1)) is None
    # the claim is not empty: fixed points exist, and one below 1 for a single player does
    assert pair.example(Truth(True)) is not None
    assert pair.example(u1 < 1) is not None


def test_the_tight_minimum_of_nelp_against_nelp_is_exact_and_attained(pd_a):
    pair = Pair(pd_a, agents("nelp(1/10,1/1000)", "nelp(1/10,1/1000)"))
    u1 = pd_a.payoff_polys[0]
    optimum = pair.optimize(u1, "min")
    assert optimum.attained is True
    assert 0.9931 < float(optimum.value) < 0.9932
    # independent re-check: the point is a fixed point whose payoff is the value
    verify_fixed_point(pair.programs, optimum.point.witness)
    assert optimum.point.payoffs[0] - optimum.value == 0 or \
        float(abs(optimum.point.payoffs[0] - optimum.value)) < 1e-30
    # and nothing lies below: an exact rational just under the value is refuted
    below = F(99318, 100000)
    assert pair.example(u1 < below) is None


def test_nelp_cooperation_against_defectbot_is_of_order_delta(pd_a):
    pair = Pair(pd_a, agents("nelp(1/10,1/1000)", "defectbot"))
    a, u1 = var("s", 0, 0), pd_a.payoff_polys[0]
    top = pair.optimize(a, "max")
    assert top.value == F(30009, 4006000) and top.attained
    low = pair.optimize(a, "min")
    assert low.value == F(9001, 2002000) and low.attained is False
    # the same infimum reached through another objective: u1 = 1 - a when b = 0
    high_payoff = pair.optimize(u1, "max")
    assert high_payoff.value == 1 - low.value and high_payoff.attained is False



def test_a_quantified_query_is_decided_apart_and_a_child_that_never_answers_is_unknown():
    # the infimum's gap query goes to Z3 in a child process, killed past its limits: Z3 in
    # the search's own process once ran past 15 minutes there despite its resource limit
    import z3
    from verifier.encoding.child import decide_in_child
    from verifier.encoding.smt import SolverUnknown
    x, y = z3.Reals("x y")
    queries = Z3Queries(rlimit=10 ** 7)
    assert queries.satisfiable_apart([z3.ForAll([x], z3.Implies(x > y, x * x > y * y))])
    assert not queries.satisfiable_apart([y >= 0, z3.ForAll([x], x * x > y)])
    assert decide_in_child("import time\ntime.sleep(600)", "", 0.001) == "unknown"
    with pytest.raises(SolverUnknown, match="child process"):
        Z3Queries(rlimit=1).satisfiable_apart([z3.ForAll([x], x * x * x + y * x + 1 != 0)])

def test_lp_against_defectbot_does_not_cooperate_within_delta(pd_a):
    pair = Pair(pd_a, agents("lp(1/10,1/1000)", "defectbot"))
    a = var("s", 0, 0)
    bad = pair.counterexample(a >= F(998, 1000))
    assert bad is not None and bad.profile[0][0] < F(998, 1000)
    verify_fixed_point(pair.programs, bad.witness)


def test_continua_are_recognised(pd_a):
    result, _ = all_points("pd-a", "lp(1/10,1/1000)", "cooperatebot")
    assert result.continuum is True and not result.complete


def test_check_point_explains_failures(pd_a):
    pair = Pair(pd_a, agents("nicerbot(1/10)", "nicerbot(1/10)"))
    check = pair.check_profile((HALF, HALF))
    assert check.fixed_point is None and check.failing == (0, 1)
    assert check.producible[0][0] == (F(11, 20), F(11, 20), True, True)
    assert pair.check_profile((C, C)).fixed_point is not None


def test_best_response_profiles_are_checked_as_the_solver_checks_them(monkeypatch):
    """The Nash path of check_profile (best replies from the payoffs) gives the verdict,
    failing seats and producible ranges of the general path (a solver on the compiled
    system), on profiles that are equilibria and profiles that are not."""
    import verifier.decision.profile_check as profile_check
    from verifier.model.games import Game
    three = Game("g3", (("a", "b", "c"), ("x", "y", "z")),
                 ((( F(3), F(0), F(1)), (F(1), F(2), F(0)), (F(0), F(1), F(2))),
                  ((F(1), F(2), F(0)), (F(0), F(1), F(3)), (F(2), F(0), F(1)))))
    games = {"matching-pennies": builtin_game("matching-pennies"), "g3": three}
    profiles = {"matching-pennies": [(HALF, HALF), (C, HALF), ((F(1, 3), F(2, 3)), HALF)],
                "g3": [((F(1), F(0), F(0)), (F(1), F(0), F(0))),
                       ((F(1, 2), F(1, 2), F(0)), (F(0), F(1), F(0)))]}
    for name, game in games.items():
        pair = Pair(game, agents("best-response", "best-response"))
        for profile in profiles[name]:
            nash = pair.check_profile(profile)
            with monkeypatch.context() as m:
                m.setattr(profile_check, "is_best_response_pair", lambda problem: False)
                general = Pair(game, agents("best-response", "best-response")).check_profile(
                    profile)
            assert (nash.fixed_point is None) == (general.fixed_point is None), profile
            assert nash.failing == general.failing and nash.producible == general.producible


def test_a_query_asked_twice_is_one_query_the_coin_flip(pd_a):
    """The coin-flip agent (C iff yes on heads, C iff no on tails, one query) against a
    1/2-cooperator: exactly one fixed point, complete; the claim that every fixed point has
    P1(C) = 1/2 holds and its certificate re-verifies."""
    import json

    from verifier.evidence.certificates import check
    from verifier.claims.claims import claim_certificate, load_claims
    claims = {c.id: c for c in load_claims(["proofs/oracle.py"])}
    pair = claims["C1-one-q"].pair()
    result = pair.solve(find_all=True)
    assert [p.profile for p in result.fixed_points] == [((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))]
    assert result.complete and not result.continuum
    for name in ("C1-one-q", "C1-one-q-unique"):
        outcome = claims[name].run()
        assert outcome.verdict == "holds"
        cert = claim_certificate(claims[name], outcome, farkas_seconds=10)
        assert check(json.loads(json.dumps(cert))).ok


def test_building_the_problem_runs_no_solver_query(pd_a, monkeypatch):
    """The fixed-point problem asks the solver nothing until a question is asked, even over
    a parameter region; a Pair checks its region at once (queries only with parameters)."""
    asked = []
    real = Z3Queries.model
    monkeypatch.setattr(Z3Queries, "model", lambda self, *a, **k: asked.append(a) or
                        real(self, *a, **k))
    nicer = agents("nicerbot(eps=e)", "nicerbot(eps=e)")
    problem = FixedPointProblem(pd_a, nicer, region=parse_region("0 < e <= 1"))
    Pair(pd_a, agents("nicerbot(1/10)", "defectbot"))
    assert asked == []
    # on first use: the region is satisfiable, and implies each agent's e >= 0 and e <= 1
    assert problem.region.text == "0 < e <= 1" and len(asked) == 5
    Pair(pd_a, nicer, region=parse_region("0 < e <= 1"))
    assert len(asked) == 10


def test_exclude_removes_exactly_the_point_found(pd_a):
    pair = Pair(pd_a, agents("nicerbot(1/10)", "defectbot"))
    point = pair.find()
    assert point.profile == ((F(1, 10), F(9, 10)), D)
    assert pair.find([pair.exclude(point, 0)]) is None


def test_a_snap_that_finds_a_better_point_snaps_again_from_there(monkeypatch):
    """The minimiser's descent (verifier.decision.extremum): when a solution lies below the
    snapped point, the snap runs again from that solution; the certified minimum is the
    same exact number (here sqrt 2, attained)."""
    import sympy
    import z3
    from verifier.decision import extremum
    from verifier.model.numbers import compare
    x = z3.Real("x")
    constraints = [x * x >= 2, x >= 0, x <= 3]
    queries = Z3Queries()
    far = queries.model(constraints + [x == 3])
    calls = []
    snap = extremum._snap

    def once_far(*args, descend):
        calls.append(descend)
        return (None, far) if len(calls) == 1 else snap(*args, descend=descend)
    monkeypatch.setattr(extremum, "_snap", once_far)
    found = extremum.minimize(queries, constraints, constraints, [x], x, F(-1))
    assert calls[:2] == [True, True] and len(calls) >= 2
    assert found.attained and compare(found.value, sympy.sqrt(2)) == 0
