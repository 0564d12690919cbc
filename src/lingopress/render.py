"""Article + translations + values -> one HTML page for one locale (Jinja2 templates).

Translations are text. A translation that fails a content check (placeholders,
links, markup, raw HTML) is not used: the block falls back to the source text
and says so with ``lang``. Template strings are escaped before their values are
put in, so a translator cannot inject markup through ``site.po`` either.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from lingopress.checks import render_safe
from lingopress.config import Config
from lingopress.errors import TemplateError
from lingopress.locales import LocaleInfo
from lingopress.plurals import compile_plural, parse_plural_forms
from lingopress.pofile import Catalog
from lingopress.pseudo import PseudoLocaleInfo, accent
from lingopress.segment import BodySegmenter, ParsedBody, Segment, Translation
from lingopress.source import Article
from lingopress.values import format_value, tokenize

__all__ = ["LanguageLink", "Renderer", "Translations", "reading_minutes"]

Key = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class Translations:
    """The usable translations of one domain in one locale: translated, not fuzzy, safe."""

    entries: Mapping[Key, tuple[str, ...]]
    plural_forms: str | None = None
    """The catalog's own ``Plural-Forms`` (which of its ``msgstr[i]`` a number takes); None: the
    locale's CLDR rule."""

    @classmethod
    def from_catalog(
        cls, catalog: Catalog | None, unsafe: frozenset[Key] | set[Key] | None = None
    ) -> Translations:
        """The catalog's translated entries but ``unsafe`` ones: those the check found an error
        in (:attr:`lingopress.gate.CatalogCheck.unsafe`). Without ``unsafe``, every form is
        checked here (:func:`lingopress.checks.render_safe`)."""
        if catalog is None:
            return cls({})
        entries: dict[Key, tuple[str, ...]] = {}
        for message in catalog.messages:
            if not message.translated:
                continue
            if unsafe is not None:
                if message.key in unsafe:
                    continue
            else:
                sources = [message.msgid] + ([message.msgid_plural] if message.msgid_plural else [])
                if not all(
                    render_safe(sources[min(i, len(sources) - 1)], form)
                    for i, form in enumerate(message.msgstr)
                ):
                    continue
            entries[message.key] = tuple(message.msgstr)
        plural_forms = catalog.header_fields().get("Plural-Forms") if catalog.header.msgstr[0] else None
        return cls(entries, plural_forms)

    @classmethod
    def identity(cls) -> Translations:
        return cls({})

    def get(self, context: str | None, msgid: str) -> tuple[str, ...] | None:
        return self.entries.get((context, msgid))


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """One entry of the language switcher."""

    tag: str
    native_name: str
    href: str
    url: str
    current: bool
    dir: str = "ltr"


_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff66-\uff9f]")
# What is left out of the word count where there are CJK characters: the characters themselves
# and the CJK and full-width punctuation around them (a '。' alone is not a word).
_CJK_TEXT_RE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff00-\uffef]+")
_TAG_RE = re.compile(r"<[^>]+>")


def reading_minutes(html: str) -> int:
    """Minutes to read ``html``: 200 words a minute, CJK counted as 500 characters a minute.

    Words are what whitespace separates, as ``wc -w`` and Hugo's word count have them:
    ``l'homme`` and ``1,5`` are one word each, and so is an Arabic word with its vowel
    marks (which a regular expression's ``\\w`` does not match).

    >>> reading_minutes("<p>" + "word " * 450 + "</p>")
    2
    """
    text = _TAG_RE.sub(" ", html)
    if text.isascii():
        return max(1, round(len(text.split()) / 200))
    cjk = len(_CJK_RE.findall(text))
    words = len((_CJK_TEXT_RE.sub(" ", text) if cjk else text).split())
    return max(1, round(words / 200 + cjk / 500))


@lru_cache(maxsize=4096)
def _long_date(value: dt.date, locale: Locale) -> str:
    """``value`` in the locale's long format, kept: articles published the same day share it."""
    return str(format_date(value, "long", locale=locale))


@cache
def _plural_function(plural_forms: str) -> Callable[[int], int]:
    """The rule of a ``Plural-Forms`` value (checked by then: one that is not falls back to n != 1)."""
    try:
        return compile_plural(parse_plural_forms(plural_forms)[1])
    except ValueError:
        return compile_plural("n != 1")


