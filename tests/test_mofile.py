"""MO output: byte for byte what GNU ``msgfmt --no-hash`` writes for the same catalog."""

from __future__ import annotations

import gettext
import io
import random
import subprocess
from pathlib import Path

import pytest

from lingopress.mofile import mo_bytes, mo_entries
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


def msgfmt(tmp_path: Path, text: str, *options: str) -> bytes:
    """What GNU msgfmt writes for ``text`` (fails when msgfmt is not installed)."""
    po = tmp_path / "in.po"
    po.write_text(text, "utf-8")
    mo = tmp_path / "out.mo"
    subprocess.run(["msgfmt", *options, "-o", str(mo), str(po)], check=True, capture_output=True)
    return mo.read_bytes()


def msgunfmt(tmp_path: Path, data: bytes) -> str:
    """The PO text GNU msgunfmt reads out of MO ``data``."""
    mo = tmp_path / "read.mo"
    mo.write_bytes(data)
    return subprocess.run(["msgunfmt", str(mo)], check=True, capture_output=True, text=True).stdout


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
def test_mixed_catalog_is_byte_identical_to_msgfmt_no_hash(tmp_path: Path) -> None:
    """Contexts, plurals, fuzzy, untranslated and obsolete entries, escapes, non-ASCII: the bytes of
    msgfmt --no-hash."""
    assert mo_bytes(parse_po(MIXED)) == msgfmt(tmp_path, MIXED, "--no-hash")


@pytest.mark.gettext
@pytest.mark.parametrize("count", [0, 1, 2, 3, 10, 31, 3000])
def test_synthetic_catalogs_are_byte_identical_to_msgfmt_no_hash(tmp_path: Path, count: int) -> None:
    """Catalogs of any size, from the header alone to thousands of random entries."""
    text = synthetic_po(count, seed=count)
    assert mo_bytes(parse_po(text)) == msgfmt(tmp_path, text, "--no-hash")


@pytest.mark.gettext
def test_msgunfmt_and_python_gettext_read_what_msgfmt_would_have_written(tmp_path: Path) -> None:
    """Without a hash table, GNU msgunfmt reads the same catalog as from msgfmt's hashed file, and
    Python's gettext finds every entry of it."""
    text = MIXED + synthetic_po(500, seed=11).removeprefix(HEADER)
    ours = mo_bytes(parse_po(text))
    hashed = msgfmt(tmp_path, text)
    assert ours != hashed
    read = msgunfmt(tmp_path, ours)
    assert read == msgunfmt(tmp_path, hashed)
    assert 'msgid "Hello"\nmsgstr "Hallo"' in read
    mine, theirs = (gettext.GNUTranslations(io.BytesIO(data)) for data in (ours, hashed))
    found = 0
    for message in parse_po(text).messages:
        if message.msgid_plural is not None:
            for n in (1, 2):
                args = (message.msgid, message.msgid_plural, n)
                if message.msgctxt is None:
                    assert mine.ngettext(*args) == theirs.ngettext(*args)
                else:
                    assert mine.npgettext(message.msgctxt, *args) == theirs.npgettext(message.msgctxt, *args)
        elif message.msgctxt is None:
            assert mine.gettext(message.msgid) == theirs.gettext(message.msgid)
        else:
            assert mine.pgettext(message.msgctxt, message.msgid) == theirs.pgettext(
                message.msgctxt, message.msgid
            )
        found += mine.gettext(message.msgid) != message.msgid
    assert found > 300


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
