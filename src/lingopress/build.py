"""The whole build: every published locale's pages, MO files, the language index, sitemap, status, assets.

The build is incremental. Each input (article, PO, POT, template, config) is known by a
content hash kept in the build cache (:mod:`lingopress.buildcache`), trusted while the file's
size and time are unchanged; each output remembers the hash of the inputs it was made from.
A page is rendered again only when that hash changes, and written only when its bytes
change; outputs of deleted articles and locales are removed. The check gate works the
same way: its verdict is kept per hash of every file the check reads, so it is the verdict
of ``invoke check`` itself. A build with pseudo-locales is made without the cache (and drops
it: its pages link to locales a normal build does not have).

Pages are rendered on all cores (a process pool; each page is independent, so the output
does not depend on the scheduling). The build never writes to locales/.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from lingopress.buildcache import BuildCache, digest_parts, key_of
from lingopress.catalogs import read_locale_po
from lingopress.checks import Diagnostic, Stats, catalog_stats
from lingopress.config import SITE_DOMAIN, Config, load_config
from lingopress.errors import CatalogError, SourceError
from lingopress.extract import article_catalog, article_segments, extract_project, template_catalog
from lingopress.gate import check_project
from lingopress.locales import LocaleInfo
from lingopress.mofile import mo_bytes
from lingopress.pofile import read_po, write_atomic
from lingopress.pseudo import with_pseudo_locales
from lingopress.render import Renderer, Translations
from lingopress.segment import BodySegmenter
from lingopress.site import (
    BuildReport,
    copy_static,
    index_entry,
    index_language,
    index_languages,
    language_links,
    locale_stats,
    page_path,
    published_locales,
    sitemap_xml,
    write_output,
)
from lingopress.source import Article, find_articles, read_article
from lingopress.status import last_revision, write_status

__all__ = ["BuildResult", "Progress", "build_site"]

CACHE_FILE = Path(".cache") / "build.json"
_BATCH = 25
"""Pages per task sent to a worker: large enough to amortise the round trip, small enough to balance."""
_POOL_MIN_JOBS = 48
"""Below this many jobs, starting worker processes costs more than it saves."""


@dataclass(slots=True)
class BuildResult:
    """What a build did."""

    pages: int = 0
    """Pages the site has (in the locales built)."""
    rendered: int = 0
    """Pages rendered this time (the others were up to date)."""
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped_locales: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Stats] = field(default_factory=dict)
    blocking: list[Diagnostic] = field(default_factory=list)
    """Check errors that stopped the build (nothing was written)."""


# --------------------------------------------------------------------------- progress


class Progress:
    """Per-locale progress of a long build on one status line; silent when ``stream`` is not a terminal."""

    def __init__(self, stream: TextIO | None, totals: dict[str, int], min_total: int = 200):
        self.stream = stream
        self.totals = totals
        self.done = dict.fromkeys(totals, 0)
        self.enabled = stream is not None and _isatty(stream) and sum(totals.values()) >= min_total
        self._last = 0.0

    def advance(self, locale: str, count: int) -> None:
        self.done[locale] += count
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.1 or self.done[locale] == self.totals[locale]):
            self._last = now
            self._show()

    def line(self) -> str:
        done, total = sum(self.done.values()), sum(self.totals.values())
        parts = [f"{done}/{total} pages"]
        for name, count in self.done.items():
            if count == self.totals[name]:
                parts.append(f"{name} done")
            elif count:
                parts.append(f"{name} {count}/{self.totals[name]}")
        return " · ".join(parts)

    def _show(self) -> None:
        assert self.stream is not None
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write("\r" + self.line()[:width].ljust(width))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.stream is not None:
            self._show()
            self.stream.write("\n")
            self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------- the work of one process


@dataclass(frozen=True, slots=True)
class _ArticleJob:
    path: str


@dataclass(frozen=True, slots=True)
class _CatalogJob:
    locale: str
    domain: str


@dataclass(frozen=True, slots=True)
class _PageJob:
    locale: str
    slug: str
    article: str
    """Path of the article file."""
    preview: bool
    published: tuple[str, ...]
    """Names of the published locales, source first (for the language switcher)."""


@dataclass(frozen=True, slots=True)
class _MoJob:
    locale: str
    domain: str


_Job = _ArticleJob | _CatalogJob | _PageJob | _MoJob


class _Worker:
    """Reads, checks, renders and compiles; one per process, so that the Markdown and Jinja2
    set-up is made once. Results are plain data (they cross process boundaries)."""

    def __init__(self, config: Config):
        self.config = config
        self._renderer: Renderer | None = None
        self._segmenter: BodySegmenter | None = None
        self._site: dict[str, Translations] = {}

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(self.config)
        return self._renderer

    @property
    def segmenter(self) -> BodySegmenter:
        if self._segmenter is None:
            self._segmenter = BodySegmenter()
        return self._segmenter

    def info(self, name: str) -> LocaleInfo:
        if name == self.config.source_locale.name:
            return self.config.source_locale
        return self.config.locales[name].info

    def translations(self, locale: str, domain: str) -> Translations:
        if locale == self.config.source_locale.name:
            return Translations({})
        return Translations.from_catalog(read_locale_po(self.config, locale, domain))

    def site(self, locale: str) -> Translations:
        if locale not in self._site:
            self._site[locale] = self.translations(locale, SITE_DOMAIN)
        return self._site[locale]

    def article(self, job: _ArticleJob) -> dict[str, Any]:
        """What the build needs to know of an article."""
        path = Path(job.path)
        article = read_article(path, self.config.relative(path))
        catalog = article_catalog(
            article, article_segments(article, self.segmenter), self.config.source_locale.babel
        )
        return {
            "slug": article.slug,
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "updated": article.updated.isoformat() if article.updated else None,
            "pot": _stats_dict(catalog_stats(catalog.messages)),
        }

    def catalog(self, job: _CatalogJob) -> dict[str, Any]:
        """A PO file's statistics and its revision date (for the status page)."""
        path = self.config.po_path(job.locale, job.domain)
        try:
            catalog = read_po(path, self.config.relative(path))
        except CatalogError as exc:
            return {"error": [exc.message, exc.path, exc.line]}
        return {
            "stats": _stats_dict(catalog_stats(catalog.messages)),
            "revision": last_revision([catalog]) or "",
        }

    def page(self, job: _PageJob) -> dict[str, Any]:
        """Render one page and write it when its bytes changed."""
        path = Path(job.article)
        article = read_article(path, self.config.relative(path))
        info = self.info(job.locale)
        published = [self.info(name) for name in job.published]
        translations = self.translations(job.locale, job.slug)
        html = self.renderer.article_page(
            article,
            info,
            translations,
            self.site(job.locale),
            language_links(self.config, published, info, job.slug),
            job.preview,
        )
        target = page_path(self.config, info, job.slug)
        written = write_atomic(target, html.encode("utf-8"), durable=False)
        title, fallback = self.renderer.plain(article, info, translations, article.title)
        return {
            "out": target.relative_to(self.config.build_dir).as_posix(),
            "written": written,
            "title": [title, fallback],
        }

    def mo(self, job: _MoJob) -> dict[str, Any]:
        catalog = read_locale_po(self.config, job.locale, job.domain)
        target = self.config.mo_path(job.locale, job.domain)
        written = catalog is not None and write_atomic(target, mo_bytes(catalog), durable=False)
        return {"out": target.relative_to(self.config.build_dir).as_posix(), "written": written}

    def run(self, jobs: Sequence[_Job]) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        for job in jobs:
            if isinstance(job, _PageJob):
                results.append(self.page(job))
            elif isinstance(job, _MoJob):
                results.append(self.mo(job))
            elif isinstance(job, _CatalogJob):
                results.append(self.catalog(job))
            else:
                results.append(self.article(job))
        return results


