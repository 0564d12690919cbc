"""The work of one process: read, check, count, render and compile; the jobs and their results.

A job names its inputs (paths, a domain, the locales to do); its result is a frozen
dataclass of plain values (both cross process boundaries). The work is done per domain
(:class:`UnitJob`): the article is read and parsed once for all its pages, and each of its
PO files is read once to be checked, counted, rendered and compiled.

A pseudo-locale's catalog (:mod:`lingopress.pseudo`) is made here from what extraction makes
of the domain's source: it has no PO file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lingopress.buildcache import FileFact, read_facts
from lingopress.checks import Diagnostic, Stats, catalog_stats
from lingopress.config import SITE_DOMAIN, Config
from lingopress.errors import CatalogError, LingopressError
from lingopress.extract import article_catalog, article_segments, planned_pot, template_catalog
from lingopress.gate import check_domain, locale_glossary, read_for_check
from lingopress.glossary import Glossary
from lingopress.locales import LocaleInfo
from lingopress.mofile import mo_bytes
from lingopress.pofile import Catalog, read_po
from lingopress.pseudo import PseudoLocaleInfo, pseudo_catalog
from lingopress.render import Renderer, Translations
from lingopress.segment import BodySegmenter, ParsedBody
from lingopress.site import language_links, page_output
from lingopress.source import Article, read_article
from lingopress.status import last_revision

__all__ = [
    "STAT_FIELDS",
    "ArticleJob",
    "CatalogJob",
    "Counts",
    "Failure",
    "FilesJob",
    "Front",
    "LocaleDone",
    "LocaleWork",
    "Made",
    "UnitDone",
    "UnitJob",
    "Worker",
    "counts_of",
    "locale_catalog",
    "stats_of",
    "stats_tuple",
]

STAT_FIELDS = (
    "translated",
    "fuzzy",
    "untranslated",
    "translated_words",
    "fuzzy_words",
    "untranslated_words",
)
"""The order of a :class:`Stats`'s counts in :attr:`Counts.stats` and in the cache."""


# --------------------------------------------------------------------------- jobs


@dataclass(frozen=True, slots=True)
class ArticleJob:
    """Read an article's front matter."""

    path: str


@dataclass(frozen=True, slots=True)
class FilesJob:
    """Hash files (the inputs the build cache does not know yet)."""

    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CatalogJob:
    """Count a PO file's messages and read its revision date."""

    locale: str
    domain: str


@dataclass(frozen=True, slots=True)
class LocaleWork:
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
class UnitJob:
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
    work: tuple[LocaleWork, ...]
    published: tuple[str, ...]
    """Names of the published locales, source first (for the language switcher)."""
    staging: str = ""
    """Where changed outputs wait until the build is known to go through."""
    fresh: bool = False
    """build/ holds no outputs yet: none to compare a new one with."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Front:
    """What the build keeps of an article's front matter."""

    slug: str
    title: str
    published: str | None
    updated: str | None
    draft: bool


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that cannot be read (or written): the error, as plain values."""

    message: str
    path: str | None
    line: int | None

    def error(self) -> LingopressError:
        return CatalogError(self.message, self.path, self.line)


@dataclass(frozen=True, slots=True)
class Counts:
    """A PO file's statistics (in the order of :data:`STAT_FIELDS`) and revision date."""

    stats: tuple[int, ...]
    revision: str

    def as_stats(self) -> Stats:
        return stats_of(self.stats)


@dataclass(frozen=True, slots=True)
class Made:
    """An output made (under build/): whether its bytes are new, and a page's title."""

    out: str
    written: bool
    title: str = ""
    fallback: bool = False
    """The title is the source's (the translation has none)."""


@dataclass(frozen=True, slots=True)
class LocaleDone:
    """What a unit did for one locale."""

    verdict: tuple[Diagnostic, ...] | None = None
    """The check's findings, when it checked."""
    failure: Failure | None = None
    counts: Counts | None = None
    mo: Made | None = None
    page: Made | None = None


@dataclass(frozen=True, slots=True)
class UnitDone:
    """What a unit did for its domain."""

    locales: tuple[LocaleDone, ...]
    """One per :attr:`UnitJob.work`, in its order."""
    stale: bool | None = None
    """Whether the POT file is out of date, when the unit looked."""
    pot_read: bool = False
    """The unit read the POT file (to check against it)."""
    pot_error: Diagnostic | None = None
    """Why the POT file cannot be read, when it cannot."""
    pot_stats: tuple[int, ...] | None = None


def stats_tuple(stats: Stats) -> tuple[int, ...]:
    return tuple(getattr(stats, name) for name in STAT_FIELDS)


def stats_of(data: tuple[int, ...] | list[int]) -> Stats:
    translated, fuzzy, untranslated, translated_words, fuzzy_words, untranslated_words = data
    return Stats(translated, fuzzy, untranslated, translated_words, fuzzy_words, untranslated_words)


def counts_of(catalog: Catalog, stats: Stats | None = None) -> Counts:
    """A PO file's statistics (``stats`` when already counted) and revision date."""
    counted = stats if stats is not None else catalog_stats(catalog.messages)
    return Counts(stats_tuple(counted), last_revision([catalog]) or "")


