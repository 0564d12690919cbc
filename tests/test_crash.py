"""A task killed at any moment, or stopped by a full disk, loses nothing: every PO file stays
readable with its translations, a multi-file import lands whole or not at all (its journal is
rolled forward by the next task), and no temporary file shows in ``git status``."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from lingopress.build import build_site
from lingopress.catalogs import compile_project, update_project
from lingopress.config import Config
from lingopress.errors import LingopressError, WriteError
from lingopress.extract import write_pots
from lingopress.files import (
    JOURNAL,
    project_writes,
    remove_temporary_files,
    roll_forward,
    write_all,
    write_atomic,
)
from lingopress.imports import import_files
from lingopress.pofile import read_po
from long_article import (
    LOCALES,
    make_long_project,
    paragraph,
    translations,
    translator_file,
    worker_env,
    write_article,
)

NO_SPACE = os.strerror(errno.ENOSPC)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (by path relative to it) with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _temporary(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in folder.rglob("*.tmp")]


# The journal, rolled forward


def _pending_group(folder: Path, renamed: int) -> dict[str, bytes]:
    """Three files with old contents, and what a group of writes killed after ``renamed``
    renames left: the other new contents in temporary files, and the journal. Returns the new
    contents."""
    new = {}
    renames = []
    for k, name in enumerate(["de/LC_MESSAGES/a.po", "de/LC_MESSAGES/b.po", "tr/LC_MESSAGES/a.po"]):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        new[name] = f"new {k}\n".encode()
        temporary = target.parent / f".{target.name}.abcd_{k:03d}.tmp"
        (target if k < renamed else temporary).write_bytes(new[name])
        if k >= renamed:
            target.write_bytes(f"old {k}\n".encode())
        renames.append([temporary.relative_to(folder).as_posix(), name])
    (folder / JOURNAL).write_text(json.dumps({"journal": 1, "renames": renames}), "utf-8")
    return new


@pytest.mark.parametrize("renamed", [0, 1, 2, 3])
def test_a_journal_is_rolled_forward_wherever_the_kill_fell(tmp_path: Path, renamed: int) -> None:
    """A journal left after any number of its renames is finished: every file of the group has
    its new content, and the journal and temporary files are gone."""
    new = _pending_group(tmp_path, renamed)
    done = roll_forward(tmp_path)
    assert _files(tmp_path) == new
    assert sorted(p.relative_to(tmp_path).as_posix() for p in done) == sorted(new)[renamed:]
    assert roll_forward(tmp_path) == [], "nothing left to do"


@pytest.mark.parametrize(
    "renames",
    [
        [["../x/.a.po.abcdefgh.tmp", "../x/a.po"]],
        [["/etc/.passwd.abcdefgh.tmp", "/etc/passwd"]],
        [["de/.a.po.abcdefgh.tmp", "de/b.po"]],
        [["de/.a.po.abcdefgh.tmp", "tr/a.po"]],
        [["de/a.po.new", "de/a.po"]],
        [["de/./.a.po.abcdefgh.tmp", "de/./a.po"]],
        [["de/.a.po.abcdefgh.tmp"]],
        "not a list",
    ],
    ids=["parent", "absolute", "other name", "other folder", "not a temporary file", "dot", "short", "text"],
)
def test_a_journal_that_is_not_ours_moves_nothing(tmp_path: Path, renames: object) -> None:
    """A journal naming files outside the folder, or that this module would not have written,
    is an error that says how to drop it, and nothing is moved."""
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / ".a.po.abcdefgh.tmp").write_text("hostile", "utf-8")
    (tmp_path / "de" / "a.po").write_text("kept", "utf-8")
    (tmp_path / JOURNAL).write_text(json.dumps({"journal": 1, "renames": renames}), "utf-8")
    before = _files(tmp_path)
    with pytest.raises(LingopressError) as caught:
        roll_forward(tmp_path, display=lambda p: p.name)
    assert str(caught.value) == (
        ".journal: not the journal of an interrupted write; remove it to leave the files as they are"
    )
    assert _files(tmp_path) == before


def test_a_journal_that_is_not_json_moves_nothing(tmp_path: Path) -> None:
    """A journal that cannot be parsed is the same error."""
    (tmp_path / JOURNAL).write_bytes(b'{"journal": 1, "renames": [')
    with pytest.raises(LingopressError, match="not the journal of an interrupted write"):
        roll_forward(tmp_path)
    assert (tmp_path / JOURNAL).exists()


class Killed(BaseException):
    """Stands for a kill: nothing that follows runs."""


@pytest.mark.parametrize("after", [0, 1, 2])
def test_a_group_stopped_between_renames_is_finished_by_the_next_roll_forward(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    """Stopped after any number of its renames, a group leaves its journal; rolling it forward
    gives every file its new content."""
    targets = [tmp_path / "de" / "a.po", tmp_path / "de" / "b.po", tmp_path / "tr" / "a.po"]
    for path in targets:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"old\n")
    real_replace = Path.replace
    renames: list[Path] = []

    def replace(self: Path, target: Path) -> Path:
        if Path(target).suffix == ".po":
            if len(renames) == after:
                raise Killed
            renames.append(Path(target))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(Killed):
        write_all([(p, f"new {p.parent.name}/{p.name}\n".encode()) for p in targets], tmp_path)
    monkeypatch.undo()
    assert (tmp_path / JOURNAL).exists()
    assert sum(p.read_bytes() != b"old\n" for p in targets) == after
    roll_forward(tmp_path)
    assert [p.read_bytes() for p in targets] == [f"new {p.parent.name}/{p.name}\n".encode() for p in targets]
    assert _temporary(tmp_path) == [] and not (tmp_path / JOURNAL).exists()


def test_the_next_task_finishes_a_group_and_removes_what_a_kill_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """update (like every task that writes) first rolls a journal forward, saying so, and
    removes temporary files of killed writes; other files that merely look alike stay."""
    config = make_long_project(tmp_path / "project", 3)
    de, tr = config.po_path("de", "sample"), config.po_path("tr", "sample")
    text = {p: p.read_text("utf-8").replace('msgstr ""\n\n', 'msgstr "x"\n\n', 1) for p in (de, tr)}
    assert all(text[p] != p.read_text("utf-8") for p in (de, tr))
    renames = []
    for path in (de, tr):
        temporary = path.parent / f".{path.name}.q1w2e3r4.tmp"
        temporary.write_text(text[path], "utf-8")
        renames.append([temporary.relative_to(config.locales_dir).as_posix(), config.relative(path)[8:]])
    (config.locales_dir / JOURNAL).write_text(json.dumps({"journal": 1, "renames": renames}), "utf-8")
    orphan = config.po_path("de", "site").parent / ".site.po.zzzzzzzz.tmp"
    orphan.write_text("half a file", "utf-8")
    lookalikes = [config.locales_dir / ".notes.tmp", config.locales_dir / "draft.po.12345678.tmp"]
    for path in lookalikes:
        path.write_text("mine", "utf-8")
    update_project(config, list(LOCALES))
    assert (
        "locales/.journal: finished writing 2 files that an interrupted task left" in capsys.readouterr().err
    )
    assert de.read_text("utf-8") == text[de] and tr.read_text("utf-8") == text[tr]
    assert not orphan.exists() and all(p.exists() for p in lookalikes)
    assert not (config.locales_dir / JOURNAL).exists()


def test_orphans_are_removed_only_where_asked(tmp_path: Path) -> None:
    """Temporary files are removed from the folders given, not from their subfolders."""
    (tmp_path / "sub").mkdir()
    top, below = tmp_path / ".a.po.abcdefgh.tmp", tmp_path / "sub" / ".a.po.abcdefgh.tmp"
    top.write_text("x", "utf-8")
    below.write_text("x", "utf-8")
    assert remove_temporary_files([tmp_path]) == [top]
    assert below.exists()


# A full disk


def _full_disk(monkeypatch: pytest.MonkeyPatch, writes: int) -> None:
    """From now on, every write to a file after the first ``writes`` fails: No space left on
    device (a file is written in one call)."""
    real_write = os.write
    left = [writes]

    def write(fd: int, data: bytes | memoryview) -> int:
        if fd > 2:
            if left[0] <= 0:
                raise OSError(errno.ENOSPC, NO_SPACE)
            left[0] -= 1
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


def test_write_atomic_on_a_full_disk_leaves_the_file_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk leaves the old file and no temporary one, and the error names the file; it is
    also an OSError, which a cache's writer may ignore."""
    target = tmp_path / "index.html"
    target.write_bytes(b"old")
    _full_disk(monkeypatch, 0)
    for durable in (True, False):
        with pytest.raises(WriteError) as caught:
            write_atomic(target, b"new", durable=durable, display="build/index.html")
        assert str(caught.value) == f"build/index.html: cannot write: {NO_SPACE}"
        assert isinstance(caught.value, OSError) and caught.value.errno == errno.ENOSPC
    assert _files(tmp_path) == {"index.html": b"old"}


