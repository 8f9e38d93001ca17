"""The trusted checker's imports: `rov check` runs with Z3, cvc5 and Yices unimportable
and loads only the modules of its trusted base (docs/certificates.md, "What the checker
trusts"); the check fails on a copy of the package doctored to import more."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "good"

# everything `rov check --no-solvers` may load: the model, the exact interpreter, the
# encoding it rebuilds and compares with the stored SMT-LIB, and the checkers themselves
TRUSTED = {"verifier", "verifier.moved", "verifier.errors",
           *(f"verifier.{p}" for p in ("model", "semantics", "encoding", "checker")),
           *(f"verifier.model.{m}" for m in ("agents", "games", "library", "numbers",
                                             "params", "poly", "readings", "spec_values")),
           "verifier.semantics.interpreter", "verifier.encoding.compiler",
           "verifier.encoding.smtlib", "verifier.checker.certificates",
           "verifier.checker.codec", "verifier.checker.farkas", "verifier.decision",
           "verifier.decision.nash", "verifier.decision.parametric"}

CHECK = """
import json, sys
from pathlib import Path
for name in ("z3", "cvc5", "yices", "yices_api"):
    sys.modules[name] = None  # any import of a solver raises ImportError
from verifier.checker.certificates import check
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    cert = json.loads(path.read_text())
    if cert["kind"] != "solver-agreed":
        assert check(cert, run_solvers=False).ok, path.name
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "verifier")))
"""


def _loaded(package_root: Path) -> subprocess.CompletedProcess:
    """Run the checker on the good golden certificates with the package found first at
    ``package_root``; its stdout lists the package modules it loaded."""
    return subprocess.run([sys.executable, "-c", CHECK, str(GOLDEN)], cwd=package_root,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_checker_runs_without_solvers_and_loads_only_its_trusted_base():
    done = _loaded(ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(json.loads(done.stdout))
    assert loaded <= TRUSTED, sorted(loaded - TRUSTED)


def test_the_import_check_fails_on_a_doctored_copy(tmp_path):
    """Teeth: a checker module that imports z3, or a search module, fails the check."""
    for module, line in (("checker/farkas.py", "import z3\n"), ("checker/codec.py", "from ..decision import jobs\n")):
        copy = tmp_path / module.removesuffix(".py")
        shutil.copytree(ROOT / "verifier", copy / "verifier",
                        ignore=shutil.ignore_patterns("__pycache__"))
        with open(copy / "verifier" / module, "a") as f:
            f.write(line)
        done = _loaded(copy)
        if done.returncode == 0:  # imported without error: the extra module must show
            assert not set(json.loads(done.stdout)) <= TRUSTED, module
        else:
            assert "ImportError" in done.stderr or "ModuleNotFoundError" in done.stderr, \
                done.stderr[-2000:]
