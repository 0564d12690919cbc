"""Reading an input file (article, catalog, glossary, configuration) safely: a regular file of a
bounded size, or a one-line error naming it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lingopress.errors import LingopressError

__all__ = [
    "MAX_ARTICLE_BYTES",
    "MAX_CATALOG_BYTES",
    "MAX_CONFIG_BYTES",
    "MAX_GLOSSARY_BYTES",
    "MAX_TEMPLATE_BYTES",
    "read_input",
]

_MIB = 1 << 20
MAX_CATALOG_BYTES = 64 * _MIB
"""A PO or POT file: four times the largest real catalog known (the 52,000 messages of the
Python documentation's French catalog are 15.6 MB)."""
MAX_ARTICLE_BYTES = 8 * _MIB
"""An article: a long one is 100 KB; a book in one file is a few MB."""
MAX_GLOSSARY_BYTES = 16 * _MIB
"""A glossary CSV: a large terminology base of 100,000 terms is about 10 MB."""
MAX_TEMPLATE_BYTES = 4 * _MIB
"""A site template: a few KB in practice."""
MAX_CONFIG_BYTES = 4 * _MIB
"""pyproject.toml: a few KB in practice."""


def read_input(path: str | Path, display_path: str, error: type[LingopressError], limit: int) -> bytes:
    """The bytes of the regular file at ``path``; ``error`` at ``display_path`` when it cannot
    be read, is not a regular file (a FIFO, a device such as /dev/zero, a folder) or is larger
    than ``limit`` bytes.

    The file is opened without blocking (opening a FIFO would wait for a writer) and checked
    before anything is read; a file that grows past ``limit`` while it is read is refused too.
    FileNotFoundError is left to the caller (a missing file can be normal).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", display_path) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error("not a regular file", display_path)
        if st.st_size > limit:
            raise error(_too_large(st.st_size, limit), display_path)
        pieces = []
        size = 0
        want = st.st_size + 1
        while piece := os.read(fd, want):
            pieces.append(piece)
            size += len(piece)
            if size > limit:
                raise error(_too_large(size, limit), display_path)
            want = _MIB
        return b"".join(pieces)
    except OSError as exc:
        raise error(f"cannot read file: {exc.strerror}", display_path) from exc
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> str:
    """
    >>> _too_large(70 * 2**20, 64 * 2**20)
    'file is too large (70.0 MiB; the limit is 64 MiB)'
    """
    return f"file is too large ({size / _MIB:.1f} MiB; the limit is {limit // _MIB} MiB)"
