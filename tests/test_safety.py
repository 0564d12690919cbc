"""Hostile translations: refused by the check, and harmless in the built page either way.

A translator controls msgstr text only. Whatever it holds, the page must not gain a
script, an event handler, a ``javascript:``/``data:`` URL, a heading or any element
that the source page does not have; placeholders are names looked up among the
article's values, never a format string.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_project
from lingopress.checks import markup_problems, placeholder_problems, render_safe
from lingopress.pofile import Catalog, Message, read_po, save_po
from lingopress.render import Translations

PARAGRAPH = "Psoriasis affects over {affected} people. We have treated {patients} patients."
LINK_ITEM = "Read the [study](https://doi.org/10.1000/xyz) for details."
PRICES = "Treatment costs from {price_min}; in the US up to {price_us}. Prices are valid as of {valid_from}."

REFUSED = [
    ("<script>alert(1)</script> {affected} {patients}", PARAGRAPH),
    ("<SCRIPT>alert(1)</SCRIPT> {affected} {patients}", PARAGRAPH),
    ("<img src=x onerror=alert(1)> {affected} {patients}", PARAGRAPH),
    ("<a href='javascript:alert(1)'>x</a> {affected} {patients}", PARAGRAPH),
    ("{affected} {patients} <!-- hidden -->", PARAGRAPH),
    ("[x](javascript:alert(1)) {affected} {patients}", PARAGRAPH),
    ("Lesen Sie die [Studie](javascript:alert(1)).", LINK_ITEM),
    ("Lesen Sie die [Studie](data:text/html;base64,PHNjcmlwdD4=).", LINK_ITEM),
    ("Lesen Sie die [Studie](https://evil.example/xyz).", LINK_ITEM),
    ("Lesen Sie die Studie.", LINK_ITEM),
    ("## Titel {affected} {patients}", PARAGRAPH),
    ("- Liste {affected} {patients}", PARAGRAPH),
    ("{affected.__class__} {patients}", PARAGRAPH),
    ("{affected[0]} {patients}", PARAGRAPH),
    ("{0} {affected} {patients}", PARAGRAPH),
    ("{affected!r} {patients}", PARAGRAPH),
    ("{affected:>999999} {patients}", PARAGRAPH),
    ("{affected} {patients} {price_min}", PARAGRAPH),
    ("{affected} {patientz}", PARAGRAPH),
    ("{affected}", PARAGRAPH),
    ("{affected} {patients} {", PARAGRAPH),
    ("{affected} {patients} }", PARAGRAPH),
    ("Wirkung {0}", "Effect"),
]


@pytest.mark.parametrize(("msgstr", "msgid"), REFUSED)
def test_check_refuses_hostile_translations(msgstr: str, msgid: str) -> None:
    """Markup, links, block syntax and non-name placeholders a source lacks are errors, flag or not."""
    assert not render_safe(msgid, msgstr)
    errors = placeholder_problems(msgid, msgstr) + markup_problems(msgid, msgstr)
    assert any(p.severity == "error" for p in errors)


@pytest.mark.parametrize(
    "msgstr",
    [
        "{{literal}} {affected} und {patients}.",
        "Über {affected} Menschen; {patients} Patienten (a < b, x > y, &amp;).",
        "{patients} Patienten, über {affected} Menschen.",
    ],
)
def test_check_accepts_literal_braces_reordering_and_plain_symbols(msgstr: str) -> None:
    """``{{literal}}``, moved placeholders and lone < > & are fine."""
    assert render_safe(PARAGRAPH, msgstr)


@pytest.mark.parametrize(
    "msgstr",
    [
        "<svg/onload=alert(1)> {affected} {patients}",
        "<javascript:alert(1)> {affected} {patients}",
        "{affected} {patients}\n# Überschrift",
    ],
)
def test_check_refuses_html_the_simple_tag_pattern_misses(msgstr: str) -> None:
    """HTML-like text that browsers would parse as a tag, and block syntax on a later line, are errors."""
    assert not render_safe(PARAGRAPH, msgstr)


def test_unsafe_translations_are_not_used_for_rendering() -> None:
    """Translations.from_catalog keeps safe entries and drops every refused one."""
    catalog = Catalog(
        messages=[Message(msgid, [msgstr], msgctxt=str(i)) for i, (msgstr, msgid) in enumerate(REFUSED)]
        + [Message(PARAGRAPH, ["Über {affected} Menschen, {patients} Patienten."])]
    )
    assert dict(Translations.from_catalog(catalog).entries) == {
        (None, PARAGRAPH): ("Über {affected} Menschen, {patients} Patienten.",)
    }


# --------------------------------------------------------------------------- built pages

PWNED = "document.body.dataset.pwned=1"
HOSTILE_SAMPLE = {
    # passes the check (no tag, no markup): must be escaped by the page
    "Sample Treatment": 'Beispiel" data-x="1 < 2 && 3 > 2',
    PARAGRAPH: 'Über {affected} Menschen, {patients} Patienten. 1 < 2 > 0 " onclick="x',
    # refused by the check: the source text is shown instead
    "**Relief.** About {share} improved.": "**Erleichterung.** Etwa {share} <javascript:alert(1)>.",
    "Stem cells": "Stammzellen\n# Überschrift",
    "Relief.": f"<svg/onload={PWNED}> Erleichterung.",
    "What the sample treatment costs: from {price_min}.": '"><script>alert(1)</script> ab {price_min}.',
    "Costs and *results*": f"<img src=x onerror={PWNED}> Kosten und *Ergebnisse*",
    PRICES: "{price_min!r} {price_us:>999999} {valid_from.__class__} {0}",
    LINK_ITEM: "Lesen Sie die [Studie](javascript:alert(1)).",
    "Criterion": "[Kriterium](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "Patients come first.": '<a href="javascript:alert(1)">Patienten</a> zuerst.',
    "Effect": "Wirkung {0}",
    "Lasting": "{__import__}",
}
HOSTILE_SITE = {
    "Choose a language": '" onmouseover="alert(1)',
    "Skip to main content": 'Zum Inhalt " onfocus="alert(1)',
    "All languages": "<script>alert(1)</script>",
    "Published {date}": "Veröffentlicht {date:>99999}",
    "Updated {date}": "Aktualisiert {date.year}",
    "Translation status": "[Status](javascript:alert(1))",
}
HOSTILE_PLURAL = ["{num.__class__} Minute", "<img src=x onerror=alert(1)> {num} Minuten"]


def _invoke(project: Path, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _translate(path: Path, table: dict[str, str], plural: list[str] | None = None) -> None:
    catalog = read_po(path)
    for message in catalog.messages:
        if message.msgid_plural is not None and plural is not None:
            message.msgstr = list(plural)
        elif message.msgid in table:
            message.msgstr = [table[message.msgid]]
    save_po(path, catalog)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("safety") / "project")
    _invoke(project, "extract")
    _invoke(project, "update")
    messages = project / "locales" / "de" / "LC_MESSAGES"
    _translate(messages / "sample.po", HOSTILE_SAMPLE)
    _translate(messages / "site.po", HOSTILE_SITE, HOSTILE_PLURAL)
    _invoke(project, "build", "--force")
    return project


class _Elements(HTMLParser):
    """Every start tag and attribute of a page, as a browser's tokenizer sees them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset") and value:
                self.urls.append("".join(value.split()).lower())


