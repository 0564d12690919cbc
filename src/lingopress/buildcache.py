"""The build cache (build/.cache/build.json): content hashes of the build's inputs, what was learnt
from each input, and the key each output was made from.

An input's hash is trusted while its size and modification time are unchanged, so an
unchanged site is decided from ``stat`` calls alone; a file whose time is too recent to be
told apart from a later edit in the same clock tick is hashed again next time. A cache that
cannot be read, is of another version, or was made by other code is ignored, never an error.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lingopress.pofile import write_atomic

__all__ = [
    "CACHE_VERSION",
    "BuildCache",
    "FileFact",
    "code_digest",
    "digest_bytes",
    "digest_parts",
    "key_of",
    "read_facts",
    "read_file",
    "tree_digest",
]

CACHE_VERSION = 1
FileFact = tuple[int, int, str]
"""What the cache knows of an input file: its size, modification time (ns) and content hash."""
_RACY_NS = 2_000_000_000
"""Files modified this shortly (2 s) before the cache is saved are hashed again next time."""


def digest_bytes(data: bytes) -> str:
    """A short content hash.

    >>> digest_bytes(b"")
    'cae66941d9efbd404e4d88758ea67670'
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_file(path: str | Path) -> tuple[FileFact, bytes] | None:
    """A file's :data:`FileFact` (its size and time taken before reading it) and its bytes; None
    when it cannot be read or is not a regular file (a FIFO or a device would never end: it is
    refused where it is read as an input)."""
    # os.open and os.read, not open(): called per input file, and a file object's layers cost
    # more than reading a small file (13 us instead of 22 us for a 6 KB POT file).
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # opening a FIFO would wait for a writer
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        # Read to its end: the first read asks for one byte more than its size (a file that grew
        # since, or a read cut short, goes on), the last one finds the end.
        pieces = []
        want = st.st_size + 1
        while piece := os.read(fd, want):
            pieces.append(piece)
            want = 1 << 20
        data = b"".join(pieces)
    finally:
        os.close(fd)
    return (st.st_size, st.st_mtime_ns, digest_bytes(data)), data


def read_facts(paths: Sequence[str]) -> list[FileFact | None]:
    """The :data:`FileFact` of each file (None for one that cannot be read)."""
    facts: list[FileFact | None] = []
    for path in paths:
        found = read_file(path)
        facts.append(None if found is None else found[0])
    return facts


