"""Translator PO files -> the project's PO files, validated entry by entry.

Translators send back PO files from Poedit, Weblate or an editor. Each file is
read strictly, matched to a locale (``--locale`` or its ``Language`` header,
only ever a configured one) and a domain (its file name, else the msgids it
shares with each template), and each entry is judged on its own:

- a valid translation of a current msgid is taken (``updated``), or was
  already there (``unchanged``);
- an invalid one (placeholders, markup, plural forms) is ``rejected`` with
  ``file:line: reason`` and the project's entry stays as it was;
- an empty or fuzzy msgstr never replaces a translation; a fuzzy one only
  fills an untranslated entry, as fuzzy; the fuzzy ones not taken and the empty
  ones of untranslated entries are listed, so the translator knows;
- a translation of a msgid that no longer exists is ``stale``: reported, and
  kept as a fuzzy suggestion on a current untranslated msgid that is close;
- an obsolete (``#~``) entry is passed over: it is what the translator's own tool
  thought gone.

Nothing is written until every file has been judged; a dry run writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lingopress.catalogs import domains, locale_catalog, read_locale_po, read_pot, touch_revision
from lingopress.checks import content_errors, control_problems
from lingopress.config import Config
from lingopress.errors import CatalogError
from lingopress.files import project_writes, write_all
from lingopress.merge import match_fuzzy
from lingopress.plurals import adopt_plural_forms
from lingopress.pofile import Catalog, Message, format_po, read_po
from lingopress.segment import collapse

__all__ = ["FileReport", "ImportReport", "Rejection", "import_files"]


@dataclass(frozen=True, slots=True)
class Rejection:
    """One entry (or a whole file) not taken, at ``path:line``."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(slots=True)
class FileReport:
    """What importing one translator file did."""

    path: str
    target: str | None = None
    """The project PO file it went into (None when the whole file was rejected)."""
    updated: list[tuple[int, str]] = field(default_factory=list)
    """(line in the imported file, msgid) of each translation taken or suggested."""
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    stale: list[tuple[int, str, str | None]] = field(default_factory=list)
    """(line, msgid that no longer exists, current msgid it was suggested for or None)."""
    fuzzy: list[int] = field(default_factory=list)
    """Lines of fuzzy entries not taken (the project has a translation): to review and unflag."""
    empty: list[int] = field(default_factory=list)
    """Lines of entries with no translation whose project entry has none either."""


@dataclass(slots=True)
class ImportReport:
    """Every file's report, and the project PO files written (or that would be)."""

    files: list[FileReport] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(len(f.rejected) for f in self.files)


_LANGUAGE_RE = re.compile(r"^([A-Za-z]{2,3})(?:[_-]([A-Za-z]{4}))?(?:[_-]([A-Za-z]{2}|\d{3}))?(@\w+)?$")
_SCRIPT_MODIFIERS = {"latin": "Latn", "cyrillic": "Cyrl"}


def _configured_locale(config: Config, language: str) -> str | None:
    """The configured locale a ``Language`` header value names (``de``, ``de_DE``, ``sr@latin``)."""
    match = _LANGUAGE_RE.match(language.strip())
    if match is None:
        return None
    lang, script, territory, modifier = match.groups()
    if modifier and not script:
        script = _SCRIPT_MODIFIERS.get(modifier[1:].lower())
    parts = [lang.lower()]
    if script:
        parts.append(script.title())
    full = "_".join([*parts, territory.upper()]) if territory else None
    for name in (full, "_".join(parts)):
        if name is not None and name in config.locales:
            return name
    return None


def _language_line(catalog: Catalog) -> int:
    """The line of the header's ``Language:`` field, as GNU tools lay the header out."""
    header = catalog.header
    for offset, line in enumerate(header.msgstr[0].split("\n")):
        if line.startswith("Language:"):
            return header.lineno + 2 + offset
    return header.lineno or 1


def _domain_for(path: Path, catalog: Catalog, templates: dict[str, Catalog]) -> str | None:
    """The domain a translator file belongs to: by its file name, else by the msgids it shares."""
    if path.stem in templates:
        return path.stem
    ids = {m.msgid for m in catalog}
    overlap = sorted(
        ((len(ids & {m.msgid for m in pot}), name) for name, pot in templates.items()), reverse=True
    )
    if not overlap or overlap[0][0] == 0 or (len(overlap) > 1 and overlap[1][0] == overlap[0][0]):
        return None
    return overlap[0][1]