def _setup_update(config: Config, tmp_path: Path) -> Callable[[], object]:
    write_article(config, 12, ["A new paragraph."])
    write_pots(config)
    return lambda: update_project(config, list(LOCALES))


def _setup_import(config: Config, tmp_path: Path) -> Callable[[], object]:
    files = [translator_file(tmp_path / "incoming" / n / "sample.po", n, 12, f"{n} new") for n in LOCALES]
    return lambda: import_files(config, files)


def _setup_extract(config: Config, tmp_path: Path) -> Callable[[], object]:
    write_article(config, 12, ["A new paragraph."])
    return lambda: write_pots(config)


def _setup_compile(config: Config, tmp_path: Path) -> Callable[[], object]:
    return lambda: compile_project(config, list(LOCALES))


@pytest.mark.parametrize(
    "setup", [_setup_update, _setup_import, _setup_extract, _setup_compile], ids=lambda f: f.__name__[7:]
)
def test_a_full_disk_changes_nothing_and_names_the_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setup: Callable[[Config, Path], Callable[[], object]],
) -> None:
    """Whenever the disk fills up during update, import, extract or compile (before its first
    file, between two, at the journal), every file of locales/ is as it was (a task that writes
    several is all or nothing; compile's MO files are each whole), no temporary file is left,
    and the error names a file the task was to write."""
    config = make_long_project(tmp_path / "project", 12)
    task = setup(config, tmp_path)
    before = _files(config.locales_dir)
    folders = [config.locales_dir, config.build_dir / "locale"]
    failures: list[WriteError] = []
    for writes in range(20):
        with monkeypatch.context() as patch:
            _full_disk(patch, writes)
            try:
                task()
                break
            except WriteError as exc:
                failures.append(exc)
        assert _files(config.locales_dir) == before, f"locales/ changed ({writes} writes)"
        assert [t for folder in folders for t in _temporary(folder)] == []
        assert str(failures[-1]) == f"{failures[-1].path}: cannot write: {NO_SPACE}"
    else:
        pytest.fail("the task never succeeded")
    after = _files(config.locales_dir)
    if setup is _setup_compile:
        written = {f"build/locale/{name}" for name in _files(config.build_dir / "locale")}
    else:
        written = {f"locales/{name}" for name in after if before.get(name) != after[name]}
        written.add(f"locales/{JOURNAL}")
    assert {f.path for f in failures} <= written
    assert len(failures) >= (1 if setup is _setup_extract else 3), "between files and at the journal"


