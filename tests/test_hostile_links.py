"""Hostile links, control characters and pathological markup in translations.

The corpus in tests/hostile/ holds link forms a translator might try: each is refused by the
import and the check, and none becomes a live link or resource on a built page, whether the
check saw it or not (the page pipeline's own guard takes it out). Pages are inspected with
html5lib, which reads attributes as browsers do.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest

from conftest import make_project
from lingopress.checks import content_errors, render_safe, translation_problems
from lingopress.pofile import Catalog, Message, read_po, save_po
from lingopress.render import Translations
from lingopress.segment import BodySegmenter, Translation
from lingopress.urls import is_allowed, normalise, scheme

HOSTILE = Path(__file__).resolve().parent / "hostile"
SOURCE = "Read the [study](https://doi.org/10.1000/xyz) for details."
KEPT = "[Studie](https://doi.org/10.1000/xyz)"
_ESCAPE_RE = re.compile(r"\\(t|n|x[0-9A-Fa-f]{2})")


def _corpus(name: str) -> list[str]:
    """The lines of a corpus file, with ``\\t``, ``\\n`` and ``\\xNN`` decoded."""
    lines = (HOSTILE / name).read_text("utf-8").splitlines()

    def decode(m: re.Match[str]) -> str:
        code = m.group(1)
        return {"t": "\t", "n": "\n"}.get(code) or chr(int(code[1:], 16))

    return [_ESCAPE_RE.sub(decode, line) for line in lines if line and not line.startswith("#")]


LINKS = _corpus("links.txt")
INERT = _corpus("inert.txt")


def _translation(form: str) -> str:
    return f"Lesen Sie {form} und die {KEPT} hier."


# What a browser would follow or load: its URL parser strips C0 controls and spaces around a
# URL and drops tabs and newlines inside; the scheme is what comes before the first colon.
_URL_ATTRIBUTES = ("href", "src", "srcset", "action", "formaction", "poster", "data", "xlink:href", "cite")
_SAFE_SCHEMES = ("http", "https", "mailto", "tel")


def _browser_scheme(value: str) -> str:
    value = re.sub(r"[\t\n\r]", "", value).strip("".join(chr(c) for c in range(0x21)))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", value)
    return match.group(1).lower() if match else ""


def _live_urls(page: str) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every URL attribute html5lib finds in ``page``, and every
    event handler attribute."""
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    found = []
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name in _URL_ATTRIBUTES or name.startswith("on"):
                found.append((str(element.tag), name, value))
    return found


