"""The whole build: every published locale's pages, MO files, the language index, sitemap, status, assets.

The build is incremental. Each input (article, PO, POT, template, config) is known by a
content hash kept in the build cache (:mod:`lingopress.buildcache`), trusted while the file's
size and time are unchanged; each output remembers the hash of the inputs it was made from.
A page is rendered again only when that hash changes, and written only when its bytes
change; outputs of deleted articles and locales are removed.

The work is done per domain (:class:`_UnitJob`): the article is read and parsed once for all
its pages, and each of its PO files is read once to be checked, counted, rendered and
compiled. The check gate keeps its verdict per PO file and hash of every file the check
reads for it, so a rebuild after one edit checks one file; the verdict is that of
``invoke check`` itself. What the build makes waits in ``build/.cache/staging`` and is moved
into place only when the build goes through: one that the gate or an unreadable file stops
leaves build/ as it was.
A build with pseudo-locales is made without the cache (and drops it: its pages link to
locales a normal build does not have).

Domains are processed on all cores (a process pool; each is independent, so the output
does not depend on the scheduling). The build never writes to locales/.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from lingopress.buildcache import (
    BuildCache,
    FileFact,
    code_digest,
    digest_parts,
    key_of,
    read_facts,
    tree_digest,
)
from lingopress.catalogs import read_locale_po
from lingopress.checks import Diagnostic, Stats, catalog_stats
from lingopress.config import SITE_DOMAIN, Config, load_config
from lingopress.errors import CatalogError, SourceError
from lingopress.extract import (
    article_catalog,
    article_segments,
    extract_project,
    planned_pot,
    stale_key,
    template_catalog,
)
from lingopress.gate import check_domain, locale_glossary, orphan_diagnostics, read_for_check
from lingopress.glossary import Glossary
from lingopress.locales import LocaleInfo
from lingopress.mofile import mo_bytes
from lingopress.pofile import Catalog, read_po, write_atomic
from lingopress.pseudo import with_pseudo_locales
from lingopress.render import Renderer, Translations
from lingopress.segment import BodySegmenter, ParsedBody
from lingopress.site import (
    BuildReport,
    copy_static,
    index_entry,
    index_language,
    index_languages,
    language_links,
    locale_stats,
    page_output,
    page_path,
    published_locales,
    sitemap_xml,
    write_output,
)
from lingopress.source import Article, find_articles, read_article
from lingopress.status import last_revision, write_status

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

__all__ = ["BuildResult", "Progress", "build_site"]

CACHE_FILE = Path(".cache") / "build.json"
_BATCH = 25
"""Pages per task sent to a worker: large enough to amortise the round trip, small enough to balance."""
_FILES_PER_JOB = 500
"""Input files hashed per task sent to a worker."""
_POOL_MIN_JOBS = 48
"""Below this many pages (or files), starting worker processes costs more than it saves."""
_STAGING = Path(".cache") / "staging"
"""Where outputs wait while the gate has not decided (under build/)."""


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
class _FilesJob:
    """Hash files (the inputs the build cache does not know yet)."""

    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _CatalogJob:
    locale: str
    domain: str


@dataclass(frozen=True, slots=True)
class _LocaleWork:
    """What a unit does for one locale of its domain."""

    locale: str
    check: bool = False
    """Check the PO file (the gate has no verdict for it)."""
    stats: bool = False
    """Count its messages and words, and read its revision date."""
    page: bool = False
    """Render the article's page in this locale."""
    preview: bool = False
    mo: bool = False
    """Compile the PO file."""


@dataclass(frozen=True, slots=True)
class _UnitJob:
    """Everything a build does with one domain, so that each file is read once: the article
    parsed once for all its pages, each PO file read once for its check, statistics, page and
    MO file. The templates' domain (``article`` None) has no pages."""

    domain: str
    article: str | None
    """Path of the article file."""
    pot_stats: bool
    """Count the messages of the domain's template (for a locale without its PO file)."""
    stale: bool
    """Compare the POT file with what extraction makes of the source."""
    work: tuple[_LocaleWork, ...]
    published: tuple[str, ...]
    """Names of the published locales, source first (for the language switcher)."""
    staging: str
    """Where changed outputs wait until the build is known to go through."""
    fresh: bool = False
    """build/ holds no outputs yet: none to compare a new one with."""


_Job = _ArticleJob | _FilesJob | _CatalogJob | _UnitJob


