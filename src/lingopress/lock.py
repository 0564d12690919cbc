"""The project lock: one writer of ``locales/`` and ``build/`` at a time.

Every task that writes the project's catalogs or its build (extract, update, import, compile,
build) runs inside :func:`project_lock`. A second writer waits for the first, saying whom it
waits for, and gives up with an error after ``timeout`` seconds; so no interleaving of tasks can
write a catalog from a copy read before another task's write.

The lock is an advisory ``flock`` on ``build/.cache/lock``: the kernel releases it when its
holder exits, however it exits (a killed task leaves no stale lock behind). The file holds the
holder's task name and process id, for the message of whoever waits. A lock file removed while
a task waits (``rm -rf build``) is not trusted: the task locks the new one.

The lock is held per process, not per thread: a task that calls another (build calls compile)
keeps it, and so do the worker processes it forks, which share its open lock file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from lingopress.errors import LingopressError

__all__ = ["DEFAULT_TIMEOUT", "is_held", "lock_path", "project_lock"]

DEFAULT_TIMEOUT = 600.0
"""Seconds a task waits for another one before it gives up."""

_POLL = 0.05
_ANONYMOUS = "another task"
"""The holder, while it has not written its name yet."""
_held: dict[Path, int] = {}
"""Locks this process holds, with their depth: a task that calls another keeps its lock."""


def lock_path(build_dir: Path) -> Path:
    """The lock file of the project whose build folder is ``build_dir``."""
    return build_dir / ".cache" / "lock"


def is_held(build_dir: Path) -> bool:
    """Whether this process (or the process that forked it) holds the project lock."""
    return lock_path(build_dir).absolute() in _held


def _shown(path: Path) -> str:
    """``path`` as a message shows it: relative to the working folder when under it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd`` (not removed or replaced)."""
    try:
        named = path.stat()
    except OSError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return _ANONYMOUS
    return text or _ANONYMOUS


@contextmanager
def project_lock(
    build_dir: Path,
    task: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    messages: TextIO | None = None,
) -> Iterator[None]:
    """Hold the project lock while the block runs; wait up to ``timeout`` seconds for it.

    ``task`` names the holder in the message of a task that waits ("invoke update"). While it
    waits, one line goes to ``messages`` (standard error by default).
    """
    path = lock_path(build_dir).absolute()
    if path in _held:
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    deadline = time.monotonic() + timeout
    said: set[str] = set()
    while True:
        fd = _open(path)
        try:
            if _acquire(fd, path, deadline, timeout, said, messages):
                break
        except BaseException:
            os.close(fd)
            raise
        # The lock file was removed or replaced while this task waited: lock the new one.
        os.close(fd)
    try:
        with contextlib.suppress(OSError):  # only for the message of whoever waits (full disk)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{task} (pid {os.getpid()})\n".encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LingopressError(f"cannot open the project lock: {exc.strerror}", _shown(path)) from exc


def _acquire(
    fd: int, path: Path, deadline: float, timeout: float, said: set[str], messages: TextIO | None
) -> bool:
    """Wait for the lock on ``fd`` until ``deadline``, telling whom for (once per holder, kept
    in ``said``); False when, once it is taken, ``path`` turns out to be another file than the
    one locked."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            if time.monotonic() >= deadline:
                raise LingopressError(
                    f"the project is locked by {holder}; gave up after {timeout:g} s"
                    " (if no other task runs, try again: the lock ends with its holder)",
                    _shown(path),
                ) from None
            if holder not in said and not (said and holder == _ANONYMOUS):
                print(f"waiting for {holder} to finish...", file=messages or sys.stderr, flush=True)
                said.add(holder)
            time.sleep(_POLL)
            continue
        if _same_file(fd, path):
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
