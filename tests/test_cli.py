"""The command line: exact JSON output, one-line errors, exit codes."""

import json
import subprocess
import sys

import pytest

from verifier.apps.cli import main


def rov(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_solve_json_is_exact(capsys):
    code, out, _ = rov(capsys, "solve", "nicerbot(eps=1/10)", "nicerbot(eps=1/10)",
                       "--game", "pd-a", "--all", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["fixed_points"] == [{"profile": [["1", "0"], ["1", "0"]], "payoffs": ["3", "3"]}]
    assert data["complete"] is True and data["continuum"] is False


def test_solve_against_defectbot(capsys):
    _, out, _ = rov(capsys, "solve", "nicerbot(eps=1/10)", "defectbot", "--game", "pd-a",
                    "--all", "--json")
    assert json.loads(out)["fixed_points"][0]["profile"] == [["1/10", "9/10"], ["0", "1"]]


def test_decimals_are_for_readers(capsys):
    _, out, _ = rov(capsys, "solve", "nicerbot(eps=1/3)", "defectbot", "--game", "pd-a",
                    "--json", "--decimals", "4")
    assert json.loads(out)["fixed_points"][0]["profile"][0] == ["0.3333", "0.6667"]


def test_bound_reports_an_exact_value(capsys):
    code, out, _ = rov(capsys, "bound", "nelp(1/10,1/1000)", "defectbot", "--game", "pd-a",
                       "--objective", "p1(C)", "--sense", "max", "--json")
    data = json.loads(out)
    assert code == 0 and data["value"] == "30009/4006000" and data["attained"] is True


def test_check_point_accepts_and_explains(capsys):
    code, out, _ = rov(capsys, "check-point", "nicerbot(1/10)", "defectbot", "--game", "pd-a",
                       "--profile", "1/10,9/10;0,1")
    assert code == 0 and out.startswith("fixed point")
    code, out, _ = rov(capsys, "check-point", "nicerbot(1/10)", "defectbot", "--game", "pd-a",
                       "--profile", "1/2,1/2;0,1")
    assert code == 1
    assert "player 1 (nicerbot(eps=1/10)): cannot produce its strategy" in out
    assert "P(C) over its outputs: [1/10, 1/10]" in out


def test_smtlib_is_printed(capsys):
    code, out, _ = rov(capsys, "smtlib", "liar", "liar", "--game", "pd-a")
    assert code == 0 and "(declare-fun s0_0 () Real)" in out and "(check-sat)" in out


@pytest.mark.parametrize("argv, message", [
    (["solve", "frobnicator", "defectbot", "--game", "pd-a"], "unknown agent"),
    (["solve", "lp(eps=0,delta=1/100)", "defectbot", "--game", "pd-a"], "eps must be in (0, 1)"),
    (["solve", "lp(eps=2,delta=1/100)", "defectbot", "--game", "pd-a"], "eps must be in (0, 1)"),
    (["solve", "nelp(1/10,delta=0)", "defectbot", "--game", "pd-a"], "delta must be in (0, 1)"),
    (["solve", "nelp(1/10,-1)", "defectbot", "--game", "pd-a"], "delta must be in (0, 1)"),
    (["solve", "defectbot", "defectbot", "--game", "no-such-game"], "unknown game"),
    (["check-point", "defectbot", "defectbot", "--game", "pd-a", "--profile", "1,1;0,1"],
     "not a distribution"),
    (["bound", "defectbot", "defectbot", "--game", "pd-a", "--objective", "__import__('os')"],
     "cannot read"),
    (["prove", "no/such/path"], "no such claim file"),
    (["solve", "lp(1/10,1/1000,directions=diagonal)", "defectbot", "--game", "pd-a"],
     "one of equal, cone"),
    (["solve", "lp(1/10,1/1000,directions=equal)", "defectbot", "--game", "pd-a",
      "--reading", "directions=cone"], "the spec says directions=equal"),
    (["solve", "nicerbot(1/10,estimates=grid)", "defectbot", "--game", "pd-a"],
     "takes no reading key"),
    (["solve", "lp(eps=e,delta=d,estimates=grid)", "defectbot", "--game", "pd-a"],
     "needs a concrete delta"),
])
def test_bad_input_gives_one_line_error(capsys, argv, message):
    code, out, err = rov(capsys, *argv)
    assert code == 2
    assert err.startswith("rov: error:") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("content, message", [
    ("{", "not a JSON game file"),
    ('{"actions": [["C", "D"], ["C", "D"]], "payoffs": [[[3, 3], [0, 5]], [[5, 0], [1, 0.1]]]}',
     "not exactly 1/10"),
    ('{"actions": [["C", "D"], ["C", "D"]], "payoffs": [[[3, 3], [0, 5]]]}', "table"),
])
def test_bad_game_files_give_one_line_errors(capsys, tmp_path, content, message):
    path = tmp_path / "game.json"
    path.write_text(content)
    code, _, err = rov(capsys, "solve", "defectbot", "defectbot", "--game", str(path))
    assert code == 2 and message in err and err.count("\n") == 1


def test_rationalize_accepts_inexact_payoffs(capsys, tmp_path):
    path = tmp_path / "game.json"
    path.write_text('{"actions": [["C", "D"], ["C", "D"]], '
                    '"payoffs": [[[3, 3], [0, 5]], [[5, 0], [1, 0.1]]]}')
    code, out, _ = rov(capsys, "solve", "defectbot", "defectbot", "--game", str(path),
                       "--rationalize", "--json")
    assert code == 0 and json.loads(out)["fixed_points"][0]["payoffs"] == ["1", "1/10"]


def test_prove_exit_status_reports_differences(capsys, tmp_path):
    claim = tmp_path / "claim.py"
    claim.write_text(
        "from verifier import Claim, Unique\n"
        "CLAIMS = [Claim('X1', 'NicerBot defects against itself', 'test', 'pd-a',\n"
        "                ('nicerbot(1/10)', 'nicerbot(1/10)'), Unique(((0, 1), (0, 1))))]\n")
    code, out, _ = rov(capsys, "prove", str(claim))
    assert code == 1 and "fails" in out and "1 differ" in out
    code, out, _ = rov(capsys, "prove", str(claim), "--json")
    assert json.loads(out)[0]["verdict"] == "fails"


def test_console_script_runs():
    done = subprocess.run([sys.executable, "-m", "verifier", "list"], capture_output=True,
                          text=True, check=True)
    assert "nelp" in done.stdout


def test_check_reports_unreadable_and_tampered_certificates(tmp_path, capsys):

    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"format": "rov-certificate", "vers')
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "rov-certificate", "version": 4}))
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": "rov-certificate", "version": 2}))
    assert main(["check", str(truncated), str(other), str(old)]) == 1
    out = capsys.readouterr().out
    assert "cannot read" in out and "version 4 is not supported" in out
    assert "withdrawn per-position tie model" in out
    assert "0 re-verified, 3 failed" in out


