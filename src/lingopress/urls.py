"""Rendered tree -> safe URLs: the scheme allow-list for links and resources on a page.

Whatever Markdown trick carries it (nested brackets, entities, tabs or newlines in the
scheme, reference links, autolinks, images, attribute lists), a URL is judged here as a
browser will read it, on what Python-Markdown renders, not on a second parser of Markdown.
Allowed: ``http``, ``https``, ``mailto``, ``tel`` and relative URLs (a path, ``?query``,
``#fragment``, or ``//host``, which takes the page's own scheme), and any URL the source
article itself renders. The check (:mod:`lingopress.checks`) refuses a translation with
another; :class:`UrlGuard`, a tree processor of the page pipeline, takes any that still
reaches a page out of it: a link keeps its text, an image its ``alt`` text.
"""

from __future__ import annotations

import html
import re
import urllib.parse
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import markdown
from markdown import util as md_util
from markdown.treeprocessors import Treeprocessor

__all__ = [
    "ALLOWED_SCHEMES",
    "URL_ATTRIBUTES",
    "RefusedUrl",
    "UrlGuard",
    "html_urls",
    "is_allowed",
    "normalise",
    "scheme",
    "source_urls",
]

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
"""Schemes any text may link to; a URL without a scheme (relative) is allowed too."""

URL_ATTRIBUTES = frozenset(
    {
        "action",
        "archive",
        "background",
        "cite",
        "classid",
        "codebase",
        "data",
        "dynsrc",
        "formaction",
        "href",
        "icon",
        "longdesc",
        "lowsrc",
        "manifest",
        "ping",
        "poster",
        "profile",
        "src",
        "srcset",
        "usemap",
        "xlink:href",
        "xml:base",
    }
)
"""Attributes whose value a browser loads or follows as a URL (lower case). ``srcset`` and
``ping`` hold several; each is judged."""

_DROPPED_ATTRIBUTE_RE = re.compile(r"on|srcdoc$|formaction$", re.IGNORECASE)
"""Attributes never kept on a rendered element: event handlers run script, ``srcdoc`` is a
document of its own."""

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_TAB_NEWLINE_RE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(chr(c) for c in range(0x21))
_ESCAPE_PLACEHOLDER_RE = re.compile(f"{md_util.STX}(\\d+){md_util.ETX}")
_HTML_PLACEHOLDER_RE = re.compile(md_util.HTML_PLACEHOLDER.replace("%s", r"(\d+)"))
_MAX_ROUNDS = 4
"""Rounds of entity and percent decoding: what is still encoded after them is refused."""


def normalise(url: str) -> str:
    """``url`` as a browser's URL parser starts on it: leading and trailing C0 controls and
    spaces stripped, every ASCII tab, newline and carriage return removed.

    >>> normalise(" \\x01java\\tscr\\nipt:alert(1) ")
    'javascript:alert(1)'
    """
    return _TAB_NEWLINE_RE.sub("", url).strip(_C0_OR_SPACE)


def scheme(url: str) -> str:
    """The lower-case scheme of a normalised URL, or "" for a relative one.

    >>> scheme("JavaScript:x"), scheme("/a:b"), scheme("//evil.example"), scheme("a b:c")
    ('javascript', '', '', '')
    """
    match = _SCHEME_RE.match(url)
    return match.group(1).lower() if match else ""


def _readings(url: str) -> Iterable[str]:
    """``url`` as a browser may read it: as it is, and with its character references and
    percent escapes decoded, again and again (more than a browser ever decodes: a URL is
    refused when any reading of it is)."""
    seen = {url}
    current = url
    yield normalise(current)
    for _ in range(_MAX_ROUNDS):
        decoded = html.unescape(current)
        yield normalise(decoded)
        decoded = urllib.parse.unquote(decoded, errors="replace")
        yield normalise(decoded)
        if decoded in seen:
            return
        seen.add(decoded)
        current = decoded
    yield "unreadable:"  # still changing: refused


