"""The build's first phase: the project's inputs, as hashes, and what is known about each.

Each input (article, PO, POT, glossary, template, configuration) is known by a content hash
kept in the build cache (:mod:`lingopress.buildcache`), trusted while the file's size and
time are unchanged. What the build derives from inputs (an article's front matter, a PO
file's statistics) is kept by their hashes too; what the cache does not know is read, in
worker processes when there is much to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lingopress.build import pool
from lingopress.build.pool import Runner, batches
from lingopress.build.work import (
    STAT_FIELDS,
    ArticleJob,
    CatalogJob,
    Counts,
    Failure,
    FilesJob,
    Front,
    Worker,
    stats_of,
)
from lingopress.buildcache import BuildCache, FileFact, key_of, tree_digest
from lingopress.checks import Stats, catalog_stats
from lingopress.config import SITE_DOMAIN, Config
from lingopress.errors import SourceError
from lingopress.pseudo import PseudoLocaleInfo
from lingopress.source import find_articles, read_article

__all__ = ["ArticleFacts", "Inputs"]


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """An article as the build knows it without reading it again."""

    path: Path
    digest: str
    slug: str
    title: str
    published: str | None
    updated: str | None
    draft: bool


class Inputs:
    """The project's inputs as hashes, and the facts the cache keeps about them."""

    def __init__(self, config: Config, cache: BuildCache, runner: Runner):
        self.config = config
        self.cache = cache
        self.runner = runner
        self.pyproject = cache.file_digest(config.root / "pyproject.toml") or ""
        self.templates = tree_digest(cache, config.templates_dir)
        self.all_articles = self._scan_articles()
        """Every article, drafts included (their catalogs are checked and counted)."""
        self.articles = [a for a in self.all_articles if not a.draft]
        """The articles the site publishes: drafts have no page, no MO file and no entry in the
        index or the sitemap."""
        self.domains = [*(a.slug for a in self.all_articles), SITE_DOMAIN]
        self._article_digests = {a.slug: a.digest for a in self.all_articles}
        self.pseudo = {name for name, lc in config.locales.items() if isinstance(lc.info, PseudoLocaleInfo)}
        """The pseudo-locales (their catalogs are made from the sources, not read)."""
        self._po_dirs = {
            name: str(config.locales_dir / name / "LC_MESSAGES")
            for name in config.locales
            if name not in self.pseudo
        }
        self._pot_dir = str(config.locales_dir)
        self._po_digests: dict[tuple[str, str], str | None] = {}
        self._pot_digests: dict[str, str | None] = {}
        self._glossaries: dict[str, str | None] = {}
        self.revisions: dict[str, str | None] = {}

    def _scan_articles(self) -> list[ArticleFacts]:
        paths = find_articles(self.config.source_dir)
        digests = dict(zip(paths, self.cache.file_digests([str(p) for p in paths], self._read), strict=True))
        todo = [ArticleJob(str(path)) for path, digest in digests.items() if self._front(str(digest)) is None]
        for job, front in zip(todo, self.runner.run(Worker.article, batches(todo, 32)), strict=True):
            digest = digests[Path(job.path)]
            self.cache.put(
                f"front:{digest}", [front.slug, front.title, front.published, front.updated, front.draft]
            )
        found: list[ArticleFacts] = []
        seen: dict[str, Path] = {}
        for path, digest in digests.items():
            known = self._front(str(digest))
            assert known is not None
            if known.slug in seen:
                first = self.config.relative(seen[known.slug])
                raise SourceError(
                    f"slug {known.slug!r} is already used by {first}", self.config.relative(path), 1
                )
            seen[known.slug] = path
            found.append(
                ArticleFacts(
                    path, str(digest), known.slug, known.title, known.published, known.updated, known.draft
                )
            )
        return found

    def _front(self, digest: str) -> Front | None:
        known = self.cache.get(f"front:{digest}")
        if not isinstance(known, list) or len(known) != 5:
            return None
        slug, title, published, updated, draft = known
        return Front(str(slug), str(title), published, updated, bool(draft))

    def _read(self, paths: list[str]) -> list[FileFact | None]:
        """The facts of files the cache does not know (see :meth:`BuildCache.file_digests`),
        read on all cores when there are many."""
        jobs = [
            FilesJob(tuple(paths[start : start + pool.FILES_PER_JOB]))
            for start in range(0, len(paths), pool.FILES_PER_JOB)
        ]
        results = self.runner.run(
            Worker.files, [[job] for job in jobs], weight=max(1, len(paths) // len(jobs))
        )
        return [fact for result in results for fact in result]

    # -- hashes ----------------------------------------------------------------------

    def read_po_digests(self) -> None:
        """The digest of every PO file, at once (a first build hashes them on all cores)."""
        keys = [(name, domain) for name in self._po_dirs for domain in self.domains]
        paths = [f"{self._po_dirs[name]}/{domain}.po" for name, domain in keys]
        self._po_digests.update(zip(keys, self.cache.file_digests(paths, self._read), strict=True))

    def po_digest(self, locale: str, domain: str) -> str | None:
        """A PO file's hash (None: there is none); a pseudo-locale's, that of its source."""
        key = (locale, domain)
        if key not in self._po_digests:
            if locale in self.pseudo:
                self._po_digests[key] = "pseudo:" + key_of(locale, self.source_digest(domain))
            else:
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

    # -- statistics ----------------------------------------------------------------

    def count(self, locales: list[str]) -> None:
        """Statistics and revision of every PO file of ``locales`` that the cache does not know."""
        todo: list[CatalogJob] = []
        for name in locales:
            for domain in self.domains:
                po = self.po_digest(name, domain)
                if po is not None and not self.counted(po):
                    todo.append(CatalogJob(name, domain))
        for job, result in zip(todo, self.runner.run(Worker.catalog, batches(todo, pool.BATCH)), strict=True):
            if isinstance(result, Failure):
                raise result.error()
            self.remember_counts(self.po_digest(job.locale, job.domain), result)

    def counted(self, po: str) -> bool:
        return self._known_counts(po) is not None

    def _known_counts(self, po: str) -> list[int | str] | None:
        """The cache entry of a PO file's statistics and revision: [*stats, revision]."""
        known = self.cache.get(f"count:{po}")
        return known if isinstance(known, list) and len(known) == len(STAT_FIELDS) + 1 else None

    def remember_counts(self, po: str | None, counts: Counts) -> None:
        self.cache.put(f"count:{po}", [*counts.stats, counts.revision])

    def locale_stats(self, name: str) -> tuple[Stats, str | None]:
        """A locale's statistics (every domain) and the latest revision date of its catalogs."""
        total = Stats()
        revisions: list[str] = []
        for domain in self.domains:
            po = self.po_digest(name, domain)
            known = self._known_counts(po) if po is not None else None
            if known is not None:
                stats = stats_of(known[:-1])  # type: ignore[arg-type]
                revisions.append(str(known[-1] or ""))
            else:
                stats = self.pot_stats(domain).as_untranslated()
            total.domains[domain] = stats
            total.add(stats)
        return total, max((r for r in revisions if r), default=None)

    def pot_stats(self, domain: str) -> Stats:
        known = self.cache.get(self.pot_stats_key(domain))
        if isinstance(known, list):
            return stats_of(known)
        # Not counted yet (a unit counts it whenever a PO file of the domain is missing).
        worker = self.runner.worker()
        if domain == SITE_DOMAIN:
            return catalog_stats(worker.template_catalog().messages)
        facts = next(a for a in self.all_articles if a.slug == domain)
        article = read_article(facts.path, self.config.relative(facts.path))
        return catalog_stats(worker.source_catalog(article).messages)

    def pot_stats_key(self, domain: str) -> str:
        return f"pot:{key_of(self.cache.code, self.source_digest(domain))}"

    def remember_pot_stats(self, domain: str, stats: tuple[int, ...]) -> None:
        self.cache.put(self.pot_stats_key(domain), list(stats))

    def knows_pot_stats(self, domain: str) -> bool:
        return isinstance(self.cache.get(self.pot_stats_key(domain)), list)
