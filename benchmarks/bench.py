"""Scale benchmark: wall time and peak memory of each stage on synthetic sites of growing size.

    python benchmarks/bench.py [--sizes 1000,10000] [--locales 9] [--corpus PATH] [--workdir DIR]

For each size (localized pages = articles x (locales + 1)) a site is generated once with
benchmarks/sitegen.py, then each stage runs in a fresh interpreter so that its peak memory is
its own: extract (from nothing, then again with what the first one kept), update, compile,
check, rendering alone (the CPU time of 1,000 pages on one core, catalogs read beforehand: its
ms/page is per page rendered), a full build from an empty build/, a no-op rebuild, a rebuild
after editing one article, and one after editing one PO file. Printed: seconds, ms per page,
peak RSS of the main process and of the largest worker, and how the per-page cost grows from
the smallest size to the largest (linear growth keeps it flat).

``--mo`` also times the MO writer on the 52k-message corpus catalog (and on the same catalog
with every entry translated) against GNU msgfmt, and checks the bytes are those of
``msgfmt --no-hash`` (benchmarks/bench_mo.py does the same for any PO file).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TRASH = ".bench-trash"
"""Folder, next to the sites, of what the benchmarks replace (see :func:`to_trash`)."""
SETTLE = 370.0
"""Seconds the file system can be slower to make files after many were deleted: ext4 passes over
an inode freed in the last 60 s, or 360 s while the block that holds it is not yet written back,
and making new files in that block keeps it from being written back (see stage.py)."""
SHARED = REPO.parent / "shared" / "corpus"
STEPS = [
    "extract",
    "re-extract",
    "update",
    "compile",
    "check",
    "render",
    "build",
    "no-op",
    "edit-article",
    "edit-po",
]


def step(name: str, root: Path) -> dict[str, Any]:
    """Run one stage in a new interpreter; returns its seconds and peak memory (MB)."""
    result = subprocess.run(
        [sys.executable, str(HERE / "stage.py"), name, str(root)],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"},
    )
    if result.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{result.stdout}\n{result.stderr}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def to_trash(path: Path, workdir: Path) -> None:
    """Move ``path`` into ``workdir``'s trash, under a name of its own, instead of deleting it
    while anything is timed (see stage.py)."""
    trash = workdir / TRASH
    trash.mkdir(exist_ok=True)
    path.rename(trash / f"{path.parent.name}-{path.name}-{time.time_ns()}")


def empty_trash(workdir: Path, settle: bool) -> None:
    """Delete what :func:`to_trash` moved into the trash. ``settle``: then
    wait until the file system no longer passes over their inodes, before anything is timed."""
    trash = workdir / TRASH
    if not trash.is_dir():
        return
    shutil.rmtree(trash)
    if settle:
        print(f"  (emptied {trash}; waiting {SETTLE:.0f} s before timing anything)", flush=True)
        time.sleep(SETTLE)


def site(workdir: Path, pages: int, locales: int, corpus: Path) -> tuple[Path, int]:
    articles = max(1, pages // (locales + 1))
    root = workdir / f"site-{articles}x{locales + 1}"
    if not (root / "pyproject.toml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        start = time.perf_counter()
        generated = subprocess.run(
            [
                sys.executable,
                str(HERE / "sitegen.py"),
                str(root),
                "--articles",
                str(articles),
                "--locales",
                str(locales),
                "--corpus",
                str(corpus),
            ],
        )
        if generated.returncode != 0:
            raise SystemExit(generated.returncode)  # sitegen.py has said why
        print(f"  (generated in {time.perf_counter() - start:.0f} s)")
    return root, articles * (locales + 1)


def complete_catalog(corpus: Path, workdir: Path) -> Path:
    """The 52k corpus catalog with every entry translated and none fuzzy (what a release
    compiles), written into ``workdir`` once."""
    sys.path.insert(0, str(REPO / "src"))
    from lingopress.pofile import format_po, read_po

    full = workdir / "52k-full.po"
    if not full.is_file():
        source = corpus / "po-merge" / "52k" / "old.po"
        if not source.is_file():
            raise SystemExit(f"{source}: no such file (pass --corpus)")
        catalog = read_po(source)
        for message in catalog.messages:
            message.flags = [f for f in message.flags if f != "fuzzy"]
            if not all(message.msgstr):
                message.msgstr = [message.msgid]
        full.write_text(format_po(catalog), "utf-8")
    return full


def _mo_benchmark(corpus: Path, workdir: Path) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from lingopress.mofile import mo_bytes
    from lingopress.pofile import read_po

    source = corpus / "po-merge" / "52k" / "old.po"
    full = complete_catalog(corpus, workdir)
    for label, path in [("corpus 52k", source), ("52k all translated", full)]:
        parsed = read_po(path)
        start = time.perf_counter()
        ours = mo_bytes(parsed)
        elapsed = time.perf_counter() - start
        target = workdir / "msgfmt.mo"
        start = time.perf_counter()
        subprocess.run(["msgfmt", "-o", str(target), str(path)], check=True, capture_output=True)
        gnu = time.perf_counter() - start
        nohash = workdir / "msgfmt-no-hash.mo"
        subprocess.run(["msgfmt", "--no-hash", "-o", str(nohash), str(path)], check=True, capture_output=True)
        same = ours == nohash.read_bytes()
        entries = int.from_bytes(ours[8:12], "little")
        print(
            f"  MO {label}: {entries} entries written in {elapsed:.2f} s"
            f" (msgfmt incl. parsing {gnu:.2f} s); byte-identical to msgfmt --no-hash: {same}"
        )
        if not same:
            raise SystemExit("MO output differs from msgfmt --no-hash's")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="localized pages, comma-separated")
    parser.add_argument("--locales", type=int, default=9, help="target locales besides the source")
    parser.add_argument("--corpus", type=Path, default=SHARED, help="the shared corpus folder")
    parser.add_argument(
        "--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "lingopress-bench"
    )
    parser.add_argument("--mo", action="store_true", help="also benchmark the MO writer on the 52k catalog")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"lingopress benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    empty_trash(args.workdir, settle=True)  # left by a run that was stopped
    if args.mo:
        _mo_benchmark(args.corpus, args.workdir)
    per_page: dict[str, list[float]] = {name: [] for name in STEPS}
    for size in sizes:
        root, pages = site(args.workdir, size, args.locales, args.corpus / "markdown")
        print(f"\n{pages} pages ({root.name}):")
        print(f"  {'stage':<13} {'seconds':>8} {'ms/page':>8} {'peak MB':>8} {'worker MB':>9}")
        for name in STEPS:
            data = step(name, root)
            ms = 1000 * data["seconds"] / (data.get("pages") or pages)
            per_page[name].append(ms)
            seconds, peak, worker = data["seconds"], data["peak_mb"], data["worker_mb"]
            note = f"  {data['note']}" if data.get("note") else ""
            print(f"  {name:<13} {seconds:8.2f} {ms:8.3f} {peak:8.0f} {worker:9.0f}{note}")
            if name == "edit-article":
                step("restore-article", root)
    empty_trash(args.workdir, settle=False)
    if len(sizes) > 1:
        print(f"\nper-page cost, {sizes[-1]} vs {sizes[0]} pages (1.0 = linear):")
        for name in STEPS:
            first, last = per_page[name][0], per_page[name][-1]
            print(f"  {name:<13} {last / first if first else float('nan'):6.2f}")


if __name__ == "__main__":
    main()
