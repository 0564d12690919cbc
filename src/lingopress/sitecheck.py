"""build/ -> Diagnostics: the built site as readers and search engines see it.

Every internal link and asset resolves (fragments included); each page's
``<html lang dir>`` matches the locale of its folder; canonical and hreflang
links are complete and reciprocal across the translations of an article, with
an ``x-default``; a link into another language says so with ``hreflang`` (the
language switcher does; a stray link in an article does not); and a few
accessibility basics hold: one ``h1``, headings that do not skip levels, a
``main`` landmark, ``alt`` on every image.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lingopress.checks import Diagnostic
from lingopress.config import Config
from lingopress.errors import LingopressError
from lingopress.locales import LocaleInfo
from lingopress.pseudo import PSEUDO_LOCALES, pseudo_locale

__all__ = ["Page", "check_site", "parse_page"]

_SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


@dataclass(frozen=True, slots=True)
class Link:
    """A reference from a page: ``<a href>``, ``<link href>``, ``<img src>``, ``<script src>``."""

    tag: str
    url: str
    line: int
    rel: str = ""
    hreflang: str | None = None


@dataclass(slots=True)
class Page:
    """What the checker needs to know about one HTML file."""

    lang: str | None = None
    dir: str | None = None
    links: list[Link] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    headings: list[tuple[int, int]] = field(default_factory=list)
    """(level, line) of every heading, in order."""
    images_without_alt: list[int] = field(default_factory=list)
    has_main: bool = False

    @property
    def canonical(self) -> Link | None:
        return next((link for link in self.links if link.tag == "link" and link.rel == "canonical"), None)

    @property
    def alternates(self) -> list[Link]:
        return [
            link for link in self.links if link.tag == "link" and link.rel == "alternate" and link.hreflang
        ]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        page = self.page
        if "id" in values:
            page.ids.add(values["id"])
        if tag == "html":
            page.lang, page.dir = values.get("lang"), values.get("dir")
        elif tag in ("a", "link") and "href" in values:
            page.links.append(
                Link(
                    tag,
                    values["href"],
                    line,
                    rel=values.get("rel", "").lower(),
                    hreflang=values.get("hreflang"),
                )
            )
        elif tag in ("img", "script", "source") and "src" in values:
            page.links.append(Link(tag, values["src"], line))
        if tag == "img" and "alt" not in values:
            page.images_without_alt.append(line)
        if tag in _HEADINGS:
            page.headings.append((_HEADINGS[tag], line))
        if tag == "main":
            page.has_main = True


def parse_page(html: str) -> Page:
    """The links, ids, headings and language of an HTML page."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def _known_locales(config: Config) -> dict[str, LocaleInfo]:
    infos = [config.source_locale, *(lc.info for lc in config.locales.values())]
    infos += [pseudo_locale(name) for name in PSEUDO_LOCALES]
    return {info.path_tag: info for info in infos}


