"""Extraction: articles and templates to POT files, compared with golden files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lingopress.config import Config, load_config
from lingopress.errors import SourceError
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
    catalog = extract_project(project).catalogs["sample"]
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
    """The same block text twice in an article is one msgid with two references."""
    article = project.source_dir / "sample.md"
    article.write_text(article.read_text("utf-8") + "\nPatients come first.\n", "utf-8")
    catalog = extract_project(project).catalogs["sample"]
    matches = [m for m in catalog.messages if m.msgid == "Patients come first."]
    assert len(matches) == 1
    assert len(matches[0].references) == 2
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
    (project.source_dir / "more-9.md").write_text(
        sample.replace('slug = "sample"', 'slug = "more-0"'), "utf-8"
    )
    with pytest.raises(SourceError) as caught:
        extract_module.pot_plan(project)
    assert caught.value.path == "source/more-9.md"
