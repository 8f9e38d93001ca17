"""Independent queries run serially, in worker processes, or on a Dask cluster.

One entry point, :func:`run_jobs`: ``function(item)`` for every item, the
results in the order of the items whatever order they finish in. Each result
is handed to ``on_result`` as soon as it is in (to write it to disk). A
worker that dies (killed, out of memory) loses only the items it was
running: each is tried once more alone in a fresh process, and an item that kills
its worker again comes back as a :class:`JobFailure` instead of a result. The function
and items must be picklable (top-level functions, plain data), because with
``jobs > 1`` they go to worker processes and with a ``scheduler`` to Dask
workers (``dask.distributed``; no home-made distribution layer). A progress
bar (tqdm) counts finished items on an interactive terminal.

>>> run_jobs(abs, [-2, 3, -5])
[2, 3, 5]
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Sequence

from ..errors import (QUERY_RLIMIT_VARIABLE, QUERY_SOLVER_VARIABLE, SOLVER_MEMORY_VARIABLE,
                      InputError, InternalError, SolverUnknown)

__all__ = ["run_jobs", "run_bounded", "exit_with_parent", "progress_bar", "write_atomically",
           "save_figure", "JobError", "JobFailure", "OutOfTime", "ProcessDied"]

ATTEMPTS = 2  # runs of an item whose worker died (the second alone), before it is given up
ORPHAN_POLL_SECONDS = 0.5  # how often a worker looks whether the process that started it is gone


class JobError(InputError):
    """Bad parallelism options (a one-line error)."""


@dataclass(frozen=True)
class JobFailure:
    """An item whose worker process died on every attempt: no result, and why."""

    item: object
    reason: str


def progress_bar(total: int, label: str, show: bool | None = None):
    """A tqdm bar on stderr, shown only on an interactive terminal (``show=None``)."""
    from tqdm import tqdm
    if show is None:
        show = sys.stderr.isatty()
    return tqdm(total=total, desc=label, disable=not show, leave=False, file=sys.stderr,
                dynamic_ncols=True)


def run_jobs(function: Callable, items: Sequence, jobs: int = 1, scheduler: str | None = None,
             label: str = "jobs", show: bool | None = False,
             on_result: Callable[[int, object], None] | None = None) -> list:
    """``[function(item) for item in items]``, in ``jobs`` processes or on a Dask scheduler.

    ``scheduler``: the address of a running ``dask.distributed`` scheduler
    (``tcp://HOST:PORT``); the workers must be able to import this package
    (and read any file an item names). ``show``: a progress bar (None: when
    stderr is a terminal). ``on_result(index, result)`` is called in this
    process as each result arrives.
    """
    items = list(items)
    if jobs < 1:
        raise JobError("--jobs must be at least 1")
    results: list = [None] * len(items)

    def done(k: int, result) -> None:
        results[k] = result
        if on_result is not None:
            on_result(k, result)
        bar.update()

    with progress_bar(len(items), label, show) as bar:
        if scheduler is not None:
            _on_dask(function, items, scheduler, done)
        elif jobs == 1 or len(items) <= 1:
            for k, item in enumerate(items):
                done(k, function(item))
        else:
            _in_processes(function, items, jobs, done)
    return results


class OutOfTime(SolverUnknown):
    """A bounded call ran past its wall-clock limit and was stopped: the verdict is unknown."""


class ProcessDied(SolverUnknown):
    """A bounded call's process died without a result (killed, or aborted in native code, as
    Z3 does when an allocation fails): the verdict is unknown."""


def run_bounded(function: Callable, seconds: float, memory_mib: int | None = None):
    """``function()`` in a forked child process, stopped after ``seconds`` of wall-clock
    time (raises :class:`OutOfTime`; :class:`ProcessDied` when the child dies without a
    result). A solver that ignores its own time limit (Z3 has, deep in nonlinear
    arithmetic) cannot hold the caller longer. ``memory_mib``: the child's address space
    is limited to that many MiB (``RLIMIT_AS``; an allocation beyond it fails in the
    child: ``MemoryError`` in Python). The child may start processes of its own (it is
    not a daemon; they end with it, `exit_with_parent`). Its standard output is line
    buffered and flushed before its result is sent, so nothing it printed is lost. The
    result must be picklable; an exception in the child is raised again here."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    parent = os.getpid()

    def child():
        exit_with_parent(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is the parent's to report
        if isinstance(sys.stdout, io.TextIOWrapper):  # not a notebook's stream, say
            sys.stdout.reconfigure(line_buffering=True)
        try:
            if memory_mib is not None:
                import resource
                resource.setrlimit(resource.RLIMIT_AS, (memory_mib << 20, memory_mib << 20))
            outcome = (True, function())
        except BaseException as err:  # noqa: BLE001 - sent back and raised in the parent
            outcome = (False, err)
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        try:
            send.send(outcome)
        except Exception as err:  # noqa: BLE001 - a value that cannot be pickled: its text
            ok, value = outcome
            text = (f"{type(value).__name__}: {value}" if not ok
                    else f"a result that cannot be sent back: {err}")
            send.send((False, InternalError(text)))
        finally:
            send.close()
    process = context.Process(target=child)
    process.start()
    send.close()
    answered = False
    try:
        if not receive.poll(seconds):
            raise OutOfTime(f"stopped after {seconds:g} s of wall-clock time")
        try:
            ok, value = receive.recv()
        except EOFError:
            process.join(1)
            raise ProcessDied(f"the bounded process died without a result (exit code "
                              f"{process.exitcode})") from None
        answered = True
    finally:
        if answered:
            process.join(1)  # its result is in: it is ending
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if not ok:
        raise value
    return value


def exit_with_parent(parent: int) -> None:
    """Start a daemon thread that ends this process (``os._exit``) as soon as the process
    ``parent`` that started it is gone (this process is re-parented), checked every
    ``ORPHAN_POLL_SECONDS``. A worker whose parent was killed (SIGTERM, SIGKILL, a closed
    terminal) would otherwise go on computing its item, up to its whole budget, unseen."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(ORPHAN_POLL_SECONDS)
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _in_processes(function: Callable, items: list, jobs: int, done) -> None:
    """A pool of fresh (spawned) processes. When a worker dies, every item that was in
    flight is run again alone in a process of its own, so an item that kills its
    worker takes only itself down (a :class:`JobFailure`)."""
    context = multiprocessing.get_context("spawn")  # nothing inherited from this process
    lost = _pool(function, items, list(range(len(items))), jobs, context, done)
    for k in lost:
        if _pool(function, items, [k], 1, context, done):
            done(k, JobFailure(items[k], f"its worker process died {ATTEMPTS} times"))


def _pool(function: Callable, items: list, todo: list, jobs: int, context, done) -> list:
    """Run ``todo`` in one pool; the indices whose worker died."""
    lost = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context,
                             initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(function, items[k]): k for k in todo}
        try:
            for future in as_completed(futures):
                try:
                    result = future.result()
                except BrokenProcessPool:
                    lost.append(futures[future])
                    continue
                done(futures[future], result)
        except BaseException:  # an item raised: cancel the items not started, and raise
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return sorted(lost)


def _on_dask(function: Callable, items: list, scheduler: str, done) -> None:
    try:
        from distributed import Client, as_completed as dask_completed
        from distributed.scheduler import KilledWorker
    except ImportError as err:  # pragma: no cover - a dependency
        raise JobError(f"--scheduler needs dask.distributed ({err})") from None
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError) as err:
        raise JobError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    # a Dask worker was started without this command's environment: send its settings along
    settings = {k: os.environ[k] for k in (QUERY_RLIMIT_VARIABLE, QUERY_SOLVER_VARIABLE,
                                           SOLVER_MEMORY_VARIABLE) if k in os.environ}
    with client:
        futures = client.map(partial(_in_environment, settings, function), items, pure=False)
        order = {f.key: k for k, f in enumerate(futures)}
        for future in dask_completed(futures):
            try:
                result = future.result()
            except KilledWorker as err:  # Dask retried it on other workers already
                result = JobFailure(items[order[future.key]], f"Dask workers died: {err}")
            done(order[future.key], result)


def _in_environment(settings: dict, function: Callable, item):
    """``function(item)`` with the command line's limits for workers (``--rlimit``,
    ``--solver``, ``--solver-memory``) set in this worker's environment first."""
    os.environ.update(settings)
    if SOLVER_MEMORY_VARIABLE in settings:
        from ..encoding.smt import limit_solver_memory
        limit_solver_memory(int(settings[SOLVER_MEMORY_VARIABLE]))
    return function(item)


def write_atomically(path: str, data: str | bytes) -> None:
    """Write text (UTF-8) or bytes so that a reader never sees half a file: a fresh
    temporary file in the same folder, flushed to disk, then renamed into place. A
    write that fails leaves the old file as it was and removes the temporary one."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # umask applies
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def save_figure(fig, path: str, **options) -> None:
    """Save a matplotlib figure atomically, in the format its suffix names (.png, .svg
    or .pdf; the command line checks the suffix before any work)."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        raise ValueError(f"{path}: a picture is a .png, .svg or .pdf file")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=suffix[1:], **options)
    write_atomically(path, buffer.getvalue())
