"""Faults: a worker that dies loses only its own query; a killed run resumes with every
finished result intact."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verifier.decision.jobs import JobFailure, run_jobs, save_figure

ROV = str(Path(sys.executable).with_name("rov"))

CLAIMS = '''
from verifier import Always, Claim

NELP = "nelp(eps=1/10,delta=1/1000)"
CLAIMS = [Claim(f"slow-{k}", "neLP against neLP: u1 >= 1 or u2 >= 1", "test", "pd-a",
                (NELP, NELP), Always(lambda v: (v.u1 >= 1) | (v.u2 >= 1)))
          for k in range(8)]
'''


def suicidal(k: int) -> int:
    """Kills its own worker process on item 3 (a crash the pool cannot catch)."""
    if k == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return k * k


def test_a_dying_worker_loses_only_its_item():
    got = run_jobs(suicidal, list(range(8)), jobs=2)
    assert [g for k, g in enumerate(got) if k != 3] == [k * k for k in range(8) if k != 3]
    assert isinstance(got[3], JobFailure) and "died 2 times" in got[3].reason


def _workers(parent: int) -> list[int]:
    """The spawned pool workers of a process (not its resource tracker)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().split()
            cmd = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if int(stat[3]) == parent and "spawn_main" in cmd:
            out.append(int(entry.name))
    return out


def _wait_for(predicate, seconds: float = 120.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def _prove(claims, results, *more):
    return [ROV, "prove", str(claims), "--results", str(results), "--json", *more]


def test_a_killed_worker_and_a_killed_run_lose_nothing_finished(tmp_path):
    claims, results = tmp_path / "claims.py", tmp_path / "results"
    claims.write_text(CLAIMS)
    # 1. kill one worker mid-run: its claim is run again, every claim is decided
    run = subprocess.Popen(_prove(claims, results, "--jobs", "2"), stdout=subprocess.PIPE,
                           text=True)
    _wait_for(lambda: list(results.glob("*.result.json")))
    victim = _wait_for(lambda: _workers(run.pid))[0]
    os.kill(victim, signal.SIGKILL)
    out, _ = run.communicate(timeout=300)
    assert run.returncode == 0
    assert [r["verdict"] for r in json.loads(out)] == ["holds"] * 8
    # 2. kill the whole run mid-way: the results written so far stay, and --resume
    # decides only the others
    for f in results.iterdir():
        f.unlink()
    run = subprocess.Popen(_prove(claims, results, "--jobs", "2"), stdout=subprocess.PIPE,
                           text=True, start_new_session=True)
    _wait_for(lambda: len(list(results.glob("*.result.json"))) >= 2)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    finished = {f.name: f.read_text() for f in results.glob("*.result.json")}
    assert 2 <= len(finished) < 8, "killed too late to test resuming"
    for text in finished.values():  # written atomically: every file is whole
        assert json.loads(text)["result"]["verdict"] == "holds"
    done = subprocess.run(_prove(claims, results, "--resume"), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [r["verdict"] for r in rows] == ["holds"] * 8
    resumed = {r["id"] for r in rows if r.get("resumed")}
    assert {f"{i}.result.json" for i in resumed} == set(finished)
    for name, text in finished.items():  # untouched by the resumed run
        assert (results / name).read_text() == text


def _running(pid: int) -> bool:
    """Whether a process exists and has not ended (a zombie waiting to be reaped has)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().split()[2] not in "ZX"
    except OSError:
        return False


def test_the_workers_of_a_killed_run_stop_with_it():
    """SIGKILL on the main process alone (no handler of its own runs): its pool workers,
    each in the middle of a ten-minute item, notice they are orphaned and end too."""
    script = ("import time\nfrom verifier.decision.jobs import run_jobs\n"
              "run_jobs(time.sleep, [600, 600], jobs=2)")
    run = subprocess.Popen([sys.executable, "-c", script])
    try:
        workers = _wait_for(lambda: len(_workers(run.pid)) == 2 and _workers(run.pid))
    finally:
        run.kill()
        run.wait()
    _wait_for(lambda: not any(_running(w) for w in workers), 60)


def test_a_figure_whose_write_fails_leaves_the_old_file_and_no_debris(tmp_path, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    save_figure(fig, str(tmp_path / "ok.png"))
    assert (tmp_path / "ok.png").read_bytes().startswith(b"\x89PNG")
    (tmp_path / "old.svg").write_text("the previous picture")

    def disk_full(descriptor):  # the data is written, but cannot reach the disk
        raise OSError("No space left on device")
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_figure(fig, str(tmp_path / "old.svg"))
    plt.close(fig)
    assert (tmp_path / "old.svg").read_text() == "the previous picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.png", "old.svg"]


def test_a_bounded_call_is_stopped_at_its_wall_clock_limit():
    """run_bounded (behind rov prove --claim-seconds) stops a call that runs past its limit,
    as it would a solver that ignores its own time limit, and passes results and errors."""
    import time

    import pytest

    from verifier.decision.jobs import OutOfTime, run_bounded
    assert run_bounded(lambda: sum(range(10)), 30) == 45
    start = time.monotonic()
    with pytest.raises(OutOfTime, match="stopped after 1 s"):
        run_bounded(lambda: time.sleep(60), 1)
    assert time.monotonic() - start < 30
    with pytest.raises(ZeroDivisionError):
        run_bounded(lambda: 1 / 0, 30)

    class Local(Exception):  # a local class: the child cannot pickle it
        pass

    def boom():
        raise Local("no pickle")
    from verifier.errors import InternalError
    with pytest.raises(InternalError, match="Local: no pickle"):
        run_bounded(boom, 30)


def test_a_bounded_call_may_start_workers_and_reports_its_death():
    """run_bounded's child is not a daemon, so a command under --max-seconds can run
    --jobs workers of its own; a child that dies without a result is ProcessDied, with
    its exit code."""
    from verifier.decision.jobs import ProcessDied, run_bounded
    assert run_bounded(lambda: run_jobs(abs, [-2, 3, -5], jobs=2), 120) == [2, 3, 5]
    with pytest.raises(ProcessDied, match="exit code 9"):
        run_bounded(lambda: os._exit(9), 30)


def test_a_bounded_command_loses_none_of_its_output():
    """Under --max-seconds the command's output, written to a pipe (block-buffered, no
    PYTHONUNBUFFERED), arrives whole: the child flushes before it answers."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    plain = subprocess.run([sys.executable, "-m", "verifier", "list"], capture_output=True,
                           text=True, env=env, check=True).stdout
    for _ in range(5):
        bounded = subprocess.run([sys.executable, "-m", "verifier", "list", "--max-seconds",
                                  "60"], capture_output=True, text=True, env=env)
        assert bounded.returncode == 0 and bounded.stdout == plain


