"""Site-wide pieces of a build: published locales, URLs, language links, sitemap, assets."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lingopress.catalogs import read_locale_po
from lingopress.checks import Stats, catalog_stats
from lingopress.config import Config
from lingopress.errors import SourceError
from lingopress.locales import LocaleInfo
from lingopress.pofile import Catalog, write_atomic
from lingopress.render import LanguageLink, Renderer, Translations
from lingopress.source import Article

__all__ = [
    "BuildReport",
    "copy_static",
    "index_languages",
    "language_links",
    "locale_stats",
    "page_output",
    "page_path",
    "page_url",
    "published_locales",
    "sitemap_xml",
    "static_files",
]


@dataclass(slots=True)
class BuildReport:
    """What a build wrote."""

    pages: int = 0
    written: list[str] = field(default_factory=list)
    skipped_locales: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Stats] = field(default_factory=dict)


def page_output(locale: LocaleInfo, slug: str) -> str:
    """Where a page is, relative to build/."""
    return f"{locale.path_tag}/{slug}/index.html"


def page_path(config: Config, locale: LocaleInfo, slug: str) -> Path:
    return config.build_dir / page_output(locale, slug)


def page_url(config: Config, locale: LocaleInfo, slug: str) -> str:
    return f"{config.base_url}/{locale.path_tag}/{slug}/"


def _load(config: Config, locale: str, domains: list[str]) -> dict[str, Catalog | None]:
    return {domain: read_locale_po(config, locale, domain) for domain in domains}


def locale_stats(catalogs: dict[str, Catalog | None], pots: dict[str, Catalog]) -> Stats:
    total = Stats()
    for domain, pot in pots.items():
        catalog = catalogs.get(domain)
        if catalog is None:
            stats = catalog_stats(pot.messages)
            stats.untranslated += stats.translated + stats.fuzzy
            stats.untranslated_words += stats.translated_words + stats.fuzzy_words
            stats.translated = stats.fuzzy = stats.translated_words = stats.fuzzy_words = 0
        else:
            stats = catalog_stats(catalog.messages)
        total.domains[domain] = stats
        total.add(stats)
    return total


def published_locales(config: Config, stats: dict[str, Stats]) -> tuple[list[LocaleInfo], dict[str, str]]:
    """Source locale first, then every configured locale that may be published, in config order;
    and why the others are not."""
    published = [config.source_locale]
    skipped: dict[str, str] = {}
    for name, locale in config.locales.items():
        percent = stats[name].percent
        if locale.status == "preview" and percent < locale.min_percent:
            skipped[name] = f"{percent:.0f}% translated, below min_percent {locale.min_percent:g}"
            continue
        published.append(locale.info)
    return published, skipped


def language_links(
    config: Config, published: list[LocaleInfo], current: LocaleInfo, slug: str
) -> list[LanguageLink]:
    return [
        LanguageLink(
            tag=info.tag,
            native_name=info.native_name,
            href=f"../../{info.path_tag}/{slug}/",
            url=page_url(config, info, slug),
            current=info.name == current.name,
            dir=info.direction,
        )
        for info in published
    ]


def index_languages(
    config: Config,
    renderer: Renderer,
    published: list[LocaleInfo],
    articles: list[Article],
    catalogs: Mapping[str, Mapping[str, Catalog | None]],
) -> list[dict[str, Any]]:
    """What build/index.html lists: each published language by its native name, with its articles."""
    languages = []
    for info in published:
        is_source = info.name == config.source_locale.name
        entries = []
        for article in articles:
            catalog = None if is_source else catalogs.get(info.name, {}).get(article.slug)
            title, fallback = renderer.plain(article, info, Translations.from_catalog(catalog), article.title)
            entries.append(index_entry(info, article.slug, title, fallback))
        languages.append(index_language(info, entries))
    return languages


def index_entry(info: LocaleInfo, slug: str, title: str, fallback: bool) -> dict[str, Any]:
    """One article of a language in build/index.html."""
    return {"title": title, "title_fallback": fallback, "href": f"{info.path_tag}/{slug}/"}


def index_language(info: LocaleInfo, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """One language of build/index.html, with its articles."""
    return {
        "tag": info.tag,
        "path_tag": info.path_tag,
        "dir": info.direction,
        "native_name": info.native_name,
        "articles": entries,
    }


def write_output(report: BuildReport, config: Config, path: Path, data: bytes) -> None:
    if write_atomic(path, data, durable=False):  # build output: made again if lost
        report.written.append(config.relative(path))


class _Dated(Protocol):
    """What the sitemap needs of an article: an Article, or the build's facts about one
    (dates as ISO strings)."""

    @property
    def slug(self) -> str: ...

    @property
    def published(self) -> object: ...

    @property
    def updated(self) -> object: ...


def xml_escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (what ``xml.sax.saxutils.escape`` does, without
    importing ``urllib.request`` with it).

    >>> xml_escape("a&b <c>")
    'a&amp;b &lt;c&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sitemap_xml(config: Config, articles: Sequence[_Dated], published: list[LocaleInfo]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    lines.append(f"  <url>\n    <loc>{xml_escape(config.base_url)}/</loc>\n  </url>")
    for article in articles:
        # The same alternates for each language's page of the article: made once.
        urls = [xml_escape(page_url(config, info, article.slug)) for info in published]
        default = xml_escape(page_url(config, config.source_locale, article.slug))
        alternates = "\n".join(
            [
                *(
                    f'    <xhtml:link rel="alternate" hreflang="{info.tag}" href="{url}"/>'
                    for info, url in zip(published, urls, strict=True)
                ),
                f'    <xhtml:link rel="alternate" hreflang="x-default" href="{default}"/>',
            ]
        )
        lastmod = article.updated or article.published
        for url in urls:
            lines.append("  <url>")
            lines.append(f"    <loc>{url}</loc>")
            if lastmod:
                lines.append(f"    <lastmod>{lastmod}</lastmod>")
            lines.append(alternates)
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def static_files(config: Config) -> list[Path]:
    """The files under source/static/ to publish, sorted; :class:`SourceError` naming the first
    symlink (to a file or a folder, wherever it leads) or non-regular file (a FIFO, a device).

    Every symlink is refused, not only one that leads out of the folder: what is published is
    then exactly what is in source/static/, and a link to ``/etc/passwd`` or to a folder of
    secrets can never reach build/ and the preview server. Copy the file in instead.
    """
    root = config.static_dir
    if root.is_symlink():
        raise SourceError(
            "is a symlink: static files must be files and folders of their own", config.relative(root)
        )
    if not root.is_dir():
        return []
    found: list[Path] = []
    for top, dirs, names in os.walk(root):  # does not follow symlinked folders
        for name in sorted([*dirs, *names]):
            path = Path(top) / name
            if path.is_symlink():
                raise SourceError(
                    "is a symlink: static files must be files and folders of their own (copy it in)",
                    config.relative(path),
                )
            if name in names and not path.is_file():
                raise SourceError("not a regular file", config.relative(path))
            if name in names:
                found.append(path)
    return sorted(found)


def copy_static(config: Config, report: BuildReport) -> None:
    for path in static_files(config):
        target = config.build_dir / "static" / path.relative_to(config.static_dir)
        if write_atomic(target, path.read_bytes(), durable=False):  # build output: made again if lost
            report.written.append(config.relative(target))