_worker: _Worker | None = None


def _init_worker(root: str) -> None:
    global _worker
    _worker = _Worker(load_config(root))


def _run_in_worker(jobs: Sequence[_Job]) -> list[dict[str, Any]]:
    assert _worker is not None
    return _worker.run(jobs)


class _Runner:
    """Runs batches of jobs in this process or, when there are enough, in a pool of processes
    (started once, on first need, and shared by the build's phases)."""

    def __init__(self, config: Config, jobs: int | None):
        self.config = config
        self.processes = jobs or os.cpu_count() or 1
        self._local: _Worker | None = None
        self._pool: ProcessPoolExecutor | None = None

    def run(
        self,
        batches: list[tuple[str, list[_Job]]],
        bar: Progress | None = None,
        min_jobs: int = _POOL_MIN_JOBS,
    ) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        total = sum(len(batch) for _, batch in batches)
        if self._pool is None and (self.processes <= 1 or total < min_jobs):
            if self._local is None:
                self._local = _Worker(self.config)
            for name, batch in batches:
                results.extend(self._local.run(batch))
                if bar is not None:
                    bar.advance(name, len(batch))
            return results
        pool = self._start()
        futures: list[tuple[str, int, Future[list[dict[str, Any]]]]] = [
            (name, len(batch), pool.submit(_run_in_worker, batch)) for name, batch in batches
        ]
        for name, size, future in futures:
            results.extend(future.result())
            if bar is not None:
                bar.advance(name, size)
        return results

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            # fork: the workers start with the modules already imported.
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=context,
                initializer=_init_worker,
                initargs=(str(self.config.root),),
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _batches(groups: Mapping[str, Sequence[_Job]], size: int = _BATCH) -> list[tuple[str, list[_Job]]]:
    return [
        (name, list(jobs[start : start + size]))
        for name, jobs in groups.items()
        for start in range(0, len(jobs), size)
    ]


