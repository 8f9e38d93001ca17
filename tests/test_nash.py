"""The exact Nash enumeration behind best-response pairs, its basis certificates, and
their forgeries."""

import copy
import json
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifier import Pair, builtin_game, parse_agent
from verifier.checker.check import check
from verifier.checker.format import content_hash
from verifier.apps.cli import main
from verifier.model.games import Game
from verifier.decision.nash import BasisError, check_bases, equilibria, shifted

BR = parse_agent("best-response")


def _game(a, b) -> Game:
    n, m = len(a), len(a[0])
    return Game("g", (tuple(f"r{i}" for i in range(n)), tuple(f"c{j}" for j in range(m))),
                tuple(tuple(tuple(F(v) for v in row) for row in t) for t in (a, b)))


def _is_nash(a, b, x, y) -> bool:
    """Directly: every action in a support is a best reply (exact)."""
    rows = [sum(F(v) * q for v, q in zip(row, y)) for row in a]
    cols = [sum(F(b[i][j]) * x[i] for i in range(len(x))) for j in range(len(y))]
    return all(p == 0 or r == max(rows) for p, r in zip(x, rows)) and \
        all(q == 0 or c == max(cols) for q, c in zip(y, cols))


matrices = st.integers(2, 4).flatmap(lambda n: st.integers(2, 4).flatmap(
    lambda m: st.tuples(*(st.lists(st.lists(st.integers(-3, 3), min_size=m, max_size=m),
                                   min_size=n, max_size=n) for _ in (0, 1)))))


@settings(max_examples=60, deadline=None)
@given(matrices)
def test_every_listed_profile_is_an_equilibrium_and_the_bases_check(ab):
    a, b = ab
    found = equilibria(a, b)
    assert found.profiles, "every finite game has an equilibrium"
    for x, y in found.profiles:
        assert sum(x) == 1 and sum(y) == 1 and min(x) >= 0 and min(y) >= 0
        assert _is_nash(a, b, x, y)
    b_t = [list(col) for col in zip(*shifted(b))]
    assert check_bases(b_t, found.bases[0]) and check_bases(shifted(a), found.bases[1])
    for xs, ys in found.cliques:  # every pair of a clique is a listed equilibrium
        for i in xs:
            for j in ys:
                assert (found.strategies[0][i], found.strategies[1][j]) in found.profiles


def test_pure_strategy_payoffs_of_a_degenerate_game_give_three_components():
    # player 2 is indifferent; player 1 prefers T against L and B against R
    found = equilibria([[1, 1], [0, 2]], [[1, 1], [0, 0]])
    half = (F(1, 2), F(1, 2))
    assert found.continuum
    assert set(found.profiles) == {((0, 1), (0, 1)), ((0, 1), half), ((1, 0), half),
                                   ((1, 0), (1, 0))}
    xs, ys = found.strategies
    hulls = {(tuple(xs[i] for i in a), tuple(ys[j] for j in b)) for a, b in found.cliques}
    assert hulls == {(((0, 1),), ((0, 1), half)), (((0, 1), (1, 0)), (half,)),
                     (((1, 0),), (half, (1, 0)))}


def test_dropping_any_basis_is_caught():
    a, b = [[3, 0, 2], [1, 2, 0], [0, 1, 3]], [[1, 2, 0], [3, 0, 1], [0, 2, 2]]
    found = equilibria(a, b)
    b_t = [list(col) for col in zip(*shifted(b))]
    assert len(found.bases[0]) > 2
    for k in range(len(found.bases[0])):
        forged = found.bases[0][:k] + found.bases[0][k + 1:]
        with pytest.raises(BasisError):
            check_bases(b_t, forged)


@pytest.mark.parametrize("basis, message", [((0, 0, 1), "not a basis"),
                                            ((0, 1, 9), "not a basis")])
def test_malformed_bases_are_refused(basis, message):
    b_t = [list(col) for col in zip(*shifted([[1, 2, 0], [3, 0, 1], [0, 2, 2]]))]
    found = equilibria([[3, 0, 2], [1, 2, 0], [0, 1, 3]], [[1, 2, 0], [3, 0, 1], [0, 2, 2]])
    with pytest.raises(BasisError, match=message):
        check_bases(b_t, found.bases[0] + [basis])


