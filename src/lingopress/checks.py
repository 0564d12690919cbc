"""Catalogs -> diagnostics and statistics: the content checks of the CI gate.

Findings are data (:class:`Diagnostic`), collected in full and judged once.
The content checks here are independent of PO flags: a placeholder is checked
whether or not the entry says ``python-brace-format``, and fuzzy entries are
checked too. The renderer uses the same checks to refuse unsafe translations.

Every finding has a stable code; ``docs/check.md`` lists them all.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal

from lingopress.plurals import compile_plural
from lingopress.urls import ALLOWED_SCHEMES, RefusedUrl, UrlGuard, normalise
from lingopress.values import tokenize

if TYPE_CHECKING:
    from lingopress.pofile import Message

__all__ = [
    "CODES",
    "Diagnostic",
    "Problem",
    "Stats",
    "catalog_stats",
    "complexity_problems",
    "content_errors",
    "control_problems",
    "count_words",
    "markup_problems",
    "placeholder_problems",
    "render_safe",
    "style_problems",
    "translation_problems",
    "url_problems",
]

Severity = Literal["error", "warning"]

CODES: dict[str, Severity] = {
    # the file and its place in the project
    "syntax": "error",
    "missing": "error",
    "stale-pot": "error",
    "unmerged": "error",
    "header": "error",
    "plurals": "error",
    "glossary-file": "error",
    # completeness (required locales)
    "untranslated": "error",
    "fuzzy": "error",
    # content
    "placeholders": "error",
    "control": "error",
    "complexity": "error",
    "unsafe-url": "error",
    "format": "error",
    "newline": "error",
    "links": "error",
    "markup": "error",
    "html": "error",
    "block": "error",
    "same-as-source": "warning",
    "punctuation": "warning",
    "whitespace": "warning",
    "double-space": "warning",
    "glossary": "warning",
    "ignore": "warning",
}
"""Every diagnostic code and its severity."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding at ``path:line``."""

    path: str
    line: int
    severity: Severity
    code: str
    message: str
    locale: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message} [{self.code}]"

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.code, self.message)


@dataclass(frozen=True, slots=True)
class Problem:
    """A content problem of one translation, before it is placed at a file and line."""

    severity: Severity
    code: str
    message: str


# --------------------------------------------------------------------------- placeholders


def _fields(text: str) -> tuple[list[str], list[Problem]]:
    names: list[str] = []
    problems: list[Problem] = []
    for token in tokenize(text):
        if token.error is not None:
            problems.append(Problem("error", "placeholders", token.error))
        elif token.field is not None:
            if not token.is_bare_name:
                problems.append(
                    Problem(
                        "error",
                        "placeholders",
                        f"placeholder {{{token.field}}} is not a bare name"
                        " (no attributes, indexes, conversions or format specs)",
                    )
                )
            names.append(token.field)
    return names, problems


def placeholder_problems(msgid: str, msgstr: str, allow_missing: bool = False) -> list[Problem]:
    """Placeholders of ``msgstr`` against ``msgid``: same names, bare, balanced braces.

    ``allow_missing`` is for a plural form that the locale uses for one number
    only, which may leave out the number (``"Eine Minute"`` for ``"{num} minute"``),
    as GNU msgfmt allows.

    >>> [p.message for p in placeholder_problems("{a} and {b}", "{a} und {c}")]
    ['placeholder missing: {b}', 'placeholder not in the source: {c}']
    """
    if "{" not in msgstr and "}" not in msgstr and "{" not in msgid and "}" not in msgid:
        return []
    source_names, _ = _fields(msgid)
    names, problems = _fields(msgstr)
    if names == source_names or sorted(names) == sorted(source_names):
        return problems  # the usual case, without counting
    missing = Counter(source_names) - Counter(names)
    extra = Counter(names) - Counter(source_names)
    if missing and not allow_missing:
        shown = ", ".join(f"{{{n}}}" for n in missing)
        problems.append(Problem("error", "placeholders", f"placeholder missing: {shown}"))
    if extra:
        shown = ", ".join(f"{{{n}}}" for n in extra)
        problems.append(Problem("error", "placeholders", f"placeholder not in the source: {shown}"))
    return problems