class _Site:
    """The files of build/ and the URL <-> file mapping."""

    def __init__(self, config: Config, build_dir: Path, owned: set[str]):
        self.config = config
        self.owned = owned
        """Top-level names under the base URL that belong to this build."""
        self.build_dir = build_dir
        self.base = urlsplit(config.base_url)
        self.base_path = self.base.path.rstrip("/")

    def rel(self, path: Path) -> str:
        return self.config.relative(path)

    def file_of_site_path(self, site_path: str) -> Path | None:
        """The file a path under the site's root is served from (``/de/x/`` -> de/x/index.html)."""
        site_path = unquote(site_path)
        normal = posixpath.normpath("/" + site_path.lstrip("/"))
        if normal.startswith("/.."):
            return None
        candidate = self.build_dir / normal.lstrip("/")
        if site_path.endswith("/") or candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def internal_path(self, page_file: Path, url: str) -> str | None:
        """The site path ``url`` points to from ``page_file``, or None for an external URL."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if (parts.scheme, parts.netloc) != (self.base.scheme, self.base.netloc):
                return None
            if not parts.path.startswith(self.base_path + "/") and parts.path != self.base_path:
                return None
            site_path = parts.path[len(self.base_path) :] or "/"
            # The site may share its host with other pages: an absolute URL is ours to check
            # only where this build writes (a locale folder, static/, a top-level file).
            first = site_path.lstrip("/").split("/", 1)[0]
            if first and first not in self.owned:
                return None
            return site_path
        if not parts.path:
            here = page_file.relative_to(self.build_dir).as_posix()
            return "/" + here
        if parts.path.startswith("/"):
            return parts.path
        here_dir = posixpath.dirname("/" + page_file.relative_to(self.build_dir).as_posix())
        joined = posixpath.join(here_dir, parts.path)
        keep_slash = parts.path.endswith("/")
        normal = posixpath.normpath(joined)
        return normal + "/" if keep_slash and not normal.endswith("/") else normal

    def url_of(self, path: Path) -> str:
        rel = path.relative_to(self.build_dir).as_posix()
        if rel.endswith("index.html"):
            rel = rel[: -len("index.html")]
        return f"{self.config.base_url}/{rel}"


def _diag(path: str, line: int, code: str, message: str, locale: str | None = None) -> Diagnostic:
    return Diagnostic(path, line, "error", code, message, locale)


def check_site(config: Config, build_dir: Path | None = None) -> list[Diagnostic]:
    """Every problem of the built site, in file order; raise when there is no build to check."""
    build_dir = build_dir or config.build_dir
    if not (build_dir / "index.html").is_file():
        raise LingopressError("no built site here: run 'invoke build' first", config.relative(build_dir))
    locales = _known_locales(config)
    site = _Site(config, build_dir, set(locales) | {p.name for p in build_dir.iterdir()})
    files = sorted(build_dir.rglob("*.html"))
    pages = {path: parse_page(path.read_text("utf-8")) for path in files}
    locale_of: dict[Path, LocaleInfo] = {}
    for path in files:
        parts = path.relative_to(build_dir).parts
        if len(parts) == 3 and parts[2] == "index.html" and parts[0] in locales:
            locale_of[path] = locales[parts[0]]
    diagnostics: list[Diagnostic] = []
    for path in files:
        diagnostics += _check_page(site, path, pages, locale_of, locales)
    diagnostics += _check_translations(site, pages, locale_of)
    diagnostics += _check_sitemap(site, pages, locale_of)
    return diagnostics


def _check_page(
    site: _Site,
    path: Path,
    pages: Mapping[Path, Page],
    locale_of: Mapping[Path, LocaleInfo],
    locales: Mapping[str, LocaleInfo],
) -> Iterable[Diagnostic]:
    page = pages[path]
    name = site.rel(path)
    locale = locale_of.get(path)
    code = locale.name if locale else None
    if page.lang is None:
        yield _diag(name, 1, "lang", "<html> has no lang attribute", code)
    if locale is not None:
        if page.lang is not None and page.lang != locale.tag:
            yield _diag(name, 1, "lang", f'<html lang="{page.lang}"> in the {locale.tag} folder', code)
        if page.dir != locale.direction:
            yield _diag(
                name, 1, "dir", f'<html dir="{page.dir}">, but {locale.tag} is {locale.direction}', code
            )
    for link in page.links:
        target_path = site.internal_path(path, link.url)
        if target_path is None:
            continue
        target = site.file_of_site_path(target_path)
        if target is None:
            yield _diag(name, link.line, "broken-link", f"{link.url} does not resolve to a built file", code)
            continue
        fragment = urlsplit(link.url).fragment
        if fragment and target in pages and fragment not in pages[target].ids:
            yield _diag(name, link.line, "broken-link", f"{link.url}: no element with id {fragment!r}", code)
        other = locale_of.get(target)
        if (
            locale is not None
            and other is not None
            and other.name != locale.name
            and link.tag == "a"
            and link.hreflang != other.tag
        ):
            yield _diag(
                name,
                link.line,
                "cross-language",
                f"{link.url} leads to the {other.tag} page without hreflang={other.tag!r}",
                code,
            )
    if not page.has_main:
        yield _diag(name, 1, "a11y", "no <main> landmark", code)
    levels = page.headings
    if sum(1 for level, _ in levels if level == 1) != 1:
        yield _diag(name, levels[0][1] if levels else 1, "a11y", "a page needs exactly one <h1>", code)
    for (before, _), (level, line) in pairwise(levels):
        if level > before + 1:
            yield _diag(
                name, line, "a11y", f"<h{level}> follows <h{before}>: a heading level is skipped", code
            )
    for line in page.images_without_alt:
        yield _diag(name, line, "a11y", "<img> without alt text", code)


def _check_translations(
    site: _Site, pages: Mapping[Path, Page], locale_of: Mapping[Path, LocaleInfo]
) -> Iterable[Diagnostic]:
    """Canonical and hreflang: each article's translations point at each other, all of them."""
    by_slug: dict[str, dict[str, Path]] = {}
    for path, locale in locale_of.items():
        by_slug.setdefault(path.parent.name, {})[locale.tag] = path
    for path, locale in sorted(locale_of.items()):
        page = pages[path]
        name = site.rel(path)
        own_url = site.url_of(path)
        canonical = page.canonical
        if canonical is None:
            yield _diag(name, 1, "canonical", "no <link rel=canonical>", locale.name)
        elif canonical.url != own_url:
            yield _diag(
                name, canonical.line, "canonical", f"canonical is {canonical.url}, not {own_url}", locale.name
            )
        alternates = {link.hreflang: link for link in page.alternates if link.hreflang}
        expected = {tag: site.url_of(p) for tag, p in by_slug[path.parent.name].items()}
        line = page.alternates[0].line if page.alternates else 1
        if "x-default" not in alternates:
            yield _diag(name, line, "hreflang", "no hreflang=x-default alternate", locale.name)
        missing = sorted(set(expected) - set(alternates))
        if missing:
            yield _diag(
                name, line, "hreflang", f"no hreflang alternate for {', '.join(missing)}", locale.name
            )
        for tag, link in alternates.items():
            if tag == "x-default":
                continue
            if tag not in expected:
                yield _diag(
                    name, link.line, "hreflang", f"hreflang={tag!r}: no such page is built", locale.name
                )
            elif link.url != expected[tag]:
                yield _diag(
                    name,
                    link.line,
                    "hreflang",
                    f"hreflang={tag!r} points to {link.url}, not {expected[tag]}",
                    locale.name,
                )
        mine = {tag: link.url for tag, link in alternates.items()}
        for tag, other_path in sorted(by_slug[path.parent.name].items()):
            theirs = {link.hreflang: link.url for link in pages[other_path].alternates if link.hreflang}
            if other_path != path and tag in alternates and theirs != mine:
                yield _diag(
                    name,
                    alternates[tag].line,
                    "hreflang",
                    f"the {tag} page lists other alternates than this one (not reciprocal)",
                    locale.name,
                )


