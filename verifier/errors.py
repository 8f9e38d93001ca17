"""Exceptions shared across modules, importable without z3 (the checker's command line needs them)."""


SOLVER_MEMORY_VARIABLE = "ROV_SOLVER_MEMORY_MB"  # the solver's memory limit, for workers too


class ClaimError(ValueError):
    """A claim or claim file is malformed."""


class SolverUnknown(Exception):
    """Z3 answered unknown or ran out of time."""


class UnsoundnessError(RuntimeError):
    """Z3 returned a point the exact interpreter rejects: a bug, never a verdict."""


class UsageError(ValueError):
    """A request that cannot be carried out as asked (a one-line error for the user)."""
