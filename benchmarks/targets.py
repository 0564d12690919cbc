"""The speed targets, timed in repeated, interleaved runs: the median, the range, and how many
runs meet each target.

    python benchmarks/targets.py [--runs 10] [--pause 20] [--warmup 1] [--corpus PATH] [--workdir DIR]

Each run times, in this order:

- a full build of the 10,000-page site (1,000 articles x 10 locales) from an empty build/, as
  ``bench.py`` does (target: 30 s);
- an extraction of the 250 articles of a 2,500-page site, with nothing kept from before
  (target: 0.5 s);
- ``invoke build`` of this repository's site in a copy with no build/, wall time including
  Python's start (target: 1 s);
- the MO writer on the 52,548-message corpus catalog, every entry translated (target: 1 s);
- GNU ``msgfmt`` on the same catalog: a gauge of the machine's speed at that moment (the
  corpus README gives 0.48 s on its reference machine);
- Python-Markdown rendering the 242 documents of the corpus: the same kind of gauge, for Python
  code (the corpus README gives 0.75 s);
- how many cores' worth of work two processes get at that moment (see :func:`_cores`): on a
  virtual machine whose two cores may share one physical core, the other gauge.

A machine whose speed changes from minute to minute gives a spread of times, not one figure:
the runs are interleaved so that every target sees the same phases. Nothing is deleted until
the last run is done: what is replaced goes into the trash (see stage.py).

The timed runs follow a warm-up run that is not counted, as with hyperfine's ``--warmup``:
this machine's page cache shrinks by itself while it is idle (by about 0.4 MB a second, seen
in ``/proc/meminfo``), so after the pause that follows emptying the trash, the first run
reads part of each site's files from the disk. An extraction of the 250 articles took 0.96 s
right after the page cache was dropped, and 0.32-0.36 s with the files cached.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import REPO, SHARED, complete_catalog, empty_trash, site, step, to_trash

TARGETS: dict[str, float | None] = {
    "full build, 10,000 pages": 30.0,
    "extract, 250 articles": 0.5,
    "invoke build, this site": 1.0,
    "MO writer, 52,548 messages": 1.0,
    "msgfmt, same catalog (gauge)": None,
    "Python-Markdown, corpus (gauge)": None,
    "cores (gauge)": None,
}
UNITS = {"cores (gauge)": "x"}

_LOOP = (
    "import time\nstart = time.perf_counter()\nfor i in range(3_000_000): pass\n"
    "print(time.perf_counter() - start)"
)


def _loops(copies: int) -> list[float]:
    """Seconds a pure-Python loop takes in each of ``copies`` processes started together."""
    started = [
        subprocess.Popen([sys.executable, "-c", _LOOP], stdout=subprocess.PIPE, text=True)
        for _ in range(copies)
    ]
    return [float(process.communicate()[0]) for process in started]


def _cores() -> float:
    """How many cores' worth of work two processes get at this moment: a loop timed alone, then
    in two processes at once (2.0: both at full speed; 1.0: as if they shared one core, as
    two virtual cores on one physical core do when the host is busy)."""
    alone = min(_loops(1)[0], _loops(1)[0])  # the faster of two: one slow start would inflate it
    return 2 * alone / max(_loops(2))


def _wall(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def _seed_copy(workdir: Path) -> Path:
    """This repository's site (configuration, tasks, articles, catalogs, glossary) in a folder of
    its own, with nothing built, so that building it leaves the repository's build/ alone."""
    copy = workdir / "seed-site"
    if copy.exists():
        to_trash(copy, workdir)
    copy.mkdir(parents=True)
    for name in ("pyproject.toml", "tasks.py"):
        shutil.copy(REPO / name, copy / name)
    for name in ("source", "locales", "glossary"):
        shutil.copytree(REPO / name, copy / name)
    (copy / "src").symlink_to(REPO / "src")  # the code as tasks.py finds it, compiled once
    return copy


