"""glossary/<locale>.csv -> Glossary: the terms a locale must translate consistently.

The file format (also in ``docs/glossary.md``)::

    term,translation,note
    stem cell,Stammzelle,
    mesenchymal,mesenchymal|MSC,"stem, so that inflected forms match"

- UTF-8 (a byte order mark is tolerated), one header row ``term,translation,note``,
  then one row per term, CSV quoting as spreadsheets write it.
- ``term`` is the English term. It matches a msgid case-insensitively as a whole
  word or phrase (``cell`` does not match ``cellular``; spaces in a phrase match
  any run of whitespace).
- ``translation`` is one or more accepted renderings separated by ``|``. Each
  matches case-insensitively as a substring of the msgstr, so a stem such as
  ``мезенхимальн`` accepts every inflected form.
- ``note`` is free text for translators; the check ignores it.

A translated msgid that contains a term, whose msgstr contains none of the
renderings, gets a ``[glossary]`` warning. Where terms overlap at the same
place (``stem cell`` and ``stem cell therapy``), the longer one is checked.
A locale without a glossary file has no glossary check; a malformed file is a
:class:`GlossaryError` at ``glossary/<locale>.csv:<line>``.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lingopress.errors import GlossaryError
from lingopress.inputs import MAX_GLOSSARY_BYTES, read_input

__all__ = ["Glossary", "Term", "parse_glossary", "read_glossary"]

HEADER = ["term", "translation", "note"]


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary row."""

    term: str
    renderings: tuple[str, ...]
    note: str
    line: int


@dataclass(frozen=True, slots=True)
class Glossary:
    """The terms of one locale, with a matcher built once for all messages."""

    path: str
    terms: tuple[Term, ...]
    _pattern: re.Pattern[str] | None
    _by_key: dict[str, Term]

    @classmethod
    def from_terms(cls, path: str, terms: list[Term]) -> Glossary:
        by_key = {_key(t.term): t for t in terms}
        if not terms:
            return cls(path, (), None, by_key)
        # Longest first, so that at one position the most specific term wins; the
        # lookahead lets matches overlap (each position is tried).
        alternatives = sorted(
            (r"\s+".join(re.escape(word) for word in t.term.split()) for t in terms),
            key=len,
            reverse=True,
        )
        pattern = re.compile(rf"(?<!\w)(?=({'|'.join(alternatives)})(?!\w))", re.IGNORECASE)
        return cls(path, tuple(terms), pattern, by_key)

    def missing(self, msgid: str, msgstr: str) -> list[Term]:
        """The terms of ``msgid`` that ``msgstr`` renders with none of their accepted translations.

        >>> g = Glossary.from_terms("g.csv", [Term("stem cell", ("Stammzell",), "", 2)])
        >>> [t.term for t in g.missing("Stem  cells and stem cell banks", "Zellen")]
        ['stem cell']
        >>> g.missing("Stem cells", "Stammzellen"), g.missing("stem cellar", "Keller")
        ([], [])
        """
        if self._pattern is None:
            return []
        found: dict[str, Term] = {}
        covered_until = -1
        for m in self._pattern.finditer(msgid):
            if m.start() < covered_until:
                # Inside a longer term found just before (``stem cell therapy`` / ``cell therapy``).
                continue
            term = self._by_key[_key(m.group(1))]
            covered_until = m.start() + len(m.group(1))
            found.setdefault(term.term, term)
        if not found:
            return []
        target = msgstr.casefold()
        return [t for t in found.values() if not any(r in target for r in t.renderings)]


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


@lru_cache(maxsize=64)
def parse_glossary(text: str, path: str) -> Glossary:
    """Parse the CSV text of a glossary; raise :class:`GlossaryError` at the first bad row.
    The same text is parsed once (a build reads a glossary for the check and for its report)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    terms: list[Term] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header] != HEADER:
            raise GlossaryError(f"the first row must be the header {','.join(HEADER)}", path, 1)
        line = reader.line_num + 1
        for row in reader:
            start = line
            line = reader.line_num + 1
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(HEADER):
                raise GlossaryError(
                    f"expected 3 fields (term,translation,note), found {len(row)}", path, start
                )
            term, translation, note = (cell.strip() for cell in row)
            if not term:
                raise GlossaryError("empty term", path, start)
            renderings = tuple(r.strip().casefold() for r in translation.split("|"))
            if not translation or not all(renderings):
                raise GlossaryError(
                    f"term {term!r}: empty translation (give one or more renderings separated by '|')",
                    path,
                    start,
                )
            key = _key(term)
            if key in seen:
                raise GlossaryError(f"term {term!r} is already defined at line {seen[key]}", path, start)
            seen[key] = start
            terms.append(Term(" ".join(term.split()), renderings, note, start))
    except csv.Error as exc:
        raise GlossaryError(f"invalid CSV: {exc}", path, line) from exc
    return Glossary.from_terms(path, terms)


def read_glossary(path: Path, display_path: str) -> Glossary | None:
    """The glossary at ``path``, or None when the locale has none."""
    try:
        data = read_input(path, display_path, GlossaryError, MAX_GLOSSARY_BYTES)
    except FileNotFoundError:
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GlossaryError("not UTF-8 (save the file as UTF-8 CSV)", display_path, line) from exc
    return parse_glossary(text, display_path)
