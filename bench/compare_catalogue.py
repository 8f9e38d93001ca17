"""Are the catalogue's verdicts, its certificates and their checks the same at two commits?

    python bench/compare_catalogue.py --before REV [--after REV] [--jobs N] [--keep DIR]
    python bench/compare_catalogue.py --before-dir DIR/before [--keep DIR2]

For each side, a git worktree of the commit (the working tree itself for --after .) runs
`rov prove proofs/ --certificates DIR --json`, then `rov check DIR/*.json --json`, with this
checkout's virtual environment and the side's own package first on PYTHONPATH. It then
compares, claim by claim: the verdict, the certificate's evidence kind and content hash
(the hash covers everything but the timings), and the check report (verdict, ok, and the
lines saying what was checked). It
prints one line per difference and a summary, and exits 1 if anything differs.

A refactoring must leave all of them unchanged (issue 16); time-outs under load can turn a
Farkas certificate into solver agreement, so a kind difference is printed with both kinds and
the run can be repeated on an idle machine before concluding.
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
    """{claim id: (verdict, kind, hash, check verdict, check ok, what the check checked)}
    from a side's prove.json, check.json and certs/."""
    reports = {Path(r["file"]).stem: r for r in json.loads((side / "check.json").read_text())}
    rows = {}
    for claim in json.loads((side / "prove.json").read_text()):
        path = side / "certs" / f"{claim['id']}.json"
        cert = json.loads(path.read_text()) if path.exists() else {}
        report = reports.get(claim["id"], {})
        rows[claim["id"]] = (claim["verdict"], cert.get("kind"), cert.get("hash"),
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
    args = parser.parse_args()
    if (args.before is None) == (args.before_dir is None):
        parser.error("give --before REV or --before-dir DIR")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        for label, rev in (("before", args.before), ("after", args.after)):
            if rev is not None:
                (out / label).mkdir(parents=True, exist_ok=True)
                run_side(rev, out / label, args.jobs)
        before = load_side(Path(args.before_dir) if args.before_dir else out / "before")
        after = load_side(out / "after")
    fields = ("verdict", "kind", "hash", "check verdict", "check ok", "check lines")
    differences = 0
    for claim in sorted(set(before) | set(after)):
        a, b = before.get(claim), after.get(claim)
        if a is None or b is None:
            print(f"{claim}: only {'after' if a is None else 'before'}")
            differences += 1
            continue
        for name, x, y in zip(fields, a, b):
            if x != y:
                print(f"{claim}: {name} {x} -> {y}")
                differences += 1
    same = sum(before.get(c) == after.get(c) for c in before)
    print(f"{len(before)} claims before, {len(after)} after; {same} identical in verdict, "
          f"evidence kind, certificate hash and check report; {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
