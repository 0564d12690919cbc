"""The build: incremental by content hashes, parallel with the same bytes, gated, sharded, cleaned up."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lingopress import build as build_module
from lingopress.build import Progress, build_site
from lingopress.build import pool as pool_module
from lingopress.build import sitewide as sitewide_module
from lingopress.build import work as work_module
from lingopress.buildcache import BuildCache, FileFact, code_digest, digest_bytes, read_facts, read_file
from lingopress.catalogs import update_project
from lingopress.config import Config, load_config
from lingopress.errors import CatalogError, LingopressError, SourceError
from lingopress.extract import extract_project, write_pots
from lingopress.gate import check_project
from lingopress.lock import project_lock
from lingopress.pofile import read_po, save_po

SECOND = """+++
title = "Second Article"
slug = "second"
published = 2025-03-01

[values]
count = { number = 1200 }
+++

A second article about {count} things.

## Details

More text here.
"""


@pytest.fixture(autouse=True)
def _pinned_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")


def prepare(config: Config, translate: bool = False) -> Config:
    """Extract and update the project; with ``translate``, fill every msgstr (so the gate passes)."""
    write_pots(config, extract_project(config).catalogs)
    update_project(config, list(config.locales))
    if translate:
        for path in sorted(config.locales_dir.rglob("*.po")):
            catalog = read_po(path)
            for message in catalog.messages:
                message.msgstr = (
                    [f"{message.msgid} ·"]
                    if message.msgid_plural is None
                    else [message.msgid_plural] * len(message.msgstr)
                )
            save_po(path, catalog)
    return load_config(config.root)


def tree(config: Config) -> dict[str, bytes]:
    """Every file under build/ but the cache."""
    return {
        p.relative_to(config.build_dir).as_posix(): p.read_bytes()
        for p in sorted(config.build_dir.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


def everything(config: Config) -> dict[str, tuple[bytes, int]]:
    """Every file under build/, the caches included (but the project lock), with its time."""
    return {
        p.relative_to(config.build_dir).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(config.build_dir.rglob("*"))
        if p.is_file() and p.name != "lock"
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_no_op_rebuild_renders_and_writes_nothing(project: Config) -> None:
    """A second build with nothing changed renders no page and writes no file."""
    config = prepare(project)
    first = build_site(config)
    assert first.rendered == first.pages == 4  # en, de, tr, ar; ja is below its threshold
    assert "build/de/sample/index.html" in first.written
    assert "build/locale/de/LC_MESSAGES/sample.mo" in first.written
    second = build_site(config)
    assert (second.pages, second.rendered, second.written, second.removed) == (4, 0, [], [])


def test_editing_one_article_rebuilds_only_its_pages(project: Config) -> None:
    """Changing an article re-renders its page in every locale and leaves the other article alone."""
    (project.source_dir / "second.md").write_text(SECOND, "utf-8")
    config = prepare(project)
    build_site(config)
    before = tree(config)
    edit(config.source_dir / "second.md", "More text here.", "More text here, edited.")
    config = prepare(config)
    result = build_site(config)
    assert result.rendered == 4
    pages = [p for p in result.written if p.endswith("index.html") and p != "build/index.html"]
    assert sorted(pages) == [f"build/{tag}/second/index.html" for tag in ("ar", "de", "en", "tr")]
    after = tree(config)
    assert after["de/sample/index.html"] == before["de/sample/index.html"]
    assert b"More text here, edited." in after["en/second/index.html"]


def test_editing_one_po_file_rebuilds_one_page_and_its_mo(project: Config) -> None:
    """A new translation in de's catalog re-renders de's page and recompiles its MO file, nothing else."""
    config = prepare(project)
    build_site(config)
    path = config.po_path("de", "sample")
    catalog = read_po(path)
    catalog.index()[(None, "Patients come first.")].msgstr = ["Die Patienten stehen an erster Stelle."]
    save_po(path, catalog)
    result = build_site(config)
    assert result.rendered == 1
    assert result.written == [
        "build/badges/de.svg",  # the status page and badge: one more message translated
        "build/de/sample/index.html",
        "build/locale/de/LC_MESSAGES/sample.mo",
        "build/status.html",
        "build/status.json",
    ]
    assert "Die Patienten stehen an erster Stelle." in (config.build_dir / "de/sample/index.html").read_text()


def test_outputs_deleted_by_hand_are_made_again(project: Config) -> None:
    """A page or MO file removed from build/ is made again, though none of its inputs changed."""
    config = prepare(project)
    build_site(config)
    before = tree(config)
    (config.build_dir / "de/sample/index.html").unlink()
    (config.build_dir / "locale/tr/LC_MESSAGES/sample.mo").unlink()
    result = build_site(config)
    assert result.rendered == 1
    assert result.written == ["build/de/sample/index.html", "build/locale/tr/LC_MESSAGES/sample.mo"]
    assert tree(config) == before
    assert build_site(config).written == []


def test_template_change_rerenders_every_page(project: Config) -> None:
    """Templates are an input of every page."""
    config = prepare(project)
    build_site(config)
    base = config.templates_dir / "base.html"
    base.write_text(base.read_text("utf-8") + "\n", "utf-8")
    result = build_site(config)
    assert result.rendered == 4


def test_deleted_article_and_locale_lose_their_outputs(project: Config) -> None:
    """Pages and MO files of an article or locale that is gone are removed, with empty folders."""
    (project.source_dir / "second.md").write_text(SECOND, "utf-8")
    config = prepare(project)
    build_site(config)
    assert (config.build_dir / "tr/second/index.html").is_file()
    (config.source_dir / "second.md").unlink()
    config = prepare(config)
    result = build_site(config)
    assert "build/tr/second/index.html" in result.removed
    assert "build/locale/de/LC_MESSAGES/second.mo" in result.removed
    assert not (config.build_dir / "tr/second").exists()
    edit(config.root / "pyproject.toml", 'tr = { status = "required" }\n', "")
    result = build_site(load_config(config.root))
    assert "build/tr/sample/index.html" in result.removed
    assert not (config.build_dir / "tr").exists()
    assert not (config.build_dir / "locale/tr").exists()


def test_stale_pages_are_found_without_a_cache(project: Config) -> None:
    """When the cache is gone, pages of deleted articles are still found on disk and removed."""
    (project.source_dir / "second.md").write_text(SECOND, "utf-8")
    config = prepare(project)
    build_site(config)
    (config.build_dir / build_module.CACHE_FILE).unlink()
    (config.source_dir / "second.md").unlink()
    config = prepare(config)
    result = build_site(config)
    assert "build/de/second/index.html" in result.removed
    assert not (config.build_dir / "de/second").exists()


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"version": 1, "code": 3}', b"\xff\xfe", b"[]"])
def test_corrupt_cache_is_ignored(project: Config, garbage: bytes) -> None:
    """An unreadable cache is not an error: everything is rendered again and the same bytes result."""
    config = prepare(project)
    build_site(config)
    before = tree(config)
    (config.build_dir / build_module.CACHE_FILE).write_bytes(garbage)
    result = build_site(config)
    assert result.rendered == 4 and result.written == []
    assert tree(config) == before
    assert build_site(config).rendered == 0


def test_cache_of_other_code_is_ignored(tmp_path: Path) -> None:
    """A cache written by another version of the code starts empty."""
    path = tmp_path / "build.json"
    cache = BuildCache(code="old")
    cache.put("k", {"a": 1})
    cache.save(path)
    assert BuildCache.load(path, "old").get("k") == {"a": 1}
    assert BuildCache.load(path, "new").get("k") is None


def test_code_digest_follows_the_libraries_without_importing_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another version of a library (its ``__init__.py``), another code digest; finding it does
    not import the library."""
    import importlib.machinery
    import importlib.util
    import subprocess
    import sys

    from lingopress import buildcache

    fake = tmp_path / "__init__.py"
    fake.write_text("__version__ = '3.1.6'\n", "utf-8")
    real = importlib.util.find_spec

    def find_spec(name: str) -> importlib.machinery.ModuleSpec | None:
        if name != "jinja2":
            return real(name)
        spec = importlib.machinery.ModuleSpec(name, None, origin=str(fake))
        spec.has_location = True
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    first = buildcache.code_digest()
    assert buildcache.code_digest() == first
    fake.write_text("__version__ = '3.10.1'\n", "utf-8")  # (in the same clock tick, only the size tells)
    assert buildcache.code_digest() != first

    script = (
        "import sys; from lingopress.buildcache import code_digest; code_digest(); print(sorted(sys.modules))"
    )
    src = str(Path(__file__).resolve().parent.parent / "src")
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env={"PYTHONPATH": src}
    ).stdout
    assert "'jinja2'" not in loaded and "'lingopress.buildcache'" in loaded


