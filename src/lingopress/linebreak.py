"""Line breaking for the PO writer: UAX #14 and column widths as GNU gettext applies them.

``msgcat`` and ``msgmerge`` wrap strings with GNU libunistring's
``ulc_width_linebreaks``: line-break opportunities from the Unicode line
breaking algorithm (the pair-table form of UAX #14, with libunistring's own
resolution of classes), then greedy filling of each line. This module does the
same in pure Python, so that the files we write are byte for byte those the GNU
tools write. ``tools/gen_linebreak_data.py`` regenerates the class data.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import cache, lru_cache

from lingopress._linebreak_data import CLASSES, CODES, STARTS

__all__ = ["break_opportunities", "char_width", "fill_lines"]

PROHIBITED, POSSIBLE, MANDATORY = 0, 1, 2

_C = {name: i for i, name in enumerate(CLASSES)}
AL, BA, BK, CM, HL, HY, NU, OP, RI, SP, ZW, ZWJ = (
    _C[n] for n in ("AL", "BA", "BK", "CM", "HL", "HY", "NU", "OP", "RI", "SP", "ZW", "ZWJ")
)

# The pair table (UAX #14, section 7.3) as libunistring 1.0 applies it: the row is the
# class before the opportunity, the column the class after. D: break; I: break only
# if spaces come between; P: never (not even across spaces).
_TABLE_COLUMNS = "AL B2 BA BB CL CP EB EM EX GL H2 H3 HL HY ID IN IS JL JT JV NS NU OP PO PR QU RI SY WJ"
_TABLE_ROWS = (
    "AL I  D  I  D  P  P  D  D  P  I  D  D  I  I  D  I  P  D  D  D  I  I  I  I  I  I  D  P  P",
    "B2 D  P  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  D  D  I  D  P  P",
    "BA D  D  I  D  P  P  D  D  P  D  D  D  D  I  D  I  P  D  D  D  I  D  D  D  D  I  D  P  P",
    "BB I  I  I  I  P  P  I  I  P  I  I  I  I  I  I  I  P  I  I  I  I  I  I  I  I  I  I  P  P",
    "CL D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  P  D  D  I  I  I  D  P  P",
    "CP I  D  I  D  P  P  D  D  P  I  D  D  I  I  D  I  P  D  D  D  I  I  D  I  I  I  D  P  P",
    "EB D  D  I  D  P  P  D  I  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  I  D  I  D  P  P",
    "EM D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  I  D  I  D  P  P",
    "EX D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  D  D  I  D  P  P",
    "GL I  I  I  I  P  P  I  I  P  I  I  I  I  I  I  I  P  I  I  I  I  I  I  I  I  I  I  P  P",
    "H2 D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  I  I  I  D  D  I  D  I  D  P  P",
    "H3 D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  I  D  I  D  D  I  D  I  D  P  P",
    "HL I  D  I  D  P  P  D  D  P  I  D  D  I  I  D  I  P  D  D  D  I  I  I  I  I  I  D  P  P",
    "HY D  D  I  D  P  P  D  D  P  D  D  D  D  I  D  I  P  D  D  D  I  I  D  D  D  I  D  P  P",
    "ID D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  I  D  I  D  P  P",
    "IN D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  D  D  I  D  P  P",
    "IS D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  I  D  D  D  I  D  P  P",
    "JL D  D  I  D  P  P  D  D  P  I  I  I  D  I  D  I  P  I  D  I  I  D  D  I  D  I  D  P  P",
    "JT D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  I  D  I  D  D  I  D  I  D  P  P",
    "JV D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  I  I  I  D  D  I  D  I  D  P  P",
    "NS D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  D  D  I  D  P  P",
    "NU I  D  I  D  P  P  D  D  P  I  D  D  I  I  D  I  P  D  D  D  I  I  I  I  I  I  D  P  P",
    "OP P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P  P",
    "PO I  D  I  D  P  P  D  D  P  I  D  D  I  I  D  I  P  D  D  D  I  I  I  D  D  I  D  P  P",
    "PR I  D  I  D  P  P  I  I  P  I  I  I  I  I  I  I  P  I  I  I  I  I  I  D  D  I  D  P  P",
    "QU I  I  I  I  P  P  I  I  P  I  I  I  I  I  I  I  P  I  I  I  I  I  P  I  I  I  I  P  P",
    "RI D  D  I  D  P  P  D  D  P  I  D  D  D  I  D  I  P  D  D  D  I  D  D  D  D  I  I  P  P",
    "SY D  D  I  D  P  P  D  D  P  I  D  D  I  I  D  I  P  D  D  D  I  I  D  D  D  I  D  P  P",
    "WJ I  I  I  I  P  P  I  I  P  I  I  I  I  I  I  I  P  I  I  I  I  I  I  I  I  I  I  P  P",
)
_D, _I, _P = 0, 1, 2


def _build_table() -> list[list[int]]:
    size = len(CLASSES)
    table = [[_P] * size for _ in range(size)]
    columns = [_C[name] for name in _TABLE_COLUMNS.split()]
    for row in _TABLE_ROWS:
        name, *cells = row.split()
        for column, cell in zip(columns, cells, strict=True):
            table[_C[name]][column] = "DIP".index(cell)
    return table


_TABLE = _build_table()


@lru_cache(maxsize=4096)
def _lookup(ch: str) -> int:
    return ord(CODES[bisect_right(STARTS, ord(ch)) - 1]) - 48


_ASCII = [_lookup(chr(cp)) for cp in range(128)]
_WIDE_OPENERS = frozenset(
    chr(cp)
    for start, end in ((0x2300, 0x2400), (0x3000, 0x3100), (0xFE10, 0xFE70), (0xFF00, 0xFFF0))
    for cp in range(start, end)
    if _lookup(chr(cp)) == OP and unicodedata.east_asian_width(chr(cp)) in ("F", "W", "H")
)


def line_class(ch: str) -> int:
    """The resolved Line_Break class of ``ch`` (an index into ``CLASSES``)."""
    cp = ord(ch)
    return _ASCII[cp] if cp < 128 else _lookup(ch)


# Characters libunistring counts as one column although their category says zero,
# and zero although it says one (Hangul Jamo Extended-B, conjoining vowels and finals).
_SPACING_MARKS = frozenset("\u0cbf\u0cc6\U00011a07\U00011a08\U00011c3f")


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns of ``ch`` as libunistring's ``uc_width`` counts them in UTF-8 (-1: control)."""
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp < 0xA0:
        return 0 if cp == 0 else -1
    if ch in _SPACING_MARKS:
        return 1
    category = unicodedata.category(ch)
    if category in ("Mn", "Me", "Cf") or 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return 0
    if category != "Cn" and unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def break_opportunities(text: str) -> list[int]:
    """For each character: may a line break before it (POSSIBLE), must it (MANDATORY), or not.

    A port of libunistring's ``u8_possible_linebreaks``; MANDATORY marks the line
    separator character itself.
    """
    result = [PROHIBITED] * len(text)
    last = BK
    seen_space = False
    ri_run = 0
    after_zwj = False
    table = _TABLE
    for i, ch in enumerate(text):
        prop = line_class(ch)
        if prop == BK:
            result[i] = MANDATORY
            last, seen_space, ri_run, after_zwj = BK, False, 0, False
            continue
        if prop == SP:
            seen_space, after_zwj = True, False
            continue
        if prop == ZW:
            last, seen_space, ri_run, after_zwj = ZW, False, 0, False
            continue
        is_zwj = prop == ZWJ
        if prop in (CM, ZWJ):
            if last == ZW:
                result[i] = POSSIBLE
                last, seen_space, ri_run = AL, False, 0
                after_zwj = is_zwj
                continue
            if not seen_space and last != BK:
                after_zwj, ri_run = is_zwj, 0
                continue  # a mark belongs to the character before it
            prop = AL
            if last != BK:
                # A mark after spaces starts a new piece, whatever came before.
                result[i] = POSSIBLE
                last, seen_space, ri_run, after_zwj = AL, False, 0, is_zwj
                continue
        if last == BK or after_zwj:
            pass
        elif i >= 2 and last in (HY, BA) and not seen_space and line_class(text[i - 2]) == HL:
            pass  # no break after a hyphen in a Hebrew word
        elif last == ZW:
            result[i] = POSSIBLE
        elif prop == RI and last == RI and not seen_space:
            # Regional indicators pair up into flags; break between pairs.
            if ri_run % 2 == 0:
                result[i] = POSSIBLE
        else:
            rule = table[last][prop]
            if rule == _D or (rule == _I and seen_space):
                result[i] = POSSIBLE
            elif prop == OP and last in (AL, HL, NU) and ch in _WIDE_OPENERS:
                result[i] = POSSIBLE  # UAX #14 LB30 spares only narrow opening brackets
        ri_run = ri_run + 1 if prop == RI and last == RI and not seen_space else (1 if prop == RI else 0)
        last, seen_space, after_zwj = prop, False, is_zwj
    return result


