"""Parsed PO catalog -> structural diagnostics: header, language, plural forms.

The PO reader (:mod:`lingopress.pofile`) guarantees syntax; a file can still
parse and be unusable. :func:`validate_catalog` finds what GNU tools, polib and
Babel let through: a missing or template header, a ``Language`` that is not the
file's locale (or not a locale at all), a ``Plural-Forms`` that is missing,
unparsable, or agreeing with neither CLDR's nor GNU gettext's rule for the
language (:mod:`lingopress.plurals`), and plural entries with the
wrong number of forms. Content (placeholders, links, markup) is the business of
:mod:`lingopress.checks`.

It is used wherever a PO file enters the project: the check gate on the files
in ``locales/`` and the import of translators' files. Every finding is an
error-level :class:`~lingopress.checks.Diagnostic` (code ``header`` or
``plural``) at the 1-based line to fix; an empty list means the catalog is
structurally sound.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Collection

from lingopress.checks import Diagnostic
from lingopress.locales import LocaleInfo, is_locale_name, locale_info
from lingopress.plurals import PLURAL_SAMPLE, plural_forms_table
from lingopress.pofile import Catalog

__all__ = ["validate_catalog"]

_HEADER_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_TEMPLATE_VALUES = {
    "Content-Type": "charset=CHARSET",
    "Plural-Forms": "nplurals=INTEGER",
}
_CHARSET_RE = re.compile(r"charset\s*=\s*([^\s;]+)", re.I)


def validate_catalog(
    catalog: Catalog,
    locale: LocaleInfo,
    *,
    path: str | None = None,
    configured: Collection[str] | None = None,
) -> list[Diagnostic]:
    """Every structural problem of a parsed PO ``catalog`` meant for ``locale``.

    ``locale`` is the locale the file belongs to (its folder under ``locales/``, or the
    ``--locale`` of an import), already validated against CLDR and the configuration.
    ``configured`` optionally lists the project's locale names: a ``Language`` outside it
    is reported as such. ``path`` (default: ``catalog.path``) is the name in diagnostics.

    Checked, each reported at the header's line (or the entry's):

    - the header entry exists, is not fuzzy, and every line is ``Key: value``;
    - no template defaults (``charset=CHARSET``, ``nplurals=INTEGER``, empty ``Language``);
    - ``Content-Type`` names a charset Python knows;
    - ``Language`` is a CLDR locale identifier, configured, and equal to ``locale.name``;
    - ``Plural-Forms`` is present and parses; its expression, for every n in 0..10,000,
      gives a form below nplurals, and the same form as CLDR's rule or as GNU gettext's for
      the language (with the same nplurals);
    - every plural entry (``msgid_plural``) has exactly the header's nplurals ``msgstr[n]``.

    The catalog is not changed. Locale names in the header are only compared, never
    used to build a path.
    """
    where = path if path is not None else (catalog.path or "<catalog>")
    found: list[Diagnostic] = []

    def add(line: int, code: str, message: str) -> None:
        found.append(Diagnostic(where, line or 1, "error", code, message, locale.name))

    header = catalog.header
    line = header.lineno or 1
    if header.lineno == 0 and not header.msgstr[0]:
        add(1, "header", 'no header entry (msgid "") with Language, Content-Type and Plural-Forms')
        nplurals = locale.nplurals
    else:
        if header.fuzzy:
            add(line, "header", "the header is marked fuzzy (a template header): fill it in, remove the flag")
        fields: dict[str, str] = {}
        for raw in header.msgstr[0].split("\n"):
            if not raw.strip():
                continue
            key, sep, value = raw.partition(":")
            if not sep or not _HEADER_KEY_RE.fullmatch(key.strip()):
                add(line, "header", f"garbled header line {raw[:60]!r} (expected 'Key: value')")
                continue
            fields[key.strip()] = value.strip()
        for key, marker in _TEMPLATE_VALUES.items():
            if marker in fields.get(key, ""):
                add(line, "header", f"{key} still has the template value {fields[key]!r}")
        _check_charset(fields, line, add)
        _check_language(fields.get("Language"), locale, configured, line, add)
        nplurals = _check_plural_forms(fields.get("Plural-Forms"), locale, line, add)
    for message in catalog.messages:
        if message.msgid_plural is not None and len(message.msgstr) != nplurals:
            add(
                message.lineno,
                "plurals",
                f"plural entry has {len(message.msgstr)} msgstr[n] forms, the language has {nplurals}"
                f" (msgstr[0] to msgstr[{nplurals - 1}])",
            )
    return found


def _check_charset(fields: dict[str, str], line: int, add: Callable[[int, str, str], None]) -> None:
    content_type = fields.get("Content-Type")
    if content_type is None:
        add(line, "header", "no Content-Type (expected 'text/plain; charset=UTF-8')")
        return
    match = _CHARSET_RE.search(content_type)
    if match is None:
        add(line, "header", f"Content-Type {content_type!r} declares no charset")
        return
    if match.group(1).upper() != "CHARSET":
        try:
            codecs.lookup(match.group(1))
        except LookupError:
            add(line, "header", f"unknown charset {match.group(1)!r} in Content-Type")


def _check_language(
    language: str | None,
    locale: LocaleInfo,
    configured: Collection[str] | None,
    line: int,
    add: Callable[[int, str, str], None],
) -> None:
    if not language:
        add(line, "header", f"no Language in the header (expected 'Language: {locale.name}')")
        return
    if not is_locale_name(language):
        add(
            line,
            "header",
            f"Language {language[:40]!r} is not a locale identifier (expected {locale.name!r})",
        )
        return
    try:
        locale_info(language)
    except ValueError as exc:
        add(line, "header", f"Language: {exc}")
        return
    if configured is not None and language not in configured:
        add(line, "header", f"Language {language!r} is not a locale of this project")
    elif language != locale.name:
        add(line, "header", f"Language is {language!r}, but this file is for {locale.name!r}")


def _check_plural_forms(
    value: str | None, locale: LocaleInfo, line: int, add: Callable[[int, str, str], None]
) -> int:
    """Report Plural-Forms problems; return the nplurals to hold plural entries to."""
    rules = locale.accepted_plural_forms
    if not value:
        add(line, "header", f"no Plural-Forms in the header (CLDR: {locale.plural_forms!r})")
        return locale.nplurals
    if "INTEGER" in value or "EXPRESSION" in value:
        return locale.nplurals  # reported as a template value
    try:
        nplurals, forms = plural_forms_table(value)
        if locale.accepts_plural_forms(value):
            return nplurals
    except ValueError as exc:
        add(line, "header", f"{exc}")
        return locale.nplurals
    # One account per distinct rule: CLDR's and GNU gettext's are often the same.
    distinct: dict[tuple[int, tuple[int, ...]], tuple[list[str], str]] = {}
    for whose, rule in rules.items():
        distinct.setdefault(plural_forms_table(rule), ([], rule))[0].append(f"{whose}'s")
    differences = []
    for (their_nplurals, theirs), (names, rule) in distinct.items():
        whose = " and ".join(names)
        if their_nplurals != nplurals:
            differences.append(f"it has nplurals={nplurals}, {whose} {rule!r} has {their_nplurals}")
            continue
        n = next(n for n, (got, want) in enumerate(zip(forms, theirs, strict=True)) if got != want)
        differences.append(
            f"it picks form {forms[n]} for n={PLURAL_SAMPLE[n]}, {whose} {rule!r} picks {theirs[n]}"
        )
    add(
        line,
        "header",
        f"Plural-Forms agrees with no rule for {locale.english_name}: " + "; ".join(differences),
    )
    return nplurals
