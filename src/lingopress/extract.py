"""Articles and templates -> POT catalogs: one domain per article slug, ``site`` for templates."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import io
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale

from lingopress.buildcache import (
    BuildCache,
    FileFact,
    code_digest,
    digest_bytes,
    key_of,
    read_file,
    tree_digest,
)
from lingopress.config import SITE_DOMAIN, Config, load_config
from lingopress.errors import SourceError, TemplateError
from lingopress.files import holds, project_writes, write_all
from lingopress.inputs import MAX_TEMPLATE_BYTES, read_input
from lingopress.parallel import map_chunks
from lingopress.pofile import Catalog, Message, format_po
from lingopress.segment import BodySegmenter, ParsedBody, Segment
from lingopress.source import Article, find_articles, read_article
from lingopress.values import format_value, tokenize

__all__ = [
    "BRACE_FLAG",
    "TEMPLATE_KEYWORDS",
    "Extraction",
    "Plan",
    "article_catalog",
    "article_segments",
    "extract_project",
    "planned_pot",
    "pot_plan",
    "pot_text",
    "stale_key",
    "stale_pots",
    "template_catalog",
    "write_pots",
]

BRACE_FLAG = "python-brace-format"
TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
_DATE_FORMAT = "%Y-%m-%d %H:%M%z"
_POT_DATE_RE = re.compile(r'^"POT-Creation-Date: [^\\"\n]*', re.M)
CACHE_FILE = Path(".cache") / "extract.json"
"""What earlier extractions found (under build/): which POT files were right for which sources."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from a project: the articles and a POT catalog per domain."""

    articles: tuple[Article, ...]
    catalogs: dict[str, Catalog]
    planned: dict[str, str | None] = field(default_factory=dict)
    """POT texts already made (see :func:`planned_pot`), by domain."""


def article_segments(
    article: Article, segmenter: BodySegmenter, parsed: ParsedBody | None = None
) -> list[Segment]:
    """The article's messages in page order: title, description, then the body's blocks
    (from ``parsed``, the body already parsed, when given).

    Raises :class:`SourceError` at the block's line for a placeholder that is not a
    known value name.
    """
    found = [Segment("title", article.title, article.title_line)]
    if article.description:
        found.append(Segment("description", article.description, article.description_line))
    found.extend(segmenter.segments(parsed or article.body, article.body_line))
    for segment in found:
        for token in tokenize(segment.text):
            if token.error is not None:
                raise SourceError(token.error, article.path, segment.line)
            if token.field is None:
                continue
            if not token.is_bare_name:
                raise SourceError(
                    f"placeholder {{{token.field}}} must be a bare value name",
                    article.path,
                    segment.line,
                )
            if token.field not in article.values:
                known = ", ".join(article.values) or "none defined"
                raise SourceError(
                    f"unknown value {{{token.field}}} (values: {known})", article.path, segment.line
                )
    return found


def _add(
    catalog: Catalog,
    index: dict[tuple[str | None, str], Message],
    msgid: str,
    reference: str,
    comments: Iterable[str],
    context: str | None = None,
    plural: str | None = None,
) -> None:
    key = (context, msgid)
    message = index.get(key)
    if message is None:
        message = Message(msgid=msgid, msgctxt=context, msgid_plural=plural)
        if plural is not None:
            message.msgstr = ["", ""]
        index[key] = message
        catalog.messages.append(message)
    if reference not in message.references:
        message.references.append(reference)
    for comment in comments:
        if comment not in message.extracted_comments:
            message.extracted_comments.append(comment)
    has_fields = any(t.field is not None for t in tokenize(msgid))
    if plural is not None:
        has_fields = has_fields or any(t.field is not None for t in tokenize(plural))
    if has_fields and BRACE_FLAG not in message.flags:
        message.flags.append(BRACE_FLAG)