_SIMPLE_EXCLUDED = frozenset((BK, CM, ZWJ, ZW, RI))


@lru_cache(maxsize=8192)
def _simple(ch: str) -> bool:
    """One column wide and free of the classes that need the full state machine."""
    return char_width(ch) == 1 and line_class(ch) not in _SIMPLE_EXCLUDED


def _pair_rule(before: str, after: str, spaced: bool) -> int:
    """0: no break between ``before`` and ``after``; 1: break; 2: break unless a Hebrew letter
    precedes ``before`` (a hyphenated Hebrew word). For simple characters only."""
    last, prop = line_class(before), line_class(after)
    rule = _TABLE[last][prop]
    if spaced:
        return int(rule != _P)
    if rule == _D:
        return 2 if last in (HY, BA) else 1
    return int(rule == _I and prop == OP and last in (AL, HL, NU) and after in _WIDE_OPENERS)


_INERT_CLASSES = frozenset((AL, HL, NU, _C["QU"], _C["GL"]))
"""Classes between which the pair table never breaks without a space: word characters."""


@lru_cache(maxsize=8192)
def _inert(ch: str) -> bool:
    return ch == " " or line_class(ch) in _INERT_CLASSES


def _class_body(spans: list[tuple[int, int]]) -> str:
    """A regular-expression class body for the code point ranges ``[first, last)``, in order."""
    return "".join(
        re.escape(chr(first)) + ("-" + re.escape(chr(last - 1)) if last - 1 > first else "")
        for first, last in spans
    )