# --------------------------------------------------------------------------- inputs


def _code_digest() -> str:
    """The package's own source and the libraries that shape the output: a change rebuilds everything."""
    import babel
    import jinja2
    import markdown

    package = Path(__file__).resolve().parent
    parts: list[object] = [sys.version, babel.__version__, jinja2.__version__, markdown.__version__]
    for path in sorted(package.glob("*.py")):
        st = path.stat()
        parts.append([path.name, st.st_size, st.st_mtime_ns])
    return digest_parts(*parts)


def _tree_digest(cache: BuildCache, folder: Path) -> str:
    if not folder.is_dir():
        return ""
    # Strings and os.walk, not pathlib: on a large site this lists every PO file of every build.
    root = str(folder)
    files = sorted(f"{top}/{name}" for top, _, names in os.walk(root) for name in names)
    start = len(root) + 1
    return digest_parts(*[[path[start:], cache.file_digest(path)] for path in files])


@dataclass(slots=True)
class _ArticleFacts:
    path: Path
    digest: str
    slug: str
    title: str
    published: str | None
    updated: str | None
    pot_stats: list[int]


_STAT_FIELDS = (
    "translated",
    "fuzzy",
    "untranslated",
    "translated_words",
    "fuzzy_words",
    "untranslated_words",
)


def _stats_dict(stats: Stats) -> list[int]:
    return [getattr(stats, name) for name in _STAT_FIELDS]


def _stats(data: list[int]) -> Stats:
    stats = Stats()
    for name, value in zip(_STAT_FIELDS, data, strict=True):
        setattr(stats, name, int(value))
    return stats


def _diagnostic_data(d: Diagnostic) -> list[Any]:
    return [d.path, d.line, d.severity, d.code, d.message, d.locale]


def _diagnostic(data: list[Any]) -> Diagnostic:
    return Diagnostic(data[0], int(data[1]), data[2], data[3], data[4], data[5])