def _dangerous(page: str, trusted: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    return [
        (tag, name, value)
        for tag, name, value in _live_urls(page)
        if name.startswith("on")
        or (_browser_scheme(value) not in ("", *_SAFE_SCHEMES) and value not in trusted)
    ]


def test_corpus_has_at_least_forty_link_forms() -> None:
    """The hostile link corpus holds at least 40 distinct forms, and the inert one more."""
    assert len(set(LINKS)) == len(LINKS) >= 40
    assert len(INERT) >= 10


@pytest.mark.parametrize("form", LINKS)
def test_check_refuses_every_hostile_link(form: str) -> None:
    """Each hostile link form is an unsafe-url error of the check and of the import's judgement,
    so the renderer does not use it."""
    msgstr = _translation(form)
    codes = [p.code for p in content_errors(SOURCE, msgstr)]
    assert "unsafe-url" in codes
    assert "unsafe-url" in [p.code for p in translation_problems(SOURCE, msgstr)]
    assert not render_safe(SOURCE, msgstr)


@pytest.mark.parametrize("form", LINKS + INERT)
def test_page_pipeline_never_renders_a_hostile_link(form: str) -> None:
    """Rendered without any check, a hostile form still gives no live link, resource or event
    handler outside the allow-list; the source's own link stays."""
    html = BodySegmenter().render(SOURCE, lambda segment: Translation(_translation(form), False), str, {})
    assert _dangerous(html) == []
    assert ("a", "href", "https://doi.org/10.1000/xyz") in _live_urls(html)
    assert "Lesen Sie" in html and "hier." in html


def test_a_refused_link_keeps_its_text_and_an_image_its_alt_text() -> None:
    """The guard unwraps a refused link (its text, markup included, stays) and puts a refused
    image's alt text in its place."""
    html = BodySegmenter().render(
        SOURCE,
        lambda segment: Translation("[*die* Studie](javascript:x) und ![Bild](data:x) [s](/s).", False),
        str,
        {},
    )
    assert html == '<p><em>die</em> Studie und Bild <a href="/s">s</a>.</p>'


def test_event_handlers_from_markdown_are_dropped_raw_html_blocks_kept() -> None:
    """Event handler attributes that attribute lists or markdown="1" blocks put on elements are
    taken out of an article's page; a raw HTML block is the author's and stays as written."""
    body = (
        '<div onclick="alert(1)" markdown="1">\n\nHello {: onmouseover="x" }\n\n</div>\n\n'
        'Para\n{: onclick="alert(2)" }\n\n<p onclick="raw">raw block</p>\n'
    )
    html = BodySegmenter().render(body, lambda segment: Translation(segment.text, False), str, {})
    assert html == '<div>\n<p>Hello</p>\n</div>\n<p>Para</p>\n<p onclick="raw">raw block</p>'


LEGITIMATE = [
    (
        "Read the [study](https://doi.org/10.1000/xyz).",
        "Lesen Sie die [Studie](https://doi.org/10.1000/xyz).",
    ),
    ("See [below](#costs).", "Siehe [unten](#costs)."),
    ("See [prices](../prices/).", "Siehe [Preise](../prices/)."),
    ("See [prices](/prices?x=1&y=2).", "Siehe [Preise](/prices?x=1&y=2)."),
    ("Write to <mailto:info@example.org>.", "Schreiben Sie an <mailto:info@example.org>."),
    ("Write to <info@example.org>.", "Schreiben Sie an <info@example.org>."),
    ("Call [us](tel:+49-30-1234).", "Rufen Sie [uns](tel:+49-30-1234) an."),
    ("Visit <https://example.org/a>.", "Besuchen Sie <https://example.org/a>."),
    ("The [mirror](//cdn.example/a).", "Der [Spiegel](//cdn.example/a)."),
    ("The ![chart](img/chart.png).", "Das ![Diagramm](img/chart.png)."),
    ("Get the [file](ftp://files.example/f.pdf).", "Laden Sie die [Datei](ftp://files.example/f.pdf)."),
    ("An [odd](Sms:+49) link.", "Ein [seltsamer](Sms:+49) Link."),
]


@pytest.mark.parametrize(("msgid", "msgstr"), LEGITIMATE)
def test_legitimate_links_pass_and_stay_live(msgid: str, msgstr: str) -> None:
    """https, relative, anchors, mailto, tel, protocol-relative and the source's own targets
    (even with another scheme) pass the check and stay links on the page."""
    assert content_errors(msgid, msgstr) == []
    html = BodySegmenter().render(msgid, lambda segment: Translation(msgstr, False), str, {})
    assert len(_live_urls(html)) == 1


def test_an_article_keeps_its_own_links_of_other_schemes() -> None:
    """On a page, a URL the source article itself renders is kept whatever its scheme (its
    reference definitions included); the same scheme to another target is taken out."""
    body = "Get [it][f] or [that](ftp://other.example/x).\n\n[f]: ftp://files.example/f.pdf\n"

    def translate(segment: object) -> Translation:
        return Translation("Hol [es][f] oder [das](ftp://files.example/g.pdf).", False)

    html = BodySegmenter().render(body, translate, str, {})
    assert html == '<p>Hol <a href="ftp://files.example/f.pdf">es</a> oder das.</p>'


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://a.example", True),
        ("HTTPS://a.example", True),
        ("/a:b", True),
        ("a/b:c", True),
        ("?q=javascript:x", True),
        ("//evil.example/x", True),
        (" \x01javascript:x", False),
        ("java\tscript:x", False),
        ("&#x6a;avascript:x", False),
        ("&amp;#106;avascript:x", False),
        ("%6aavascript:x", False),
        ("data:image/png;base64,xx", False),
        ("file:///etc/passwd", False),
    ],
)
def test_url_judgement(url: str, allowed: bool) -> None:
    """A URL is judged on every reading a browser might make of it (normalised, entities and
    percent escapes decoded), conservatively."""
    assert is_allowed(url) is allowed


def test_normalise_and_scheme_follow_the_url_standard() -> None:
    """Leading C0 controls and spaces go, tabs and newlines anywhere; the scheme is case-insensitive."""
    assert normalise("\x00 \x1fJa\nva\rScr\tipt:x \x0c") == "JavaScript:x"
    assert scheme("JavaScript:x") == "javascript" and scheme("1http:x") == ""