def article_catalog(article: Article, segments: list[Segment], source_locale: Locale) -> Catalog:
    """The POT catalog of one article: a message per distinct block text."""
    catalog = Catalog()
    index: dict[tuple[str | None, str], Message] = {}
    for segment in segments:
        comments = [segment.kind]
        for name in dict.fromkeys(t.field for t in tokenize(segment.text) if t.field):
            shown = format_value(article.values[name], source_locale)
            comments.append(f"{{{name}}} = {shown}")
        _add(
            catalog,
            index,
            segment.text,
            f"{article.path}:{segment.line}",
            comments,
            context=segment.context,
        )
    return catalog


def template_catalog(config: Config) -> Catalog:
    """Messages of the Jinja2 templates (``_``, ``gettext``, ``ngettext``, ``pgettext`` calls)."""
    catalog = Catalog()
    index: dict[tuple[str | None, str], Message] = {}
    from babel.messages.extract import extract as babel_extract  # only the templates need them
    from jinja2.ext import babel_extract as jinja2_extract

    templates = sorted(config.templates_dir.rglob("*.html")) if config.templates_dir.is_dir() else []
    for path in templates:
        name = config.relative(path)
        options = {"extensions": "jinja2.ext.i18n", "trimmed": "true", "silent": "false"}
        data = read_input(path, name, TemplateError, MAX_TEMPLATE_BYTES)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateError("not valid UTF-8", name, data.count(b"\n", 0, exc.start) + 1) from exc
        try:
            found = list(
                babel_extract(
                    jinja2_extract,  # type: ignore[arg-type]
                    io.BytesIO(data),
                    keywords=TEMPLATE_KEYWORDS,
                    comment_tags=("Translators:",),
                    options=options,
                    strip_comment_tags=False,
                )
            )
        except Exception as exc:  # Jinja2 raises TemplateSyntaxError with a line number
            line = getattr(exc, "lineno", None)
            raise TemplateError(f"cannot extract strings: {exc}", name, line) from exc
        for lineno, messages, comments, context in found:
            if isinstance(messages, str):
                msgid, plural = messages, None
            else:
                msgid, plural = messages[0], messages[1]
            if not msgid:
                continue
            _add(catalog, index, msgid, f"{name}:{lineno}", comments, context=context, plural=plural)
    return catalog


_POOL_MIN_ARTICLES = 64
"""From this many articles on, extraction runs on every core."""
_state: tuple[Config, BodySegmenter | None] | None = None
"""The project and Markdown pipeline of a worker process (inherited when it is forked; the
pipeline is made where it is first needed)."""


@dataclass(frozen=True, slots=True)
class _Extracted:
    slug: str
    path: str
    pot: str | None
    """The text its POT file should have; None when the file is already right."""
    front: dict[str, str | None]
    """:meth:`Article.front_facts`."""
    article: Article | None
    catalog: Catalog | None
    """None when not asked for (they cost more to send between processes than to make)."""
    source: FileFact | None
    """The article file as it was read (None if it vanished while being read)."""
    pot_file: FileFact | None
    """The POT file as it was compared (None when there is none)."""


def _extract_articles(paths: list[str], root: str, keep: bool) -> list[_Extracted]:
    """Read, segment and catalog ``paths``, with each POT text to write."""
    global _state
    if not paths:
        return []
    if _state is None or str(_state[0].root) != root:
        _state = (load_config(root), None)
    config, segmenter = _state
    if segmenter is None:
        segmenter = BodySegmenter()
        _state = (config, segmenter)
    found = []
    for name in paths:
        path = Path(name)
        try:
            st = path.stat()  # before reading, as BuildCache.file_digest does
        except OSError:
            st = None  # read_article says why
        article = read_article(path, config.relative(path))
        catalog = article_catalog(article, article_segments(article, segmenter), config.source_locale.babel)
        text, pot_file = _planned_pot(config, article.slug, catalog)
        found.append(
            _Extracted(
                article.slug,
                article.path,
                text,
                article.front_facts(),
                article if keep else None,
                catalog if keep else None,
                (st.st_size, st.st_mtime_ns, article.digest) if st else None,
                pot_file,
            )
        )
    return found


