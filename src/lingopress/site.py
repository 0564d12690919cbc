"""The whole build: every published locale's pages, the language index, sitemap, status, assets.

The build reads everything first (articles, catalogs), decides, then writes;
a file is rewritten only when its bytes change. It never writes to locales/.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from lingopress.catalogs import read_locale_po
from lingopress.checks import Stats, catalog_stats
from lingopress.config import SITE_DOMAIN, Config
from lingopress.extract import extract_project
from lingopress.locales import LocaleInfo
from lingopress.mofile import mo_bytes
from lingopress.pofile import Catalog, write_atomic
from lingopress.render import LanguageLink, Renderer, Translations
from lingopress.source import Article

__all__ = ["BuildReport", "build_site", "published_locales", "page_path", "page_url"]


@dataclass(slots=True)
class BuildReport:
    """What a build wrote."""

    pages: int = 0
    written: list[str] = field(default_factory=list)
    skipped_locales: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Stats] = field(default_factory=dict)


def page_path(config: Config, locale: LocaleInfo, slug: str) -> Path:
    return config.build_dir / locale.path_tag / slug / "index.html"


def page_url(config: Config, locale: LocaleInfo, slug: str) -> str:
    return f"{config.base_url}/{locale.path_tag}/{slug}/"


def _load(config: Config, locale: str, domains: list[str]) -> dict[str, Catalog | None]:
    return {domain: read_locale_po(config, locale, domain) for domain in domains}


def _stats(catalogs: dict[str, Catalog | None], pots: dict[str, Catalog]) -> Stats:
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


def _languages(config: Config, published: list[LocaleInfo], current: LocaleInfo, slug: str) -> list[LanguageLink]:
    return [
        LanguageLink(
            tag=info.tag,
            native_name=info.native_name,
            href=f"../../{info.path_tag}/{slug}/",
            url=page_url(config, info, slug),
            current=info.name == current.name,
        )
        for info in published
    ]


def _write(report: BuildReport, config: Config, path: Path, data: bytes) -> None:
    if write_atomic(path, data):
        report.written.append(config.relative(path))


def _sitemap(config: Config, articles: list[Article], published: list[LocaleInfo]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for article in articles:
        for info in published:
            lines.append("  <url>")
            lines.append(f"    <loc>{xml_escape(page_url(config, info, article.slug))}</loc>")
            if article.updated or article.published:
                lines.append(f"    <lastmod>{(article.updated or article.published)}</lastmod>")
            for other in published:
                href = xml_escape(page_url(config, other, article.slug))
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{other.tag}" href="{href}"/>')
            href = xml_escape(page_url(config, config.source_locale, article.slug))
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href="{href}"/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def status_data(config: Config, stats: dict[str, Stats], published: list[LocaleInfo]) -> dict[str, object]:
    names = {info.name for info in published}
    locales = {}
    for name, locale in config.locales.items():
        s = stats[name]
        locales[name] = {
            "tag": locale.info.tag,
            "native_name": locale.info.native_name,
            "status": locale.status,
            "min_percent": locale.min_percent,
            "published": name in names,
            "messages": {"total": s.total, "translated": s.translated, "fuzzy": s.fuzzy, "untranslated": s.untranslated},
            "words": {
                "total": s.total_words,
                "translated": s.translated_words,
                "fuzzy": s.fuzzy_words,
                "untranslated": s.untranslated_words,
            },
            "percent": round(s.percent, 1),
        }
    return {"source_locale": config.source_locale.name, "locales": locales}


def build_site(config: Config, only: list[str] | None = None) -> BuildReport:
    """Render the site into build/. ``only`` limits the target locales rendered (for sharding)."""
    report = BuildReport()
    extraction = extract_project(config)
    articles = list(extraction.articles)
    pots = extraction.catalogs
    domains = list(pots)
    catalogs = {name: _load(config, name, domains) for name in config.locales}
    report.stats = {name: _stats(catalogs[name], pots) for name in config.locales}
    published, report.skipped_locales = published_locales(config, report.stats)
    renderer = Renderer(config)
    targets = [info for info in published if only is None or info.name in only or info.name == config.source_locale.name]
    for info in targets:
        is_source = info.name == config.source_locale.name
        locale_catalogs = catalogs.get(info.name, {})
        site = Translations.from_catalog(locale_catalogs.get(SITE_DOMAIN)) if not is_source else Translations({})
        preview = not is_source and config.locales[info.name].status == "preview"
        for article in articles:
            translations = Translations.from_catalog(locale_catalogs.get(article.slug)) if not is_source else Translations({})
            html = renderer.article_page(
                article, info, translations, site, _languages(config, published, info, article.slug), preview
            )
            _write(report, config, page_path(config, info, article.slug), html.encode("utf-8"))
            report.pages += 1
        if not is_source:
            for domain, catalog in locale_catalogs.items():
                if catalog is not None:
                    _write(report, config, config.mo_path(info.name, domain), mo_bytes(catalog))
    index_languages = []
    for info in published:
        is_source = info.name == config.source_locale.name
        entries = []
        for article in articles:
            catalog = None if is_source else catalogs[info.name].get(article.slug)
            title, _ = renderer.plain(article, info, Translations.from_catalog(catalog), article.title)
            entries.append({"title": title, "href": f"{info.path_tag}/{article.slug}/"})
        index_languages.append(
            {"tag": info.tag, "dir": info.direction, "native_name": info.native_name, "articles": entries}
        )
    _write(report, config, config.build_dir / "index.html", renderer.index_page(index_languages, Translations({})).encode("utf-8"))
    _write(report, config, config.build_dir / "sitemap.xml", _sitemap(config, articles, published).encode("utf-8"))
    status = status_data(config, report.stats, published)
    _write(
        report,
        config,
        config.build_dir / "status.json",
        (json.dumps(status, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"),
    )
    _copy_static(config, report)
    return report


def _copy_static(config: Config, report: BuildReport) -> None:
    if not config.static_dir.is_dir():
        return
    for path in sorted(config.static_dir.rglob("*")):
        if path.is_file():
            target = config.build_dir / "static" / path.relative_to(config.static_dir)
            if not target.exists() or target.read_bytes() != path.read_bytes():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                report.written.append(config.relative(target))
