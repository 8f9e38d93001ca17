"""Bad input, case by case: a one-line error, a non-zero exit, and nothing written.

Each case has an id that docs/bad-input.md lists (a test checks the two agree).
"""

import json
import re
from pathlib import Path

import pytest

from verifier.checker.format import MAX_BYTES
from verifier.apps.cli import main

GOOD_ROW = [[["3", "3"], ["0", "5"]], [["5", "0"], ["1", "1"]]]


def game(**change) -> str:
    data = {"name": "g", "actions": [["C", "D"], ["C", "D"]], "payoffs": GOOD_ROW}
    data.update(change)
    return json.dumps(data)


def payoff(text) -> str:
    return game(payoffs=[[[text, "3"], ["0", "5"]], [["5", "0"], ["1", "1"]]])


SOLVE = ["solve", "cooperatebot", "defectbot", "--game", "{file}"]
CLAIM = "from verifier import Claim, Always\nCLAIMS = [{claim}]\n"

# id, files {name: text}, argv (with {file} for the first file), exit code, message
CASES = [
    ("game-three-players", {"g.json": game(actions=[["C"], ["C"], ["C"]])}, SOLVE, 2,
     "two non-empty lists"),
    ("game-nan", {"g.json": payoff("NaN").replace('"NaN"', "NaN")}, SOLVE, 2,
     "not a finite number"),
    ("game-infinity", {"g.json": payoff("Infinity")}, SOLVE, 2, "not a number"),
    ("game-huge-exponent", {"g.json": payoff("1e999999")}, SOLVE, 2, "exponent"),
    ("game-huge-number", {"g.json": payoff("9" * 5000)}, SOLVE, 2, "too long"),
    ("game-gigantic-dimensions", {"g.json": game(actions=[[f"a{k}" for k in range(1000)],
                                                          ["C", "D"]])}, SOLVE, 2,
     "larger than 64 actions"),
    ("game-file-too-large", {"g.json": game() + " " * 1_000_001}, SOLVE, 2, "larger than"),
    ("game-not-json", {"g.json": "payoffs: 3 3 0 5"}, SOLVE, 2, "not a JSON game file"),
    ("game-unknown-field", {"g.json": game(colour="red")}, SOLVE, 2, "unknown fields"),
    ("game-short-table", {"g.json": game(payoffs=[[["3", "3"]]])}, SOLVE, 2, "table"),
    ("gambit-three-players", {"g.nfg": 'NFG 1 R "x" { "1" "2" "3" } { 2 2 2 }\n'
                              + " ".join(map(str, range(24))) + "\n"}, SOLVE, 2, "3 players"),
    ("gambit-garbage", {"g.nfg": "garbage\n"}, SOLVE, 2, "not a readable Gambit game"),
    ("gambit-gigantic-declared", {"g.nfg": 'NFG 1 R "x" { "1" "2" } { 100000000 100000000 }\n'},
     SOLVE, 2, "declares a 100000000 x 100000000 game"),
    ("gambit-exponential-strategies", {"g.efg": 'EFG 2 R "wide" { "1" "2" }\n""\n'
                                       + 'p "" 2 1 "" { ' + " ".join(f'"m{k}"' for k in range(13))
                                       + ' } 0\n' + "".join(f'p "" 1 {k + 1} "" {{ "a" "b" }} 0\n'
                                                            't "" 0\nt "" 0\n' for k in range(13))},
     SOLVE, 2, "more than 4096 pure strategies before reduction"),
    ("agent-syntax", {}, ["solve", "nelp(eps=", "defectbot", "--game", "pd-a"], 2,
     "cannot read agent spec"),
    ("agent-unknown", {}, ["solve", "frobnicator", "defectbot", "--game", "pd-a"], 2,
     "unknown agent"),
    ("agent-out-of-range", {}, ["solve", "nelp(eps=2,delta=1/10)", "defectbot", "--game",
                                "pd-a"], 2, "eps must be in (0, 1)"),
    ("agent-cannot-play", {"g.json": game(actions=[["R", "P", "S"], ["R", "P", "S"]],
                                          payoffs=[[["0", "0"]] * 3] * 3)},
     SOLVE, 2, "actions named C and D"),
    ("agent-choose-copies", {"g.json": game(
        actions=[[f"a{k}" for k in range(7)]] * 2,
        payoffs=[[[str(int(i == j))] * 2 for j in range(7)] for i in range(7)])},
     ["bound", "best-response", "best-response", "--game", "{file}", "--objective", "u1"], 2,
     "meet nodes with a Choose below them 57330 times"),
    ("agent-estimating-large-game", {"g.json": game(
        actions=[[f"a{k}" for k in range(5)]] * 2, payoffs=[[["0", "0"]] * 5] * 5)},
     ["solve", "lp(eps=1/10,delta=1/10)", "lp(eps=1/10,delta=1/10)", "--game", "{file}"], 2,
     "plays games of at most 4 actions a player"),
    ("agent-cone-large-game", {"g.json": game(
        actions=[[f"a{k}" for k in range(4)]] * 2, payoffs=[[["0", "0"]] * 4] * 4)},
     ["solve", "lp(eps=1/10,delta=1/10,directions=cone)", "lp(eps=1/10,delta=1/10)", "--game",
      "{file}"], 2, "pairs every two of 1152 rows"),
    ("claim-unknown-field", {"c.py": CLAIM.format(
        claim="Claim('X', 's', 't', 'pd-a', ('defectbot', 'defectbot'), "
              "Always(lambda v: v.u1 >= 0), colour='red')")}, ["prove", "{file}"], 2,
     "malformed claim"),
    ("claim-file-without-claims", {"c.py": "X = 1\n"}, ["prove", "{file}"], 2,
     "defines CLAIMS"),
    ("claim-bad-expected", {"c.py": CLAIM.format(
        claim="Claim('X', 's', 't', 'pd-a', ('defectbot', 'defectbot'), "
              "Always(lambda v: v.u1 >= 0), expected='maybe')")}, ["prove", "{file}"], 2,
     "expected must be"),
    ("certificate-wrong-version", {"c.json": json.dumps({"format": "rov-certificate",
                                                         "version": 9})},
     ["check", "{file}"], 1, "schema version 9"),
    ("certificate-truncated", {"c.json": '{"format": "rov-certificate", "version": 2, "pro'},
     ["check", "{file}"], 1, "cannot read"),
    ("certificate-oversized", {"c.json": None}, ["check", "{file}"], 1, "larger than"),
    ("certificate-not-an-object", {"c.json": "[1, 2, 3]"}, ["check", "{file}"], 1,
     "FAILED"),
    ("profile-malformed", {}, ["check-point", "defectbot", "defectbot", "--game", "pd-a",
                               "--profile", "1,1;0,1"], 2, "not a distribution"),
    ("objective-code", {}, ["bound", "defectbot", "defectbot", "--game", "pd-a",
                            "--objective", "__import__('os')"], 2, "cannot read"),
    ("region-malformed", {}, ["solve", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                              "--assume", "0 < e <<= 1"], 2, ""),
    ("region-empty", {}, ["solve", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                          "--assume", "e < 0, e > 1"], 2, "no parameter value"),
    ("timeout-not-positive", {}, ["solve", "defectbot", "defectbot", "--game", "pd-a",
                                  "--timeout", "0"], 2, "--timeout must be positive"),
    ("rlimit-not-positive", {}, ["solve", "defectbot", "defectbot", "--game", "pd-a",
                                 "--rlimit", "0"], 2, "--rlimit must be between 1 and"),
    ("rlimit-too-large", {}, ["solve", "defectbot", "defectbot", "--game", "pd-a",
                              "--rlimit", "4294967396"], 2, "Z3 keeps it in 32 bits"),
    ("solver-unknown", {}, ["solve", "defectbot", "defectbot", "--game", "pd-a",
                            "--solver", "cvc5"], 2, "invalid choice: 'cvc5'"),
    ("max-seconds-not-positive", {}, ["list", "--max-seconds", "0"], 2,
     "--max-seconds must be positive"),
    ("max-memory-too-large", {}, ["list", "--max-memory", "100000000000000"], 2,
     "--max-memory must be between 1 and"),
    ("gambit-declared-without-spaces", {"g.nfg": 'NFG 1 R "t"{"P1" "P2"}{100000000 2}\n'},
     SOLVE, 2, "declares a 100000000 x 2 game"),
    ("gambit-many-players", {"g.nfg": 'NFG 1 R "t" { ' + " ".join(f'"{k}"' for k in range(40))
                             + " } { " + " ".join(["2"] * 40) + " }\n"},
     SOLVE, 2, "4096 outcomes"),
    ("gambit-long-names-list", {"g.nfg": 'NFG 1 R "t" { "P1" "P2" } { { '
                                + " ".join(f'"{"x" * 1100}{k}"' for k in range(64))
                                + " } { " + " ".join(f'"b{k}"' for k in range(5000)) + " } }\n"},
     SOLVE, 2, "declares a 64 x 65+ game"),
    ("gambit-count-not-ascii", {"g.nfg": 'NFG 1 R "t" { "P1" "P2" } { \u00b2 2 }\n'}, SOLVE, 2,
     "not a readable Gambit game"),
    ("seconds-not-finite", {}, ["solve", "defectbot", "defectbot", "--game", "pd-a",
                                "--timeout", "nan"], 2, "is not between 0 and 1e+06 seconds"),
    ("jobs-zero", {"c.py": "X = 1\n"}, ["tournament", "defectbot", "--game", "pd-a",
                                        "--jobs", "0"], 2, "--jobs must be at least 1"),
    ("sweep-bad-grid", {}, ["sweep", "nicerbot(eps=e)", "defectbot", "--game", "pd-a",
                            "--grid", "e=1/0"], 2, "not an exact number"),
    ("plot-bad-suffix", {}, ["plot", "defectbot", "defectbot", "--game", "pd-a", "-o",
                             "{dir}/p.txt"], 2, ".png, .svg or .pdf"),
    ("picture-no-folder", {}, ["explain", "defectbot", "defectbot", "--game", "pd-a",
                               "--profile", "0,1;0,1", "--plot", "{dir}/none/p.png"], 2,
     "/none/p.png: no such folder"),
    ("heatmap-no-suffix", {}, ["tournament", "defectbot", "--game", "pd-a", "--heatmap",
                               "{dir}/heat"], 2, "--heatmap: the picture is a .png"),
    ("symbolic-game-without-region", {}, ["solve", "cooperatebot", "defectbot", "--game",
                                          "pd(T,R,P,S)"], 2, "state a region for them"),
    ("pd-wrong-arity", {}, ["solve", "cooperatebot", "defectbot", "--game", "pd(T,R)"], 2,
     "pd takes four payoffs"),
    ("payoff-bad-symbol", {"g.json": payoff("x_1")}, SOLVE, 2, "not a parameter name"),
    ("symbolic-game-tournament", {}, ["tournament", "--game", "pd(T,R,P,S)"], 2,
     "needs concrete payoffs"),
    ("profile-with-symbols", {}, ["explain", "nicerbot(eps=e)", "defectbot", "--game",
                                  "pd(5,3,1,S)", "--assume", "-1 < S < 0, e = 1/2",
                                  "--profile", "1/2,1/2;0,1"], 2,
     "needs concrete parameters (free: S;"),
    ("explain-plot-not-two-actions",
     {"g.json": game(actions=[["C", "D", "E"], ["C", "D"]],
                     payoffs=[[["1", "1"], ["0", "0"]], [["0", "0"], ["1", "1"]],
                              [["2", "2"], ["0", "0"]]])},
     ["explain", "defectbot", "defectbot", "--game", "{file}", "--profile", "0,1,0;0,1",
      "--plot", "runs.png"], 2, "--plot draws the strategy square: it needs two actions"),
    ("security-value-case-split", {"g.json": game(payoffs=[[["a", "1"], ["2", "1"]],
                                                           [["1", "1"], ["1", "1"]]])},
     ["smtlib", "nelp(eps=1/10,delta=1/100)", "defectbot", "--game", "{file}", "--assume",
      "0 <= a <= 3"], 2, "the cases are"),
    ("case-split-certificate", {"g.json": game(payoffs=[[["a", "1"], ["2", "1"]],
                                                        [["1", "1"], ["1", "1"]]])},
     ["solve", "nelp(eps=1/10,delta=1/100)", "defectbot", "--game", "{file}", "--assume",
      "0 <= a <= 3"], 2, "give one case's region"),
    ("saddle-not-a-saddle", {"g.json": game(saddle=[["C", "C"], ["C", "C"]])}, SOLVE, 2,
     "is not a saddle point"),
]


