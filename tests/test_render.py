"""Rendering one page: reading time, plural forms, dates, values by block language, escaping."""

from __future__ import annotations

import datetime as dt

import pytest

from lingopress.config import Config
from lingopress.locales import locale_info
from lingopress.render import Renderer, Translations, reading_minutes
from lingopress.site import language_links
from lingopress.source import read_article

READ = "{num} minute read"


def test_reading_time_counts_cjk_by_characters() -> None:
    """Japanese has no spaces: 1,000 characters are two minutes, not one 'word'."""
    assert reading_minutes("<p>" + "治療" * 500 + "</p>") == 2
    assert reading_minutes("<p>" + "word " * 450 + "</p>") == 2
    assert reading_minutes("<p>" + "word " * 10 + "</p>") == 1


def test_reading_time_counts_words_between_spaces() -> None:
    """An elided article, a decimal number and an Arabic word with vowel marks are one word each
    (300 words: 1.5 minutes, shown as 2); the punctuation between CJK characters is not a word."""
    assert reading_minutes("<p>" + "l'homme " * 300 + "</p>") == 2
    assert reading_minutes("<p>" + "1,5 " * 300 + "</p>") == 2
    arabic = "\u0627\u0644\u0652\u062d\u064e\u0645\u0652\u062f\u064f"  # with sukun, fatha and damma
    assert reading_minutes("<p>" + f"{arabic} " * 300 + "</p>") == 2
    assert reading_minutes("<p>" + "治療。" * 500 + "</p>") == 2
    assert reading_minutes("<p>word</p>" * 300) == 2  # a tag separates words


_RU = ["{num} минута", "{num} минуты", "{num} минут"]
_AR = ["0:{num}", "1:{num}", "2:{num}", "3:{num}", "4:{num}", "5:{num}"]


@pytest.mark.parametrize(
    ("locale", "forms", "expected"),
    [
        ("ru", _RU, {1: "1 минута", 3: "3 минуты", 5: "5 минут", 11: "11 минут", 21: "21 минута"}),
        (
            "sr_Latn",
            ["{num} A", "{num} B", "{num} C"],
            {1: "1 A", 2: "2 B", 5: "5 C", 12: "12 C", 21: "21 A"},
        ),
        ("ar", _AR, {0: "0:<bdi>0</bdi>", 1: "1:<bdi>1</bdi>", 2: "2:<bdi>2</bdi>", 7: "3:<bdi>7</bdi>"}),
        ("ja", ["{num}分で読めます"], {1: "1分で読めます", 12: "12分で読めます"}),
    ],
)
def test_reading_time_uses_the_locales_plural_forms(
    project: Config, locale: str, forms: list[str], expected: dict[int, str]
) -> None:
    """ngettext picks the CLDR plural form of the locale (ru, sr_Latn, ar six forms, ja one)."""
    site = Translations({(None, READ): tuple(forms)})
    ngettext = Renderer(project).gettext_functions(locale_info(locale), site)["ngettext"]
    for n, text in expected.items():
        assert str(ngettext(READ, "{num} minutes read", n, num=n)) == text
    if locale == "ar":  # many (11-99) and other (100-102) are two more forms of their own
        shown = {str(ngettext(READ, "", n, num=n))[0] for n in (0, 1, 2, 7, 11, 100)}
        assert shown == set("012345")


def test_untranslated_template_strings_use_the_source_plural_and_say_their_language(project: Config) -> None:
    """Without a translation, English singular/plural is shown and its element is marked lang="en"."""
    functions = Renderer(project).gettext_functions(locale_info("ar"), Translations({}))
    assert str(functions["ngettext"](READ, "{num} minutes read", 1, num=1)) == "<bdi>1</bdi> minute read"
    assert str(functions["ngettext"](READ, "{num} minutes read", 2, num=2)) == "<bdi>2</bdi> minutes read"
    assert str(functions["fallback_attrs"](READ)) == ' lang="en" dir="ltr"'
    translated = Renderer(project).gettext_functions(locale_info("ar"), Translations({(None, READ): ("x",)}))
    assert str(translated["fallback_attrs"](READ)) == ""
    english = Renderer(project).gettext_functions(locale_info("en"), Translations({}))
    assert str(english["fallback_attrs"](READ)) == ""


