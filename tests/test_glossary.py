"""Glossary files (lingopress.glossary): the format, matching, and errors at their line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingopress.errors import GlossaryError
from lingopress.glossary import parse_glossary, read_glossary

GOOD = (
    "term,translation,note\n"
    "stem cell,Stammzell,one word in German\n"
    'mesenchymal,"мезенхимальн|MSC",stem: every case ending matches\n'
    "\n"
    "stem cell therapy,Stammzelltherapie,\n"
)


def test_terms_and_renderings() -> None:
    """Rows become terms with their line; renderings split at '|' and compare case-insensitively."""
    glossary = parse_glossary(GOOD, "glossary/ru.csv")
    assert [(t.term, t.renderings, t.line) for t in glossary.terms] == [
        ("stem cell", ("stammzell",), 2),
        ("mesenchymal", ("мезенхимальн", "msc"), 3),
        ("stem cell therapy", ("stammzelltherapie",), 5),
    ]


@pytest.mark.parametrize(
    ("msgid", "msgstr", "missing"),
    [
        ("Mesenchymal cells", "Мезенхимальные клетки", []),
        ("Mesenchymal cells", "МSC-клетки".replace("М", "M"), []),
        ("Mesenchymal cells", "Клетки", ["mesenchymal"]),
        ("A STEM   CELL bank", "Eine Stammzellbank", []),
        ("A stem cellar", "Ein Keller", []),
        ("Unmesenchymal", "x", []),
        ("Stem cell therapy works", "Die Therapie wirkt", ["stem cell therapy"]),
        ("Stem cell therapy works", "Die Stammzelltherapie wirkt", []),
    ],
)
def test_matching(msgid: str, msgstr: str, missing: list[str]) -> None:
    """Terms match whole words or phrases in the msgid (the longest at one place); renderings match
    as substrings of the msgstr."""
    glossary = parse_glossary(GOOD, "glossary/ru.csv")
    assert [t.term for t in glossary.missing(msgid, msgstr)] == missing


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("term;translation;note\n", 1, "header"),
        ("", 1, "header"),
        ("term,translation,note\nstem cell,Stammzelle\n", 2, "3 fields"),
        ("term,translation,note\n,Stammzelle,\n", 2, "empty term"),
        ("term,translation,note\nstem cell,,\n", 2, "empty translation"),
        ("term,translation,note\nstem cell,a||b,\n", 2, "empty translation"),
        ("term,translation,note\nStem Cell,a,\n\nstem  cell,b,\n", 4, "already defined at line 2"),
        ('term,translation,note\nok,fine,\n"unterminated,x,y\n', 3, "invalid CSV"),
    ],
)
def test_malformed_rows(text: str, line: int, message: str) -> None:
    """A malformed file is a GlossaryError at glossary/<locale>.csv:<line>."""
    with pytest.raises(GlossaryError) as caught:
        parse_glossary(text, "glossary/de.csv")
    assert caught.value.line == line and message in caught.value.message
    assert str(caught.value).startswith(f"glossary/de.csv:{line}: ")


def test_reading_files(tmp_path: Path) -> None:
    """No file: no glossary. A byte order mark is tolerated; bytes that are not UTF-8 are an error
    at their line."""
    path = tmp_path / "de.csv"
    assert read_glossary(path, "glossary/de.csv") is None
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    glossary = read_glossary(path, "glossary/de.csv")
    assert glossary is not None and len(glossary.terms) == 3
    path.write_bytes(b"term,translation,note\nMa\xdfe,Ma\xdfe,\n")
    with pytest.raises(GlossaryError, match="UTF-8") as caught:
        read_glossary(path, "glossary/de.csv")
    assert caught.value.line == 2