@cache
def single_number_forms(plural_expr: str, nplurals: int) -> frozenset[int]:
    """The plural forms that a gettext plural expression selects for exactly one number.

    >>> sorted(single_number_forms("(n != 1)", 2)), sorted(single_number_forms("0", 1))
    ([0], [])
    """
    choose = compile_plural(plural_expr)
    uses = Counter(choose(n) for n in range(1000))
    return frozenset(i for i in range(nplurals) if uses[i] == 1)


# --------------------------------------------------------------------------- inline markup

_MARKUP_CHARS_RE = re.compile(r"[*_`\[\]<>!]")
_ESCAPED_RE = re.compile(r"\\[\\`*_{}\[\]()#+\-.!<>]")
_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+|[^@<>\s]+@[^@<>\s]+\.\w+)>")
_REF_LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\[([^\]]*)\]")
# Anything a browser would take for a tag: ``<svg/onload=...>`` and ``<javascript:...>`` too.
_HTML_RE = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)(?:[\s/][^<>]*)?>|<!--.*?-->", re.S)
_BLOCK_START_RE = re.compile(r"#{1,6}(?:\s|$)|[-*+]\s|>|```|~~~|={3,}\s*$|-{3,}\s*$|\|")


def _starts_block(text: str) -> bool:
    """Whether any line of ``text`` starts with Markdown block syntax."""
    for line in text.split("\n"):
        line = line.lstrip()
        if line[:1] and line[:1] in "#-*+>`~=|" and _BLOCK_START_RE.match(line):
            return True
    return False


_DELIMITER_RE = re.compile(r"[*_]")
_ASCII_PUNCTUATION = frozenset(string.punctuation)


_STANDS_FOR = "`"
"""What a code span, an autolink, and each end of a link are left as in the text whose emphasis
is counted: punctuation, as their first and last characters are, so that ``**`x`**`` or
``**[x](y)**`` is emphasis wherever it stands. (The check's own patterns do not look for it.)"""


def _split_code(text: str) -> tuple[tuple[str, ...], str]:
    """The code spans of ``text``, sorted, and the rest of ``text`` without backslash escapes
    and with each code span left as :data:`_STANDS_FOR` (neither is markup)."""
    if "\\" in text:
        text = _ESCAPED_RE.sub("  ", text)
    if "`" not in text:
        return (), text
    parts = _CODE_RE.split(text)
    # Inside a code span, a line break or a run of spaces is one space.
    spans = (" ".join(c.split()) if "  " in c or "\n" in c else c for c in parts[2::3])
    return tuple(sorted(spans)), _STANDS_FOR.join(parts[0::3])


@dataclass(frozen=True, slots=True)
class _Markup:
    """The inline Markdown of a string that a translation must keep."""

    links: tuple[str, ...]
    images: tuple[str, ...]
    code: tuple[str, ...]
    emphasis: tuple[int, ...]
    html: tuple[str, ...]


def _is_punctuation(char: str) -> bool:
    if char.isascii():
        return char in _ASCII_PUNCTUATION
    return unicodedata.category(char)[0] in "PS"


def _emphasis_runs(text: str) -> list[int]:
    """Lengths (1: em, 2: strong, 3: both) of the ``*``/``_`` runs that can open or close emphasis.

    CommonMark's flanking rules: a run touching whitespace on the inside does not
    count (``5 * 3``), nor does ``_`` inside a word (``snake_case``).

    >>> _emphasis_runs("**Relief.** about *half* of 5 * 3 and snake_case")
    [1, 1, 2, 2]
    """
    runs: list[int] = []
    size = len(text)
    position = 0
    # A run found from its first character: a search for one character of a class runs in C
    # over the text, where an alternation of runs (``\*+|_+``) is tried at every position.
    while (found := _DELIMITER_RE.search(text, position)) is not None:
        start = found.start()
        char = text[start]
        end = start + 1
        while end < size and text[end] == char:
            end += 1
        position = end
        before = text[start - 1] if start else " "
        after = text[end] if end < size else " "
        left = not after.isspace() and (
            not _is_punctuation(after) or before.isspace() or _is_punctuation(before)
        )
        right = not before.isspace() and (
            not _is_punctuation(before) or after.isspace() or _is_punctuation(after)
        )
        if char == "_" and before.isalnum() and after.isalnum():
            continue
        if left or right:
            runs.append(min(end - start, 3))
    return sorted(runs)