def _mo_writer(catalog: Path) -> float:
    """Seconds the MO writer takes over a catalog read beforehand, in a fresh interpreter."""
    code = (
        "import sys, time; from lingopress.pofile import read_po; from lingopress.mofile import mo_bytes\n"
        "catalog = read_po(sys.argv[1]); start = time.perf_counter(); mo_bytes(catalog)\n"
        "print(time.perf_counter() - start)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-c", code, str(catalog)], check=True, capture_output=True, text=True, env=env
    )
    return float(result.stdout.strip())


def _markdown_gauge(corpus: Path) -> float:
    """Seconds Python-Markdown takes to render the corpus's Markdown documents, read beforehand,
    in a fresh interpreter (imports not counted)."""
    code = (
        "import pathlib, sys, time, markdown\n"
        "docs = [p.read_text('utf-8') for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.md'))]\n"
        "start = time.perf_counter()\n"
        "for doc in docs: markdown.markdown(doc)\n"
        "print(time.perf_counter() - start)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(corpus / "markdown")], check=True, capture_output=True, text=True
    )
    return float(result.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="how many times to time each target")
    parser.add_argument("--pause", type=float, default=20, help="seconds between runs")
    parser.add_argument("--warmup", type=int, default=1, help="runs before the timed ones, not counted")
    parser.add_argument("--corpus", type=Path, default=SHARED, help="the shared corpus folder")
    parser.add_argument(
        "--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "lingopress-bench"
    )
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0 or args.pause < 0:
        parser.error("--runs must be at least 1, --warmup and --pause at least 0")
    args.workdir.mkdir(parents=True, exist_ok=True)
    large, _ = site(args.workdir, 10_000, 9, args.corpus / "markdown")
    small, _ = site(args.workdir, 2_500, 9, args.corpus / "markdown")
    catalog = complete_catalog(args.corpus, args.workdir)
    invoke = [sys.executable, "-m", "invoke", "build"]
    timers: dict[str, Callable[[], float]] = {
        "full build, 10,000 pages": lambda: float(step("build", large)["seconds"]),
        "extract, 250 articles": lambda: float(step("extract", small)["seconds"]),
        "invoke build, this site": lambda: _wall(invoke, _seed_copy(args.workdir)),
        "MO writer, 52,548 messages": lambda: _mo_writer(catalog),
        "msgfmt, same catalog (gauge)": lambda: _wall(
            ["msgfmt", "-o", os.devnull, str(catalog)], args.workdir
        ),
        "Python-Markdown, corpus (gauge)": lambda: _markdown_gauge(args.corpus),
        "cores (gauge)": _cores,
    }
    times: dict[str, list[float]] = {name: [] for name in TARGETS}
    print(f"lingopress speed targets: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    empty_trash(args.workdir, settle=True)  # left by a series that was stopped
    for run in range(args.warmup + args.runs):
        if run:
            time.sleep(args.pause)
        seen = {name: timer() for name, timer in timers.items()}
        shown = " | ".join(f"{name} {seen[name]:.2f} {UNITS.get(name, 's')}" for name in TARGETS)
        if run < args.warmup:
            print(f"  warm-up {run + 1}, not counted: {shown}", flush=True)
            continue
        for name, value in seen.items():
            times[name].append(value)
        print(f"  run {run - args.warmup + 1}: {shown}", flush=True)
    empty_trash(args.workdir, settle=False)
    print(f"\n{'':<32} {'median':>8} {'lowest':>8} {'highest':>8}  target")
    for name, limit in TARGETS.items():
        seen = times[name]
        met = "" if limit is None else f"  {limit:g} s: met in {sum(t <= limit for t in seen)} of {len(seen)}"
        print(f"{name:<32} {statistics.median(seen):8.2f} {min(seen):8.2f} {max(seen):8.2f}{met}")
    for run in range(args.runs):
        missed = [n for n, limit in TARGETS.items() if limit is not None and times[n][run] > limit]
        if missed:
            gauges = ", ".join(f"{n} {times[n][run]:.2f}" for n, limit in TARGETS.items() if limit is None)
            print(f"run {run + 1} missed: {', '.join(missed)} ({gauges})")


if __name__ == "__main__":
    main()
