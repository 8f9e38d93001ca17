"""Are the catalogue's verdicts, its certificates and their checks the same at two commits?

    python bench/compare_catalogue.py --before REV [--after REV] [--jobs N] [--keep DIR]

For each side, a git worktree of the commit (the working tree itself for --after .) runs
`rov prove proofs/ --certificates DIR --json`, then `rov check DIR/*.json --json`, with this
checkout's virtual environment and the side's own package first on PYTHONPATH. It then
compares, claim by claim: the verdict, the certificate's evidence kind and content hash
(the hash covers everything but the timings), and the check report's verdict and ok. It
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


def run_side(label: str, rev: str, out: Path, jobs: int) -> dict:
    """Prove the catalogue and check its certificates at ``rev`` ("." is the working tree);
    returns {claim id: (verdict, kind, hash, check verdict, check ok)}."""
    if rev == ".":
        tree = ROOT
    else:
        tree = out / f"tree-{label}"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree),
                        rev], check=True)
    certs = out / f"certs-{label}"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    python = sys.executable
    try:
        proved = subprocess.run([python, "-m", "verifier.cli" if _flat(tree) else "verifier",
                                 "prove", "proofs/", "--jobs", str(jobs),
                                 "--certificates", str(certs), "--json"],
                                cwd=tree, env=env, capture_output=True, text=True, check=False)
        if proved.returncode not in (0, 1):
            raise SystemExit(f"{label}: rov prove exited {proved.returncode}: "
                             f"{proved.stderr.strip().splitlines()[-1:]}")
        files = sorted(str(p) for p in certs.glob("*.json"))
        checked = subprocess.run([python, "-m", "verifier.cli" if _flat(tree) else "verifier",
                                  "check", *files, "--json"], cwd=tree, env=env,
                                 capture_output=True, text=True, check=False)
        if checked.returncode not in (0, 1):
            raise SystemExit(f"{label}: rov check exited {checked.returncode}")
    finally:
        if rev != ".":
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           check=False)
    reports = {Path(r["path"]).stem: r for r in json.loads(checked.stdout)}
    rows = {}
    for claim in json.loads(proved.stdout):
        cert = json.loads((certs / f"{claim['id']}.json").read_text()) \
            if (certs / f"{claim['id']}.json").exists() else {}
        report = reports.get(claim["id"], {})
        rows[claim["id"]] = (claim["verdict"], cert.get("kind"), cert.get("hash"),
                             report.get("verdict"), report.get("ok"))
    return rows


def _flat(tree: Path) -> bool:
    """Before the layers became subpackages, the CLI was `python -m verifier.cli`."""
    return not (tree / "verifier" / "__main__.py").exists()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1].strip())
    parser.add_argument("--before", required=True, help="commit to compare against")
    parser.add_argument("--after", default=".", help="commit (default: the working tree)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", help="write the certificates and results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        out.mkdir(parents=True, exist_ok=True)
        before = run_side("before", args.before, out, args.jobs)
        after = run_side("after", args.after, out, args.jobs)
    fields = ("verdict", "kind", "hash", "check verdict", "check ok")
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
          f"evidence kind, certificate hash and check result; {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
