"""Exceptions shared across modules, importable without z3 (the checker's command line needs them)."""


class ClaimError(ValueError):
    """A claim or claim file is malformed."""


class SolverUnknown(Exception):
    """Z3 answered unknown or ran out of time."""


class UnsoundnessError(RuntimeError):
    """Z3 returned a point the exact interpreter rejects: a bug, never a verdict."""


class UsageError(ValueError):
    """A request that cannot be carried out as asked (a one-line error for the user)."""