class _Worker:
    """Reads, checks, renders and compiles; one per process, so that the Markdown and Jinja2
    set-up is made once. Results are plain data (they cross process boundaries)."""

    def __init__(self, config: Config):
        self.config = config
        self._renderer: Renderer | None = None
        self._site: dict[str, Translations] = {}
        self._glossaries: dict[str, Glossary | None] = {}
        self._template_catalog: Catalog | None = None
        self._build_dir = str(config.build_dir)
        self._folders: set[str] = set()
        """Folders this worker made in the staging folder."""

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(self.config)
        return self._renderer

    @property
    def segmenter(self) -> BodySegmenter:
        return self.renderer.segmenter

    def info(self, name: str) -> LocaleInfo:
        if name == self.config.source_locale.name:
            return self.config.source_locale
        return self.config.locales[name].info

    def site(self, locale: str) -> Translations:
        if locale not in self._site:
            catalog = None
            if locale != self.config.source_locale.name:
                catalog = read_locale_po(self.config, locale, SITE_DOMAIN)
            self._site[locale] = Translations.from_catalog(catalog)
        return self._site[locale]

    def glossary(self, locale: str) -> Glossary | None:
        if locale not in self._glossaries:
            self._glossaries[locale] = locale_glossary(self.config, locale)[0]
        return self._glossaries[locale]

    def template_catalog(self) -> Catalog:
        if self._template_catalog is None:
            self._template_catalog = template_catalog(self.config)
        return self._template_catalog

    def article(self, job: _ArticleJob) -> dict[str, Any]:
        """What the build needs to know of an article before anything else (its front matter)."""
        path = Path(job.path)
        return read_article(path, self.config.relative(path)).front_facts()

    def files(self, job: _FilesJob) -> dict[str, Any]:
        """The :data:`FileFact` of each file (None for one that cannot be read)."""
        return {"facts": read_facts(job.paths)}

    def catalog(self, job: _CatalogJob) -> dict[str, Any]:
        """A PO file's statistics and its revision date (for the status page)."""
        path = self.config.po_path(job.locale, job.domain)
        try:
            catalog = read_po(path, self.config.relative(path))
        except CatalogError as exc:
            return {"error": [exc.message, exc.path, exc.line]}
        return _counts(catalog)

    def unit(self, job: _UnitJob) -> dict[str, Any]:
        """Check, count, render and compile one domain (see :class:`_UnitJob`)."""
        config = self.config
        out: dict[str, Any] = {"locales": {}}
        article: Article | None = None
        if job.article is not None:
            path = Path(job.article)
            article = read_article(path, config.relative(path))
        parsed: ParsedBody | None = None
        extracted: Catalog | None = None

        def body() -> ParsedBody | None:
            # Parsed once, when a page or the messages need it (a unit that only checks or
            # counts does not).
            nonlocal parsed
            if parsed is None and article is not None:
                parsed = self.segmenter.parse(article.body, article.body_line)
            return parsed

        def extraction() -> Catalog:
            nonlocal extracted
            if extracted is None:
                if article is None:
                    extracted = self.template_catalog()
                else:
                    segments = article_segments(article, self.segmenter, body())
                    extracted = article_catalog(article, segments, config.source_locale.babel)
            return extracted

        if job.pot_stats:
            out["pot_stats"] = _stats_dict(catalog_stats(extraction().messages))
        if job.stale:
            out["stale"] = planned_pot(config, job.domain, extraction()) is not None
        pot: Catalog | None = None
        if any(w.check for w in job.work):
            # The check compares a PO file with the POT file, as 'invoke check' does; with no
            # readable POT file, with what extraction makes.
            pot_path = config.pot_path(job.domain)
            out["pot_error"] = []
            if pot_path.is_file():
                try:
                    pot = read_po(pot_path, config.relative(pot_path))
                except CatalogError as exc:
                    out["pot_error"] = _diagnostic_data(
                        Diagnostic(exc.path or "", exc.line or 1, "error", "syntax", exc.message)
                    )
            if pot is None:
                pot = extraction()
        published = [self.info(name) for name in job.published]
        for work in job.work:
            out["locales"][work.locale] = self._locale_work(job, work, article, body, pot, published)
        return out

    def _locale_work(
        self,
        job: _UnitJob,
        work: _LocaleWork,
        article: Article | None,
        body: Callable[[], ParsedBody | None],
        pot: Catalog | None,
        published: list[LocaleInfo],
    ) -> dict[str, Any]:
        config = self.config
        done: dict[str, Any] = {}
        info = self.info(work.locale)
        translations = Translations({})
        if work.locale != config.source_locale.name:
            catalog = read_for_check(config, work.locale, job.domain)
            unsafe = None
            if work.check:
                assert pot is not None
                check = check_domain(
                    config, work.locale, job.domain, pot, catalog, self.glossary(work.locale)
                )
                done["verdict"] = [_diagnostic_data(d) for d in check.diagnostics]
                unsafe = check.unsafe
            if isinstance(catalog, CatalogError):
                done["error"] = [catalog.message, catalog.path, catalog.line]
                return done
            if work.stats and catalog is not None:
                done.update(_counts(catalog, check.stats if work.check else None))
            if work.mo and catalog is not None:
                out = config.mo_output(work.locale, job.domain)
                done["mo"] = self._emit(out, mo_bytes(catalog), job)
            if work.page:
                translations = Translations.from_catalog(catalog, unsafe)
        if work.page:
            assert article is not None
            html = self.renderer.article_page(
                article,
                info,
                translations,
                self.site(work.locale),
                language_links(config, published, info, article.slug),
                work.preview,
                body(),
            )
            page = self._emit(page_output(info, article.slug), html.encode("utf-8"), job)
            title, fallback = self.renderer.plain(article, info, translations, article.title)
            done["page"] = [*page, title, fallback]
        return done

    def _emit(self, out: str, data: bytes, job: _UnitJob) -> list[Any]:
        """Put ``data`` in the staging folder when it differs from the bytes of ``out`` (its
        name under build/); returns ``out`` and whether it is to be written. With ``os``
        calls on names, not pathlib: this runs for every page and MO file a build makes."""
        if not job.fresh:
            try:
                with open(f"{self._build_dir}/{out}", "rb") as file:  # noqa: PTH123
                    if os.fstat(file.fileno()).st_size == len(data) and file.read() == data:
                        return [out, False]
            except OSError:
                pass
        staged = f"{job.staging}/{out}"
        folder = staged.rpartition("/")[0]
        if folder not in self._folders:
            try:
                os.mkdir(folder)  # noqa: PTH102 -- a page's own folder: its parent is there
            except FileExistsError:
                pass
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)  # noqa: PTH103
            self._folders.add(folder)
        with open(staged, "wb") as file:  # noqa: PTH123
            file.write(data)
        return [out, True]

    def run(self, jobs: Sequence[_Job]) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        for job in jobs:
            if isinstance(job, _UnitJob):
                results.append(self.unit(job))
            elif isinstance(job, _CatalogJob):
                results.append(self.catalog(job))
            elif isinstance(job, _FilesJob):
                results.append(self.files(job))
            else:
                results.append(self.article(job))
        return results


