"""Locale names, BCP 47 tags, plural forms and text direction, from CLDR (Babel); the plural
rules a PO file may have (CLDR's or GNU gettext's, see :mod:`lingopress.plurals`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from lingopress.plurals import gnu_plural_forms, plural_forms_table

__all__ = ["LocaleInfo", "is_locale_name", "locale_info", "locale_name", "plural_forms_of"]

_NAME_RE = re.compile(r"[A-Za-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|\d{3}))?")
_TAG_RE = re.compile(r"([A-Za-z]{2,3})(?:[-_]([A-Za-z]{4}))?(?:[-_]([A-Za-z]{2}|\d{3}))?")


@dataclass(frozen=True, slots=True)
class LocaleInfo:
    """What the pipeline needs to know about one locale."""

    name: str
    """The gettext/Babel identifier, e.g. ``sr_Latn``; also the folder name under locales/."""
    tag: str
    """The BCP 47 tag as written in ``<html lang>``: ``sr-Latn``."""
    path_tag: str
    """The lower-case tag used in URLs: ``sr-latn``."""
    direction: str
    """``ltr`` or ``rtl``."""
    native_name: str
    """The language's name in itself, capitalised for a menu: ``Srpski (latinica)``."""
    english_name: str
    nplurals: int
    plural_expr: str

    @property
    def plural_forms(self) -> str:
        """The PO header value, e.g. ``nplurals=2; plural=(n != 1);``."""
        return f"nplurals={self.nplurals}; plural={self.plural_expr};"

    @property
    def accepted_plural_forms(self) -> dict[str, str]:
        """The rules a PO file for this locale may have, by whose they are: CLDR's (what a new
        file gets) and GNU gettext's (what msginit and Poedit write), when it knows the language."""
        rules = {"CLDR": self.plural_forms}
        gnu = gnu_plural_forms(self.name)
        if gnu is not None:
            rules["GNU gettext"] = gnu
        return rules

    def accepts_plural_forms(self, value: str) -> bool:
        """Whether a ``Plural-Forms`` value does what CLDR's or GNU gettext's rule does for every
        n of :data:`lingopress.plurals.PLURAL_SAMPLE` (ValueError when it is unusable)."""
        rules = self.accepted_plural_forms.values()
        if value.strip() in rules:
            return True  # the same text: no need to evaluate it
        table = plural_forms_table(value)
        return any(plural_forms_table(rule) == table for rule in rules)

    @property
    def babel(self) -> Locale:
        return _babel_locale(self.name)


@cache
def _babel_locale(name: str) -> Locale:
    return Locale.parse(name)


def is_locale_name(name: str) -> bool:
    """Whether ``name`` has the shape of a gettext locale identifier (``de``, ``sr_Latn``, ``pt_BR``).

    >>> is_locale_name("sr_Latn"), is_locale_name("../../x"), is_locale_name("de-DE")
    (True, False, False)
    """
    return _NAME_RE.fullmatch(name) is not None


def locale_name(tag: str) -> str:
    """The gettext identifier that a BCP 47 tag or an identifier in any case names; anything
    else is returned as it is (and refused later).

    >>> locale_name("sr-Latn"), locale_name("PT-br"), locale_name("de"), locale_name("../x")
    ('sr_Latn', 'pt_BR', 'de', '../x')
    """
    match = _TAG_RE.fullmatch(tag)
    if match is None:
        return tag
    language, script, region = match.groups()
    parts = [language.lower(), script.title() if script else "", region.upper() if region else ""]
    return "_".join(part for part in parts if part)


@cache
def locale_info(name: str) -> LocaleInfo:
    """Describe the locale ``name``; raise ValueError when CLDR does not know it."""
    if not is_locale_name(name):
        raise ValueError(f"{name!r} is not a locale identifier (expected e.g. 'de' or 'sr_Latn')")
    try:
        locale = Locale.parse(name)
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"{name!r} is not a locale known to CLDR") from exc
    if str(locale) != name:
        raise ValueError(f"{name!r} is not a canonical locale identifier (CLDR says {locale})")
    tag = name.replace("_", "-")
    plural = get_plural(locale)
    native = locale.get_display_name(locale) or name
    native = native[:1].upper() + native[1:]
    return LocaleInfo(
        name=name,
        tag=tag,
        path_tag=tag.lower(),
        direction=(locale.character_order == "right-to-left" and "rtl") or "ltr",
        native_name=native,
        english_name=locale.get_display_name("en") or name,
        nplurals=plural.num_plurals,
        plural_expr=plural.plural_expr,
    )


def plural_forms_of(fields: dict[str, str] | None, info: LocaleInfo) -> str:
    """The ``Plural-Forms`` a locale's PO file keeps through ``update``: its own when it is a
    usable rule (whether it agrees with CLDR's or GNU gettext's is the check's to say: changing
    the rule would change what each ``msgstr[i]`` means); CLDR's for a new file, or in place of a
    missing, template or unusable value."""
    value = (fields or {}).get("Plural-Forms", "").strip()
    if value:
        try:
            plural_forms_table(value)
        except ValueError:
            return info.plural_forms
        return value
    return info.plural_forms
