"""Catalog -> MO bytes, laid out byte for byte as GNU msgfmt lays them out (with its hash table).

What goes in, as msgfmt decides it: the header (fuzzy or not, without its
``POT-Creation-Date`` line) and every translated, non-fuzzy entry, sorted by key.
One deliberate difference: a plural entry with an empty form is left out, where
msgfmt keeps it and gettext would then show an empty string for that form;
the check reports such entries anyway.

The hash table uses GNU gettext's ``hashpjw`` on the key up to its first NUL
(so a plural entry is hashed by its singular msgid only). Computing it byte by
byte in Python takes seconds on a documentation-sized catalog, so large catalogs
are hashed with numpy, one byte position of every key at a time.
"""

from __future__ import annotations

import array
import re
import struct
import sys
from collections.abc import Sequence
from functools import lru_cache
from itertools import accumulate
from operator import itemgetter

from lingopress.pofile import Catalog, Message

__all__ = ["hashpjw", "mo_bytes", "mo_entries", "mo_layout"]

_MAGIC = 0x950412DE
_LOW28 = 0x0FFFFFFF
_VECTOR_THRESHOLD = 200_000
"""Total key bytes above which hashing goes through numpy (whose import costs ~0.1 s)."""
_POT_DATE_RE = re.compile(r"(?:^|(?<=\n))POT-Creation-Date:[^\n]*(?:\n|$)")


def mo_entries(catalog: Catalog) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs msgfmt would put in the MO file, sorted by key."""
    entries: list[tuple[bytes, bytes]] = []
    header = catalog.header.msgstr[0]
    if header:
        # msgfmt drops this line so that regenerating a template does not change the MO file.
        entries.append((b"", _POT_DATE_RE.sub("", header, count=1).encode("utf-8")))
    for message in catalog.messages:
        if message.translated:
            entries.append((_key(message), "\0".join(message.msgstr).encode("utf-8")))
    entries.sort(key=itemgetter(0))
    return entries


def _key(message: Message) -> bytes:
    key = message.msgid
    if message.msgid_plural is not None:
        key += "\0" + message.msgid_plural
    if message.msgctxt is not None:
        key = message.msgctxt + "\x04" + key
    return key.encode("utf-8")


@lru_cache(maxsize=1 << 16)
def hashpjw(data: bytes) -> int:
    """GNU gettext's string hash (``hash_string``) of ``data`` up to its first NUL.

    Kept per key: every locale's catalog of a domain has the same msgids.

    >>> hashpjw(b"Hello"), hashpjw(b"apple\\0apples") == hashpjw(b"apple")
    (5161775, True)
    """
    hval = 0
    for byte in data.split(b"\0", 1)[0]:
        # The value stays below 2**28 between steps. gettext keeps it in a 64-bit long, folds
        # back bits 28-31 only and stores the result in 32 bits: a carry into bit 32 is lost,
        # and the mask below drops it with them. (Constants, not names: this runs per byte.)
        hval = (hval << 4) + byte
        if hval > 0x0FFFFFFF:
            # hval ^= g >> 24; hval ^= g, where g holds bits 28-31.
            hval = (hval ^ ((hval >> 24) & 0xF0)) & 0x0FFFFFFF
    return hval


def _hashes_vectorized(keys: Sequence[bytes]) -> list[int]:
    """:func:`hashpjw` of every key: one numpy step per byte position, over the keys that long.

    In 32-bit lanes: the bits a carry puts above bit 31 never reach the lower ones again."""
    import numpy as np

    heads = [key.split(b"\0", 1)[0] for key in keys]
    count = len(heads)
    lengths = np.fromiter(map(len, heads), dtype=np.int64, count=count)
    starts = np.zeros(count, dtype=np.int64)
    if count > 1:
        np.cumsum(lengths[:-1], out=starts[1:])
    data = np.frombuffer(b"".join(heads), dtype=np.uint8)
    order = np.argsort(-lengths, kind="stable")
    remaining = lengths[order].tolist()
    # Where each key's next byte is, longest key first: the keys still running at position j
    # are a prefix of that order.
    where = starts[order]
    hval = np.zeros(count, dtype=np.uint32)
    high = np.empty(count, dtype=np.uint32)
    low = np.uint32(_LOW28)
    active = count
    for j in range(remaining[0] if count else 0):
        while remaining[active - 1] <= j:
            active -= 1
        h, g, w = hval[:active], high[:active], where[:active]
        h <<= 4
        h += data[w]
        w += 1
        # hval ^= g >> 24; hval ^= g, where g holds bits 28-31.
        np.right_shift(h, 28, out=g)
        g <<= 4
        h ^= g
        h &= low
    result = np.empty_like(hval)
    result[order] = hval
    return result.tolist()


def _hashes(keys: Sequence[bytes], vector_threshold: int = _VECTOR_THRESHOLD) -> list[int]:
    if sum(len(k) for k in keys) > vector_threshold:
        return _hashes_vectorized(keys)
    return [hashpjw(k) for k in keys]


def _is_prime(candidate: int) -> bool:
    """gettext's own test, which it only meets with odd numbers; note that it rejects 3."""
    divisor, square = 3, 9
    while square < candidate and candidate % divisor:
        divisor += 1
        square += 4 * divisor
        divisor += 1
    return candidate % divisor != 0


def _hash_size(n: int) -> int:
    """msgfmt's table size: the next "prime" from 4/3 of the entries, at least 3."""
    size = (n * 4 // 3) | 1
    while not _is_prime(size):
        size += 2
    return max(size, 3)


def mo_bytes(catalog: Catalog) -> bytes:
    """The MO file of ``catalog``."""
    return mo_layout(mo_entries(catalog))


def mo_layout(entries: Sequence[tuple[bytes, bytes]], vector_threshold: int = _VECTOR_THRESHOLD) -> bytes:
    """The MO file holding ``entries`` (sorted by key): header, string tables, hash table, strings."""
    n = len(entries)
    hash_size = _hash_size(n)
    orig_offset = 28
    trans_offset = orig_offset + 8 * n
    hash_offset = trans_offset + 8 * n
    data_offset = hash_offset + 4 * hash_size
    # (length, offset) of every key, then of every value; the strings follow the hash table,
    # each with its NUL.
    keys = [key for key, _ in entries]
    values = [value for _, value in entries]
    lengths = [*map(len, keys), *map(len, values)]
    pairs = [0] * (2 * len(lengths))
    offsets = list(accumulate((length + 1 for length in lengths), initial=data_offset))
    pairs[0::2] = lengths
    pairs[1::2] = offsets[:-1]
    tables = array.array("I", pairs)
    slots = [0] * hash_size
    for i, hval in enumerate(_hashes(keys, vector_threshold), 1):
        idx = hval % hash_size
        if slots[idx]:
            incr = 1 + hval % (hash_size - 2)
            while slots[idx]:
                idx += incr
                if idx >= hash_size:
                    idx -= hash_size
        slots[idx] = i
    table = array.array("I", slots)
    if sys.byteorder != "little":
        tables.byteswap()
        table.byteswap()
    return b"".join(
        [
            struct.pack("<7I", _MAGIC, 0, n, orig_offset, trans_offset, hash_size, hash_offset),
            tables.tobytes(),
            table.tobytes(),
            b"\0".join(keys),
            b"\0" if n else b"",
            b"\0".join(values),
            b"\0" if n else b"",
        ]
    )