def is_allowed(url: str, trusted: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether ``url`` (an attribute value as the page holds it) may be on a page: every
    reading of it is relative or has an allowed scheme, or it is one of ``trusted`` (the
    normalised URLs the source itself renders).

    >>> is_allowed("https://example.org"), is_allowed("#top"), is_allowed("&#106;avascript:x")
    (True, True, False)
    >>> is_allowed("ftp://example.org/f"), is_allowed("ftp://example.org/f", {"ftp://example.org/f"})
    (False, True)
    """
    if normalise(url) in trusted:
        return True
    return all(scheme(reading) in ALLOWED_SCHEMES or not scheme(reading) for reading in _readings(url))


def _urls_of(name: str, value: str) -> list[str]:
    """The URLs an attribute holds: ``srcset`` lists candidates (URL, then width or density),
    ``ping`` separates URLs with spaces."""
    if name == "srcset":
        return [part.split()[0] for part in value.split(",") if part.split()]
    if name == "ping":
        return value.split()
    return [value]


@dataclass(frozen=True, slots=True)
class RefusedUrl:
    """A URL taken out of a rendered page (or that would be)."""

    tag: str
    attribute: str
    value: str

    def __str__(self) -> str:
        shown = normalise(html.unescape(self.value))
        if len(shown) > 60:
            shown = shown[:59] + "…"
        if self.attribute.startswith("on"):
            return f"event handler {self.attribute}={shown!r} on <{self.tag}>"
        kind = (
            "image" if self.tag == "img" else "link" if self.tag == "a" else f"<{self.tag} {self.attribute}>"
        )
        return f"{kind} to {shown!r}"


class _AttributeCollector(HTMLParser):
    """The URL attributes of an HTML text, decoded as a browser's tokenizer decodes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and name.lower() in URL_ATTRIBUTES:
                self.found.extend((tag, name.lower(), url) for url in _urls_of(name.lower(), value))


def html_urls(text: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, URL) of every URL attribute of an HTML text."""
    collector = _AttributeCollector()
    collector.feed(text)
    collector.close()
    return collector.found


@lru_cache(maxsize=1)
def _plain_markdown() -> markdown.Markdown:
    from lingopress.segment import markdown_extensions  # segment registers UrlGuard: import late

    md = markdown.Markdown(extensions=markdown_extensions())
    md.inlinePatterns.deregister("html")  # as the page pipeline: inline raw HTML is text
    return md


@lru_cache(maxsize=256)
def source_urls(body: str) -> frozenset[str]:
    """The normalised URLs an article body renders to, as its author wrote them: trusted
    (plain Python-Markdown with the project's extensions; values left as ``{names}``)."""
    md = _plain_markdown()
    md.reset()
    rendered = md.convert(body)
    return frozenset(normalise(url) for _, _, url in html_urls(rendered))


class UrlGuard(Treeprocessor):  # type: ignore[misc]
    """The last line of defence: takes every URL out of a rendered tree that
    :func:`is_allowed` refuses (a link keeps its text, an image its ``alt`` text, another
    element loses the attribute) and every event handler attribute.

    Registered after Python-Markdown's own tree processors (inline, attr_list, unescape), it
    sees the attributes as they are serialized. ``source`` gives the source body of the page
    being rendered, whose own URLs are trusted. What it refused in its last run is in
    :attr:`refused`.
    """

    def __init__(self, md: markdown.Markdown, source: Callable[[], str]):
        super().__init__(md)
        self.source = source
        self.refused: list[RefusedUrl] = []

    def _value(self, value: str) -> str:
        """An attribute value as the page will hold it: Python-Markdown's placeholders for
        ``&``, for escaped characters and for stashed HTML put back."""
        if md_util.STX not in value:
            return value
        value = value.replace(md_util.AMP_SUBSTITUTE, "&")
        value = _ESCAPE_PLACEHOLDER_RE.sub(lambda m: chr(int(m.group(1))), value)
        stash = self.md.htmlStash.rawHtmlBlocks

        def stashed(m: re.Match[str]) -> str:
            index = int(m.group(1))
            block = stash[index] if index < len(stash) else ""
            return block if isinstance(block, str) else "unreadable:"

        return _HTML_PLACEHOLDER_RE.sub(stashed, value)

    def run(self, root: etree.Element) -> None:
        self.refused = []
        trusted: frozenset[str] | None = None
        # Every element is judged first; links and images are unwrapped after, innermost first,
        # so that what an unwrapped link held has been judged too.
        unwrap: list[tuple[etree.Element, etree.Element]] = []
        for parent in list(root.iter()):
            for child in list(parent):
                if not isinstance(child.tag, str) or not child.attrib:
                    continue
                bad = False
                for name in list(child.attrib):
                    lower = name.lower()
                    if _DROPPED_ATTRIBUTE_RE.match(lower):
                        value = child.attrib.pop(name) or ""
                        self.refused.append(RefusedUrl(child.tag, lower, value))
                        continue
                    if lower not in URL_ATTRIBUTES:
                        continue
                    value = self._value(child.get(name) or "")
                    urls = _urls_of(lower, value)
                    if all(is_allowed(url) for url in urls):
                        continue
                    if trusted is None:
                        trusted = source_urls(self.source())
                    if all(is_allowed(url, trusted) for url in urls):
                        continue
                    self.refused.append(RefusedUrl(child.tag, lower, value))
                    del child.attrib[name]
                    bad = bad or lower in ("href", "src")
                if bad and child.tag in ("a", "img"):
                    unwrap.append((parent, child))
        for parent, child in reversed(unwrap):
            _unwrap(parent, child)


def _unwrap(parent: etree.Element, child: etree.Element) -> None:
    """Put ``child``'s content (an image: its ``alt`` text) in its place in ``parent``."""
    index = list(parent).index(child)
    text = (child.get("alt") or "") if child.tag == "img" else (child.text or "")
    children = [] if child.tag == "img" else list(child)
    tail = child.tail or ""
    parent.remove(child)

    def append(at: int, more: str) -> None:
        # Text after the element before position ``at`` (the parent's text at 0).
        if not more:
            return
        if at == 0:
            parent.text = (parent.text or "") + more
        else:
            previous = parent[at - 1]
            previous.tail = (previous.tail or "") + more

    append(index, text)
    for offset, grandchild in enumerate(children):
        parent.insert(index + offset, grandchild)
    append(index + len(children), tail)
