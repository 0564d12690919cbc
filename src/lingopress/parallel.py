"""Work spread over every core: the one worker pool of every task that reads a whole project
(extract, check, update, compile, build).

The pool is a :class:`concurrent.futures.ProcessPoolExecutor` whose workers are forked where
the system can: they start with what the caller has already read (templates, glossaries, the
configuration, the build's renderer), and only the work's results travel back. Where fork is
not available, or the work is small, it runs in this process. :func:`start_pool` gives the
pool itself (the build keeps one for its phases); :func:`map_chunks` maps a function over
chunks of items with one.

Measured against the hand-written forks (a pipe of chunk numbers, a result pipe per worker)
this module had before, with ``benchmarks/bench.py --sizes 1000`` side by side: the pool's
import (about 18 ms) and its start and stop (about 12 ms, against 6) cost a task that
uses it some 25-30 ms, once per task, not per page: a fifth of extracting 100 articles, a
small part of any stage at 10,000 pages, and nothing on the seed site, which is too small
to start a pool.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

__all__ = ["WorkerError", "cores", "fork_available", "map_chunks", "start_pool"]

T = TypeVar("T")
R = TypeVar("R")
Ts = TypeVarTuple("Ts")


class WorkerError(RuntimeError):
    """A worker process ended before it gave back all its results (killed, out of memory)."""


def cores() -> int:
    """The processes worth starting: one per core, at most eight."""
    return min(os.cpu_count() or 1, 8)


def fork_available() -> bool:
    return hasattr(os, "fork")


def start_pool(
    processes: int,
    initializer: Callable[[*Ts], object] | None = None,
    initargs: tuple[*Ts] = (),  # type: ignore[assignment]
) -> ProcessPoolExecutor:
    """A pool of ``processes`` workers, forked from this process where the system can (else
    spawned: ``initializer`` then has to set up what they need)."""
    import multiprocessing  # imported on first need: a small project runs in this process
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if fork_available() else "spawn"
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or a worker would write what is buffered again when it ends
    context = multiprocessing.get_context(method)
    if initializer is None:
        return ProcessPoolExecutor(processes, mp_context=context)
    return ProcessPoolExecutor(processes, mp_context=context, initializer=initializer, initargs=initargs)


_work: tuple[Callable[[list[Any]], list[Any]], list[list[Any]]] | None = None
"""The function and chunks of the running :func:`map_chunks` (the forked workers have them)."""


def map_chunks(
    function: Callable[[list[T]], list[R]],
    items: Sequence[T],
    min_items: int,
    chunks_per_core: int = 4,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """``function`` applied to consecutive chunks of ``items``, the results in order; in worker
    processes when there are at least ``min_items``. ``function`` and the items are not sent to
    the workers, who have them from the fork; the results and exceptions come back pickled.
    An exception in a chunk is raised here, after the chunks before it (with a note of where
    in the worker it was raised); a worker that dies is a :class:`WorkerError`.

    ``meanwhile`` is called in this process while the workers run (first, when there are
    none); an exception it raises is raised here, before those of the chunks.
    """
    global _work
    processes = cores()
    if processes < 2 or len(items) < min_items or not fork_available():
        if meanwhile is not None:
            meanwhile()
        return function(list(items))
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, -(-len(items) // (processes * chunks_per_core)))
    chunks = [list(items[start : start + size]) for start in range(0, len(items), size)]
    # What this process holds is frozen while the workers run: their garbage collections skip
    # it instead of touching (and so copying) every page they share with this process, and
    # so do this process's own, made while the results come in. (A process that froze its
    # objects itself keeps them frozen, with those made since.)
    thawed = gc.get_freeze_count() == 0
    gc.freeze()
    _work = (function, chunks)
    pool = start_pool(min(processes, len(chunks)))
    finished = False
    try:
        futures = [pool.submit(_chunk, index) for index in range(len(chunks))]
        if meanwhile is not None:
            meanwhile()
        found: list[R] = []
        for index, future in enumerate(futures):
            try:
                data = future.result()
            except BrokenProcessPool:
                raise WorkerError(
                    f"a worker process ended before its work was done (part {index + 1})"
                ) from None
            ok, value = pickle.loads(data)
            if not ok:
                raise value
            found.extend(value)
        finished = True
        return found
    finally:
        pool.shutdown(wait=True, cancel_futures=not finished)
        _work = None
        if thawed:
            gc.unfreeze()


def _chunk(index: int) -> bytes:
    """In a worker: one chunk's results, or the exception it raised, pickled here so that what
    cannot be sent back is told as such (see :func:`_pickled`)."""
    assert _work is not None
    function, chunks = _work
    try:
        return _pickled(True, function(chunks[index]))
    except BaseException as exc:  # given back, to be raised in the parent process
        exc.add_note("in a worker process:\n" + traceback.format_exc())
        return _pickled(False, exc)


def _pickled(ok: bool, value: Any) -> bytes:
    """Results (``ok``) or an exception, pickled; what cannot be pickled, or made again from its
    pickle (an exception whose arguments are not those of its class), is sent as a
    :class:`RuntimeError` that says what it was."""
    try:
        data = pickle.dumps((ok, value), pickle.HIGHEST_PROTOCOL)
        if not ok:
            pickle.loads(data)
        return data
    except Exception as exc:
        what = f"{type(value).__name__}: {value}" if not ok else "the results"
        problem = RuntimeError(f"{what} (cannot be sent from a worker process: {exc})")
        return pickle.dumps((False, problem), pickle.HIGHEST_PROTOCOL)
