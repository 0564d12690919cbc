"""Segmentation: one message per Markdown block, with its kind and source line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import markdown
import pytest

from lingopress.segment import (
    MARKDOWN_EXTENSIONS,
    BodySegmenter,
    Segment,
    Translation,
    collapse,
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


# Bodies the tests parse and render: the one above, and pieces of each kind of block.
_DOCUMENTS = [
    BODY,
    "# Title\n\nText with `code` and **bold** and _em_ and a ![pic](a.png).\n",
    "Setext heading\n==============\n\n* a\n* b\n\n    indented code\n\n---\n\n"
    "[ref]: https://example.org\n\nA [ref] link.",
    '<div markdown="1">\n\nInside *html*\n\n</div>\n\n<p>raw</p>\n\n> quote\n> > nested\n',
    "| a | b |\n|---|---|\n| `x|y` | <b> |\n\nLine one  \nline two\n",
]


def test_untranslated_body_renders_as_python_markdown_renders_it() -> None:
    """With each block's own text and no fallback marks, a body renders exactly as Python-Markdown
    with the same extensions renders it (raw inline HTML aside, which is shown as text)."""
    plain = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)
    plain.inlinePatterns.deregister("html")
    segmenter = BodySegmenter()
    for index, text in enumerate(_DOCUMENTS[1:4], 1):
        ours = segmenter.render(text, lambda s: Translation(s.text, False), str, {})
        assert ours == plain.reset().convert(text), index
        assert "<h1>Title</h1>" in ours or "<h1>Setext heading</h1>" in ours or "<em>html</em>" in ours


MARKDOWN_CORPUS = Path(__file__).resolve().parent / "fixtures" / "markdown"
"""Real documents (tests/fixtures/README.md); benchmarks/corpus_checks.py runs the same
comparison over a whole corpus."""


def _corpus_documents() -> list[Path]:
    documents = sorted(MARKDOWN_CORPUS.rglob("*.md"))
    assert len(documents) >= 12, f"the Markdown fixtures are missing: {MARKDOWN_CORPUS}"
    return documents


def test_a_body_parsed_once_renders_like_a_body_parsed_each_time() -> None:
    """Where the blocks are, found once, serves every rendering of the same body."""
    segmenter = BodySegmenter()

    def variant(n: int) -> Callable[[Segment], Translation]:
        # Odd variants change every block's text; every third block falls back.
        return lambda s: Translation(s.text.upper() if n % 2 else s.text, fallback=len(s.text) % 3 == 0)

    documents = [*_DOCUMENTS, *(path.read_text("utf-8") for path in _corpus_documents()[::3])]
    for path, text in enumerate(documents):
        parsed = segmenter.parse(text, 5)
        assert segmenter.segments(parsed) == segmenter.segments(text, 5), path
        for n in range(3):
            once = segmenter.render(parsed, variant(n), lambda name: f"<b>{name}</b>", {"lang": "en"})
            fresh = segmenter.render(text, variant(n), lambda name: f"<b>{name}</b>", {"lang": "en"}, 5)
            assert once == fresh, path


def test_set_up_process_freezes_what_is_imported() -> None:
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
assert gc.get_threshold()[0] == 10_000
"""
    src = str(Path(__file__).resolve().parent.parent / "src")
    subprocess.run([sys.executable, "-c", script], check=True, env={"PYTHONPATH": src})


def test_autolinks_inside_a_markdown_html_block_are_links() -> None:
    """A reference list in ``<div markdown="1">`` keeps its ``<https://...>`` links (Python-Markdown
    3.8 and later; before, they stayed text, and a browser took them for a tag)."""
    body = '<div class="refs" translate="no" markdown="1">\n\n- Source. <https://example.org/a/>\n\n</div>\n'
    html = BodySegmenter().render(body, lambda s: Translation(s.text, False), str, {})
    assert '<a href="https://example.org/a/">https://example.org/a/</a>' in html