def test_markup_in_a_template_translation_is_escaped(project: Config) -> None:
    """A translator cannot inject HTML through site.po; the value (a <time>) stays markup."""
    renderer = Renderer(project)
    site = Translations({(None, "Published {date}"): ('<script>alert("x")</script> {date}',)})
    gettext = renderer.gettext_functions(locale_info("de"), site)["_"]
    html = str(gettext("Published {date}", date=renderer.date(dt.date(2025, 1, 20), locale_info("de"))))
    assert html == (
        '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; <time datetime="2025-01-20">20. Januar 2025</time>'
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("de", '<time datetime="2025-01-20">20. Januar 2025</time>'),
        ("ja", '<time datetime="2025-01-20">2025年1月20日</time>'),
        ("ar", '<bdi><time datetime="2025-01-20">20 يناير 2025</time></bdi>'),
    ],
)
def test_dates_are_written_the_locales_way(project: Config, locale: str, expected: str) -> None:
    """Published/updated dates use CLDR's long format, in a machine-readable <time>."""
    assert str(Renderer(project).date(dt.date(2025, 1, 20), locale_info(locale))) == expected


def test_fallback_blocks_are_english_through_and_through(project: Config) -> None:
    """On the ar page an untranslated block is lang="en" dir="ltr" with English number formats;
    a translated block has Arabic formats, isolated with <bdi>."""
    article = read_article(project.source_dir / "sample.md", "source/sample.md")
    translated = "الأسعار من {price_min}؛ وفي الولايات المتحدة حتى {price_us}. سارية من {valid_from}."
    msgid = (
        "Treatment costs from {price_min}; in the US up to {price_us}. Prices are valid as of {valid_from}."
    )
    html, done, fallbacks = Renderer(project).article_body(
        article, locale_info("ar"), Translations({(None, msgid): (translated,)})
    )
    assert done == 1 and fallbacks > 5
    assert (
        '<p dir="ltr" lang="en">Psoriasis affects over 120 million people.'
        " We have treated 10,000 patients.</p>"
    ) in html
    assert "الأسعار من <bdi>\u200f7,000\xa0€</bdi>" in html
    assert '<div class="references" dir="ltr" lang="en" translate="no">' in html


def test_article_page_head_and_switcher(project: Config) -> None:
    """lang/dir from CLDR, localized title, canonical, hreflang for each language plus x-default,
    and a switcher with native names that marks the current language."""
    article = read_article(project.source_dir / "sample.md", "source/sample.md")
    published = [locale_info("en"), locale_info("sr_Latn"), locale_info("ar")]
    current = locale_info("sr_Latn")
    translations = Translations({(None, "Sample Treatment"): ("Probni tretman",)})
    html = Renderer(project).article_page(
        article,
        current,
        translations,
        Translations({}),
        language_links(project, published, current, "sample"),
        preview=True,
    )
    assert '<html lang="sr-Latn" dir="ltr">' in html
    assert "<title>Probni tretman · Sample Clinic</title>" in html
    assert '<link rel="canonical" href="https://example.org/sr-latn/sample/">' in html
    for tag, path in [("en", "en"), ("sr-Latn", "sr-latn"), ("ar", "ar"), ("x-default", "en")]:
        assert f'<link rel="alternate" hreflang="{tag}" href="https://example.org/{path}/sample/">' in html
    assert (
        '<a href="../../sr-latn/sample/" lang="sr-Latn" hreflang="sr-Latn" dir="ltr" aria-current="page">'
        "Srpski (latinica)</a>"
    ) in html
    assert '<a href="../../ar/sample/" lang="ar" hreflang="ar" dir="rtl">العربية</a>' in html
    assert 'class="notice"' in html, "a preview page with fallbacks says it is partly translated"
