"""MO output: byte for byte what GNU msgfmt writes for the same catalog."""

from __future__ import annotations

import gettext
import io
import random
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lingopress.mofile import _hashes, _hashes_vectorized, hashpjw, mo_bytes, mo_entries, mo_layout
from lingopress.pofile import parse_po

HEADER = """\
# Sample catalog.
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: sample\\n"
"POT-Creation-Date: 2025-01-20 10:00+0000\\n"
"PO-Revision-Date: 2025-02-01 10:00+0000\\n"
"Language: de\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""

MIXED = (
    HEADER
    + """
#: source/a.md:3
msgid "Hello"
msgstr "Hallo"

msgctxt "menu"
msgid "File"
msgstr "Datei"

msgctxt "verb"
msgid "File"
msgstr "Ablegen"

msgid "one apple"
msgid_plural "{n} apples"
msgstr[0] "ein Apfel"
msgstr[1] "{n} Äpfel"

msgctxt "fruit"
msgid "one pear"
msgid_plural "{n} pears"
msgstr[0] "eine Birne"
msgstr[1] "{n} Birnen"

#, fuzzy
msgid "Fuzzy text"
msgstr "Flaumiger Text"

msgid "Untranslated text"
msgstr ""

msgid "Grüße aus Zürich — 東京 ✓"
msgstr "Привет из Москвы — مرحبا"

msgid "Line one\\nline two\\t\\"quoted\\""
msgstr "Zeile eins\\nZeile zwei\\t„zitiert“"

#~ msgid "Old text"
#~ msgstr "Alter Text"
"""
)


def msgfmt(tmp_path: Path, text: str) -> bytes:
    """What GNU msgfmt writes for ``text`` (fails when msgfmt is not installed)."""
    po = tmp_path / "in.po"
    po.write_text(text, "utf-8")
    mo = tmp_path / "out.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True, capture_output=True)
    return mo.read_bytes()


def synthetic_po(count: int, seed: int) -> str:
    """A catalog of ``count`` entries with random non-ASCII text, contexts, plurals, fuzzy and empty ones."""
    rng = random.Random(seed)
    alphabet = (
        "abcdefghijklmnopqrstuvwxyz ÄÖÜßéèçñøåæœ—„“«» абвгдежзийклмнопрстуфхцчшщыэюя أبتثجحخ 東京日本語"
    )
    parts = [HEADER]
    for i in range(count):
        msgid = f"{i} " + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 120)))
        msgstr = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 150)))
        kind = rng.random()
        entry = []
        if kind < 0.1:
            entry.append(f'msgctxt "ctx {i % 7}"')
        if kind < 0.05 or 0.5 < kind < 0.55:
            entry += [f'msgid "{msgid}"', f'msgid_plural "{msgid} (n)"']
            entry += [f'msgstr[0] "{msgstr}"', f'msgstr[1] "{msgstr} (n)"']
        else:
            if 0.2 < kind < 0.3:
                entry.insert(0, "#, fuzzy")
            value = "" if 0.3 < kind < 0.4 else msgstr
            entry += [f'msgid "{msgid}"', f'msgstr "{value}"']
        parts.append("\n".join(entry) + "\n")
    return "\n".join(parts)


@pytest.mark.gettext
def test_mixed_catalog_is_byte_identical_to_msgfmt(tmp_path: Path) -> None:
    """Contexts, plurals, fuzzy, untranslated and obsolete entries, escapes, non-ASCII: msgfmt's bytes."""
    assert mo_bytes(parse_po(MIXED)) == msgfmt(tmp_path, MIXED)


@pytest.mark.gettext
@pytest.mark.parametrize("count", [1, 2, 3, 4, 10, 31])
def test_hash_table_size_matches_msgfmt_for_small_catalogs(tmp_path: Path, count: int) -> None:
    """msgfmt's own idea of the next prime (it rejects 3) decides the hash table size."""
    text = synthetic_po(count, seed=count)
    assert mo_bytes(parse_po(text)) == msgfmt(tmp_path, text)


@pytest.mark.gettext
def test_large_catalog_through_numpy_is_byte_identical_to_msgfmt(tmp_path: Path) -> None:
    """Above the threshold keys are hashed with numpy: the file is still msgfmt's."""
    text = synthetic_po(3000, seed=7)
    entries = mo_entries(parse_po(text))
    expected = msgfmt(tmp_path, text)
    assert mo_layout(entries, vector_threshold=0) == expected
    assert mo_layout(entries, vector_threshold=10**9) == expected


@pytest.mark.gettext
def test_hash_that_overflows_32_bits_matches_msgfmt(tmp_path: Path) -> None:
    """Seven 0x0F bytes bring the hash to 0x0FFFFFFF; the next byte pushes it past bit 31, which
    gettext drops before folding."""
    key = "\x0f" * 7 + "é"
    text = HEADER + f'\nmsgid "{key}"\nmsgstr "x"\n\nmsgid "b"\nmsgstr "y"\n\nmsgid "c"\nmsgstr "z"\n'
    entries = mo_entries(parse_po(text))
    expected = msgfmt(tmp_path, text)
    assert mo_layout(entries, vector_threshold=0) == expected
    assert mo_layout(entries, vector_threshold=10**9) == expected


def test_header_loses_its_pot_creation_date_line_only() -> None:
    """Like msgfmt, the MO header has no POT-Creation-Date line; the other fields stay in order."""
    header = dict(mo_entries(parse_po(MIXED)))[b""].decode()
    assert "POT-Creation-Date" not in header
    assert header.startswith("Project-Id-Version: sample\nPO-Revision-Date: 2025-02-01 10:00+0000\n")


def test_plural_entry_with_an_empty_form_is_left_out() -> None:
    """gettext would show an empty string for the missing form; left out, the source text shows."""
    text = HEADER + '\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] ""\n'
    assert [key for key, _ in mo_entries(parse_po(text))] == [b""]


def test_python_gettext_reads_the_file() -> None:
    """The MO file works at run time: contexts, plurals and non-ASCII lookups."""
    translations = gettext.GNUTranslations(io.BytesIO(mo_bytes(parse_po(MIXED))))
    assert translations.gettext("Hello") == "Hallo"
    assert translations.pgettext("verb", "File") == "Ablegen"
    assert translations.ngettext("one apple", "{n} apples", 3) == "{n} Äpfel"
    assert translations.npgettext("fruit", "one pear", "{n} pears", 1) == "eine Birne"
    assert translations.gettext("Fuzzy text") == "Fuzzy text"
    assert translations.gettext("Grüße aus Zürich — 東京 ✓") == "Привет из Москвы — مرحبا"


def test_hashpjw_stops_at_the_first_nul() -> None:
    """A plural key is hashed by its singular msgid, as gettext's C string hash does."""
    assert hashpjw(b"apple\0apples") == hashpjw(b"apple")
    assert hashpjw(b"") == 0


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.binary(min_size=0, max_size=300) | st.binary(max_size=20).map(lambda b: b"\x0f" * 7 + b),
        min_size=1,
        max_size=40,
    )
)
def test_vectorized_hash_equals_the_byte_loop(keys: list[bytes]) -> None:
    """numpy's hashing of many keys gives, key by key, what the plain loop gives (including long keys
    whose intermediate value overflows 32 bits)."""
    assert _hashes_vectorized(keys) == [hashpjw(k) for k in keys]
    assert _hashes(keys, vector_threshold=0) == _hashes(keys, vector_threshold=10**9)
