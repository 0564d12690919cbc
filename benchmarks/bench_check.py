"""The full check of a 50,000-message catalog against ``msgfmt --check --statistics``.

    python benchmarks/bench_check.py [PO_FILE] [--profile]

Prints the median of five interleaved runs of each: msgfmt, the PO reader (another
stage's cost, shown separately), the check itself (headers, merge state,
every content check, statistics with word counts), and the ratios. The
design's budget is the full check (read + check) within ~3x msgfmt.
"""

from __future__ import annotations

import cProfile
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lingopress.checks import _source_words  # noqa: E402
from lingopress.gate import check_catalog  # noqa: E402
from lingopress.locales import locale_info  # noqa: E402
from lingopress.pofile import Catalog, Message, read_po  # noqa: E402

ROUNDS = 5
CORPUS = ROOT.parent / "shared" / "corpus" / "po-merge" / "52k" / "old.po"


def _template(catalog: Catalog) -> Catalog:
    pot = Catalog()
    pot.messages = [
        Message(
            m.msgid,
            msgid_plural=m.msgid_plural,
            msgctxt=m.msgctxt,
            references=m.references,
            extracted_comments=m.extracted_comments,
            flags=[f for f in m.flags if f.endswith("-format")],
        )
        for m in catalog.messages
    ]
    return pot


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else CORPUS
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise SystemExit("msgfmt (GNU gettext) is needed")
    read_times, check_times, msgfmt_times = [], [], []
    catalog = read_po(path, path.name)
    pot = _template(catalog)
    info = locale_info(catalog.header_fields().get("Language") or "fr")

    def check() -> tuple[int, int]:
        _source_words.cache_clear()  # count every word, as for the first locale of a run
        result = check_catalog(catalog, pot, info, True, path.name)
        return len(result.diagnostics), result.stats.total_words

    if "--profile" in sys.argv:
        profile = cProfile.Profile()
        profile.runcall(check)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    # Interleaved rounds, so that a busy machine slows all three alike.
    # CPU time (user + system), which another job on the machine does not inflate as it does wall time.
    for _ in range(ROUNDS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([msgfmt, "--check", "--statistics", "-o", "/dev/null", str(path)], capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        msgfmt_times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        start = time.process_time()
        read_po(path, path.name)
        read_times.append(time.process_time() - start)
        start = time.process_time()
        findings, words = check()
        check_times.append(time.process_time() - start)
    t_msgfmt, t_read, t_check = (statistics.median(t) for t in (msgfmt_times, read_times, check_times))
    full = t_read + t_check
    print(f"catalog: {path} ({len(catalog.messages)} messages, {words} source words, {findings} findings)")
    print(f"CPU seconds, median of {ROUNDS} interleaved rounds")
    print(f"  msgfmt --check --statistics  {t_msgfmt:6.2f} s")
    print(f"  read (PO reader)             {t_read:6.2f} s  {t_read / t_msgfmt:5.2f}x msgfmt")
    print(f"  check (the gate's own share) {t_check:6.2f} s  {t_check / t_msgfmt:5.2f}x msgfmt")
    print(f"  full check (read + check)    {full:6.2f} s  {full / t_msgfmt:5.2f}x msgfmt")


if __name__ == "__main__":
    main()