class _Inputs:
    """The project's inputs as hashes, and what is known about each: from the cache, or read
    (in worker processes when there is much to read)."""

    def __init__(self, config: Config, cache: BuildCache, runner: _Runner):
        self.config = config
        self.cache = cache
        self.runner = runner
        self._pot_dir = str(config.pot_path(SITE_DOMAIN).parent)
        self.pyproject = cache.file_digest(config.root / "pyproject.toml") or ""
        self.templates = _tree_digest(cache, config.templates_dir)
        self.articles = self._scan_articles()
        self.slugs = [a.slug for a in self.articles]
        self.domains = [*self.slugs, SITE_DOMAIN]
        self._po_dirs = {name: str(config.po_path(name, SITE_DOMAIN).parent) for name in config.locales}
        self._po_digests: dict[tuple[str, str], str | None] = {}
        self.stats: dict[str, Stats] = {}
        self.revisions: dict[str, str | None] = {}

    def _scan_articles(self) -> list[_ArticleFacts]:
        paths = find_articles(self.config.source_dir)
        digests = {path: self.cache.file_digest(path) for path in paths}
        todo = [
            _ArticleJob(str(path))
            for path, digest in digests.items()
            if not isinstance(self.cache.get(f"article:{digest}"), dict)
        ]
        for job, facts in zip(todo, self.runner.run(_batches({"": todo}, 8)), strict=True):
            self.cache.put(f"article:{digests[Path(job.path)]}", facts)
        found: list[_ArticleFacts] = []
        seen: dict[str, Path] = {}
        for path, digest in digests.items():
            known = self.cache.get(f"article:{digest}")
            slug = str(known["slug"])
            if slug in seen:
                first = self.config.relative(seen[slug])
                raise SourceError(f"slug {slug!r} is already used by {first}", self.config.relative(path), 1)
            seen[slug] = path
            found.append(
                _ArticleFacts(
                    path,
                    str(digest),
                    slug,
                    known["title"],
                    known["published"],
                    known["updated"],
                    known["pot"],
                )
            )
        return found

    def po_digest(self, locale: str, domain: str) -> str | None:
        key = (locale, domain)
        if key not in self._po_digests:
            self._po_digests[key] = self.cache.file_digest(f"{self._po_dirs[locale]}/{domain}.po")
        return self._po_digests[key]

    def analyse(self) -> None:
        """Statistics of every locale, and the latest revision date of its catalogs."""
        cache = self.cache
        todo: dict[str, list[_Job]] = {}
        for name in self.config.locales:
            for domain in self.domains:
                po = self.po_digest(name, domain)
                if po is None:
                    continue
                if not isinstance(cache.get(f"stats:{po}"), list) or cache.get(f"revision:{po}") is None:
                    todo.setdefault(domain, []).append(_CatalogJob(name, domain))
        batches = _batches(todo)
        done = [job for _, batch in batches for job in batch]
        for job, result in zip(done, self.runner.run(batches), strict=True):
            if "error" in result:
                message, path, line = result["error"]
                raise CatalogError(message, path, line)
            po = self.po_digest(job.locale, job.domain)  # type: ignore[union-attr]
            cache.put(f"stats:{po}", result["stats"])
            cache.put(f"revision:{po}", result["revision"])
        for name in self.config.locales:
            total = Stats()
            revisions: list[str] = []
            for domain in self.domains:
                po = self.po_digest(name, domain)
                known = cache.get(f"stats:{po}") if po is not None else None
                if isinstance(known, list):
                    stats = _stats(known)
                    revisions.append(str(cache.get(f"revision:{po}") or ""))
                else:
                    stats = self._pot_stats(domain).as_untranslated()
                total.domains[domain] = stats
                total.add(stats)
            self.stats[name] = total
            self.revisions[name] = max((r for r in revisions if r), default=None)

    def gate(self, locales: list[str] | None) -> list[Diagnostic]:
        """The check errors that stop a build: any error of a required locale among ``locales``,
        or of no locale (a stale or broken template). The verdict of
        :func:`lingopress.gate.check_project`, kept per locale and hash of everything it reads for
        that locale, and run only for the locales without a verdict: an edited catalog re-checks
        its own locale only."""
        config, cache = self.config, self.cache
        names = locales or list(config.locales)
        if not names:
            return [d for d in check_project(config).errors if d.locale is None]
        required = [n for n in names if config.locale(n).status == "required"]
        shared = [
            cache.code,
            self.pyproject,
            self.templates,
            [a.digest for a in self.articles],
            [[p.name, cache.file_digest(p)] for p in sorted(config.locales_dir.glob("*.pot"))],
        ]
        # With no required locale in scope, one locale is still checked, for the templates' errors.
        checked = required or names[:1]
        keys = {
            name: "gate:"
            + digest_parts(
                *shared,
                name,
                _tree_digest(cache, config.locales_dir / name),
                cache.file_digest(config.glossary_dir / f"{name}.csv"),
            )
            for name in checked
        }
        missing = [name for name in checked if not isinstance(cache.get(keys[name]), list)]
        if missing:
            # One run for every locale without a verdict: the templates are read once.
            errors = check_project(config, missing).errors
            for name in missing:
                cache.put(keys[name], [_diagnostic_data(d) for d in errors if d.locale in (None, name)])
        template_errors: list[Diagnostic] | None = None
        blocking: list[Diagnostic] = []
        for name in checked:
            found = [_diagnostic(d) for d in cache.get(keys[name])]
            if template_errors is None:
                template_errors = [d for d in found if d.locale is None]
            if name in required:
                blocking.extend(d for d in found if d.locale is not None)
        return [*(template_errors or []), *blocking]

    def _pot_stats(self, domain: str) -> Stats:
        if domain != SITE_DOMAIN:
            return _stats(next(a.pot_stats for a in self.articles if a.slug == domain))  # rare: PO missing
        key = f"site-pot:{key_of(self.cache.code, self.templates)}"
        known = self.cache.get(key)
        if not isinstance(known, list):
            known = self.cache.put(key, _stats_dict(catalog_stats(template_catalog(self.config).messages)))
        return _stats(known)


