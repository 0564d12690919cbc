"""The CI gate: reads source/, locales/ and glossary/, collects every diagnostic, decides once.

One gate for ``invoke check`` (:func:`check_project`) and ``invoke build``
(:class:`Verdicts`): both check each PO file with :func:`check_domain` and give the same
findings in the same order. The build keeps each file's verdict, by the hash of every file it
reads, so that a rebuild after one edit checks one file.

Policy per locale comes from ``[tool.lingopress.locales]``: a *required*
locale must be 100 % translated with no fuzzy entry; a *preview* locale is
only measured, and published when at least ``min_percent`` of its messages are
translated. Everything else is checked for every locale: the file can be read,
its header is right for the locale, it is merged with the current template,
the template is current, and every translation keeps the source's
placeholders and markup (:mod:`lingopress.checks`).

A translator silences one finding on one entry, after checking it is a false
positive, with a translator comment naming its code::

    # lingopress-ignore: punctuation, glossary
    msgid "..."
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from lingopress.buildcache import BuildCache, key_of
from lingopress.catalogs import domains as pot_domains
from lingopress.catalogs import read_locale_po
from lingopress.checks import (
    CODES,
    Diagnostic,
    Problem,
    Severity,
    Stats,
    catalog_stats,
    single_number_forms,
    translation_problems,
)
from lingopress.config import Config
from lingopress.errors import CatalogError, GlossaryError
from lingopress.extract import Extraction, extract_project, pot_plan, stale_key, stale_pots
from lingopress.formats import message_problems
from lingopress.glossary import Glossary, read_glossary
from lingopress.locales import LocaleInfo, plural_forms_of
from lingopress.parallel import map_chunks
from lingopress.plurals import parse_plural_forms
from lingopress.pofile import Catalog, Message, read_po
from lingopress.validate import validate_catalog

__all__ = [
    "IGNORE_MARKER",
    "SILENCEABLE",
    "CatalogCheck",
    "CheckResult",
    "InputDigests",
    "LocaleSummary",
    "Verdicts",
    "check_catalog",
    "check_domain",
    "check_project",
    "locale_glossary",
    "orphan_diagnostics",
    "project_stats",
    "read_for_check",
]

IGNORE_MARKER = "lingopress-ignore:"
SILENCEABLE = frozenset(
    {
        "placeholders",
        "links",
        "markup",
        "html",
        "block",
        "same-as-source",
        "punctuation",
        "whitespace",
        "double-space",
        "glossary",
    }
)
"""The codes a ``lingopress-ignore`` comment can silence: content findings, which can be
false positives. Completeness, headers and merging cannot be silenced."""

_FORMAT_FLAG_RE = re.compile(r"(?:no-)?[\w-]+-format$")


@dataclass(slots=True)
class LocaleSummary:
    """One locale's policy and outcome."""

    name: str
    status: str
    min_percent: float
    stats: Stats
    errors: int = 0
    warnings: int = 0

    @property
    def published(self) -> bool:
        """Whether ``build`` publishes the locale (a preview locale needs ``min_percent``)."""
        return self.status == "required" or self.stats.percent >= self.min_percent