def _extract(
    config: Config,
    segmenter: BodySegmenter | None,
    keep: bool,
    paths: list[str] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[_Extracted]:
    """Every article (or those of ``paths``) extracted, in order; many are read on every core,
    while this process calls ``meanwhile`` (see :func:`map_chunks`)."""
    global _state
    if paths is None:
        paths = [str(p) for p in find_articles(config.source_dir)]
    _state = (config, segmenter)
    work = functools.partial(_extract_articles, root=str(config.root), keep=keep)
    results = map_chunks(work, paths, _POOL_MIN_ARTICLES, meanwhile=meanwhile)
    _unique_slugs([(found.slug, found.path) for found in results])
    return results


def _unique_slugs(articles: list[tuple[str, str]]) -> None:
    """Raise :class:`SourceError` at the first article, of ``(slug, path)``, whose slug an
    article before it has."""
    slugs: dict[str, str] = {}
    for slug, path in articles:
        if slug in slugs:
            raise SourceError(f"slug {slug!r} is already used by {slugs[slug]}", path, 1)
        slugs[slug] = path


def extract_project(config: Config, segmenter: BodySegmenter | None = None) -> Extraction:
    """Read every article and template of the project; nothing is written. The catalogs have
    the references that ``config.references`` asks for."""
    site: list[Catalog] = []
    results = _extract(config, segmenter, keep=True, meanwhile=lambda: site.append(template_catalog(config)))
    catalogs: dict[str, Catalog] = {}
    for found in results:
        assert found.catalog is not None
        catalogs[found.slug] = found.catalog
    catalogs[SITE_DOMAIN] = site[0]
    if config.references != "file:line":
        catalogs = {domain: _referenced(c, config.references) for domain, c in catalogs.items()}
    articles = tuple(found.article for found in results if found.article is not None)
    return Extraction(articles, catalogs, {found.slug: found.pot for found in results})


def _creation_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.strftime(_DATE_FORMAT)


def pot_header(domain: str, config: Config, creation_date: str) -> Message:
    fields = {
        "Project-Id-Version": f"{config.site_name or 'lingopress'} {domain}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": creation_date,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "Language": "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        # The source language's rule, so that msgfmt can check the template; 'update'
        # writes each locale's own rule from CLDR.
        "Plural-Forms": config.source_locale.plural_forms,
        "Generated-By": "lingopress",
    }
    header = Message("", flags=["fuzzy"])
    header.translator_comments = [
        f"Translation template for the {domain!r} domain.",
        "Generated from the sources by 'invoke extract': do not edit.",
        "",
    ]
    header.msgstr = ["".join(f"{k}: {v}\n" for k, v in fields.items())]
    return header


def pot_text(domain: str, catalog: Catalog, config: Config, creation_date: str) -> str:
    """The POT file of ``catalog``'s messages (``catalog`` itself is left as it is), with the
    references that ``config.references`` asks for."""
    header = pot_header(domain, config, creation_date)
    return format_po(dataclasses.replace(_referenced(catalog, config.references), header=header))


def _referenced(catalog: Catalog, mode: str) -> Catalog:
    """``catalog`` with the references of ``mode`` (see :data:`lingopress.config.REFERENCES`);
    extraction makes ``file:line`` ones."""
    if mode == "file:line":
        return catalog
    return dataclasses.replace(catalog, messages=[_with_references(m, mode) for m in catalog.messages])


def _file_of(reference: str) -> str:
    """``source/a.md`` of ``source/a.md:12``.

    >>> _file_of("source/a.md:12"), _file_of("source/a.md")
    ('source/a.md', 'source/a.md')
    """
    name, _, line = reference.rpartition(":")
    return name if name and line.isdigit() else reference


def _with_references(message: Message, mode: str) -> Message:
    """``message`` with its ``file:line`` references as ``file`` (each file once), or none."""
    if mode == "none":
        files: list[str] = []
    else:
        files = list(dict.fromkeys(_file_of(ref) for ref in message.references))
    if files == message.references:
        return message
    copy = message.copy()
    copy.references = files
    return copy


def planned_pot(config: Config, domain: str, catalog: Catalog) -> str | None:
    """The text the domain's POT file should have; None when the existing file is already right.

    As in Sphinx's gettext builder, a POT file that differs only in its creation date is right:
    the date (``SOURCE_DATE_EPOCH`` when set, else now) is that of the last change to its
    messages, and a file is not rewritten, nor reported stale, for the date alone.
    """
    return _planned_pot(config, domain, catalog)[0]


def _planned_pot(config: Config, domain: str, catalog: Catalog) -> tuple[str | None, FileFact | None]:
    """:func:`planned_pot`, and what was read of the POT file (None when there is none)."""
    fact, old = read_file(config.pot_path(domain)) or (None, None)
    return _unless_same(pot_text(domain, catalog, config, _creation_date()), old), fact


def _unless_same(text: str, old: bytes | None) -> str | None:
    """``text``, or None when the POT file's bytes ``old`` are the same but for the date."""
    if old is None:
        return text
    try:
        old_text = old.decode("utf-8")
    except UnicodeDecodeError:
        return text
    new = _POT_DATE_RE.search(text)
    assert new is not None, "pot_header writes the date"
    old_date = _POT_DATE_RE.search(old_text)
    if old_date is None:
        return text
    # What is before the date and after it, the same in both.
    before = old_text[: old_date.start()] == text[: new.start()]
    return None if before and old_text[old_date.end() :] == text[new.end() :] else text


class Plan(dict[Path, str | None]):
    """POT file -> the text it should have (None: the file is right)."""


def pot_plan(
    config: Config, source: Extraction | dict[str, Catalog] | Plan | None = None, remember: bool = True
) -> Plan:
    """The text each domain's POT file should have (None: the file is right), from
    ``source``, or from the sources read anew (see :func:`_plan_anew`; ``remember``: keep
    what was found for the next time)."""
    if isinstance(source, Plan):
        return source
    if source is None:
        if not remember:  # a question: no file is written, no lock is taken
            return _plan_anew(config, False)
        with project_writes(config, "invoke extract"):  # it writes the cache under build/
            return _plan_anew(config, True)
    catalogs, known = (source.catalogs, source.planned) if isinstance(source, Extraction) else (source, {})
    return Plan(
        {
            config.pot_path(domain): known[domain]
            if domain in known
            else planned_pot(config, domain, catalog)
            for domain, catalog in catalogs.items()
        }
    )


def stale_key(code: str, config: str, domain: str, source: str, pot: str | None) -> str:
    """The cache key of whether a domain's POT file is stale (see :func:`planned_pot`). That
    follows from the code, the configuration, the source (the article, or the templates) and the
    POT file (each given as its hash)."""
    return "stale:" + key_of(code, config, domain, source, pot)


def _plan_anew(config: Config, remember: bool) -> Plan:
    """:func:`pot_plan` from the sources: only those that changed are read. What each extraction
    found is kept in ``build/.cache/extract.json``, by the hashes of what it depends on (see
    :func:`stale_key`): an article whose POT file was right, with neither changed since, is
    not extracted again."""
    cache_path = config.build_dir / CACHE_FILE
    cache = BuildCache.load(cache_path, code_digest(), str(config.root))
    settings = cache.file_digest(config.root / "pyproject.toml") or ""

    def known_right(domain: str, source: str) -> bool:
        pot = cache.file_digest(config.pot_path(domain))
        return cache.get(stale_key(cache.code, settings, domain, source, pot)) is False

    # Article path -> (slug, the text its POT file should have); the slug is known for the
    # articles not read again.
    articles: dict[str, tuple[str, str | None]] = {}
    todo: list[str] = []  # the articles to read
    # A hash is worth taking here only to look something up. With nothing known (a first
    # extraction, or another version of the code), the workers hash what they read.
    lookup = bool(cache.memo)
    for path in map(str, find_articles(config.source_dir)):
        digest = cache.file_digest(path) if lookup else None
        front = cache.get(f"front:{digest}") if digest is not None else None
        if digest is not None and isinstance(front, dict) and known_right(str(front["slug"]), digest):
            articles[path] = (str(front["slug"]), None)
        else:
            todo.append(path)
    templates = tree_digest(cache, config.templates_dir)
    site: dict[str, tuple[str | None, FileFact | None]] = {}  # its plan, once read anew

    def plan_site() -> None:  # while the articles are read on the other cores
        if not known_right(SITE_DOMAIN, templates):
            site[SITE_DOMAIN] = _planned_pot(config, SITE_DOMAIN, template_catalog(config))

    extracted = _extract(config, None, False, todo, meanwhile=plan_site)
    for path, found in zip(todo, extracted, strict=True):
        articles[path] = (found.slug, found.pot)
        if found.source is not None:  # None: its size and time could not be taken
            # Kept by the hash of what was read, which the workers took (not of the file now).
            cache.record_file(path, found.source)
            cache.put(f"front:{found.source[2]}", found.front)
            _remember(cache, config, settings, found.slug, found.source[2], found.pot, found.pot_file)
    ordered = sorted(articles.items())  # find_articles' order
    _unique_slugs([(slug, config.relative(Path(path))) for path, (slug, _) in ordered])
    planned = Plan({config.pot_path(slug): text for _, (slug, text) in ordered})
    text, fact = site.get(SITE_DOMAIN, (None, None))
    planned[config.pot_path(SITE_DOMAIN)] = text
    if SITE_DOMAIN in site:
        _remember(cache, config, settings, SITE_DOMAIN, templates, text, fact)
    if remember:
        with contextlib.suppress(OSError):  # the cache saves time; without it, nothing is lost
            cache.save(cache_path)
    return planned


def _remember(
    cache: BuildCache,
    config: Config,
    settings: str,
    domain: str,
    source: str,
    text: str | None,
    pot_file: FileFact | None,
) -> None:
    """Keep that the domain's POT file is right for ``source``: as it is (``text`` None; the
    file was read as ``pot_file``), or once ``text`` is written."""
    if text is not None:
        pot = digest_bytes(text.encode("utf-8"))
    else:
        assert pot_file is not None, "a POT file found right was read"
        cache.record_file(config.pot_path(domain), pot_file)
        pot = pot_file[2]
    cache.put(stale_key(cache.code, settings, domain, source, pot), False)


def stale_pots(
    config: Config, extraction: Extraction | dict[str, Catalog] | Plan | None = None
) -> list[Path]:
    """POT files that are missing or differ from what extraction produces (besides their date),
    and POT files of domains that no longer exist. A question: it writes nothing, not even the
    cache of what extraction found."""
    planned = pot_plan(config, extraction, remember=False)
    stale = [path for path, text in planned.items() if text is not None]
    known = set(planned)
    if config.locales_dir.is_dir():
        stale.extend(p for p in sorted(config.locales_dir.glob("*.pot")) if p not in known)
    return stale


def write_pots(
    config: Config, extraction: Extraction | dict[str, Catalog] | Plan | None = None
) -> list[Path]:
    """Write every POT that changed (all or none: :func:`lingopress.files.write_all`); remove
    POTs of deleted articles. Under the project lock; a plan made before it (``extraction``)
    is still right to write, since only the sources decide what a POT file holds."""
    with project_writes(config, "invoke extract"):
        planned = pot_plan(config, extraction)
        changes = []
        for path, text in planned.items():
            data = None if text is None else text.encode("utf-8")
            if data is not None and not holds(path, data):
                changes.append((path, data))
        write_all(changes, config.locales_dir, display=config.relative)
        written = [path for path, _ in changes]
        known = set(planned)
        for path in sorted(config.locales_dir.glob("*.pot")):
            if path not in known:
                path.unlink()
                written.append(path)
    return written