# --------------------------------------------------------------------------- the build


def build_site(
    config: Config,
    only: list[str] | None = None,
    *,
    pseudo: bool = False,
    gate: bool = False,
    jobs: int | None = None,
    progress: TextIO | None = None,
) -> BuildResult:
    """Bring build/ up to date. ``only`` limits the target locales rendered (plus the source),
    so that a large site can be built in shards; ``pseudo`` adds the pseudo-locales en-XA and
    ar-XB (see :mod:`lingopress.pseudo`); ``gate`` stops before anything is written when a
    required locale fails the check (the errors are in ``blocking``); ``jobs`` is the number of
    processes (default: one per core); ``progress`` gets a per-locale progress line when it is
    a terminal."""
    runner = _Runner(config, jobs)
    try:
        return _build(config, only, pseudo, gate, runner, progress)
    finally:
        runner.close()


def _build(
    config: Config,
    only: list[str] | None,
    pseudo: bool,
    gate: bool,
    runner: _Runner,
    progress: TextIO | None,
) -> BuildResult:
    result = BuildResult()
    cache_path = config.build_dir / CACHE_FILE
    cache = BuildCache.load(cache_path, _code_digest(), str(config.root))
    inputs = _Inputs(config, cache, runner)
    if gate:
        result.blocking = inputs.gate(only)
        if result.blocking:
            cache.save(cache_path, prune=False)  # this build did not need the other facts
            return result
    if pseudo:
        cache_path.unlink(missing_ok=True)
        return _build_pseudo(config, only, result)
    inputs.analyse()
    result.stats = inputs.stats
    published, result.skipped_locales = published_locales(config, result.stats)
    source = config.source_locale.name
    targets = [info for info in published if only is None or info.name in only or info.name == source]
    site_key = key_of(cache.code, inputs.pyproject, inputs.templates, ",".join(i.name for i in published))
    build_dir = str(config.build_dir)

    # Decide what is out of date.
    planned: dict[str, list[Any]] = {}
    work: dict[str, list[_Job]] = {}
    titles: dict[tuple[str, str], tuple[str, bool]] = {}
    pending: dict[str, tuple[str, str]] = {}
    published_names = tuple(info.name for info in published)
    for info in targets:
        is_source = info.name == source
        preview = not is_source and config.locales[info.name].status == "preview"
        site_po = None if is_source else inputs.po_digest(info.name, SITE_DOMAIN)
        todo = work[info.name] = []
        for article in inputs.articles:
            po = None if is_source else inputs.po_digest(info.name, article.slug)
            key = key_of(site_key, article.digest, po, site_po, preview)
            out = f"{info.path_tag}/{article.slug}/index.html"  # site.page_path, relative to build/
            planned[out] = [key, info.name]
            # A page's entry is [key, locale, title, fallback]: the title feeds the language index.
            known = cache.outputs.get(out)
            if known is not None and known[0] == key and len(known) == 4 and _exists(build_dir, out):
                titles[(info.name, article.slug)] = (str(known[2]), bool(known[3]))
                continue
            pending[out] = (info.name, article.slug)
            todo.append(_PageJob(info.name, article.slug, str(article.path), preview, published_names))
        if is_source:
            continue
        mo_dir = config.mo_path(info.name, SITE_DOMAIN).parent.relative_to(config.build_dir).as_posix()
        for domain in inputs.domains:
            po = inputs.po_digest(info.name, domain)
            if po is None:
                continue
            out = f"{mo_dir}/{domain}.mo"
            planned[out] = [po, info.name]
            if cache.outputs.get(out, [None])[0] != po or not _exists(build_dir, out):
                todo.append(_MoJob(info.name, domain))
    result.pages = len(targets) * len(inputs.articles)

    # Render and compile what is out of date, on all cores.
    bar = Progress(progress, {name: len(jobs) for name, jobs in work.items()})
    outcomes = runner.run(_batches(work), bar)
    bar.close()
    for outcome in outcomes:
        out = outcome["out"]
        if outcome["written"]:
            result.written.append(f"build/{out}")
        if "title" in outcome:
            locale, slug = pending[out]
            title, fallback = outcome["title"]
            titles[(locale, slug)] = (title, fallback)
            cache.set_output(out, [*planned[out], title, fallback])
            result.rendered += 1
        else:
            cache.set_output(out, planned[out])

    # Site-wide files.
    for name, (key, written) in (
        ("index.html", _write_index(config, inputs, published, titles)),
        ("sitemap.xml", _write_sitemap(config, inputs, published)),
    ):
        planned[name] = [key, None]
        cache.set_output(name, planned[name])
        if written:
            result.written.append(f"build/{name}")
    report = BuildReport()
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
    planned["status.json"] = [status_key, None]
    if cache.outputs.get("status.json", [None])[0] != status_key or not all(
        _exists(build_dir, name) for name in ("status.json", "status.html")
    ):
        report.written.extend(
            write_status(config, result.stats, published, inputs.articles, revisions=inputs.revisions)
        )
    cache.set_output("status.json", planned["status.json"])
    copy_static(config, report)
    result.written.extend(report.written)
    result.removed = _remove_stale(config, cache, planned, {i.name for i in targets}, only is not None)
    result.written.sort()
    cache.save(cache_path)
    return result


