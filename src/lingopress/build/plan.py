"""The build's second phase: decide what is out of date.

Each output remembers, in the build cache, the key of the inputs it was made from; a page is
rendered again only when that key changes (or the file is gone), an MO file compiled again
only when its PO file changed. A PO file is checked only when the gate has no verdict on its
current inputs. What is to be done is grouped per domain (:class:`UnitJob`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from lingopress.build.inputs import ArticleFacts, Inputs
from lingopress.build.work import LocaleWork, UnitJob
from lingopress.buildcache import key_of
from lingopress.config import SITE_DOMAIN, Config
from lingopress.gate import Verdicts
from lingopress.locales import LocaleInfo
from lingopress.site import page_output

__all__ = ["Plan", "Planned", "exists", "make_plan"]


@dataclass(frozen=True, slots=True)
class Planned:
    """An output the site has: the key of its inputs, and its locale (None: site-wide)."""

    key: str
    locale: str | None


@dataclass(frozen=True, slots=True)
class Plan:
    """What a build does: the units to run, and every output the site has with its key."""

    units: tuple[UnitJob, ...]
    outputs: dict[str, Planned]
    """Output under build/ -> what it is made from."""
    titles: dict[tuple[str, str], tuple[str, bool]]
    """(locale, slug) -> title of the page (and whether it is the source's), for the pages
    that are up to date."""
    pages: dict[str, int]
    """Pages to render per locale."""
    checking: bool
    """Whether some verdict of the gate is not known yet."""


def exists(build_dir: str, out: str) -> bool:
    # os.path: this runs for every page of a no-op build, where pathlib's overhead shows.
    return os.path.isfile(f"{build_dir}/{out}")  # noqa: PTH113


def make_plan(
    config: Config,
    inputs: Inputs,
    verdicts: Verdicts,
    published: list[LocaleInfo],
    targets: list[LocaleInfo],
    checked: list[str],
    gate: bool,
) -> Plan:
    """For each domain, which PO files to check and count, which pages to render and MO files
    to compile. ``targets``: the locales rendered; ``checked``: those the gate checks."""
    cache = inputs.cache
    outputs: dict[str, Planned] = {}
    titles: dict[tuple[str, str], tuple[str, bool]] = {}
    pages: dict[str, int] = {}
    units: list[UnitJob] = []
    checking = False
    source = config.source_locale.name
    build_dir = str(config.build_dir)
    published_names = tuple(info.name for info in published)
    site_key = key_of(cache.code, inputs.pyproject, inputs.templates, ",".join(published_names))
    target_names = {info.name for info in targets}
    site_pos = {name: inputs.po_digest(name, SITE_DOMAIN) for name in config.locales}
    previews = {name for name, lc in config.locales.items() if lc.status == "preview"}
    articles: dict[str, ArticleFacts | None] = {a.slug: a for a in inputs.all_articles}
    articles[SITE_DOMAIN] = None
    listed: dict[str, set[str]] = {}

    def mo_files(locale: str) -> set[str]:
        # The MO files in build/ of a locale: its folder listed once, not a file looked up per domain.
        if locale not in listed:
            try:
                listed[locale] = set(os.listdir(f"{build_dir}/locale/{locale}/LC_MESSAGES"))  # noqa: PTH208
            except OSError:
                listed[locale] = set()
        return listed[locale]

    def up_to_date(out: str, key: str, locale: str, slug: str) -> bool:
        outputs[out] = Planned(key, locale)
        # A page's entry is [key, locale, title, fallback]: the title feeds the language index.
        known = cache.outputs.get(out)
        if known is not None and known[0] == key and len(known) == 4 and exists(build_dir, out):
            titles[(locale, slug)] = (str(known[2]), bool(known[3]))
            return True
        return False

    for domain, article in articles.items():
        # A draft is checked and counted, but has no page and no MO file.
        published_here = article is None or not article.draft
        work: list[LocaleWork] = []
        if article is not None and published_here and source in target_names:
            out = page_output(config.source_locale, domain)
            key = _key(site_key, article.digest, None, None, False)
            if not up_to_date(out, key, source, domain):
                work.append(LocaleWork(source, page=True))
        missing_po = False
        for name in config.locales:
            po = inputs.po_digest(name, domain)
            missing_po = missing_po or po is None
            check = gate and name in checked and not verdicts.knows(name, domain)
            stats = po is not None and not inputs.counted(po)
            page = mo = False
            preview = name in previews
            if name in target_names and published_here:
                if article is not None:
                    out = page_output(config.locales[name].info, domain)
                    key = _key(site_key, article.digest, po, site_pos[name], preview)
                    page = not up_to_date(out, key, name, domain)
                if po is not None:
                    out = config.mo_output(name, domain)
                    outputs[out] = Planned(po, name)
                    known = cache.outputs.get(out, [None])[0]
                    mo = known != po or f"{domain}.mo" not in mo_files(name)
            if check or stats or page or mo:
                work.append(LocaleWork(name, check, stats, page, preview, mo))
        stale = gate and not verdicts.knows_stale(domain)
        pot_stats = missing_po and not inputs.knows_pot_stats(domain)
        if work or stale or pot_stats:
            path = None if article is None else str(article.path)
            units.append(UnitJob(domain, path, pot_stats, stale, tuple(work), published_names))
            checking = checking or stale or any(w.check for w in work)
            for w in work:
                if w.page:
                    pages[w.locale] = pages.get(w.locale, 0) + 1
    return Plan(tuple(units), outputs, titles, pages, checking)


def _key(site: str, article: str, po: str | None, site_po: str | None, preview: bool) -> str:
    """A page's key: the code, configuration, templates and published locales (``site``), its
    article, its PO file and its locale's catalog of the templates, and its status."""
    return key_of(site, article, po, site_po, preview)
