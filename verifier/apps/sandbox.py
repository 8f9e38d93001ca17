"""Bounds on untrusted work in this process: an address-space cap and a wall-clock alarm,
used by `rov check` while it reads certificates that anyone may have written.

POSIX only (the `resource` module and SIGALRM).
"""

from __future__ import annotations

import resource
import signal
from contextlib import contextmanager
from typing import Iterator

from ..errors import SolverUnknown


class CheckTimeLimit(SolverUnknown):
    """A certificate's check ran past its wall-clock limit (seconds): undecided, so the
    certificate is not accepted. Not a ValueError, so that no ``except ValueError`` in the
    checker can swallow the alarm and run on."""


@contextmanager
def memory_cap(megabytes: int) -> Iterator[None]:
    """Cap this process's address space at ``megabytes`` MiB (never above the hard limit)
    while the block runs; restore the previous limit after. A block that needs more
    raises MemoryError inside."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `CheckTimeLimit` in the block after ``seconds`` (rounded up to whole seconds, at
    least 1) of wall-clock time."""
    def out_of_time(signum, frame):
        raise CheckTimeLimit(f"took longer than {seconds:g} s")
    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(max(1, int(seconds)))
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
