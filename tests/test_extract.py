"""Extraction: articles and templates to POT files, compared with golden files."""

from __future__ import annotations

import dataclasses
import os
import subprocess
from pathlib import Path

import pytest

from lingopress.config import Config, load_config
from lingopress.errors import ConfigError, SourceError
from lingopress.extract import extract_project, pot_text, stale_pots, write_pots
from lingopress.pofile import parse_po

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
DATE = "2025-01-01 00:00+0000"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("LINGOPRESS_REGEN_GOLDEN"):
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8"), f"{name} differs; LINGOPRESS_REGEN_GOLDEN=1 rewrites it"


def test_seed_article_pot_matches_golden() -> None:
    """The seed article's template: every block, its reference, kind and placeholder values."""
    config = load_config(REPO)
    extraction = extract_project(config)
    slug = "stem-cell-therapy-for-psoriasis"
    _check_golden(f"{slug}.pot", pot_text(slug, extraction.catalogs[slug], config, DATE))


def test_sample_project_pots_match_golden(project: Config) -> None:
    """The sample project's article and site templates."""
    extraction = extract_project(project)
    _check_golden("sample.pot", pot_text("sample", extraction.catalogs["sample"], project, DATE))
    _check_golden("site.pot", pot_text("site", extraction.catalogs["site"], project, DATE))


def test_messages_carry_context_for_translators(project: Config) -> None:
    """References point at 1-based lines; placeholders show their source rendering; flags are set."""
    catalog = extract_project(dataclasses.replace(project, references="file:line")).catalogs["sample"]
    by_id = {m.msgid: m for m in catalog.messages}
    cost = by_id[
        "Treatment costs from {price_min}; in the US up to {price_us}. Prices are valid as of {valid_from}."
    ]
    assert cost.references == ["source/sample.md:22"]
    assert cost.extracted_comments == [
        "paragraph",
        "{price_min} = €7,000",
        "{price_us} = $50,000",
        "{valid_from} = January 2025",
    ]
    assert cost.flags == ["python-brace-format"]
    assert by_id["Sample Treatment"].extracted_comments == ["title"]
    assert by_id["Costs and *results*"].flags == []
    assert "Reference one." not in " ".join(by_id)


def test_identical_text_is_one_message_with_several_references(tmp_path: Path, project: Config) -> None:
    """The same block text twice in an article is one msgid with two references (one, the
    file's, when references leave out lines)."""
    article = project.source_dir / "sample.md"
    article.write_text(article.read_text("utf-8") + "\nPatients come first.\n", "utf-8")
    catalog = extract_project(dataclasses.replace(project, references="file:line")).catalogs["sample"]
    matches = [m for m in catalog.messages if m.msgid == "Patients come first."]
    assert len(matches) == 1
    assert len(matches[0].references) == 2
    (by_file,) = [m for m in extract_project(project).catalogs["sample"] if m.msgid == "Patients come first."]
    assert by_file.references == ["source/sample.md"]
    assert set(matches[0].extracted_comments) == {"quote", "paragraph"}


def test_write_is_deterministic_and_check_detects_staleness(project: Config) -> None:
    """A second extract writes nothing; --check notices a changed article without writing."""
    extraction = extract_project(project)
    assert len(write_pots(project, extraction.catalogs)) == 2
    assert write_pots(project, extract_project(project).catalogs) == []
    assert stale_pots(project, extract_project(project).catalogs) == []
    article = project.source_dir / "sample.md"
    article.write_text(article.read_text("utf-8").replace("Patients come first.", "Patients first."), "utf-8")
    pot = project.pot_path("sample")
    before = pot.read_bytes()
    assert stale_pots(project, extract_project(project).catalogs) == [pot]
    assert pot.read_bytes() == before


def _pot_date(path: Path) -> str:
    header = parse_po(path.read_text("utf-8")).header.msgstr[0]
    return next(line for line in header.splitlines() if line.startswith("POT-Creation-Date: "))[19:]


def test_pot_date_changes_only_with_the_messages(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in Sphinx's gettext builder: SOURCE_DATE_EPOCH (or the clock) dates a POT file when it
    is made or its messages change; a file that differs only in its date is neither stale nor
    rewritten, so a CI job that sets SOURCE_DATE_EPOCH passes with the committed templates."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    write_pots(project)
    pot = project.pot_path("sample")
    assert _pot_date(pot) == "2025-01-01 00:00+0000"
    before = pot.read_bytes()

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert stale_pots(project) == [] and write_pots(project) == []
    assert pot.read_bytes() == before
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert stale_pots(project) == [] and write_pots(project) == []

    article = project.source_dir / "sample.md"
    article.write_text(article.read_text("utf-8").replace("Patients come first.", "Patients first."), "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert stale_pots(project) == [pot]
    assert write_pots(project) == [pot] and _pot_date(pot) == "2026-01-01 00:00+0000"
    assert "Patients first." in pot.read_text("utf-8")

    # A date line edited by hand is only a date; anything else in the header is not.
    text = pot.read_text("utf-8")
    pot.write_text(text.replace("2026-01-01 00:00+0000", "2020-02-02 02:02+0000"), "utf-8")
    assert stale_pots(project) == []
    pot.write_text(text.replace("Transfer-Encoding: 8bit", "Transfer-Encoding: 7bit"), "utf-8")
    assert stale_pots(project) == [pot]
    pot.write_text(text.replace("Report-Msgid-Bugs-To: ", "Report-Msgid-Bugs-To: me"), "utf-8")
    assert stale_pots(project) == [pot]  # before the date
    pot.write_text(text.replace('"POT-Creation-Date: 2026-01-01 00:00+0000\\n"\n', ""), "utf-8")
    assert "POT-Creation-Date" not in pot.read_text("utf-8") and stale_pots(project) == [pot]
    pot.write_bytes(b"\xff\xfe not UTF-8")
    assert stale_pots(project) == [pot]
    assert write_pots(project) == [pot] and _pot_date(pot) == "2026-01-01 00:00+0000"


def test_repository_templates_are_current() -> None:
    """The committed POT files are what extraction produces now."""
    config = load_config(REPO)
    assert stale_pots(config, extract_project(config).catalogs) == []


@pytest.mark.parametrize("name", ["stem-cell-therapy-for-psoriasis.pot", "sample.pot", "site.pot"])
def test_golden_pots_pass_msgfmt_check(name: str) -> None:
    """GNU msgfmt --check accepts the templates."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(GOLDEN / name)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    parse_po((GOLDEN / name).read_text("utf-8"))


def test_extraction_on_every_core_gives_the_same_templates(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large project is extracted in worker processes: same POT texts, same articles, and a
    duplicate slug is still reported at the file that repeats it."""
    from lingopress import extract as extract_module

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    sample = (project.source_dir / "sample.md").read_text("utf-8")
    for n in range(3):
        (project.source_dir / f"more-{n}.md").write_text(
            sample.replace('slug = "sample"', f'slug = "more-{n}"'), "utf-8"
        )
    serial = extract_project(project)
    serial_plan = extract_module.pot_plan(project)
    monkeypatch.setattr(extract_module, "_POOL_MIN_ARTICLES", 1)
    parallel = extract_project(project)
    assert [a.slug for a in parallel.articles] == [a.slug for a in serial.articles]
    assert parallel.articles == serial.articles
    assert parallel.planned == serial.planned
    assert extract_module.pot_plan(project) == serial_plan
    assert len(serial_plan) == 5 and all(text is not None for text in serial_plan.values())
    # What the workers found is kept: once the POT files are written, nothing is read again.
    (project.build_dir / extract_module.CACHE_FILE).unlink()
    write_pots(project)
    read: list[str] = []
    real_extract = extract_module._extract
    monkeypatch.setattr(
        extract_module, "_extract", lambda *a, **k: read.extend(a[3]) or real_extract(*a, **k)
    )
    assert all(text is None for text in extract_module.pot_plan(project).values()) and read == []
    monkeypatch.setattr(extract_module, "_extract", real_extract)
    (project.source_dir / "more-9.md").write_text(
        sample.replace('slug = "sample"', 'slug = "more-0"'), "utf-8"
    )
    with pytest.raises(SourceError) as caught:
        extract_module.pot_plan(project)
    assert caught.value.path == "source/more-9.md"


def test_extract_reads_again_only_what_changed(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """What an extraction found is kept in build/.cache/extract.json: an article is read again
    only when it, its POT file, the configuration or the code changed; the templates likewise.
    The plans are those of a full extraction."""
    from lingopress import extract as extract_module

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # plans made a minute apart are the same
    read: list[str] = []
    real_read = extract_module.read_article
    monkeypatch.setattr(
        extract_module, "read_article", lambda path, shown: read.append(shown) or real_read(path, shown)
    )
    real_templates = extract_module.template_catalog
    monkeypatch.setattr(
        extract_module, "template_catalog", lambda config: read.append("templates") or real_templates(config)
    )

    real_write = extract_module.write_pots

    def write(config: Config) -> list[Path]:
        read.clear()
        return real_write(config)

    def plan() -> dict[Path, str | None]:
        read.clear()
        found = dict(extract_module.pot_plan(project))
        reads = list(read)
        assert found == dict(extract_module.pot_plan(project, extract_project(project))), "as if read anew"
        read[:] = reads
        return found

    sample = (project.source_dir / "sample.md").read_text("utf-8")
    (project.source_dir / "other.md").write_text(sample.replace('slug = "sample"', 'slug = "other"'), "utf-8")
    write(project)
    cache_file = project.build_dir / extract_module.CACHE_FILE
    assert cache_file.is_file()
    assert list(plan().values()) == [None, None, None] and read == []

    # An edited article is read again, and once its POT file is written, no more.
    (project.source_dir / "sample.md").write_text(
        sample.replace("Patients come first.", "Patients first."), "utf-8"
    )
    planned = plan()
    assert read == ["source/sample.md"] and planned[project.pot_path("sample")] is not None
    assert write(project) == [project.pot_path("sample")]
    assert list(plan().values()) == [None, None, None] and read == []

    # A POT file edited or deleted by hand.
    pot = project.pot_path("other")
    pot.write_text(pot.read_text("utf-8") + '\nmsgid "extra"\nmsgstr ""\n', "utf-8")
    assert plan()[pot] is not None and read == ["source/other.md"]
    pot.unlink()
    assert plan()[pot] is not None and read == ["source/other.md"]
    write(project)

    # The templates.
    template = project.templates_dir / "base.html"
    template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    assert list(plan().values()) == [None, None, None] and read == ["templates"]

    # Another SOURCE_DATE_EPOCH: the files are still right (only their date would differ).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    assert list(plan().values()) == [None, None, None] and read == []

    # A slug taken by a new article is reported, though the first article was not read again.
    write(project)
    (project.source_dir / "zz-copy.md").write_text(sample, "utf-8")
    with pytest.raises(SourceError) as caught:
        extract_module.pot_plan(project)
    assert (
        caught.value.path == "source/zz-copy.md"
        and "already used by source/sample.md" in caught.value.message
    )
    (project.source_dir / "zz-copy.md").unlink()

    # An unreadable cache is ignored; a plan that is not to be remembered writes none.
    cache_file.write_bytes(b"\x00 not json")
    assert list(plan().values()) == [None, None, None] and len(read) == 3
    cache_file.unlink()
    extract_module.pot_plan(project, remember=False)
    assert stale_pots(project) == [] and not cache_file.exists()
    # Nor does a cache that cannot be written stop an extraction.
    cache_file.mkdir()
    assert write(project) == [] and len(read) == 3


# --------------------------------------------------------------------------- references


def _entries_after_edit(root: Path, references: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """Each entry of de/sample.po (its text, by msgid) after extract + update, before and after
    three lines are added above a paragraph of the article."""
    from lingopress.catalogs import update_project

    pyproject = root / "pyproject.toml"
    if references is not None:
        text = pyproject.read_text("utf-8")
        pyproject.write_text(
            text.replace("[tool.lingopress]\n", f'[tool.lingopress]\nreferences = "{references}"\n'), "utf-8"
        )

    def entries() -> dict[str, str]:
        config = load_config(root)
        write_pots(config)
        update_project(config, ["de"])
        po = (root / "locales" / "de" / "LC_MESSAGES" / "sample.po").read_text("utf-8")
        blocks = po.split("\n\n")[1:]
        return {next(line for line in b.splitlines() if line.startswith("msgid")): b for b in blocks}

    before = entries()
    article = root / "source" / "sample.md"
    text = article.read_text("utf-8")
    added = "A new paragraph,\nwritten over two lines.\n\n"
    article.write_text(text.replace("## Costs", f"{added}## Costs", 1), "utf-8")
    return before, entries()


def test_an_edit_above_a_paragraph_changes_no_other_entry(project: Config) -> None:
    """With the default references (``file``), three lines added to an article change its PO
    files by the new entry alone: no entry below gets a new line number."""
    before, after = _entries_after_edit(project.root, None)
    assert set(after) - set(before) == {'msgid "A new paragraph, written over two lines."'}
    assert {k: v for k, v in after.items() if k in before} == before
    assert "#: source/sample.md\n" in before['msgid "Sample Treatment"']


def test_references_with_lines_move_with_the_text(project: Config) -> None:
    """``references = "file:line"`` gives each entry its line, as xgettext does: the entries below
    an edit change with it."""
    before, after = _entries_after_edit(project.root, "file:line")
    moved = [k for k, v in after.items() if k in before and v != before[k]]
    assert 'msgid "Costs and *results*"' in moved and 'msgid "Sample Treatment"' not in moved
    assert "#: source/sample.md:20\n" in before['msgid "Costs and *results*"']
    assert "#: source/sample.md:23\n" in after['msgid "Costs and *results*"']


def test_references_none_leaves_out_every_reference(project: Config) -> None:
    """``references = "none"`` writes no ``#:`` line, in the POT files and in the PO files."""
    before, _ = _entries_after_edit(project.root, "none")
    assert before and not any("#:" in entry for entry in before.values())
    assert "#:" not in (project.root / "locales" / "site.pot").read_text("utf-8")


def test_an_unknown_references_value_is_a_config_error(project: Config) -> None:
    """Any other value names pyproject.toml, the key and the values it takes."""
    pyproject = project.root / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    text = text.replace("[tool.lingopress]\n", '[tool.lingopress]\nreferences = "lines"\n')
    pyproject.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.lingopress\] references: must be one of"):
        load_config(project.root)
