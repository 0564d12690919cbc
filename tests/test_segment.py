"""Segmentation: one message per Markdown block, with its kind and source line."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown.extensions import Extension

from lingopress.segment import (
    MARKDOWN_EXTENSIONS,
    BodySegmenter,
    Segment,
    Translation,
    _quick_block_level,
    _quick_block_tests,
    _quick_preprocessors,
    _QuickInlineProcessor,
    collapse,
    markdown_extensions,
    split_attr_list,
)

BODY = """\
Intro paragraph with *emphasis*, a [link](https://example.org/a "t")
and `code`, wrapped over
three lines.

## A heading {: #anchor }

- first item
- second **item**
    - nested item

1. ordered one

| Criterion | Value |
|---|---|
| Cost | {price} |

> A quoted paragraph.

Intro paragraph with *emphasis*, a [link](https://example.org/a "t") and `code`, wrapped over three lines.

Not translated.
{: translate="no" }

<div class="refs" translate="no" markdown="1">

- Reference [doi](https://doi.org/1)

</div>

```
code block
```

Button text
{: msgctxt="button" }
"""


@pytest.fixture(scope="module")
def segments() -> list[Segment]:
    return BodySegmenter().segments(BODY, first_line=10)


def test_each_block_is_one_segment_in_document_order(segments: list[Segment]) -> None:
    """Headings, paragraphs, list items (nested too), table cells and quotes are blocks, in order."""
    assert [(s.kind, s.text) for s in segments] == [
        (
            "paragraph",
            'Intro paragraph with *emphasis*, a [link](https://example.org/a "t") and `code`,'
            " wrapped over three lines.",
        ),
        ("heading", "A heading"),
        ("list item", "first item"),
        ("list item", "second **item**"),
        ("list item", "nested item"),
        ("list item", "ordered one"),
        ("table header", "Criterion"),
        ("table header", "Value"),
        ("table cell", "Cost"),
        ("table cell", "{price}"),
        ("quote", "A quoted paragraph."),
        (
            "paragraph",
            'Intro paragraph with *emphasis*, a [link](https://example.org/a "t") and `code`,'
            " wrapped over three lines.",
        ),
        ("paragraph", "Button text"),
    ]


def test_lines_point_at_the_block_in_the_file(segments: list[Segment]) -> None:
    """Lines are 1-based file lines (the body starts at line 10), repeated text gets its own line."""
    lines = BODY.split("\n")
    for segment in segments:
        source_line = lines[segment.line - 10]
        assert segment.text.split()[0].lstrip("{") in source_line.replace("{", ""), segment
    assert [s.line for s in segments if s.text.startswith("Intro")] == [10, 28]
    assert next(s.line for s in segments if s.kind == "heading") == 14


def test_no_translate_blocks_and_code_are_skipped(segments: list[Segment]) -> None:
    """translate="no" (attr_list or a md_in_html div) and code blocks give no message."""
    texts = " ".join(s.text for s in segments)
    assert "Not translated" not in texts
    assert "Reference" not in texts
    assert "code block" not in texts


def test_author_context_is_recorded(segments: list[Segment]) -> None:
    """{: msgctxt="..."} becomes the message context and is not part of the msgid."""
    button = segments[-1]
    assert button.context == "button"
    assert segments[0].context is None


def test_render_replaces_each_block_and_marks_fallbacks() -> None:
    """Rendering swaps in the translation, runs inline Markdown on it, and tags fallbacks."""
    segmenter = BodySegmenter()

    def translate(segment: Segment) -> Translation:
        if segment.kind == "heading":
            return Translation("Eine *Überschrift*", fallback=False)
        return Translation(segment.text, fallback=True)

    html = segmenter.render(BODY, translate, lambda name: "7.000 €", {"lang": "en"}, 10)
    assert '<h2 id="anchor">Eine <em>Überschrift</em></h2>' in html
    assert '<td lang="en">7.000 €</td>' in html
    assert '<li lang="en">first item</li>' in html
    assert 'translate="no"' in html


def test_raw_html_in_a_translation_is_escaped() -> None:
    """A translation cannot inject markup: raw HTML is shown as text."""
    html = BodySegmenter().render(
        "Hello.\n",
        lambda s: Translation('<script>alert(1)</script><img src=x onerror="y">', fallback=False),
        lambda name: "",
        {},
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_values_are_not_markdown() -> None:
    """A value is inserted after inline parsing: its characters are never markup."""
    html = BodySegmenter().render(
        "Cost: {v}\n", lambda s: Translation(s.text, False), lambda name: "*not em*", {}
    )
    assert "<p>Cost: *not em*</p>" in html


def test_collapse_and_attr_list_helpers() -> None:
    """Whitespace collapses; a trailing attr_list is split off, a trailing placeholder is not."""
    assert collapse(" a \n\t b ") == "a b"
    assert split_attr_list("Heading {: .x }") == ("Heading", "{: .x }")
    assert split_attr_list("Price {price}") == ("Price {price}", "")


MARKDOWN_CORPUS = Path(__file__).resolve().parent / "fixtures" / "markdown"
"""Real documents (tests/fixtures/README.md); benchmarks/corpus_checks.py runs the same
comparison over a whole corpus."""


def _corpus_documents() -> list[Path]:
    documents = sorted(MARKDOWN_CORPUS.rglob("*.md"))
    assert len(documents) >= 12, f"the Markdown fixtures are missing: {MARKDOWN_CORPUS}"
    return documents


class _Quick(Extension):  # type: ignore[misc]
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_QuickInlineProcessor(md), "inline", 20)
        _quick_block_tests(md)
        _quick_block_level(md)
        _quick_preprocessors(md)


# Python-Markdown's own pipeline, extensions given by name; ours, given as instances.
_PLAIN = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
_QUICK = markdown.Markdown(extensions=[*markdown_extensions(), _Quick()])


def test_quick_inline_pass_gives_python_markdown_output_on_the_corpus() -> None:
    """Real documents render to the same HTML through the quick inline pass as through Python-Markdown's."""
    plain, quick = _PLAIN, _QUICK
    assert [type(e) for e in quick.registeredExtensions[: len(MARKDOWN_EXTENSIONS)]] == [
        type(e) for e in plain.registeredExtensions
    ]
    assert isinstance(quick.treeprocessors["inline"], _QuickInlineProcessor)
    for path in _corpus_documents():
        text = path.read_text("utf-8")
        assert quick.reset().convert(text) == plain.reset().convert(text), path


# Pieces of inline Markdown that the quick pass treats apart: code spans (balanced or not),
# what the other patterns start with, and plain text around them.
_INLINE_PIECES = ["`", "``", "```", "`x`", "` y `", "``a`", "`b``", "x`", "a", " ", "\t", "b c", "_",
                  "snake_case", "*", "**", "[", "]", "(", ")", "[t](u)", "\\", "\\`", "<", ">",
                  "<http://e.org>", "&", "&amp;", "!", "\n", "  \n", "{", "}", "é", "#", "a_", "_b",
                  "__", "___", "x__y", "é_", " _", "*x*", "**x**", "* ", " *"]  # fmt: skip


def _without_placeholder_numbers(html: str) -> str:
    """Some malformed input makes Python-Markdown let one of its inline placeholders through
    (``klzzwxh:0001``); the quick pass makes fewer of them, so the number may differ."""
    return re.sub(r"klzzwxh:\d+", "klzzwxh:N", html)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_INLINE_PIECES), min_size=1, max_size=12))
