"""Gambit files through pygambit: exact reading and writing, clear errors, and a first
agreement check of best-response fixed points with Gambit's equilibria."""

from fractions import Fraction as F

import pygambit as gbt
import pytest

from verifier import Pair, builtin_game, parse_agent
from verifier.model.games import BUILTIN_GAMES, GameError, load_game
from verifier.model.gambit import from_pygambit, nfg_text

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
        sizes = tuple(len(g.get_strategies(p)) for p in g.players)
        assert tuple(len(a) for a in game.actions) == sizes, slug


def _gambit_equilibria(game) -> set:
    import numpy as np
    g = gbt.StrategicGame.from_arrays(*(np.array(game.payoffs[i], dtype=object) for i in (0, 1)))
    found = gbt.nash.enummixed_solve(g, rational=True).equilibria
    return {tuple(tuple(F(eq[p][s]) for s in g.get_strategies(p)) for p in g.players)
            for eq in found}


ALL_TWO_PLAYER = list(gbt.catalog.games(n_players=2)["Game"])


@pytest.mark.parametrize("slug", ALL_TWO_PLAYER)
def test_best_responders_play_gambits_equilibria_on_every_catalogue_game(slug):
    """Every two-player catalogue game, in strategic form: the extreme equilibria are
    Gambit's exactly. Gambit refuses imperfect-recall trees, so those are compared on
    the strategic form."""
    g = gbt.catalog.load(slug)
    game = from_pygambit(g, slug)
    try:
        found = gbt.nash.enummixed_solve(g, rational=True).equilibria
        gambit = {tuple(tuple(F(eq[p][s]) for s in g.get_strategies(p)) for p in g.players)
                  for eq in found}
    except RuntimeError:  # imperfect recall
        gambit = _gambit_equilibria(game)
    br = parse_agent("best-response")
    result = Pair(game, (br, br)).solve(find_all=True)
    assert result.complete
    assert {p.profile for p in result.fixed_points} == gambit
    assert len(result.fixed_points) == len(gambit)


def _random_game(rng, n, m, low=-4, high=4):
    from verifier.model.games import Game
    payoffs = tuple(tuple(tuple(F(rng.randint(low, high)) for _ in range(m)) for _ in range(n))
                    for _ in (0, 1))
    return Game("random", (tuple(f"a{k}" for k in range(n)), tuple(f"b{k}" for k in range(m))),
                payoffs)


def test_random_games_up_to_5x5_agree_with_enummixed():
    """240 seeded games, 2x2 to 5x5 (square and not), wide payoffs (mostly generic) and
    payoffs in {0, 1, 2} (mostly degenerate): the extreme equilibria equal Gambit's, and
    in a continuum every edge midpoint of a component is a fixed point too."""
    import random
    rng = random.Random(20261128)
    br = parse_agent("best-response")
    sizes = [(n, m) for n in range(2, 6) for m in range(2, 6)]
    counts = {"games": 0, "continuum": 0, "finite": 0}
    for k in range(240):
        n, m = sizes[k % len(sizes)]
        low, high = (-9, 9) if k % 2 else (0, 2)
        game = _random_game(rng, n, m, low, high)
        pair = Pair(game, (br, br))
        result = pair.solve(find_all=True)
        assert result.complete
        assert {p.profile for p in result.fixed_points} == _gambit_equilibria(game), game
        counts["games"] += 1
        counts["continuum" if result.continuum else "finite"] += 1
        for xs, ys in result.components:
            for x0, x1 in zip(xs, xs[1:]):
                mid = tuple((a + b) / 2 for a, b in zip(x0, x1))
                assert pair.nash_point((mid, ys[0])).profile == (mid, ys[0])
            for y0, y1 in zip(ys, ys[1:]):
                mid = tuple((a + b) / 2 for a, b in zip(y0, y1))
                assert pair.nash_point((xs[0], mid)).profile == (xs[0], mid)
    assert counts["continuum"] >= 60 and counts["finite"] >= 60, counts


def test_the_smt_search_agrees_with_the_enumeration():
    """The compiled agents, searched by Z3, have the same fixed points as the
    enumeration on small games: the agent semantics, not only the Nash solver."""
    import random
    rng = random.Random(6)
    br = parse_agent("best-response")
    compared = continua = 0
    for k in range(40):
        game = _random_game(rng, 3 if k % 8 == 0 else 2, 2)
        pair = Pair(game, (br, br))
        enumerated = pair.solve(find_all=True)
        searched = pair.solve(find_all=True, method="smt")
        if enumerated.continuum:
            assert searched.continuum or not searched.complete
            for point in searched.fixed_points:  # each lies in some component
                assert any(_in_hull(point.profile[0], xs) and _in_hull(point.profile[1], ys)
                           for xs, ys in enumerated.components)
            continua += 1
            continue
        assert searched.complete
        assert {p.profile for p in searched.fixed_points} == \
            {p.profile for p in enumerated.fixed_points}
        compared += 1
    assert compared >= 20 and continua >= 1


def _in_hull(point, vertices) -> bool:
    """Exactly: is the point a convex combination of the vertices? (Caratheodory: some
    affinely independent few of them carry it; solved with sympy's exact rationals.)"""
    from itertools import combinations

    import sympy
    for size in range(1, len(point) + 1):
        for chosen in combinations(vertices, size):
            rows = [list(coords) for coords in zip(*chosen)] + [[1] * size]
            matrix = sympy.Matrix(rows)
            target = sympy.Matrix([sympy.Rational(str(p)) for p in point] + [1])
            try:
                weights, free = matrix.gauss_jordan_solve(target)
            except ValueError:  # inconsistent
                continue
            if free.shape[0] == 0 and all(w >= 0 for w in weights):
                return True
    return False


@pytest.mark.parametrize("spec", ["lp(1/10,1/100)", "nelp(1/10,1/100)", "best-response", "any",
                                  "region(1/10,1/100,polygon=(1,1),(5,0),(3,3))"])
def test_agents_build_for_n_by_m_games_and_run_in_the_interpreter(spec):
    """LP-like agents look at every pure direction (o1, o2), so they play any n x m game;
    their programs run in the exact interpreter on a 3x2 game."""
    from verifier.semantics.interpreter import InadmissibleObservation, Observation, output
    game = _random_game(__import__("random").Random(3), 3, 2)
    third, half = (F(1, 3),) * 3, (F(1, 2),) * 2
    for seat, (own, opp) in enumerate(((third, half), (half, third))):
        prog = parse_agent(spec).program(game, seat)
        assert (prog.n_self, prog.n_opp) == (len(own), len(opp))
        seen = Observation(estimate=(own, opp) if prog.uses_estimates else None)
        try:
            out = output(prog, own, opp, seen)
        except InadmissibleObservation as err:  # a tie or a choice needs an answer
            assert "needed" in str(err), err
            continue
        assert sum(out) == 1 and min(out) >= 0


def test_cooperate_defect_agents_explain_what_they_need():
    from verifier.model.agents import AgentError
    game = _random_game(__import__("random").Random(3), 3, 3)
    with pytest.raises(AgentError, match="actions named C and D"):
        parse_agent("nicerbot(1/10)").program(game, 0)
