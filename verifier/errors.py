"""Exceptions shared across modules, importable without z3 (the checker's command line needs them)."""


SOLVER_MEMORY_VARIABLE = "ROV_SOLVER_MEMORY_MB"  # the solver's memory limit, for workers too
QUERY_RLIMIT_VARIABLE = "ROV_QUERY_RLIMIT"  # Z3 resource units per query, for workers too
# Z3 resource units one query may spend by default. Measured (2026-12-01): the claims
# catalogue's 862 queries spend at most 77 million (34 s here); Z3 spends 0.5 to 2.3 million
# a second on this machine, so this is about two minutes, the wall-clock limit it replaced.
DEFAULT_RLIMIT = 250_000_000
# the slowest of those rates: a query in a child process is killed after its resource limit
# at this rate (+ 10 s), in case Z3 does not check the limit (verifier.encoding.child)
Z3_UNITS_PER_SECOND = 500_000
QUERY_SOLVER_VARIABLE = "ROV_SOLVER"  # "portfolio" or "z3" (--solver), for workers too
# Yices has no deterministic limit: it gets one second of wall-clock time per this many units
# of the resource limit (10 s by default; it answered our nonlinear queries 20 to 50 times
# faster than Z3, measured 2026-12-01; on the claims catalogue its 473 answers took at most
# 7.8 s each, and each of its 5 give-ups cost its whole limit, then 25 s: docs/solving.md)
YICES_UNITS_PER_SECOND = 25_000_000
MAX_RLIMIT = 2 ** 32 - 1  # Z3 keeps the limit in 32 bits: 2^32 would wrap to 0 (no limit)


class RovError(Exception):
    """The base of every exception this package raises on purpose. Its four branches
    tell a catch site what happened: :class:`InputError`, :class:`EvidenceRejected`,
    :class:`SolverUnknown` and :class:`InternalError`."""


class InputError(RovError, ValueError):
    """Bad input (an agent, a game, a claim, a number, an option): the command line
    prints one line and exits with status 2. Each module's own kind of bad input
    (``AgentError``, ``GameError``, ...) is a subclass."""


class EvidenceRejected(RovError, ValueError):
    """A certificate, a witness or a piece of evidence does not check: the checker
    reports the certificate as failed."""


class SolverUnknown(RovError):
    """Z3 answered unknown or ran out of time: the verdict is unknown (exit status 3)."""


class InternalError(RovError, RuntimeError):
    """A bug of ours or of a solver, never a verdict: exit status 4 on the command line."""


class UnknownNode(InternalError):
    """A walker over the agent language or formulas met a kind it does not handle: a
    kind was added without teaching every walker (tests/test_walkers.py), never bad input
    (`validate` refuses a foreign node in a user's program first)."""


class ClaimError(InputError):
    """A claim or claim file is malformed."""


class UnsoundnessError(InternalError):
    """Z3 returned a point the exact interpreter rejects: a bug, never a verdict."""


class UsageError(InputError):
    """A request that cannot be carried out as asked (a one-line error for the user)."""
