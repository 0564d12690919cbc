"""Article body <-> segments: one message per Markdown block, and the same blocks back to HTML.

One Python-Markdown pipeline serves both directions. The block parser's tree,
before inline parsing, holds each block's raw inline Markdown: the parse records
each block as a :class:`Segment`, with where it is in the tree; when rendering,
a tree processor that runs before the inline pass puts each translation in its
block's place, where it gets the same inline treatment. So what is extracted is
exactly what is replaced.
"""

from __future__ import annotations

import copy
import html
import re
import sys
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import markdown
from markdown import util as md_util
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor, Treeprocessor

from lingopress.urls import UrlGuard
from lingopress.values import tokenize

__all__ = [
    "MARKDOWN_EXTENSIONS",
    "BodySegmenter",
    "ParsedBody",
    "Segment",
    "Translation",
    "collapse",
    "markdown_extensions",
    "split_attr_list",
    "without_pygments",
]

MARKDOWN_EXTENSIONS = ["tables", "attr_list", "md_in_html", "fenced_code", "sane_lists"]
"""The Python-Markdown extensions of article bodies (built by :func:`markdown_extensions`)."""


def markdown_extensions() -> list[Extension]:
    """:data:`MARKDOWN_EXTENSIONS` as instances. Given by name, Python-Markdown looks them up
    among the entry points of every installed package, which costs tens of milliseconds at
    the start of every process."""
    from markdown.extensions.attr_list import AttrListExtension
    from markdown.extensions.fenced_code import FencedCodeExtension
    from markdown.extensions.md_in_html import MarkdownInHtmlExtension
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.extensions.tables import TableExtension

    return [
        TableExtension(),
        AttrListExtension(),
        MarkdownInHtmlExtension(),
        FencedCodeExtension(),
        SaneListExtension(),
    ]


def without_pygments() -> None:
    """Import Python-Markdown's fenced_code with Pygments hidden: for a process that makes only
    lingopress pages (the invoke tasks call this first).

    fenced_code imports codehilite, which imports Pygments when it is installed, and Pygments
    imports importlib.metadata: about 30 ms at the start of every process. Article bodies are
    never highlighted (codehilite is not among :data:`MARKDOWN_EXTENSIONS`), so the pages do not
    change; but in this process codehilite then works as if Pygments were not installed.
    """
    if "pygments" in sys.modules or "markdown.extensions.fenced_code" in sys.modules:
        return
    sys.modules["pygments"] = None  # type: ignore[assignment]  # 'import pygments' fails
    try:
        import markdown.extensions.fenced_code  # noqa: F401
    finally:
        del sys.modules["pygments"]