FULL_DISK_TASK = """
import errno, os, sys

real_write = os.write

def write(fd, data):
    if fd > 2:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return real_write(fd, data)

os.write = write
from invoke.main import program
program.run(["invoke", *sys.argv[1:]])
"""


@pytest.mark.parametrize("task", ["extract", "update", "import", "compile"])
def test_a_full_disk_is_one_line_and_exit_1_for_every_task(tmp_path: Path, task: str) -> None:
    """Through invoke, a full disk in extract, update, import or compile prints one line
    ``path: cannot write: No space left on device`` and exits 1, without a traceback."""
    config = make_long_project(tmp_path / "project", 12)
    args = [task]
    if task in ("extract", "update"):
        write_article(config, 12, ["A new paragraph."])
    if task == "update":
        write_pots(config)
    if task == "import":
        args.append(str(translator_file(tmp_path / "incoming" / "sample.po", "de", 12, "new")))
    before = _files(config.locales_dir)
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK_TASK, *args],
        cwd=config.root,
        capture_output=True,
        text=True,
        env=worker_env(),
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.endswith(f": cannot write: {NO_SPACE}")
    assert last.startswith("build/locale/" if task == "compile" else "locales/"), last
    assert _files(config.locales_dir) == before


# Kills at random moments


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def _cycle(config: Config, incoming: Path, paragraphs: int, build: bool) -> None:
    """What the child does until it is killed: two rounds of edit, extract, update, a
    two-locale import, compile (and build)."""
    for version, extra in (("A", []), ("B", ["An extra paragraph."])):
        write_article(config, paragraphs, extra)  # the author's edit
        write_pots(config)
        update_project(config, list(LOCALES))
        report = import_files(config, [incoming / version / n / "sample.po" for n in LOCALES])
        assert report.rejected == 0
        compile_project(config, list(LOCALES))
        if build:
            build_site(config, gate=False)


