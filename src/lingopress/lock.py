"""The project lock: one writer of ``locales/`` and ``build/`` at a time.

Every task that writes the project's catalogs or its build (extract, update, import, compile,
build) runs inside :func:`project_lock`. A second writer waits for the first, saying whom it
waits for, and gives up with an error after ``timeout`` seconds; so no interleaving of tasks can
write a catalog from a copy read before another task's write.

The lock is an advisory ``flock`` on ``build/.cache/lock``: the kernel releases it when its
holder exits, however it exits (a killed task leaves no stale lock behind). The file holds the
holder's task name and process id, for the message of whoever waits.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from lingopress.errors import LingopressError

__all__ = ["DEFAULT_TIMEOUT", "lock_path", "project_lock"]

DEFAULT_TIMEOUT = 600.0
"""Seconds a task waits for another one before it gives up."""

_POLL = 0.05
_held: dict[Path, int] = {}
"""Locks this process holds, with their depth: a task that calls another keeps its lock."""


def lock_path(build_dir: Path) -> Path:
    """The lock file of the project whose build folder is ``build_dir``."""
    return build_dir / ".cache" / "lock"


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return "another task"
    return text or "another task"


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LingopressError(f"cannot open the project lock: {exc.strerror}", path) from exc
    try:
        deadline = time.monotonic() + timeout
        said = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(fd)
                if time.monotonic() >= deadline:
                    raise LingopressError(
                        f"the project is locked by {holder}; gave up after {timeout:g} s"
                        " (if no other task runs, try again: the lock ends with its holder)",
                        path,
                    ) from None
                if not said:
                    print(f"waiting for {holder} to finish...", file=messages or sys.stderr, flush=True)
                    said = True
                time.sleep(_POLL)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{task} (pid {os.getpid()})\n".encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