def _char_ranges(predicate: Callable[[str], bool], end: int) -> str:
    """A regular-expression class body for the code points below ``end`` that satisfy
    ``predicate``, testing each of them (see :func:`_inert_ranges`)."""
    spans: list[tuple[int, int]] = []
    cp = 0
    while cp < end:
        if not predicate(chr(cp)):
            cp += 1
            continue
        first = cp
        while cp < end and predicate(chr(cp)):
            cp += 1
        spans.append((first, cp))
    return _class_body(spans)


# Characters next to which an opportunity without a space may exist (anything not a word
# character of the alphabetic scripts; everything from U+3000 on, to be safe).
def _inert_ranges(end: int) -> str:
    """:func:`_char_ranges` of :func:`_inert` below ``end``, from the ranges of the class
    table rather than a test of every code point."""
    spans = [(0x20, 0x21)]  # the space (class SP) is inert too
    for i, start in enumerate(STARTS):
        if start >= end:
            break
        if ord(CODES[i]) - 48 in _INERT_CLASSES:
            spans.append((start, min(STARTS[i + 1] if i + 1 < len(STARTS) else end, end)))
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and merged[-1][1] >= first:  # touching or overlapping: one range
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return _class_body(merged)


@cache
def _breaky_re() -> re.Pattern[str]:
    """Characters other than those :func:`_inert` says never break (made on first use)."""
    return re.compile("[^" + _inert_ranges(0x3000) + "]")


_DIRECT: dict[str, int] = {}
_AFTER_SPACE: dict[str, bool] = {}


def _after_space_rule(key: str) -> bool:
    """For ``x y`` (three characters), whether a line may break before ``y``."""
    before, after = key[0], key[2]
    return before != " " and after != " " and _pair_rule(before, after, spaced=True) == 1


_SPACED: dict[str, int] = {}