def _problems(incoming: Message, current: Message) -> list[str]:
    """Why ``incoming``'s translation cannot replace ``current``'s (empty: it can)."""
    if (incoming.msgid_plural is None) != (current.msgid_plural is None):
        return ["plural entry where the project has a singular one, or the reverse"]
    if len(incoming.msgstr) != len(current.msgstr):
        return [f"{len(incoming.msgstr)} plural forms; the locale has {len(current.msgstr)}"]
    reasons: list[str] = []
    for i, form in enumerate(incoming.msgstr):
        if not form:
            continue
        source = current.msgid if i == 0 or current.msgid_plural is None else current.msgid_plural
        reasons.extend(f"{problem.message} [{problem.code}]" for problem in content_errors(source, form))
    reasons.extend(
        f"translator comment: {problem.message} [{problem.code}]"
        for problem in control_problems("\n".join(incoming.translator_comments))
    )
    return reasons


def _judge(incoming: Message, current: Message, report: FileReport, display: str) -> Message | None:
    """The entry to put in the project in place of ``current``, or None to leave it."""
    if not incoming.has_translation:
        report.unchanged += 1
        if not current.has_translation:
            report.empty.append(incoming.lineno)
        return None
    reasons = _problems(incoming, current)
    if reasons:
        report.rejected.extend(Rejection(display, incoming.lineno, r) for r in reasons)
        return None
    complete = incoming.translated
    if not complete and current.has_translation:
        # A fuzzy or partial translation is a suggestion: it never replaces a translation.
        report.unchanged += 1
        if incoming.fuzzy:
            report.fuzzy.append(incoming.lineno)
        return None
    if current.msgstr == incoming.msgstr and current.fuzzy == (not complete):
        report.unchanged += 1
        if incoming.fuzzy:
            report.fuzzy.append(incoming.lineno)
        return None
    merged = current.copy()
    merged.msgstr = list(incoming.msgstr)
    merged.fuzzy = not complete
    if complete:
        merged.previous_msgctxt = merged.previous_msgid = merged.previous_msgid_plural = None
    if incoming.translator_comments:
        merged.translator_comments = list(incoming.translator_comments)
    report.updated.append((incoming.lineno, incoming.msgid))
    return merged


def _import_one(
    catalog: Catalog,
    project: Catalog,
    report: FileReport,
    display: str,
) -> bool:
    """Apply ``catalog`` to ``project`` in place; returns whether anything changed."""
    index = {m.key: i for i, m in enumerate(project.messages)}
    collapsed = {(m.msgctxt, collapse(m.msgid)): i for i, m in enumerate(project.messages)}
    stale: list[Message] = []
    changed = False
    for incoming in catalog.messages:  # obsolete (#~) entries are passed over
        position = index.get(incoming.key)
        if position is None:
            position = collapsed.get((incoming.msgctxt, collapse(incoming.msgid)))
        if position is None:
            if incoming.has_translation:
                stale.append(incoming)
            continue
        merged = _judge(incoming, project.messages[position], report, display)
        if merged is not None:
            project.messages[position] = merged
            changed = True
    if not stale:
        return changed
    # Translations of msgids that no longer exist: suggestions for close current msgids.
    open_positions = [i for i, m in enumerate(project.messages) if not m.has_translation]
    valid = []
    for old in stale:
        # Its msgid would be written as the suggestion's previous msgid: no control characters.
        problems = control_problems("".join([old.msgctxt or "", old.msgid, old.msgid_plural or ""])) or [
            p for form in old.msgstr if form for p in content_errors(old.msgid, form)
        ]
        reasons = [f"{p.message} [{p.code}]" for p in problems]
        if reasons:
            report.rejected.extend(Rejection(display, old.lineno, r) for r in reasons)
        else:
            valid.append(old)
    matches = match_fuzzy([m.msgid for m in valid], [project.messages[i].msgid for i in open_positions])
    for k, old in enumerate(valid):
        target = matches.get(k)
        if target is None or (old.msgid_plural is None) != (
            project.messages[open_positions[target]].msgid_plural is None
        ):
            report.stale.append((old.lineno, old.msgid, None))
            continue
        current = project.messages[open_positions[target]]
        suggestion = current.copy()
        suggestion.msgstr = (list(old.msgstr) + [""] * len(current.msgstr))[: len(current.msgstr)]
        suggestion.fuzzy = True
        suggestion.previous_msgctxt = old.msgctxt
        suggestion.previous_msgid = old.msgid
        suggestion.previous_msgid_plural = old.msgid_plural
        project.messages[open_positions[target]] = suggestion
        report.stale.append((old.lineno, old.msgid, current.msgid))
        changed = True
    return changed


