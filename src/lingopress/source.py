"""source/*.md -> :class:`Article`: TOML front matter between ``+++`` lines, typed values, body."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import tomli

from lingopress.errors import SourceError
from lingopress.inputs import MAX_ARTICLE_BYTES, read_input
from lingopress.values import Value, parse_value

__all__ = ["Article", "find_articles", "parse_article", "read_article"]

_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_KNOWN_KEYS = {"title", "description", "slug", "published", "updated", "values", "draft"}


@dataclass(frozen=True, slots=True)
class Article:
    """One source article, validated, with the line of everything a message can come from."""

    path: str
    """Path relative to the project root, as written in references (``source/x.md``)."""
    slug: str
    title: str
    description: str
    published: dt.date | None
    updated: dt.date | None
    values: MappingProxyType[str, Value]
    body: str
    body_line: int
    """1-based line of the body's first line in the file."""
    title_line: int
    description_line: int
    value_lines: MappingProxyType[str, int]
    digest: str
    """A hash of the file's bytes: pages are rebuilt when it changes."""
    draft: bool = False
    """``draft = true``: extracted (its translation can start) but not published by the build."""

    def front_facts(self) -> dict[str, str | None]:
        """What the caches keep of the front matter (plain data, by the hash of the file)."""
        return {
            "slug": self.slug,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Articles cross process boundaries; a mapping proxy cannot be pickled, its dict can.
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        state["values"], state["value_lines"] = dict(self.values), dict(self.value_lines)
        return (_unpickle_article, (state,))


def _unpickle_article(state: dict[str, Any]) -> Article:
    state["values"] = MappingProxyType(state["values"])
    state["value_lines"] = MappingProxyType(state["value_lines"])
    return Article(**state)


def find_articles(source_dir: Path) -> list[Path]:
    """The article files of a project, sorted (templates and static files live in sub-folders)."""
    try:
        # os.scandir, not Path.glob: a large site lists a thousand articles on every build.
        # Not is_file(): a FIFO or device named *.md is refused when read, not skipped in silence.
        entries = [e for e in os.scandir(source_dir) if e.name.endswith(".md") and not e.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [source_dir / name for name in sorted(e.name for e in entries)]


def read_article(path: Path, display_path: str) -> Article:
    try:
        data = read_input(path, display_path, SourceError, MAX_ARTICLE_BYTES)
    except FileNotFoundError as exc:
        raise SourceError(f"cannot read article: {exc.strerror}", display_path) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SourceError("article is not valid UTF-8", display_path, line) from exc
    return parse_article(text, display_path)


_KEY_RE = re.compile(r"\s*([^\s=]+)\s*=")


def _key_lines(lines: list[str], offset: int) -> dict[str, int]:
    """The line (``offset`` for the first of ``lines``) where each bare key is first given a
    value (``key = ...``)."""
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        if (match := _KEY_RE.match(line)) is not None:
            found.setdefault(match.group(1), offset + i)
    return found


def parse_article(text: str, path: str) -> Article:
    """Split and validate an article's front matter and body."""
    import hashlib

    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
    text = text.replace("\r\n", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise SourceError("article must start with TOML front matter between '+++' lines", path, 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        raise SourceError("front matter is not closed by a '+++' line", path, 1) from None
    fm_lines = lines[1:end]
    try:
        meta = tomli.loads("\n".join(fm_lines))
    except tomli.TOMLDecodeError as exc:
        # Its lines count from the first front-matter line (at the end of the document: the
        # line after the last).
        line = min(exc.lineno, len(fm_lines)) + 1
        raise SourceError(f"invalid front matter: {exc.msg}", path, line) from exc
    keys = _key_lines(fm_lines, 2)
    for key in meta:
        if key not in _KNOWN_KEYS:
            raise SourceError(
                f"unknown front-matter key {key!r} (known: {', '.join(sorted(_KNOWN_KEYS))})",
                path,
                keys.get(key, 2),
            )
    for key in ("title", "slug"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise SourceError(f"front matter needs a '{key}' string", path, keys.get(key, 2))
    slug = meta["slug"]
    if not _SLUG_RE.fullmatch(slug) or slug == "site":
        raise SourceError(
            f"slug {slug!r} must be lower-case words joined by '-' (and not 'site')",
            path,
            keys.get("slug", 2),
        )
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise SourceError("description must be a string", path, keys.get("description", 2))
    dates: dict[str, dt.date | None] = {}
    for key in ("published", "updated"):
        value = meta.get(key)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise SourceError(f"{key} must be a TOML date such as 2025-01-31", path, keys.get(key, 2))
        dates[key] = value
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        raise SourceError("draft must be true or false", path, keys.get("draft", 2))
    raw_values = meta.get("values", {})
    if not isinstance(raw_values, dict):
        raise SourceError("[values] must be a table", path, keys.get("values", 2))
    values_start = next((i for i, ln in enumerate(fm_lines) if ln.strip() == "[values]"), 0)
    value_keys = _key_lines(fm_lines[values_start:], 2 + values_start)
    values: dict[str, Value] = {}
    value_lines: dict[str, int] = {}
    for name, spec in raw_values.items():
        line = value_keys.get(name, 2 + values_start)
        value_lines[name] = line
        try:
            values[name] = parse_value(name, spec)
        except ValueError as exc:
            raise SourceError(str(exc), path, line) from None
    body = "\n".join(lines[end + 1 :])
    _check_structure(body, end + 2, path)
    return Article(
        path=path,
        slug=slug,
        title=" ".join(meta["title"].split()),
        description=" ".join(description.split()),
        published=dates["published"],
        updated=dates["updated"],
        values=MappingProxyType(values),
        body=body,
        body_line=end + 2,
        title_line=keys.get("title", 2),
        description_line=keys.get("description", 2),
        value_lines=MappingProxyType(value_lines),
        digest=digest,
        draft=draft,
    )


_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HTML_OPEN_RE = re.compile(r"<(div|section|aside|details|figure)\b[^>]*>", re.I)
_HTML_CLOSE_RE = re.compile(r"</(div|section|aside|details|figure)\s*>", re.I)
# Python-Markdown's block-level tags, less those whose end tag may be left out (p, li, td, ...)
# or that have none (hr): an open one nests what follows.
_NESTING_TAG_RE = re.compile(
    r"<(/?)(address|article|aside|blockquote|body|canvas|center|details|div|dl|fieldset|figcaption"
    r"|figure|footer|form|group|h[1-6]|header|hgroup|html|iframe|legend|main|map|math|menu|nav"
    r"|noscript|object|ol|output|pre|progress|script|section|style|summary|table|textarea|ul"
    r"|video)\b[^>]*>",
    re.I,
)
_CODE_SPAN_RE = re.compile(r"(`+).*?\1")


MAX_NESTING = 50
"""How deep lists, block quotes and HTML blocks may nest (each counted on its own).

Python-Markdown parses and serializes nested blocks recursively and stops with a
RecursionError at about 300 levels (a list nested 300 deep); a quote within a list within a
quote also gets slow (20 s at 1,000 levels). Real documents nest a handful of levels. A
line's depth is counted from its prefix, generously: each ``>``, each list marker and every
two columns of indentation (a tab is four) count one level, so an indented code block deep in
a list counts its indentation too. Open ``<div markdown="1">``-style blocks are counted apart.
"""
# A line's depth is at most one per character of its prefix: only lines with a long prefix
# need counting.
_DEEP_LINE_RE = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_NESTING + 1},}}", re.M)
_PREFIX_RE = re.compile(r"(?:[ \t>]|(?:[*+\-]|[0-9]{1,9}[.)])(?=[ \t]))*")
_MARKER_RE = re.compile(r"[*+\-](?=[ \t])|[0-9]{1,9}[.)](?=[ \t])")


def _depth(line: str) -> int:
    """The nesting depth a line can reach, counted from its prefix (see :data:`MAX_NESTING`).

    >>> _depth("> - item"), _depth("        - item"), _depth("\t\t- item"), _depth("text")
    (2, 3, 3, 0)
    """
    match = _PREFIX_RE.match(line)
    prefix = match.group() if match else ""
    columns = prefix.count(" ") + 4 * prefix.count("\t")
    return prefix.count(">") + len(_MARKER_RE.findall(prefix)) + columns // 4


def _check_depth(body: str, first_line: int, path: str) -> None:
    """Refuse lists and block quotes nested deeper than :data:`MAX_NESTING`, at the line where
    the structure starts."""
    for found in _DEEP_LINE_RE.finditer(body):
        end = body.find("\n", found.start())
        if _depth(body[found.start() : end if end >= 0 else len(body)]) <= MAX_NESTING:
            continue
        lines = body[: found.start()].split("\n")
        deep = len(lines) - 1
        start = deep
        while start > 0 and (not lines[start - 1].strip() or _depth(lines[start - 1]) > 0):
            start -= 1
        while start < deep and not lines[start].strip():
            start += 1
        raise SourceError(
            f"lists or block quotes nested more than {MAX_NESTING} levels deep"
            f" (line {first_line + deep} is too deep)",
            path,
            first_line + start,
        )


def _check_structure(body: str, first_line: int, path: str) -> None:
    """Refuse structures Python-Markdown would silently swallow the rest of the article into:
    an unclosed code fence, an unclosed HTML block (``<div markdown="1">``); and nesting it
    cannot parse (see :data:`MAX_NESTING`)."""
    _check_depth(body, first_line, path)
    fences = "```" in body or "~~~" in body
    html = "<" in body
    if not fences and not html:
        return  # the usual article: neither to look for, line by line
    fence: tuple[str, int] | None = None
    open_blocks: list[tuple[str, int]] = []
    html_depth = html_start = 0
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        match = _FENCE_RE.match(line) if fences else None
        if fence is not None:
            if match and match.group(1)[0] == fence[0][0] and len(match.group(1)) >= len(fence[0]):
                fence = None
            continue
        if match:
            fence = (match.group(1), number)
            continue
        if not html or "<" not in line:
            continue
        for tag in _NESTING_TAG_RE.finditer(_CODE_SPAN_RE.sub("", line)):
            if tag.group(1):
                html_depth = max(html_depth - 1, 0)
                continue
            html_depth += 1
            if html_depth == 1:
                html_start = number
            elif html_depth > MAX_NESTING:
                raise SourceError(
                    f"HTML blocks nested more than {MAX_NESTING} levels deep (line {number} is too deep)",
                    path,
                    html_start,
                )
        for tag in _HTML_OPEN_RE.finditer(line):
            open_blocks.append((tag.group(1).lower(), number))
        for tag in _HTML_CLOSE_RE.finditer(line):
            name = tag.group(1).lower()
            if not open_blocks or open_blocks[-1][0] != name:
                raise SourceError(f"</{name}> closes no open <{name}>", path, number)
            open_blocks.pop()
    if fence is not None:
        raise SourceError(f"code fence {fence[0]} is never closed", path, fence[1])
    if open_blocks:
        name, number = open_blocks[-1]
        raise SourceError(f"<{name}> is never closed (add </{name}> on a line of its own)", path, number)
