"""Catalog -> MO bytes, laid out as GNU msgfmt lays them out (with its hash table)."""

from __future__ import annotations

import struct
from collections.abc import Iterable

from lingopress.pofile import Catalog, Message

__all__ = ["mo_bytes", "mo_entries"]

_MAGIC = 0x950412DE


def mo_entries(catalog: Catalog) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs msgfmt would put in the MO file: the header and every
    translated, non-fuzzy entry, sorted by key."""
    entries: list[tuple[bytes, bytes]] = []
    header = catalog.header
    if header.msgstr[0]:
        entries.append((b"", header.msgstr[0].encode("utf-8")))
    for message in catalog.messages:
        if not message.translated:
            continue
        entries.append((_key(message), "\0".join(message.msgstr).encode("utf-8")))
    entries.sort(key=lambda kv: kv[0])
    return entries


def _key(message: Message) -> bytes:
    key = message.msgid
    if message.msgid_plural is not None:
        key += "\0" + message.msgid_plural
    if message.msgctxt is not None:
        key = message.msgctxt + "\x04" + key
    return key.encode("utf-8")


def _hash(data: bytes) -> int:
    """GNU gettext's hashpjw over 32 bits."""
    hval = 0
    for byte in data:
        hval = ((hval << 4) + byte) & 0xFFFFFFFF
        g = hval & 0xF0000000
        if g:
            hval ^= g >> 24
            hval ^= g
    return hval


def _is_prime(n: int) -> bool:
    if n < 4:
        return n > 1
    if n % 2 == 0:
        return False
    d = 3
    while d * d <= n:
        if n % d == 0:
            return False
        d += 2
    return True


def _next_prime(n: int) -> int:
    n |= 1
    while not _is_prime(n):
        n += 2
    return n


def mo_bytes(catalog: Catalog) -> bytes:
    """The MO file of ``catalog``."""
    return _layout(mo_entries(catalog))


def _layout(entries: Iterable[tuple[bytes, bytes]]) -> bytes:
    items = list(entries)
    n = len(items)
    hash_size = _next_prime(n * 4 // 3) if n else 0
    if hash_size and hash_size <= 2:
        hash_size = 3
    orig_offset = 28
    trans_offset = orig_offset + 8 * n
    hash_offset = trans_offset + 8 * n
    data_offset = hash_offset + 4 * hash_size
    orig_table = []
    trans_table = []
    blob = bytearray()
    for key, _ in items:
        orig_table.append((len(key), data_offset + len(blob)))
        blob += key + b"\0"
    for _, value in items:
        trans_table.append((len(value), data_offset + len(blob)))
        blob += value + b"\0"
    table = [0] * hash_size
    for i, (key, _) in enumerate(items):
        hval = _hash(key)
        idx = hval % hash_size
        incr = 1 + hval % (hash_size - 2)
        while table[idx]:
            idx += incr
            if idx >= hash_size:
                idx -= hash_size
        table[idx] = i + 1
    out = bytearray(struct.pack("<7I", _MAGIC, 0, n, orig_offset, trans_offset, hash_size, hash_offset))
    for length, offset in orig_table:
        out += struct.pack("<2I", length, offset)
    for length, offset in trans_table:
        out += struct.pack("<2I", length, offset)
    out += struct.pack(f"<{hash_size}I", *table)
    out += blob
    return bytes(out)