def test_same_file_content_keeps_its_hash_after_touch(tmp_path: Path) -> None:
    """The digest follows content: a touched file keeps its digest, an edited one gets a new one."""
    path = tmp_path / "a.txt"
    path.write_text("one", "utf-8")
    cache = BuildCache()
    first = cache.file_digest(path)
    os.utime(path, ns=(1, 1))
    assert cache.file_digest(path) == first
    path.write_text("two", "utf-8")
    assert cache.file_digest(path) != first
    assert cache.file_digest(tmp_path / "missing") is None


def test_file_digests_hash_what_the_cache_does_not_know(tmp_path: Path) -> None:
    """Many files at once: those the cache does not know go to ``read`` together (all of them
    with an empty cache), the others come from the cache; a missing file has no digest and
    leaves the cache."""
    paths = [str(tmp_path / name) for name in ("a", "b", "c", "missing")]
    for path, text in zip(paths, ("one", "two", "three"), strict=False):
        Path(path).write_text(text, "utf-8")
    asked: list[list[str]] = []

    def read(todo: list[str]) -> list[FileFact | None]:
        asked.append(todo)
        return read_facts(todo)

    cache = BuildCache(root=str(tmp_path))
    expected = [digest_bytes(b"one"), digest_bytes(b"two"), digest_bytes(b"three"), None]
    assert cache.file_digests(paths, read) == expected and asked == [paths]
    assert [BuildCache().file_digest(p) for p in paths] == expected
    asked.clear()
    assert cache.file_digests(paths, read) == expected and asked == []  # known, or missing
    Path(paths[1]).write_text("two, edited", "utf-8")
    Path(paths[2]).unlink()
    Path(paths[3]).write_text("four", "utf-8")
    found = cache.file_digests(paths, read)
    assert found == [expected[0], digest_bytes(b"two, edited"), None, digest_bytes(b"four")]
    assert asked == [[paths[1], paths[3]]] and "c" not in cache.files
    assert cache.file_digests(paths[:1], lambda todo: [None] * len(todo)) == [expected[0]]