_BLOCK_KINDS = {
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "p": "paragraph",
    "li": "list item",
    "td": "table cell",
    "th": "table header",
    "dt": "term",
    "dd": "definition",
}
_SKIP_TAGS = {"pre", "code", "script", "style"}
_STASH_ONLY_RE = re.compile(r"\s*(?:\x02wzxhzdk:\d+\x03\s*)+")
# attr_list's syntax at the end of a block: ``{: #id .class key="value"}``, ``{#id}``, ``{.class}``.
_ATTR_LIST_RE = re.compile(r"[ \t\n]*(\{:[^}\n]*\}|\{[#.][^}\n]*\})[ \t]*$")
_TICKS_RE = re.compile("`+")
_ATTR_RE = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable block: the msgid and where it comes from."""

    kind: str
    """What the block is, for translators: ``heading``, ``paragraph``, ``list item``, ..."""
    text: str
    """Raw inline Markdown with whitespace collapsed: the msgid."""
    line: int
    """1-based line in the article file."""
    context: str | None = None
    """``msgctxt``, when the author asked for one with ``{: msgctxt="..."}``."""


@dataclass(frozen=True, slots=True)
class Translation:
    """What the renderer puts in a block: the text and whether it is a source-language fallback."""

    text: str
    fallback: bool


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """A body's block structure, parsed once and rendered for every locale.

    Python-Markdown's preprocessors and block parser give the same tree whatever the
    language; only the text of the blocks differs. What the parse left in the HTML stash
    (code blocks, raw HTML) and the link references go with the tree, and so does where
    each translatable block is.
    """

    body: str
    first_line: int
    root: etree.Element | None
    """None for a blank body."""
    raw_html: tuple[str | etree.Element, ...]
    html_counter: int
    tag_counter: int
    tag_data: tuple[object, ...]
    references: tuple[tuple[str, tuple[str, str]], ...]
    blocks: tuple[_Block, ...] = ()
    """The translatable blocks, in page order."""
    kept: tuple[tuple[int, ...], ...] = ()
    """Where the elements marked ``translate="no"`` are (see :class:`_Block`)."""


@dataclass(frozen=True, slots=True)
class _Block:
    """One translatable block of a parsed body: where it is, its message, and its attr_list."""

    path: tuple[int, ...]
    """Child indexes from the root of the tree to the block's element."""
    segment: Segment
    attrs: str
    """The trailing attr_list the block keeps (without ``msgctxt``), or ""."""
    heading: bool


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space, as msgids are stored.

    >>> collapse("  a\\n  b  ")
    'a b'
    """
    return " ".join(text.split())


def split_attr_list(text: str) -> tuple[str, str]:
    """Split a trailing attr_list (``{: .class}``) from a block's text.

    >>> split_attr_list("Title {: #top }")
    ('Title', '{: #top }')
    >>> split_attr_list("Costs {price}")
    ('Costs {price}', '')
    """
    if not text.rstrip(" \t").endswith("}"):
        return text, ""  # the usual case, without a regular-expression search of the whole text
    match = _ATTR_LIST_RE.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], match.group(1)


def _attr(attrs: str, name: str) -> str | None:
    for m in _ATTR_RE.finditer(attrs):
        if m.group(1) == name:
            return next(g for g in m.groups()[1:] if g is not None)
    return None


def _without_attr(attrs: str, name: str) -> str:
    return _ATTR_RE.sub(lambda m: "" if m.group(1) == name else m.group(0), attrs)


class _BlockProcessor(Treeprocessor):  # type: ignore[misc]
    """Puts the translations in the blocks before inline parsing (see module docstring)."""

    def __init__(self, md: markdown.Markdown, owner: BodySegmenter):
        super().__init__(md)
        self.owner = owner

    def run(self, root: etree.Element) -> None:
        self.owner._fill_blocks(root, self.md)


# What each of Python-Markdown's inline patterns cannot match without: one of these substrings.
# A pattern not named here is always tried. The names are those of Python-Markdown 3.6 to 3.11
# (3.11 has one 'em_strong' pattern for both ``*`` and ``_``).
_PATTERN_NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "not_strong": ("*", "_"),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
}


# What each of Python-Markdown's block processors cannot accept a block without: one of these
# substrings. Their tests search the whole block with multi-line patterns, and the block parser
# tries them in turn on every block, most of which are paragraphs that none of them accepts.
_BLOCK_NEEDS: dict[str, tuple[str, ...]] = {
    "hashheader": ("#",),
    "setextheader": ("\n",),
    "hr": ("-", "*", "_"),
    "quote": (">",),
    "table": ("|",),
}


def _quick_block_tests(md: markdown.Markdown) -> None:
    """Let ``md``'s block parser skip the block processors that a block cannot match (see
    :data:`_BLOCK_NEEDS`): the same tree, with about a fifth fewer instructions an article
    extracted. A reference definition (``[id]: url``) needs ``]:``; that processor's test
    accepts every block and its run searches it."""
    processors = md.parser.blockprocessors
    for name, needs in _BLOCK_NEEDS.items():
        if name in processors:
            processor = processors[name]
            processor.test = _needing(needs, processor.test)
    if "reference" in processors:
        reference = processors["reference"]
        run = reference.run
        reference.run = lambda parent, blocks: "]:" in blocks[0] and run(parent, blocks)


# What each of Python-Markdown's preprocessors cannot change a document without: one of these
# substrings. Both search the whole document, most of which has none of them.
_PREPROCESSOR_NEEDS: dict[str, tuple[str, ...]] = {
    # fenced_code: a fence (three backticks or tildes at the start of a line).
    "fenced_code_block": ("```", "~~~"),
    # md_in_html: it feeds the document to an HTML parser, which gives text back as it is but
    # for character references, which it completes (``&#65`` becomes ``&#65;``).
    "html_block": ("<", "&"),
}


def _quick_preprocessors(md: markdown.Markdown) -> None:
    """Let the preprocessors pass over a document they would return as it is (about a tenth of
    an extraction): fenced_code's and md_in_html's (see :data:`_PREPROCESSOR_NEEDS`), and
    whitespace normalization, whose pattern for blank lines made of spaces is tried at every
    position of the document, when the document has none of what it replaces."""
    for name, needs in _PREPROCESSOR_NEEDS.items():
        if name in md.preprocessors:
            preprocessor = md.preprocessors[name]
            preprocessor.run = _passing_over(needs, preprocessor.run)
    if "normalize_whitespace" in md.preprocessors:
        normalize = md.preprocessors["normalize_whitespace"].run

        def quick_normalize(lines: list[str]) -> list[str]:
            # Its steps: remove STX and ETX, end every line with "\n", expand tabs, empty the
            # lines made only of spaces (but the first); then add two empty lines.
            text = "\n".join(lines)
            if not any(c in text for c in _NORMALIZED) and not text.endswith(" "):
                return [*lines, "", ""]
            result: list[str] = normalize(lines)
            return result

        md.preprocessors["normalize_whitespace"].run = quick_normalize


def _passing_over(
    needs: tuple[str, ...], run: Callable[[list[str]], list[str]]
) -> Callable[[list[str]], list[str]]:
    """A preprocessor's ``run`` that returns a document with none of ``needs`` as it is."""

    def quick_run(lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        return run(lines) if any(need in text for need in needs) else lines

    return quick_run


_NORMALIZED = ("\r", "\t", md_util.STX, md_util.ETX, " \n")
"""What Python-Markdown's whitespace normalization changes, or may (see
:func:`_quick_preprocessors`)."""


def _quick_block_level(md: markdown.Markdown) -> None:
    """Keep ``md.is_block_level``'s answer per tag. Python-Markdown asks it of most elements
    (the serializer, attr_list, the raw HTML postprocessor), each time a search of a list of
    about sixty names; the list is final once the extensions are loaded (this is the last)."""
    md.is_block_level = lru_cache(maxsize=256)(md.is_block_level)


def _needing(
    needs: tuple[str, ...], test: Callable[[etree.Element, str], bool]
) -> Callable[[etree.Element, str], bool]:
    if len(needs) == 1:
        (need,) = needs
        return lambda parent, block: need in block and test(parent, block)
    return lambda parent, block: any(n in block for n in needs) and test(parent, block)


def _underscore_markup(text: str) -> bool:
    """Whether emphasis could start at an underscore of ``text``. Python-Markdown 3.11's
    emphasis delimiters open only at an underscore with no word character (``\\w``) before
    it; the underscore patterns of 3.6 to 3.10 also at three underscores, and 'not_strong'
    at a run after a space or at the start. An underscore inside a word (``snake_case``) is
    text. (An underscore that could only close emphasis closes nothing without an opener.)

    >>> _underscore_markup("snake_case"), _underscore_markup("an _emphasis_"), _underscore_markup("a___b")
    (False, True, True)
    """
    if "___" in text:
        return True
    index = text.find("_")
    while index >= 0:
        before = text[index - 1] if index else " "
        if not (before.isalnum() or before == "_"):  # what \w is in a str pattern
            return True
        index = text.find("_", index + 1)
    return False


class _QuickInlineProcessor(InlineProcessor):  # type: ignore[misc]
    """Python-Markdown's inline pass, skipping the patterns a text cannot match.

    Python-Markdown tries every inline pattern on every text; most texts hold none of the
    characters that most patterns start with (a ``[``, a backtick, an ``*``...). A text
    with no inline Markdown at all is left alone, and one whose only inline Markdown is code
    spans is parsed here (:meth:`_code_spans`). The output is the same (tests render the
    Markdown corpus and generated texts both ways); a body of the benchmark site renders
    about 1.7 times as fast.
    """

    _patterns: tuple[int, ...] = ()
    """The patterns the plan below was made for (by identity)."""

    def _make_plan(self) -> None:
        """What each pattern needs, and what marks a text as holding inline Markdown; made
        again only when the registry of patterns changes."""
        registry = self.inlinePatterns
        patterns = tuple(id(pattern) for pattern in registry)
        if patterns == self._patterns:
            return
        needs = {id(registry[name]): need for name, need in _PATTERN_NEEDS.items() if name in registry}
        self._plan = [(pattern, frozenset(needs.get(id(pattern), ()))) for pattern in registry]
        self._needs = frozenset(n for need in needs.values() for n in need)
        # Every pattern needs one of these substrings: a text without any is left as it is. An
        # underscore counts only where an underscore pattern could start (see below). The single
        # characters are searched for as one class; a longer substring is looked for on its own
        # unless it holds one of them (``![`` holds ``[``): in one alternation with the others,
        # ``"  \n"`` would stop the search at every space.
        singles = sorted(n for n in self._needs if len(n) == 1 and n != "_")
        self._starts = re.compile(f"[{''.join(re.escape(c) for c in singles)}]" if singles else "(?!)")
        self._longer = tuple(
            n for n in sorted(self._needs) if len(n) > 1 and not any(c in n for c in singles)
        )
        self._shortcuts = "backtick" in registry and all(need for _, need in self._plan)
        # Emphasis alone is parsed here when only the asterisk patterns could apply: every other
        # pattern needs a substring of these (an underscore anywhere counts).
        self._others = tuple(n for n in sorted(self._needs) if n != "*")
        self._emphasis_only = "em_strong" in registry and "*" in self._needs
        self._code_tag: str = registry["backtick"].tag if "backtick" in registry else "code"
        self._patterns = patterns

    def _markup(self, text: str) -> bool:
        if self._starts.search(text) is not None:
            return True
        for need in self._longer:
            if need in text:
                return True
        return "_" in text and _underscore_markup(text)

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self._make_plan()
        if self._shortcuts:
            for element in tree.iter():
                text = element.text
                if text and not isinstance(text, md_util.AtomicString):
                    if not self._markup(text):
                        element.text = md_util.AtomicString(text)  # nothing for the pass to do
                    elif "`" in text:
                        self._code_spans(element, text)
                    elif self._emphasis_alone(text):
                        _emphasis_pairs(element, text)
        result: etree.Element = super().run(tree, ancestors)
        return result

    def _emphasis_alone(self, text: str) -> bool:
        """Whether the only inline Markdown ``text`` may hold is asterisk emphasis."""
        return self._emphasis_only and "*" in text and not any(n in text for n in self._others)

    def _code_spans(self, element: etree.Element, text: str) -> None:
        """A text whose only inline Markdown is code spans, and maybe asterisk emphasis around
        or between them, parsed directly into the tree the inline pass makes of it: the text
        before the first span, a ``code`` element per span, the text after each span as its
        tail (:func:`_emphasis_pairs` puts the emphasis in). Any other text is left to the pass.

        Python-Markdown tries the backtick pattern first. From each backtick not escaped, it
        looks for a closing run of as many backticks; failing that, for the first longest
        shorter run, the extra opening backticks then being part of the code; failing that
        too, it searches on twice the opening run's length further. A found span is replaced
        by a placeholder, and the search goes on after it. The loop below does the same, with
        regular expressions where Python-Markdown steps through the text a character at a time
        (which took most of a body's time). When no pattern can match the text between the spans
        (none of the substrings they need is there, not even a backtick), the rest of the pass
        would leave it as it is; when only the asterisk patterns can, they see each span as
        the placeholder that stands for it. A test compares both on the Markdown corpus and on
        generated texts.
        """
        if "\\" in text or _ATOM in text:
            return  # backslash escapes, of backticks too: left to the pass
        pieces: list[str] = []
        spans: list[etree.Element] = []
        done = position = 0
        while (begin := text.find("`", position)) >= 0:
            inside = _TICKS_RE.match(text, begin).end()  # type: ignore[union-attr]
            opening = inside - begin
            span: tuple[int, int, int] | None = None  # the code's start and end, the span's end
            longest = longest_end = 0
            for run in _TICKS_RE.finditer(text, inside):
                length = run.end() - run.start()
                if length == opening:
                    span = (inside, run.start(), run.end())
                    break
                if length > longest:
                    longest, longest_end = length, run.end()
            if span is None and 0 < longest < opening:
                span = (begin + longest, longest_end - longest, longest_end)
            if span is None:
                position = inside + opening
                continue
            code = etree.Element(self._code_tag)
            code.text = md_util.AtomicString(md_util.code_escape(text[span[0] : span[1]].strip()))
            pieces.append(text[done:begin])
            spans.append(code)
            done = position = span[2]
        pieces.append(text[done:])
        if not spans:
            return
        marked = [piece for piece in pieces if self._markup(piece)]
        if not marked:
            _put_spans(element, pieces, spans)
        elif all(self._emphasis_alone(piece) for piece in marked):
            _emphasis_pairs(element, _ATOM.join(pieces), spans)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        # InlineProcessor.__handleInline: each pattern in turn, again while it matches. A match
        # puts a placeholder in place of text, so a substring absent now stays absent.
        if isinstance(data, md_util.AtomicString):
            atomic: str = data  # kept as it is: an AtomicString is not parsed
            return atomic
        present = {n for n in self._needs if n in data}
        apply = self._InlineProcessor__applyPattern
        for index in range(patternIndex, len(self._plan)):
            pattern, need = self._plan[index]
            if need and need.isdisjoint(present):
                continue
            matched, start = True, 0
            while matched:
                data, matched, start = apply(pattern, data, index, start)
        return data


_STARS_RE = re.compile(r"\*+")
_ATOM = "\x00"
"""Stands for an element already parsed (a code span) in a text given to :func:`_emphasis_pairs`;
a text that holds this character is left to the inline pass."""


def _emphasis_pairs(element: etree.Element, text: str, atoms: Sequence[etree.Element] = ()) -> None:
    """A text whose only inline Markdown is pairs of ``*`` or ``**`` runs, parsed directly into
    the tree Python-Markdown's asterisk patterns make of it: ``*x*`` an ``em``, ``**x**`` a
    ``strong``. Any other text is left to the pass: an odd number of runs, a run of three or
    more, two runs of a pair of different lengths, or a pair around nothing or with whitespace
    inside its ends (which the 'not_strong' pattern would leave as text). Each :data:`_ATOM` of
    ``text`` is the next of ``atoms``, put where it stands, inside emphasis or not.

    Python-Markdown tries, at each asterisk, its patterns in turn: those that need three
    asterisks in a row cannot match; its 'strong' pattern takes a double run to the next
    double run, its 'emphasis' pattern a single run to the next single run with no asterisk
    between. A code span is by then a placeholder: text that is neither an asterisk nor
    whitespace, as an atom is here. The tests compare both on the Markdown corpus and on
    generated texts.
    """
    runs = [(m.start(), m.end()) for m in _STARS_RE.finditer(text)]
    if len(runs) % 2 or text.count(_ATOM) != len(atoms):
        return
    for (start, inside), (close, end) in zip(runs[0::2], runs[1::2], strict=True):
        length, content = inside - start, text[inside:close]
        if length > 2 or end - close != length or not content.strip() or content != content.strip():
            return
    following = iter(atoms)
    pieces: list[str] = [""]
    spans: list[etree.Element] = []

    def put(piece: str) -> None:
        # The text up to the next span, and the atoms in it: each a span, followed by its tail.
        first, *rest = piece.split(_ATOM)
        pieces[-1] += first
        for tail in rest:
            spans.append(next(following))
            pieces.append(tail)

    done = 0
    for (start, inside), (close, end) in zip(runs[0::2], runs[1::2], strict=True):
        put(text[done:start])
        span = etree.Element("strong" if inside - start == 2 else "em")
        inner = text[inside:close].split(_ATOM)
        _put_spans(span, inner, [next(following) for _ in inner[1:]])
        spans.append(span)
        pieces.append("")
        done = end
    put(text[done:])
    _put_spans(element, pieces, spans)


def _put_spans(element: etree.Element, pieces: list[str], spans: list[etree.Element]) -> None:
    """Make ``element``'s text the first of ``pieces``, followed by ``spans``, each with the next
    piece as its tail: the tree the inline pass makes of a parsed text. The pieces are atomic:
    the pass has nothing more to do with them."""
    element.text = md_util.AtomicString(pieces[0]) if pieces[0] else None
    for index, (span, tail) in enumerate(zip(spans, pieces[1:], strict=True)):
        span.tail = md_util.AtomicString(tail) if tail else None
        element.insert(index, span)


class _Extension(Extension):  # type: ignore[misc]
    def __init__(self, owner: BodySegmenter):
        super().__init__()
        self.owner = owner

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Raw inline HTML is not part of article or translation text: it is shown as text.
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_QuickInlineProcessor(md), "inline", 20)
        # Before "inline" (20): the text of each block is still its raw Markdown.
        md.treeprocessors.register(_BlockProcessor(md, self.owner), "lingopress-blocks", 25)
        # Last, after attr_list and unescape: no URL outside the allow-list reaches a page.
        owner = self.owner
        md.treeprocessors.register(
            UrlGuard(md, lambda: owner._parsed.body if owner._parsed else ""), "lingopress-urls", -10
        )
        _quick_block_tests(md)
        _quick_block_level(md)
        _quick_preprocessors(md)


