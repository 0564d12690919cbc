"""The test suite's corpus checks, over a whole corpus instead of the excerpts in tests/fixtures/.

    python benchmarks/corpus_checks.py CORPUS_DIR

CORPUS_DIR holds ``markdown/`` (Markdown documents, searched recursively) and ``po-merge/10k``
and ``po-merge/52k`` (``old.po``, ``new.pot``, ``manifest.json``); what is missing is passed over.
It checks that the page pipeline of segment.py, every block given its own text back, renders
every document without braces as Python-Markdown does with the same extensions (whitespace
aside); that every catalog written by msgcat comes back byte for byte; and the merge's recall
of edited msgids and its stray suggestions. Exits 1 when a check fails.
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
from lingopress.segment import MARKDOWN_EXTENSIONS, BodySegmenter, Segment, Translation


class _NoInlineHtml(Extension):  # type: ignore[misc]
    """What the page pipeline changes in Python-Markdown's own: raw inline HTML is text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.deregister("html")


def _identity(segment: Segment) -> Translation:
    return Translation(segment.text, False)


def _words(html: str) -> str:
    # A message is its block's text with whitespace collapsed (a re-wrap is no change).
    return " ".join(html.split())


def check_markdown(folder: Path) -> list[str]:
    """Every document without braces (in an article, ``{name}`` is a value and ``{: ...}`` an
    attribute list) renders, each block given its own text back, as Python-Markdown renders it,
    whitespace aside."""
    plain = markdown.Markdown(extensions=[*MARKDOWN_EXTENSIONS, _NoInlineHtml()])
    pipeline = BodySegmenter()
    documents = [p for p in sorted(folder.rglob("*.md")) if "{" not in p.read_text("utf-8")]
    failures = []
    start = time.perf_counter()
    for path in documents:
        text = path.read_text("utf-8")
        ours = pipeline.render(text, _identity, lambda name: "{" + name + "}", {})
        if _words(ours) != _words(plain.reset().convert(text)):
            failures.append(f"{path}: the page pipeline renders it otherwise than Python-Markdown")
    elapsed = time.perf_counter() - start
    print(
        f"markdown: {len(documents)} documents without braces,"
        f" {len(failures)} rendered otherwise; {elapsed:.2f} s"
    )
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
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