@pytest.mark.parametrize("case, files, argv, code, message", CASES, ids=[c[0] for c in CASES])
def test_bad_input(case, files, argv, code, message, tmp_path, capsys):
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        if text is None:  # a sparse file just over the limit
            with open(path, "wb") as f:
                f.truncate(MAX_BYTES + 1)
        else:
            path.write_text(text)
        paths.append(str(path))
    args = [a.format(file=paths[0] if paths else "", dir=tmp_path) for a in argv]
    written = tmp_path / "out.json"
    if args[0] == "solve":
        args += ["--certificate", str(written)]
    try:
        got = main(args)
    except SystemExit as stop:  # argparse's own errors
        got = stop.code
    assert got == code
    out, err = capsys.readouterr()
    assert message in out + err
    assert "Traceback" not in out + err
    assert len([line for line in err.splitlines() if line.strip()]) <= 2  # argparse: usage
    assert not written.exists()  # nothing written half-way
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_case_is_in_the_docs_table():
    text = (Path(__file__).parent.parent / "docs" / "bad-input.md").read_text()
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, re.M))
    assert listed == {c[0] for c in CASES}


def test_check_gives_up_after_its_time_limit(tmp_path, capsys, monkeypatch):
    """The alarm fires inside the trusted checker, whose own handlers must not swallow it
    (it is no ValueError) nor blank its message."""
    import shutil
    import time

    import verifier.checker.check as checker

    def slow(*args, **kwargs):
        time.sleep(5)
    monkeypatch.setattr(checker, "game_from_json", slow)
    path = tmp_path / "c.json"
    shutil.copy(Path(__file__).parent / "golden" / "good" / sorted(
        p.name for p in (Path(__file__).parent / "golden" / "good").glob("*.json"))[0], path)
    start = time.monotonic()
    assert main(["check", str(path), "--time-limit", "1", "--memory-limit", "65536"]) == 1
    assert time.monotonic() - start < 4
    assert "took longer than --time-limit 1 s" in capsys.readouterr().out