@example(["`", "`", "\\`"])  # the backtick pattern's spans run past its match
@example(["a", "  \n", "b"])  # a hard line break, the only inline Markdown of the text
@example(["a", " ", "**x**", " ", "*x*", "b"])  # emphasis alone: parsed by the quick pass
@example(["a", " ", "*", " ", "b", " ", "*", " ", "c"])  # asterisks between spaces are text
@example(["**", "*x*", "**"])  # runs of different lengths: left to the pass
@example(["`x`", " ", "**", "a", " ", "`x`", "**", " ", "*x*", " ", "`x`"])  # code in and around emphasis
@example(["a", "\x00", " ", "*x*"])  # the character that stands for a code span, in a text
@example(["`a`", "]", "``", " ", "```", "``a`"])  # backticks that close nothing are passed over
@example(["x```a`", "  \n", "*x*", "*x*", "\\`", "snake_case", "[t](u)", "a", "```", "***"])  # a leak
def test_quick_inline_pass_gives_python_markdown_output_on_any_inline_text(pieces: list[str]) -> None:
    """Texts made of code spans, the characters other inline patterns start with, and plain
    text, as a paragraph, a list item, a heading and a table cell: the same HTML both ways."""
    text = "".join(pieces).strip() or "x"
    for document in (text, f"- {text}", f"## {text}", f"| a |\n|---|\n| {text} |"):
        quick, plain = _QUICK.reset().convert(document), _PLAIN.reset().convert(document)
        assert _without_placeholder_numbers(quick) == _without_placeholder_numbers(plain), document


# Lines that start, end or continue Markdown blocks: what the block processors look for
# (headings, rules, quotes, tables, references, lists, code) and what comes close to it.
_BLOCK_LINES = ["text", "more text", "", "# h", "## h ##", "#no", "a # b", "===", "---", "- - -", "***",
                "* * *", "___", "__", "--", "-", "*", "> q", ">", "a > b", "| a | b |", "|---|---|",
                "a | b", "---|---", "| a |", "[id]: http://e.org", "[id]: <http://e.org> \"t\"", "a]: b",
                "[x]:", "- item", "1. one", "    code", "\tcode", "```", "~~~", "x\\|y", "`a|b`", " > q",
                "    > q", "<div>", "</div>", "{: #x }"]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_BLOCK_LINES), min_size=1, max_size=10))
