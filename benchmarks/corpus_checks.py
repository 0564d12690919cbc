"""The test suite's corpus checks, over a whole corpus instead of the excerpts in tests/fixtures/.

    python benchmarks/corpus_checks.py CORPUS_DIR

CORPUS_DIR holds ``markdown/`` (Markdown documents, searched recursively) and ``po-merge/10k``
and ``po-merge/52k`` (``old.po``, ``new.pot``, ``manifest.json``); what is missing is passed over.
It checks that the quick inline pass of segment.py renders every document as Python-Markdown
does, that every catalog written by msgcat comes back byte for byte, and the merge's recall of
edited msgids and its stray suggestions. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import markdown
from markdown.extensions import Extension

from lingopress.merge import merge_catalogs
from lingopress.pofile import format_po, read_po
from lingopress.segment import (
    MARKDOWN_EXTENSIONS,
    _quick_block_level,
    _quick_block_tests,
    _quick_preprocessors,
    _QuickInlineProcessor,
    markdown_extensions,
)


class _Quick(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_QuickInlineProcessor(md), "inline", 20)
        _quick_block_tests(md)
        _quick_block_level(md)
        _quick_preprocessors(md)


def check_markdown(folder: Path) -> list[str]:
    plain = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    quick = markdown.Markdown(extensions=[*markdown_extensions(), _Quick()])
    documents = sorted(folder.rglob("*.md"))
    failures = []
    for path in documents:
        text = path.read_text("utf-8")
        if quick.reset().convert(text) != plain.reset().convert(text):
            failures.append(f"{path}: the quick inline pass renders it otherwise")
    print(f"markdown: {len(documents)} documents, {len(failures)} rendered otherwise")
    return failures


def check_merge(folder: Path) -> list[str]:
    failures = []
    for name in ("old.po", "new.pot"):
        if format_po(read_po(folder / name)) != (folder / name).read_text("utf-8"):
            failures.append(f"{folder / name}: not written back byte for byte")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    start = time.perf_counter()
    merged, _ = merge_catalogs(read_po(folder / "new.pot"), read_po(folder / "old.po"))
    elapsed = time.perf_counter() - start
    by_id = {m.msgid: m for m in merged}
    edited = manifest["edited"]
    right = sum(
        1
        for msgid in edited
        if by_id[msgid].fuzzy and by_id[msgid].msgstr[0] == manifest["edited_old_msgstr"][msgid]
    )
    stray = sum(1 for msgid in manifest["added"] if by_id[msgid].msgstr[0])
    print(
        f"{folder}: {right} of {len(edited)} edits right ({right / len(edited):.2%}),"
        f" {stray} of {len(manifest['added'])} added msgids given a suggestion; merge {elapsed:.2f} s"
    )
    if right / len(edited) < 0.9945:  # msgmerge's recall on the 52k catalog
        failures.append(f"{folder}: recall {right / len(edited):.2%} is below msgmerge's 99.45%")
    if stray:
        failures.append(f"{folder}: {stray} stray suggestions")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="the corpus folder (markdown/, po-merge/)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus}: not a folder")
    failures = []
    if (args.corpus / "markdown").is_dir():
        failures += check_markdown(args.corpus / "markdown")
    for size in ("10k", "52k"):
        folder = args.corpus / "po-merge" / size
        if (folder / "manifest.json").is_file():
            failures += check_merge(folder)
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