def test_a_bug_of_the_checker_is_reported_as_one_not_as_a_failed_certificate(
        tmp_path, capsys, monkeypatch):
    """A TypeError inside the trusted checker is not a verdict on the data: `rov check`
    names it an internal error (exit status 4) and still checks the other files."""
    import shutil

    import verifier.checker.check as checker

    def buggy(*args, **kwargs):
        raise TypeError("a bug")
    good = sorted((Path(__file__).parent / "golden" / "good").glob("*.json"))
    paths = [tmp_path / "a.json", tmp_path / "b.json"]
    for source, path in zip(good, paths):
        shutil.copy(source, path)
    monkeypatch.setattr(checker, "game_from_json", buggy)
    assert main(["check", *map(str, paths), "--no-solvers"]) == 4
    out = capsys.readouterr().out
    assert out.count("internal error of the checker, please report: TypeError: a bug") == 2


def test_a_certificate_nested_too_deep_to_read_is_a_failed_check(tmp_path, capsys):
    """Too deep for the JSON reader: bad input (a failed check), not a bug of the checker."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 100000 + "]" * 100000)
    assert main(["check", str(path)]) == 1
    assert "cannot read: RecursionError" in capsys.readouterr().out


def test_a_solver_out_of_memory_is_unknown():
    """A query that needs more than --solver-memory is reported as unknown, exit 3. In a
    process of its own: Z3's memory limit is global to a process and counts every term
    the process made before (in the test run, those of earlier tests: once, there, Z3
    crashed instead of answering)."""
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-m", "verifier", "bound",
                           "nelp(eps=1/10,delta=1/1000)", "nelp(eps=1/10,delta=1/1000)",
                           "--game", "pd-a", "--objective", "u1", "--sense", "min",
                           "--solver-memory", "20"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 3, done.stderr
    assert "unknown" in done.stderr


def test_every_exception_of_the_package_is_in_the_one_hierarchy():
    """Every public exception class of ``verifier`` derives from RovError through one
    of its four branches, so a catch site names a branch, not a hand-made list."""
    import importlib
    import inspect
    import pkgutil

    import verifier
    from verifier.errors import (EvidenceRejected, InputError, InternalError, RovError,
                                 SolverUnknown)
    branches = (InputError, EvidenceRejected, SolverUnknown, InternalError)
    found = {}
    for info in pkgutil.walk_packages(verifier.__path__, "verifier."):
        if info.name == "verifier.__main__":  # running it is the command line
            continue
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if (inspect.isclass(cls) and issubclass(cls, BaseException)
                    and cls.__module__ == module.__name__ and not name.startswith("_")):
                found[f"{info.name}.{name}"] = cls
    assert len(found) >= 15, sorted(found)
    outside = [n for n, cls in found.items()
               if cls is not RovError and not issubclass(cls, branches)]
    assert not outside, outside
