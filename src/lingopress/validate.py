"""Parsed PO catalog -> structural diagnostics: header, language, plural forms.

The PO reader (:mod:`lingopress.pofile`) guarantees syntax; a file can still
parse and be unusable. :func:`validate_catalog` finds what GNU tools, polib and
Babel let through: a missing or template header, a ``Language`` that is not the
file's locale (or not a locale at all), a ``Plural-Forms`` that is missing,
unparsable, inconsistent or at odds with CLDR, and plural entries with the
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
import gettext
import re
from collections.abc import Callable, Collection
from functools import cache

from lingopress.checks import Diagnostic
from lingopress.locales import LocaleInfo, is_locale_name, locale_info
from lingopress.pofile import Catalog

__all__ = ["PLURAL_SAMPLE", "parse_plural_forms", "validate_catalog"]

PLURAL_SAMPLE = range(1001)
"""The values of ``n`` a plural expression is evaluated for."""

_MAX_EXPR = 1000
_PLURAL_FORMS_RE = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*")
_HEADER_KEY_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_TEMPLATE_VALUES = {
    "Content-Type": "charset=CHARSET",
    "Plural-Forms": "nplurals=INTEGER",
}
_CHARSET_RE = re.compile(r"charset\s*=\s*([^\s;]+)", re.I)


@cache
def _compile(expr: str) -> Callable[[int], int]:
    # gettext.c2py accepts only C operators, integer literals and n: it never evaluates
    # names, calls or attributes, so a hostile header cannot run code.
    return gettext.c2py(expr)


@cache
def parse_plural_forms(value: str) -> tuple[int, tuple[int, ...]]:
    """Parse a ``Plural-Forms`` value; return nplurals and the form chosen for each n in 0..1000.

    Raise ValueError with a message for the translator when the value is unusable.

    >>> parse_plural_forms("nplurals=2; plural=(n != 1);")[1][:3]
    (1, 0, 1)
    >>> parse_plural_forms("nplurals=2; plural=n > 5 ? 2 : 0;")
    Traceback (most recent call last):
    ...
    ValueError: plural expression gives 2 for n=6, but nplurals is 2 (forms are 0..1)
    """
    match = _PLURAL_FORMS_RE.fullmatch(value)
    if match is None:
        raise ValueError(f"Plural-Forms {value!r} is not 'nplurals=N; plural=EXPRESSION;'")
    nplurals, expr = int(match.group(1)), match.group(2)
    if not 1 <= nplurals <= 6:
        raise ValueError(f"nplurals={nplurals} is out of range (languages have 1 to 6 forms)")
    if len(expr) > _MAX_EXPR:
        raise ValueError(f"plural expression is longer than {_MAX_EXPR} characters")
    try:
        function = _compile(expr)
    except (ValueError, SyntaxError, RecursionError, MemoryError) as exc:
        raise ValueError(f"plural expression {expr!r} cannot be parsed ({exc})") from None
    forms = []
    for n in PLURAL_SAMPLE:
        try:
            form = int(function(n))
        except (ArithmeticError, RecursionError) as exc:
            raise ValueError(f"plural expression fails for n={n} ({exc})") from None
        if not 0 <= form < nplurals:
            raise ValueError(
                f"plural expression gives {form} for n={n}, but nplurals is {nplurals}"
                f" (forms are 0..{nplurals - 1})"
            )
        forms.append(form)
    return nplurals, tuple(forms)


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
    - ``Plural-Forms`` is present and parses; its expression, for every n in 0..1000,
      gives a form below nplurals and the same form as CLDR's rule; nplurals is CLDR's;
    - every plural entry (``msgid_plural``) has exactly nplurals ``msgstr[n]``.

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
    if not value:
        add(line, "header", f"no Plural-Forms in the header (CLDR: {locale.plural_forms!r})")
        return locale.nplurals
    if "INTEGER" in value or "EXPRESSION" in value:
        return locale.nplurals  # reported as a template value
    try:
        nplurals, forms = parse_plural_forms(value)
    except ValueError as exc:
        add(line, "header", f"{exc}")
        return locale.nplurals
    if nplurals != locale.nplurals:
        add(
            line,
            "header",
            f"nplurals={nplurals}, but {locale.english_name} has {locale.nplurals}"
            f" (CLDR: {locale.plural_forms!r})",
        )
        return nplurals
    _, expected = parse_plural_forms(locale.plural_forms)
    if forms == expected:
        return nplurals
    for n, (got, want) in enumerate(zip(forms, expected, strict=True)):
        if got != want:
            add(
                line,
                "header",
                f"plural expression picks form {got} for n={n}, CLDR picks {want}"
                f" (CLDR: {locale.plural_forms!r})",
            )
            break
    return nplurals
