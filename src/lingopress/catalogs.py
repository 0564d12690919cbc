"""locales/ on disk: the POT and PO files of a project, their headers, update and compile."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lingopress.config import Config, LocaleConfig
from lingopress.errors import CatalogError
from lingopress.files import project_writes, write_all, write_atomic
from lingopress.locales import plural_forms_of
from lingopress.mofile import mo_bytes
from lingopress.parallel import map_chunks
from lingopress.plurals import parse_plural_forms
from lingopress.pofile import (
    Catalog,
    Message,
    bulk_allocation,
    format_po,
    parse_po_bytes,
    read_po,
    read_po_bytes,
)

if TYPE_CHECKING:
    from lingopress.merge import MergeSummary

__all__ = [
    "UpdateReport",
    "compile_project",
    "domains",
    "locale_catalog",
    "po_header_fields",
    "read_locale_po",
    "read_pot",
    "touch_revision",
    "update_project",
]


def domains(config: Config) -> list[str]:
    """The domains whose POT exists, sorted (``site`` and one per article)."""
    if not config.locales_dir.is_dir():
        return []
    return sorted(p.stem for p in config.locales_dir.glob("*.pot"))


def read_pot(config: Config, domain: str) -> Catalog:
    path = config.pot_path(domain)
    return read_po(path, config.relative(path))


def read_locale_po(config: Config, locale: str, domain: str) -> Catalog | None:
    """The locale's PO file for ``domain``, or None when it does not exist yet."""
    path = config.po_path(locale, domain)
    # Not isfile: a FIFO or a folder in its place is refused by read_po, not overwritten.
    if not os.path.lexists(path):
        return None
    return read_po(path, config.relative(path))


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M%z")


def po_header_fields(
    locale: LocaleConfig, domain: str, pot: Catalog, old: dict[str, str] | None
) -> dict[str, str]:
    """The header of a locale's PO file: translator fields kept, language fields from CLDR."""
    pot_fields = pot.header_fields()
    fields = dict(old or {})
    defaults = {
        "Project-Id-Version": pot_fields.get("Project-Id-Version", domain),
        "Report-Msgid-Bugs-To": pot_fields.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": pot_fields.get("POT-Creation-Date", ""),
        "PO-Revision-Date": _now(),
        "Last-Translator": "",
        "Language-Team": f"{locale.info.english_name}",
        "Language": locale.name,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": locale.info.plural_forms,
    }
    result = {key: fields.get(key, value) for key, value in defaults.items()}
    # What follows the template and CLDR, not the translator.
    result["Project-Id-Version"] = defaults["Project-Id-Version"]
    result["POT-Creation-Date"] = defaults["POT-Creation-Date"]
    result["Language"] = locale.name
    result["Content-Type"] = "text/plain; charset=UTF-8"
    result["Content-Transfer-Encoding"] = "8bit"
    result["Plural-Forms"] = plural_forms_of(old, locale.info)
    for key, value in fields.items():
        if key not in result:
            result[key] = value
    return result


@dataclass(slots=True)
class UpdateReport:
    """What ``update`` did to each PO file."""

    files: dict[str, MergeSummary] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def locale_catalog(
    config: Config,
    locale_name: str,
    domain: str,
    pot: Catalog,
    old: Catalog | None,
    *,
    fuzzy_matching: bool = True,
    purge_obsolete: bool = False,
) -> Catalog:
    """The locale's catalog for ``domain`` merged with its template (a new one when ``old`` is None).

    The header keeps the translator's fields and takes language fields from CLDR;
    PO-Revision-Date changes only when the messages do.
    """
    merged, _ = _merged(config, locale_name, domain, pot, old, fuzzy_matching, purge_obsolete)
    return merged


def _merged(
    config: Config,
    locale_name: str,
    domain: str,
    pot: Catalog,
    old: Catalog | None,
    fuzzy_matching: bool,
    purge_obsolete: bool,
) -> tuple[Catalog, MergeSummary]:
    locale = config.locale(locale_name)
    if old is None:
        old = Catalog(path=config.relative(config.po_path(locale_name, domain)))
        old.header = Message("")
    else:
        language = old.header_fields().get("Language", "").strip()
        if language and language != locale_name:
            # A file of another language in this locale's folder: relabelling it would pass
            # its translations off as this language's.
            raise CatalogError(
                f"Language is {language!r} but the file is in the {locale_name!r} folder;"
                " move it to its own locale, or fix the header if it really is this language",
                old.path or config.relative(config.po_path(locale_name, domain)),
                old.header.lineno or 1,
            )
    from lingopress.merge import merge_catalogs  # fuzzy matching: not needed to build a site

    merged, summary = merge_catalogs(
        pot,
        old,
        fuzzy_matching=fuzzy_matching,
        keep_obsolete=not purge_obsolete,
        nplurals=parse_plural_forms(plural_forms_of(old.header_fields(), locale.info))[0],
    )
    old_fields = old.header_fields() if old.header.msgstr[0] else None
    fields = po_header_fields(locale, domain, pot, old_fields)
    if old_fields is not None and _same_messages(old, merged):
        fields["PO-Revision-Date"] = old_fields.get("PO-Revision-Date", fields["PO-Revision-Date"])
    merged.set_header_fields(fields)
    merged.header.flags = [f for f in merged.header.flags if f != "fuzzy"]
    if not merged.header.translator_comments:
        merged.header.translator_comments = [
            f"{locale.info.english_name} translation of the {domain!r} domain.",
            "",
        ]
    return merged, summary