def _dangerous_urls(urls: list[str]) -> list[str]:
    return [u for u in urls if u.startswith(("javascript:", "data:", "vbscript:"))]


def test_hostile_translations_add_no_active_content(hostile_site: Path) -> None:
    """The German page has exactly the source page's kinds of elements: no script, handler,
    svg/img, heading or javascript:/data: URL that the English page lacks."""
    en = _Elements((hostile_site / "build" / "en" / "sample" / "index.html").read_text("utf-8"))
    de = _Elements((hostile_site / "build" / "de" / "sample" / "index.html").read_text("utf-8"))
    assert de.handlers == en.handlers == []
    assert _dangerous_urls(de.urls) == _dangerous_urls(en.urls) == []
    assert sorted(de.tags) == sorted(en.tags)


def test_hostile_translations_that_pass_are_shown_as_text(hostile_site: Path) -> None:
    """What the check lets through is used, escaped; what it refuses falls back to English."""
    page = (hostile_site / "build" / "de" / "sample" / "index.html").read_text("utf-8")
    assert 'Über 120 Millionen Menschen, 10.000 Patienten. 1 &lt; 2 &gt; 0 " onclick="x</p>' in page
    assert "<title>Beispiel&#34; data-x=&#34;1 &lt; 2 &amp;&amp; 3 &gt; 2 · Sample Clinic</title>" in page
    assert 'aria-label="&#34; onmouseover=&#34;alert(1)"' in page
    assert "Zum Inhalt &#34; onfocus=&#34;alert(1)" in page
    assert "About 40% improved." in page and "javascript:alert" not in page
    assert "svg/onload" not in page and "Überschrift" not in page
    assert '<h2 lang="en">Costs and <em>results</em></h2>' in page
    assert 'Read the <a href="https://doi.org/10.1000/xyz">study</a> for details.' in page
    assert "Treatment costs from €7,000" in page  # a fallback block is English, numbers too
    for text in ("Criterion", "Patients come first.", "Effect", "Lasting", "All languages"):
        assert text in page
    for leftover in ("{0}", "!r}", "__class__", "__import__", ":>99", "{date", "{num"):
        assert leftover not in page


def _chromium_dom(page: Path) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser is not None, "chromium is needed for this test"
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.browser
def test_no_hostile_script_runs_in_a_real_browser(hostile_site: Path, tmp_path: Path) -> None:
    """Chromium loads the German page with scripts on; no payload runs. The same payload put
    into the page raw does run, which shows the probe works."""
    page = hostile_site / "build" / "de" / "sample" / "index.html"
    dom = _chromium_dom(page)
    assert "Über 120 Millionen Menschen" in dom
    assert "data-pwned" not in dom
    control = page.parent / "control.html"
    control.write_text(
        page.read_text("utf-8").replace("</main>", f"<svg/onload={PWNED}></svg></main>", 1), "utf-8"
    )
    assert 'data-pwned="1"' in _chromium_dom(control)
