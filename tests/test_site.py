"""The built sample site: head, switcher, dates, reading time, fallbacks, index, sitemap,
static files, HTML validity, and a stylesheet that mirrors for RTL with enough contrast."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest

from lingopress.build import build_site
from lingopress.config import Config
from sample_site import make_sample_site, validation_errors, validator_name

PUBLISHED = {"en": "ltr", "de": "ltr", "tr": "ltr", "ar": "rtl", "ja": "ltr"}
NATIVE = {"en": "English", "de": "Deutsch", "tr": "Türkçe", "ar": "العربية", "ja": "日本語"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return make_sample_site(tmp_path_factory.mktemp("site") / "project")


def _page(site: Config, tag: str) -> str:
    return (site.build_dir / tag / "sample" / "index.html").read_text("utf-8")


@pytest.mark.parametrize("tag", PUBLISHED)
def test_every_page_has_its_language_canonical_and_every_alternate(site: Config, tag: str) -> None:
    """<html lang dir> from CLDR, canonical URL from base_url, hreflang for every published
    language and x-default, and a switcher of native names linking to the same article."""
    html = _page(site, tag)
    assert f'<html lang="{tag}" dir="{PUBLISHED[tag]}">' in html
    assert f'<link rel="canonical" href="https://example.org/{tag}/sample/">' in html
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    expected = [(t, f"https://example.org/{t}/sample/") for t in PUBLISHED]
    assert alternates == [*expected, ("x-default", "https://example.org/en/sample/")]
    switcher = re.findall(
        r'<a href="([^"]+)" lang="([^"]+)" hreflang="[^"]+" dir="(\w+)"([^>]*)>([^<]+)</a>', html
    )
    assert [(href, lang, name) for href, lang, _, _, name in switcher] == [
        (f"../../{t}/sample/", t, NATIVE[t]) for t in PUBLISHED
    ]
    assert [lang for _, lang, _, current, _ in switcher if 'aria-current="page"' in current] == [tag]
    assert [d for _, _, d, _, _ in switcher] == list(PUBLISHED.values())


@pytest.mark.parametrize(
    ("tag", "title", "description", "dates", "reading"),
    [
        ("en", "Sample Treatment", "What the sample treatment costs: from €7,000.",
         ("Published <time", ">January 20, 2025</time>"), "1 minute read"),
        ("de", "Beispielbehandlung", "Was die Beispielbehandlung kostet: ab 7.000\xa0€.",
         ("Veröffentlicht am <time", ">20. Januar 2025</time>"), "1 Minute Lesezeit"),
        ("ar", "علاج تجريبي", "تكلفة العلاج التجريبي: ابتداءً من \u200f7,000\xa0€.",
         ("نُشر في <bdi><time", ">20 يناير 2025</time></bdi>"), "<bdi>1</bdi> دقيقة قراءة"),
        ("ja", "サンプル治療", "サンプル治療の費用：€7,000から。",
         ('<time datetime="2025-01-20">2025年1月20日</time>公開', ""), "1分で読めます"),
    ],
)  # fmt: skip
def test_title_description_dates_and_reading_time_are_localized(
    site: Config, tag: str, title: str, description: str, dates: tuple[str, str], reading: str
) -> None:
    """Localized <title>, meta description (values formatted for the locale), CLDR dates
    and a reading-time line in the locale's plural form."""
    html = _page(site, tag)
    assert f"<title>{title} · Sample Clinic</title>" in html
    assert f'<meta name="description" content="{description}">' in html
    assert dates[0] in html and dates[1] in html
    assert f"<span>{reading}</span>" in html


def test_an_untranslated_page_part_says_it_is_english(site: Config) -> None:
    """tr translated little: its fallbacks, title included, are lang="en"; template strings too."""
    tr = _page(site, "tr")
    assert "<title>Örnek Tedavi · Sample Clinic</title>" in tr
    assert '<span lang="en">1 minute read</span>' in tr
    assert '<p lang="en">Psoriasis affects over 120 million people.' in tr
    assert "<strong>Rahatlama.</strong> Yaklaşık %40 iyileşti." in tr


def test_preview_locale_says_the_page_is_partly_translated(site: Config) -> None:
    """ja is a preview locale with fallbacks: a notice says so (in English, marked as such);
    de is complete and required: no notice."""
    ja = _page(site, "ja")
    assert (
        '<p class="notice" role="note" lang="en">This page is partly translated.'
        " Passages not yet translated are shown in English.</p>"
    ) in ja
    assert 'class="notice"' not in _page(site, "de")


def test_rtl_page_isolates_values_and_keeps_english_blocks_ltr(site: Config) -> None:
    """On the ar page values are <bdi>-isolated; an English fallback block and the untranslated
    reference list are lang="en" dir="ltr" and show English formats."""
    ar = _page(site, "ar")
    assert "تبدأ تكلفة العلاج من <bdi>\u200f7,000\xa0€</bdi>" in ar
    assert (
        '<p dir="ltr" lang="en">Psoriasis affects over 120 million people.'
        " We have treated 10,000 patients.</p>"
    ) in ar
    assert '<div class="references" dir="ltr" lang="en" translate="no">' in ar
    assert '<a class="brand" href="../../index.html" translate="no" dir="auto">Sample Clinic</a>' in ar


