"""Benchmark: `update` (POT + PO -> PO) against GNU msgmerge on the real corpus.

    python benchmarks/bench_merge.py [--repeat N] [--skip-52k-fuzzy]

For each corpus size it times parse + merge + write of lingopress, with and
without fuzzy matching, runs msgmerge (fuzzy at 10k only: at 52k it takes
about 19 minutes, so the reference figure of the corpus README is used) and
msgmerge --no-fuzzy-matching, and scores every merged file with the corpus's
evaluate.py. The machine is shared: msgmerge runs next to ours, so the ratios
are what to read, more than the seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lingopress.merge import merge_catalogs  # noqa: E402
from lingopress.pofile import bulk_allocation, read_po, save_po  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "po-merge"
MSGMERGE_52K_FUZZY = 1138.0
"""Seconds, from the corpus README (one run on a 2-core machine of this kind)."""


def ours(corpus: Path, out: Path, fuzzy: bool) -> float:
    start = time.perf_counter()
    with bulk_allocation():  # as update_project does
        po = read_po(corpus / "old.po")
        pot = read_po(corpus / "new.pot")
        merged, _ = merge_catalogs(pot, po, fuzzy_matching=fuzzy)
        save_po(out, merged)
    return time.perf_counter() - start


def msgmerge(corpus: Path, out: Path, fuzzy: bool) -> float:
    tool = shutil.which("msgmerge")
    if tool is None:
        raise SystemExit("GNU gettext (msgmerge) is needed for the comparison")
    command = [tool, "--quiet", "--previous", "-o", str(out)]
    if not fuzzy:
        command.append("--no-fuzzy-matching")
    start = time.perf_counter()
    subprocess.run([*command, str(corpus / "old.po"), str(corpus / "new.pot")], check=True)
    return time.perf_counter() - start


def evaluate(corpus: Path, merged: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, str(CORPUS / "evaluate.py"), str(corpus), str(merged)],
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, object] = json.loads(result.stdout)
    return data


def quality(report: dict[str, object]) -> str:
    edited = report["edited"]
    added = report["added"]
    assert isinstance(edited, dict) and isinstance(added, dict)
    return (
        f"edits right {edited['fuzzy_ok']}/{edited['n']} ({100 * edited['fuzzy_ok'] / edited['n']:.2f} %),"
        f" wrong pairings {edited['fuzzy_other']}, lost {edited['untranslated']},"
        f" stray suggestions {added['fuzzy']}/{added['n']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each of ours; the best is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in ("10k", "52k"):
            corpus = CORPUS / size
            print(f"== {size}")
            fuzzy = min(ours(corpus, work / f"ours-{size}.po", True) for _ in range(args.repeat))
            plain = min(ours(corpus, work / f"ours-plain-{size}.po", False) for _ in range(args.repeat))
            gnu_plain = msgmerge(corpus, work / f"gnu-plain-{size}.po", False)
            print(f"  no fuzzy:  lingopress {plain:6.2f} s   msgmerge --no-fuzzy-matching {gnu_plain:6.2f} s")
            print(f"             ratio msgmerge/lingopress {gnu_plain / plain:5.2f}")
            if size == "10k":
                gnu = msgmerge(corpus, work / f"gnu-{size}.po", True)
                gnu_label = "measured"
            else:
                gnu, gnu_label = MSGMERGE_52K_FUZZY, "README figure"
            print(f"  fuzzy:     lingopress {fuzzy:6.2f} s   msgmerge {gnu:8.2f} s ({gnu_label})")
            print(f"             speed-up {gnu / fuzzy:6.1f}x")
            print(f"  quality lingopress: {quality(evaluate(corpus, work / f'ours-{size}.po'))}")
            if size == "10k":
                print(f"  quality msgmerge:   {quality(evaluate(corpus, work / f'gnu-{size}.po'))}")


if __name__ == "__main__":
    main()
