"""The built site in headless Chromium, as a reader sees it: direction, the language switcher,
no sideways scrolling on a 375 px phone; screenshots go to build/screenshots/ for a person to see.

These tests fail (they do not skip) when Chromium is missing: CI installs Debian's chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cdp import Browser, serve
from conftest import REPO
from lingopress.pofile import write_atomic
from sample_site import make_sample_site

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "build" / "screenshots"
PHONE = (375, 812)
DESKTOP = (1280, 900)

# Elements that stick out of the viewport, ignoring what a scrolling or clipping box contains.
OVERFLOW_JS = """(() => {
  const width = document.documentElement.clientWidth;
  const clipped = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || el.classList.contains("skip-link")) continue;
    if ((r.right > width + 1 || r.left < -1) && !clipped(el)) {
      out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
               + " " + Math.round(r.left) + ".." + Math.round(r.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out};
})()"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    config = make_sample_site(tmp_path_factory.mktemp("browser") / "project", pseudo=True)
    with serve(config.build_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = Browser()
    try:
        yield chromium
    finally:
        chromium.close()


def _save(name: str, png: bytes) -> None:
    assert png.startswith(b"\x89PNG"), "not a PNG"
    write_atomic(SCREENSHOTS / name, png)


@pytest.mark.parametrize(
    ("tag", "direction"),
    [("en", "ltr"), ("de", "ltr"), ("ar", "rtl"), ("ja", "ltr"), ("en-xa", "ltr"), ("ar-xb", "rtl")],
)
def test_page_direction_and_narrow_screen(site: str, browser: Browser, tag: str, direction: str) -> None:
    """Each page computes the locale's direction and nothing is wider than a 375 px phone."""
    browser.viewport(*PHONE)
    browser.open(f"{site}/{tag}/sample/")
    assert browser.evaluate("getComputedStyle(document.documentElement).direction") == direction
    assert browser.evaluate("getComputedStyle(document.querySelector('main p')).direction") in (
        direction,
        "ltr",  # a fallback block in the source language
    )
    layout = browser.evaluate(OVERFLOW_JS)
    assert layout["scrollWidth"] <= layout["width"], layout
    assert layout["out"] == [], layout
    _save(f"{tag}-375.png", browser.screenshot())
    browser.viewport(*DESKTOP)
    browser.open(f"{site}/{tag}/sample/")
    _save(f"{tag}-1280.png", browser.screenshot(full_page=False))


def test_rtl_layout_is_mirrored(site: str, browser: Browser) -> None:
    """On the ar page the menu runs right to left, text starts at the right edge, and the
    English fallback block and the reference list read left to right."""
    browser.viewport(*DESKTOP)
    browser.open(f"{site}/ar/sample/")
    first, last = browser.evaluate(
        "[...document.querySelectorAll('nav.languages li')].map(li => li.getBoundingClientRect().left)"
        ".filter((_, i, all) => i === 0 || i === all.length - 1)"
    )
    assert first > last, "the first language of the menu is at the right"
    heading = browser.evaluate(
        "(() => { const t = document.createRange();"
        " t.selectNodeContents(document.querySelector('h1'));"
        " const h = t.getBoundingClientRect();"
        " const m = document.querySelector('main').getBoundingClientRect();"
        " return [m.right - h.right, h.left - m.left]; })()"
    )
    assert heading[0] < heading[1], "the title hugs the right edge of the page"
    fallback = browser.evaluate(
        "[...document.querySelectorAll('main [lang=en]')].map(e => getComputedStyle(e).direction)"
    )
    assert fallback and set(fallback) == {"ltr"}
    assert browser.evaluate("getComputedStyle(document.querySelector('.references')).direction") == "ltr"


@pytest.mark.parametrize(("start", "target", "native"), [("en", "de", "Deutsch"), ("de", "ar", "العربية")])
def test_language_switcher_opens_the_same_article(
    site: str, browser: Browser, start: str, target: str, native: str
) -> None:
    """Clicking a language in the switcher opens the same article in that language."""
    browser.viewport(*PHONE)
    browser.open(f"{site}/{start}/sample/")
    link = f'nav.languages a[hreflang="{target}"]'
    assert browser.evaluate(f"document.querySelector('{link}').textContent") == native
    browser.click(link)
    assert browser.evaluate("location.pathname") == f"/{target}/sample/"
    assert browser.evaluate("document.documentElement.lang") == target
    current = browser.evaluate("document.querySelector('nav.languages [aria-current=page]').hreflang")
    assert current == target


def _press(browser: Browser, key: str, code: int) -> None:
    for kind in ("keyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code)


def test_skip_link_moves_focus_to_the_main_content(site: str, browser: Browser) -> None:
    """The first Tab stop is the skip link, visible when focused, and it leads to <main>."""
    browser.viewport(*PHONE)
    browser.open(f"{site}/de/sample/")
    _press(browser, "Tab", 9)
    focused = browser.evaluate(
        "(() => { const a = document.activeElement; const r = a.getBoundingClientRect();"
        " return [a.className, r.top >= 0, a.textContent]; })()"
    )
    assert focused == ["skip-link", True, "Zum Hauptinhalt springen"]
    _press(browser, "Enter", 13)
    assert browser.evaluate("location.hash") == "#main"


def test_language_index_lists_every_language(site: str, browser: Browser) -> None:
    """build/index.html shows each language by its native name and links to its articles."""
    browser.viewport(*PHONE)
    browser.open(f"{site}/")
    names = browser.evaluate("[...document.querySelectorAll('.language-list h2')].map(h => h.textContent)")
    assert names[:5] == ["English", "Deutsch", "Türkçe", "العربية", "日本語"]
    layout = browser.evaluate(OVERFLOW_JS)
    assert layout["out"] == [], layout
    _save("index-375.png", browser.screenshot())
    browser.click('a[href="ja/sample/"]')
    assert browser.evaluate("document.documentElement.lang") == "ja"
