"""Article body <-> segments: one message per Markdown block, and the same blocks back to HTML.

One Python-Markdown pipeline serves both directions. The block parser's tree,
before inline parsing, holds each block's raw inline Markdown: the parse records
each block as a :class:`Segment`, with where it is in the tree; when rendering,
a tree processor that runs before the inline pass puts each translation in its
block's place, where it gets the same inline treatment. So what is extracted is
exactly what is replaced.

Python-Markdown is used through its public extension API only: each parse and
each rendering is one ``Markdown.convert`` of the body (after ``reset``), and
lingopress's processors are registered in one place, :meth:`_Extension.extendMarkdown`.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import markdown
from markdown import util as md_util
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

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
# A text made only of what Python-Markdown keeps in its stash (raw HTML blocks) is no message.
_STASH_ONLY_RE = re.compile(r"\s*(?:" + md_util.HTML_PLACEHOLDER_RE.pattern + r"\s*)+")
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
    """A body's translatable blocks, found once and used for every locale it is rendered in.

    Python-Markdown's preprocessors and block parser give the same tree whatever the
    language; only the text of the blocks differs. So where each translatable block is in
    that tree, found once, holds for every rendering of the same body.
    """

    body: str
    first_line: int
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
    """Hands the tree before inline parsing to its body segmenter (see module docstring)."""

    def __init__(self, md: markdown.Markdown, on_tree: Callable[[etree.Element, markdown.Markdown], None]):
        super().__init__(md)
        self.on_tree = on_tree

    def run(self, root: etree.Element) -> None:
        self.on_tree(root, self.md)


class _Extension(Extension):  # type: ignore[misc]
    """lingopress's part of the article pipeline: every processor it adds or removes is here."""

    def __init__(
        self,
        on_tree: Callable[[etree.Element, markdown.Markdown], None],
        source_body: Callable[[], str],
    ):
        super().__init__()
        self.on_tree = on_tree
        self.source_body = source_body
        """The source body being rendered: the links it has are allowed in its translations."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Raw inline HTML is not part of article or translation text: it is shown as text.
        md.inlinePatterns.deregister("html")
        # Before "inline" (20): the text of each block is still its raw Markdown.
        md.treeprocessors.register(_BlockProcessor(md, self.on_tree), "lingopress-blocks", 25)
        # Last, after attr_list and unescape: no URL outside the allow-list reaches a page.
        md.treeprocessors.register(UrlGuard(md, self.source_body), "lingopress-urls", -10)


class BodySegmenter:
    """A reusable Markdown pipeline for article bodies (one per process; not thread-safe).

    ``segments(body, first_line)`` lists the blocks; ``render(body, translate, fill)``
    returns the body's HTML with every block's text replaced by ``translate(segment)``
    and every ``{placeholder}`` by ``fill(name)`` (already escaped HTML).
    Blocks that are not translated (a fallback to the source text, or marked
    ``translate="no"``) get ``fallback_attrs``; their values come from ``fill_fallback``.
    """

    def __init__(self) -> None:
        self.md = markdown.Markdown(
            extensions=[*markdown_extensions(), _Extension(self._on_tree, self._source_body)]
        )
        self._body = ""
        self._cursor = 0
        self._cursor_line = self._cursor_line_start = 1
        self._found: ParsedBody | None = None
        """What the tree processor found in the last parse (see :meth:`parse`)."""
        self._parsed: ParsedBody | None = None
        """The body being rendered, or None while parsing."""
        self._translate: Callable[[Segment], Translation] | None = None
        self._fill: Callable[[str], str] | None = None
        self._fill_fallback: Callable[[str], str] | None = None
        self._fallback_attrs: dict[str, str] = {}

    # -- public API ---------------------------------------------------------------

    def parse(self, body: str, first_line: int = 1) -> ParsedBody:
        """Where the translatable blocks of ``body`` are (Markdown's preprocessors and block
        parser; the tree processor records them and empties the tree, so that the rest of
        the conversion has nothing to do)."""
        if not body.strip():
            return ParsedBody(body, first_line)
        self._start(body, first_line)
        self._parsed = None
        self.md.reset().convert(body)
        found, self._found = self._found, None
        assert found is not None
        return found

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
        :meth:`parse` spares finding its blocks again for each further locale.
        """
        parsed = body if isinstance(body, ParsedBody) else self.parse(body, first_line)
        if not parsed.body.strip():
            return ""
        self._parsed = parsed
        self._translate, self._fill, self._fallback_attrs = translate, fill, fallback_attrs
        self._fill_fallback = fill_fallback or fill
        try:
            output: str = self.md.reset().convert(parsed.body)
            return output
        finally:
            self._translate = self._fill = self._fill_fallback = None
            self._parsed = None

    def _source_body(self) -> str:
        return self._parsed.body if self._parsed is not None else ""

    def _on_tree(self, root: etree.Element, md: markdown.Markdown) -> None:
        """The tree processor's step (before inline parsing): record the blocks when parsing,
        put the translations in when rendering."""
        if self._parsed is not None:
            self._fill_blocks(root, md)
            return
        blocks: list[_Block] = []
        kept: list[tuple[int, ...]] = []
        self._visit(root, (), False, blocks, kept)
        self._found = ParsedBody(self._body, self._cursor_line_start, tuple(blocks), tuple(kept))
        for child in list(root):
            root.remove(child)

    # -- the walk -----------------------------------------------------------------

    def _start(self, body: str, first_line: int) -> None:
        self._body = body
        self._cursor = 0
        self._cursor_line = self._cursor_line_start = first_line

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
        plain = _no_inline_syntax if _default_inline_patterns(md) else _never
        for block in parsed.blocks:
            element = _element_at(root, block.path)
            translation = translate(block.segment)
            fill = self._fill_fallback if translation.fallback else self._fill
            assert fill is not None
            new_text = self._fill_text(translation.text, md, fill)
            if block.attrs:
                new_text += (" " if block.heading else "\n") + block.attrs
            element.text = md_util.AtomicString(new_text) if plain(new_text) else new_text
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


# Python-Markdown's inline patterns, 3.6 to 3.11 (3.11 has one 'em_strong' for both ``*`` and
# ``_``), and what each needs before it can match: one of these characters, or a hard line break
# (two spaces, newline).
_INLINE_PATTERNS = [
    "backtick",
    "escape",
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
    "linebreak",
    "html",
    "entity",
    "not_strong",
    "em_strong",
    "em_strong2",
]
_INLINE_SYNTAX_RE = re.compile(r"[`\\\[\]!<>&*_]|  \n")


def _default_inline_patterns(md: markdown.Markdown) -> bool:
    """Whether every inline pattern registered with ``md`` is one of :data:`_INLINE_PATTERNS`."""
    patterns = md.inlinePatterns
    return sum(name in patterns for name in _INLINE_PATTERNS) == len(patterns)


def _no_inline_syntax(text: str) -> bool:
    """Whether no inline pattern of Python-Markdown can match in ``text``: then the text is marked
    atomic (:class:`markdown.util.AtomicString`) and the inline pass leaves it as it is, which it
    would anyway, only later (most of the blocks of a page are such plain text)."""
    return _INLINE_SYNTAX_RE.search(text) is None


def _never(text: str) -> bool:
    return False


def _element_at(root: etree.Element, path: tuple[int, ...]) -> etree.Element:
    """The element at ``path`` (child indexes) under ``root``."""
    element = root
    for index in path:
        element = element[index]
    return element


def iter_text_nodes(element: etree.Element) -> Iterator[str]:
    """All text of an element tree, in order (for tests and checks)."""
    yield from element.itertext()