def test_prove_writes_certificates_that_check(tmp_path, capsys):

    folder = tmp_path / "certs"
    assert main(["prove", "proofs/", "--only", "C2,C13-whenever-pd-b", "--json",
                 "--certificates", str(folder)]) == 0
    results = json.loads(capsys.readouterr().out)
    assert {r["certificate"]["kind"] for r in results} == {"farkas", "witness"}
    assert main(["check", "--json", *map(str, sorted(folder.glob("*.json")))]) == 0
    assert all(r["ok"] for r in json.loads(capsys.readouterr().out))
    # the table names each verdict's certificate, as --json does
    assert main(["prove", "proofs/", "--only", "C2", "--certificates", str(folder)]) == 0
    kind = next(r["certificate"]["kind"] for r in results if r["id"] == "C2")
    assert f"certificate: {folder / 'C2.json'} ({kind})" in capsys.readouterr().out


def test_reading_option_sets_every_agent_and_is_recorded(capsys):
    code, out, _ = rov(capsys, "solve", "lp(1/10,1/1000)", "defectbot", "--game", "pd-a",
                       "--reading", "directions=cone,estimates=grid", "--json")
    data = json.loads(out)
    assert code == 0 and data["agents"][0] == "lp(eps=1/10,delta=1/1000,directions=cone," \
                                              "estimates=grid)"
    assert data["readings"] == [{"directions": "cone", "estimates": "grid"}, {}]
    with pytest.raises(SystemExit) as stop:
        main(["solve", "defectbot", "defectbot", "--game", "pd-a", "--reading", "speed=fast"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "unknown reading key" in err and err.count("\n") == 1


def test_prove_under_a_reading_and_the_reading_matrix(capsys, tmp_path):
    claim = tmp_path / "claim.py"
    claim.write_text(
        "from verifier import Always, Claim, Extreme\n"
        "CLAIMS = [Claim('X2', 'LP against DefectBot cooperates at least 19/20', 'test',\n"
        "                'pd-a', ('lp(1/10,1/100)', 'defectbot'),\n"
        "                Always(lambda v: v.p1('C') >= '19/20'),\n"
        "                expected={'': 'fails', 'directions=cone': 'holds'}, sentence='L3'),\n"
        "          Claim('X3', 'NicerBot', 'test', 'pd-a', ('nicerbot(1/10)', 'defectbot'),\n"
        "                Extreme(lambda v: v.p1('C'), 'max', value='1/10'), sentence='L3',\n"
        "                role='context')]\n")
    code, out, _ = rov(capsys, "prove", str(claim), "--reading", "directions=cone", "--json")
    data = json.loads(out)
    assert code == 0 and data[0]["verdict"] == "holds" and data[0]["expected"] == "holds"
    assert data[0]["reading"] == "directions=cone,estimates=box"
    assert data[1]["reading"] == ""  # NicerBot takes no reading key
    findings = tmp_path / "findings.md"
    code, out, _ = rov(capsys, "prove", str(claim), "--reading-matrix", "--findings",
                       str(findings))
    assert code == 0 and "5 verdicts: 5 as expected" in out  # X2 four times, X3 once
    page = findings.read_text()
    assert "## The post under each reading" in page and "| L3 | pd-a |" in page
    assert page.count("| X2 |") == 4 and page.count("| X3 |") == 1


@pytest.mark.parametrize("argv", [["--help"], ["list"]])
def test_light_commands_load_no_heavy_library(argv):
    """`rov --help` and `rov list` start without sympy, Z3, matplotlib or Dask (their
    imports are most of a slow start-up; bench/startup.py times it)."""
    script = ("import sys\nfrom verifier.apps.cli import main\n"
              "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "print(sorted({'sympy', 'z3', 'matplotlib', 'distributed', 'pygambit'}"
              " & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


def test_max_seconds_ends_a_slow_command_as_unknown():
    """--max-seconds bounds the whole command (here an exact optimum that takes about a
    minute): killed at the limit, exit status 3 with the reason."""
    import time
    nelp = "nelp(eps=1/10,delta=1/1000)"
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "verifier", "bound", nelp, nelp, "--game",
                           "pd-a", "--objective", "u1", "--sense", "min", "--max-seconds", "3"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    assert "stopped after 3 s of wall-clock time (--max-seconds)" in done.stderr
    assert time.monotonic() - start < 60


def test_max_memory_ends_a_command_that_needs_more_as_unknown():
    """--max-memory limits the command's address space: 100 MiB is too little for sympy and
    Z3 loaded together, and the command ends as unknown (exit status 3) whichever library
    hits the limit first, never with a traceback or an internal error; 800 MiB is enough."""
    def solve(mib):
        return subprocess.run([sys.executable, "-m", "verifier", "solve", "nicerbot(eps=1/10)",
                               "defectbot", "--game", "pd-a", "--max-memory", str(mib)],
                              capture_output=True, text=True, timeout=120)
    done = solve(100)
    assert done.returncode == 3, done.stderr
    assert "rov: unknown:" in done.stderr and "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    done = solve(800)
    assert done.returncode == 0 and "payoffs (9/10, 7/5)" in done.stdout, done.stderr
