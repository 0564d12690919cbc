"""End to end through the real invoke tasks, in a temporary copy of a small project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lingopress.config import load_config
from lingopress.extract import article_segments
from lingopress.locales import locale_info
from lingopress.pofile import read_po, save_po
from lingopress.render import Renderer, Translations
from lingopress.segment import BodySegmenter
from lingopress.source import read_article
from lingopress.values import format_value


def invoke(project: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"},
    )
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


GERMAN = {
    "Sample Treatment": "Beispielbehandlung",
    "Psoriasis affects over {affected} people. We have treated {patients} patients.": (
        "Psoriasis betrifft über {affected} Menschen. Wir haben {patients} Patienten behandelt."
    ),
    "Treatment costs from {price_min}; in the US up to {price_us}. Prices are valid as of {valid_from}.": (
        "Die Behandlung kostet ab {price_min}, in den USA bis zu {price_us}. Preise gültig ab {valid_from}."
    ),
}


def _translate(project: Path, locale: str, table: dict[str, str]) -> None:
    path = project / "locales" / locale / "LC_MESSAGES" / "sample.po"
    catalog = read_po(path)
    for message in catalog.messages:
        if message.msgid in table:
            message.msgstr = [table[message.msgid]]
    save_po(path, catalog)


@pytest.fixture
def built(project_dir: Path) -> Path:
    invoke(project_dir, "extract")
    invoke(project_dir, "update")
    _translate(project_dir, "de", GERMAN)
    _translate(
        project_dir,
        "tr",
        {
            "Relief.": "Rahatlama.",
            "**Relief.** About {share} improved.": "**Rahatlama.** Yaklaşık {share} iyileşti.",
        },
    )
    invoke(project_dir, "build", "--force")
    return project_dir


def test_update_creates_po_files_with_cldr_headers(built: Path) -> None:
    """update creates a PO per locale and domain with Language, Plural-Forms and UTF-8."""
    for locale, plural in [
        ("de", "nplurals=2; plural=(n != 1);"),
        ("ar", "nplurals=6;"),
        ("ja", "nplurals=1; plural=0;"),
    ]:
        for domain in ("sample", "site"):
            catalog = read_po(built / "locales" / locale / "LC_MESSAGES" / f"{domain}.po")
            fields = catalog.header_fields()
            assert fields["Language"] == locale
            assert fields["Plural-Forms"].startswith(plural)
            assert fields["Content-Type"] == "text/plain; charset=UTF-8"


def test_every_written_catalog_passes_msgfmt_check(built: Path) -> None:
    """GNU msgfmt --check accepts every POT and PO file the pipeline wrote."""
    files = sorted((built / "locales").rglob("*.po")) + sorted((built / "locales").glob("*.pot"))
    assert len(files) == 10
    for path in files:
        result = subprocess.run(
            ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"


def test_pages_show_translations_and_the_locales_formats(built: Path) -> None:
    """The de page has the German text and formats; untranslated blocks fall back with lang="en"."""
    de = (built / "build" / "de" / "sample" / "index.html").read_text("utf-8")
    assert '<html lang="de" dir="ltr">' in de
    assert "Die Behandlung kostet ab 7.000\xa0€, in den USA bis zu 50.000\xa0$." in de
    assert "Psoriasis betrifft über 120 Millionen Menschen. Wir haben 10.000 Patienten behandelt." in de
    assert "Preise gültig ab Januar 2025." in de
    assert '<h2 lang="en">Costs and <em>results</em></h2>' in de
    assert "<title>Beispielbehandlung" in de
    tr = (built / "build" / "tr" / "sample" / "index.html").read_text("utf-8")
    assert "<strong>Rahatlama.</strong> Yaklaşık %40 iyileşti." in tr
    ar = (built / "build" / "ar" / "sample" / "index.html").read_text("utf-8")
    assert '<html lang="ar" dir="rtl">' in ar
    assert 'lang="en" dir="ltr"' in ar
    assert not (built / "build" / "ja").exists(), "ja is below its min_percent and is not published"
    en = (built / "build" / "en" / "sample" / "index.html").read_text("utf-8")
    assert "Treatment costs from €7,000; in the US up to $50,000." in en
    assert 'lang="en"' in en and "<p lang=" not in en


def test_build_never_writes_locales(built: Path) -> None:
    """A build reads locales/ and leaves it byte for byte as it was."""
    before = {p: p.read_bytes() for p in (built / "locales").rglob("*") if p.is_file()}
    invoke(built, "build", "--force")
    after = {p: p.read_bytes() for p in (built / "locales").rglob("*") if p.is_file()}
    assert before == after


def test_bad_input_is_a_located_error_without_traceback(project_dir: Path) -> None:
    """An unknown placeholder in an article stops extract with path:line and exit 1."""
    article = project_dir / "source" / "sample.md"
    article.write_text(
        article.read_text("utf-8").replace("{patients} patients", "{patientz} patients"), "utf-8"
    )
    result = invoke(project_dir, "extract", ok=False)
    assert result.returncode == 1
    assert "source/sample.md:17: unknown value {patientz}" in result.stderr
    assert "Traceback" not in result.stderr


def test_identity_translation_renders_the_source_body(project_dir: Path) -> None:
    """With every msgstr equal to its msgid, each locale's article body is the English one
    (values aside, which are written the locale's way)."""
    config = load_config(project_dir)
    renderer = Renderer(config)
    article = read_article(config.source_dir / "sample.md", "source/sample.md")
    segments = article_segments(article, BodySegmenter())
    identity = Translations({(s.context, s.text): (s.text,) for s in segments})
    english, _, _ = renderer.article_body(article, locale_info("en"), Translations({}))
    for name in ("de", "tr", "ar", "ja"):
        info = locale_info(name)
        html, translated, fallbacks = renderer.article_body(article, info, identity)
        assert fallbacks == 0 and translated > 5
        html = re.sub(r"</?bdi>", "", html)
        # Blocks marked translate="no" stay English on every page, and say so.
        html = re.sub(r'(?: dir="ltr")? lang="en"( translate="no")', r"\1", html)
        for value in article.values.values():
            html = html.replace(format_value(value, info.babel), format_value(value, locale_info("en").babel))
        assert html == english, name


@pytest.mark.parametrize("dont_write", [False, True])
def test_tasks_write_bytecode_as_python_is_told(project_dir: Path, dont_write: bool) -> None:
    """Invoke turns .pyc writing off for the whole process; the tasks turn it back on (an
    editable install would compile the package at every run), unless Python was told not to."""
    src = project_dir / "src"
    shutil.copytree(
        Path(__file__).resolve().parent.parent / "src", src, ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(src)  # this copy of the package, ahead of the installed one
    if dont_write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "extract"], cwd=project_dir, capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    compiled = list((src / "lingopress" / "__pycache__").glob("extract.*.pyc"))
    assert bool(compiled) is not dont_write
