"""The build's worker processes: batches of jobs run here or, when there are enough, in a pool.

The pool is the project's one pool (:func:`lingopress.parallel.start_pool`), started once on
first need and shared by the build's phases. Its processes are forked where the system can:
they start with the modules imported and with this process's :class:`Worker` (the
configuration read, Markdown and the templates set up once, not once each).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from lingopress.build.work import Worker
from lingopress.config import Config, load_config
from lingopress.parallel import cores, fork_available, start_pool
from lingopress.pseudo import with_pseudo_config
from lingopress.render import Renderer

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["BATCH", "FILES_PER_JOB", "POOL_MIN_JOBS", "Runner", "batches"]

BATCH = 25
"""Pages per task sent to a worker: large enough to amortise the round trip, small enough to balance."""
FILES_PER_JOB = 500
"""Input files hashed per task sent to a worker."""
POOL_MIN_JOBS = 48
"""Below this many pages (or files), starting worker processes costs more than it saves."""

J = TypeVar("J")
R = TypeVar("R")

_worker: Worker | None = None
"""This process's worker (in a pool's process: the one it was forked with, or made at its start)."""


def _init_worker(root: str | None, pseudo: bool) -> None:
    """A worker process's set-up: a forked one already has this process's worker (see
    :meth:`Runner._start`); another reads the configuration again."""
    global _worker
    if root is not None:
        config = load_config(root)
        _worker = Worker(with_pseudo_config(config) if pseudo else config)


def _run_in_worker(task: Callable[[Worker, J], R], jobs: Sequence[J]) -> list[R]:
    assert _worker is not None
    return [task(_worker, job) for job in jobs]


def batches(jobs: Sequence[J], size: int) -> list[list[J]]:
    size = max(1, size)
    return [list(jobs[start : start + size]) for start in range(0, len(jobs), size)]


class Runner:
    """Runs batches of jobs in this process or in the pool."""

    def __init__(self, config: Config, jobs: int | None, pseudo: bool = False):
        self.config = config
        self.pseudo = pseudo
        """``config`` has the pseudo-locales (a worker that is not forked adds them too)."""
        self.processes = jobs or cores()
        self._local: Worker | None = None
        self._pool: ProcessPoolExecutor | None = None

    def run(
        self,
        task: Callable[[Worker, J], R],
        work: list[list[J]],
        done: Callable[[list[J], list[R]], None] | None = None,
        weight: int = 1,
    ) -> list[R]:
        """``task`` applied to every job of the batches ``work``, the results in order; ``done``
        is called with each batch and its results as they come. ``weight``: the pages (or
        files) a job stands for, when deciding on a pool."""
        results: list[R] = []
        total = weight * sum(len(batch) for batch in work)
        if self._pool is None and (self.processes <= 1 or total < POOL_MIN_JOBS):
            local = self.worker()
            for batch in work:
                found = [task(local, job) for job in batch]
                results.extend(found)
                if done is not None:
                    done(batch, found)
            return results
        pool = self._start()
        futures: list[tuple[list[J], Future[list[R]]]] = [
            (batch, pool.submit(_run_in_worker, task, batch)) for batch in work
        ]
        for batch, future in futures:
            found = future.result()
            results.extend(found)
            if done is not None:
                done(batch, found)
        return results

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            fork = fork_available()
            if fork:
                global _worker
                _worker = self.worker()
                self.renderer()  # made now, before the workers are forked
            root = None if fork else str(self.config.root)
            self._pool = start_pool(self.processes, _init_worker, (root, self.pseudo))
        return self._pool

    def worker(self) -> Worker:
        """This process's worker (made once)."""
        if self._local is None:
            self._local = Worker(self.config)
        return self._local

    def renderer(self) -> Renderer:
        """The renderer of this process's worker (made once)."""
        return self.worker().renderer

    def close(self) -> None:
        global _worker
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
            _worker = None
