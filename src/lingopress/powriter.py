"""Catalog -> PO text in the layout of GNU ``msgcat``/``msgmerge``, byte for byte.

The writer half of :mod:`lingopress.pofile` (which keeps ``format_po`` and
``save_po``): 79-column wrapping at Unicode line-break opportunities, never
inside an escape sequence nor inside a format directive of a ``c-format`` or
``python-format`` entry; comment order; flag order; escapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lingopress.formats import directive_spans
from lingopress.linebreak import char_width, fill_lines
from lingopress.pofile import PAGE_WIDTH, Catalog, Message, bulk_allocation

__all__ = ["format_catalog"]

# Control characters without a letter escape are written in octal (``\\000``), never raw: a
# raw NUL or other C0 byte makes a file that GNU gettext and this package refuse to read.
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
_ESCAPE_OUT = {
    "\\": "\\\\",
    '"': '\\"',
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}

_ESCAPE_PAIR_RE = re.compile(r"\\(?:[0-7]{3}|.)", re.S)

# GNU gettext writes flags in this order: fuzzy, the format flags in the order of
# its format_language table, range, then wrap.
_FORMAT_NAMES = (
    "c objc python python-brace java java-printf csharp javascript scheme lisp elisp librep"
    " ruby sh awk lua object-pascal smalltalk qt qt-plural kde kde-kuit boost tcl perl"
    " perl-brace php gcc-internal gfc-internal ycp"
)
_FORMAT_ORDER = {name: i for i, name in enumerate(_FORMAT_NAMES.split())}


def _flag_rank(flag: str) -> tuple[int, int]:
    if flag == "fuzzy":
        return (0, 0)
    if flag.endswith("-format"):
        name = flag[3:-7] if flag.startswith("no-") else flag[:-7]
        if name in _FORMAT_ORDER:
            return (1, _FORMAT_ORDER[name])
    if flag.startswith("range:"):
        return (2, 0)
    if flag in ("wrap", "no-wrap"):
        return (3, 0)
    return (4, 0)


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPE_OUT.get(char) or f"\\{ord(char):03o}"


def _no_break_positions(portion: str) -> frozenset[int]:
    """Positions of an escaped string where GNU gettext forbids a line break.

    Never inside an escape sequence, nor before the ``\\n`` that ends a portion;
    before any other escape (``\\t``, ``\\"``, ``\\\\``...) UAX #14 decides, as the
    backslash's class says.
    """
    if "\\" not in portion:
        return frozenset()
    positions: set[int] = set()
    for match in _ESCAPE_PAIR_RE.finditer(portion):
        positions.update(range(match.start() + 1, match.end()))
        if match.group()[1] == "n":
            positions.add(match.start())
    return frozenset(positions)


def _display_width(text: str) -> int:
    """Columns of ``text``: its length, give or take its wide and zero-width characters."""
    if text.isascii():
        return len(text)
    width = len(text)
    for ch in set(text):
        columns = char_width(ch)
        if columns != 1:
            width += (max(columns, 0) - 1) * text.count(ch)
    return width


def _inside_directives(raw: str, base: int, spans: list[tuple[int, int]]) -> set[int]:
    """Positions of the escaped ``raw`` (found at ``base`` in its string) before which a line
    would break a format directive of ``spans``."""
    positions: set[int] = set()
    end_of_raw = base + len(raw)
    for start, end in spans:
        for k in range(max(start + 1, base), min(end, end_of_raw)):
            before = raw[: k - base]
            shift = len(_escape(before)) - len(before)
            positions.add(k - base + shift)
    return positions


def _wrap(
    keyword: str, value: str, prefix: str = "", width: int = PAGE_WIDTH, language: str | None = None
) -> list[str]:
    """The lines GNU gettext writes for ``keyword "value"`` (``prefix`` is ``#~ `` or ``#| ``).

    A port of write-po.c's ``wrap()``: the value is cut after each newline, each
    portion is escaped and filled to the page width, and when the first line would
    not hold the whole value, it is left empty (``msgid ""``). In an entry flagged
    with a format ``language`` (``c``, ``python``), no line breaks inside a directive.
    """
    after_break = len(prefix) + 1
    line_width = width - 1 - after_break
    if len(value) + len(keyword) < line_width and value.isprintable():
        # Fits on the first line as it is: printable text breaks only where it is too wide.
        portion = _escape(value) if ('"' in value or "\\" in value) else value
        if len(keyword) + 1 + _display_width(portion) <= line_width:
            return [f'{prefix}{keyword} "{portion}"']
    portions = [value] if "\n" not in value[:-1] else [p for p in re.split(r"(?<=\n)", value) if p]
    spans = directive_spans(value, language) if language is not None else []
    out: list[str] = []
    first = True
    base = 0
    for raw in portions:
        portion = _escape(raw)
        no_break = _no_break_positions(portion)
        if spans:
            no_break = frozenset(no_break | _inside_directives(raw, base, spans))
        base += len(raw)
        if len(portion) <= line_width and portion.isascii() and portion.isprintable():
            lines = [portion]  # fits on a line of its own, as the lines of a header do
        else:
            lines = fill_lines(portion, line_width, 0, no_break) if portion else [""]
        if first:
            first = False
            startcol = len(keyword) + 1
            # Were the value to start after the keyword, would it break? When it breaks
            # from column 0 it does; when it fits from column 0 only the width can say.
            if portion and (
                len(portions) > 1
                or startcol > line_width
                or len(lines) > 1
                or (
                    startcol + _display_width(portion) > line_width
                    and len(fill_lines(portion, line_width, startcol, no_break)) > 1
                )
            ):
                out.append(f'{prefix}{keyword} ""')
                out.extend(f'{prefix}"{line}"' for line in lines)
            else:
                out.append(f'{prefix}{keyword} "{portion}"')
        else:
            out.extend(f'{prefix}"{line}"' for line in lines)
    if first:
        out.append(f'{prefix}{keyword} ""')
    return out


def _references(refs: Iterable[str], width: int = PAGE_WIDTH) -> list[str]:
    out: list[str] = []
    line = "#:"
    column = 2
    for ref in refs:
        length = len(ref) + 1
        if column > 2 and column + length > width:
            out.append(line)
            line, column = "#:", 2
        line += " " + ref
        column += length
    if column > 2:
        out.append(line)
    return out


_NO_WRAP = 1 << 30
"""The page width of an entry flagged ``no-wrap``: GNU's ``INT_MAX``, in effect."""


def _directive_language(flags: list[str]) -> str | None:
    """The format language whose directives GNU keeps whole: that of the first format flag, in
    GNU's order, that says the string is (or may be) one; None when it is not C or Python."""
    best: tuple[int, str] | None = None
    for flag in flags:
        if not flag.endswith("-format") or flag.startswith("no-"):
            continue
        name = flag[9:-7] if flag.startswith("possible-") else flag[:-7]
        rank = _FORMAT_ORDER.get(name)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, name)
    if best is None:
        return None
    return {"c": "c", "objc": "c", "python": "python"}.get(best[1])


def _format_message(m: Message, width: int) -> list[str]:
    obsolete = m.obsolete
    if obsolete and not m.has_translation:
        return []
    prefix = "#~ " if obsolete else ""
    out = []
    for comment in m.translator_comments:
        out.append(f"# {comment}" if comment else "#")
    for comment in m.extracted_comments:
        out.append(f"#. {comment}" if comment else "#.")
    if m.references:
        out.extend(_references(m.references, width))
    flags = sorted((f for f in m.flags if f != "fuzzy" or m.msgstr[0] or obsolete), key=_flag_rank)
    if obsolete:
        flags = ["fuzzy"] if m.fuzzy else []
    if flags:
        out.append("#, " + ", ".join(flags))
    prev_prefix = "#~| " if obsolete else "#| "
    # An obsolete entry keeps only its fuzzy flag (see above): nothing else may shape its lines.
    lang = _directive_language(m.flags) if m.flags and not obsolete else None
    if "no-wrap" in m.flags and not obsolete:
        width = _NO_WRAP  # lines break only after a newline of the string itself
    if m.previous_msgctxt is not None:
        out.extend(_wrap("msgctxt", m.previous_msgctxt, prev_prefix, width, lang))
    if m.previous_msgid is not None:
        out.extend(_wrap("msgid", m.previous_msgid, prev_prefix, width, lang))
    if m.previous_msgid_plural is not None:
        out.extend(_wrap("msgid_plural", m.previous_msgid_plural, prev_prefix, width, lang))
    if m.msgctxt is not None:
        out.extend(_wrap("msgctxt", m.msgctxt, prefix, width, lang))
    out.extend(_wrap("msgid", m.msgid, prefix, width, lang))
    if m.msgid_plural is not None:
        out.extend(_wrap("msgid_plural", m.msgid_plural, prefix, width, lang))
        for i, form in enumerate(m.msgstr):
            out.extend(_wrap(f"msgstr[{i}]", form, prefix, width, lang))
    else:
        out.extend(_wrap("msgstr", m.msgstr[0], prefix, width, lang))
    return out


def format_catalog(catalog: Catalog, width: int = PAGE_WIDTH) -> str:
    """Serialize ``catalog`` in GNU gettext's layout."""
    with bulk_allocation():
        return _format_catalog(catalog, width)


def _format_catalog(catalog: Catalog, width: int) -> str:
    blocks = []
    if catalog.header.msgstr[0] or catalog.header.translator_comments or catalog.header.flags:
        header = catalog.header
        # GNU writes the header's fuzzy flag even though its msgstr rules would drop it.
        blocks.append("\n".join(_format_message(header, width)))
    for message in catalog.messages:
        blocks.append("\n".join(_format_message(message, width)))
    for message in catalog.obsolete:
        lines = _format_message(message, width)
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""
