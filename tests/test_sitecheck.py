"""The site check: a clean build passes; each kind of breakage is reported at its file and line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lingopress.config import Config, load_config
from lingopress.errors import LingopressError
from lingopress.sitecheck import check_site
from sample_site import make_sample_site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return make_sample_site(tmp_path_factory.mktemp("sitecheck") / "project")


@pytest.fixture
def site(built: Config, tmp_path: Path) -> Config:
    """A fresh copy of the built sample project, to break."""
    shutil.copytree(built.root, tmp_path / "project", symlinks=True)
    return load_config(tmp_path / "project")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _page(config: Config, tag: str) -> Path:
    return config.build_dir / tag / "sample" / "index.html"


def _found(config: Config) -> list[str]:
    return [str(d) for d in check_site(config)]


def test_a_clean_build_passes(built: Config) -> None:
    """The sample site as built has nothing to report."""
    assert check_site(built) == []


def test_no_build_is_an_error(project: Config) -> None:
    """Checking before building says what to do, instead of reporting every page missing."""
    with pytest.raises(LingopressError, match="run 'invoke build' first"):
        check_site(project)


Breakage = Callable[[Config], None]


def _delete_stylesheet(c: Config) -> None:
    (c.build_dir / "static" / "style.css").unlink()


def _stray_link(c: Config) -> None:
    _edit(_page(c, "de"), "<p>Psoriasis", '<p><a href="../../tr/sample/">Türkisch</a> Psoriasis')


def _wrong_lang(c: Config) -> None:
    _edit(_page(c, "de"), '<html lang="de" dir="ltr">', '<html lang="en" dir="ltr">')


def _wrong_dir(c: Config) -> None:
    _edit(_page(c, "ar"), '<html lang="ar" dir="rtl">', '<html lang="ar" dir="ltr">')


def _drop_alternate(c: Config) -> None:
    _edit(_page(c, "tr"), '<link rel="alternate" hreflang="ja" href="https://example.org/ja/sample/">\n', "")


def _wrong_alternate(c: Config) -> None:
    _edit(
        _page(c, "de"),
        'hreflang="ar" href="https://example.org/ar/sample/"',
        'hreflang="ar" href="https://example.org/ar/other/"',
    )


def _bad_fragment(c: Config) -> None:
    _edit(_page(c, "en"), 'href="#main"', 'href="#content"')


def _skipped_heading(c: Config) -> None:
    _edit(_page(c, "en"), "<h2>Costs", "<h4>Costs")
    _edit(_page(c, "en"), "</h2>", "</h4>")


def _image_without_alt(c: Config) -> None:
    _edit(_page(c, "en"), "<p>Psoriasis", '<p><img src="../../static/style.css"> Psoriasis')


def _missing_page(c: Config) -> None:
    _page(c, "ja").unlink()


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (
            _delete_stylesheet,
            "build/en/sample/index.html:{line}: error: ../../static/style.css does not resolve",
        ),
        (_stray_link, "build/de/sample/index.html:{line}: error: ../../tr/sample/ leads to the tr page"),
        (_wrong_lang, 'build/de/sample/index.html:1: error: <html lang="en"> in the de folder [lang]'),
        (_wrong_dir, 'build/ar/sample/index.html:1: error: <html dir="ltr">, but ar is rtl [dir]'),
        (
            _drop_alternate,
            "build/tr/sample/index.html:{line}: error: no hreflang alternate for ja [hreflang]",
        ),
        (_wrong_alternate, "build/de/sample/index.html:{line}: error: hreflang='ar' points to"),
        (_bad_fragment, "build/en/sample/index.html:{line}: error: #content: no element with id 'content'"),
        (_skipped_heading, "build/en/sample/index.html:{line}: error: <h4> follows <h1>"),
        (_image_without_alt, "build/en/sample/index.html:{line}: error: <img> without alt text [a11y]"),
        (_missing_page, "build/de/sample/index.html:{line}: error: ../../ja/sample/ does not resolve"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else "",
)
def test_each_breakage_is_reported_at_its_line(site: Config, breakage: Breakage, expected: str) -> None:
    """A broken asset, a stray cross-language link, wrong lang/dir, incomplete or wrong hreflang,
    a dangling fragment, a skipped heading level, a missing alt or page: each is found."""
    breakage(site)
    found = _found(site)
    prefix, _, rest = expected.partition("{line}")
    matches = [d for d in found if d.startswith(prefix) and rest in d]
    assert matches, "\n".join(found)
    if rest:
        line = int(matches[0][len(prefix) :].split(":", 1)[0])
        assert line > 1, "the line of the offending tag, not the top of the file"


def test_hreflang_must_be_reciprocal(site: Config) -> None:
    """A page that lists an alternate the others do not list breaks reciprocity on every other page."""
    _edit(
        _page(site, "en"),
        '<link rel="alternate" hreflang="x-default"',
        '<link rel="alternate" hreflang="fr" href="https://example.org/fr/sample/">\n'
        '<link rel="alternate" hreflang="x-default"',
    )
    found = _found(site)
    assert any("build/en/sample/index.html" in d and "hreflang='fr': no such page" in d for d in found)
    assert any("build/de/sample/index.html" in d and "the en page lists other alternates" in d for d in found)


def test_check_site_task_prints_locations_and_exits_1(site: Config) -> None:
    """invoke check --site reports path:line problems and fails; a clean site exits 0."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1735689600"}
    run = [sys.executable, "-m", "invoke", "check", "--site"]
    clean = subprocess.run(run, cwd=site.root, capture_output=True, text=True, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 problems in the built site" in clean.stdout
    _wrong_dir(site)
    broken = subprocess.run(run, cwd=site.root, capture_output=True, text=True, env=env)
    assert broken.returncode == 1
    assert 'build/ar/sample/index.html:1: error: <html dir="ltr">, but ar is rtl [dir]' in broken.stdout
    assert "Traceback" not in broken.stderr
