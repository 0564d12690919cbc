"""Pseudo-locales: every message accented, expanded and bracketed, to show what escapes translation.

A pseudo-locale (``en-XA``, and ``ar-XB`` for right-to-left layouts) renders the
whole site with text that is still readable but visibly not the source: a
hard-coded template string stays plain ASCII, a string cut short loses its
closing bracket, and a layout that cannot take ~35 % longer text breaks at once.
Placeholders, inline Markdown, link targets and code spans are kept as they
are, so a pseudo-translation passes the same checks as a real one.

Pseudo-locales are made in memory from what extraction makes of the sources; nothing is
written to ``locales/``. The build (``invoke build --pseudo``) treats them as locales of
their own, incrementally like the others: a pseudo page is rendered again when its
source changes.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from types import MappingProxyType

from babel import Locale

from lingopress.config import Config, LocaleConfig
from lingopress.locales import LocaleInfo, locale_info
from lingopress.plurals import compile_plural
from lingopress.pofile import Catalog, Message

__all__ = [
    "CLOSE",
    "OPEN",
    "PSEUDO_LOCALES",
    "PseudoLocaleInfo",
    "accent",
    "pseudo_catalog",
    "pseudo_locale",
    "pseudo_text",
    "untranslated_text",
    "with_pseudo_config",
]

OPEN, CLOSE = "⟦", "⟧"
_RLO, _PDF = "\u202e", "\u202c"

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçðéƒĝĥîĵķļɱñöƥǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖƤǪŔŠŢÛṼŴẊÝŽ",
)
_VOWELS = set("aeiouAEIOU")
# Words appended until the text is long enough: readable, and the line can still break between them.
_PADDING = "one two three four five six seven eight nine ten".translate(_ACCENTS).split()
_EXPANSION = 0.35

# What a pseudo-translation keeps byte for byte: placeholders and literal braces, code spans,
# link targets and reference labels, autolinks, HTML entities, backslash escapes, and the
# Markdown markers themselves (which contain no letters and so are untouched anyway).
_PROTECTED_RE = re.compile(
    r"""
      \{\{ | \}\} | \{[^{}]*\}          # placeholders, literal braces
    | (`+).+?\1                          # code spans
    | \]\([^)]*\)                        # link target: ](url "title")
    | \]\[[^\]]*\]                       # reference link label
    | <[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>  # autolink
    | &(?:[a-zA-Z][a-zA-Z0-9]*|\#[0-9]+|\#[xX][0-9a-fA-F]+);  # entity
    | \\.                                # backslash escape
    """,
    re.VERBOSE | re.DOTALL,
)
_LETTER_RE = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class PseudoLocaleInfo(LocaleInfo):
    """A pseudo-locale: formats values like ``base`` and writes text in ``direction``."""

    base: str = "en"

    @property
    def babel(self) -> Locale:
        return Locale.parse(self.base)


def _info(name: str, base: str, direction: str, label: str) -> PseudoLocaleInfo:
    plural = locale_info(base)
    tag = name.replace("_", "-")
    return PseudoLocaleInfo(
        name=name,
        tag=tag,
        path_tag=tag.lower(),
        direction=direction,
        native_name=pseudo_text(label, direction),
        english_name=label,
        nplurals=plural.nplurals,
        plural_expr=plural.plural_expr,
        base=base,
    )


def pseudo_locale(name: str) -> PseudoLocaleInfo:
    """The pseudo-locale ``en_XA`` (left-to-right) or ``ar_XB`` (right-to-left)."""
    if name == "en_XA":
        return _info("en_XA", "en", "ltr", "Pseudo-English")
    if name == "ar_XB":
        return _info("ar_XB", "en", "rtl", "Pseudo-Bidi")
    raise ValueError(f"{name!r} is not a pseudo-locale (known: {', '.join(PSEUDO_LOCALES)})")


PSEUDO_LOCALES = ("en_XA", "ar_XB")


def accent(text: str) -> str:
    """Replace each ASCII letter by an accented look-alike.

    >>> accent("Hello, {name}!")
    'Ĥéļļö, {ñáɱé}!'
    """
    return text.translate(_ACCENTS)


def _expand(text: str) -> str:
    return "".join(ch + ch if ch in _VOWELS else ch for ch in text).translate(_ACCENTS)


def _wrap_rtl(text: str) -> str:
    # Right-to-left override per run of text, so each run is shown mirrored like an RTL script,
    # and every override is closed before the next piece of markup or placeholder.
    return f"{_RLO}{text}{_PDF}" if text.strip() else text


def pseudo_text(text: str, direction: str = "ltr") -> str:
    """Pseudo-translate a message: letters accented, vowels doubled, padded to ~135 %, bracketed.

    Placeholders, code spans, link targets and entities are kept as they are.

    >>> pseudo_text("Costs from {price}, see [the list](https://example.org/a).")
    '⟦Çööšţš ƒŕööɱ {price}, šéééé [ţĥéé ļîîšţ](https://example.org/a). öñé⟧'
    >>> pseudo_text("")
    ''
    """
    if not text:
        return text
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for match in _PROTECTED_RE.finditer(text):
        pieces.append((text[pos : match.start()], False))
        pieces.append((match.group(), True))
        pos = match.end()
    pieces.append((text[pos:], False))
    visible = sum(len(piece) for piece, protected in pieces if not protected)
    out = [(piece if protected else _expand(piece), protected) for piece, protected in pieces]
    grown = sum(len(piece) for piece, protected in out if not protected)
    target = math.ceil(visible * (1 + _EXPANSION))
    padding: list[str] = []
    while grown < target:
        word = _PADDING[len(padding) % len(_PADDING)]
        padding.append(word)
        grown += len(word) + 1
    if padding:
        out.append((" " + " ".join(padding), False))
    if direction == "rtl":
        out = [(piece if protected else _wrap_rtl(piece), protected) for piece, protected in out]
    return OPEN + "".join(piece for piece, _ in out) + CLOSE


def _plural_forms(message: Message, info: LocaleInfo, direction: str) -> list[str]:
    if message.msgid_plural is None:
        return [pseudo_text(message.msgid, direction)]
    plural = compile_plural(info.plural_expr)
    one = plural(1)
    return [
        pseudo_text(message.msgid if i == one else message.msgid_plural, direction)
        for i in range(info.nplurals)
    ]


def pseudo_catalog(pot: Catalog, info: PseudoLocaleInfo) -> Catalog:
    """A complete catalog for ``info``: every message of ``pot`` pseudo-translated."""
    catalog = Catalog(
        header=Message(""),
        messages=[
            Message(
                msgid=m.msgid,
                msgstr=_plural_forms(m, info, info.direction),
                msgid_plural=m.msgid_plural,
                msgctxt=m.msgctxt,
                references=list(m.references),
                flags=[f for f in m.flags if f != "fuzzy"],
            )
            for m in pot.messages
        ],
    )
    catalog.set_header_fields(
        {
            "Project-Id-Version": pot.header_fields().get("Project-Id-Version", "pseudo"),
            "Language": info.name,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": info.plural_forms,
        }
    )
    return catalog


def with_pseudo_config(config: Config) -> Config:
    """``config`` with every pseudo-locale added as a required locale."""
    locales = dict(config.locales)
    for name in PSEUDO_LOCALES:
        locales[name] = LocaleConfig(info=pseudo_locale(name), status="required", min_percent=100.0)
    return dataclasses.replace(config, locales=MappingProxyType(locales))


def untranslated_text(text: str) -> bool:
    """Whether visible ``text`` holds letters that no pseudo-translation went through.

    >>> untranslated_text("⟦Ĥéļļö⟧ 42 €"), untranslated_text("Read more")
    (False, True)
    """
    return _LETTER_RE.search(text) is not None
