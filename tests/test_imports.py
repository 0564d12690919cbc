"""imports: translators' PO files into the project, entry by entry, without losing anything."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lingopress.catalogs import update_project
from lingopress.config import Config
from lingopress.errors import ConfigError
from lingopress.extract import extract_project, write_pots
from lingopress.imports import import_files
from lingopress.pofile import read_po

HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: sample\\n"
"Last-Translator: Anna Translator <anna@example.org>\\n"
"Language: {language}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""

GOOD = """
msgid "Sample Treatment"
msgstr "Beispielbehandlung"

msgid "What the sample treatment costs: from {price_min}."
msgstr "Was die Beispielbehandlung kostet: ab {price_min}."

msgid "Read the [study](https://doi.org/10.1000/xyz) for details."
msgstr "Details in der [Studie](https://doi.org/10.1000/xyz)."

msgid ""
"Psoriasis affects over {affected} people. "
"We have treated {patients} patients."
msgstr ""
"Schuppenflechte betrifft über {affected} Menschen. "
"Wir haben {patients} Patienten behandelt."

#, fuzzy
msgid "Criterion"
msgstr "Kriterium"

msgid "Stem cells"
msgstr ""
"""


@pytest.fixture
def updated(project: Config) -> Config:
    """The sample project with its POT files extracted and PO files created."""
    write_pots(project, extract_project(project).catalogs)
    update_project(project, list(project.locales))
    return project


def _write(directory: Path, name: str, body: str, language: str = "de") -> Path:
    path = directory / name
    path.write_text(HEADER.format(language=language) + body, encoding="utf-8")
    return path


def _po(config: Config, locale: str = "de", domain: str = "sample") -> dict[str, tuple[str, bool]]:
    return {m.msgid: (m.msgstr[0], m.fuzzy) for m in read_po(config.po_path(locale, domain))}


def test_valid_file_is_taken(updated: Config, tmp_path: Path) -> None:
    """Valid translations are taken; a fuzzy one fills an untranslated entry as fuzzy; empty ones not."""
    report = import_files(updated, [_write(tmp_path, "sample.po", GOOD)])
    entries = _po(updated)
    assert entries["Sample Treatment"] == ("Beispielbehandlung", False)
    assert entries["What the sample treatment costs: from {price_min}."][0].startswith("Was die")
    assert entries["Criterion"] == ("Kriterium", True)
    assert entries["Stem cells"] == ("", False)
    (file_report,) = report.files
    assert (len(file_report.updated), file_report.unchanged, file_report.rejected) == (5, 1, [])
    assert report.written == ["locales/de/LC_MESSAGES/sample.po"]
    header = read_po(updated.po_path("de", "sample")).header_fields()
    assert header["Last-Translator"] == "Anna Translator <anna@example.org>"


def test_import_is_idempotent(updated: Config, tmp_path: Path) -> None:
    """Importing the same file again changes nothing and writes nothing."""
    source = _write(tmp_path, "sample.po", GOOD)
    import_files(updated, [source])
    before = updated.po_path("de", "sample").read_bytes()
    again = import_files(updated, [source])
    assert again.written == [] and again.files[0].updated == []
    assert updated.po_path("de", "sample").read_bytes() == before


@pytest.mark.gettext
@pytest.mark.parametrize("option", ["--width=40", "--no-wrap"])
def test_rewrapped_file_imports_like_the_original(updated: Config, tmp_path: Path, option: str) -> None:
    """A file re-wrapped by another tool gives the very same project file."""
    original = _write(tmp_path, "sample.po", GOOD)
    import_files(updated, [original])
    expected = updated.po_path("de", "sample").read_bytes()
    shutil.rmtree(updated.locales_dir / "de")
    update_project(updated, ["de"])
    msgcat = shutil.which("msgcat")
    assert msgcat is not None, "GNU gettext (msgcat) is required for this test"
    rewrapped = tmp_path / "rewrapped" / "sample.po"
    rewrapped.parent.mkdir()
    subprocess.run([msgcat, option, str(original), "-o", str(rewrapped)], check=True)
    assert rewrapped.read_bytes() != original.read_bytes()
    import_files(updated, [rewrapped])
    assert updated.po_path("de", "sample").read_bytes() == expected


def test_invalid_entries_are_rejected_at_their_line(updated: Config, tmp_path: Path) -> None:
    """Broken placeholders or links are rejected with file:line, and the project keeps its entry."""
    import_files(updated, [_write(tmp_path, "sample.po", GOOD)])
    bad = """
msgid "Sample Treatment"
msgstr "Neue Beispielbehandlung"

msgid "What the sample treatment costs: from {price_min}."
msgstr "Was die Beispielbehandlung kostet: ab {preis}."

msgid "Read the [study](https://doi.org/10.1000/xyz) for details."
msgstr "Details in der [Studie](https://evil.example/)."
"""
    (tmp_path / "second").mkdir()
    source = _write(tmp_path / "second", "sample.po", bad)
    report = import_files(updated, [source])
    rejected = report.files[0].rejected
    assert [(r.line, r.reason.split(":")[0]) for r in rejected] == [
        (14, "placeholder missing"),
        (14, "placeholder not in the source"),
        (17, "link targets differ from the source (missing https"),
    ]
    assert str(rejected[0]).startswith(f"{source}:14: placeholder missing: {{price_min}}")
    entries = _po(updated)
    assert entries["Sample Treatment"] == ("Neue Beispielbehandlung", False)
    assert entries["What the sample treatment costs: from {price_min}."][0].endswith("ab {price_min}.")
    assert entries["Read the [study](https://doi.org/10.1000/xyz) for details."] == (
        "Details in der [Studie](https://doi.org/10.1000/xyz).",
        False,
    )


def test_empty_and_fuzzy_never_replace_a_translation(updated: Config, tmp_path: Path) -> None:
    """An empty msgstr erases nothing; a fuzzy one does not replace a translation."""
    import_files(updated, [_write(tmp_path, "sample.po", GOOD)])
    later = """
msgid "Sample Treatment"
msgstr ""

#, fuzzy
msgid "What the sample treatment costs: from {price_min}."
msgstr "Vielleicht: ab {price_min}."
"""
    (tmp_path / "later").mkdir()
    report = import_files(updated, [_write(tmp_path / "later", "sample.po", later)])
    assert report.written == [] and report.files[0].unchanged == 2
    entries = _po(updated)
    assert entries["Sample Treatment"] == ("Beispielbehandlung", False)
    assert entries["What the sample treatment costs: from {price_min}."] == (
        "Was die Beispielbehandlung kostet: ab {price_min}.",
        False,
    )


def test_stale_translations_are_reported_and_kept_as_suggestions(updated: Config, tmp_path: Path) -> None:
    """A translation of a msgid changed since is a fuzzy suggestion; an unrelated one is reported."""
    stale = """
msgid "Patients come first!"
msgstr "Die Patienten stehen an erster Stelle!"

msgid "A paragraph that was deleted from the article long ago."
msgstr "Ein Absatz, der längst gelöscht wurde."
"""
    report = import_files(updated, [_write(tmp_path, "sample.po", stale)])
    (file_report,) = report.files
    assert file_report.stale == [
        (11, "Patients come first!", "Patients come first."),
        (14, "A paragraph that was deleted from the article long ago.", None),
    ]
    entry = next(m for m in read_po(updated.po_path("de", "sample")) if m.msgid == "Patients come first.")
    assert entry.fuzzy and entry.msgstr == ["Die Patienten stehen an erster Stelle!"]
    assert entry.previous_msgid == "Patients come first!"
    assert file_report.rejected == []


def test_wrong_or_unknown_language_is_rejected(updated: Config, tmp_path: Path) -> None:
    """A file in another language than --locale, or in a locale not configured, changes nothing."""
    french = _write(tmp_path, "sample.po", GOOD, language="fr")
    report = import_files(updated, [french])
    assert [(r.line, r.reason) for r in report.files[0].rejected] == [
        (5, "language 'fr' is not a configured locale")
    ]
    german = _write(tmp_path, "site.po", GOOD, language="de_DE")
    report = import_files(updated, [german], locale="tr")
    assert report.files[0].rejected[0].reason == "the file is in 'de' (its Language header), not 'tr'"
    assert report.written == []
    with pytest.raises(ConfigError):
        import_files(updated, [german], locale="../../etc")


def test_domain_is_found_by_msgids_and_dry_run_writes_nothing(updated: Config, tmp_path: Path) -> None:
    """A file not named after its domain is placed by its msgids; --dry-run only reports."""
    source = _write(tmp_path, "from-weblate.po", GOOD)
    before = updated.po_path("de", "sample").read_bytes()
    report = import_files(updated, [source], dry_run=True)
    assert report.files[0].target == "locales/de/LC_MESSAGES/sample.po"
    assert report.written == ["locales/de/LC_MESSAGES/sample.po"]
    assert len(report.files[0].updated) == 5
    assert updated.po_path("de", "sample").read_bytes() == before


def test_broken_file_is_rejected_with_its_line(updated: Config, tmp_path: Path) -> None:
    """A syntax error rejects the file at the offending line."""
    source = _write(tmp_path, "sample.po", '\nmsgid "Sample Treatment"\nmsgstr "unterminated\n')
    report = import_files(updated, [source])
    assert [(r.line, r.reason) for r in report.files[0].rejected] == [(12, "unterminated string")]


def _invoke(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1735689600"}
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=project, capture_output=True, text=True, env=env
    )


def test_import_task_prints_summary_and_fails_on_rejections(updated: Config, tmp_path: Path) -> None:
    """`invoke import` prints file:line rejections and a summary, and exits 1 when anything was rejected."""
    good = _write(tmp_path, "sample.po", GOOD)
    result = _invoke(updated.root, "import", str(good))
    assert result.returncode == 0, result.stderr
    assert f"{good} -> locales/de/LC_MESSAGES/sample.po: 5 updated, 1 unchanged, 0 rejected, 0 stale" in (
        result.stdout
    )
    (tmp_path / "bad").mkdir()
    bad = _write(tmp_path / "bad", "sample.po", '\nmsgid "Sample Treatment"\nmsgstr "{oops}"\n')
    result = _invoke(updated.root, "import", f"{bad},{good}", "--dry-run")
    assert result.returncode == 1
    assert f"{bad}:11: placeholder not in the source: {{oops}}" in result.stdout
    assert "Traceback" not in result.stderr
