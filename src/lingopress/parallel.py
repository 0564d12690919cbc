"""Work spread over every core, for the tasks that read a whole project (extract, check, update,
compile; the build has its own pool, see :mod:`lingopress.build`).

The workers are forked: they start with what the caller has already read (templates,
glossaries, the configuration) in a module-level variable, and only their results travel
back. Where fork is not available, or the work is small, it runs in this process.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

__all__ = ["cores", "map_chunks"]

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The processes worth starting: one per core, at most eight."""
    return min(os.cpu_count() or 1, 8)


def map_chunks(
    function: Callable[[list[T]], list[R]],
    items: Sequence[T],
    min_items: int,
    chunks_per_core: int = 4,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """``function`` applied to consecutive chunks of ``items``, the results in order; in worker
    processes when there are at least ``min_items``. ``function`` must be a module-level
    function (or a ``functools.partial`` of one). An exception in a chunk is raised here, after
    the chunks before it.

    ``meanwhile`` is called in this process while the workers run (first, when there are
    none); an exception it raises is raised here, before those of the chunks.
    """
    processes = cores()
    context = _fork_context() if processes > 1 and len(items) >= min_items else None
    if context is None:
        if meanwhile is not None:
            meanwhile()
        return function(list(items))
    size = max(1, -(-len(items) // (processes * chunks_per_core)))
    chunks = [list(items[start : start + size]) for start in range(0, len(items), size)]
    from concurrent.futures import ProcessPoolExecutor

    # What this process holds is frozen while the workers run: their garbage collections skip
    # it instead of touching (and so copying) every page they share with this process, and
    # so do this process's own, made while the results come in. (A process that froze its
    # objects itself keeps them frozen, with those made since.)
    thawed = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            results = pool.map(function, chunks)
            if meanwhile is not None:
                meanwhile()
            return [result for chunk in results for result in chunk]
    finally:
        if thawed:
            gc.unfreeze()


def _fork_context() -> BaseContext | None:
    """Forked processes' context, where fork is available."""
    import multiprocessing  # not needed (nor its import time) for a small project

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")
