"""The project lock: one task at a time writes locales/ and build/, whoever waits is told for
whom, and no interleaving of extract, update, import and compile loses work."""

from __future__ import annotations

import errno
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lingopress.catalogs import compile_project, update_project
from lingopress.config import Config, load_config
from lingopress.errors import LingopressError
from lingopress.extract import write_pots
from lingopress.imports import import_files
from lingopress.lock import is_held, lock_path, project_lock
from long_article import (
    LOCALES,
    WORKER,
    make_long_project,
    msgids,
    paragraph,
    translations,
    translator_file,
    worker_env,
    write_article,
)

HOLDER = """
import sys
from pathlib import Path

from lingopress.lock import project_lock

with project_lock(Path(sys.argv[1]), sys.argv[2]):
    print("ready", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""


class Holder:
    """Another process that holds the project lock until :meth:`release`."""

    def __init__(self, build_dir: Path, task: str):
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(build_dir), task],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=worker_env(),
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == "ready\n"
        self.pid = self.process.pid

    def release(self) -> None:
        """End the holder (it releases the lock) and wait for it."""
        self.process.communicate(timeout=30)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.communicate(timeout=30)


@pytest.fixture
def holders() -> Iterator[Callable[[Path, str], Holder]]:
    started: list[Holder] = []

    def start(build_dir: Path, task: str) -> Holder:
        started.append(Holder(build_dir, task))
        return started[-1]

    yield start
    for holder in started:
        holder.release()


def test_a_second_task_waits_naming_the_holder_and_gives_up_after_the_timeout(
    tmp_path: Path, holders: Callable[[Path, str], Holder]
) -> None:
    """While another process holds the lock, a task says once whom it waits for, and after its
    timeout fails with an error naming the lock file and the holder."""
    holder = holders(tmp_path / "build", "invoke update")
    said = io.StringIO()
    with (
        pytest.raises(LingopressError) as caught,
        project_lock(tmp_path / "build", "invoke import", timeout=0.3, messages=said),
    ):
        pytest.fail("the lock was taken while another process held it")
    assert said.getvalue() == f"waiting for invoke update (pid {holder.pid}) to finish...\n"
    assert caught.value.path == str(lock_path(tmp_path / "build"))
    assert caught.value.message.startswith(f"the project is locked by invoke update (pid {holder.pid});")
    assert "gave up after 0.3 s" in caught.value.message


def test_a_waiting_task_goes_on_when_the_holder_is_done(
    tmp_path: Path, holders: Callable[[Path, str], Holder]
) -> None:
    """A task that waits takes the lock as soon as the holder releases it, and then names
    itself in the lock file for whoever waits next."""
    holder = holders(tmp_path / "build", "invoke build")
    releasing = threading.Event()

    def release() -> None:
        releasing.set()
        holder.release()

    timer = threading.Timer(0.3, release)
    timer.start()
    said = io.StringIO()
    try:
        with project_lock(tmp_path / "build", "invoke import", timeout=30, messages=said):
            assert releasing.is_set(), "taken while the holder held it"
            held_by = lock_path(tmp_path / "build").read_text("utf-8")
    finally:
        timer.join()
    assert said.getvalue() == f"waiting for invoke build (pid {holder.pid}) to finish...\n"
    assert held_by == f"invoke import (pid {os.getpid()})\n"
    assert lock_path(tmp_path / "build").read_text("utf-8") == "", "the name goes with the lock"


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path, holders: Callable[[Path, str], Holder]) -> None:
    """The kernel releases the lock of a killed task: the next one takes it without waiting."""
    holders(tmp_path / "build", "invoke update").kill()
    said = io.StringIO()
    with project_lock(tmp_path / "build", "invoke import", timeout=0, messages=said):
        assert is_held(tmp_path / "build")
    assert said.getvalue() == ""


def test_the_lock_is_reentrant_and_held_until_the_outermost_block_ends(tmp_path: Path) -> None:
    """A task that calls another keeps the lock; another process cannot take it until the
    outermost block ends."""
    build = tmp_path / "build"
    probe = (
        "import sys; from pathlib import Path; from lingopress.lock import project_lock\n"
        "from lingopress.errors import LingopressError\n"
        "try:\n    with project_lock(Path(sys.argv[1]), 'probe', timeout=0): print('taken')\n"
        "except LingopressError: print('refused')\n"
    )

    def other_process() -> str:
        found = subprocess.run(
            [sys.executable, "-c", probe, str(build)],
            capture_output=True,
            text=True,
            env=worker_env(),
            check=True,
        )
        return found.stdout.strip()

    assert not is_held(build)
    with project_lock(build, "invoke build"):
        with project_lock(build, "invoke compile", timeout=0):
            assert is_held(build)
        assert is_held(build) and other_process() == "refused"
    assert not is_held(build) and other_process() == "taken"


def test_a_lock_file_replaced_while_waiting_is_not_trusted(
    tmp_path: Path, holders: Callable[[Path, str], Holder]
) -> None:
    """A task waiting on a lock file that is removed (and made again by another task) does not
    take the old file's lock: it waits for the holder of the new one, and says so."""
    build = tmp_path / "build"
    first = holders(build, "first task")
    said = io.StringIO()
    second_released = threading.Event()
    outcome: list[str] = []

    def wait() -> None:
        with project_lock(build, "waiter", timeout=30, messages=said):
            outcome.append("after the second" if second_released.is_set() else "too early")

    waiter = threading.Thread(target=wait)
    waiter.start()
    deadline = time.monotonic() + 30
    while "waiting for first task" not in said.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    lock_path(build).unlink()
    second = holders(build, "second task")
    first.release()
    time.sleep(0.3)
    assert not outcome, "the waiter took the lock of a removed file"
    second_released.set()
    second.release()
    waiter.join(timeout=30)
    assert outcome == ["after the second"]
    assert said.getvalue() == (
        f"waiting for first task (pid {first.pid}) to finish...\n"
        f"waiting for second task (pid {second.pid}) to finish...\n"
    )