def _check_sitemap(
    site: _Site, pages: Mapping[Path, Page], locale_of: Mapping[Path, LocaleInfo]
) -> Iterable[Diagnostic]:
    path = site.build_dir / "sitemap.xml"
    name = site.rel(path)
    if not path.is_file():
        yield _diag(name, 1, "sitemap", "no sitemap.xml")
        return
    try:
        root = etree.parse(path).getroot()
    except etree.ParseError as exc:
        yield _diag(name, exc.position[0], "sitemap", f"not well-formed XML: {exc}")
        return
    listed: set[Path] = set()
    for url in root.findall("sm:url", _SITEMAP_NS):
        loc = (url.findtext("sm:loc", "", _SITEMAP_NS) or "").strip()
        site_path = site.internal_path(site.build_dir / "index.html", loc)
        target = site.file_of_site_path(site_path) if site_path is not None else None
        if target is None:
            yield _diag(name, 1, "sitemap", f"{loc} is not a built page")
            continue
        listed.add(target)
        links = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", _SITEMAP_NS)}
        if target in locale_of:
            in_page = {link.hreflang: link.url for link in pages[target].alternates if link.hreflang}
            if links != in_page:
                yield _diag(name, 1, "sitemap", f"{loc}: hreflang alternates differ from the page's own")
    for page_path in sorted(set(locale_of) - listed):
        yield _diag(name, 1, "sitemap", f"{site.url_of(page_path)} is not listed")