def _kill_trials(tmp_path: Path, trials: int, seed: int, build: bool) -> None:
    """Kill a child running :func:`_cycle` at random moments, ``trials`` times, checking after
    each kill that nothing is lost, torn or left visible to git."""
    if shutil.which("git") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("git is needed")
        pytest.skip("git is not installed")
    paragraphs = 40
    config = make_long_project(tmp_path / "project", paragraphs)
    shutil.copy(REPO / ".gitignore", config.root / ".gitignore")
    incoming = tmp_path / "incoming"
    for version in ("A", "B"):
        for name in LOCALES:
            translator_file(incoming / version / name / "sample.po", name, paragraphs, f"{name} {version}")
    start = time.monotonic()
    _cycle(config, incoming, paragraphs, build)
    cycle = time.monotonic() - start
    _git(config.root, "init", "-q")
    _git(config.root, "add", "-A")
    _git(config.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    rng = random.Random(seed)
    for trial in range(trials):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            status = 0
            try:
                while True:
                    _cycle(config, incoming, paragraphs, build)
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        time.sleep(rng.uniform(0, cycle))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), f"trial {trial}: the child failed on its own (see its output)"
        changes = _git(config.root, "status", "--porcelain", "-uall").splitlines()
        assert not [line for line in changes if line.startswith("??")], f"trial {trial}: {changes}"
        with project_writes(config, "test"):
            pass  # what the next task does first: finish or drop what the kill left
        assert _temporary(config.locales_dir) == [] and not (config.locales_dir / JOURNAL).exists()
        for path in [*config.locales_dir.glob("*.pot"), *config.locales_dir.glob("*/LC_MESSAGES/*.po")]:
            read_po(path)  # strict: a torn file raises
        versions = set()
        for name in LOCALES:
            found = translations(config, name)
            versions |= {found.get(paragraph(i), "none").split(" ")[1:2][0] for i in range(paragraphs)}
        assert versions in ({"A"}, {"B"}), f"trial {trial}: translations from {sorted(versions)}"


def test_kills_at_random_moments_lose_nothing(tmp_path: Path) -> None:
    """Killed at random moments of extract, update, import and compile (a few trials), the
    project keeps every translation, both locales from the same import, no torn file, and
    nothing git would show."""
    _kill_trials(tmp_path, 15, seed=3, build=False)


@pytest.mark.slow
def test_kills_at_random_moments_lose_nothing_many_times(tmp_path: Path) -> None:
    """The same, 200 kills."""
    _kill_trials(tmp_path, 200, seed=5, build=False)


@pytest.mark.slow
def test_kills_during_builds_lose_nothing(tmp_path: Path) -> None:
    """The same with a build in each round: a killed build harms no catalog, and the next
    build works."""
    _kill_trials(tmp_path, 60, seed=9, build=True)