def _exists(build_dir: str, out: str) -> bool:
    # os.path: this runs for every page of a no-op build, where pathlib's overhead shows.
    return os.path.isfile(f"{build_dir}/{out}")  # noqa: PTH113


def _write_index(
    config: Config,
    inputs: _Inputs,
    published: list[LocaleInfo],
    titles: dict[tuple[str, str], tuple[str, bool]],
) -> tuple[str, bool]:
    """Render the language index when its content changed; returns its key and whether it was written.

    The same list as :func:`lingopress.site.index_languages` makes, from the titles the pages
    were rendered with, so that an unchanged site reads no article and no catalog."""
    renderer: Renderer | None = None
    languages = []
    for info in published:
        entries = []
        for article in inputs.articles:
            known = titles.get((info.name, article.slug))
            if known is None:
                # A locale not rendered in this (sharded) build: its titles may not be known yet.
                renderer = renderer or Renderer(config)
                known = _title(config, renderer, inputs, info, article)
            title, fallback = known
            entries.append(index_entry(info, article.slug, title, fallback))
        languages.append(index_language(info, entries))
    key = digest_parts(inputs.cache.code, inputs.pyproject, inputs.templates, languages)
    if inputs.cache.outputs.get("index.html", [None])[0] == key and _exists(
        str(config.build_dir), "index.html"
    ):
        return key, False
    renderer = renderer or Renderer(config)
    html = renderer.index_page(languages, Translations({}))
    return key, write_atomic(config.build_dir / "index.html", html.encode("utf-8"), durable=False)


def _title(
    config: Config, renderer: Renderer, inputs: _Inputs, info: LocaleInfo, article: _ArticleFacts
) -> tuple[str, bool]:
    is_source = info.name == config.source_locale.name
    po = None if is_source else inputs.po_digest(info.name, article.slug)
    key = f"title:{digest_parts(inputs.cache.code, info.name, article.digest, po)}"
    known = inputs.cache.get(key)
    if isinstance(known, list):
        return str(known[0]), bool(known[1])
    source = read_article(article.path, config.relative(article.path))
    catalog = None if is_source else read_locale_po(config, info.name, article.slug)
    title, fallback = renderer.plain(source, info, Translations.from_catalog(catalog), source.title)
    inputs.cache.put(key, [title, fallback])
    return title, fallback


def _write_sitemap(config: Config, inputs: _Inputs, published: list[LocaleInfo]) -> tuple[str, bool]:
    """Write the sitemap when its content changed; returns its key and whether it was written."""
    facts = [[a.slug, a.published, a.updated] for a in inputs.articles]
    key = digest_parts(inputs.cache.code, inputs.pyproject, facts, [i.name for i in published])
    if inputs.cache.outputs.get("sitemap.xml", [None])[0] == key and _exists(
        str(config.build_dir), "sitemap.xml"
    ):
        return key, False
    # Only dates and slugs matter here, so this reads front matter, not Markdown.
    articles: list[Article] = [read_article(a.path, config.relative(a.path)) for a in inputs.articles]
    xml = sitemap_xml(config, articles, published)
    return key, write_atomic(config.build_dir / "sitemap.xml", xml.encode("utf-8"), durable=False)


