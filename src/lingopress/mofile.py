"""Catalog -> MO bytes, laid out byte for byte as GNU ``msgfmt --no-hash`` lays them out.

What goes in, as msgfmt decides it: the header (fuzzy or not, without its
``POT-Creation-Date`` line) and every translated, non-fuzzy entry, sorted by key.
One deliberate difference: a plural entry with an empty form is left out, where
msgfmt keeps it and gettext would then show an empty string for that form;
the check reports such entries anyway.

The file has no hash table (its size is 0), as Babel writes MO files too: GNU
gettext and Python's :mod:`gettext` then find a key by binary search in the sorted
table of keys (Python's reads every entry into a dict anyway). The table would cost
a string hash byte by byte of every key: seconds in Python on a catalog of 50,000
messages, for a lookup speed nothing in lingopress needs.
"""

from __future__ import annotations

import array
import re
import struct
import sys
from collections.abc import Sequence
from itertools import accumulate
from operator import itemgetter

from lingopress.pofile import Catalog, Message

__all__ = ["mo_bytes", "mo_entries", "mo_layout"]

_MAGIC = 0x950412DE
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


def mo_bytes(catalog: Catalog) -> bytes:
    """The MO file of ``catalog``."""
    return mo_layout(mo_entries(catalog))


def mo_layout(entries: Sequence[tuple[bytes, bytes]]) -> bytes:
    """The MO file holding ``entries`` (sorted by key): header, string tables, strings."""
    n = len(entries)
    orig_offset = 28
    trans_offset = orig_offset + 8 * n
    data_offset = trans_offset + 8 * n  # also where the (empty) hash table would be
    # (length, offset) of every key, then of every value; the strings follow, each with its NUL.
    keys = [key for key, _ in entries]
    values = [value for _, value in entries]
    lengths = [*map(len, keys), *map(len, values)]
    pairs = [0] * (2 * len(lengths))
    offsets = list(accumulate((length + 1 for length in lengths), initial=data_offset))
    pairs[0::2] = lengths
    pairs[1::2] = offsets[:-1]
    tables = array.array("I", pairs)
    if sys.byteorder != "little":
        tables.byteswap()
    return b"".join(
        [
            struct.pack("<7I", _MAGIC, 0, n, orig_offset, trans_offset, 0, data_offset),
            tables.tobytes(),
            b"\0".join(keys),
            b"\0" if n else b"",
            b"\0".join(values),
            b"\0" if n else b"",
        ]
    )