def test_a_full_disk_does_not_stop_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The holder's name in the lock file is only for messages: when it cannot be written (a
    full disk), the lock is taken all the same."""

    def full(*args: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "pwrite", full)
    with project_lock(tmp_path / "build", "invoke update", timeout=0):
        assert is_held(tmp_path / "build")


def test_a_build_folder_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    """Where the lock file cannot be made, the task stops with one line naming it."""
    (tmp_path / "build").write_text("not a folder", "utf-8")
    with pytest.raises(LingopressError) as caught, project_lock(tmp_path / "build", "invoke update"):
        pytest.fail("no lock, yet the block ran")
    assert (
        str(caught.value) == f"{lock_path(tmp_path / 'build')}: cannot open the project lock: Not a directory"
    )


def _extract(config: Config) -> object:
    return write_pots(config)


def _update(config: Config) -> object:
    return update_project(config, list(config.locales))


def _translator_file(path: Path) -> Path:
    """A translator's file for the sample article in German, with one translation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de\\n"\n\n'
        'msgid "Patients come first."\nmsgstr "Die Patienten stehen an erster Stelle."\n',
        "utf-8",
    )
    return path


def _import(config: Config) -> object:
    report = import_files(config, [_translator_file(config.root.parent / "incoming" / "sample.po")])
    assert report.rejected == 0 and report.written == ["locales/de/LC_MESSAGES/sample.po"]
    return report


def _compile(config: Config) -> object:
    return compile_project(config, list(config.locales))


@pytest.mark.parametrize("task", [_extract, _update, _import, _compile], ids=lambda f: f.__name__[1:])
def test_every_task_that_writes_takes_the_lock(
    project_dir: Path,
    task: Callable[[Config], object],
    holders: Callable[[Path, str], Holder],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """extract, update, import and compile wait for the task that holds the lock (and say so)
    before they read anything."""
    config = load_config(project_dir)
    write_pots(config)
    update_project(config, list(config.locales))
    holder = holders(config.build_dir, "invoke build")
    timer = threading.Timer(0.3, holder.release)
    timer.start()
    try:
        task(config)
    finally:
        timer.join()
    assert holder.process.poll() is not None
    assert f"waiting for invoke build (pid {holder.pid}) to finish..." in capsys.readouterr().err


def test_a_dry_run_import_takes_no_lock(
    project_dir: Path,
    holders: Callable[[Path, str], Holder],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An import with --dry-run writes nothing, so it does not wait for the lock."""
    config = load_config(project_dir)
    write_pots(config)
    update_project(config, list(config.locales))
    holders(config.build_dir, "invoke update")
    report = import_files(config, [_translator_file(tmp_path / "incoming" / "sample.po")], dry_run=True)
    assert report.rejected == 0 and report.files[0].target == "locales/de/LC_MESSAGES/sample.po"
    assert "waiting" not in capsys.readouterr().err


def _concurrent_trials(tmp_path: Path, trials: int, seed: int) -> None:
    """``trials`` rounds of update (after an edit of the article), a two-file import and a
    compile, started as processes of their own in a random order at random moments; after each
    round, the import and the update are both in the PO files."""
    paragraphs = 300
    config = make_long_project(tmp_path / "project", paragraphs)
    rng = random.Random(seed)
    incoming = tmp_path / "incoming"
    for k in range(trials):
        added = f"Added paragraph {k}."
        write_article(config, paragraphs, [added])
        files = [str(translator_file(incoming / f"{n}.po", n, paragraphs, f"{n} round {k}")) for n in LOCALES]
        commands = [["update"], ["import", *files], ["compile"]]
        rng.shuffle(commands)
        processes = []
        for command in commands:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, str(config.root), *command],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env=worker_env(),
                )
            )
            time.sleep(rng.uniform(0, 0.3))
        errors = [process.communicate(timeout=300)[1] for process in processes]
        for command, process, err in zip(commands, processes, errors, strict=True):
            assert process.returncode == 0, f"round {k}: {command[0]} failed: {err[-2000:]}"
        for name in LOCALES:
            found = translations(config, name)
            lost = [i for i in range(paragraphs) if found.get(paragraph(i)) != f"{name} round {k} {i}"]
            assert not lost, f"round {k}: {len(lost)} imported {name} translations lost"
            assert added in msgids(config, name), f"round {k}: the update of {name} was lost"


def test_concurrent_tasks_lose_nothing(tmp_path: Path) -> None:
    """update, import and compile run at the same time as separate processes, in random orders
    and moments: neither the import nor the update is ever lost (a few rounds)."""
    _concurrent_trials(tmp_path, 4, seed=7)


@pytest.mark.slow
def test_concurrent_tasks_lose_nothing_many_times(tmp_path: Path) -> None:
    """The same, for many rounds."""
    _concurrent_trials(tmp_path, 40, seed=11)
