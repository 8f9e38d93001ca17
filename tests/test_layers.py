"""The layers and the trusted checker's imports.

Statically: the import-linter contracts in pyproject.toml (`[tool.importlinter]`: the
checker imports no solver, search or evidence writer; each layer only the layers below
it) hold on the real tree and break on a copy doctored to import z3 in the checker. At
run time: `rov check` runs with Z3, cvc5 and Yices unimportable and loads only the
modules of its trusted base (docs/certificates.md, "What the checker trusts"); the check
fails on a copy of the package doctored to import more."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "good"

# everything `rov check --no-solvers` may load: the model, the exact interpreter, the
# encoding it rebuilds and compares with the stored SMT-LIB, and the checker itself
TRUSTED = {"verifier", "verifier.moved", "verifier.errors",
           *(f"verifier.{p}" for p in ("model", "semantics", "encoding", "checker")),
           *(f"verifier.model.{m}" for m in ("agents", "games", "library", "numbers",
                                             "params", "poly", "readings", "spec_values",
                                             "validation")),
           "verifier.semantics.interpreter", "verifier.semantics.continuum",
           "verifier.encoding.compiler", "verifier.encoding.smtlib", "verifier.encoding.runs",
           "verifier.encoding.boxes",
           "verifier.model.builders",
           *(f"verifier.checker.{m}" for m in ("bases", "check", "codec", "families", "farkas",
                                               "format", "kinds", "obligations"))}

CHECK = """
import json, sys
from pathlib import Path
for name in ("z3", "cvc5", "yices", "yices_api"):
    sys.modules[name] = None  # any import of a solver raises ImportError
from verifier.checker.check import check
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    cert = json.loads(path.read_text())
    if cert["kind"] != "solver-agreed":
        assert check(cert).ok, path.name
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "verifier")))
"""


def _doctored(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package and pyproject.toml with ``line`` appended to ``module``."""
    copy = tmp_path / module.removesuffix(".py")
    shutil.copytree(ROOT / "verifier", copy / "verifier",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy)
    with open(copy / "verifier" / module, "a") as f:
        f.write(line)
    return copy


def _contracts(package_root: Path) -> subprocess.CompletedProcess:
    """import-linter's contracts of ``package_root``/pyproject.toml, run on the package
    found first at ``package_root`` (exit status 0 when all are kept)."""
    run = "import sys; from importlinter.cli import lint_imports; " \
          "sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run([sys.executable, "-c", run], cwd=package_root, capture_output=True,
                          text=True, timeout=300, check=False)


def test_the_layer_contracts_hold():
    done = _contracts(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout, done.stdout[-3000:]


def test_the_layer_contracts_break_on_a_doctored_copy(tmp_path):
    """Teeth: a checker module that imports z3 breaks the checker's contract, by name."""
    done = _contracts(_doctored(tmp_path, "checker/kinds.py", "import z3\n"))
    assert done.returncode != 0
    assert "The trusted checker imports no solver, no search, no evidence writer BROKEN" in \
        done.stdout, done.stdout[-3000:]
    assert "verifier.checker.kinds -> z3" in done.stdout, done.stdout[-3000:]


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
    for module, line in (("checker/farkas.py", "import z3\n"),
                         ("checker/codec.py", "from ..decision import jobs\n")):
        copy = _doctored(tmp_path, module, line)
        done = _loaded(copy)
        if done.returncode == 0:  # imported without error: the extra module must show
            assert not set(json.loads(done.stdout)) <= TRUSTED, module
        else:
            assert "ImportError" in done.stderr or "ModuleNotFoundError" in done.stderr, \
                done.stderr[-2000:]


# the public names the split modules had (verifier.certificates, verifier.nash,
# verifier.parametric before the checker became its own package)
OLD_NAMES = {
    "certificates": ["FORMAT", "VERSION", "READABLE", "ORACLE", "MAX_BYTES", "KINDS",
                     "VERDICTS", "CertificateError", "canonical", "content_hash", "Obligation",
                     "obligations", "needed_obligations", "encode_question", "decode_question",
                     "decode_result", "certificate", "Report", "check"],
    "nash": ["BasisError", "NashEquilibria", "shifted", "feasible_bases", "check_bases",
             "labelled_pairs", "cliques", "equilibria", "verify"],
    "parametric": ["MAX_EQUATIONS", "AUX", "tight_equations", "TOLERANCE", "witness_terms",
                   "ratio_text", "FamilyShapeError", "family_problems", "Ratio",
                   "QuadraticRoot", "parse_value"],
}


def test_old_import_paths_keep_their_names():
    """verifier.moved.MOVED points each old module at one that still has its public names."""
    import importlib

    from verifier.checker.bases import verify
    from verifier.moved import MOVED
    for old, names in OLD_NAMES.items():
        module = importlib.import_module(f"verifier.{old}")
        assert module is importlib.import_module(f"verifier.{MOVED[old]}")
        assert [n for n in names if not hasattr(module, n)] == [], old
    assert importlib.import_module("verifier.nash").verify is verify