@lru_cache(maxsize=8192)
def _markup(text: str) -> _Markup:
    if _MARKUP_CHARS_RE.search(text) is None:
        return _EMPTY_MARKUP
    code, plain = _split_code(text)
    links: list[str] = []
    images: list[str] = []

    def link(m: re.Match[str]) -> str:
        (images if m.group(1) else links).append(m.group(3))
        return f"{_STANDS_FOR}{m.group(2)}{_STANDS_FOR}"

    def ref_link(m: re.Match[str]) -> str:
        (images if m.group(1) else links).append("[" + (m.group(3) or m.group(2)).lower() + "]")
        return f"{_STANDS_FOR}{m.group(2)}{_STANDS_FOR}"

    def autolink(m: re.Match[str]) -> str:
        links.append(m.group(1))
        return _STANDS_FOR

    if "[" in plain:
        plain = _LINK_RE.sub(link, plain)
        plain = _REF_LINK_RE.sub(ref_link, plain)
    html: list[str] = []
    if "<" in plain:
        plain = _AUTOLINK_RE.sub(autolink, plain)
        html = [(m.group(1) + m.group(2).lower()) if m.group(2) else "<!--" for m in _HTML_RE.finditer(plain)]
    emphasis = _emphasis_runs(plain) if "*" in plain or "_" in plain else []
    return _Markup(tuple(sorted(links)), tuple(sorted(images)), code, tuple(emphasis), tuple(sorted(html)))


_EMPTY_MARKUP = _Markup((), (), (), (), ())


def _difference(source: Iterable[str], target: Iterable[str]) -> str:
    lost = sorted((Counter(source) - Counter(target)).elements())
    added = sorted((Counter(target) - Counter(source)).elements())
    parts = []
    if lost:
        parts.append(f"missing {', '.join(lost)}")
    if added:
        parts.append(f"not in the source: {', '.join(added)}")
    return "; ".join(parts)


def markup_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Inline Markdown and HTML of ``msgstr`` against ``msgid``.

    Link and image targets, code spans and emphasis must be the same as the
    source's (their order may change with the sentence); raw HTML the source
    does not have is an error; so is a translation that starts a Markdown block.

    >>> [p.code for p in markup_problems("Read the [study](/s).", "Lesen Sie die [Studie](/x).")]
    ['links']
    """
    problems: list[Problem] = []
    source, target = _markup(msgid), _markup(msgstr)
    if source != target:
        if source.links != target.links:
            problems.append(
                Problem(
                    "error",
                    "links",
                    f"link targets differ from the source ({_difference(source.links, target.links)})",
                )
            )
        if source.images != target.images:
            problems.append(
                Problem(
                    "error",
                    "markup",
                    f"images differ from the source ({_difference(source.images, target.images)})",
                )
            )
        if source.code != target.code:
            shown = _difference((f"`{c}`" for c in source.code), (f"`{c}`" for c in target.code))
            problems.append(
                Problem(
                    "error", "markup", f"code spans differ from the source, keep them as they are ({shown})"
                )
            )
        if source.emphasis != target.emphasis:
            names = {1: "*emphasis*", 2: "**strong**", 3: "***strong emphasis***"}

            def count(runs: tuple[int, ...]) -> str:
                tally = Counter(runs)
                return ", ".join(f"{tally[n]} {names[n]} markers" for n in sorted(tally)) or "none"

            problems.append(
                Problem(
                    "error",
                    "markup",
                    f"emphasis markers differ from the source (source: {count(source.emphasis)};"
                    f" translation: {count(target.emphasis)})",
                )
            )
        extra_html = Counter(target.html) - Counter(source.html)
        if extra_html:
            shown = ", ".join(f"<{t}>" if t != "<!--" else "<!-- -->" for t in sorted(extra_html))
            problems.append(Problem("error", "html", f"raw HTML the source does not have: {shown}"))
    if _starts_block(msgstr) and not _starts_block(msgid):
        problems.append(
            Problem(
                "error",
                "block",
                "translation starts with Markdown block syntax (heading, list item, quote, fence...)"
                " that the source does not have",
            )
        )
    return problems


# --------------------------------------------------------------------------- safety

_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters (C0 but tab and newline, DEL, C1): never part of a translation.
Python-Markdown marks its placeholders with STX/ETX, GNU msgfmt truncates at NUL, and a PO
writer has no way to write some of them back."""


