"""Work spread over every core, for the tasks that read a whole project (extract, check, update,
compile; the build has its own pool, see :mod:`lingopress.build`).

The workers are forked: they start with what the caller has already read (templates,
glossaries, the configuration) in a module-level variable, and only their results travel
back. Where fork is not available, or the work is small, it runs in this process.

They are plain forks that share a pipe of chunk numbers and write their results to a pipe
each, not a :class:`concurrent.futures.ProcessPoolExecutor`: importing that (sockets, queues,
threads) and starting its threads took about 30 ms of this process's time, a tenth of
extracting 250 articles.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import struct
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["WorkerError", "cores", "map_chunks"]

T = TypeVar("T")
R = TypeVar("R")

_INDEX = struct.Struct("<I")
"""A chunk's number in the pipe of work (4 bytes: each read of it takes one, whole)."""
_LENGTH = struct.Struct("<Q")
"""The length of a pickled result, before it in a worker's pipe."""


class WorkerError(RuntimeError):
    """A worker process ended before it gave back all its results (killed, out of memory)."""


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
    processes when there are at least ``min_items``. ``function`` and the items are not sent to
    the workers, who have them from the fork; the results and exceptions come back pickled.
    An exception in a chunk is raised here, after the chunks before it (with a note of where
    in the worker it was raised); a worker that dies is a :class:`WorkerError`.

    ``meanwhile`` is called in this process while the workers run (first, when there are
    none); an exception it raises is raised here, before those of the chunks.
    """
    processes = cores()
    if processes < 2 or len(items) < min_items or not hasattr(os, "fork"):
        if meanwhile is not None:
            meanwhile()
        return function(list(items))
    size = max(1, -(-len(items) // (processes * chunks_per_core)))
    chunks = [list(items[start : start + size]) for start in range(0, len(items), size)]
    # What this process holds is frozen while the workers run: their garbage collections skip
    # it instead of touching (and so copying) every page they share with this process, and
    # so do this process's own, made while the results come in. (A process that froze its
    # objects itself keeps them frozen, with those made since.)
    thawed = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        return _forked(function, chunks, min(processes, len(chunks)), meanwhile)
    finally:
        if thawed:
            gc.unfreeze()


def _forked(
    function: Callable[[list[T]], list[R]],
    chunks: list[list[T]],
    processes: int,
    meanwhile: Callable[[], object] | None,
) -> list[R]:
    # The chunk numbers, written before any worker starts: each worker takes the next one
    # when it is free, so a slower core does fewer.
    work, work_end = os.pipe()
    os.write(work_end, b"".join(_INDEX.pack(i) for i in range(len(chunks))))
    os.close(work_end)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # or a worker would write what is buffered again when it ends
    workers: dict[int, int] = {}  # the read end of its pipe -> its process id
    finished = False  # every worker has closed its pipe
    try:
        for _ in range(processes):
            results, results_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the worker
                os.close(results)
                _work(function, chunks, work, results_end)  # never returns
            os.close(results_end)
            workers[results] = pid
        os.close(work)
        work = -1
        if meanwhile is not None:
            meanwhile()
        done = _collect(list(workers))
        finished = True
        found: list[R] = []
        for index in range(len(chunks)):
            if index not in done:
                raise WorkerError(f"a worker process ended before its work was done (part {index + 1})")
            ok, value = done[index]
            if not ok:
                raise value
            found.extend(value)
        return found
    finally:
        if work >= 0:
            os.close(work)
        _end(workers, stop=not finished)


def _work(function: Callable[[list[T]], list[R]], chunks: list[list[T]], work: int, out: int) -> None:
    """A worker's life: chunks taken from ``work`` until there are none, each one's results (or
    exception) written to ``out``; then the process ends, without running what the parent
    process would at its exit."""
    status = 0
    try:
        with os.fdopen(out, "wb") as pipe:
            while taken := os.read(work, _INDEX.size):
                (index,) = _INDEX.unpack(taken)
                try:
                    result: tuple[bool, Any] = (True, function(chunks[index]))
                except BaseException as exc:  # given back, to be raised in the parent process
                    exc.add_note("in a worker process:\n" + traceback.format_exc())
                    result = (False, exc)
                data = _pickled(index, *result)
                pipe.write(_LENGTH.pack(len(data)))
                pipe.write(data)
                pipe.flush()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _pickled(index: int, ok: bool, value: Any) -> bytes:
    """A chunk's results (``ok``) or exception, pickled; what cannot be pickled, or made again
    from its pickle (an exception whose arguments are not those of its class), is sent as a
    :class:`RuntimeError` that says what it was."""
    try:
        data = pickle.dumps((index, ok, value), pickle.HIGHEST_PROTOCOL)
        if not ok:
            pickle.loads(data)
        return data
    except Exception as exc:
        what = f"{type(value).__name__}: {value}" if not ok else "the results"
        problem = RuntimeError(f"{what} (cannot be sent from a worker process: {exc})")
        return pickle.dumps((index, False, problem), pickle.HIGHEST_PROTOCOL)


def _collect(pipes: list[int]) -> dict[int, tuple[bool, Any]]:
    """Every result the workers write, by chunk number, read as it comes from all their pipes
    (a worker whose pipe is full waits until it is read) until each one is closed."""
    buffers = {fd: bytearray() for fd in pipes}
    done: dict[int, tuple[bool, Any]] = {}
    poll = select.poll()
    for fd in pipes:
        poll.register(fd, select.POLLIN)
    while buffers:
        for fd, _ in poll.poll():
            data = os.read(fd, 1 << 20)
            if not data:  # closed: the worker is done
                poll.unregister(fd)
                del buffers[fd]
                continue
            buffer = buffers[fd]
            buffer += data
            while len(buffer) >= _LENGTH.size:
                (length,) = _LENGTH.unpack_from(buffer)
                end = _LENGTH.size + length
                if len(buffer) < end:
                    break
                index, ok, value = pickle.loads(buffer[_LENGTH.size : end])
                del buffer[:end]
                done[index] = (ok, value)
    return done


def _end(workers: dict[int, int], stop: bool) -> None:
    """Close the pipes and wait for the workers; ``stop``: they may still be at work (this
    process was interrupted, or ``meanwhile`` failed), and are stopped first."""
    for fd, pid in workers.items():
        os.close(fd)
        try:
            if stop:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass
