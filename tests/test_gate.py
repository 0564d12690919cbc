"""The project check (lingopress.gate): policy per locale, stale and unmerged catalogs, the tasks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lingopress.catalogs import update_project
from lingopress.config import Config, load_config
from lingopress.extract import extract_project, write_pots
from lingopress.gate import check_project, project_stats
from lingopress.pofile import read_po, save_po

SAMPLE_PO = "locales/de/LC_MESSAGES/sample.po"


def _prepare(project: Config) -> Config:
    write_pots(project, extract_project(project).catalogs)
    update_project(project, list(project.locales))
    return project


def _translate(config: Config, locale: str, render: Callable[[str], str] = lambda s: f"«{s}»") -> None:
    """Translate every entry of the locale (a stand-in translation that keeps all markup)."""
    for path in sorted((config.locales_dir / locale / "LC_MESSAGES").glob("*.po")):
        catalog = read_po(path)
        for message in catalog.messages:
            sources = [message.msgid] + [message.msgid_plural or message.msgid] * (len(message.msgstr) - 1)
            message.msgstr = [render(s) for s in sources]
        save_po(path, catalog)


@pytest.fixture
def prepared(project: Config) -> Config:
    return _prepare(project)


def _codes(config: Config, **kwargs: object) -> set[tuple[str, int, str]]:
    return {(d.path, d.line, d.code) for d in check_project(config, **kwargs).diagnostics}  # type: ignore[arg-type]


def test_untranslated_fails_required_locales_only(prepared: Config) -> None:
    """A fresh catalog fails for every required locale; the preview locale is only measured."""
    result = check_project(prepared)
    assert not result.passed()
    assert result.failed_locales == {"de", "tr", "ar"}
    assert {d.code for d in result.diagnostics} == {"untranslated"}
    ja = result.locales["ja"]
    assert (ja.errors, ja.stats.translated, ja.published) == (0, 0, False)
    first = read_po(prepared.root / SAMPLE_PO).messages[0]
    assert (SAMPLE_PO, first.lineno, "untranslated") in {(d.path, d.line, d.code) for d in result.diagnostics}


def test_translated_project_passes(prepared: Config) -> None:
    """Translations that keep placeholders and markup pass; a preview locale below its threshold
    does not fail the check, it is just not published."""
    for locale in ("de", "tr", "ar"):
        _translate(prepared, locale)
    result = check_project(prepared)
    assert result.diagnostics == []
    assert result.passed(strict=True)
    assert result.locales["de"].stats.percent == 100.0
    assert not result.locales["ja"].published


def test_preview_published_at_min_percent(prepared: Config) -> None:
    """A preview locale is published once min_percent of its messages are translated."""
    _translate(prepared, "ja")
    result = check_project(prepared, ["ja"])
    assert result.locales["ja"].published and result.passed()


def test_stale_pot(prepared: Config) -> None:
    """A source edited after extraction makes its template stale."""
    source = prepared.source_dir / "sample.md"
    source.write_text(source.read_text("utf-8").replace("Patients come first.", "Patients first."), "utf-8")
    assert ("locales/sample.pot", 1, "stale-pot") in _codes(prepared, locales=["ja"])


def test_templates_missing_broken_or_orphaned(prepared: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check reads the articles again only when the extraction cache does not vouch for
    their templates; a missing or unreadable template is reported, and the PO files are still
    checked against what extraction makes."""
    from lingopress import extract as extract_module

    write_pots(prepared)  # keeps build/.cache/extract.json, as 'invoke extract' does
    read: list[str] = []
    real_read = extract_module.read_article
    monkeypatch.setattr(
        extract_module, "read_article", lambda path, shown: read.append(shown) or real_read(path, shown)
    )
    _translate(prepared, "de")
    assert _codes(prepared, locales=["de"]) == set() and read == []

    pot = prepared.pot_path("sample")
    pot.unlink()
    (prepared.locales_dir / "gone.pot").write_text('msgid ""\nmsgstr ""\n', "utf-8")
    assert _codes(prepared, locales=["de"]) == {
        ("locales/sample.pot", 1, "stale-pot"),
        ("locales/gone.pot", 1, "stale-pot"),
        ("locales/de/LC_MESSAGES/gone.po", 1, "missing"),  # a template is a domain to translate
    }
    assert read == ["source/sample.md", "source/sample.md"]  # the plan, then the missing template
    why = {d.path: d.message for d in check_project(prepared, ["de"]).diagnostics}
    assert "missing" in why["locales/sample.pot"] and "no longer exists" in why["locales/gone.pot"]

    pot.write_text('msgid "unterminated\n', "utf-8")
    found = _codes(prepared, locales=["de"])
    assert ("locales/sample.pot", 1, "syntax") in found and ("locales/sample.pot", 1, "stale-pot") in found


def test_unmerged_po(prepared: Config) -> None:
    """A PO file not updated after the template changed: the new msgid is missing (at the header),
    the old one is extra (at its own entry)."""
    _translate(prepared, "de")
    source = prepared.source_dir / "sample.md"
    source.write_text(source.read_text("utf-8").replace("Patients come first.", "Patients first."), "utf-8")
    write_pots(prepared, extract_project(prepared).catalogs)
    catalog = read_po(prepared.root / SAMPLE_PO)
    old = next(m for m in catalog.messages if m.msgid == "Patients come first.")
    found = check_project(prepared, ["de"]).diagnostics
    assert {(d.path, d.line, d.code) for d in found} == {
        (SAMPLE_PO, catalog.header.lineno, "unmerged"),
        (SAMPLE_PO, old.lineno, "unmerged"),
    }
    update_project(prepared, ["de"])
    codes = {d.code for d in check_project(prepared, ["de"]).diagnostics}
    assert codes and codes <= {"untranslated", "fuzzy"}  # merged: only the new msgid is left to do


def test_unmerged_when_references_change(project: Config) -> None:
    """Same msgids but other references than the template is not merged either (here line
    numbers, with ``references = "file:line"``)."""
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    text = text.replace("[tool.lingopress]\n", '[tool.lingopress]\nreferences = "file:line"\n')
    pyproject.write_text(text, "utf-8")
    prepared = _prepare(load_config(project.root))
    assert not {d.code for d in check_project(prepared, ["ja"]).diagnostics}
    source = prepared.source_dir / "sample.md"
    source.write_text(source.read_text("utf-8").replace("+++\n\nPsoriasis", "+++\n\n\nPsoriasis"), "utf-8")
    write_pots(prepared, extract_project(prepared).catalogs)
    codes = {d.code for d in check_project(prepared, ["ja"]).diagnostics}
    assert codes == {"unmerged"}


def test_missing_and_orphan_po(prepared: Config) -> None:
    """A required locale's missing PO is an error; a PO without a template is reported."""
    (prepared.root / SAMPLE_PO).unlink()
    orphan = prepared.root / "locales/ja/LC_MESSAGES/old-article.po"
    orphan.write_bytes((prepared.root / "locales/ja/LC_MESSAGES/site.po").read_bytes())
    found = _codes(prepared, locales=["de", "ja"])
    assert (SAMPLE_PO, 1, "missing") in found
    assert ("locales/ja/LC_MESSAGES/old-article.po", 1, "unmerged") in found
    assert check_project(prepared, ["de"]).locales["de"].stats.domains["sample"].translated == 0


def test_unreadable_po_is_a_finding_at_its_line(prepared: Config) -> None:
    """A syntax error is reported at its line, and the other files are still checked."""
    path = prepared.root / "locales/ja/LC_MESSAGES/site.po"
    lines = path.read_text("utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.startswith('msgstr ""') and i > 5)
    lines[number] = 'msgstr "unterminated'
    path.write_text("\n".join(lines), "utf-8")
    found = _codes(prepared, locales=["ja"])
    assert found == {("locales/ja/LC_MESSAGES/site.po", number + 1, "syntax")}


def test_glossary_in_a_project(prepared: Config) -> None:
    """glossary/<locale>.csv applies to its locale; a malformed one is an error at its line."""
    _translate(prepared, "de")
    glossary = prepared.root / "glossary"
    glossary.mkdir()
    (glossary / "de.csv").write_text("term,translation,note\npatients,Kranke|Patientinnen,\n", "utf-8")
    catalog = read_po(prepared.root / SAMPLE_PO)
    line = next(m.lineno for m in catalog.messages if m.msgid == "Patients come first.")
    found = check_project(prepared, ["de"]).diagnostics
    assert (SAMPLE_PO, line, "glossary") in {(d.path, d.line, d.code) for d in found}
    assert all(d.severity == "warning" for d in found)
    (glossary / "de.csv").write_text(
        "term,translation,note\npatients,Kranke|Patientinnen,\nstem cell\n", "utf-8"
    )
    assert ("glossary/de.csv", 3, "glossary-file") in _codes(prepared, locales=["de"])


def test_project_stats_per_domain(prepared: Config) -> None:
    """stats counts every domain of every locale, agreeing with the check's own numbers."""
    _translate(prepared, "tr")
    stats = project_stats(prepared)
    assert set(stats["tr"].domains) == {"sample", "site"}
    assert stats["tr"].untranslated == 0 and stats["de"].translated == 0
    assert stats["tr"].total_words == stats["de"].total_words > 0
    checked = check_project(prepared).stats
    assert {n: (s.translated, s.total_words) for n, s in stats.items()} == {
        n: (s.translated, s.total_words) for n, s in checked.items()
    }


# --------------------------------------------------------------------------- through invoke


def _invoke(project_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=project_dir, capture_output=True, text=True, check=False
    )


def test_invoke_check_and_build(project_dir: Path) -> None:
    """`invoke check` prints the table then path:line findings and exits 1; JSON and GitHub formats
    carry the same findings; `invoke build` stops on a failing required locale, without a traceback."""
    config = _prepare(load_config(project_dir))
    for locale in ("de", "tr"):
        _translate(config, locale)
    text = _invoke(project_dir, "check")
    assert text.returncode == 1
    table, *rest = text.stdout.split("\n\n")
    assert table.split("\n")[0].split()[:3] == ["locale", "status", "translated"]
    assert f"{SAMPLE_PO.replace('/de/', '/ar/')}:" in rest[0]
    assert rest[0].split("\n")[0].endswith("[untranslated]")
    assert "check failed" in rest[-1]

    data = json.loads(_invoke(project_dir, "check", "--format", "json").stdout)
    assert data["passed"] is False and data["locales"]["de"]["passed"] is True
    assert {d["locale"] for d in data["diagnostics"]} == {"ar"}

    github = _invoke(project_dir, "check", "--format", "github")
    assert github.returncode == 1
    assert github.stdout.startswith("::error file=locales/ar/LC_MESSAGES/")

    build = _invoke(project_dir, "build")
    assert build.returncode == 1 and "Traceback" not in build.stderr
    assert "build stopped" in build.stderr
    assert not (project_dir / "build" / "status.html").exists()

    _translate(config, "ar", lambda s: s)  # identical to the source: warnings only
    assert _invoke(project_dir, "check").returncode == 0
    strict = _invoke(project_dir, "check", "--strict")
    assert strict.returncode == 1 and "[same-as-source]" in strict.stdout
    assert _invoke(project_dir, "build").returncode == 0
    assert (project_dir / "build" / "status.html").is_file()


def test_invoke_usage_and_user_errors(project_dir: Path) -> None:
    """A bad --format is a usage error (2); a malformed glossary exits 1 with path:line."""
    _prepare(load_config(project_dir))
    assert _invoke(project_dir, "check", "--format", "xml").returncode == 2
    (project_dir / "glossary").mkdir()
    (project_dir / "glossary" / "ja.csv").write_text("term;translation\n", "utf-8")
    run = _invoke(project_dir, "check", "--locale", "ja")
    assert run.returncode == 1
    assert "glossary/ja.csv:1: error: the first row must be the header" in run.stdout


def test_check_on_every_core_finds_the_same(prepared: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large project is checked in worker processes: the same findings, in the same order,
    and the same statistics."""
    from lingopress import gate as gate_module

    _translate(prepared, "tr", render=lambda s: s + " {oops}")  # an unknown placeholder
    serial = check_project(prepared)
    monkeypatch.setattr(gate_module, "_POOL_MIN_FILES", 1)
    parallel = check_project(prepared)
    assert parallel.diagnostics == serial.diagnostics
    assert {n: s.stats for n, s in parallel.locales.items()} == {
        n: s.stats for n, s in serial.locales.items()
    }
    assert {d.code for d in serial.diagnostics} >= {"untranslated", "placeholders"}