def test_parallel_build_gives_the_same_bytes(
    project: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Rendering in worker processes writes exactly what one process writes."""
    (project.source_dir / "second.md").write_text(SECOND, "utf-8")
    config = prepare(project)
    build_site(config, jobs=1)
    sequential = tree(config)
    for path in config.build_dir.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    monkeypatch.setattr(pool_module, "POOL_MIN_JOBS", 0)
    monkeypatch.setattr(pool_module, "BATCH", 1)
    monkeypatch.setattr(pool_module, "FILES_PER_JOB", 1)
    result = build_site(config, jobs=2)
    assert result.rendered == 8
    assert tree(config) == sequential
    # The workers hashed the inputs: the cache knows each PO file by its bytes.
    cache = BuildCache.load(config.build_dir / build_module.CACHE_FILE, code_digest(), str(config.root))
    for path in sorted(config.locales_dir.rglob("*.po")):
        assert cache.files[config.relative(path)][2] == digest_bytes(path.read_bytes()), path
    assert build_site(config, jobs=2).rendered == 0


def test_gate_blocks_and_keeps_its_verdict(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A required locale with untranslated entries stops the build before anything is written,
    the build cache included (so the next build checks again); once a build goes through, the
    verdict on unchanged inputs is not computed twice, and an edited catalog re-checks itself only."""
    config = prepare(project)
    calls: list[tuple[str, str]] = []
    real = work_module.check_domain

    def counting(config: Config, name: str, domain: str, *args: object):  # type: ignore[no-untyped-def]
        calls.append((name, domain))
        return real(config, name, domain, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(work_module, "check_domain", counting)
    result = build_site(config, gate=True)
    assert result.blocking and not (config.build_dir / "en").exists()
    assert not (config.build_dir / build_module.STAGING).exists()
    assert not (config.build_dir / build_module.CACHE_FILE).exists()
    assert {d.code for d in result.blocking} == {"untranslated"}
    assert {d.locale for d in result.blocking} == {"de", "tr", "ar"}
    every = sorted((name, domain) for name in ("ar", "de", "tr") for domain in ("sample", "site"))
    assert sorted(calls) == every
    calls.clear()
    assert build_site(config, gate=True).blocking == result.blocking
    assert sorted(calls) == every
    assert build_site(config, ["de"], gate=True).blocking == [d for d in result.blocking if d.locale == "de"]
    assert not (config.build_dir / "en").exists()
    config = prepare(config, translate=True)
    calls.clear()
    result = build_site(config, gate=True)
    assert result.blocking == [] and result.rendered == 5  # ja is complete now, so published
    assert sorted(calls) == every
    calls.clear()
    assert build_site(config, gate=True).blocking == []
    assert build_site(config, ["de"], gate=True).blocking == []
    assert calls == []
    path = config.po_path("tr", "sample")
    os.utime(path, ns=(1, 1))  # touched, same bytes: no new check
    assert build_site(config, gate=True).blocking == []
    assert calls == []
    path.write_bytes(path.read_bytes() + b"\n")
    assert build_site(config, gate=True).blocking == []
    assert calls == [("tr", "sample")]
    assert not (config.build_dir / build_module.STAGING).exists()


def test_build_gate_is_the_check(project: Config) -> None:
    """The build stops on exactly the errors 'invoke check' reports for required locales."""
    config = prepare(project)
    (config.glossary_dir).mkdir(parents=True, exist_ok=True)
    (config.glossary_dir / "de.csv").write_text("not,a,glossary\n\x00", "utf-8")
    expected = [
        d
        for d in check_project(config).errors
        if d.locale is None or config.locales[d.locale].status == "required"
    ]
    assert "glossary-file" in {d.code for d in expected}
    assert build_site(config, gate=True).blocking == expected


def test_gate_reports_stale_templates(project: Config) -> None:
    """An article changed after 'extract' makes its POT stale, which stops the build."""
    config = prepare(project, translate=True)
    edit(config.source_dir / "sample.md", "Patients come first.", "Patients always come first.")
    result = build_site(config, gate=True)
    assert [(d.path, d.code) for d in result.blocking] == [("locales/sample.pot", "stale-pot")]
    assert build_site(config).blocking == []


def test_sharded_build_renders_one_locale_and_keeps_the_others(project: Config) -> None:
    """--locale de renders de and the source only, and leaves other locales' pages in place."""
    config = prepare(project)
    build_site(config)
    tr_page = (config.build_dir / "tr/sample/index.html").read_bytes()
    base = config.templates_dir / "base.html"
    base.write_text(base.read_text("utf-8") + "\n", "utf-8")
    result = build_site(config, ["de"])
    assert result.pages == 2 and result.rendered == 2
    assert result.removed == []
    assert (config.build_dir / "tr/sample/index.html").read_bytes() == tr_page


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_only() -> None:
    """Per-locale progress goes to a terminal, and nothing to a pipe or file."""
    quiet = io.StringIO()
    bar = Progress(quiet, {"de": 300, "fr": 300})
    bar.advance("de", 300)
    bar.close()
    assert quiet.getvalue() == ""
    terminal = _Terminal()
    bar = Progress(terminal, {"de": 300, "fr": 300})
    bar.advance("de", 300)
    bar.advance("fr", 25)
    assert bar.line() == "325/600 pages · de done · fr 25/300"
    bar.close()
    assert "de done" in terminal.getvalue() and terminal.getvalue().endswith("\n")


def test_no_op_build_leaves_the_cache_file_alone(project: Config) -> None:
    """Nothing changed, nothing to remember: the cache is not rewritten (its bytes and time stay)."""
    config = prepare(project)
    for input_file in [*config.source_dir.rglob("*"), *config.locales_dir.rglob("*")]:
        os.utime(input_file, ns=(10**18, 10**18))  # old enough to be trusted by their times
    build_site(config)
    path = config.build_dir / build_module.CACHE_FILE
    os.utime(path, ns=(1, 1))
    before = path.read_bytes()
    build_site(config)
    assert path.stat().st_mtime_ns == 1 and path.read_bytes() == before


def test_recently_modified_file_is_hashed_again(tmp_path: Path) -> None:
    """An edit that keeps size and time (same clock tick) after the cache was saved is still seen,
    because times that recent are not trusted."""
    path = tmp_path / "a.po"
    path.write_text("one", "utf-8")
    stamp = path.stat().st_mtime_ns
    cache = BuildCache(code="c", root=str(tmp_path))
    first = cache.file_digest(path)
    cache.save(tmp_path / "cache.json")
    path.write_text("two", "utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert BuildCache.load(tmp_path / "cache.json", "c", str(tmp_path)).file_digest(path) != first


def test_forced_build_keeps_the_gates_verdicts(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build with --force does not need the gate, nor does a shard need other locales'
    verdicts, but neither forgets them, however many the cache holds."""
    strict = lambda entries, used: {k: v for k, v in entries.items() if k in used}  # noqa: E731
    monkeypatch.setattr("lingopress.buildcache._kept", strict)
    config = prepare(project, translate=True)
    assert build_site(config, gate=True).blocking == []
    build_site(config)
    build_site(config, ["de"], gate=True)
    calls: list[object] = []
    monkeypatch.setattr(work_module, "check_domain", lambda *a: calls.append(a))
    assert build_site(config, gate=True).blocking == []
    assert calls == []


def test_pseudo_build_is_incremental_and_leaves_nothing_behind(project: Config) -> None:
    """A build with pseudo-locales renders them through the same incremental build (a second one
    renders nothing, an edited article renders its pages again); the next normal build renders
    every page again (their language switcher lost the pseudo-locales) and removes the pseudo
    pages, MO files and badges."""
    config = prepare(project, translate=True)
    plain = build_site(config)
    before = tree(config)
    pseudo = build_site(config, pseudo=True)
    built = tree(config)
    assert {"en-xa/sample/index.html", "ar-xb/sample/index.html", "badges/en-xa.svg"} <= set(built)
    assert "locale/en_XA/LC_MESSAGES/sample.mo" in built
    assert pseudo.pages == pseudo.rendered == plain.pages + 2
    assert "en_XA" in pseudo.stats
    again = build_site(config, pseudo=True)
    assert (again.rendered, again.written, again.removed) == (0, [], [])
    edit(config.source_dir / "sample.md", "Patients come first.", "Patients always come first.")
    edited = build_site(config, pseudo=True)
    assert edited.rendered == pseudo.pages
    assert tree(config)["en-xa/sample/index.html"] != built["en-xa/sample/index.html"]
    edit(config.source_dir / "sample.md", "Patients always come first.", "Patients come first.")
    normal = build_site(config)
    assert normal.rendered == plain.pages
    assert {"build/en-xa/sample/index.html", "build/badges/en-xa.svg"} <= set(normal.removed)
    assert tree(config) == before


def test_status_page_is_made_again_only_when_a_catalog_changes(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A no-op build does not render the status page again; a changed catalog does."""
    config = prepare(project)
    build_site(config)
    calls: list[object] = []
    real = sitewide_module.write_status

    def counting(*args: object, **kwargs: object) -> list[str]:
        calls.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sitewide_module, "write_status", counting)
    build_site(config)
    assert calls == []
    path = config.po_path("de", "sample")
    catalog = read_po(path)
    catalog.index()[(None, "Patients come first.")].msgstr = ["Die Patienten stehen an erster Stelle."]
    save_po(path, catalog)
    result = build_site(config)
    assert len(calls) == 1 and "build/status.json" in result.written
    (config.build_dir / "status.html").unlink()
    build_site(config)
    assert len(calls) == 2 and (config.build_dir / "status.html").is_file()


def test_blocked_build_leaves_the_published_site_as_it_was(project: Config) -> None:
    """Pages are rendered while their catalogs are checked, but a build that the check stops
    moves none of them into build/: the site stays the last good one."""
    config = prepare(project, translate=True)
    assert build_site(config, gate=True).blocking == []
    untouched = everything(config)
    assert "build/.cache/build.json" in {f"build/{name}" for name in untouched}
    base = config.templates_dir / "base.html"
    base.write_text(base.read_text("utf-8") + "\n<!-- changed -->\n", "utf-8")
    path = config.po_path("de", "sample")
    catalog = read_po(path)
    catalog.messages[0].msgstr = [""]
    save_po(path, catalog)
    result = build_site(config, gate=True)
    assert [(d.locale, d.code) for d in result.blocking] == [("de", "untranslated")]
    assert everything(config) == untouched  # the pages, and the cache too
    assert not (config.build_dir / build_module.STAGING).exists()
    catalog.messages[0].msgstr = ["Wieder übersetzt."]
    save_po(path, catalog)
    result = build_site(config, gate=True)
    assert result.blocking == [] and result.rendered == result.pages
    assert all(
        "<!-- changed -->" in (config.build_dir / p).read_text("utf-8")
        for p in tree(config)
        if p.endswith("/index.html")
    )


def test_shards_make_the_same_site_wide_files(project: Config) -> None:
    """Each shard writes the index, sitemap and status of the whole site, so that the union of
    the shards' build/ folders is the site a full build makes."""
    config = prepare(project, translate=True)
    assert build_site(config, gate=True).blocking == []
    full = tree(config)
    shards: dict[str, bytes] = {}
    for locale in config.locales:
        shutil.rmtree(config.build_dir)
        assert build_site(config, [locale], gate=True).blocking == []
        for name, data in tree(config).items():
            assert shards.setdefault(name, data) == data, f"{name} differs between shards"
    assert shards == full


def test_build_stopped_by_an_unreadable_catalog_changes_nothing(project: Config) -> None:
    """Even without the gate (--force), a PO file that cannot be read stops the build at its
    line, and build/ keeps the last complete site."""
    config = prepare(project, translate=True)
    build_site(config)
    before = tree(config)
    base = config.templates_dir / "base.html"
    base.write_text(base.read_text("utf-8") + "\n<!-- changed -->\n", "utf-8")
    broken = config.po_path("de", "sample")  # a required locale: the preview count does not read it
    broken.write_text(broken.read_text("utf-8") + '\nmsgid "unterminated\n', "utf-8")
    untouched = everything(config)
    with pytest.raises(CatalogError) as caught:
        build_site(config)
    assert caught.value.path == "locales/de/LC_MESSAGES/sample.po"
    assert tree(config) == before
    assert everything(config) == untouched
    assert not (config.build_dir / build_module.STAGING).exists()


def test_cached_statistics_come_back_as_they_were_counted() -> None:
    """Statistics travel through the cache as a list in STAT_FIELDS order."""
    import dataclasses

    from lingopress.checks import Stats

    assert [f.name for f in dataclasses.fields(Stats)][: len(work_module.STAT_FIELDS)] == list(
        work_module.STAT_FIELDS
    )
    stats = Stats(3, 1, 2, 30, 10, 20)
    assert work_module.stats_of(list(work_module.stats_tuple(stats))) == stats


def test_read_file_reads_a_whole_file_and_nothing_else(tmp_path: Path) -> None:
    """Its bytes, with the size and time taken before reading; None for what is not a file."""
    large = tmp_path / "large.po"
    large.write_bytes(bytes(range(256)) * 20_000)  # more than one read gives
    fact, data = read_file(large) or pytest.fail("not read")
    assert data == large.read_bytes() and fact == (len(data), large.stat().st_mtime_ns, digest_bytes(data))
    empty = tmp_path / "empty.po"
    empty.write_bytes(b"")
    assert read_file(empty) == ((0, empty.stat().st_mtime_ns, digest_bytes(b"")), b"")
    assert read_file(tmp_path) is None  # a folder
    assert read_file(tmp_path / "missing.po") is None
    assert read_file(large / "below") is None  # a file taken for a folder


def test_read_file_goes_on_after_a_read_cut_short(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read may give fewer bytes than asked (over 2 GB at once on Linux, or on some file
    systems): the file is read to its end all the same."""
    import lingopress.buildcache as buildcache_module

    path = tmp_path / "large.po"
    path.write_bytes(bytes(range(256)) * 400)
    real_read = os.read
    monkeypatch.setattr(buildcache_module.os, "read", lambda fd, n: real_read(fd, min(n, 1000)))
    fact, data = read_file(path) or pytest.fail("not read")
    assert data == path.read_bytes() and fact[2] == digest_bytes(data)


DRAFT = SECOND.replace('slug = "second"', 'slug = "second"\ndraft = true')


def test_a_draft_is_extracted_but_not_published(project: Config) -> None:
    """An article with draft = true has a POT and PO files, but no page in any locale, no MO file
    and no entry in the index or the sitemap; an article that becomes a draft loses its pages."""
    (project.source_dir / "second.md").write_text(SECOND, "utf-8")
    config = prepare(project, translate=True)
    build_site(config)
    assert "de/second/index.html" in tree(config)
    (config.source_dir / "second.md").write_text(DRAFT, "utf-8")
    config = prepare(config, translate=True)
    assert config.pot_path("second").is_file() and config.po_path("de", "second").is_file()
    result = build_site(config, gate=True)
    assert result.blocking == [] and result.pages == 5
    assert "build/de/second/index.html" in result.removed
    assert "build/locale/de/LC_MESSAGES/second.mo" in result.removed
    built = tree(config)
    assert not [name for name in built if "second" in name]
    assert b"Second Article" not in built["index.html"] and b"/second/" not in built["sitemap.xml"]
    assert b"Sample Treatment" in built["index.html"]
    (config.source_dir / "second.md").write_text(SECOND, "utf-8")
    assert build_site(config).rendered == 5  # published again: its pages come back
    assert "de/second/index.html" in tree(config)


def test_draft_must_be_a_boolean(project: Config) -> None:
    """draft = "yes" is a source error at its line, not a published (or hidden) article."""
    (project.source_dir / "second.md").write_text(
        SECOND.replace('slug = "second"', 'slug = "second"\ndraft = "no"')
    )
    with pytest.raises(SourceError, match="draft must be true or false") as caught:
        build_site(project)
    assert (caught.value.path, caught.value.line) == ("source/second.md", 4)


_BUILD = (
    "import sys\n"
    "from lingopress.build import build_site\n"
    "from lingopress.config import load_config\n"
    "result = build_site(load_config(sys.argv[1]))\n"
    "print(result.pages, len(result.written))\n"
)


def test_two_builds_at_once_both_succeed(project: Config) -> None:
    """A build started while another task holds the project lock waits for it; two builds
    waiting at once both go through, one after the other (the second finds the site up to date)."""
    config = prepare(project, translate=True)
    with project_lock(config.build_dir, "the test"):
        builds = [
            subprocess.Popen(
                [sys.executable, "-c", _BUILD, str(config.root)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for build in builds:
            assert build.stderr is not None
            assert "waiting for the test" in build.stderr.readline()
    outputs = [build.communicate(timeout=300) for build in builds]
    assert [build.returncode for build in builds] == [0, 0], outputs
    counts = sorted(out.split() for out, _ in outputs)
    assert counts[0] == ["5", "0"] and counts[1][0] == "5" and int(counts[1][1]) > 10
    assert not (config.build_dir / build_module.STAGING).exists()
    assert (config.build_dir / "de/sample/index.html").is_file()


def test_a_build_that_cannot_write_stops_with_one_line_and_changes_nothing(project: Config) -> None:
    """An output that cannot be written (here: the staging folder is a file) stops the build with
    ``path: cannot write: reason``, and build/ keeps the last complete site and its cache."""
    config = prepare(project, translate=True)
    build_site(config)
    base = config.templates_dir / "base.html"
    base.write_text(base.read_text("utf-8") + "\n<!-- changed -->\n", "utf-8")
    blocker = config.build_dir / build_module.STAGING
    blocker.write_bytes(b"not a folder")
    untouched = everything(config)
    with pytest.raises(LingopressError, match="cannot write: Not a directory") as caught:
        build_site(config, jobs=1)
    assert str(caught.value).startswith("build/") and "\n" not in str(caught.value)
    assert everything(config) == untouched