def test_quick_block_tests_give_python_markdown_output_on_any_blocks(lines: list[str]) -> None:
    """Documents made of lines that come close to each kind of block: the same HTML with the
    block processors that a block cannot match skipped."""
    document = "\n".join(lines)
    quick, plain = _QUICK.reset().convert(document), _PLAIN.reset().convert(document)
    assert _without_placeholder_numbers(quick) == _without_placeholder_numbers(plain), document


# What Python-Markdown's preprocessors change (carriage returns, tabs, lines of spaces, the
# characters of its placeholders, raw HTML, character references) and text without any of it.
_DOCUMENT_PIECES = ["text", " ", "  ", "\n", "\n\n", "\t", "\r", "\r\n", "\x02", "\x03", "    ", "&",
                    "&amp;", "&#65", "&#x4;", "AT&T", "<", "<b>x</b>", "<div>\n", "\n</div>", "```",
                    "~~~", "- ", "# ", "é"]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_DOCUMENT_PIECES), min_size=1, max_size=16))
@example(["text", "\n", "   "])  # a last line of spaces, with no newline after it
@example(["   ", "\n", "text"])  # a first line of spaces: left as it is
@example(["&#65", " ", "text"])  # a character reference, which the HTML parser completes
def test_quick_preprocessors_give_python_markdown_lines(pieces: list[str]) -> None:
    """The preprocessors pass over a document they would not change: the lines the block parser
    gets, what is stashed and the HTML are the same as with Python-Markdown's own."""
    document = "".join(pieces)

    def preprocessed(md: markdown.Markdown) -> tuple[list[str], list[object]]:
        md.reset()
        lines = document.split("\n")
        for preprocessor in md.preprocessors:
            lines = preprocessor.run(lines)
        stash = [b if isinstance(b, str) else etree.tostring(b) for b in md.htmlStash.rawHtmlBlocks]
        return lines, stash

    assert preprocessed(_QUICK) == preprocessed(_PLAIN), document
    quick, plain = _QUICK.reset().convert(document), _PLAIN.reset().convert(document)
    assert _without_placeholder_numbers(quick) == _without_placeholder_numbers(plain), document


def test_a_body_parsed_once_renders_like_a_body_parsed_each_time() -> None:
    segmenter = BodySegmenter()

    def variant(n: int) -> Callable[[Segment], Translation]:
        # Odd variants change every block's text; every third block falls back.
        return lambda s: Translation(s.text.upper() if n % 2 else s.text, fallback=len(s.text) % 3 == 0)

    for path in _corpus_documents()[::3]:
        text = path.read_text("utf-8")
        parsed = segmenter.parse(text, 5)
        assert segmenter.segments(parsed) == segmenter.segments(text, 5), path
        for n in range(3):
            once = segmenter.render(parsed, variant(n), lambda name: f"<b>{name}</b>", {"lang": "en"})
            fresh = segmenter.render(text, variant(n), lambda name: f"<b>{name}</b>", {"lang": "en"}, 5)
            assert once == fresh, path


def test_without_pygments_leaves_pages_and_pygments_as_they_were() -> None:
    """The invoke tasks import fenced_code with Pygments hidden: code blocks come out as they do
    with Pygments importable, and Pygments can still be imported afterwards."""
    import subprocess
    import sys

    body = "Text.\n\n```python\nprint('<b>')\n```\n\n    indented = 1\n"
    script = f"""
import sys
from lingopress.segment import BodySegmenter, Translation, without_pygments
if sys.argv[1] == "hidden":
    without_pygments()
html = BodySegmenter().render({body!r}, lambda s: Translation(s.text, False), str, {{}})
assert ("pygments" in sys.modules) == (sys.argv[1] == "importable"), sys.argv[1]
import pygments
print(html)
"""
    src = str(Path(__file__).resolve().parent.parent / "src")
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script, mode],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": src},
        ).stdout
        for mode in ("hidden", "importable")
    ]
    assert outputs[0] == outputs[1] and '<code class="language-python">' in outputs[0]


def test_set_up_process_hides_pygments_and_freezes_what_is_imported() -> None:
    """The set-up of the invoke tasks and the benchmark's stages, done once however often called;
    the young generation is collected less often."""
    import subprocess
    import sys

    script = """
import gc, sys
import lingopress
from lingopress.build import build_site
lingopress.set_up_process()
frozen = gc.get_freeze_count()
made_since = [[n] for n in range(100)]  # a second set-up must not freeze these (nor later ones)
lingopress.set_up_process()
from lingopress.segment import BodySegmenter
BodySegmenter()
assert frozen > 1000 and gc.get_freeze_count() == frozen, (frozen, gc.get_freeze_count())
assert "pygments" not in sys.modules
assert gc.get_threshold()[0] == 10_000
"""
    src = str(Path(__file__).resolve().parent.parent / "src")
    subprocess.run([sys.executable, "-c", script], check=True, env={"PYTHONPATH": src})
