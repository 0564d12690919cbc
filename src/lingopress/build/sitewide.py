"""The build's site-wide files: the language index, the sitemap, the status page, static assets.

Each is made again only when what it shows changed (its key, kept with it in the build
cache), and written atomically (a file in build/ is either the old one or the new one).
"""

from __future__ import annotations

from collections.abc import Callable

from lingopress.build.inputs import ArticleFacts, Inputs
from lingopress.build.plan import Planned, exists
from lingopress.build.work import locale_catalog
from lingopress.buildcache import digest_parts
from lingopress.checks import Stats
from lingopress.config import Config
from lingopress.errors import CatalogError
from lingopress.locales import LocaleInfo
from lingopress.pofile import write_atomic
from lingopress.render import Renderer, Translations
from lingopress.site import BuildReport, copy_static, index_entry, index_language, sitemap_xml
from lingopress.source import read_article
from lingopress.status import write_status

__all__ = ["write_site_files"]


def write_site_files(
    config: Config,
    inputs: Inputs,
    published: list[LocaleInfo],
    titles: dict[tuple[str, str], tuple[str, bool]],
    stats: dict[str, Stats],
) -> tuple[dict[str, Planned], list[str]]:
    """Write the index, sitemap, status page and assets where they changed; returns what they
    are made from (as the plan's outputs are) and the files written."""
    cache = inputs.cache
    planned: dict[str, Planned] = {}
    written: list[str] = []
    for name, (key, changed) in (
        ("index.html", _write_index(config, inputs, published, titles)),
        ("sitemap.xml", _write_sitemap(config, inputs, published)),
    ):
        planned[name] = Planned(key, None)
        cache.set_output(name, [key, None])
        if changed:
            written.append(f"build/{name}")
    # The status page follows from the catalogs, templates and configuration alone: with none of
    # them changed, it is not made again (its JSON is large on a large site).
    status_key = digest_parts(
        cache.code,
        inputs.pyproject,
        inputs.templates,
        [a.digest for a in inputs.articles],
        [[name, [inputs.po_digest(name, d) for d in inputs.domains]] for name in config.locales],
        [info.name for info in published],
    )
    planned["status.json"] = Planned(status_key, None)
    report = BuildReport()
    if cache.outputs.get("status.json", [None])[0] != status_key or not all(
        exists(str(config.build_dir), name) for name in ("status.json", "status.html")
    ):
        report.written.extend(
            write_status(config, stats, published, inputs.articles, revisions=inputs.revisions)
        )
    cache.set_output("status.json", [status_key, None])
    copy_static(config, report)
    written.extend(report.written)
    return planned, written


def _write_index(
    config: Config,
    inputs: Inputs,
    published: list[LocaleInfo],
    titles: dict[tuple[str, str], tuple[str, bool]],
) -> tuple[str, bool]:
    """Render the language index when its content changed; returns its key and whether it was written.

    The same list as :func:`lingopress.site.index_languages` makes, from the titles the pages
    were rendered with, so that an unchanged site reads no article and no catalog."""
    renderer: Renderer | None = None
    make_renderer = inputs.runner.renderer
    languages = []
    for info in published:
        entries = []
        for article in inputs.articles:
            known = titles.get((info.name, article.slug))
            if known is None:
                # A locale not rendered in this (sharded) build: its titles may not be known yet.
                renderer = renderer or make_renderer()
                known = _title(config, renderer, inputs, info, article)
            title, fallback = known
            entries.append(index_entry(info, article.slug, title, fallback))
        languages.append(index_language(info, entries))
    key = digest_parts(inputs.cache.code, inputs.pyproject, inputs.templates, languages)

    def page() -> str:
        return (renderer or make_renderer()).index_page(languages, Translations({}))

    return key, _write_changed(config, inputs, "index.html", key, page)


def _title(
    config: Config, renderer: Renderer, inputs: Inputs, info: LocaleInfo, article: ArticleFacts
) -> tuple[str, bool]:
    is_source = info.name == config.source_locale.name
    po = None if is_source else inputs.po_digest(info.name, article.slug)
    key = f"title:{digest_parts(inputs.cache.code, info.name, article.digest, po)}"
    known = inputs.cache.get(key)
    if isinstance(known, list):
        return str(known[0]), bool(known[1])
    source = read_article(article.path, config.relative(article.path))
    catalog = None
    if not is_source:
        worker = inputs.runner.worker()
        found = locale_catalog(config, info, article.slug, lambda: worker.source_catalog(source))
        if isinstance(found, CatalogError):
            raise found
        catalog = found
    title, fallback = renderer.plain(source, info, Translations.from_catalog(catalog), source.title)
    inputs.cache.put(key, [title, fallback])
    return title, fallback


def _write_sitemap(config: Config, inputs: Inputs, published: list[LocaleInfo]) -> tuple[str, bool]:
    """Write the sitemap when its content changed; returns its key and whether it was written."""
    facts = [[a.slug, a.published, a.updated] for a in inputs.articles]
    key = digest_parts(inputs.cache.code, inputs.pyproject, facts, [i.name for i in published])
    return key, _write_changed(
        config, inputs, "sitemap.xml", key, lambda: sitemap_xml(config, inputs.articles, published)
    )


def _write_changed(config: Config, inputs: Inputs, out: str, key: str, make: Callable[[], str]) -> bool:
    """Write the site-wide file ``out`` (under build/) with what ``make`` gives, unless the
    cache says it was made from ``key`` and it is there; returns whether it was written."""
    if inputs.cache.outputs.get(out, [None])[0] == key and exists(str(config.build_dir), out):
        return False
    return write_atomic(config.build_dir / out, make().encode("utf-8"), durable=False)
