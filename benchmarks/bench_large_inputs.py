"""Large PO inputs: read, validate and write time at 10,000 and 100,000 entries, and a 1 MB msgstr;
then pathological markup in one msgstr: check (what import and check run) and render.

Run with ``python benchmarks/bench_large_inputs.py``. Near-linear scaling shows as a
100k/10k ratio close to 10 (quadratic behaviour would give ~100). For markup, each family is
timed at 10,000 and 100,000 characters: the check refuses what Python-Markdown would take
quadratic time on, and the page shows the source instead, so both stay well under a second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from lingopress.checks import content_errors, render_safe
from lingopress.locales import locale_info
from lingopress.pofile import Catalog, Message, format_po, parse_po
from lingopress.render import Translations
from lingopress.segment import BodySegmenter, Translation
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


MARKUP = {
    "[": "[",
    "![": "![",
    "[](": "[](",
    "*": "*",
    "*a": "*a",
    "_a ": "_a ",
    "`": "`",
    "`a": "`a",
    "<": "<",
    "<a": "<a",
    "&": "&",
    "\\": "\\",
    "{": "{",
}
SOURCE = "Read the [study](https://doi.org/10.1000/xyz) for details."


def markup() -> None:
    """Pathological markup: the check, and rendering a page whose translation has it (as the
    build does: only what the check lets through is rendered)."""
    segmenter = BodySegmenter()
    print("pathological markup in one msgstr (seconds; check = import's and check's judgement)")
    for name, unit in MARKUP.items():
        row = []
        for size in (10_000, 100_000):
            msgstr = unit * (size // len(unit))
            check = _best(lambda msgstr=msgstr: content_errors(SOURCE, msgstr), repeat=1)
            catalog = Catalog(messages=[Message(SOURCE, [msgstr])])
            translations = Translations.from_catalog(catalog)

            def render(translations: Translations = translations) -> None:
                found = translations.get(None, SOURCE)
                text = found[0] if found else SOURCE
                segmenter.render(SOURCE, lambda segment, text=text: Translation(text, False), str, {})

            row.append(f"{size:>7}: check {check:.3f} render {_best(render, repeat=1):.3f}")
        refused = "refused" if not render_safe(SOURCE, unit * 10_000) else "taken"
        print(f"  {name!r:>6} x n  {'  '.join(row)}  ({refused})")
    print("accepted translations as long, rendered (the check lets them through)")
    for links in (50, 500):
        source = " ".join(f"Word [link {i}](/p/{i}) *stress* `c{i}`," for i in range(links)) + " end."
        msgstr = " ".join(f"Wort [Verweis {i}](/p/{i}) *Ton* `c{i}`," for i in range(links)) + " Ende."
        assert render_safe(source, msgstr)
        check = _best(lambda source=source, msgstr=msgstr: content_errors(source, msgstr), repeat=1)

        def render_long(source: str = source, msgstr: str = msgstr) -> None:
            segmenter.render(source, lambda segment: Translation(msgstr, False), str, {})

        print(
            f"  {links:>4} links ({len(msgstr):>6} chars): check {check:.3f} render {_best(render_long):.3f}"
        )


if __name__ == "__main__":
    main()
    markup()