@dataclass(slots=True)
class CheckResult:
    """Every diagnostic of a check, and each locale's summary."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    locales: dict[str, LocaleSummary] = field(default_factory=dict)

    @property
    def stats(self) -> dict[str, Stats]:
        return {name: summary.stats for name, summary in self.locales.items()}

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def failed_locales(self) -> set[str]:
        return {d.locale for d in self.errors if d.locale}

    def passed(self, strict: bool = False) -> bool:
        """Exit status of the gate: no error, and with ``strict`` no warning either."""
        return not self.errors and not (strict and self.warnings)


# --------------------------------------------------------------------------- one catalog


class CatalogCheck(NamedTuple):
    """The check of one PO file."""

    diagnostics: list[Diagnostic]
    stats: Stats
    unsafe: frozenset[tuple[str | None, str]]
    """Keys of the entries with an error in their text (placeholders, links, markup, HTML): a
    page never shows them, silenced or not (see :class:`lingopress.render.Translations`)."""


def _silenced(message: Message) -> tuple[set[str], list[str]]:
    """Codes silenced for this entry by ``lingopress-ignore: code, ...`` translator comments,
    and the names given that are not silenceable codes."""
    codes: set[str] = set()
    unknown: list[str] = []
    for comment in message.translator_comments:
        text = comment.strip()
        if not text.startswith(IGNORE_MARKER):
            continue
        for code in text[len(IGNORE_MARKER) :].replace(",", " ").split():
            code = code.strip("[]")
            (codes.add(code) if code in SILENCEABLE else unknown.append(code))
    return codes, unknown


def _utf8_problem(catalog: Catalog) -> Problem | None:
    """The project's catalogs are UTF-8 (validate_catalog accepts any charset Python knows)."""
    content_type = catalog.header_fields().get("Content-Type", "")
    if catalog.header.msgstr[0] and "charset=utf-8" not in content_type.lower().replace(" ", ""):
        return Problem("error", "header", f"Content-Type must declare charset=UTF-8 (it is {content_type!r})")
    return None


def _same_template_part(entry: Message, template: Message) -> bool:
    """Whether ``entry`` has what ``update`` copies from ``template``."""
    return (
        entry.msgid_plural == template.msgid_plural
        and entry.references == template.references
        and entry.extracted_comments == template.extracted_comments
        and [f for f in entry.flags if _FORMAT_FLAG_RE.match(f)]
        == [f for f in template.flags if _FORMAT_FLAG_RE.match(f)]
    )


def _merge_problems(catalog: Catalog, pot: Catalog, path: str) -> list[tuple[int, Problem]]:
    """Whether ``catalog`` is what ``update`` makes of it with the current template."""
    found: list[tuple[int, Problem]] = []
    header_line = catalog.header.lineno or 1
    pot_keys = [m.key for m in pot.messages]
    po_keys = [m.key for m in catalog.messages]
    if pot_keys == po_keys:
        # The usual case, in the template's order: compare entry by entry.
        missing: list[Message] = []
        extra: list[Message] = []
        changed = [
            m for m, t in zip(catalog.messages, pot.messages, strict=True) if not _same_template_part(m, t)
        ]
    else:
        pot_index = dict(zip(pot_keys, pot.messages, strict=True))
        po_set = set(po_keys)
        missing = [m for k, m in zip(pot_keys, pot.messages, strict=True) if k not in po_set]
        extra = [m for k, m in zip(po_keys, catalog.messages, strict=True) if k not in pot_index]
        changed = [
            m
            for k, m in zip(po_keys, catalog.messages, strict=True)
            if k in pot_index and not _same_template_part(m, pot_index[k])
        ]
    advice = "run 'invoke update'"
    if missing:
        first = missing[0]
        where = f"{pot.path}:{first.lineno}" if pot.path and first.lineno else "the template"
        found.append(
            (
                header_line,
                Problem(
                    "error",
                    "unmerged",
                    f"not merged with the current template: {len(missing)} msgid(s) missing,"
                    f" first {_excerpt(first.msgid)!r} ({where}); {advice}",
                ),
            )
        )
    if extra:
        found.append(
            (
                extra[0].lineno or header_line,
                Problem(
                    "error",
                    "unmerged",
                    f"not merged with the current template: {len(extra)} msgid(s) not in the template,"
                    f" this one first; {advice}",
                ),
            )
        )
    if changed:
        found.append(
            (
                changed[0].lineno or header_line,
                Problem(
                    "error",
                    "unmerged",
                    f"not merged with the current template: {len(changed)} entr(ies) with other references,"
                    f" comments, plural or format flags than the template, this one first; {advice}",
                ),
            )
        )
    return found