def locale_catalog(
    config: Config, info: LocaleInfo, domain: str, source: Callable[[], Catalog]
) -> Catalog | CatalogError | None:
    """A locale's catalog of ``domain``: its PO file (read, the error it cannot be read with,
    or None), or for a pseudo-locale the pseudo-translation of ``source()``, the domain's
    messages."""
    if isinstance(info, PseudoLocaleInfo):
        return pseudo_catalog(source(), info)
    return read_for_check(config, info.name, domain)


# --------------------------------------------------------------------------- the worker


class Worker:
    """Reads, checks, renders and compiles; one per process, so that the Markdown and Jinja2
    set-up is made once."""

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
                found = locale_catalog(self.config, self.info(locale), SITE_DOMAIN, self.template_catalog)
                if isinstance(found, CatalogError):
                    raise found
                catalog = found
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

    def source_catalog(self, article: Article | None, parsed: ParsedBody | None = None) -> Catalog:
        """What extraction makes of a domain's source (its article, or the templates)."""
        if article is None:
            return self.template_catalog()
        segments = article_segments(article, self.segmenter, parsed)
        return article_catalog(article, segments, self.config.source_locale.babel)

    # -- the jobs ------------------------------------------------------------------

    def article(self, job: ArticleJob) -> Front:
        """What the build needs to know of an article before anything else (its front matter)."""
        path = Path(job.path)
        article = read_article(path, self.config.relative(path))
        facts = article.front_facts()
        return Front(article.slug, article.title, facts["published"], facts["updated"], article.draft)

    def files(self, job: FilesJob) -> list[FileFact | None]:
        """The :data:`FileFact` of each file (None for one that cannot be read)."""
        return read_facts(job.paths)

    def catalog(self, job: CatalogJob) -> Counts | Failure:
        """A PO file's statistics and its revision date (for the status page)."""
        path = self.config.po_path(job.locale, job.domain)
        try:
            catalog = read_po(path, self.config.relative(path))
        except CatalogError as exc:
            return Failure(exc.message, exc.path, exc.line)
        return counts_of(catalog)

    def unit(self, job: UnitJob) -> UnitDone:
        """Check, count, render and compile one domain (see :class:`UnitJob`)."""
        config = self.config
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
                extracted = self.source_catalog(article, body())
            return extracted

        pot_stats = stats_tuple(catalog_stats(extraction().messages)) if job.pot_stats else None
        stale = planned_pot(config, job.domain, extraction()) is not None if job.stale else None
        pot: Catalog | None = None
        pot_error: Diagnostic | None = None
        checks = any(w.check for w in job.work)
        if checks:
            # The check compares a PO file with the POT file, as 'invoke check' does; with no
            # readable POT file, with what extraction makes.
            pot_path = config.pot_path(job.domain)
            if pot_path.is_file():
                try:
                    pot = read_po(pot_path, config.relative(pot_path))
                except CatalogError as exc:
                    pot_error = Diagnostic(exc.path or "", exc.line or 1, "error", "syntax", exc.message)
            if pot is None:
                pot = extraction()
        published = [self.info(name) for name in job.published]
        done = tuple(
            self._locale_work(job, work, article, body, extraction, pot, published) for work in job.work
        )
        return UnitDone(done, stale, checks, pot_error, pot_stats)

    def _locale_work(
        self,
        job: UnitJob,
        work: LocaleWork,
        article: Article | None,
        body: Callable[[], ParsedBody | None],
        extraction: Callable[[], Catalog],
        pot: Catalog | None,
        published: list[LocaleInfo],
    ) -> LocaleDone:
        config = self.config
        info = self.info(work.locale)
        translations = Translations({})
        verdict: tuple[Diagnostic, ...] | None = None
        counts: Counts | None = None
        mo: Made | None = None
        page: Made | None = None
        if work.locale != config.source_locale.name:
            catalog = locale_catalog(config, info, job.domain, extraction)
            unsafe = None
            stats = None
            if work.check:
                assert pot is not None
                check = check_domain(
                    config, work.locale, job.domain, pot, catalog, self.glossary(work.locale)
                )
                verdict, unsafe, stats = tuple(check.diagnostics), check.unsafe, check.stats
            if isinstance(catalog, CatalogError):
                return LocaleDone(verdict, Failure(catalog.message, catalog.path, catalog.line))
            if work.stats and catalog is not None:
                counts = counts_of(catalog, stats)
            if work.mo and catalog is not None:
                mo = self._emit(config.mo_output(work.locale, job.domain), mo_bytes(catalog), job)
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
            made = self._emit(page_output(info, article.slug), html.encode("utf-8"), job)
            title, fallback = self.renderer.plain(article, info, translations, article.title)
            page = Made(made.out, made.written, title, fallback)
        return LocaleDone(verdict, None, counts, mo, page)

    def _emit(self, out: str, data: bytes, job: UnitJob) -> Made:
        """Put ``data`` in the staging folder when it differs from the bytes of ``out`` (its
        name under build/). With ``os`` calls on names, not pathlib: this runs for every page
        and MO file a build makes."""
        if not job.fresh:
            try:
                with open(f"{self._build_dir}/{out}", "rb") as file:  # noqa: PTH123
                    if os.fstat(file.fileno()).st_size == len(data) and file.read() == data:
                        return Made(out, False)
            except OSError:
                pass
        staged = f"{job.staging}/{out}"
        folder = staged.rpartition("/")[0]
        try:
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
        except OSError as exc:
            raise LingopressError(f"cannot write: {exc.strerror}", f"build/{out}") from None
        return Made(out, True)