_worker: _Worker | None = None


def _init_worker(root: str | None) -> None:
    """A worker process's set-up: a forked one already has this process's worker (see
    :meth:`_Runner._start`); another reads the configuration again."""
    global _worker
    if root is not None:
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
        batches: list[list[_Job]],
        done: Callable[[list[_Job], list[dict[str, Any]]], None] | None = None,
        weight: int = 1,
    ) -> list[dict[str, Any]]:
        """Every job's result, in order; ``done`` is called with each batch and its results as
        they come. ``weight``: the pages (or files) a job stands for, when deciding on a pool."""
        results: list[dict[str, Any]] = []
        total = weight * sum(len(batch) for batch in batches)
        if self._pool is None and (self.processes <= 1 or total < _POOL_MIN_JOBS):
            local = self._local_worker()
            for batch in batches:
                found = local.run(batch)
                results.extend(found)
                if done is not None:
                    done(batch, found)
            return results
        pool = self._start()
        futures: list[tuple[list[_Job], Future[list[dict[str, Any]]]]] = [
            (batch, pool.submit(_run_in_worker, batch)) for batch in batches
        ]
        for batch, future in futures:
            found = future.result()
            results.extend(found)
            if done is not None:
                done(batch, found)
        return results

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing  # a small site builds in this process, without the import time
            from concurrent.futures import ProcessPoolExecutor

            fork = "fork" in multiprocessing.get_all_start_methods()
            if fork:
                # Forked workers start with the modules imported and with this process's worker:
                # the configuration read, Markdown and the templates set up once, not once each.
                global _worker
                _worker = self._local_worker()
                self.renderer()  # made now, before the workers are forked
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("fork" if fork else "spawn"),
                initializer=_init_worker,
                initargs=(None if fork else str(self.config.root),),
            )
        return self._pool

    def _local_worker(self) -> _Worker:
        if self._local is None:
            self._local = _Worker(self.config)
        return self._local

    def renderer(self) -> Renderer:
        """The renderer of this process's worker (made once)."""
        return self._local_worker().renderer

    def close(self) -> None:
        global _worker
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
            _worker = None


def _batches(jobs: Sequence[_Job], size: int) -> list[list[_Job]]:
    size = max(1, size)
    return [list(jobs[start : start + size]) for start in range(0, len(jobs), size)]


# --------------------------------------------------------------------------- inputs


@dataclass(slots=True)
class _ArticleFacts:
    path: Path
    digest: str
    slug: str
    title: str
    published: str | None
    updated: str | None


_STAT_FIELDS = (
    "translated",
    "fuzzy",
    "untranslated",
    "translated_words",
    "fuzzy_words",
    "untranslated_words",
)


def _counts(catalog: Catalog, stats: Stats | None = None) -> dict[str, Any]:
    """A PO file's statistics (``stats`` when already counted) and revision date, as the build
    keeps them (for the status page)."""
    return {
        "stats": _stats_dict(stats if stats is not None else catalog_stats(catalog.messages)),
        "revision": last_revision([catalog]) or "",
    }


def _stats_dict(stats: Stats) -> list[int]:
    return [getattr(stats, name) for name in _STAT_FIELDS]