def _excerpt(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _glossary_problems(glossary: Glossary, message: Message) -> list[Problem]:
    target = "\n".join(message.msgstr)
    sources = message.msgid if message.msgid_plural is None else f"{message.msgid}\n{message.msgid_plural}"
    problems = []
    for term in glossary.missing(sources, target):
        shown = " or ".join(repr(r) for r in term.renderings)
        note = f" ({term.note})" if term.note else ""
        problems.append(
            Problem(
                "warning",
                "glossary",
                f"glossary term {term.term!r} is not translated as {shown}{note}"
                f" ({glossary.path}:{term.line})",
            )
        )
    return problems


def check_catalog(
    catalog: Catalog,
    pot: Catalog | None,
    info: LocaleInfo,
    required: bool,
    path: str,
    glossary: Glossary | None = None,
) -> CatalogCheck:
    """Every finding for one PO file (against its POT, when given), and its statistics."""
    found: list[Diagnostic] = []
    unsafe: set[tuple[str | None, str]] = set()
    locale = info.name

    def add(line: int, severity: Severity, code: str, message: str) -> None:
        found.append(Diagnostic(path, line, severity, code, message, locale))

    header_line = catalog.header.lineno or 1
    # Structure: header fields, Language, Plural-Forms, the number of plural forms.
    for diagnostic in validate_catalog(catalog, info, path=path):
        add(diagnostic.line, diagnostic.severity, diagnostic.code, diagnostic.message)
    utf8 = _utf8_problem(catalog)
    if utf8 is not None:
        add(header_line, utf8.severity, utf8.code, utf8.message)
    if pot is not None:
        for line, problem in _merge_problems(catalog, pot, path):
            add(line, problem.severity, problem.code, problem.message)
    # The file's own rule says which msgstr[i] is for a single number (see plural_forms_of).
    nplurals, plural_expr = parse_plural_forms(plural_forms_of(catalog.header_fields(), info))
    for message in catalog.messages:
        line = message.lineno or 1
        plural = message.msgid_plural is not None
        if message.has_translation:
            single = single_number_forms(plural_expr, nplurals) if plural else frozenset()
            problems: list[Problem] = []
            for i, form in enumerate(message.msgstr):
                if form:
                    source = message.msgid if i == 0 or not plural else message.msgid_plural
                    assert source is not None
                    problems.extend(translation_problems(source, form, single_number=i in single))
            problems.extend(message_problems(message, single))
            if any(p.severity == "error" for p in problems):
                unsafe.add(message.key)
            if glossary is not None:
                problems.extend(_glossary_problems(glossary, message))
            if problems or message.translator_comments:
                silenced, unknown = _silenced(message)
                for name in unknown:
                    known = ", ".join(sorted(SILENCEABLE))
                    add(
                        line,
                        "warning",
                        "ignore",
                        f"lingopress-ignore: {name!r} is not a code it can silence ({known})",
                    )
                seen: set[tuple[str, str]] = set()
                for problem in problems:
                    if problem.code in silenced or (problem.code, problem.message) in seen:
                        continue
                    seen.add((problem.code, problem.message))
                    add(line, problem.severity, problem.code, problem.message)
        if required:
            if message.fuzzy and message.has_translation:
                add(line, "error", "fuzzy", "translation is marked fuzzy: review it and remove the flag")
            elif not all(message.msgstr):
                what = "a plural form is" if message.has_translation else "message is"
                add(line, "error", "untranslated", f"{what} not translated")
    return CatalogCheck(found, catalog_stats(catalog.messages), frozenset(unsafe))


def read_for_check(config: Config, name: str, domain: str) -> Catalog | CatalogError | None:
    """Locale ``name``'s PO file of ``domain``: read, the error it cannot be read with, or None
    when it does not exist (what :func:`check_domain` takes)."""
    try:
        return read_locale_po(config, name, domain)
    except CatalogError as exc:
        return exc


def check_domain(
    config: Config,
    name: str,
    domain: str,
    pot: Catalog,
    catalog: Catalog | CatalogError | None,
    glossary: Glossary | None,
) -> CatalogCheck:
    """Locale ``name``'s PO file of ``domain`` as the check sees it: ``catalog`` is the file
    read, the error it could not be read with, or None when it does not exist."""
    locale = config.locale(name)
    required = locale.status == "required"
    rel = config.relative(config.po_path(name, domain))
    if isinstance(catalog, Catalog):
        return check_catalog(catalog, pot, locale.info, required, rel, glossary)
    found = []
    if isinstance(catalog, CatalogError):
        found.append(Diagnostic(rel, catalog.line or 1, "error", "syntax", catalog.message, name))
    elif required:
        found.append(Diagnostic(rel, 1, "error", "missing", "PO file missing: run 'invoke update'", name))
    return CatalogCheck(found, catalog_stats(pot.messages).as_untranslated(), frozenset())


def locale_glossary(config: Config, name: str) -> tuple[Glossary | None, list[Diagnostic]]:
    """The locale's glossary (None when it has none or it cannot be read), and why it cannot."""
    path = config.glossary_dir / f"{name}.csv"
    try:
        return read_glossary(path, config.relative(path)), []
    except GlossaryError as exc:
        return None, [Diagnostic(exc.path or "", exc.line or 1, "error", "glossary-file", exc.message, name)]


def orphan_diagnostics(config: Config, name: str, domains: set[str] | dict[str, Catalog]) -> list[Diagnostic]:
    """PO files of the locale that have no template."""
    found = []
    folder = config.locales_dir / name / "LC_MESSAGES"
    try:
        # Names, not Path objects: the build calls this on every run, for thousands of files.
        listed = os.listdir(folder)  # noqa: PTH208
        names = sorted(n for n in listed if n.endswith(".po") and not n.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        names = []
    for file_name in names:
        stem = file_name[: -len(".po")]
        if stem not in domains:
            found.append(
                Diagnostic(
                    config.relative(folder / file_name),
                    1,
                    "error",
                    "unmerged",
                    f"no template locales/{stem}.pot for this PO file: remove it, or restore its source",
                    name,
                )
            )
    return found


# --------------------------------------------------------------------------- the project


def _read_pots(config: Config, result: CheckResult) -> dict[str, Catalog]:
    """Each domain's POT file, read; what extraction makes where it is missing or unreadable.
    Articles unchanged since 'invoke extract' found their POT file right are not read again
    (see :func:`lingopress.extract.pot_plan`; a check writes nothing, not even that cache)."""
    planned = pot_plan(config, remember=False)
    domains = {path.stem for path in planned}
    for path in stale_pots(config, planned):
        if path.stem not in domains:
            why = "template of a domain that no longer exists: run 'invoke extract'"
        elif path.is_file():
            why = "template is out of date: run 'invoke extract' and commit the result"
        else:
            why = "template missing: run 'invoke extract' and commit the result"
        result.diagnostics.append(Diagnostic(config.relative(path), 1, "error", "stale-pot", why))
    pots: dict[str, Catalog] = {}
    extraction: Extraction | None = None
    for domain in sorted(set(pot_domains(config)) | domains):
        path = config.pot_path(domain)
        if path.is_file():
            try:
                pots[domain] = read_po(path, config.relative(path))
                continue
            except CatalogError as exc:
                result.diagnostics.append(
                    Diagnostic(exc.path or "", exc.line or 1, "error", "syntax", exc.message)
                )
        extraction = extraction or extract_project(config)
        pots[domain] = extraction.catalogs.get(domain, Catalog())
    return pots


_POOL_MIN_FILES = 400
"""From this many PO files on, the check runs on every core."""
_shared: tuple[Config, list[str], dict[str, Catalog], dict[str, Glossary | None]] | None = None
"""What the worker processes of a check read (inherited when they are forked)."""


def _check_files(domains: list[str]) -> list[CatalogCheck]:
    """Check every locale's PO file of each of ``domains`` (in a worker process, or here)."""
    assert _shared is not None
    config, names, pots, glossaries = _shared
    found = []
    for domain in domains:
        for name in names:
            catalog = read_for_check(config, name, domain)
            found.append(check_domain(config, name, domain, pots[domain], catalog, glossaries[name]))
    return found


def check_project(config: Config, locales: list[str] | None = None) -> CheckResult:
    """Check every configured locale (or ``locales``) against the current sources; a large
    project is checked on every core."""
    global _shared
    result = CheckResult()
    pots = _read_pots(config, result)
    names = locales or list(config.locales)
    glossaries: dict[str, Glossary | None] = {}
    glossary_errors: dict[str, list[Diagnostic]] = {}
    for name in names:
        config.locale(name)  # a locale that is not configured is a user error
        glossaries[name], glossary_errors[name] = locale_glossary(config, name)
    domains = list(pots)
    _shared = (config, names, pots, glossaries)
    try:
        # Forked workers share the templates and glossaries read here; only findings travel.
        min_domains = math.ceil(_POOL_MIN_FILES / max(1, len(names)))
        checks = map_chunks(_check_files, domains, min_domains, chunks_per_core=8)
    finally:
        _shared = None
    # _check_files goes domain by domain, each locale in turn.
    by_file = dict(zip([(name, domain) for domain in domains for name in names], checks, strict=True))
    for name in names:
        locale = config.locale(name)
        total = Stats()
        found = glossary_errors[name]
        for domain in domains:
            check = by_file[(name, domain)]
            found.extend(check.diagnostics)
            total.domains[domain] = check.stats
            total.add(check.stats)
        found.extend(orphan_diagnostics(config, name, pots))
        summary = LocaleSummary(name, locale.status, locale.min_percent, total)
        summary.errors = sum(1 for d in found if d.severity == "error")
        summary.warnings = len(found) - summary.errors
        result.locales[name] = summary
        result.diagnostics.extend(found)
    return result


def project_stats(config: Config, locales: list[str] | None = None) -> dict[str, Stats]:
    """Messages and words per locale and domain, without checking anything else.

    A PO file that does not exist counts as untranslated; one that cannot be read
    is an error (:class:`CatalogError`).
    """
    pots = {
        domain: read_po(config.pot_path(domain), config.relative(config.pot_path(domain)))
        for domain in pot_domains(config)
    }
    result: dict[str, Stats] = {}
    for name in locales or list(config.locales):
        total = Stats()
        for domain, pot in pots.items():
            path = config.po_path(name, domain)
            if path.is_file():
                stats = catalog_stats(read_po(path, config.relative(path)).messages)
            else:
                stats = catalog_stats(pot.messages).as_untranslated()
            total.domains[domain] = stats
            total.add(stats)
        result[name] = total
    return result


# --------------------------------------------------------------------------- verdicts kept


class InputDigests(Protocol):
    """The hashes of the files a verdict depends on (the build knows them)."""

    pyproject: str
    domains: list[str]

    def po_digest(self, locale: str, domain: str) -> str | None: ...
    def pot_digest(self, domain: str) -> str | None: ...
    def glossary_digest(self, locale: str) -> str | None: ...
    def source_digest(self, domain: str) -> str: ...


def _diagnostic_data(d: Diagnostic) -> list[str | int | None]:
    return [d.path, d.line, d.severity, d.code, d.message, d.locale]


def _diagnostic(data: list[Any]) -> Diagnostic:
    """A diagnostic kept in the cache (JSON), made again."""
    return Diagnostic(data[0], int(data[1]), data[2], data[3], data[4], data[5])


class Verdicts:
    """The gate's verdicts, kept in ``memo`` (the build cache) by the hash of every file each
    one reads: a PO file's check (:func:`check_domain`) by the PO file, its POT file, the
    locale's glossary and the configuration; a template's staleness by its source and the POT
    file. :meth:`findings` puts them together as :func:`check_project` does."""

    def __init__(self, config: Config, memo: BuildCache, inputs: InputDigests):
        self.config, self.memo, self.inputs = config, memo, inputs
        self._keys: dict[tuple[str, str], str] = {}
        self._pot_stems: set[str] | None = None

    def _key(self, locale: str, domain: str) -> str:
        key = self._keys.get((locale, domain))
        if key is None:
            inputs = self.inputs
            key = self._keys[(locale, domain)] = "verdict:" + key_of(
                self.memo.code,
                inputs.pyproject,
                locale,
                domain,
                inputs.po_digest(locale, domain),
                inputs.pot_digest(domain),
                inputs.glossary_digest(locale),
            )
        return key

    def _pot_key(self, domain: str) -> str:
        return "pot-error:" + key_of(self.memo.code, self.inputs.pot_digest(domain))

    def _stale_key(self, domain: str) -> str:
        inputs = self.inputs
        source = inputs.source_digest(domain)
        return stale_key(self.memo.code, inputs.pyproject, domain, source, inputs.pot_digest(domain))

    def knows(self, locale: str, domain: str) -> bool:
        """Whether the PO file's check on its current inputs is known."""
        return isinstance(self.memo.get(self._key(locale, domain)), list)

    def knows_stale(self, domain: str) -> bool:
        """Whether it is known if the domain's POT file is out of date."""
        return isinstance(self.memo.get(self._stale_key(domain)), bool)

    def remember(self, locale: str, domain: str, found: tuple[Diagnostic, ...]) -> None:
        self.memo.put(self._key(locale, domain), [_diagnostic_data(d) for d in found])

    def remember_pot(self, domain: str, error: Diagnostic | None) -> None:
        """Why the domain's POT file cannot be read (None: it can), once a check read it."""
        self.memo.put(self._pot_key(domain), _diagnostic_data(error) if error else [])

    def remember_stale(self, domain: str, stale: bool) -> None:
        self.memo.put(self._stale_key(domain), stale)

    def keep(self, names: list[str]) -> None:
        """Mark the verdicts on the current inputs of ``names`` as used, so that a build that
        does not check them (forced, or a shard) does not drop them from the cache."""
        for domain in self.inputs.domains:
            self.memo.get(self._stale_key(domain))
            self.memo.get(self._pot_key(domain))
            for name in names:
                self.memo.get(self._key(name, domain))

    def blocking(self, locales: list[str]) -> list[Diagnostic]:
        """The errors that stop a build: any of ``locales`` (the required ones in scope), or of
        no locale (a stale or broken template)."""
        return [d for d in self.findings(locales) if d.severity == "error"]

    def findings(self, locales: list[str]) -> list[Diagnostic]:
        """What :func:`check_project` finds of the templates and of ``locales``, in its order."""
        found = self._template_findings()
        for name in locales:
            found.extend(locale_glossary(self.config, name)[1])
            for domain in sorted(self.inputs.domains):
                found.extend(_diagnostic(d) for d in self.memo.get(self._key(name, domain)) or [])
            found.extend(orphan_diagnostics(self.config, name, self._stems() | set(self.inputs.domains)))
        return found

    def _stems(self) -> set[str]:
        """The domains that have a POT file."""
        if self._pot_stems is None:
            folder = self.config.locales_dir
            try:
                names = os.listdir(folder)  # noqa: PTH208 -- names only, on every build
            except (FileNotFoundError, NotADirectoryError):
                names = []
            self._pot_stems = {
                n[: -len(".pot")] for n in names if n.endswith(".pot") and not n.startswith(".")
            }
        return self._pot_stems

    def _template_findings(self) -> list[Diagnostic]:
        """Templates that are stale, missing or unreadable, or have no domain any more."""
        config, inputs = self.config, self.inputs
        found: list[Diagnostic] = []
        for domain in inputs.domains:
            if self.memo.get(self._stale_key(domain)):
                why = (
                    "template is out of date: run 'invoke extract' and commit the result"
                    if inputs.pot_digest(domain) is not None
                    else "template missing: run 'invoke extract' and commit the result"
                )
                found.append(
                    Diagnostic(config.relative(config.pot_path(domain)), 1, "error", "stale-pot", why)
                )
        for stem in sorted(self._stems() - set(inputs.domains)):
            why = "template of a domain that no longer exists: run 'invoke extract'"
            found.append(Diagnostic(config.relative(config.pot_path(stem)), 1, "error", "stale-pot", why))
        found.sort(key=lambda d: d.path)
        for domain in sorted(inputs.domains):
            error = self.memo.get(self._pot_key(domain))
            if error:
                found.append(_diagnostic(error))
        return found


assert set(CODES) >= SILENCEABLE