def _remove_stale(
    config: Config, cache: BuildCache, planned: dict[str, list[Any]], scope: set[str], sharded: bool
) -> list[str]:
    """Delete outputs of articles, domains and locales that are gone. A sharded build only
    touches its own locales."""
    stale: set[str] = set()
    for out, entry in list(cache.outputs.items()):
        locale = entry[1]
        if out in planned:
            continue
        if not sharded or locale in scope:
            stale.add(out)
            cache.drop_output(out)
    if not cache.loaded and config.build_dir.is_dir():
        # No memory of earlier builds: look for pages and MO files on disk instead.
        tags = {
            info.path_tag: info.name
            for info in [config.source_locale, *(lc.info for lc in config.locales.values())]
        }
        for path in config.build_dir.glob("*/*/index.html"):
            out = path.relative_to(config.build_dir).as_posix()
            locale = tags.get(out.split("/", 1)[0])
            if (
                out not in planned
                and out.split("/", 1)[0] not in ("static", "locale")
                and (not sharded or locale in scope)
            ):
                stale.add(out)
        for path in config.build_dir.glob("badges/*.svg"):
            # Badges of locales no longer configured (or of the pseudo-locales of a --pseudo build).
            if path.stem not in tags:
                stale.add(path.relative_to(config.build_dir).as_posix())
        for path in config.build_dir.glob("locale/*/LC_MESSAGES/*.mo"):
            out = path.relative_to(config.build_dir).as_posix()
            if out not in planned and (not sharded or out.split("/")[1] in scope):
                stale.add(out)
    removed = []
    for out in sorted(stale):
        path = config.build_dir / out
        if path.is_file():
            path.unlink()
            removed.append(f"build/{out}")
        _prune_empty(path.parent, config.build_dir)
    return removed


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _build_pseudo(config: Config, only: list[str] | None, result: BuildResult) -> BuildResult:
    """The whole build with the pseudo-locales, read and rendered in full, without the cache."""
    report = BuildReport()
    extraction = extract_project(config)
    articles = list(extraction.articles)
    pots = extraction.catalogs
    catalogs = {
        name: {domain: read_locale_po(config, name, domain) for domain in pots} for name in config.locales
    }
    config, catalogs = with_pseudo_locales(config, catalogs, pots)
    result.stats = {name: locale_stats(catalogs[name], pots) for name in config.locales}
    published, result.skipped_locales = published_locales(config, result.stats)
    renderer = Renderer(config)
    source = config.source_locale.name
    for info in published:
        if only is not None and info.name not in only and info.name != source:
            continue
        is_source = info.name == source
        locale_catalogs = catalogs.get(info.name, {})
        site = Translations({}) if is_source else Translations.from_catalog(locale_catalogs.get(SITE_DOMAIN))
        preview = not is_source and config.locales[info.name].status == "preview"
        for article in articles:
            translations = (
                Translations({})
                if is_source
                else Translations.from_catalog(locale_catalogs.get(article.slug))
            )
            links = language_links(config, published, info, article.slug)
            html = renderer.article_page(article, info, translations, site, links, preview)
            write_output(report, config, page_path(config, info, article.slug), html.encode("utf-8"))
            result.pages += 1
            result.rendered += 1
        if not is_source:
            for domain, catalog in locale_catalogs.items():
                if catalog is not None:
                    write_output(report, config, config.mo_path(info.name, domain), mo_bytes(catalog))
    languages = index_languages(config, renderer, published, articles, catalogs)
    write_output(
        report,
        config,
        config.build_dir / "index.html",
        renderer.index_page(languages, Translations({})).encode(),
    )
    write_output(
        report, config, config.build_dir / "sitemap.xml", sitemap_xml(config, articles, published).encode()
    )
    report.written.extend(write_status(config, result.stats, published, articles, catalogs))
    copy_static(config, report)
    result.written = sorted(report.written)
    return result
