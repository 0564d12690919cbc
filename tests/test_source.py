"""Source articles: front matter and values are validated with file and line."""

from __future__ import annotations

import pytest

from lingopress.errors import SourceError
from lingopress.extract import article_segments
from lingopress.segment import BodySegmenter
from lingopress.source import parse_article

GOOD = """+++
title = "T"
slug = "t"

[values]
price = { money = 10, currency = "EUR" }
+++

Costs {price}.
"""


def test_good_article_parses_with_lines() -> None:
    """Title, body start and value lines are known for references and errors."""
    article = parse_article(GOOD, "source/t.md")
    assert (article.slug, article.title_line, article.body_line) == ("t", 2, 8)
    assert article.value_lines["price"] == 6


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("title = 'x'\n", 1, "must start with TOML front matter"),
        ("+++\ntitle = 'x'\n", 1, "not closed"),
        ("+++\ntitle = 'x'\nslug = \n+++\n", 3, r"invalid front matter: Invalid value$"),
        # Unfinished at the end of the front matter: its last line.
        ("+++\ntitle = 'x'\nslug = 'x'\nx = [1,\n+++\nBody.\n", 4, "invalid front matter"),
        ("+++\ntitle = 'x'\nslug = 'Bad Slug'\n+++\n", 3, "slug 'Bad Slug'"),
        ("+++\ntitle = 'x'\nslug = 'x'\nauthor = 'me'\n+++\n", 4, "unknown front-matter key 'author'"),
        (
            "+++\ntitle = 'x'\nslug = 'x'\n[values]\np = { money = 1, currency = 'XYZ' }\n+++\n",
            5,
            "not an ISO 4217",
        ),
        (
            "+++\ntitle = 'x'\nslug = 'x'\n[values]\nd = { date = 2025-01-01, skeleton = 'nope' }\n+++\n",
            5,
            "invalid date skeleton",
        ),
    ],
)
def test_bad_front_matter_is_reported_at_its_line(text: str, line: int, message: str) -> None:
    """Each front-matter mistake is a SourceError at the right 1-based line."""
    with pytest.raises(SourceError, match=message) as info:
        parse_article(text, "source/x.md")
    assert (info.value.path, info.value.line) == ("source/x.md", line)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("Intro.\n\nCosts {pricee}.\n", 11, r"unknown value \{pricee\}"),
        ("Costs {price.real}.\n", 9, "must be a bare value name"),
        ("Costs {price.\n", 9, "unbalanced"),
    ],
)
def test_bad_placeholders_in_the_text_are_reported_at_the_block(body: str, line: int, message: str) -> None:
    """An unknown or non-bare placeholder in the body is an error at its block's line."""
    article = parse_article(GOOD.replace("Costs {price}.\n", body), "source/t.md")
    with pytest.raises(SourceError, match=message) as info:
        article_segments(article, BodySegmenter())
    assert info.value.line == line


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("Intro.\n\n```\ncode\n", 11, "code fence ``` is never closed"),
        ('<div class="x" markdown="1">\n\nText.\n', 9, "<div> is never closed"),
        ("Text.\n\n</div>\n", 11, "</div> closes no open <div>"),
    ],
)
def test_unclosed_structures_are_refused(body: str, line: int, message: str) -> None:
    """Structures that would swallow the rest of the article are errors at their opening line."""
    with pytest.raises(SourceError, match=message) as info:
        parse_article(GOOD.replace("Costs {price}.\n", body), "source/t.md")
    assert info.value.line == line


def test_fenced_html_is_not_structure() -> None:
    """A <div> inside a code fence is code, not structure."""
    parse_article(GOOD.replace("Costs {price}.\n", "```html\n<div>\n```\n"), "source/t.md")
