"""Tasks on every core (lingopress.parallel): the same files as in one process, errors in order."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lingopress import catalogs as catalogs_module
from lingopress.catalogs import compile_project, update_project
from lingopress.config import Config, load_config
from lingopress.errors import CatalogError
from lingopress.extract import write_pots
from lingopress.parallel import WorkerError, map_chunks


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


def _die_on_three(items: list[int]) -> list[int]:
    if 3 in items:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does to a process out of memory
    return items


class _Unpicklable(Exception):
    def __init__(self, text: str, handle: object) -> None:
        super().__init__(text)
        self.handle = handle


def _raise_unpicklable(items: list[int]) -> list[int]:
    raise _Unpicklable("no pickle", lambda: None)


class _NotRemade(Exception):
    def __init__(self, text: str, code: int) -> None:
        super().__init__(f"{text} ({code})")  # its args are not those of __init__


def _raise_not_remade(items: list[int]) -> list[int]:
    raise _NotRemade("not remade", 7)


def _unpicklable_results(items: list[int]) -> list[object]:
    return [lambda: None for _ in items]


def _large(items: list[int]) -> list[bytes]:
    return [bytes([item % 256]) * 300_000 for item in items]  # far more than a pipe holds


def _children() -> set[int]:
    tasks = Path(f"/proc/{os.getpid()}/task")
    return {int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split()}


def test_map_chunks_gives_back_large_results_and_leaves_no_process_behind() -> None:
    before = _children()
    found = map_chunks(_large, list(range(40)), min_items=1)
    assert [r[:1] for r in found] == [bytes([i]) for i in range(40)] and {len(r) for r in found} == {300_000}
    assert _children() == before


def test_a_worker_that_dies_is_an_error_not_a_wait() -> None:
    before = _children()
    with pytest.raises(WorkerError, match="ended before its work was done"):
        map_chunks(_die_on_three, list(range(20)), min_items=1)
    assert _children() == before and gc.get_freeze_count() == 0


def test_what_cannot_be_sent_back_comes_back_as_an_error_that_says_what_it_was() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable: no pickle") as caught:
        map_chunks(_raise_unpicklable, list(range(20)), min_items=1)
    assert not isinstance(caught.value, _Unpicklable)
    with pytest.raises(RuntimeError, match=r"_NotRemade: not remade \(7\) \(cannot be sent"):
        map_chunks(_raise_not_remade, list(range(20)), min_items=1)
    with pytest.raises(RuntimeError, match=r"the results \(cannot be sent from a worker process"):
        map_chunks(_unpicklable_results, list(range(20)), min_items=1)


def test_an_exception_from_a_worker_tells_where_it_was_raised() -> None:
    with pytest.raises(ValueError, match="three") as caught:
        map_chunks(_fail_on_three, list(range(20)), min_items=1)
    (note,) = caught.value.__notes__
    assert note.startswith("in a worker process:") and "_fail_on_three" in note


def test_workers_are_stopped_when_this_process_gives_up() -> None:
    """When ``meanwhile`` fails, the workers are stopped, even those waiting for their large
    results to be read: the error comes at once."""
    script = (
        "from lingopress.parallel import map_chunks\n"
        "def large(items):\n"
        "    return [b'x' * 1_000_000 for _ in items]\n"
        "def fail():\n"
        "    raise RuntimeError('meanwhile')\n"
        "try:\n"
        "    map_chunks(large, list(range(40)), min_items=1, meanwhile=fail)\n"
        "except RuntimeError as exc:\n"
        "    print(exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.stdout == "meanwhile\n", run.stderr


def test_output_is_written_once_by_whoever_wrote_it(tmp_path: Path) -> None:
    """What this process had buffered is not written again by the workers, and what a worker
    prints is not lost."""
    script = (
        "import sys\n"
        "from lingopress.parallel import map_chunks\n"
        "def work(items):\n"
        "    print('w', end='')\n"
        "    return items\n"
        "print('before', end='')\n"
        "assert map_chunks(work, list(range(8)), min_items=1, chunks_per_core=2) == list(range(8))\n"
        "print('|after')\n"
    )
    buffered = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=buffered)
    out = run.stdout
    assert run.returncode == 0, run.stderr
    assert out.startswith("before") and out.endswith("|after\n") and out.count("before") == 1
    assert set(out[len("before") : -len("|after\n")]) == {"w"}


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