def test_language_index_lists_languages_by_native_name_with_their_articles(site: Config) -> None:
    """build/index.html: one entry per published language (native name, lang, dir) and its articles."""
    index = (site.build_dir / "index.html").read_text("utf-8")
    entries = re.findall(r'<li lang="([^"]+)" dir="(\w+)">\s*<h2 id="lang-[^"]+">([^<]+)</h2>', index)
    assert entries == [(t, d, NATIVE[t]) for t, d in PUBLISHED.items()]
    assert '<a href="ja/sample/" hreflang="ja">サンプル治療</a>' in index
    assert '<a href="de/sample/" hreflang="de">Beispielbehandlung</a>' in index
    assert '<link rel="canonical" href="https://example.org/">' in index


def test_sitemap_lists_every_page_with_all_its_alternates(site: Config) -> None:
    """sitemap.xml: the index and each page, each page with xhtml:link for every language and x-default."""
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
    root = etree.parse(site.build_dir / "sitemap.xml").getroot()
    urls = root.findall("sm:url", ns)
    locs = [u.findtext("sm:loc", namespaces=ns) for u in urls]
    assert locs == ["https://example.org/", *(f"https://example.org/{t}/sample/" for t in PUBLISHED)]
    for url in urls[1:]:
        links = {link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", ns)}
        assert links == {
            **{t: f"https://example.org/{t}/sample/" for t in PUBLISHED},
            "x-default": "https://example.org/en/sample/",
        }
        assert url.findtext("sm:lastmod", namespaces=ns) == "2025-02-03"


def test_static_files_are_copied_once_and_rebuilds_are_stable(site: Config) -> None:
    """One copy of the stylesheet, linked from every page; a second build rewrites nothing."""
    assert [p.relative_to(site.build_dir).as_posix() for p in site.build_dir.rglob("*.css")] == [
        "static/style.css"
    ]
    assert (site.build_dir / "static" / "style.css").read_bytes() == (
        site.static_dir / "style.css"
    ).read_bytes()
    for tag in PUBLISHED:
        assert '<link rel="stylesheet" href="../../static/style.css">' in _page(site, tag)
    assert build_site(site).written == []


def test_every_built_page_is_valid_html(site: Config) -> None:
    """The W3C Nu validator (or html5lib's strict parser without Java) finds no error in any page."""
    pages = sorted(site.build_dir.rglob("*.html"))
    assert len(pages) == 7
    assert site.build_dir / "status.html" in pages
    assert validation_errors(pages) == [], validator_name()


def test_the_validator_reports_invalid_html(tmp_path: Path) -> None:
    """The validation above can fail: a misnested page is an error at its line."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html>\n<html lang="en">\n<title>x</title>\n<p><div></p></div>\n', "utf-8")
    errors = validation_errors([page])
    assert errors and all("bad.html" in e for e in errors)


def test_page_structure_for_assistive_technology(site: Config) -> None:
    """Landmarks, a skip link to <main>, one <h1> before the article's <h2>s."""
    for tag in PUBLISHED:
        html = _page(site, tag)
        for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
            assert landmark in html
        assert re.search(r'<body>\s*(?:\{#[^#]*#\}\s*)?<a class="skip-link" href="#main"', html)
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1 and levels.count(1) == 1 and levels[1:] and set(levels[1:]) == {2}


# --------------------------------------------------------------------------- the stylesheet


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _stylesheet(site: Config) -> str:
    return (site.static_dir / "style.css").read_text("utf-8")


def test_text_colours_have_enough_contrast(site: Config) -> None:
    """Every text/background pair of the theme reaches WCAG AA (4.5:1) for body text."""
    css = _stylesheet(site)
    var = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    var["white"] = "#ffffff"
    notice = re.search(r"\.notice \{[^}]*background: (#[0-9a-fA-F]{6})", css)
    promo = re.search(r"\.promo \{[^}]*background: (#[0-9a-fA-F]{6})", css)
    assert notice and promo
    pairs = [
        (var["text"], var["bg"]),
        (var["muted"], var["bg"]),
        (var["accent"], var["bg"]),
        (var["white"], var["accent"]),  # current language, skip link
        (var["text"], var["accent-bg"]),  # table headers, call to action
        (var["accent"], var["accent-bg"]),  # a link inside a call to action
        (var["text"], notice.group(1)),
        (var["accent"], promo.group(1)),
        (var["muted"], promo.group(1)),
    ]
    low = [(fg, bg, round(_contrast(fg, bg), 2)) for fg, bg in pairs if _contrast(fg, bg) < 4.5]
    assert low == []


def test_layout_uses_logical_properties_so_rtl_mirrors(site: Config) -> None:
    """No physical left/right in the stylesheet: margins, paddings, borders, positions and text
    alignment are start/end, so an RTL page is a mirror image."""
    css = _stylesheet(site)
    physical = re.findall(
        r"(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right)\s*:|"
        r"text-align:\s*(?:left|right)|float:\s*(?:left|right)",
        css,
    )
    assert physical == []
