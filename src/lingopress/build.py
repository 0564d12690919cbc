"""The whole build: every published locale's pages, the language index, sitemap, status, assets.

The build reads everything first (articles, catalogs), decides, then writes;
a file is rewritten only when its bytes change. It never writes to locales/.
"""

from __future__ import annotations

from lingopress.catalogs import read_locale_po
from lingopress.config import SITE_DOMAIN, Config
from lingopress.extract import extract_project
from lingopress.mofile import mo_bytes
from lingopress.pofile import Catalog
from lingopress.pseudo import with_pseudo_locales
from lingopress.render import Renderer, Translations
from lingopress.site import (
    BuildReport,
    copy_static,
    index_languages,
    language_links,
    locale_stats,
    page_path,
    published_locales,
    sitemap_xml,
    write_output,
)
from lingopress.status import write_status

__all__ = ["build_site"]


def _load(config: Config, locale: str, domains: list[str]) -> dict[str, Catalog | None]:
    return {domain: read_locale_po(config, locale, domain) for domain in domains}


def build_site(config: Config, only: list[str] | None = None, pseudo: bool = False) -> BuildReport:
    """Render the site into build/. ``only`` limits the target locales rendered (for sharding);
    ``pseudo`` adds the pseudo-locales en-XA and ar-XB (see :mod:`lingopress.pseudo`)."""
    report = BuildReport()
    extraction = extract_project(config)
    articles = list(extraction.articles)
    pots = extraction.catalogs
    domains = list(pots)
    catalogs = {name: _load(config, name, domains) for name in config.locales}
    if pseudo:
        config, catalogs = with_pseudo_locales(config, catalogs, pots)
    report.stats = {name: locale_stats(catalogs[name], pots) for name in config.locales}
    published, report.skipped_locales = published_locales(config, report.stats)
    renderer = Renderer(config)
    targets = [
        info
        for info in published
        if only is None or info.name in only or info.name == config.source_locale.name
    ]
    for info in targets:
        is_source = info.name == config.source_locale.name
        locale_catalogs = catalogs.get(info.name, {})
        site = (
            Translations.from_catalog(locale_catalogs.get(SITE_DOMAIN)) if not is_source else Translations({})
        )
        preview = not is_source and config.locales[info.name].status == "preview"
        for article in articles:
            translations = (
                Translations.from_catalog(locale_catalogs.get(article.slug))
                if not is_source
                else Translations({})
            )
            html = renderer.article_page(
                article,
                info,
                translations,
                site,
                language_links(config, published, info, article.slug),
                preview,
            )
            write_output(report, config, page_path(config, info, article.slug), html.encode("utf-8"))
            report.pages += 1
        if not is_source:
            for domain, catalog in locale_catalogs.items():
                if catalog is not None:
                    write_output(report, config, config.mo_path(info.name, domain), mo_bytes(catalog))
    write_output(
        report,
        config,
        config.build_dir / "index.html",
        renderer.index_page(
            index_languages(config, renderer, published, articles, catalogs), Translations({})
        ).encode("utf-8"),
    )
    write_output(
        report,
        config,
        config.build_dir / "sitemap.xml",
        sitemap_xml(config, articles, published).encode("utf-8"),
    )
    report.written.extend(write_status(config, report.stats, published, articles, catalogs))
    copy_static(config, report)
    return report
