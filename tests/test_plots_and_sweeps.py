"""rov plot and rov sweep: exact points behind the pictures, grids, errors, outputs."""

import json
from fractions import Fraction as F

import pytest

from verifier import Pair, builtin_game, parse_agent
from verifier.apps.cli import main
from verifier.apps.plotting import _hull, _pareto, fixed_point_sample, plot, split_pair
from verifier.apps.sweep import grid_points, run_sweep


def test_the_kite_hull_and_its_pareto_frontier_are_exact():
    pd = builtin_game("pd-a")
    outcomes = [(pd.payoffs[0][a][b], pd.payoffs[1][a][b]) for a in (0, 1) for b in (0, 1)]
    hull = _hull(outcomes)
    assert set(hull) == {(3, 3), (0, 5), (5, 0), (1, 1)}
    assert _pareto(hull) == [(0, 5), (3, 3), (5, 0)]


def test_a_continuum_is_sampled_with_exact_fixed_points():
    nelp = parse_agent("nelp(eps=1/10,delta=1/1000)")
    pair = Pair(builtin_game("pd-a"), (nelp, nelp))
    picture = fixed_point_sample(pair, grid=4)
    assert not picture.complete and len(picture.points) >= 5
    for point in picture.points:  # each re-checks in the interpreter
        assert pair.check_profile(point.profile).fixed_point is not None


def test_a_finite_set_is_drawn_whole(tmp_path):
    pictures = plot(builtin_game("stag-hunt"), [("best-response", "best-response")],
                    str(tmp_path / "s.svg"))
    assert pictures[0].complete and len(pictures[0].points) == 3
    assert (tmp_path / "s.svg").read_text().lstrip().startswith("<?xml")


def test_pairs_split_at_the_outer_comma():
    assert split_pair("lp(eps=1/10,delta=1/1000),cooperatebot") == \
        ("lp(eps=1/10,delta=1/1000)", "cooperatebot")
    with pytest.raises(ValueError):
        split_pair("lp(eps=1/10,delta=1/1000)")


def test_plot_command_writes_png_and_refuses_bad_requests(tmp_path, capsys):
    out = tmp_path / "p.png"
    assert main(["plot", "--pair", "cooperatebot,defectbot", "--pair", "defectbot,defectbot",
                 "--game", "pd-a", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert "all of them" in capsys.readouterr().out
    assert main(["plot", "cooperatebot", "--game", "pd-a", "-o", str(out)]) == 2
    assert main(["plot", "cooperatebot", "defectbot", "--game", "pd-a", "-o",
                 str(tmp_path / "p.txt")]) == 2
    assert main(["plot", "--pair", "cooperatebot", "--game", "pd-a", "-o", str(out)]) == 2


def test_grids_combine_in_order():
    points = grid_points([("e", ["1/10", "1/20"]), ("d", ["1/1000", "1/100"])])
    assert points[0] == {"e": F(1, 10), "d": F(1, 1000)}
    assert points[1] == {"e": F(1, 10), "d": F(1, 100)} and len(points) == 4


def test_a_sweep_matches_the_proven_formula_at_every_point():
    """neLP against DefectBot cooperates at most 3d(10 + 3d)/(4 + 6d) (claim P-N1-pd-a)."""
    pd = builtin_game("pd-a")
    from verifier.claims.claims import Vars
    p1c = Vars(pd).p1("C")
    sweep = run_sweep(pd, ("nelp(eps=1/10,delta=d)", "defectbot"),
                      [("d", ["1/1000", "1/100"])], p1c, "p1(C)", "max", jobs=2)
    for row in sweep.rows:
        d = dict(row.values)["d"]
        assert row.optimum.value == 3 * d * (10 + 3 * d) / (4 + 6 * d)


def test_sweep_command_outputs_and_errors(tmp_path, capsys):
    args = ["sweep", "nicerbot(eps=e)", "defectbot", "--game", "pd-a", "--grid", "e=1/10,1/2"]
    assert main(args + ["--json", "--plot", str(tmp_path / "s.png")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["payoffs"] for r in data["rows"]] == [[["9/10", "7/5"]], [["1/2", "3"]]]
    assert (tmp_path / "s.png").exists()
    assert main(args + ["--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("1/10,points,")
    assert main(["sweep", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                 "--grid", "x=1/2"]) == 2
    assert main(["sweep", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                 "--grid", "e=0.1.2"]) == 2
    assert main(["sweep", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                 "--grid", "e=2"]) == 0  # out of range: an error row, not a crash
    assert "error" in capsys.readouterr().out