def test_safety_errors_cannot_be_silenced() -> None:
    """A lingopress-ignore comment cannot silence unsafe-url, control or complexity: the error
    stays, the comment is itself reported, and the entry is unsafe for the page."""
    from lingopress.gate import check_catalog
    from lingopress.locales import locale_info

    msgstrs = [_translation("[x](javascript:alert(1))"), "Lesen \x02 Sie", "[" * 1000]
    catalog = Catalog(
        messages=[
            Message(SOURCE, [msgstr], msgctxt=str(i), translator_comments=[f"lingopress-ignore: {code}"])
            for i, (msgstr, code) in enumerate(
                zip(msgstrs, ["unsafe-url", "control", "complexity"], strict=True)
            )
        ]
    )
    result = check_catalog(catalog, None, locale_info("de"), True, "de.po")
    codes = [d.code for d in result.diagnostics]
    assert {"complexity", "control", "unsafe-url"} <= set(codes) and codes.count("ignore") == 3
    assert len(result.unsafe) == 3


# --------------------------------------------------------------------------- control characters

CONTROL_ESCAPES = ["\\000", "\\002wzxhzdk:0\\003", "\\a", "\\v", "\\b", "\\f", "\\r", "\\x1b", "\\177"]


@pytest.mark.parametrize("escape", CONTROL_ESCAPES)
def test_control_characters_are_refused(escape: str) -> None:
    """A control character other than newline and tab is an error [control], and the text goes
    no further (a stash marker never reaches Markdown)."""
    char = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), escape)
    char = char.replace("\\x1b", "\x1b").replace("\\a", "\a").replace("\\v", "\v").replace("\\b", "\b")
    char = char.replace("\\f", "\f").replace("\\r", "\r")
    msgstr = f"Patienten {char} zuerst."
    assert [p.code for p in content_errors("Patients come first.", msgstr)] == ["control"]
    catalog = Catalog(messages=[Message("Patients come first.", [msgstr])])
    assert Translations.from_catalog(catalog).entries == {}


# --------------------------------------------------------------------------- pathological markup

PATHOLOGICAL = {
    "brackets": "[" * 100_000,
    "images": "![" * 50_000,
    "links": "[](" * 33_000,
    "angles": "<" * 100_000,
    "backticks": "".join("`" * k + "a" for k in range(1, 450)),
    "code spans": "`a" * 50_000,
    "emphasis": "*a" * 50_000,
    "underscores": "_a " * 33_000,
    "nested": "[" * 50_000 + "x" + "]" * 50_000 + "(/x)",
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_markup_is_refused_and_never_rendered(name: str) -> None:
    """Markup nested or repeated beyond any text's need is an error, and the renderer does not
    take such a translation (it shows the source instead)."""
    msgstr = PATHOLOGICAL[name]
    problems = content_errors("Patients come first.", msgstr)
    assert [p for p in problems if p.severity == "error"]
    if name in ("brackets", "images", "links", "backticks", "nested", "angles", "code spans"):
        assert [p.code for p in problems] == ["complexity"]
    assert not render_safe("Patients come first.", msgstr)


def test_a_source_as_complex_as_its_translation_allows_it() -> None:
    """A translation may have as much markup as its source has (the author's choice)."""
    source = " ".join(f"[w{i}](/w{i})" for i in range(600))
    msgstr = " ".join(f"[W{i}](/w{i})" for i in range(600))
    assert content_errors(source, msgstr) == []


# --------------------------------------------------------------------------- end to end

PARAGRAPHS = len(LINKS) + len(CONTROL_ESCAPES)


def _invoke(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"},
    )


def _paragraph(i: int) -> str:
    return f"Paragraph {i}: read the [study](https://doi.org/10.1000/xyz) for details."


def _hostile(i: int) -> str:
    """The PO-escaped msgstr of paragraph ``i``: a hostile link, then a control character."""
    if i < len(LINKS):
        text = f"Absatz {i}: {LINKS[i]} [Studie](https://doi.org/10.1000/xyz)."
        return text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    return f"Absatz {i}: {CONTROL_ESCAPES[i - len(LINKS)]} [Studie](https://doi.org/10.1000/xyz)."


@pytest.fixture(scope="module")
def links_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile") / "project")
    body = "\n\n".join(_paragraph(i) for i in range(PARAGRAPHS))
    front = '+++\ntitle = "Links"\nslug = "links"\npublished = 2025-01-20\n+++\n\n'
    (project / "source" / "links.md").write_text(front + body + "\n\n[Legit](../sample/) link.\n", "utf-8")
    for task in ("extract", "update"):
        result = _invoke(project, task)
        assert result.returncode == 0, result.stdout + result.stderr
    return project


def _translator_file(path: Path) -> dict[int, int]:
    """Write a translator's de PO file of the links article; returns paragraph -> msgid line."""
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Language: de\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ]
    where = {}
    for i in range(PARAGRAPHS):
        where[i] = len(lines) + 1
        lines += [f'msgid "{_paragraph(i)}"', f'msgstr "{_hostile(i)}"', ""]
    lines += ['msgid "Links"', 'msgstr "Verweise"', ""]
    path.write_text("\n".join(lines), "utf-8")
    return where


