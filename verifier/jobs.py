"""Independent queries run serially, in worker processes, or on a Dask cluster.

One entry point, :func:`run_jobs`: ``function(item)`` for every item, the
results in the order of the items whatever order they finish in. The function
and items must be picklable (top-level functions, plain data), because with
``jobs > 1`` they go to worker processes and with a ``scheduler`` to Dask
workers (``dask.distributed``; no home-made distribution layer). A progress
bar (tqdm) counts finished items on an interactive terminal.

>>> run_jobs(abs, [-2, 3, -5])
[2, 3, 5]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Sequence

__all__ = ["run_jobs", "progress_bar", "write_atomically", "JobError"]


class JobError(ValueError):
    """Bad parallelism options (a one-line error)."""


def progress_bar(total: int, label: str, show: bool | None = None):
    """A tqdm bar on stderr, shown only on an interactive terminal (``show=None``)."""
    from tqdm import tqdm
    if show is None:
        show = sys.stderr.isatty()
    return tqdm(total=total, desc=label, disable=not show, leave=False, file=sys.stderr,
                dynamic_ncols=True)


def run_jobs(function: Callable, items: Sequence, jobs: int = 1, scheduler: str | None = None,
             label: str = "jobs", show: bool | None = False) -> list:
    """``[function(item) for item in items]``, in ``jobs`` processes or on a Dask scheduler.

    ``scheduler``: the address of a running ``dask.distributed`` scheduler
    (``tcp://HOST:PORT``); the workers must be able to import this package
    (and read any file an item names). ``show``: a progress bar (None: when
    stderr is a terminal).
    """
    items = list(items)
    if jobs < 1:
        raise JobError("--jobs must be at least 1")
    with progress_bar(len(items), label, show) as bar:
        if scheduler is not None:
            return _on_dask(function, items, scheduler, bar)
        if jobs == 1 or len(items) <= 1:
            out = []
            for item in items:
                out.append(function(item))
                bar.update()
            return out
        # spawn: a fresh interpreter per worker, nothing inherited from a parent that
        # holds solver state
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context) as pool:
            futures = {pool.submit(function, item): k for k, item in enumerate(items)}
            results: list = [None] * len(items)
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
            return results


def _on_dask(function: Callable, items: list, scheduler: str, bar) -> list:
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError as err:  # pragma: no cover - a dependency
        raise JobError(f"--scheduler needs dask.distributed ({err})") from None
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as err:
        raise JobError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    with client:
        futures = client.map(function, items, pure=False)
        order = {f.key: k for k, f in enumerate(futures)}
        results: list = [None] * len(items)
        for future in dask_completed(futures):
            results[order[future.key]] = future.result()
            bar.update()
        return results


def write_atomically(path: str, text: str) -> None:
    """Write a file so that a reader never sees half of it (a unique temporary file in
    the same folder, then an atomic rename)."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    temporary.replace(target)
