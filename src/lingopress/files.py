"""Writing the project's files: atomic writes, all-or-nothing groups of them, and what a killed
task left behind.

Every file is written to a temporary file next to it (``.<name>.<random>.tmp``), flushed to
disk and renamed over the old one: a reader, or a task killed at any moment, finds the old file
or the new one, never a mix. A full disk (or any failed write) leaves the old file as it was
and raises :class:`~lingopress.errors.WriteError`, ``path: cannot write: No space left on
device``.

A task that changes several PO files at once (import, update) writes them as a group
(:func:`write_all`): first every new file, as a temporary file; then the journal
``locales/.journal``, which lists the renames to do; then the renames; then the journal is
removed. A task killed (or out of disk space) before its journal is complete changed nothing;
killed after, the next task that writes the project does the remaining renames under the
project lock before it reads anything (:func:`project_writes`): the group is rolled forward,
so no kill leaves the locales at different versions of one import.

That next task also removes the temporary files a killed task left (in ``locales/`` and among
the MO files under ``build/``). Until then git ignores them, and a journal, by the patterns
``.*.tmp`` and ``/locales/.journal`` in ``.gitignore``: a kill never shows in ``git status``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from lingopress.errors import LingopressError, WriteError
from lingopress.lock import DEFAULT_TIMEOUT, is_held, project_lock

if TYPE_CHECKING:
    from lingopress.config import Config

__all__ = [
    "JOURNAL",
    "holds",
    "project_writes",
    "remove_temporary_files",
    "roll_forward",
    "write_all",
    "write_atomic",
]

JOURNAL = ".journal"
"""The name of a group's journal, in the folder whose files the group writes (``locales/``)."""
_JOURNAL_VERSION = 1
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")
"""A temporary file of :func:`tempfile.mkstemp` as this module names them."""


def _shown(path: Path, display: Callable[[Path], str] | None = None) -> str:
    """``path`` as a message shows it: as ``display`` says, else relative to the working folder."""
    if display is not None:
        return display(path)
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _cannot_write(shown: str, exc: OSError) -> WriteError:
    if isinstance(exc, WriteError):
        return exc
    return WriteError(shown, exc.strerror or str(exc), exc.errno)


def holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data`` (False when it cannot be read)."""
    try:
        return path.is_file() and path.read_bytes() == data  # (a FIFO would never end)
    except OSError:
        return False


def _write_temporary(target: Path, data: bytes, durable: bool) -> Path:
    """``data`` in a new temporary file next to ``target``, with ``target``'s permissions; the
    temporary file is removed again when this fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    temporary = Path(name)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
            try:
                mode = target.stat().st_mode & 0o777
            except FileNotFoundError:
                mode = 0o644
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable (where the file system can)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: str | Path, data: bytes, *, durable: bool = True, display: str | None = None) -> bool:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsync and rename.

    Returns False (and touches nothing) when the file already holds exactly these bytes.
    ``durable=False`` skips the fsync (still atomic): for build products, which can be
    regenerated and number in the thousands. A failed write (a full disk) leaves the file as it
    was and raises :class:`WriteError` naming it as ``display`` (default: ``path`` relative to
    the working folder).
    """
    target = Path(path)
    if holds(target, data):
        return False
    try:
        temporary = _write_temporary(target, data, durable)
        try:
            temporary.replace(target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise _cannot_write(display or _shown(target), exc) from exc
    return True


def write_all(
    files: Sequence[tuple[Path, bytes]], folder: Path, *, display: Callable[[Path], str] | None = None
) -> None:
    """Write each ``(path, data)`` of ``files`` (all under ``folder``): all of them or, against
    a kill or a full disk, none.

    New contents go to temporary files first; then ``folder/.journal`` lists the renames; then
    they are done and the journal removed. A failure before the journal is written removes the
    temporary files and raises :class:`WriteError` (nothing changed); a kill after it leaves the
    rest to :func:`roll_forward`, which the next task that writes the project calls.
    """
    journal = folder / JOURNAL
    if journal.exists():
        roll_forward(folder, display=display)  # a group before this one, left by a kill: finished first
    if len(files) == 1:
        path, data = files[0]
        write_atomic(path, data, display=None if display is None else display(path))
        return
    renames: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            try:
                renames.append((_write_temporary(path, data, durable=True), path))
            except OSError as exc:
                raise _cannot_write(_shown(path, display), exc) from exc
        if not renames:
            return
        record = {
            "journal": _JOURNAL_VERSION,
            "renames": [
                [temporary.relative_to(folder).as_posix(), path.relative_to(folder).as_posix()]
                for temporary, path in renames
            ],
        }
        write_atomic(journal, json.dumps(record, indent=1).encode("utf-8"), display=_shown(journal, display))
        _sync_folder(folder)
    except BaseException:
        for temporary, _ in renames:
            temporary.unlink(missing_ok=True)
        raise
    # The journal is written: from here on, whatever stops this, the next task finishes it.
    for temporary, path in renames:
        try:
            temporary.replace(path)
        except OSError as exc:
            raise _cannot_write(_shown(path, display), exc) from exc
    for changed in sorted({path.parent for _, path in renames}):
        _sync_folder(changed)
    journal.unlink()
    _sync_folder(folder)


def _journal_entry(folder: Path, entry: object) -> tuple[Path, Path] | None:
    """A rename of the journal as (temporary file, target), both checked to be files of
    ``folder`` where this module puts them; None for anything else."""
    if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(p, str) for p in entry)):
        return None
    parts = [p.split("/") for p in entry]
    for names in parts:
        if {"", ".", ".."} & set(names) or any("\\" in name or "\0" in name for name in names):
            return None
    temporary, target = (folder.joinpath(*p) for p in parts)
    match = _TEMP_RE.match(temporary.name)
    if temporary.parent != target.parent or match is None or match["name"] != target.name:
        return None
    return temporary, target


def roll_forward(folder: Path, *, display: Callable[[Path], str] | None = None) -> list[Path]:
    """Finish the group of writes whose journal a killed task left in ``folder``; returns the
    files it renamed into place (none when there is no journal). Call it holding the project
    lock. A journal that cannot be read is an error that says how to drop it."""
    journal = folder / JOURNAL
    try:
        text = journal.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise LingopressError(
            f"cannot read the journal of an interrupted write: {exc.strerror}", _shown(journal, display)
        ) from exc
    try:
        record = json.loads(text.decode("utf-8"))
        entries = record["renames"] if record.get("journal") == _JOURNAL_VERSION else None
        renames = [_journal_entry(folder, e) for e in entries] if isinstance(entries, list) else [None]
    except (ValueError, TypeError, KeyError, AttributeError):
        renames = [None]
    if any(r is None for r in renames):
        raise LingopressError(
            "not the journal of an interrupted write; remove it to leave the files as they are",
            _shown(journal, display),
        )
    done = []
    for temporary, target in (r for r in renames if r is not None):
        try:
            info = temporary.lstat()
        except FileNotFoundError:
            continue  # renamed before the kill
        if not stat.S_ISREG(info.st_mode):
            continue
        try:
            temporary.replace(target)
        except OSError as exc:
            raise _cannot_write(_shown(target, display), exc) from exc
        done.append(target)
    for changed in sorted({target.parent for target in done}):
        _sync_folder(changed)
    journal.unlink()
    _sync_folder(folder)
    return done


def remove_temporary_files(folders: Iterable[Path]) -> list[Path]:
    """Remove the temporary files of this module's writes in ``folders`` (not in their
    subfolders), which only a killed task leaves; returns them. Call it holding the project
    lock: every task that writes there holds it too."""
    removed = []
    for folder in folders:
        try:
            paths = list(folder.iterdir())
        except OSError:
            continue
        for path in paths:
            if _TEMP_RE.match(path.name) is None:
                continue
            with contextlib.suppress(OSError):
                if not stat.S_ISDIR(path.lstat().st_mode):
                    path.unlink()
                    removed.append(path)
    return removed


@contextmanager
def project_writes(
    config: Config,
    task: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    messages: TextIO | None = None,
) -> Iterator[None]:
    """Hold the project lock (:func:`lingopress.lock.project_lock`) while the block runs, and
    first finish what a killed task left: a journal's renames, its temporary files. Nested in
    another task that holds the lock (build calls compile), it only keeps the lock."""
    first = not is_held(config.build_dir)
    with project_lock(config.build_dir, task, timeout=timeout, messages=messages):
        if first:
            finished = roll_forward(config.locales_dir, display=config.relative)
            if finished:
                print(
                    f"{config.relative(config.locales_dir / JOURNAL)}: finished writing"
                    f" {len(finished)} files that an interrupted task left",
                    file=messages or sys.stderr,
                    flush=True,
                )
            folders = [config.locales_dir]
            for parent in (config.locales_dir, config.build_dir / "locale"):
                with contextlib.suppress(OSError):
                    folders.extend(p / "LC_MESSAGES" for p in sorted(parent.iterdir()) if p.is_dir())
            remove_temporary_files(folders)
        yield
