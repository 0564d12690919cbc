"""Large PO inputs: read, validate and write time at 10,000 and 100,000 entries, and a 1 MB msgstr.

Run with ``python benchmarks/bench_large_inputs.py``. Near-linear scaling shows as a
100k/10k ratio close to 10 (quadratic behaviour would give ~100).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from lingopress.locales import locale_info
from lingopress.pofile import format_po, parse_po
from lingopress.validate import validate_catalog

HEADER = (
    'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def _text(entries: int) -> str:
    return HEADER + "".join(
        f'#: source/a.md:{i}\nmsgid "Message number {i} with some words"\nmsgstr "Übersetzung {i}"\n\n'
        for i in range(entries)
    )


def _best(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    german = locale_info("de")
    results = {}
    for entries in (10_000, 100_000):
        text = _text(entries)
        catalog = parse_po(text)
        read = _best(lambda text=text: parse_po(text))
        check = _best(lambda catalog=catalog: validate_catalog(catalog, german))
        write = _best(lambda catalog=catalog: format_po(catalog))
        results[entries] = (read, check, write)
        print(f"{entries:>7} entries: read {read:.3f} s, validate {check:.3f} s, write {write:.3f} s")
    for i, name in enumerate(("read", "validate", "write")):
        ratio = results[100_000][i] / max(results[10_000][i], 1e-9)
        print(f"  {name}: 100k/10k = {ratio:.1f}")
    huge = HEADER + 'msgid "big"\nmsgstr "' + ('Wort \\"x\\" ' * 90_000) + '"\n'
    print(f"1 MB msgstr: read {_best(lambda: parse_po(huge)):.3f} s", end="")
    big = parse_po(huge)
    print(f", write {_best(lambda: format_po(big)):.3f} s")


if __name__ == "__main__":
    main()