def touch_revision(catalog: Catalog) -> None:
    """Set the header's PO-Revision-Date to now (``SOURCE_DATE_EPOCH`` when set)."""
    fields = catalog.header_fields()
    fields["PO-Revision-Date"] = _now()
    catalog.set_header_fields(fields)


def update_project(
    config: Config,
    locales: list[str],
    *,
    fuzzy_matching: bool = True,
    purge_obsolete: bool = False,
) -> UpdateReport:
    """Merge every POT into the PO files of ``locales``, creating missing ones.

    Every file is read and merged before anything is written, so a broken PO file
    stops the update with nothing half done; the files are read and written under the project
    lock, and written all or none (:func:`lingopress.files.write_all`).
    """
    with project_writes(config, "invoke update"), bulk_allocation():
        return _update_project(config, locales, fuzzy_matching, purge_obsolete)


_POOL_MIN_FILES = 200
"""From this many PO files on, update and compile run on every core."""
_update_state: tuple[Config, dict[str, Catalog], bool, bool] | None = None
"""What the worker processes of an update read (inherited when they are forked)."""
_compile_config: Config | None = None
"""The project, for the worker processes of a compile."""


def _update_files(files: list[tuple[str, str]]) -> list[tuple[bool, MergeSummary, bytes | None]]:
    """Merge each (locale, domain) PO file with its template: whether the file is new, what the
    merge did, and the file's new bytes (None: unchanged). Nothing is written here."""
    assert _update_state is not None
    config, pots, fuzzy_matching, purge_obsolete = _update_state
    found = []
    with bulk_allocation():
        for name, domain in files:
            path = config.po_path(name, domain)
            rel = config.relative(path)
            # The file is read once: parsed for the merge, and its bytes kept to compare.
            raw = read_po_bytes(path, rel) if os.path.lexists(path) else None
            old = None if raw is None else parse_po_bytes(raw, rel)
            merged, summary = _merged(config, name, domain, pots[domain], old, fuzzy_matching, purge_obsolete)
            data = format_po(merged).encode("utf-8")
            found.append((old is None, summary, None if data == raw else data))
    return found


def _update_project(
    config: Config, locales: list[str], fuzzy_matching: bool, purge_obsolete: bool
) -> UpdateReport:
    global _update_state
    report = UpdateReport()
    pots = {domain: read_pot(config, domain) for domain in domains(config)}
    if not pots:
        raise CatalogError("no POT files: run 'invoke extract' first", config.relative(config.locales_dir))
    for name in locales:
        config.locale(name)
    files = [(name, domain) for name in locales for domain in pots]
    _update_state = (config, pots, fuzzy_matching, purge_obsolete)
    try:
        merged = map_chunks(_update_files, files, _POOL_MIN_FILES)
    finally:
        _update_state = None
    # Every file was read and merged: now write.
    changes = []
    for (name, domain), (created, summary, data) in zip(files, merged, strict=True):
        path = config.po_path(name, domain)
        rel = config.relative(path)
        if created:
            report.created.append(rel)
        report.files[rel] = summary
        if data is not None:
            changes.append((path, data))
            report.written.append(rel)
    write_all(changes, config.locales_dir, display=config.relative)
    return report


def _same_messages(old: Catalog, new: Catalog) -> bool:
    """Whether ``new`` writes the same entries as ``old`` (the header aside). Compared field by
    field first: the usual case, an update that changed nothing. Where fields differ, compared
    as written: the layout normalizes some differences away (the order of flags, a fuzzy flag
    on an empty entry)."""
    old_entries, new_entries = [*old.messages, *old.obsolete], [*new.messages, *new.obsolete]
    if len(old_entries) == len(new_entries) and all(
        _written_fields(a) == _written_fields(b) for a, b in zip(old_entries, new_entries, strict=True)
    ):
        return True
    probe_old, probe_new = (
        Catalog(messages=old.messages, obsolete=old.obsolete),
        Catalog(messages=new.messages, obsolete=new.obsolete),
    )
    return format_po(probe_old) == format_po(probe_new)


def _written_fields(m: Message) -> tuple[object, ...]:
    """Everything of an entry that its PO text is made from (not where it was read from)."""
    return (
        m.msgid,
        m.msgstr,
        m.msgid_plural,
        m.msgctxt,
        m.translator_comments,
        m.extracted_comments,
        m.references,
        m.flags,
        m.previous_msgctxt,
        m.previous_msgid,
        m.previous_msgid_plural,
        m.obsolete,
    )


def _compile_files(files: list[tuple[str, str]]) -> list[Path | None]:
    config = _compile_config
    assert config is not None
    written: list[Path | None] = []
    for name, domain in files:
        catalog = read_locale_po(config, name, domain)
        path = config.mo_path(name, domain)
        written.append(
            path
            if catalog is not None
            and write_atomic(path, mo_bytes(catalog), durable=False, display=config.relative(path))
            else None
        )
    return written


def compile_project(config: Config, locales: list[str]) -> list[Path]:
    """Write ``build/locale/<lang>/LC_MESSAGES/<domain>.mo`` for every PO file; returns those written."""
    global _compile_config
    with project_writes(config, "invoke compile"):
        files = [(name, domain) for name in locales for domain in domains(config)]
        _compile_config = config
        try:
            return [path for path in map_chunks(_compile_files, files, _POOL_MIN_FILES) if path is not None]
        finally:
            _compile_config = None