def control_problems(text: str) -> list[Problem]:
    """A control character other than newline and tab in ``text``, raw or from an escape.

    >>> [p.message for p in control_problems("a" + chr(2) + "b")]
    ['control character U+0002 (only newline and tab may be in a translation)']
    >>> control_problems("tab" + chr(9) + "newline" + chr(10))
    []
    """
    found = _CONTROL_RE.search(text)
    if found is None:
        return []
    return [
        Problem(
            "error",
            "control",
            f"control character U+{ord(found.group()):04X} (only newline and tab may be in a translation)",
        )
    ]


_SCAN_PER_CHAR = 8
_SCAN_BASE = 20_000
_DELIMITER_LIMIT = 512
_BRACKETS_RE = re.compile(r"[\[\]]")
_PARENS_RE = re.compile(r"[()]")
_QUOTES_RE = re.compile(r"['\"]")
_TICKS_RE = re.compile(r"`+")
_DELIMITERS_RE = re.compile(r"[\[<&\\]|`+|\*+|_+")


def _bracket_scan(text: str) -> int:
    """What Python-Markdown's link patterns scan from each ``[``: to its matching ``]``, or to
    the end when there is none."""
    scan = 0
    opened: list[int] = []
    for m in _BRACKETS_RE.finditer(text):
        if m.group() == "[":
            opened.append(m.start())
        elif opened:
            scan += m.start() - opened.pop()
    return scan + sum(len(text) - pos for pos in opened)


def _link_paren_scan(text: str) -> int:
    """What they scan from each ``(`` right after a ``]``: to its matching ``)``, or to the end
    when there is none, or when a quote comes first and the same quote is not right before the
    ``)`` (a title that does not close there).

    >>> _link_paren_scan('[a](/x "t") [b](/y)'), _link_paren_scan("[b](/it's) and more")
    (10, 16)
    """
    size = len(text)
    opened: list[int] = []
    ends: dict[int, int] = {}
    for m in _PARENS_RE.finditer(text):
        pos = m.start()
        if m.group() == "(":
            opened.append(pos)
            if pos and text[pos - 1] == "]":
                ends[pos] = size
        elif opened:
            start = opened.pop()
            if start in ends:
                ends[start] = pos
    quotes = [m.start() for m in _QUOTES_RE.finditer(text)] if ends else []
    scan = 0
    index = 0
    for start, end in sorted(ends.items()):
        while index < len(quotes) and quotes[index] < start:
            index += 1
        if index < len(quotes) and quotes[index] < end:
            # A title stops the scan where it closes right before the ``)``: ``"title")``.
            last = end - 1
            while last > start and text[last] == " ":
                last -= 1
            if text[last] != text[quotes[index]] or last == quotes[index]:
                end = size
        scan += end - start
    return scan


def _tick_scan(text: str) -> int:
    """What the code span patterns scan from each backtick run: to the next run of its length;
    a run that never closes is scanned to the end, and the search goes on from the next run."""
    runs = [(m.start(), m.end() - m.start()) for m in _TICKS_RE.finditer(text)]
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        following[index] = last.get(runs[index][1])
        last[runs[index][1]] = index
    scan = 0
    index = 0
    while index < len(runs):
        closer = following[index]
        if closer is None:
            scan += len(text) - runs[index][0]
            index += 1
        else:
            scan += runs[closer][0] - runs[index][0]
            index = closer + 1
    return scan