class _TemplateLoader(jinja2.FileSystemLoader):
    """Jinja2's loader (which finds only regular files, inside the folder), with a template that
    is not UTF-8 reported at its ``path:line``."""

    def __init__(self, config: Config):
        super().__init__(str(config.templates_dir))
        self.config = config

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            path = self.config.templates_dir.joinpath(*jinja2.loaders.split_template_path(template))
            line = exc.object[: exc.start].count(b"\n") + 1
            raise TemplateError("not valid UTF-8", self.config.relative(path), line) from exc


class Renderer:
    """Renders pages with the project's templates; one per process."""

    def __init__(self, config: Config):
        self.config = config
        self.segmenter = BodySegmenter()
        self.env = jinja2.Environment(
            loader=_TemplateLoader(config),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # a renderer lives for one build: no need to stat templates per page
        )

    def _template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                exc.message or "syntax error", self.config.relative(Path(exc.filename or name)), exc.lineno
            ) from exc
        except jinja2.TemplateNotFound as exc:
            raise TemplateError("template not found", f"source/templates/{name}") from exc

    def _render(self, name: str, context: dict[str, Any]) -> str:
        template = self._template(name)
        try:
            return template.render(context)
        except jinja2.TemplateError as exc:
            lineno = getattr(exc, "lineno", None)
            raise TemplateError(f"cannot render: {exc}", f"source/templates/{name}", lineno) from exc

    # -- values -------------------------------------------------------------------

    def _show(self, text: str, locale: LocaleInfo) -> Markup:
        """A formatted value for the page: escaped, accented on a pseudo-locale,
        isolated on a right-to-left page so that digits and Latin text keep their order."""
        if isinstance(locale, PseudoLocaleInfo):
            text = accent(text)
        html = escape(text)
        return Markup(f"<bdi>{html}</bdi>") if locale.direction == "rtl" else html

    def date(self, value: dt.date, locale: LocaleInfo) -> Markup:
        """A ``<time>`` element with the date written the locale's way (CLDR long format)."""
        text = _long_date(value, locale.babel)
        if isinstance(locale, PseudoLocaleInfo):
            text = accent(text)
        shown = Markup(f'<time datetime="{value.isoformat()}">{escape(text)}</time>')
        return Markup(f"<bdi>{shown}</bdi>") if locale.direction == "rtl" else shown

    # -- template strings -----------------------------------------------------------

    def gettext_functions(self, locale: LocaleInfo, site: Translations) -> dict[str, Callable[..., Markup]]:
        """The template's gettext functions for ``locale``, and ``fallback_attrs(message)``."""
        babel_locale = locale.babel
        plural = _plural_function(site.plural_forms or locale.plural_forms)
        source_plural = _plural_function(self.config.source_locale.plural_forms)

        def fill(text: str, values: dict[str, Any]) -> Markup:
            out = []
            for token in tokenize(text):
                if token.field is None:
                    out.append(escape(token.text))
                    continue
                value = values.get(token.field, "")
                if isinstance(value, Markup):
                    out.append(value)
                elif isinstance(value, int) and not isinstance(value, bool):
                    out.append(self._show(format_decimal(value, locale=babel_locale), locale))
                else:
                    out.append(self._show(str(value), locale))
            return Markup("".join(out))

        def gettext(message: str, **values: Any) -> Markup:
            found = site.get(None, message)
            return fill(found[0] if found else message, values)

        def pgettext(context: str, message: str, **values: Any) -> Markup:
            found = site.get(context, message)
            return fill(found[0] if found else message, values)

        def ngettext(singular: str, plural_text: str, n: int, **values: Any) -> Markup:
            values.setdefault("num", n)
            found = site.get(None, singular)
            if found:
                index = plural(n)
                return fill(found[min(index, len(found) - 1)], values)
            return fill(singular if source_plural(n) == 0 else plural_text, values)

        source = self.config.source_locale
        fallback = f' lang="{source.tag}"'
        if locale.direction != source.direction:
            fallback += f' dir="{source.direction}"'

        def fallback_attrs(message: str, context: str | None = None) -> Markup:
            """``lang`` (and ``dir``) for the element of a template string shown in the source language."""
            if locale.name == source.name or site.get(context, message):
                return Markup("")
            return Markup(fallback)

        return {
            "_": gettext,
            "gettext": gettext,
            "pgettext": pgettext,
            "ngettext": ngettext,
            "fallback_attrs": fallback_attrs,
        }

    # -- article pages --------------------------------------------------------------

    def article_body(
        self,
        article: Article,
        locale: LocaleInfo,
        translations: Translations,
        parsed: ParsedBody | None = None,
    ) -> tuple[str, int, int]:
        """The body's HTML, and how many blocks were translated and fell back. ``parsed``: the
        body parsed once (:meth:`BodySegmenter.parse`) for all the locales of the article."""
        counts = [0, 0]
        source = self.config.source_locale
        is_source = locale.name == source.name

        def translate(segment: Segment) -> Translation:
            found = None if is_source else translations.get(segment.context, segment.text)
            if found:
                counts[0] += 1
                return Translation(found[0], fallback=False)
            counts[1] += 1
            return Translation(segment.text, fallback=not is_source)

        def fill(name: str) -> str:
            return str(self._show(format_value(article.values[name], locale.babel), locale))

        def fill_fallback(name: str) -> str:
            # A block shown in the source language shows its values the source language's way too.
            return str(self._show(format_value(article.values[name], source.babel), source))

        fallback = {} if is_source else {"lang": source.tag}
        if locale.direction != source.direction:
            fallback["dir"] = source.direction
        html = self.segmenter.render(
            parsed or article.body, translate, fill, fallback, article.body_line, fill_fallback=fill_fallback
        )
        return html, counts[0], counts[1]

    def plain(
        self, article: Article, locale: LocaleInfo, translations: Translations, text: str
    ) -> tuple[str, bool]:
        """A front-matter string (title, description) translated, with values; and whether it fell back."""
        is_source = locale.name == self.config.source_locale.name
        found = None if is_source or not text else translations.get(None, text)
        chosen = found[0] if found else text
        shown = locale if found else self.config.source_locale
        out = []
        for token in tokenize(chosen):
            if token.field is not None and token.field in article.values:
                value = format_value(article.values[token.field], shown.babel)
                out.append(accent(value) if isinstance(shown, PseudoLocaleInfo) else value)
            else:
                out.append(token.text)
        return "".join(out), bool(text) and not found and not is_source

    def article_page(
        self,
        article: Article,
        locale: LocaleInfo,
        translations: Translations,
        site: Translations,
        languages: list[LanguageLink],
        preview: bool,
        parsed: ParsedBody | None = None,
    ) -> str:
        body, _, fallbacks = self.article_body(article, locale, translations, parsed)
        title, title_fallback = self.plain(article, locale, translations, article.title)
        description, _ = self.plain(article, locale, translations, article.description)
        source = self.config.source_locale
        title_attrs = ""
        if title_fallback:
            title_attrs = f' lang="{source.tag}"'
            if locale.direction != source.direction:
                title_attrs += f' dir="{source.direction}"'
        current = next(lang for lang in languages if lang.current)
        source_url = next(lang.url for lang in languages if lang.tag == source.tag)
        page = {
            "lang": locale.tag,
            "dir": locale.direction,
            "root": "../../",
            "title": title,
            "title_attrs": Markup(title_attrs),
            "description": description,
            "url": current.url,
            "x_default": source_url,
            "alternates": [{"tag": lang.tag, "url": lang.url} for lang in languages],
            "languages": languages,
            "preview": preview and fallbacks > 0,
            "published": self.date(article.published, locale) if article.published else None,
            "updated": self.date(article.updated, locale) if article.updated else None,
            "minutes": reading_minutes(body),
            "body": Markup(body),
        }
        context = {"page": page, "site_name": self.config.site_name, **self.gettext_functions(locale, site)}
        return self._render("article.html", context)

    def index_page(self, languages: list[dict[str, Any]], site: Translations) -> str:
        """build/index.html: every published language by its native name, with its articles."""
        locale = self.config.source_locale
        page = {"lang": locale.tag, "dir": locale.direction, "root": "", "url": self.config.base_url + "/"}
        context = {
            "page": page,
            "site_name": self.config.site_name,
            "languages": languages,
            **self.gettext_functions(locale, site),
        }
        return self._render("index.html", context)
