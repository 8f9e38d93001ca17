"""Gambit files through pygambit: exact reading and writing, clear errors, and a first
agreement check of best-response fixed points with Gambit's equilibria."""

from fractions import Fraction as F

import pygambit as gbt
import pytest

from verifier import Pair, builtin_game, parse_agent
from verifier.games import BUILTIN_GAMES, GameError, load_game
from verifier.gambit import from_pygambit, nfg_text

TWO_PLAYER = list(gbt.catalog.games(n_players=2, is_perfect_recall=True)["Game"])


@pytest.mark.parametrize("name", BUILTIN_GAMES)
def test_builtin_games_survive_a_round_trip(name, tmp_path):
    game = builtin_game(name)
    path = tmp_path / f"{name}.nfg"
    path.write_text(nfg_text(game))
    assert load_game(str(path)) == game


def test_decimals_in_files_are_exact(tmp_path):
    path = tmp_path / "pd.nfg"
    path.write_text('NFG 1 R "pd" { "Row" "Col" }\n{ { "C" "D" } { "C" "D" } }\n'
                    '3 3 5 0 0 5 1.1 1.1\n')
    game = load_game(str(path))
    assert game.actions == (("C", "D"), ("C", "D"))
    assert game.payoffs[0][1][1] == F(11, 10) and game.payoffs[1][1][0] == 0


@pytest.mark.parametrize("text, message", [
    ('NFG 1 R "x" { "1" "2" "3" } { 2 2 2 }\n' + " ".join(map(str, range(24))) + "\n",
     "3 players"),
    ("garbage\n", "not a readable Gambit game"),
    ('NFG 1 R "x" { "1" "2" } { 2 2 }\n1 2 3\n', "not a readable Gambit game"),
])
def test_bad_gambit_files_give_one_line_errors(text, message, tmp_path):
    path = tmp_path / "bad.nfg"
    path.write_text(text)
    with pytest.raises(GameError, match=message):
        load_game(str(path))


def test_every_two_player_catalogue_game_reads_exactly():
    assert len(TWO_PLAYER) >= 25
    for slug in TWO_PLAYER:
        g = gbt.catalog.load(slug)
        game = from_pygambit(g, slug)
        sizes = tuple(len(list(p.strategies)) for p in g.players)
        assert tuple(len(a) for a in game.actions) == sizes, slug


def _gambit_equilibria(game) -> set:
    import numpy as np
    g = gbt.Game.from_arrays(*(np.array(game.payoffs[i], dtype=object) for i in (0, 1)))
    found = gbt.nash.enummixed_solve(g, rational=True).equilibria
    return {tuple(tuple(F(eq[p][s]) for s in p.strategies) for p in g.players) for eq in found}


@pytest.mark.parametrize("slug", ["journals/ijgt/nau2004/sec3",
                                  "books/shohamleytonbrown2008/fig5_11",
                                  "books/shohamleytonbrown2008/fig5_10",
                                  "books/shohamleytonbrown2008/fig5_15",
                                  "books/myerson1991/fig4_2"])
def test_best_responders_play_gambits_equilibria(slug):
    game = from_pygambit(gbt.catalog.load(slug), slug)
    br = parse_agent("best-response")
    result = Pair(game, (br, br)).solve(find_all=True)
    assert result.complete
    assert {p.profile for p in result.fixed_points} == _gambit_equilibria(game)


def _random_game(rng, n, m):
    from verifier.games import Game
    payoffs = tuple(tuple(tuple(F(rng.randint(-4, 4)) for _ in range(m)) for _ in range(n))
                    for _ in (0, 1))
    return Game("random", (tuple(f"a{k}" for k in range(n)), tuple(f"b{k}" for k in range(m))),
                payoffs)


def test_random_2x2_games_agree_with_enummixed():
    import random
    rng = random.Random(20261128)
    br = parse_agent("best-response")
    compared = degenerate = 0
    for _ in range(60):
        game = _random_game(rng, 2, 2)
        pair = Pair(game, (br, br))
        gambit = _gambit_equilibria(game)
        for profile in gambit:  # every Gambit equilibrium is a fixed point of ours
            assert pair.check_profile(profile).fixed_point is not None
        result = pair.solve(find_all=True)
        if result.continuum:
            degenerate += 1
            continue  # components: only their extreme points are compared (above)
        assert result.complete
        assert {p.profile for p in result.fixed_points} == gambit
        compared += 1
    assert compared >= 30 and degenerate >= 1  # both kinds occur with this seed