def _markdown_work(text: str) -> tuple[int, int]:
    """How much Python-Markdown's inline pass may do on ``text``: the characters its link
    and code span patterns scan (an upper bound), and the inline delimiters it may make
    elements of. Both are linear in ``text`` for any text within :func:`complexity_problems`'s
    bounds; beyond them, Python-Markdown's work grows with their product.

    >>> _markdown_work("[a](b) and `c`"), _markdown_work("[" * 4)
    ((6, 3), (10, 4))
    """
    scan = _bracket_scan(text) if "[" in text else 0
    if "](" in text:
        scan += _link_paren_scan(text)
    if "`" in text:
        scan += _tick_scan(text)
    return scan, sum(1 for _ in _DELIMITERS_RE.finditer(text))


def _within_bounds(text: str) -> bool:
    """Whether ``text`` is plainly within :func:`complexity_problems`'s bounds: few places a
    scan starts at, few delimiters (counted as characters, more than there are runs)."""
    starts = text.count("[") + text.count("(") + text.count("`")
    if starts > _SCAN_PER_CHAR:
        return False
    if len(text) <= _DELIMITER_LIMIT:
        return True
    delimiters = sum(text.count(c) for c in "[<&\\`*_")
    return delimiters <= _DELIMITER_LIMIT


def complexity_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Markup nested or unclosed beyond what any text needs: Python-Markdown's time on it
    grows with the square of its length (30,000 ``[`` take minutes). A translation may need
    as much as its source does.

    >>> [p.code for p in complexity_problems("Text", "[" * 100_000)]
    ['complexity']
    """
    if len(msgstr) <= 64 or _within_bounds(msgstr):
        return []
    scan, delimiters = _markdown_work(msgstr)
    if scan <= _SCAN_PER_CHAR * len(msgstr) + _SCAN_BASE and delimiters <= _DELIMITER_LIMIT:
        return []
    source_scan, source_delimiters = _markdown_work(msgid)
    if scan <= 2 * source_scan + _SCAN_BASE and delimiters <= 2 * source_delimiters + _DELIMITER_LIMIT:
        return []
    return [
        Problem(
            "error",
            "complexity",
            "too many unclosed or nested brackets, parentheses, backticks or other inline markup"
            f" ({delimiters} delimiters; keep the source's markup)",
        )
    ]


_URL_MARKUP_RE = re.compile(r"[\[<]")
"""What a text needs to render to a URL attribute: a link, an image or an autolink."""
_ATTR_LIST_LIKE_RE = re.compile(r"\{[^{}]*=")
"""What an attribute list that sets an attribute looks like."""
_DECODED_RE = re.compile(r"&[#A-Za-z]|%[0-9A-Fa-f]{2}")
"""A character reference or a percent escape: what decodes to other characters in a URL
(a backslash escape of Markdown gives punctuation only, never a letter or a colon)."""
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")


def _may_name_other_scheme(text: str) -> bool:
    """Whether a URL in ``text`` could have a scheme outside the allow-list: a colon after
    anything but ``http``, ``https``, ``mailto`` or ``tel`` (or after a tab or line break, which
    a browser drops), or anything that decodes to other characters (a character reference,
    a percent escape). Where it could not, rendering ``text`` is not needed.

    >>> _may_name_other_scheme("See [a](https://a.example/x) or [b](/b#top) (Tel: 1)")
    False
    >>> _may_name_other_scheme("[a](JavaScript:x)"), _may_name_other_scheme("[a](java&#115;cript:x)")
    (True, True)
    """
    if ("&" in text or "%" in text) and _DECODED_RE.search(text):
        return True
    colon = text.find(":")
    while colon >= 0:
        start = colon
        while start > 0 and colon - start <= 8 and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        before = text[start - 1] if start else ""
        if before in ("\t", "\n", "\r") or (
            start < colon and text[start:colon].lower() not in ALLOWED_SCHEMES
        ):
            return True
        colon = text.find(":", colon + 1)
    return False


@cache
def _check_pipeline() -> tuple[object, object]:
    # The page pipeline itself, rendering one paragraph (imported here: segment imports urls).
    from lingopress.segment import BodySegmenter

    segmenter = BodySegmenter()
    return segmenter, segmenter.parse("x")


@lru_cache(maxsize=8192)
def _refused_urls(text: str) -> tuple[RefusedUrl, ...]:
    """What the page pipeline takes out of ``text`` rendered as a paragraph, trusting nothing."""
    from lingopress.segment import BodySegmenter, ParsedBody, Translation

    segmenter, parsed = _check_pipeline()
    assert isinstance(segmenter, BodySegmenter) and isinstance(parsed, ParsedBody)
    segmenter.render(parsed, lambda segment: Translation(text, False), lambda name: "0", {})
    guard = segmenter.md.treeprocessors["lingopress-urls"]
    assert isinstance(guard, UrlGuard)
    return tuple(guard.refused)


def url_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Links, images and other URLs that ``msgstr`` renders to with a scheme outside the
    allow-list (:mod:`lingopress.urls`) and that ``msgid`` does not render to itself; event
    handler attributes.

    >>> [p.code for p in url_problems("[a](/b)", "[a](JavaScript:alert(1))")]
    ['unsafe-url']
    >>> url_problems("[a](ftp://x.example/)", "[b](ftp://x.example/)")
    []
    """
    if _ATTR_LIST_LIKE_RE.search(msgstr) is None:
        # A URL's scheme stands after the bracket or angle bracket that opens its link, image,
        # reference definition or autolink: what comes before the first one names none.
        opener = _URL_MARKUP_RE.search(msgstr)
        if opener is None or not _may_name_other_scheme(msgstr[opener.start() :]):
            return []
    refused = _refused_urls(msgstr)
    if not refused:
        return []
    trusted = (
        {normalise(r.value) for r in _refused_urls(msgid) if not r.attribute.startswith("on")}
        if _URL_MARKUP_RE.search(msgid) or _ATTR_LIST_LIKE_RE.search(msgid)
        else set()
    )
    allowed = ", ".join(sorted(ALLOWED_SCHEMES))
    return [
        Problem(
            "error",
            "unsafe-url",
            f"{r}: not allowed in a translation (schemes: {allowed}, relative URLs, or the source's own)",
        )
        for r in refused
        if r.attribute.startswith("on") or normalise(r.value) not in trusted
    ]


def content_errors(msgid: str, msgstr: str, single_number: bool = False) -> list[Problem]:
    """The errors that keep a translation out of the project and off a page: control
    characters and markup too complex to render come first (the text is then judged no
    further), then placeholders, inline markup and, when its placeholders are right, URLs."""
    problems = control_problems(msgstr) or complexity_problems(msgid, msgstr)
    if problems:
        return problems
    problems = placeholder_problems(msgid, msgstr, allow_missing=single_number)
    problems += markup_problems(msgid, msgstr)  # errors only
    # Rendered to judge its URLs unless its braces already refuse it (each brace that is not a
    # placeholder would be one more item in Markdown's stash).
    if not any(p.code == "placeholders" for p in problems):
        problems += url_problems(msgid, msgstr)
    return problems


# --------------------------------------------------------------------------- style

_END_CLASSES = [
    set(".。।۔॥…"),
    set("?？؟;"),
    set("!！"),
    set(":："),
]
_END_CHARS = ".?!:;。？！：؟।۔॥…"
_CLOSERS = "*_)]»«›‹\"'”“’‘」』）"


def _end_punct(text: str) -> str:
    stripped = text.rstrip().rstrip(_CLOSERS).rstrip()
    last = stripped[-1:]
    if last == "." and stripped.endswith("..."):
        return "…"
    return last if last and last in _END_CHARS else ""


def _equivalent_ends(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _END_CLASSES)


def style_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Warnings a reviewer wants to see, none of which stops a release by itself.

    >>> [p.code for p in style_problems("Hello world.", "Hallo  Welt")]
    ['double-space', 'punctuation']
    """
    problems: list[Problem] = []
    if msgstr == msgid:
        if len(msgid.split()) > 1 and any(c.isalpha() for c in msgid):
            problems.append(Problem("warning", "same-as-source", "translation is identical to the source"))
        return problems
    if (msgstr[:1].isspace(), msgstr[-1:].isspace()) != (msgid[:1].isspace(), msgid[-1:].isspace()) and (
        # A newline that differs is an error of its own (see lingopress.formats.newline_problems).
        (msgstr[:1] == "\n", msgstr[-1:] == "\n") == (msgid[:1] == "\n", msgid[-1:] == "\n")
    ):
        problems.append(
            Problem("warning", "whitespace", "leading/trailing whitespace differs from the source")
        )
    if "  " in msgstr.strip() and "  " not in msgid.strip():
        problems.append(Problem("warning", "double-space", "double space in the translation"))
    end_id, end_str = _end_punct(msgid), _end_punct(msgstr)
    if end_id != end_str and not _equivalent_ends(end_id, end_str):
        problems.append(
            Problem(
                "warning",
                "punctuation",
                f"ends with {repr(end_str) if end_str else 'no punctuation'},"
                f" the source with {repr(end_id) if end_id else 'none'}",
            )
        )
    return problems


def translation_problems(msgid: str, msgstr: str, single_number: bool = False) -> list[Problem]:
    """Every error and warning for one translated string (empty: fine).

    ``single_number`` says ``msgstr`` is a plural form used for one number only
    (see :func:`placeholder_problems`).
    """
    errors = content_errors(msgid, msgstr, single_number)
    if errors and errors[0].code in ("control", "complexity"):
        return errors
    return errors + style_problems(msgid, msgstr)


def render_safe(msgid: str, msgstr: str) -> bool:
    """Whether a translation may be put on a page: no error-level problem."""
    return not any(p.severity == "error" for p in content_errors(msgid, msgstr))


# --------------------------------------------------------------------------- statistics

# pocount (translate-toolkit) counts words in three steps: <br> becomes a line
# break, XML/HTML tags are dropped, a dot between two non-digits becomes a space;
# then it takes the Unicode (UAX #29) words that contain a letter or digit.
_BR_RE = re.compile(r"<br\s*?/?>")
_XML_TAG_RE = re.compile(
    r"""<([\w.:]+)(\s([\w.:]+=((".*?")|('.*?')))?)*/?>|</([\w.]+)>""",
)
_NUMBER_DOT_RE = re.compile(r"\D\.\D")
# Ideographs and hiragana are a word each, a run of katakana one word, a superscript
# digit a word of its own; everything else is runs of word characters (and the
# combining marks of Indic scripts), joined by an apostrophe, dot or colon between
# two letters, or by a comma, dot or semicolon between two digits.
_ISOLATE = (
    "[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff\u00b2\u00b3\u00b9"
    "\u2070-\u209f]|[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]+"
)
_SUPERSCRIPT_RE = re.compile("[\u00b2\u00b3\u00b9\u2070-\u209f]")
_RUN_RE = re.compile("[\\w\u0900-\u0963\u0966-\u0dff]+")
# Format and combining characters belong to the character before them.
_EXTEND_RE = re.compile("[\u0300-\u036f\u00ad\u200b-\u200d\u2060\ufeff]")
_MID_LETTER = ":\u00b7\u0387\u055f\u05f4\u2027\ufe13\ufe55\uff1a"
_MID_NUM_LET = ".'\u2018\u2019\u2024\ufe52\uff07\uff0e"
_MID_NUM = ",;\u037e\u0589\u060c\u060d\u066c\u07f8\u2044\ufe10\ufe14\ufe50\ufe54\uff0c\uff1b"
_JOIN_RE = re.compile(f"[{_MID_LETTER}{_MID_NUM_LET}{_MID_NUM}](?=[^\\W_])")
_UNDERSCORES_RE = re.compile("(?<![\\w\u0900-\u0963\u0966-\u0dff])_+(?![\\w\u0900-\u0963\u0966-\u0dff])")


@cache
def _isolate_re() -> re.Pattern[str]:
    # Compiled when first needed: its large character ranges take milliseconds to compile.
    return re.compile(_ISOLATE)


def _may_isolate(text: str) -> bool:
    """Whether ``text`` may hold a character that :func:`_isolate_re` makes a word of its own
    (a superscript digit, or a character from U+3040 on)."""
    return max(text, default="") >= "\u3040" or _SUPERSCRIPT_RE.search(text) is not None


def _dots_to_spaces(text: str) -> str:
    """pocount's ``re.sub(r"\\D\\.\\D", " ", text)``, several times faster on long texts.

    >>> _dots_to_spaces("e.g. a.b.c 3.14 x.")
    ' .  .c 3.14 x.'
    """
    start = text.find(".", 1)
    if start < 0:
        return text
    out: list[str] = []
    last = 0
    i = start
    while i >= 0:
        if (
            i - 1 >= last
            and i + 1 < len(text)
            and not text[i - 1].isdecimal()
            and not text[i + 1].isdecimal()
        ):
            out.append(text[last : i - 1])
            out.append(" ")
            last = i + 2
            i = text.find(".", last + 1)
        else:
            i = text.find(".", i + 1)
    out.append(text[last:])
    return "".join(out)


def _joins(text: str) -> int:
    """How many of the punctuation marks between two word runs join them into one word."""
    joins = 0
    for m in _JOIN_RE.finditer(text):
        i = m.start()
        before = text[i - 1] if i else " "
        if not before.isalnum() or before == "_":
            continue
        mark, after = m.group(), text[i + 1]
        if before.isdecimal() and after.isdecimal():
            joins += mark not in _MID_LETTER
        elif not before.isdecimal() and not after.isdecimal():
            joins += mark not in _MID_NUM
    return joins


def count_words(text: str) -> int:
    """Source words as translators' tools count them (translate-toolkit's ``pocount``).

    >>> count_words("It costs {price} — really? Don't ask: 7,000.50 EUR, e.g. here.")
    9
    """
    if "<" in text:
        text = _XML_TAG_RE.sub("", _BR_RE.sub("\n", text))
    text = _dots_to_spaces(text)
    if not text.isascii():
        text = _EXTEND_RE.sub("", text)
        if _may_isolate(text):
            text = _isolate_re().sub(lambda m: f" {m.group()} ", text)
    words = len(_RUN_RE.findall(text))
    if "_" in text:
        words -= len(_UNDERSCORES_RE.findall(text))  # a run of underscores alone is no word
    return words - _joins(text)


@dataclass(slots=True)
class Stats:
    """Messages and source words by state, for one catalog or a sum of them."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    domains: dict[str, Stats] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Share of translated messages, 0-100 (100 for an empty catalog)."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def counts(self) -> dict[str, dict[str, int]]:
        """Messages and words by state, as the JSON reports write them."""
        return {
            "messages": {
                "total": self.total,
                "translated": self.translated,
                "fuzzy": self.fuzzy,
                "untranslated": self.untranslated,
            },
            "words": {
                "total": self.total_words,
                "translated": self.translated_words,
                "fuzzy": self.fuzzy_words,
                "untranslated": self.untranslated_words,
            },
        }

    def add(self, other: Stats) -> None:
        self.translated += other.translated
        self.fuzzy += other.fuzzy
        self.untranslated += other.untranslated
        self.translated_words += other.translated_words
        self.fuzzy_words += other.fuzzy_words
        self.untranslated_words += other.untranslated_words

    def as_untranslated(self) -> Stats:
        """The same messages, none of them translated (a PO file that does not exist yet)."""
        return Stats(
            untranslated=self.total,
            untranslated_words=self.total_words,
        )


@lru_cache(maxsize=1 << 17)
def _source_words(text: str) -> int:
    # Every locale has the same msgids: count each once.
    return count_words(text)


def catalog_stats(messages: Iterable[Message]) -> Stats:
    """Count the states of the (non-obsolete) messages.

    A plural entry with an empty form is untranslated, although ``msgfmt
    --statistics`` and ``pocount`` count it as translated: the page would show
    the source text for that form. A fuzzy entry is fuzzy, although ``pybabel``
    counts it as translated. Otherwise the counts are msgfmt's, and the words
    pocount's source words.
    """
    stats = Stats()
    for message in messages:
        words = _source_words(message.msgid)
        if message.msgid_plural is not None:
            words += _source_words(message.msgid_plural)
        if message.fuzzy and message.has_translation:
            stats.fuzzy += 1
            stats.fuzzy_words += words
        elif all(message.msgstr):
            stats.translated += 1
            stats.translated_words += words
        else:
            stats.untranslated += 1
            stats.untranslated_words += words
    return stats
