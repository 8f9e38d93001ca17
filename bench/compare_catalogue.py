"""Are the catalogue's verdicts, its certificates and their checks the same at two commits?

    python bench/compare_catalogue.py --before REV [--after REV] [--jobs N] [--keep DIR]
    python bench/compare_catalogue.py --before-dir DIR/before [--after-dir DIR2/after]

For each side, a git worktree of the commit (the working tree itself for --after .) runs
`rov prove proofs/ --certificates DIR --json`, then `rov check DIR/*.json --json`, with this
checkout's virtual environment and the side's own package first on PYTHONPATH. It then
compares, claim by claim: the verdict, what the certificate states (its format, version,
problem: game, agents' programs, tie model and question; claim; verdict), and the check
report's verdict and ok (a difference in any of them is printed, and the exit status is 1),
and counts the claims whose evidence kind,
certificate content hash (everything but the top-level timings) and check lines are the same
(--evidence prints each difference).

Evidence is what Z3 found: a counterexample point, a set of Farkas lemmas, the solvers'
seconds inside solver-agreed evidence (part of the hash). It can differ between two runs of
the same code, with the order claims meet in a worker process (--jobs) and with time-outs
under load; compare two runs of the same commit to see how much.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


FIELDS = ("verdict", "problem", "kind", "hash", "check verdict", "check ok", "check lines")
DECISIVE = {"verdict", "problem", "check verdict", "check ok"}


def run_side(rev: str, side: Path, jobs: int) -> None:
    """Prove the catalogue and check its certificates at ``rev`` ("." is the working tree),
    writing ``side``/prove.json, ``side``/check.json and ``side``/certs/."""
    if rev == ".":
        tree = ROOT
    else:
        tree = side / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree),
                        rev], check=True)
    certs = side / "certs"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [sys.executable, "-m", "verifier.cli" if _flat(tree) else "verifier"]
    try:
        proved = subprocess.run([*command, "prove", "proofs/", "--jobs", str(jobs),
                                 "--certificates", str(certs), "--json"],
                                cwd=tree, env=env, capture_output=True, text=True, check=False)
        if proved.returncode not in (0, 1):
            raise SystemExit(f"{rev}: rov prove exited {proved.returncode}: "
                             f"{proved.stderr.strip().splitlines()[-1:]}")
        (side / "prove.json").write_text(proved.stdout)
        checked = subprocess.run([*command, "check", *sorted(map(str, certs.glob("*.json"))),
                                  "--json"], cwd=tree, env=env, capture_output=True,
                                 text=True, check=False)
        if checked.returncode not in (0, 1):
            raise SystemExit(f"{rev}: rov check exited {checked.returncode}")
        (side / "check.json").write_text(checked.stdout)
    finally:
        if rev != ".":
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           check=False)


def load_side(side: Path) -> dict:
    """{claim id: (verdict, what the certificate states (format, version, problem, claim,
    verdict), kind, hash, check verdict, check ok, what the check checked)}
    from a side's prove.json, check.json and certs/."""
    reports = {Path(r["file"]).stem: r for r in json.loads((side / "check.json").read_text())}
    rows = {}
    for claim in json.loads((side / "prove.json").read_text()):
        path = side / "certs" / f"{claim['id']}.json"
        cert = json.loads(path.read_text()) if path.exists() else {}
        report = reports.get(claim["id"], {})
        stated = json.dumps([cert.get("format"), cert.get("version"), cert.get("problem"),
                             cert.get("claim"), cert.get("verdict")], sort_keys=True)
        rows[claim["id"]] = (claim["verdict"], stated, cert.get("kind"), cert.get("hash"),
                             report.get("verdict"), report.get("ok"),
                             tuple(report.get("checked", ())) + (report.get("problem"),))
    return rows


def _flat(tree: Path) -> bool:
    """Before the layers became subpackages, the CLI was `python -m verifier.cli`."""
    return not (tree / "verifier" / "__main__.py").exists()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1].strip())
    parser.add_argument("--before", help="commit to compare against")
    parser.add_argument("--before-dir", help="or a folder a run with --keep wrote (its "
                                             "before/ or after/ folder)")
    parser.add_argument("--after", default=".", help="commit (default: the working tree)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="write the runs here (before/, after/)")
    parser.add_argument("--after-dir", help="compare with this stored run instead of running")
    parser.add_argument("--evidence", action="store_true",
                        help="also print each difference of evidence kind, hash and check lines")
    args = parser.parse_args()
    if (args.before is None) == (args.before_dir is None):
        parser.error("give --before REV or --before-dir DIR")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        for label, rev in (("before", args.before),
                           ("after", None if args.after_dir else args.after)):
            if rev is not None:
                (out / label).mkdir(parents=True, exist_ok=True)
                run_side(rev, out / label, args.jobs)
        before = load_side(Path(args.before_dir) if args.before_dir else out / "before")
        after = load_side(Path(args.after_dir) if args.after_dir else out / "after")
    claims = sorted(set(before) | set(after))
    missing = [c for c in claims if c not in before or c not in after]
    for claim in missing:
        print(f"{claim}: only {'after' if claim in after else 'before'}")
    both = [c for c in claims if c in before and c in after]
    # verdict, check verdict, check ok must agree; evidence may differ where the solvers
    # found other points or lemmas (printed with --evidence)
    decisive = [(claim, name, a, b) for claim in both
                for name, a, b in zip(FIELDS, before[claim], after[claim])
                if name in DECISIVE and a != b]
    for claim, name, a, b in decisive:
        print(f"{claim}: {name} {a} -> {b}")
    if args.evidence:
        for claim in both:
            for name, a, b in zip(FIELDS, before[claim], after[claim]):
                if name not in DECISIVE and a != b:
                    print(f"{claim}: {name} {a} -> {b}")

    def same(field: str) -> int:
        k = FIELDS.index(field)
        return sum(before[c][k] == after[c][k] for c in both)
    print(f"{len(before)} claims before, {len(after)} after: verdict the same for "
          f"{same('verdict')}, certificate statement (format, problem, claim, verdict) for "
          f"{same('problem')}, check result (verdict and ok) for "
          f"{sum(before[c][4:6] == after[c][4:6] for c in both)}; evidence kind for "
          f"{same('kind')}, certificate hash for {same('hash')}, check lines for "
          f"{same('check lines')}")
    return 1 if decisive or missing else 0


if __name__ == "__main__":
    sys.exit(main())
