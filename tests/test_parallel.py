"""Tasks on every core (lingopress.parallel): the same files as in one process, errors in order."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from lingopress import catalogs as catalogs_module
from lingopress.catalogs import compile_project, update_project
from lingopress.config import Config, load_config
from lingopress.errors import CatalogError
from lingopress.extract import write_pots
from lingopress.parallel import map_chunks


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _twice(project: Config, tmp_path: Path) -> tuple[Config, Config]:
    write_pots(project)
    other = tmp_path / "other"
    shutil.copytree(project.root, other)
    return project, load_config(other)


def _fail_on_three(items: list[int]) -> list[int]:
    if 3 in items:
        raise ValueError("three")
    return [item * 2 for item in items]


def test_map_chunks_keeps_order_and_raises_the_first_error() -> None:
    """...and leaves nothing of this process frozen from the garbage collector after the
    workers are done, whether they succeeded or not (unless the process froze it before)."""
    assert map_chunks(_fail_on_three, [0, 1, 2], min_items=1) == [0, 2, 4]
    assert map_chunks(_fail_on_three, list(range(0, 40, 2)), min_items=1) == list(range(0, 80, 4))
    assert gc.get_freeze_count() == 0
    with pytest.raises(ValueError, match="three"):
        map_chunks(_fail_on_three, list(range(20)), min_items=1)
    assert gc.get_freeze_count() == 0
    gc.freeze()  # as the invoke tasks do once their modules are imported: that stays
    try:
        assert map_chunks(_fail_on_three, [0, 1], min_items=1) == [0, 2] and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_map_chunks_calls_meanwhile_once_in_this_process() -> None:
    """With workers or without, ``meanwhile`` runs here, once; what it raises comes first."""
    import os

    pids: list[int] = []
    for min_items in (1, 100):
        pids.clear()
        doubled = map_chunks(_fail_on_three, [0, 2, 4], min_items, meanwhile=lambda: pids.append(os.getpid()))
        assert doubled == [0, 4, 8] and pids == [os.getpid()]

        def fail() -> None:
            raise RuntimeError("meanwhile")

        with pytest.raises(RuntimeError, match="meanwhile"):
            map_chunks(_fail_on_three, list(range(20)), min_items, meanwhile=fail)
        assert gc.get_freeze_count() == 0


def test_update_and_compile_on_every_core_write_the_same_files(
    project: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    serial, parallel = _twice(project, tmp_path)
    first = update_project(serial, list(serial.locales))
    compile_project(serial, list(serial.locales))
    monkeypatch.setattr(catalogs_module, "_POOL_MIN_FILES", 1)
    second = update_project(parallel, list(parallel.locales))
    compile_project(parallel, list(parallel.locales))
    assert second.created == first.created and second.written == first.written
    assert second.files == first.files
    assert _files(parallel.locales_dir) == _files(serial.locales_dir)
    assert _files(parallel.build_dir) == _files(serial.build_dir)
    assert update_project(parallel, list(parallel.locales)).written == []


def test_a_broken_po_file_stops_a_parallel_update_before_anything_is_written(
    project: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_pots(project)
    update_project(project, list(project.locales))
    before = _files(project.locales_dir)
    broken = project.po_path("tr", "sample")
    broken.write_text(broken.read_text("utf-8") + '\nmsgid "unterminated\n', "utf-8")
    (project.source_dir / "sample.md").write_text(
        (project.source_dir / "sample.md").read_text("utf-8") + "\nA new paragraph.\n", "utf-8"
    )
    write_pots(project)
    pot = project.pot_path("sample").read_bytes()
    monkeypatch.setattr(catalogs_module, "_POOL_MIN_FILES", 1)
    with pytest.raises(CatalogError) as caught:
        update_project(project, list(project.locales))
    assert caught.value.path == "locales/tr/LC_MESSAGES/sample.po"
    after = _files(project.locales_dir)
    assert after.pop("sample.pot") == pot
    before.pop("sample.pot")
    assert after == {**before, "tr/LC_MESSAGES/sample.po": broken.read_bytes()}