def test_an_infeasible_basis_is_refused():
    b_t = [list(col) for col in zip(*shifted([[1, 2], [3, 0]]))]
    bases = equilibria([[1, 0], [0, 1]], [[1, 2], [3, 0]]).bases[0]
    every = {(i, j) for i in range(4) for j in range(i + 1, 4)}
    extra = next(iter(every - set(bases)), None)
    if extra is not None:  # a non-listed pair of columns: singular or infeasible
        with pytest.raises(BasisError, match="singular|not feasible|not listed"):
            check_bases(b_t, bases + [extra])


@pytest.fixture(scope="module")
def degenerate_certificate():
    game = _game([[1, 1], [0, 2]], [[1, 1], [0, 0]])
    pair = Pair(game, (BR, BR))
    return pair.certificate(pair.solve(find_all=True))


def _rehashed(cert):
    cert["hash"] = content_hash(cert)
    return cert


def test_the_enumeration_certificate_re_verifies(degenerate_certificate):
    report = check(degenerate_certificate)
    assert report.ok, report.problem
    assert degenerate_certificate["kind"] == "enumeration"


@pytest.mark.parametrize("forgery", ["drop basis", "drop fixed point", "flip continuum",
                                     "merge cliques", "other payoffs", "custom agent"])
def test_forged_enumeration_certificates_fail(degenerate_certificate, forgery):
    cert = copy.deepcopy(degenerate_certificate)
    result = cert["result"]
    if forgery == "drop basis":
        result["nash"]["bases"][1].pop(0)
    elif forgery == "drop fixed point":
        result["witnesses"].pop()
        cert["evidence"].pop(len(result["witnesses"]))
    elif forgery == "flip continuum":
        result["continuum"] = False
    elif forgery == "merge cliques":
        result["nash"]["cliques"] = result["nash"]["cliques"][:1]
    elif forgery == "other payoffs":
        cert["problem"]["game"]["payoffs"][1][1] = ["0", "5"]
    elif forgery == "custom agent":
        cert["problem"]["agents"][0]["spec"] = "mine"
        cert["problem"]["agents"][0]["program"] = json.loads(json.dumps(
            cert["problem"]["agents"][0]["program"]).replace('"1"', '"1/2"', 1))
    assert not check(_rehashed(cert)).ok


def test_cli_shows_components_and_the_method_switch(tmp_path, capsys):
    path = tmp_path / "deg.json"
    path.write_text(json.dumps({"name": "deg", "actions": [["T", "B"], ["L", "R"]],
                                "payoffs": [[[1, 1], [1, 1]], [[0, 0], [2, 0]]]}))
    assert main(["solve", "best-response", "best-response", "--game", str(path), "--all",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] and out["continuum"] and len(out["components"]) == 3
    assert {"player1", "player2"} == set(out["components"][0])
    assert main(["solve", "lp(1/10,1/100)", "defectbot", "--game", "pd-a",
                 "--method", "enumeration"]) == 2
    assert "best-response" in capsys.readouterr().err


def test_one_fixed_point_is_not_claimed_complete():
    result = Pair(builtin_game("stag-hunt"), (BR, BR)).solve()
    assert len(result.fixed_points) == 1 and not result.complete and result.continuum is None


def test_an_algebraic_equilibrium_is_re_checked_by_value_not_by_form():
    """A tie at an irrational profile is found by the value of the query's polynomial:
    x0 - x1 = (1 + sqrt 2)^2/20 - (3 + 2 sqrt 2)/20 is 0 in a form that is not 0."""
    import sympy
    game = Game("g", (("a0", "a1", "a2"), ("b0", "b1")),
                (tuple(tuple(F(1) for _ in range(2)) for _ in range(3)),
                 ((F(0), F(1)), (F(1), F(0)), (F(0), F(0)))))
    a, b = (1 + sympy.sqrt(2)) ** 2 / 20, (3 + 2 * sympy.sqrt(2)) / 20
    br = parse_agent("best-response")
    point = Pair(game, (br, br)).nash_point(((a, b, 1 - a - b), (F(1, 2), F(1, 2))))
    assert point.profile[0] == (a, b, 1 - a - b)
    assert len(point.witness.answers) == 3  # player 2's two actions tie, both ways