def test_a_bounded_call_works_when_stdout_is_not_a_file(monkeypatch):
    """Under a notebook or a capture, sys.stdout is not a text file: the child still runs."""
    import io

    from verifier.decision.jobs import run_bounded
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert run_bounded(lambda: 7, 30) == 7


def test_a_certificate_past_claim_seconds_is_not_written_and_the_verdict_stays(monkeypatch,
                                                                              tmp_path):
    """rov prove --claim-seconds bounds writing a certificate too: one stopped is not
    written, and its note says why; the decided verdict is kept."""
    import time
    from pathlib import Path
    from verifier.claims import ProveTask, catalogue, prove_task
    monkeypatch.setattr(catalogue, "write_claim_certificate",
                        lambda *args: time.sleep(10 ** 6))  # never ends
    (tmp_path / "C7-pd-a.json").write_text("an earlier run's certificate")
    paths = (str(Path("proofs/nicerbot.py").resolve()),)
    result = prove_task(ProveTask(paths, "C7-pd-a", None, str(tmp_path), 0, "", 10, None))
    assert result.verdict == "holds" and result.certificate["path"] is None
    assert result.certificate["note"] == "not written: --claim-seconds: stopped after 10 s " \
                                         "of wall-clock time"
    assert list(tmp_path.iterdir()) == []
    from verifier.apps.render import claims_table
    assert "no certificate (not written: --claim-seconds: stopped after 10 s" in \
        claims_table([result], None)


def test_a_decision_past_claim_seconds_is_unknown_with_its_formal_text_and_time(monkeypatch):
    """A claim stopped by --claim-seconds is unknown; its result keeps the formal text it
    would have decided and the wall-clock seconds it ran (not 0), for the table and the
    findings page."""
    from verifier.claims import Claim, ProveTask, load_claims, prove_task
    monkeypatch.setattr(Claim, "run", lambda *args, **kw: time.sleep(10 ** 6))  # never ends
    paths = (str(Path("proofs/nicerbot.py").resolve()),)
    result = prove_task(ProveTask(paths, "C7-pd-a", None, None, 0, "", 1, None))
    claim = next(c for c in load_claims(list(paths)) if c.id == "C7-pd-a")
    assert result.verdict == "unknown" and "stopped after 1 s" in result.detail["reason"]
    assert result.formal == claim.formal_text() and result.seconds >= 1
