"""Old import paths, kept for one version (0.x; see docs/architecture.md, "Moved modules").

Until version 0.5 every module sat directly under `verifier` (`verifier.solver`,
`verifier.certificates`, ...). A finder on `sys.meta_path` maps each old dotted name to the
module that now holds its code, so `from verifier.solver import Pair` still works and gives
the very same objects. New code imports the new paths; this module goes in the next version.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

# old name under verifier -> new dotted name under verifier
MOVED = {
    "numbers": "model.numbers", "poly": "model.poly", "params": "model.params",
    "readings": "model.readings", "games": "model.games", "gambit": "model.gambit",
    "agents": "model.agents", "library": "model.library",
    "interpreter": "semantics.interpreter",
    "compiler": "encoding.compiler", "smtlib": "encoding.smtlib", "smt": "encoding.smt",
    "solver": "decision.solver", "extremum": "decision.extremum", "nash": "decision.nash",
    "parametric": "decision.parametric", "jobs": "decision.jobs",
    "certificates": "evidence.certificates", "codec": "checker.codec",
    "farkas": "checker.farkas", "prove_unsat": "evidence.prove_unsat",
    "tournament": "apps.tournament", "sweep": "apps.sweep", "plotting": "apps.plotting",
    "findings": "apps.findings", "cli": "apps.cli",
}


class MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `verifier.OLD` for every OLD in `MOVED` and loads it as the module at its new
    path (one module object under two names)."""

    def find_spec(self, fullname, path=None, target=None):
        """A spec for `verifier.OLD` when OLD moved; None for every other name."""
        package, _, leaf = fullname.rpartition(".")
        if package != __package__ or leaf not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        """The module at the new path (imported once, under its new name)."""
        module = importlib.import_module(self.new_name(spec.name))
        self._own_spec = module.__spec__  # the import system stamps the old name's spec on
        return module

    def exec_module(self, module):
        """Nothing to run (the module ran under its new name); give back its own spec."""
        module.__spec__ = self._own_spec

    def get_code(self, fullname):
        """For `python -m verifier.OLD`: run the new module as the main program (the
        command line, for `verifier.cli`)."""
        return compile(f"import runpy\nrunpy.run_module({self.new_name(fullname)!r}, "
                       f"run_name='__main__', alter_sys=True)\n", fullname, "exec")

    @staticmethod
    def new_name(fullname: str) -> str:
        """`verifier.OLD` -> the dotted name of the module that holds its code now."""
        return f"{__package__}.{MOVED[fullname.rpartition('.')[2]]}"


def install() -> None:
    """Put the finder on `sys.meta_path` once, after the standard finders (a module that
    really exists under an old name, such as the `claims` package, wins)."""
    if not any(isinstance(f, MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.append(MovedModuleFinder())