def digest_parts(*parts: object) -> str:
    """The hash of several values (strings, numbers, None, lists of them), kept apart unambiguously."""
    return digest_bytes(json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def key_of(*parts: str | bool | None) -> str:
    """The hash of a few short strings, cheaper than :func:`digest_parts` (it runs once per page).

    >>> key_of("a", None) != key_of("a", "")
    True

    (The parts are hashes, names and flags, so ``None`` and ``"None"`` never meet.)
    """
    return digest_bytes("\x1f".join(map(str, parts)).encode("utf-8"))


_LIBRARIES = ("babel", "jinja2", "markdown")
"""The libraries whose version changes what lingopress makes."""


def code_digest() -> str:
    """The package's own source and the libraries that shape what it makes: another code, another
    cache (a change rebuilds everything). A library is known by its ``__init__.py`` (which
    holds its version), found without importing it: an extraction needs Jinja2 only when the
    templates changed."""
    package = Path(__file__).resolve().parent
    parts: list[object] = [sys.version]
    for name in _LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None and spec.has_location else None
        try:
            st = os.stat(origin) if origin else None  # noqa: PTH116
        except OSError:
            st = None
        parts.append([name, origin, st.st_size if st else None, st.st_mtime_ns if st else None])
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        parts.append([path.relative_to(package).as_posix(), st.st_size, st.st_mtime_ns])
    return digest_parts(*parts)


@dataclass(slots=True)
class BuildCache:
    """What the previous builds knew."""

    code: str = ""
    """Hash of the code and libraries that made the cache: another code, another cache."""
    root: str = ""
    """Input paths under this folder are kept relative to it (a smaller cache, and one that
    survives moving the project)."""
    files: dict[str, list[Any]] = field(default_factory=dict)
    """Input path -> [size, mtime_ns, digest]."""
    memo: dict[str, Any] = field(default_factory=dict)
    """Facts derived from inputs, keyed by the hash of those inputs."""
    outputs: dict[str, list[Any]] = field(default_factory=dict)
    """Output path (relative to build/) -> [input key, locale name or None, ...what the build keeps]."""
    loaded: bool = False
    """Whether this cache came from disk (False: first build, or the old cache was unusable)."""
    dirty: bool = True
    """Whether anything changed since it was loaded (a cache that did not is not written again)."""
    _used_files: set[str] = field(default_factory=set)
    _used_memo: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, path: Path, code: str, root: str = "") -> BuildCache:
        try:
            data = json.loads(path.read_bytes())
            if (
                not isinstance(data, dict)
                or data.get("version") != CACHE_VERSION
                or data.get("code") != code
                or not all(isinstance(data.get(k), dict) for k in ("files", "memo", "outputs"))
            ):
                return cls(code=code, root=root)
            files = {
                k: v
                for k, v in data["files"].items()
                if isinstance(v, list)
                and len(v) == 3
                and isinstance(v[0], int)
                and isinstance(v[1], int)
                and isinstance(v[2], str)
            }
            outputs = {
                k: v
                for k, v in data["outputs"].items()
                if isinstance(v, list) and len(v) in (2, 4) and isinstance(v[0], str)
            }
            return cls(
                code=code,
                root=root,
                files=files,
                memo=data["memo"],
                outputs=outputs,
                loaded=True,
                dirty=False,
            )
        except (OSError, ValueError, UnicodeDecodeError):
            return cls(code=code, root=root)

    def save(self, path: Path, prune: bool = True) -> None:
        """Write the cache when it changed. ``prune`` drops what this build did not use (see
        :func:`_kept`); without it, everything is kept (a build stopped early used little)."""
        if not self.dirty and path.is_file():
            return
        # A file changed within the last tick could change again with the same size and time
        # after this save: its time is not trusted (git's "racy clean" rule).
        racy = time.time_ns() - _RACY_NS
        kept_files = _kept(self.files, self._used_files) if prune else self.files
        files = {k: [v[0], -1 if v[1] > racy else v[1], v[2]] for k, v in sorted(kept_files.items())}
        data = {
            "version": CACHE_VERSION,
            "code": self.code,
            "files": files,
            "memo": dict(sorted((_kept(self.memo, self._used_memo) if prune else self.memo).items())),
            "outputs": dict(sorted(self.outputs.items())),
        }
        write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"), durable=False)

    def _file_key(self, full: str) -> str:
        prefix = self.root + "/" if self.root else ""
        key = full[len(prefix) :] if prefix and full.startswith(prefix) else full
        self._used_files.add(key)
        return key

    def record_file(self, path: str | Path, fact: FileFact) -> None:
        """Keep what another process found of the file ``path`` (its size and time taken before
        it read the bytes it hashed)."""
        key = self._file_key(str(path))
        if self.files.get(key) != list(fact):
            self.files[key] = list(fact)
            self.dirty = True

    def file_digest(self, path: str | Path) -> str | None:
        """The content hash of ``path`` (None when it does not exist), from the cache when its
        size and modification time did not change."""
        return self.file_digests([str(path)], read_facts)[0]

    def file_digests(
        self, paths: Sequence[str], read: Callable[[list[str]], list[FileFact | None]]
    ) -> list[str | None]:
        """The content hash of every path in ``paths`` (None for a file that does not exist or
        cannot be read), from the cache when its size and modification time did not change;
        the files the cache does not know are hashed by ``read`` all at once (in worker
        processes, on a large site: see :func:`read_facts`). With an empty cache, no file is
        looked at here: ``read`` takes them all."""
        found: list[str | None] = [None] * len(paths)
        todo: list[int] = []
        for index, full in enumerate(paths):
            if not self.files:
                todo.append(index)
                continue
            key = self._file_key(full)
            try:
                st = os.stat(full)  # noqa: PTH116 -- called per input file
            except FileNotFoundError:
                if self.files.pop(key, None) is not None:
                    self.dirty = True
                continue
            known = self.files.get(key)
            if known is not None and known[0] == st.st_size and known[1] == st.st_mtime_ns:
                found[index] = str(known[2])
            else:
                todo.append(index)
        for index, fact in zip(todo, read([paths[i] for i in todo]) if todo else [], strict=True):
            if fact is not None:
                self.record_file(paths[index], fact)
                found[index] = fact[2]
            elif self.files.pop(self._file_key(paths[index]), None) is not None:
                self.dirty = True
        return found

    def get(self, key: str) -> Any:
        """A memoized fact, or None."""
        value = self.memo.get(key)
        if value is not None:
            self._used_memo.add(key)
        return value

    def put(self, key: str, value: Any) -> Any:
        if self.memo.get(key) != value:
            self.memo[key] = value
            self.dirty = True
        self._used_memo.add(key)
        return value

    def set_output(self, out: str, entry: list[Any]) -> None:
        """Record what the output ``out`` (relative to build/) was made from."""
        if self.outputs.get(out) != entry:
            self.outputs[out] = entry
            self.dirty = True

    def drop_output(self, out: str) -> None:
        if self.outputs.pop(out, None) is not None:
            self.dirty = True


def _kept(entries: dict[str, Any], used: set[str]) -> dict[str, Any]:
    """What to keep of ``entries``: everything while the unused ones are not more than the used
    ones, else only the used ones. A build that did not need some facts (a forced build skips
    the gate, a sharded one most locales) does not throw them away, and the cache stays
    within twice what one build needs."""
    if len(entries) - len(used) <= max(len(used), 1000):
        return entries
    return {k: v for k, v in entries.items() if k in used}


def tree_digest(cache: BuildCache, folder: Path) -> str:
    """The hash of every file under ``folder``, with their relative paths ("" for no folder)."""
    if not folder.is_dir():
        return ""
    # Strings and os.walk, not pathlib: on a large site this lists every PO file of every build.
    root = str(folder)
    files = sorted(f"{top}/{name}" for top, _, names in os.walk(root) for name in names)
    start = len(root) + 1
    return digest_parts(*[[path[start:], cache.file_digest(path)] for path in files])