def _stats(data: list[int]) -> Stats:
    translated, fuzzy, untranslated, translated_words, fuzzy_words, untranslated_words = data
    return Stats(translated, fuzzy, untranslated, translated_words, fuzzy_words, untranslated_words)


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
        self.pyproject = cache.file_digest(config.root / "pyproject.toml") or ""
        self.templates = tree_digest(cache, config.templates_dir)
        self.articles = self._scan_articles()
        self.slugs = [a.slug for a in self.articles]
        self.domains = [*self.slugs, SITE_DOMAIN]
        self._article_digests = {a.slug: a.digest for a in self.articles}
        self._verdict_keys: dict[tuple[str, str], str] = {}
        self._stale_keys: dict[str, tuple[str, str]] = {}
        self._pot_stems: set[str] | None = None
        self._po_dirs = {name: str(config.po_path(name, SITE_DOMAIN).parent) for name in config.locales}
        self._pot_dir = str(config.pot_path(SITE_DOMAIN).parent)
        self._po_digests: dict[tuple[str, str], str | None] = {}
        self._pot_digests: dict[str, str | None] = {}
        self._glossaries: dict[str, str | None] = {}
        self.revisions: dict[str, str | None] = {}

    def _scan_articles(self) -> list[_ArticleFacts]:
        paths = find_articles(self.config.source_dir)
        digests = dict(zip(paths, self.cache.file_digests([str(p) for p in paths], self._read), strict=True))
        todo: list[_Job] = [
            _ArticleJob(str(path))
            for path, digest in digests.items()
            if not isinstance(self.cache.get(f"front:{digest}"), dict)
        ]
        for job, facts in zip(todo, self.runner.run(_batches(todo, 32)), strict=True):
            assert isinstance(job, _ArticleJob)
            self.cache.put(f"front:{digests[Path(job.path)]}", facts)
        found: list[_ArticleFacts] = []
        seen: dict[str, Path] = {}
        for path, digest in digests.items():
            known = self.cache.get(f"front:{digest}")
            slug = str(known["slug"])
            if slug in seen:
                first = self.config.relative(seen[slug])
                raise SourceError(f"slug {slug!r} is already used by {first}", self.config.relative(path), 1)
            seen[slug] = path
            found.append(
                _ArticleFacts(path, str(digest), slug, known["title"], known["published"], known["updated"])
            )
        return found

    def _read(self, paths: list[str]) -> list[FileFact | None]:
        """The facts of files the cache does not know (see :meth:`BuildCache.file_digests`),
        read on all cores when there are many."""
        jobs: list[_Job] = [
            _FilesJob(tuple(paths[start : start + _FILES_PER_JOB]))
            for start in range(0, len(paths), _FILES_PER_JOB)
        ]
        results = self.runner.run([[job] for job in jobs], weight=max(1, len(paths) // len(jobs)))
        return [fact for result in results for fact in result["facts"]]

    def read_po_digests(self) -> None:
        """The digest of every PO file, at once (a first build hashes them on all cores)."""
        keys = [(name, domain) for name in self.config.locales for domain in self.domains]
        paths = [f"{self._po_dirs[name]}/{domain}.po" for name, domain in keys]
        self._po_digests.update(zip(keys, self.cache.file_digests(paths, self._read), strict=True))

    def po_digest(self, locale: str, domain: str) -> str | None:
        key = (locale, domain)
        if key not in self._po_digests:
            self._po_digests[key] = self.cache.file_digest(f"{self._po_dirs[locale]}/{domain}.po")
        return self._po_digests[key]

    def pot_digest(self, domain: str) -> str | None:
        if domain not in self._pot_digests:
            self._pot_digests[domain] = self.cache.file_digest(f"{self._pot_dir}/{domain}.pot")
        return self._pot_digests[domain]

    def glossary_digest(self, locale: str) -> str | None:
        if locale not in self._glossaries:
            self._glossaries[locale] = self.cache.file_digest(self.config.glossary_dir / f"{locale}.csv")
        return self._glossaries[locale]

    def source_digest(self, domain: str) -> str:
        """What a domain's messages are extracted from: its article, or the templates."""
        if domain == SITE_DOMAIN:
            return self.templates
        return self._article_digests[domain]

    # -- cache keys of what a unit learns ------------------------------------------

    def verdict_key(self, locale: str, domain: str) -> str:
        """The check of one PO file depends on it, its POT file, the locale's glossary and policy."""
        known = self._verdict_keys.get((locale, domain))
        if known is not None:
            return known
        key = self._verdict_keys[(locale, domain)] = "verdict:" + key_of(
            self.cache.code,
            self.pyproject,
            locale,
            domain,
            self.po_digest(locale, domain),
            self.pot_digest(domain),
            self.glossary_digest(locale),
        )
        return key

    def pot_error_key(self, domain: str) -> str:
        """Why the domain's POT file cannot be read (an empty list: it can), once a check read it."""
        return "pot-error:" + key_of(self.cache.code, self.pot_digest(domain))

    def stale_key(self, domain: str, source: str) -> str:
        known = self._stale_keys.get(domain)
        if known is not None and known[0] == source:
            return known[1]
        key = stale_key(self.cache.code, self.pyproject, domain, source, self.pot_digest(domain))
        self._stale_keys[domain] = (source, key)
        return key

    def keep_verdicts(self, names: list[str]) -> None:
        """Mark the gate's verdicts on the current inputs of ``names`` as used, so that a build
        that does not check them (forced, or a shard) does not drop them from the cache."""
        for domain in self.domains:
            self.cache.get(self.stale_key(domain, self.source_digest(domain)))
            self.cache.get(self.pot_error_key(domain))
            for name in names:
                self.cache.get(self.verdict_key(name, domain))

    # -- statistics ----------------------------------------------------------------

    def count(self, locales: list[str]) -> None:
        """Statistics and revision of every PO file of ``locales`` that the cache does not know."""
        todo: list[_Job] = []
        for name in locales:
            for domain in self.domains:
                po = self.po_digest(name, domain)
                if po is not None and not self.counted(po):
                    todo.append(_CatalogJob(name, domain))
        for job, result in zip(todo, self.runner.run(_batches(todo, _BATCH)), strict=True):
            assert isinstance(job, _CatalogJob)
            if "error" in result:
                message, path, line = result["error"]
                raise CatalogError(message, path, line)
            self.remember_stats(self.po_digest(job.locale, job.domain), result)

    def counted(self, po: str) -> bool:
        return self._count(po) is not None

    def _count(self, po: str) -> list[Any] | None:
        """The cache entry of a PO file's statistics and revision (see :meth:`remember_stats`)."""
        known = self.cache.get(f"count:{po}")
        return known if isinstance(known, list) and len(known) == len(_STAT_FIELDS) + 1 else None

    def remember_stats(self, po: str | None, result: dict[str, Any]) -> None:
        """A PO file's statistics and revision date, as one cache entry: [*stats, revision]."""
        self.cache.put(f"count:{po}", [*result["stats"], result["revision"]])

    def locale_stats(self, name: str) -> tuple[Stats, str | None]:
        """A locale's statistics (every domain) and the latest revision date of its catalogs."""
        total = Stats()
        revisions: list[str] = []
        for domain in self.domains:
            po = self.po_digest(name, domain)
            known = self._count(po) if po is not None else None
            if known is not None:
                stats = _stats(known[:-1])
                revisions.append(str(known[-1] or ""))
            else:
                stats = self.pot_stats(domain).as_untranslated()
            total.domains[domain] = stats
            total.add(stats)
        return total, max((r for r in revisions if r), default=None)

    def pot_stats(self, domain: str) -> Stats:
        known = self.cache.get(self.pot_stats_key(domain))
        if isinstance(known, list):
            return _stats(known)
        # Not counted yet (a unit counts it whenever a PO file of the domain is missing).
        if domain == SITE_DOMAIN:
            return catalog_stats(template_catalog(self.config).messages)
        facts = next(a for a in self.articles if a.slug == domain)
        article = read_article(facts.path, self.config.relative(facts.path))
        segmenter = self.runner.renderer().segmenter
        catalog = article_catalog(
            article, article_segments(article, segmenter), self.config.source_locale.babel
        )
        return catalog_stats(catalog.messages)

    def pot_stats_key(self, domain: str) -> str:
        return f"pot:{key_of(self.cache.code, self.source_digest(domain))}"

    # -- the gate ------------------------------------------------------------------

    def pot_stems(self) -> set[str]:
        """The domains that have a POT file."""
        if self._pot_stems is None:
            try:
                names = os.listdir(self._pot_dir)  # noqa: PTH208 -- names only, on every build
            except (FileNotFoundError, NotADirectoryError):
                names = []
            self._pot_stems = {
                n[: -len(".pot")] for n in names if n.endswith(".pot") and not n.startswith(".")
            }
        return self._pot_stems

    def template_diagnostics(self, stale: dict[str, bool]) -> list[Diagnostic]:
        """Templates that are stale, missing or unreadable, or have no domain any more."""
        config = self.config
        found: list[Diagnostic] = []
        known = set(self.domains)
        for domain in self.domains:
            if stale.get(domain):
                path = config.pot_path(domain)
                why = (
                    "template is out of date: run 'invoke extract' and commit the result"
                    if self.pot_digest(domain) is not None
                    else "template missing: run 'invoke extract' and commit the result"
                )
                found.append(Diagnostic(config.relative(path), 1, "error", "stale-pot", why))
        for stem in sorted(self.pot_stems() - known):
            why = "template of a domain that no longer exists: run 'invoke extract'"
            found.append(Diagnostic(config.relative(config.pot_path(stem)), 1, "error", "stale-pot", why))
        found.sort(key=lambda d: d.path)
        for domain in sorted(self.domains):
            error = self.cache.get(self.pot_error_key(domain))
            if error:
                found.append(_diagnostic(error))
        return found

    def locale_diagnostics(self, name: str) -> list[Diagnostic]:
        """The check's findings for one locale, in the order 'invoke check' gives them."""
        config = self.config
        found = locale_glossary(config, name)[1]
        for domain in sorted(self.domains):
            known = self.cache.get(self.verdict_key(name, domain))
            found.extend(_diagnostic(d) for d in known)
        found.extend(orphan_diagnostics(config, name, self.pot_stems() | set(self.domains)))
        return found


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


@dataclass(slots=True)
class _Plan:
    """What a build does: the units to run, and every output the site has with its key."""

    units: list[_UnitJob] = field(default_factory=list)
    outputs: dict[str, list[Any]] = field(default_factory=dict)
    """Output under build/ -> [key, locale]."""
    titles: dict[tuple[str, str], tuple[str, bool]] = field(default_factory=dict)
    """(locale, slug) -> title of the page, for pages that are up to date."""
    pages: dict[str, int] = field(default_factory=dict)
    """Pages to render per locale."""
    checking: bool = False
    """Whether some verdict of the gate is not known yet."""


def _plan(
    config: Config,
    inputs: _Inputs,
    published: list[LocaleInfo],
    targets: list[LocaleInfo],
    checked: list[str],
    gate: bool,
    render: bool,
) -> _Plan:
    """Decide what is out of date: for each domain, which PO files to check and count, which
    pages to render and MO files to compile."""
    cache = inputs.cache
    plan = _Plan()
    source = config.source_locale.name
    build_dir = str(config.build_dir)
    published_names = tuple(info.name for info in published)
    site_key = key_of(cache.code, inputs.pyproject, inputs.templates, ",".join(published_names))
    target_names = {info.name for info in targets} if render else set()
    site_pos = {name: inputs.po_digest(name, SITE_DOMAIN) for name in config.locales}
    previews = {name for name, lc in config.locales.items() if lc.status == "preview"}
    articles: dict[str, _ArticleFacts | None] = {a.slug: a for a in inputs.articles}
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

    for domain, article in articles.items():
        source_digest = inputs.templates if article is None else article.digest
        work: list[_LocaleWork] = []
        if article is not None and source in target_names:
            out = page_output(config.source_locale, domain)
            key = key_of(site_key, article.digest, None, None, False)
            if not _up_to_date(plan, cache, build_dir, out, key, source, domain):
                work.append(_LocaleWork(source, page=True))
        missing_po = False
        for name in config.locales:
            po = inputs.po_digest(name, domain)
            missing_po = missing_po or po is None
            check = (
                gate and name in checked and not isinstance(cache.get(inputs.verdict_key(name, domain)), list)
            )
            stats = render and po is not None and not inputs.counted(po)
            page = mo = False
            preview = name in previews
            if name in target_names:
                if article is not None:
                    out = page_output(config.locales[name].info, domain)
                    key = key_of(site_key, article.digest, po, site_pos[name], preview)
                    page = not _up_to_date(plan, cache, build_dir, out, key, name, domain)
                if po is not None:
                    out = config.mo_output(name, domain)
                    plan.outputs[out] = [po, name]
                    known = cache.outputs.get(out, [None])[0]
                    mo = known != po or f"{domain}.mo" not in mo_files(name)
            if check or stats or page or mo:
                work.append(_LocaleWork(name, check, stats, page, preview, mo))
        stale = gate and not isinstance(cache.get(inputs.stale_key(domain, source_digest)), bool)
        pot_stats = render and missing_po and not isinstance(cache.get(inputs.pot_stats_key(domain)), list)
        if work or stale or pot_stats:
            plan.units.append(
                _UnitJob(
                    domain,
                    None if article is None else str(article.path),
                    pot_stats,
                    stale,
                    tuple(work),
                    published_names,
                    "",  # the staging folder: set by the build
                )
            )
            plan.checking = plan.checking or stale or any(w.check for w in work)
            for w in work:
                if w.page:
                    plan.pages[w.locale] = plan.pages.get(w.locale, 0) + 1
    return plan


def _up_to_date(
    plan: _Plan, cache: BuildCache, build_dir: str, out: str, key: str, locale: str, slug: str
) -> bool:
    plan.outputs[out] = [key, locale]
    # A page's entry is [key, locale, title, fallback]: the title feeds the language index.
    known = cache.outputs.get(out)
    if known is not None and known[0] == key and len(known) == 4 and _exists(build_dir, out):
        plan.titles[(locale, slug)] = (str(known[2]), bool(known[3]))
        return True
    return False


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
    cache = BuildCache.load(cache_path, code_digest(), str(config.root))
    # Whether build/ holds anything of earlier builds (a build into an empty folder has no stale
    # outputs to look for).
    look_on_disk = config.build_dir.is_dir() and any(
        name != ".cache"
        for name in os.listdir(config.build_dir)  # noqa: PTH208 -- names only
    )
    inputs = _Inputs(config, cache, runner)
    inputs.read_po_digests()
    source = config.source_locale.name
    scope = only or list(config.locales)
    checked = [name for name in scope if config.locale(name).status == "required"] if gate else []

    # Which locales are published follows from the statistics of the preview locales.
    previews = [name for name, lc in config.locales.items() if lc.status == "preview"]
    inputs.count(previews)
    counted = {name: inputs.locale_stats(name)[0] for name in previews}
    published, skipped = published_locales(config, {**{n: Stats() for n in config.locales}, **counted})
    targets = [info for info in published if only is None or info.name in only or info.name == source]
    plan = _plan(config, inputs, published, targets, checked, gate, render=not pseudo)
    required = [name for name, lc in config.locales.items() if lc.status == "required"]
    inputs.keep_verdicts([name for name in required if name not in checked])

    # The gate: with every verdict known, decide before anything is done.
    if gate and not plan.checking:
        result.blocking = _blocking(inputs, checked, {})
        if result.blocking:
            cache.save(cache_path, prune=False)  # this build did not need the other facts
            return result
    # Check, count, render and compile, on all cores. What the build makes waits in the staging
    # folder until the build is known to go through: one that stops (the gate, an unreadable
    # file) leaves build/ as it was.
    units = _Units(inputs, plan, result, config.build_dir / _STAGING, fresh=not look_on_disk)
    units.run(runner, max(1, len(targets)), progress)
    if gate and plan.checking:
        result.blocking = _blocking(inputs, checked, units.stale)
    if result.blocking or units.failure:
        units.discard()
        cache.save(cache_path, prune=False)  # what was learned of the inputs still holds
        if units.failure:
            message, path, line = units.failure
            raise CatalogError(message, path, line)
        return result
    units.commit()
    if pseudo:
        cache_path.unlink(missing_ok=True)
        return _build_pseudo(config, only, result)

    for name in config.locales:
        result.stats[name], revision = inputs.locale_stats(name)
        inputs.revisions[name] = revision
    result.skipped_locales = skipped
    result.pages = len(targets) * len(inputs.articles)
    result.written.sort()
    planned = plan.outputs

    # Site-wide files.
    for name, (key, written) in (
        ("index.html", _write_index(config, inputs, published, plan.titles, runner.renderer)),
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
        _exists(str(config.build_dir), name) for name in ("status.json", "status.html")
    ):
        report.written.extend(
            write_status(config, result.stats, published, inputs.articles, revisions=inputs.revisions)
        )
    cache.set_output("status.json", planned["status.json"])
    copy_static(config, report)
    result.written.extend(report.written)
    result.removed = _remove_stale(
        config, cache, planned, {i.name for i in targets}, only is not None, look_on_disk and not cache.loaded
    )
    result.written.sort()
    cache.save(cache_path)
    return result


def _commit(staging: Path, build_dir: Path, staged: list[str]) -> None:
    """Move the staged outputs into build/: a whole folder at once where build/ has none yet
    (a locale's first build), else file by file."""
    moved: set[str] = set()
    for out in staged:
        top = out.split("/", 1)[0]
        if top in moved:
            continue
        if "/" in out and not (build_dir / top).exists():
            build_dir.mkdir(parents=True, exist_ok=True)
            (staging / top).replace(build_dir / top)
            moved.add(top)
            continue
        target = build_dir / out
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / out).replace(target)
    shutil.rmtree(staging, ignore_errors=True)


class _Units:
    """Runs a build's units, keeps what they learned of the inputs in the cache, and notes what
    they made; the outputs wait in the staging folder until :meth:`commit`."""

    def __init__(self, inputs: _Inputs, plan: _Plan, result: BuildResult, staging: Path, fresh: bool):
        self.inputs, self.plan, self.result, self.staging = inputs, plan, result, staging
        self.fresh = fresh
        """build/ holds no outputs: each one made is new."""
        self.stale: dict[str, bool] = {}
        """Whether each domain's POT file is out of date, where a unit looked."""
        self.made: dict[str, list[Any]] = {}
        """Output -> its cache entry, recorded once the output is in place."""
        self.staged: list[str] = []
        self.failure: list[Any] = []
        """The first PO file that could not be read: [message, path, line]."""

    def run(self, runner: _Runner, per_unit: int, progress: TextIO | None) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        units = [
            dataclasses.replace(unit, staging=str(self.staging), fresh=self.fresh) for unit in self.plan.units
        ]
        bar = Progress(progress, self.plan.pages)

        def done(batch: list[_Job], found: list[dict[str, Any]]) -> None:
            for job, outcome in zip(batch, found, strict=True):
                assert isinstance(job, _UnitJob)
                self._collect(job, outcome, bar)

        try:
            runner.run(_batches(units, max(1, _BATCH // per_unit)), done, weight=per_unit)
        except BaseException:
            self.discard()
            raise
        bar.close()

    def _collect(self, job: _UnitJob, outcome: dict[str, Any], bar: Progress) -> None:
        inputs, cache, plan, result = self.inputs, self.inputs.cache, self.plan, self.result
        if "stale" in outcome:
            key = inputs.stale_key(job.domain, inputs.source_digest(job.domain))
            self.stale[job.domain] = cache.put(key, bool(outcome["stale"]))
        if "pot_error" in outcome:
            cache.put(inputs.pot_error_key(job.domain), outcome["pot_error"])
        if "pot_stats" in outcome:
            cache.put(inputs.pot_stats_key(job.domain), outcome["pot_stats"])
        for work in job.work:
            done = outcome["locales"][work.locale]
            if "verdict" in done:
                cache.put(inputs.verdict_key(work.locale, job.domain), done["verdict"])
            if "error" in done and not self.failure:
                self.failure.extend(done["error"])
            if "stats" in done:
                inputs.remember_stats(inputs.po_digest(work.locale, job.domain), done)
            for kind in ("page", "mo"):
                if kind not in done:
                    continue
                out, written = done[kind][0], done[kind][1]
                if written:
                    result.written.append(f"build/{out}")
                    self.staged.append(out)
                if kind == "page":
                    title, fallback = done[kind][2], done[kind][3]
                    plan.titles[(work.locale, job.domain)] = (title, fallback)
                    self.made[out] = [*plan.outputs[out], title, fallback]
                    result.rendered += 1
                else:
                    self.made[out] = plan.outputs[out]
            if work.page:
                bar.advance(work.locale, 1)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self) -> None:
        """Move the staged outputs into build/ and record them in the cache."""
        _commit(self.staging, self.inputs.config.build_dir, self.staged)
        for out, entry in self.made.items():
            self.inputs.cache.set_output(out, entry)


def _blocking(inputs: _Inputs, checked: list[str], stale: dict[str, bool]) -> list[Diagnostic]:
    """The check errors that stop a build: any error of a required locale in scope, or of no
    locale (a stale or broken template). The same findings as
    :func:`lingopress.gate.check_project`, from the verdicts kept per PO file. ``stale``: what
    this build's units found of the templates; the cache knows the others."""
    cache = inputs.cache
    stale = dict(stale)
    for domain in inputs.domains:
        if domain not in stale:
            stale[domain] = bool(cache.get(inputs.stale_key(domain, inputs.source_digest(domain))))
    found = inputs.template_diagnostics(stale)
    for name in checked:
        found.extend(inputs.locale_diagnostics(name))
    return [d for d in found if d.severity == "error"]


def _exists(build_dir: str, out: str) -> bool:
    # os.path: this runs for every page of a no-op build, where pathlib's overhead shows.
    return os.path.isfile(f"{build_dir}/{out}")  # noqa: PTH113


def _write_index(
    config: Config,
    inputs: _Inputs,
    published: list[LocaleInfo],
    titles: dict[tuple[str, str], tuple[str, bool]],
    make_renderer: Callable[[], Renderer],
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
                renderer = renderer or make_renderer()
                known = _title(config, renderer, inputs, info, article)
            title, fallback = known
            entries.append(index_entry(info, article.slug, title, fallback))
        languages.append(index_language(info, entries))
    key = digest_parts(inputs.cache.code, inputs.pyproject, inputs.templates, languages)

    def page() -> str:
        return (renderer or make_renderer()).index_page(languages, Translations({}))

    return key, _write_changed(config, inputs.cache, "index.html", key, page)


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
    return key, _write_changed(
        config, inputs.cache, "sitemap.xml", key, lambda: sitemap_xml(config, inputs.articles, published)
    )


def _write_changed(config: Config, cache: BuildCache, out: str, key: str, make: Callable[[], str]) -> bool:
    """Write the site-wide file ``out`` (under build/) with what ``make`` gives, unless the
    cache says it was made from ``key`` and it is there; returns whether it was written."""
    if cache.outputs.get(out, [None])[0] == key and _exists(str(config.build_dir), out):
        return False
    return write_atomic(config.build_dir / out, make().encode("utf-8"), durable=False)


def _remove_stale(
    config: Config,
    cache: BuildCache,
    planned: dict[str, list[Any]],
    scope: set[str],
    sharded: bool,
    look_on_disk: bool,
) -> list[str]:
    """Delete outputs of articles, domains and locales that are gone. A sharded build only
    touches its own locales. ``look_on_disk``: the cache does not know what earlier builds
    made, so look for their pages and MO files in build/."""
    stale: set[str] = set()
    for out, entry in list(cache.outputs.items()):
        locale = entry[1]
        if out in planned:
            continue
        if not sharded or locale in scope:
            stale.add(out)
            cache.drop_output(out)
    if look_on_disk:
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
