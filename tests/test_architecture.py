"""docs/architecture.md's generated tables match the source, and the size rules of the
house hold: no module over about 500 lines, no class over about 250 (issue 16)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))

import architecture  # noqa: E402 - docs/architecture.py, the page's generator

MAX_MODULE, MAX_CLASS = 550, 280  # "about 500" and "about 250", with the slack "about" gives


def test_the_architecture_page_is_current():
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "architecture.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_module_or_class_is_too_large():
    data = architecture.measure()
    big = {m: n for m, n in data["lines"].items() if n > MAX_MODULE}
    assert not big, big
    large = [(n, c) for n, c in data["classes"] if n > MAX_CLASS]
    assert not large, large


def test_the_checker_reaches_no_solver_and_no_writer():
    """Statically, through every import (function-local ones too)."""
    data = architecture.measure()
    reached = data["trusted"]
    assert not {m for m in reached if architecture.layer(m) in
                {"decision", "evidence", "claims", "apps"}}, sorted(reached)
    assert "verifier.encoding.smt" not in reached
    outside = {p for m in reached for p in data["external"][m]}
    assert not outside & architecture.SOLVERS, outside


def _private_uses(path: Path) -> list:
    """Private names (`_x`, not dunders) a module imports from another module, or reads as
    an attribute without defining that name itself."""
    import ast
    tree = ast.parse(path.read_text())
    defined, used = set(), []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            defined.add(node.attr)
        elif isinstance(node, ast.arg):
            defined.add(node.arg)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            used += [f"import {a.name}" for a in node.names
                     if a.name.startswith("_") and not a.name.startswith("__")]
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            name = node.attr
            if name.startswith("_") and not name.startswith("__") and name not in defined:
                used.append(name)
    return used


def test_no_private_name_is_used_across_modules():
    found = {str(p.relative_to(ROOT)): u for p in sorted((ROOT / "verifier").rglob("*.py"))
             if (u := _private_uses(p))}
    # names of other libraries' APIs that start with an underscore
    allowed = {"_asdict", "_replace", "_fields", "_exit"}
    found = {p: [u for u in us if u not in allowed] for p, us in found.items()}
    assert not {p: u for p, u in found.items() if u}, found
