import json
from fractions import Fraction as F

import pytest

from verifier.model.games import BUILTIN_GAMES, Game, GameError, builtin_game, load_game


def test_prisoners_dilemmas_have_the_post_payoffs(pd_a, pd_b):
    for game, (r, s, t, p) in ((pd_a, (3, 0, 5, 1)), (pd_b, (2, 0, 3, 1))):
        u0, u1 = game.payoffs
        assert (u0[0][0], u0[0][1], u0[1][0], u0[1][1]) == (r, s, t, p)
        assert (u1[0][0], u1[1][0], u1[0][1], u1[1][1]) == (r, s, t, p)


@pytest.mark.parametrize("name, value, strategy", [
    ("pd-a", F(1), (F(0), F(1))), ("pd-b", F(1), (F(0), F(1))),
    ("matching-pennies", F(0), (F(1, 2), F(1, 2))),
    ("battle-of-the-sexes", F(6, 5), (F(2, 5), F(3, 5))),
])
def test_security_values_and_strategies_are_exact(name, value, strategy):
    game = builtin_game(name)
    assert game.security_value(0) == value
    assert game.security_strategy(0) == strategy
    # the strategy guarantees the value against every pure reply
    for b in range(2):
        reply = tuple(F(int(k == b)) for k in range(2))
        assert game.expected_payoff(0, strategy, reply) >= value


def test_every_builtin_game_loads():
    for name in BUILTIN_GAMES:
        game = builtin_game(name)
        assert game.num_actions(0) == game.num_actions(1) == 2


def test_mutual_cooperation_is_the_pareto_direction_at_mutual_defection(pd_a):
    d = (F(0), F(1))
    assert pd_a.pareto_directions(0, d, d) == [(0, 0)]
    c = (F(1), F(0))
    assert pd_a.pareto_directions(0, c, c) == []


def test_game_files_round_trip(tmp_path, pd_a):
    path = tmp_path / "g.json"
    path.write_text(json.dumps(pd_a.to_json()))
    assert load_game(str(path)).payoffs == pd_a.payoffs


@pytest.mark.parametrize("content, message", [
    ("not json", "not a JSON game file"),
    ('{"actions": [["A"], ["B"]], "payoffs": [[[1, 2]]], "extra": 1}', "unknown fields"),
    ('{"actions": [["A"]], "payoffs": []}', "two non-empty lists"),
    ('{"actions": [["A", "B"], ["C"]], "payoffs": [[[1, 2]]]}', "table"),
    ('{"actions": [["A"], ["B"]], "payoffs": [[[0.1, 2]]]}', "not exactly 1/10"),
    ('{"actions": [["A"], ["B"]], "payoffs": [[["#", 2]]]}', "not a number"),
    # letters are symbols (docs/parameters.md, "Symbolic payoffs"), but only letters
    ('{"actions": [["A"], ["B"]], "payoffs": [[["x1", 2]]]}', "not a parameter name"),
])
def test_bad_game_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(GameError, match=message):
        load_game(str(path))


def test_unknown_game_is_named():
    with pytest.raises(GameError, match="unknown game 'nope'"):
        load_game("nope")


def test_security_values_are_optimal_by_duality():
    """The row player's guarantee equals the column player's hold-down (minimax)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from verifier.model.games import maximin

    @settings(max_examples=200, deadline=None)
    @given(st.integers(1, 4).flatmap(lambda n: st.integers(1, 4).flatmap(
        lambda m: st.lists(st.lists(st.fractions(-5, 5, max_denominator=3), min_size=m,
                                    max_size=m), min_size=n, max_size=n))))
    def check(matrix):
        n, m = len(matrix), len(matrix[0])
        value, x = maximin(matrix)
        assert sum(x) == 1 and min(x) >= 0
        assert min(sum(x[a] * matrix[a][b] for a in range(n)) for b in range(m)) == value
        column_value, _ = maximin([[-matrix[a][b] for a in range(n)] for b in range(m)])
        assert -column_value == value

    check()


def test_security_value_of_a_game_that_once_crashed():
    game = Game.from_table("g", (("C", "D"), ("C", "D")),
                           [[(-1, 0), (-2, 0)], [(1, 0), (-2, 0)]])
    assert game.security_value(0) == -2
