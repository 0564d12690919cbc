"""Pseudo-locales: accented, expanded, bracketed text that keeps placeholders and Markdown,
and a pseudo build in which every visible string went through translation."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lingopress.build import build_site
from lingopress.checks import markup_problems, placeholder_problems, render_safe
from lingopress.config import Config
from lingopress.pofile import Catalog, Message
from lingopress.pseudo import CLOSE, OPEN, pseudo_catalog, pseudo_locale, pseudo_text, untranslated_text
from lingopress.sitecheck import check_site
from lingopress.values import placeholder_names
from sample_site import make_sample_site

_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
_SKIP = {"script", "style", "title", "head"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Visible(HTMLParser):
    """Visible text and accessible labels of a page, without what is meant to stay as it is:
    blocks marked translate="no" and the language switcher's native names (lang + hreflang)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = bool(self.stack and self.stack[-1]) or tag in _SKIP
        hidden = hidden or values.get("translate") == "no" or ("lang" in values and "hreflang" in values)
        if not hidden:
            for name in ("aria-label", "alt", "title", "placeholder"):
                if values.get(name):
                    self.found.append((self.getpos()[0], values[name] or ""))
            if tag == "meta" and values.get("name") == "description":
                self.found.append((self.getpos()[0], values.get("content") or ""))
        if tag not in _VOID:
            self.stack.append(hidden)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]) and data.strip():
            self.found.append((self.getpos()[0], data))


def not_pseudo_translated(html: str) -> list[str]:
    """Each visible string of ``html`` that holds letters no pseudo-translation went through."""
    parser = _Visible()
    parser.feed(html)
    return [
        f"line {line}: {text.strip()!r}"
        for line, text in parser.found
        if untranslated_text(text.translate(_BIDI))
    ]


# --------------------------------------------------------------------------- the text


def test_pseudo_text_keeps_placeholders_links_code_and_entities() -> None:
    """Only letters outside placeholders, link targets, code spans and entities change."""
    text = "See **{price}** in [the list](https://example.org/a) or `run_it` &amp; <https://x.org/b>."
    out = pseudo_text(text)
    assert out.startswith(OPEN) and out.endswith(CLOSE)
    for kept in ("{price}", "](https://example.org/a)", "`run_it`", "&amp;", "<https://x.org/b>", "**"):
        assert kept in out
    assert "See" not in out and "list" not in out
    assert render_safe(text, out)


def test_pseudo_text_is_about_a_third_longer() -> None:
    """Visible text grows by at least 35 %, so a layout that cannot take longer text shows it."""
    text = "Contact us to learn how stem cells would help your personal case."
    assert len(pseudo_text(text)) - 2 >= 1.35 * len(text)


def test_rtl_pseudo_text_runs_right_to_left_between_placeholders() -> None:
    """ar-XB wraps each run of text in a right-to-left override, closed before each placeholder."""
    out = pseudo_text("Costs {price} now", "rtl")
    assert out.count("\u202e") == out.count("\u202c") >= 2
    assert "\u202c{price}\u202e" in out


_words = st.text(alphabet=st.sampled_from("abcXYZ .,!?-'’é"), min_size=1, max_size=12)
_pieces = st.sampled_from(
    ["{n}", "{price_min}", "**bold**", "*em*", "`x_y`", "[link](https://e.org/p)", "{{"]
)


@given(st.lists(st.one_of(_words, _pieces), min_size=1, max_size=8), st.sampled_from(["ltr", "rtl"]))
def test_pseudo_translation_passes_the_content_checks(parts: list[str], direction: str) -> None:
    """Whatever the message, its pseudo-translation has the same placeholders and markup."""
    text = "".join(parts).strip() or "x"
    out = pseudo_text(text, direction)
    assert placeholder_names(out) == placeholder_names(text)
    assert placeholder_problems(text, out) == []
    assert [p for p in markup_problems(text, out) if p.severity == "error"] == []


def test_plural_entries_get_every_form_of_the_base_locale() -> None:
    """A plural message has as many pseudo forms as the locale's plural rule needs."""
    pot = Catalog(messages=[Message("{num} minute read", msgid_plural="{num} minutes read", msgstr=["", ""])])
    catalog = pseudo_catalog(pot, pseudo_locale("en_XA"))
    forms = catalog.messages[0].msgstr
    assert len(forms) == 2 and "ɱîîñûûţéé " in forms[0] and "ɱîîñûûţééš" in forms[1]
    assert catalog.header_fields()["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


# --------------------------------------------------------------------------- the site


@pytest.fixture(scope="module")
def pseudo_site(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return make_sample_site(tmp_path_factory.mktemp("pseudo") / "project", pseudo=True)


@pytest.mark.parametrize(("tag", "direction"), [("en-xa", "ltr"), ("ar-xb", "rtl")])
def test_every_visible_string_of_a_pseudo_page_is_pseudo_translated(
    pseudo_site: Config, tag: str, direction: str
) -> None:
    """No hard-coded text: every visible string and label on the pseudo pages went through gettext."""
    html = (pseudo_site.build_dir / tag / "sample" / "index.html").read_text("utf-8")
    assert f'<html lang="{tag[:3]}{tag[3:].upper()}" dir="{direction}">' in html
    assert not_pseudo_translated(html) == []


def test_a_hard_coded_template_string_is_caught(pseudo_site: Config, tmp_path: Path) -> None:
    """The check above can fail: a template string outside gettext shows up, at its line."""
    project = tmp_path / "project"
    shutil.copytree(pseudo_site.root, project, symlinks=True)
    base = project / "source" / "templates" / "base.html"
    base.write_text(base.read_text("utf-8").replace("</footer>", "<p>Call us today</p></footer>"), "utf-8")
    from lingopress.config import load_config

    config = load_config(project)
    build_site(config, pseudo=True)
    html = (config.build_dir / "en-xa" / "sample" / "index.html").read_text("utf-8")
    problems = not_pseudo_translated(html)
    assert len(problems) == 1 and "'Call us today'" in problems[0]


def test_pseudo_build_writes_nothing_to_locales_and_passes_the_site_check(pseudo_site: Config) -> None:
    """Pseudo-locales live in build/ only, with complete, reciprocal hreflang links."""
    assert not (pseudo_site.locales_dir / "en_XA").exists()
    assert not (pseudo_site.locales_dir / "ar_XB").exists()
    de = (pseudo_site.build_dir / "de" / "sample" / "index.html").read_text("utf-8")
    assert 'hreflang="en-XA"' in de and 'hreflang="ar-XB"' in de
    assert check_site(pseudo_site) == []
