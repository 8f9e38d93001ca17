"""Tournaments and the job runner: the same answers serially, in worker processes and on
a local Dask cluster; exact cells; CSV, JSON and heatmap output."""

import csv
import io
import json
from fractions import Fraction as F

import pytest

from verifier import builtin_game
from verifier.apps.cli import main
from verifier.decision.jobs import JobError, run_jobs
from verifier.apps.tournament import default_roster, play, run_tournament

ROSTER = ["cooperatebot", "defectbot", "nicerbot(eps=1/10)", "best-response"]


@pytest.fixture(scope="module")
def serial():
    return run_tournament(builtin_game("pd-a"), ROSTER)


def test_cells_are_exact(serial):
    cell = serial.cell(ROSTER.index("defectbot"), ROSTER.index("nicerbot(eps=1/10)"))
    assert cell.kind == "unique" and cell.points == ((F(7, 5), F(9, 10)),)
    assert serial.cell(0, 0).points == ((F(3), F(3)),)
    assert all(c.kind != "error" for c in serial.cells)
    assert len(serial.cells) == len(ROSTER) ** 2


def test_worker_processes_give_the_same_tournament(serial):
    assert _same_but_seconds(run_tournament(builtin_game("pd-a"), ROSTER, jobs=2), serial)


def test_a_local_dask_cluster_gives_the_same_tournament(serial):
    from distributed import LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:
        on_dask = run_tournament(builtin_game("pd-a"), ROSTER, scheduler=cluster.scheduler_address)
    assert _same_but_seconds(on_dask, serial)


def _same_but_seconds(a, b) -> bool:
    def strip(t):
        data = t.to_json()
        for c in data["cells"]:
            c.pop("seconds")
        return data
    return strip(a) == strip(b)


def test_results_keep_the_order_of_the_items():
    assert run_jobs(abs, list(range(-20, 0)), jobs=2) == list(range(20, 0, -1))
    with pytest.raises(JobError):
        run_jobs(abs, [1], jobs=0)


def test_an_unreachable_scheduler_is_a_one_line_error():
    with pytest.raises(JobError, match="cannot reach"):
        run_jobs(abs, [1, 2], scheduler="tcp://127.0.0.1:9")


def test_the_default_roster_is_the_library():
    names = [spec.split("(")[0] for spec in default_roster(builtin_game("pd-a"))]
    assert names == ["cooperatebot", "defectbot", "mixed", "nicerbot", "lp", "nelp", "region",
                     "best-response", "liar", "any"]
    assert "region" not in " ".join(default_roster(builtin_game("stag-hunt")))