def _is_break(text: str, q: int) -> bool:
    """Whether a line may break before ``text[q]``, for text made of simple characters only."""
    ch = text[q]
    if ch == " ":
        return False
    before = text[q - 1]
    if before != " ":
        key = before + ch
        rule = _DIRECT.get(key)
        if rule is None:
            rule = _DIRECT[key] = _pair_rule(before, ch, spaced=False)
        return rule == 1 or (rule == 2 and (q < 2 or line_class(text[q - 2]) != HL))
    j = q - 2
    while j >= 0 and text[j] == " ":
        j -= 1
    if j < 0:
        return False
    key = text[j] + ch
    rule = _SPACED.get(key)
    if rule is None:
        rule = _SPACED[key] = _pair_rule(text[j], ch, spaced=True)
    return rule == 1


def fill_lines(
    text: str, width: int, startcol: int = 0, prohibited: frozenset[int] = frozenset()
) -> list[str]:
    """Split ``text`` into lines the way libunistring's ``ulc_width_linebreaks`` fills them.

    Lines break only at opportunities, and as late as the ``width`` allows; the
    first line starts at column ``startcol``, the others at 0. ``prohibited``
    are positions where a break is forbidden whatever UAX #14 says (GNU gettext
    forbids them inside escape sequences).
    """
    n = len(text)
    simple = (text.isascii() and text.isprintable()) or all(map(_simple, set(text)))
    if not simple:
        return _fill_general(text, width, startcol, prohibited)
    if startcol + n <= width:
        return [text]
    lines = []
    start = 0
    column = startcol
    is_break = _is_break
    breaky = _breaky_re().search
    after_space = _AFTER_SPACE
    while True:
        limit = start + width - column
        if n <= limit:
            break
        # The common case: the line ends after the last space that fits, inside plain words.
        space = text.rfind(" ", start, limit) if limit > start else -1
        if space > start:
            key = text[space - 1 : space + 2]
            rule = after_space.get(key)
            if rule is None:
                rule = after_space[key] = _after_space_rule(key)
            if rule and breaky(text, space + 1, limit + 1) is None and (space + 1) not in prohibited:
                lines.append(text[start : space + 1])
                start, column = space + 1, 0
                continue
        end = _last_break(text, start, limit, prohibited)
        if not end:
            # The first piece is wider than the line: it overflows, up to the next opportunity.
            q = max(limit + 1, start + 1)
            while q < n and (q in prohibited or not is_break(text, q)):
                q += 1
            if q >= n:
                break
            end = q
        lines.append(text[start:end])
        start, column = end, 0
    lines.append(text[start:])
    return lines


def _last_break(text: str, low: int, high: int, prohibited: frozenset[int]) -> int:
    """The last opportunity in ``(low, high]`` (0 if none), for text of simple characters.

    An opportunity is either right after spaces, or next to a character that is
    not a word character: only those places are examined, from the right.
    """
    q = high
    while q > low:
        space = text.rfind(" ", low, q)
        word = space + 1 if space >= 0 else low
        for match in reversed(list(_breaky_re().finditer(text, word, q + 1))):
            position = match.start()
            for candidate in (position + 1, position):
                if word < candidate <= q and candidate not in prohibited and _is_break(text, candidate):
                    return candidate
        if word > low and word not in prohibited and _is_break(text, word):
            return word
        q = word - 1
    return 0


def _fill_general(text: str, width: int, startcol: int, prohibited: frozenset[int]) -> list[str]:
    """The full algorithm: every opportunity computed, widths per character, mandatory breaks."""
    marks = break_opportunities(text)
    for position in prohibited:
        marks[position] = PROHIBITED
    breaks = []
    last_p = -1
    last_column = startcol
    piece_width = 0
    for i, ch in enumerate(text):
        mark = marks[i]
        if mark != PROHIBITED and last_p >= 0 and last_column + piece_width > width:
            breaks.append(last_p)
            last_column = 0
        if mark == MANDATORY:
            last_p, last_column, piece_width = -1, 0, 0
            continue
        if mark == POSSIBLE:
            last_p = i
            last_column += piece_width
            piece_width = 0
        w = char_width(ch)
        if w > 0:
            piece_width += w
    if last_p >= 0 and last_column + piece_width > width:
        breaks.append(last_p)
    lines = []
    start = 0
    for position in sorted(set(breaks)):
        lines.append(text[start:position])
        start = position
    lines.append(text[start:])
    return lines