class BodySegmenter:
    """A reusable Markdown pipeline for article bodies (one per process; not thread-safe).

    ``segments(body, first_line)`` lists the blocks; ``render(body, translate, fill)``
    returns the body's HTML with every block's text replaced by ``translate(segment)``
    and every ``{placeholder}`` by ``fill(name)`` (already escaped HTML).
    Blocks that are not translated (a fallback to the source text, or marked
    ``translate="no"``) get ``fallback_attrs``; their values come from ``fill_fallback``.
    """

    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=[*markdown_extensions(), _Extension(self)])
        self._body = ""
        self._cursor = 0
        self._cursor_line = 1
        self._parsed: ParsedBody | None = None
        self._translate: Callable[[Segment], Translation] | None = None
        self._fill: Callable[[str], str] | None = None
        self._fill_fallback: Callable[[str], str] | None = None
        self._fallback_attrs: dict[str, str] = {}

    # -- public API ---------------------------------------------------------------

    def parse(self, body: str, first_line: int = 1) -> ParsedBody:
        """The block structure of ``body`` (Markdown's preprocessors and block parser)."""
        md = self.md
        md.reset()
        if not body.strip():
            return ParsedBody(body, first_line, None, (), 0, 0, (), ())
        lines = body.split("\n")
        for preprocessor in md.preprocessors:
            lines = preprocessor.run(lines)
        root = md.parser.parseDocument(lines).getroot()
        stash = md.htmlStash
        blocks: list[_Block] = []
        kept: list[tuple[int, ...]] = []
        self._start(body, first_line)
        self._visit(root, (), False, blocks, kept)
        return ParsedBody(
            body,
            first_line,
            root,
            tuple(stash.rawHtmlBlocks),
            stash.html_counter,
            stash.tag_counter,
            tuple(stash.tag_data),
            tuple(md.references.items()),
            tuple(blocks),
            tuple(kept),
        )

    def segments(self, body: str | ParsedBody, first_line: int = 1) -> list[Segment]:
        """The translatable blocks of ``body``; ``first_line`` is its first line in the file."""
        parsed = body if isinstance(body, ParsedBody) else self.parse(body, first_line)
        return [block.segment for block in parsed.blocks]

    def render(
        self,
        body: str | ParsedBody,
        translate: Callable[[Segment], Translation],
        fill: Callable[[str], str],
        fallback_attrs: dict[str, str],
        first_line: int = 1,
        fill_fallback: Callable[[str], str] | None = None,
    ) -> str:
        """HTML of ``body`` with translations and values in place.

        ``fallback_attrs`` (e.g. ``{"lang": "en"}``) are set on blocks whose translation
        is a fallback to the source text, and on blocks marked ``translate="no"``;
        values in a fallback block come from ``fill_fallback`` (default: ``fill``), so
        that they can be written the source language's way. ``body`` parsed once with
        :meth:`parse` renders faster for each further locale.
        """
        parsed = body if isinstance(body, ParsedBody) else self.parse(body, first_line)
        if parsed.root is None:
            return ""
        self._parsed = parsed
        self._translate, self._fill, self._fallback_attrs = translate, fill, fallback_attrs
        self._fill_fallback = fill_fallback or fill
        md = self.md
        md.reset()
        # What Markdown.convert does after the block parser, on a copy of the parsed tree.
        root, raw_html = copy.deepcopy((parsed.root, list(parsed.raw_html)))
        stash = md.htmlStash
        stash.rawHtmlBlocks = raw_html
        stash.html_counter = parsed.html_counter
        stash.tag_counter = parsed.tag_counter
        stash.tag_data = list(parsed.tag_data)
        md.references.update(parsed.references)
        try:
            for treeprocessor in md.treeprocessors:
                new_root = treeprocessor.run(root)
                if new_root is not None:
                    root = new_root
            output: str = md.serializer(root)
            if output.strip().endswith(f"<{md.doc_tag} />"):
                output = ""
            else:
                start = output.index(f"<{md.doc_tag}>") + len(md.doc_tag) + 2
                end = output.rindex(f"</{md.doc_tag}>")
                output = output[start:end].strip()
            for postprocessor in md.postprocessors:
                output = postprocessor.run(output)
            return output.strip()
        finally:
            self._translate = self._fill = self._fill_fallback = None
            self._parsed = None

    # -- the walk -----------------------------------------------------------------

    def _start(self, body: str, first_line: int) -> None:
        self._body = body
        self._cursor = 0
        self._cursor_line = first_line

    def _line_of(self, raw: str) -> int:
        """Line of ``raw``'s first line in the body, scanning forward from the last block."""
        raw = raw.strip("\n")
        newline = raw.find("\n")
        first = (raw if newline < 0 else raw[:newline]).strip()
        pos = self._body.find(first, self._cursor) if first else -1
        if pos < 0:
            return self._cursor_line
        self._cursor_line += self._body.count("\n", self._cursor, pos)
        self._cursor = pos
        line = self._cursor_line
        last = raw[raw.rfind("\n") + 1 :].strip() if newline >= 0 else ""
        end = self._body.find(last, pos + len(first)) if last else -1
        end = end + len(last) if end >= 0 else pos + len(first)
        self._cursor_line += self._body.count("\n", pos, end)
        self._cursor = end
        return line

    def _visit(
        self,
        element: etree.Element,
        path: tuple[int, ...],
        quote: bool,
        blocks: list[_Block],
        kept: list[tuple[int, ...]],
    ) -> None:
        """Find the translatable blocks under ``element`` (see :class:`ParsedBody`)."""
        for index, child in enumerate(element):
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_TAGS:
                continue
            here = (*path, index)
            if child.get("translate") == "no":
                kept.append(here)
                continue
            kind = _BLOCK_KINDS.get(tag)
            text = child.text
            if (
                kind is not None
                and text
                and not text.isspace()
                and ("\x02" not in text or _STASH_ONLY_RE.fullmatch(text) is None)
            ):
                if quote and kind == "paragraph":
                    kind = "quote"
                elif element.tag == "li" and kind == "paragraph":
                    kind = "list item"
                raw = text
                text, attrs = split_attr_list(raw)
                if attrs and _attr(attrs, "translate") == "no":
                    kept.append(here)
                else:
                    context = _attr(attrs, "msgctxt") if attrs else None
                    segment = Segment(
                        kind=kind, text=collapse(text), line=self._line_of(raw), context=context
                    )
                    if context is not None:
                        attrs = _without_attr(attrs, "msgctxt")
                    blocks.append(_Block(here, segment, attrs, tag.startswith("h")))
            if len(child):
                self._visit(child, here, quote or tag == "blockquote", blocks, kept)

    def _fill_blocks(self, root: etree.Element, md: markdown.Markdown) -> None:
        """Put each block's translation in place, in a copy of the parsed tree, before inline
        parsing; mark the blocks shown in the source language."""
        parsed, translate = self._parsed, self._translate
        assert parsed is not None and translate is not None
        for block in parsed.blocks:
            element = _element_at(root, block.path)
            translation = translate(block.segment)
            fill = self._fill_fallback if translation.fallback else self._fill
            assert fill is not None
            new_text = self._fill_text(translation.text, md, fill)
            if block.attrs:
                new_text += (" " if block.heading else "\n") + block.attrs
            element.text = new_text
            if translation.fallback:
                for name, value in self._fallback_attrs.items():
                    element.set(name, value)
        for path in parsed.kept:
            element = _element_at(root, path)
            for name, value in self._fallback_attrs.items():
                element.set(name, value)

    def _fill_text(self, text: str, md: markdown.Markdown, fill: Callable[[str], str]) -> str:
        """Put values in place of ``{names}``; they bypass inline Markdown through the stash."""
        if "{" not in text and "}" not in text:
            return text
        out: list[str] = []
        for token in tokenize(text):
            if token.field is not None:
                out.append(md.htmlStash.store(fill(token.field)))
            elif token.error is not None:
                out.append(md.htmlStash.store(html.escape(token.text)))
            else:
                out.append(token.text.replace("{", "\\{").replace("}", "\\}"))
        return "".join(out)


def _element_at(root: etree.Element, path: tuple[int, ...]) -> etree.Element:
    """The element at ``path`` (child indexes) under ``root``."""
    element = root
    for index in path:
        element = element[index]
    return element


def iter_text_nodes(element: etree.Element) -> Iterator[str]:
    """All text of an element tree, in order (for tests and checks)."""
    yield from element.itertext()