def test_cli_table_csv_json_and_heatmap(tmp_path, capsys):
    args = ["tournament", "cooperatebot", "defectbot", "--game", "pd-a"]
    assert main(args) == 0
    table = capsys.readouterr().out
    assert "cooperatebot" in table and "5" in table
    assert main(args + ["--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["row"], r["column"], r["u1"], r["u2"]) for r in rows] == [
        ("cooperatebot", "cooperatebot", "3", "3"), ("cooperatebot", "defectbot", "0", "5"),
        ("defectbot", "cooperatebot", "5", "0"), ("defectbot", "defectbot", "1", "1")]
    picture = tmp_path / "h.png"
    assert main(args + ["--json", "--heatmap", str(picture)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cells"][1]["payoffs"] == [["0", "5"]]
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_agents_that_cannot_play_a_game_become_error_cells(tmp_path, capsys):
    path = tmp_path / "rps.json"
    path.write_text(json.dumps({"name": "rps", "actions": [["R", "P", "S"], ["R", "P", "S"]],
                                "payoffs": [[[0, 0], [-1, 1], [1, -1]], [[1, -1], [0, 0], [-1, 1]],
                                            [[-1, 1], [1, -1], [0, 0]]]}))
    assert main(["tournament", "cooperatebot", "best-response", "--game", str(path)]) == 0
    out = capsys.readouterr().out
    assert "error" in out and "C and D" in out


def test_a_range_cell_has_exact_ends():
    t = run_tournament(builtin_game("pd-a"), ["any", "defectbot"])
    cell = t.cell(0, 1)  # any against the defection rock: u1 anywhere in [0, 1]
    assert cell.kind == "range"
    (low, high), _ = cell.ranges
    assert (low.value, high.value, low.attained, high.attained) == (0, 1, True, True)
    assert cell.text(0) == "[0, 1]"


def test_dask_workers_get_the_command_lines_resource_limit(monkeypatch):
    """A Dask worker is started on its own: the limit reaches it with each task."""
    import os
    from distributed import LocalCluster
    from verifier.errors import QUERY_RLIMIT_VARIABLE
    monkeypatch.delenv(QUERY_RLIMIT_VARIABLE, raising=False)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None) as cluster:
        monkeypatch.setenv(QUERY_RLIMIT_VARIABLE, "12345")  # after the worker started
        got = run_jobs(os.getenv, [QUERY_RLIMIT_VARIABLE] * 2, scheduler=cluster.scheduler_address)
    assert got == ["12345", "12345"]


def test_a_pair_whose_worker_died_is_an_error_cell_not_a_crash(monkeypatch):
    """run_jobs gives a JobFailure for an item whose worker died on every attempt; the
    tournament reports that pair as an error cell with the reason (before: --json and
    the table failed with an AttributeError, and every other cell was lost)."""
    import verifier.apps.tournament as tournament
    from verifier.decision.jobs import JobFailure

    def dying(function, items, *args, **kwargs):
        return [JobFailure(item, "its worker process died 2 times")
                if item[1:3] == ("defectbot", "cooperatebot") else function(item)
                for item in items]

    monkeypatch.setattr(tournament, "run_jobs", dying)
    result = run_tournament(builtin_game("pd-a"), ["defectbot", "cooperatebot"])
    died = result.cell(0, 1)
    assert (died.row, died.column, died.kind) == ("defectbot", "cooperatebot", "error")
    assert "died 2 times" in died.note
    cells = result.to_json()["cells"]
    assert [c["kind"] for c in cells] == ["unique", "error", "unique", "unique"]
    assert "error" in result.table() and "died 2 times" in result.to_csv()


def test_a_mirror_cell_checks_its_mirrors_ends_directly_and_searches_a_wrong_one():
    """On a symmetric game a cell below the diagonal gets its mirror cell's payoff ends as
    candidates: checked directly (two queries each), the same ends as a search; a candidate
    that is not the optimum is searched as if there were none."""
    pd = builtin_game("pd-a")
    assert pd.symmetric
    t = run_tournament(pd, ["any", "defectbot"])
    mirror = t.cell(1, 0)  # defectbot against any
    assert "4 of 4 payoff ends checked directly" in mirror.note
    task = (pd.to_json(), "defectbot", "any", None)
    searched = play(task + (None,))
    wrong = play(task + (((F(7), F(7)), (F(7), F(7))),))  # payoffs are at most 5
    assert "checked directly" not in searched.note + wrong.note
    for cell in (searched, wrong):
        assert [[(e.value, e.attained) for e in ends] for ends in cell.ranges] == \
            [[(e.value, e.attained) for e in ends] for ends in mirror.ranges]
    assert [[(e.value, e.attained) for e in ends] for ends in t.cell(0, 1).ranges] == \
        [[(e.value, e.attained) for e in ends] for ends in reversed(mirror.ranges)]


def test_an_asymmetric_game_has_no_mirror_cells(tmp_path):
    game = builtin_game("pd-a")
    skewed = type(game)("skewed", game.actions, (game.payoffs[0], tuple(
        tuple(u + (1 if (a, b) == (0, 1) else 0) for b, u in enumerate(row))
        for a, row in enumerate(game.payoffs[1]))))
    assert not skewed.symmetric
    t = run_tournament(skewed, ["any", "defectbot"])
    assert all("checked directly" not in c.note for c in t.cells)
