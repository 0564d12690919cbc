"""The project check: reads source/ and locales/, collects every diagnostic, decides once."""

from __future__ import annotations

from dataclasses import dataclass, field

from lingopress.catalogs import domains as pot_domains
from lingopress.checks import Diagnostic, Stats, catalog_stats, translation_problems
from lingopress.config import Config
from lingopress.errors import CatalogError
from lingopress.extract import extract_project, stale_pots
from lingopress.pofile import Catalog, Message, read_po

__all__ = ["CheckResult", "check_catalog", "check_project"]


@dataclass(slots=True)
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: dict[str, Stats] = field(default_factory=dict)
    failed_locales: set[str] = field(default_factory=set)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def passed(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)


def _entry_line(message: Message) -> int:
    return message.lineno or 1


def check_catalog(
    catalog: Catalog,
    pot: Catalog,
    locale: str,
    expected_plural_forms: str,
    required: bool,
    path: str,
) -> tuple[list[Diagnostic], Stats]:
    """Every finding for one PO file against its POT."""
    found: list[Diagnostic] = []

    def add(line: int, severity: str, code: str, message: str) -> None:
        found.append(Diagnostic(path, line, severity, code, message, locale))  # type: ignore[arg-type]

    fields = catalog.header_fields()
    header_line = catalog.header.lineno or 1
    if not catalog.header.msgstr[0]:
        add(1, "error", "header", 'no header entry (msgid "") with Language and Plural-Forms')
    else:
        if fields.get("Language") != locale:
            add(
                header_line, "error", "header", f"Language is {fields.get('Language')!r}, expected {locale!r}"
            )
        if " ".join(fields.get("Plural-Forms", "").split()) != expected_plural_forms:
            add(
                header_line,
                "error",
                "header",
                f"Plural-Forms is {fields.get('Plural-Forms')!r}, CLDR says {expected_plural_forms!r}",
            )
        content_type = fields.get("Content-Type", "")
        if "charset=utf-8" not in content_type.lower().replace(" ", ""):
            add(
                header_line,
                "error",
                "header",
                f"Content-Type must declare charset=UTF-8 (is {content_type!r})",
            )
    pot_keys = [m.key for m in pot.messages]
    po_keys = {m.key for m in catalog.messages}
    missing = [k for k in pot_keys if k not in po_keys]
    extra = [m for m in catalog.messages if m.key not in set(pot_keys)]
    if missing or extra:
        add(
            header_line,
            "error",
            "unmerged",
            f"not merged with the current template ({len(missing)} new, {len(extra)} removed msgids):"
            " run 'invoke update'",
        )
    for message in catalog.messages:
        line = _entry_line(message)
        sources = [message.msgid] + ([message.msgid_plural] if message.msgid_plural else [])
        if message.has_translation:
            for i, form in enumerate(message.msgstr):
                if not form:
                    continue
                source = sources[min(i, len(sources) - 1)] if message.msgid_plural else message.msgid
                for problem in translation_problems(source, form):
                    if problem.code in _silenced(message):
                        continue
                    add(line, problem.severity, problem.code, problem.message)
        if required:
            if message.fuzzy and message.has_translation:
                add(line, "error", "fuzzy", "translation is marked fuzzy: review it and remove the flag")
            elif not all(message.msgstr):
                add(line, "error", "untranslated", "message is not translated")
    return found, catalog_stats(catalog.messages)


def _silenced(message: Message) -> set[str]:
    """Codes silenced for this entry by a ``lingopress-ignore: code`` translator comment."""
    codes: set[str] = set()
    for comment in message.translator_comments:
        if comment.strip().startswith("lingopress-ignore:"):
            codes.update(c.strip() for c in comment.split(":", 1)[1].split(","))
    return codes


def check_project(config: Config, locales: list[str] | None = None) -> CheckResult:
    """Check every configured locale (or ``locales``) against the current sources."""
    result = CheckResult()
    extraction = extract_project(config)
    for path in stale_pots(config, extraction.catalogs):
        result.diagnostics.append(
            Diagnostic(
                config.relative(path),
                1,
                "error",
                "stale-pot",
                "template is out of date: run 'invoke extract'",
            )
        )
    domains = pot_domains(config) or list(extraction.catalogs)
    pots: dict[str, Catalog] = {}
    for domain in domains:
        path = config.pot_path(domain)
        try:
            pots[domain] = (
                read_po(path, config.relative(path)) if path.is_file() else extraction.catalogs[domain]
            )
        except CatalogError as exc:
            result.diagnostics.append(
                Diagnostic(exc.path or "", exc.line or 1, "error", "syntax", exc.message)
            )
            pots[domain] = extraction.catalogs.get(domain, Catalog())
    for name in locales or list(config.locales):
        locale = config.locale(name)
        total = Stats()
        required = locale.status == "required"
        for domain, pot in pots.items():
            path = config.po_path(name, domain)
            rel = config.relative(path)
            if not path.is_file():
                result.diagnostics.append(
                    Diagnostic(rel, 1, "error", "missing", "PO file missing: run 'invoke update'", name)
                )
                stats = catalog_stats(pot.messages)
                stats.untranslated, stats.translated = stats.total, 0
                total.domains[domain] = stats
                total.add(stats)
                continue
            try:
                catalog = read_po(path, rel)
            except CatalogError as exc:
                result.diagnostics.append(
                    Diagnostic(rel, exc.line or 1, "error", "syntax", exc.message, name)
                )
                continue
            found, stats = check_catalog(catalog, pot, name, locale.info.plural_forms, required, rel)
            result.diagnostics.extend(found)
            total.domains[domain] = stats
            total.add(stats)
        result.stats[name] = total
        if not required and total.percent < locale.min_percent:
            result.diagnostics.append(
                Diagnostic(
                    config.relative(config.locales_dir / name),
                    1,
                    "warning",
                    "below-threshold",
                    f"{total.percent:.0f}% translated, below min_percent {locale.min_percent:g}: not published",
                    name,
                )
            )
    result.failed_locales = {d.locale for d in result.errors if d.locale}
    return result