def import_files(
    config: Config, files: list[Path], *, locale: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Import translator PO ``files`` into the project's PO files; write them unless ``dry_run``.

    The project's files are read and written under the project lock, so no other task writes
    them in between, and written all or none (:func:`lingopress.files.write_all`). A dry run
    writes nothing and takes no lock.
    """
    if dry_run:
        return _import_files(config, files, locale, dry_run=True)
    with project_writes(config, "invoke import"):
        return _import_files(config, files, locale, dry_run=False)


def _import_files(config: Config, files: list[Path], locale: str | None, dry_run: bool) -> ImportReport:
    if locale is not None:
        locale = config.locale(locale).name  # a configured locale (sr-Latn: sr_Latn), or a ConfigError
    templates = {name: read_pot(config, name) for name in domains(config)}
    if not templates:
        raise CatalogError("no POT files: run 'invoke extract' first", config.relative(config.locales_dir))
    report = ImportReport()
    projects: dict[tuple[str, str], Catalog] = {}
    changed: set[tuple[str, str]] = set()
    for path in files:
        display = config.relative(path)
        file_report = FileReport(display)
        report.files.append(file_report)
        try:
            catalog = read_po(path, display)
        except CatalogError as exc:
            file_report.rejected.append(Rejection(display, exc.line or 1, exc.message))
            continue
        language = catalog.header_fields().get("Language", "") if catalog.header.msgstr[0] else ""
        named = _configured_locale(config, language) if language else None
        if language and named is None:
            file_report.rejected.append(
                Rejection(
                    display, _language_line(catalog), f"language {language!r} is not a configured locale"
                )
            )
            continue
        target_locale = locale or named
        if target_locale is None:
            file_report.rejected.append(
                Rejection(display, 1, "no Language in the header: say which locale with --locale")
            )
            continue
        if named is not None and named != target_locale:
            file_report.rejected.append(
                Rejection(
                    display,
                    _language_line(catalog),
                    f"the file is in {named!r} (its Language header), not {target_locale!r}",
                )
            )
            continue
        domain = _domain_for(path, catalog, templates)
        if domain is None:
            file_report.rejected.append(
                Rejection(display, 1, "cannot tell the domain: name the file <domain>.po (e.g. site.po)")
            )
            continue
        key = (target_locale, domain)
        if key not in projects:
            existing = read_locale_po(config, target_locale, domain)
            projects[key] = locale_catalog(config, target_locale, domain, templates[domain], existing)
        file_report.target = config.relative(config.po_path(target_locale, domain))
        # A translator's tool may order the plural forms by another rule (GNU's, CLDR's).
        project_rule = projects[key].header_fields().get("Plural-Forms", "")
        for line, reason in adopt_plural_forms(catalog, project_rule):
            file_report.rejected.append(Rejection(display, line, reason))
        if _import_one(catalog, projects[key], file_report, display):
            changed.add(key)
            last = catalog.header_fields().get("Last-Translator") if catalog.header.msgstr[0] else None
            if last and not control_problems(last):
                fields = projects[key].header_fields()
                fields["Last-Translator"] = last
                projects[key].set_header_fields(fields)
    writes = []
    for key in sorted(changed):
        catalog = projects[key]
        touch_revision(catalog)
        path = config.po_path(*key)
        report.written.append(config.relative(path))
        if not dry_run:
            writes.append((path, format_po(catalog).encode("utf-8")))
    if writes:
        write_all(writes, config.locales_dir, display=config.relative)
    return report