def test_import_refuses_each_hostile_entry_at_its_line(links_project: Path) -> None:
    """'invoke import' rejects every hostile entry with file:line and its code, exits 1, takes
    the valid one, and leaves each refused entry of the project as it was (still readable)."""
    where = _translator_file(links_project / "links.po")
    result = _invoke(links_project, "import", "links.po")
    assert result.returncode == 1
    out = result.stdout + result.stderr
    for i, line in where.items():
        code = "unsafe-url" if i < len(LINKS) else "control"
        assert re.search(rf"^links\.po:{line}: .*\[{code}\]$", out, re.M), (i, out)
    catalog = read_po(links_project / "locales" / "de" / "LC_MESSAGES" / "links.po")
    translated = {m.msgid: m.msgstr[0] for m in catalog.messages if m.msgstr[0]}
    assert translated == {"Links": "Verweise"}


def test_check_reports_and_build_neutralises_hostile_entries(links_project: Path) -> None:
    """With the hostile translations written into the project's PO file by hand, 'invoke check'
    reports each at its line, and 'invoke build --force' still builds a page on which none is a
    live link, while the legitimate links work."""
    path = links_project / "locales" / "de" / "LC_MESSAGES" / "links.po"
    catalog = read_po(path)
    texts = {_paragraph(i): i for i in range(len(LINKS))}
    for message in catalog.messages:
        if message.msgid in texts:
            message.msgstr = [f"Absatz {texts[message.msgid]}: {LINKS[texts[message.msgid]]} {KEPT}."]
    save_po(path, catalog)
    lines = {m.msgid: m.lineno for m in read_po(path).messages}
    result = _invoke(links_project, "check", "--locale", "de")
    assert result.returncode == 1
    for i in range(len(LINKS)):
        line = lines[_paragraph(i)]
        assert re.search(
            rf"^locales/de/LC_MESSAGES/links\.po:{line}: error: .*\[unsafe-url\]$", result.stdout, re.M
        ), (i, result.stdout)
    build = _invoke(links_project, "build", "--force")
    assert build.returncode == 0, build.stdout + build.stderr
    page = (links_project / "build" / "de" / "links" / "index.html").read_text("utf-8")
    assert _dangerous(page) == []
    urls = _live_urls(page)
    assert urls.count(("a", "href", "https://doi.org/10.1000/xyz")) >= len(LINKS)
    assert ("a", "href", "../sample/") in urls


def test_import_never_writes_a_control_character(project_dir: Path) -> None:
    """Control characters in a translator's header, in a translator comment and in the msgid of
    a stale entry never reach the project's catalog: what import writes reads back."""
    for task in ("extract", "update"):
        assert _invoke(project_dir, task).returncode == 0
    (project_dir / "sample.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Last-Translator: Eve \\000 <e@example.org>\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '# Kommentar \x01 mit Steuerzeichen\nmsgid "Effect"\nmsgstr "Wirkung"\n\n'
        'msgid "Criterio\\001n"\nmsgstr "Kriterium"\n\n'
        'msgid "Lasting"\nmsgstr "Dauerhaft"\n',
        "utf-8",
    )
    result = _invoke(project_dir, "import", "sample.po")
    assert result.returncode == 1
    assert re.search(
        r"^sample\.po:9: translator comment: control character U\+0001 .*\[control\]$", result.stdout, re.M
    )
    assert re.search(r"^sample\.po:12: control character U\+0001 .*\[control\]$", result.stdout, re.M)
    path = project_dir / "locales" / "de" / "LC_MESSAGES" / "sample.po"
    catalog = read_po(path)  # readable: no NUL was written
    assert "\x00" not in path.read_text("utf-8") and "\x01" not in path.read_text("utf-8")
    assert {m.msgid: m.msgstr[0] for m in catalog.messages if m.msgstr[0]} == {"Lasting": "Dauerhaft"}
    assert "Eve" not in catalog.header_fields().get("Last-Translator", "")
