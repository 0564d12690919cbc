"""Content checks and statistics (lingopress.checks), driven by the bad-entry fixtures in tests/check/."""

from __future__ import annotations

import doctest
import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lingopress.checks
import lingopress.glossary
import lingopress.status
from lingopress.checks import (
    CODES,
    _emphasis_runs,
    _is_punctuation,
    catalog_stats,
    count_words,
    markup_problems,
    placeholder_problems,
    render_safe,
    style_problems,
)
from lingopress.gate import check_catalog
from lingopress.glossary import read_glossary
from lingopress.locales import locale_info
from lingopress.pofile import Catalog, Message, parse_po, read_po

CHECK = Path(__file__).resolve().parent / "check"
FIXTURES = sorted(CHECK.glob("*.po"))
# A missing msgfmt fails these tests (FileNotFoundError), it does not skip them.
MSGFMT = shutil.which("msgfmt") or "msgfmt"
_EXPECT_RE = re.compile(r"^# expect: (.+)$")


def _expected(path: Path) -> set[tuple[int, str]]:
    """(line, code) pairs announced by ``# expect: code, ...`` comments: the line is that of the
    entry's ``msgid``, found in the text, independently of the PO reader."""
    expected: set[tuple[int, str]] = set()
    pending: list[str] = []
    for number, line in enumerate(path.read_text("utf-8").split("\n"), start=1):
        match = _EXPECT_RE.match(line)
        if match:
            pending.extend(code.strip() for code in match.group(1).split(","))
        elif line.startswith("msgid ") and pending:
            expected.update((number, code) for code in pending)
            pending = []
    return expected


def _template(catalog: Catalog) -> Catalog:
    """The POT the fixture was merged with: its own msgids, untranslated."""
    pot = Catalog()
    for m in catalog.messages:
        entry = Message(
            m.msgid,
            msgstr=["", ""] if m.msgid_plural else [""],
            msgid_plural=m.msgid_plural,
            msgctxt=m.msgctxt,
            references=list(m.references),
            extracted_comments=list(m.extracted_comments),
            flags=[f for f in m.flags if f.endswith("-format")],
        )
        pot.messages.append(entry)
    return pot


def _check_fixture(path: Path) -> list[tuple[int, str, str]]:
    rel = f"tests/check/{path.name}"
    catalog = read_po(path, rel)
    glossary_path = path.with_suffix(".csv")
    glossary = read_glossary(glossary_path, f"tests/check/{glossary_path.name}")
    found = check_catalog(catalog, _template(catalog), locale_info("de"), True, rel, glossary).diagnostics
    return [(d.line, d.code, str(d)) for d in found]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_reports_exactly_its_findings(path: Path) -> None:
    """Each fixture's bad entries are reported at their msgid line with the announced code, and
    nothing else is reported."""
    found = _check_fixture(path)
    assert {(line, code) for line, code, _ in found} == _expected(path)
    for line, code, text in found:
        assert text.startswith(f"tests/check/{path.name}:{line}: {CODES[code]}: ")
        assert text.endswith(f"[{code}]")


def test_every_content_code_has_a_fixture() -> None:
    """The fixtures cover every code that a single catalog can produce."""
    covered = {code for path in FIXTURES for _, code in _expected(path)}
    project_level = {"syntax", "missing", "stale-pot", "unmerged", "glossary-file"}
    assert covered == set(CODES) - project_level


def test_clean_fixture_is_clean_and_passes_msgfmt() -> None:
    """The clean catalog has no finding, and GNU msgfmt accepts it (it needs msgfmt)."""
    assert _check_fixture(CHECK / "clean.po") == []
    run = subprocess.run(
        [MSGFMT, "--check", "-o", "/dev/null", str(CHECK / "clean.po")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def test_findings_do_not_depend_on_flags() -> None:
    """The same placeholder mistake is an error with or without python-brace-format, fuzzy or not."""
    for flags in ([], ["python-brace-format"], ["fuzzy"], ["fuzzy", "python-brace-format"]):
        catalog = parse_po(
            'msgid ""\nmsgstr "Language: de\\nContent-Type: text/plain; charset=UTF-8\\n'
            'Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            + (f"#, {', '.join(flags)}\n" if flags else "")
            + 'msgid "From {price}."\nmsgstr "Ab {preis}."\n',
            "x.po",
        )
        found = check_catalog(catalog, None, locale_info("de"), False, "x.po").diagnostics
        assert [(d.line, d.code) for d in found] == [(5 if flags else 4, "placeholders")] * 2


def test_placeholder_messages_name_the_names() -> None:
    """A translator sees which placeholder is missing and which one is unknown."""
    messages = [p.message for p in placeholder_problems("{a} {b}", "{a} {c} {c}")]
    assert messages == ["placeholder missing: {b}", "placeholder not in the source: {c}"]


def test_plural_form_for_one_number_may_leave_out_the_number() -> None:
    """'Eine Minute' is fine as German msgstr[0] (n == 1 only), not as a Russian form used for
    1, 21, 31...; an unknown name is never fine."""
    from lingopress.gate import check_catalog as check

    def findings(locale: str, forms: list[str]) -> list[tuple[int, str]]:
        info = locale_info(locale)
        header = (
            f"Language: {locale}\\nContent-Type: text/plain; charset=UTF-8\\n"
            f"Plural-Forms: {info.plural_forms}\\n"
        )
        body = "".join(f'msgstr[{i}] "{form}"\n' for i, form in enumerate(forms))
        text = (
            f'msgid ""\nmsgstr "{header}"\n\nmsgid "{{num}} minute"\nmsgid_plural "{{num}} minutes"\n{body}'
        )
        found = check(parse_po(text, "x.po"), None, info, True, "x.po").diagnostics
        return [(d.line, d.code) for d in found]

    assert findings("de", ["Eine Minute", "{num} Minuten"]) == []
    assert findings("ru", ["одна минута", "{num} минуты", "{num} минут"]) == [(4, "placeholders")]
    assert findings("de", ["{n} Minute", "{num} Minuten"]) == [(4, "placeholders")]


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("**Relief.** About half", "Etwa die Hälfte: **Linderung.**"),
        ("Costs and *results*", "Kosten und _Ergebnisse_"),
        ("snake_case and 5 * 3", "snake_case und 5 * 3"),
        ("See `a_b` and *c*", "Siehe *c* und `a_b`"),
        ("A [link](/a_b_c) here", "Ein [Link](/a_b_c) hier"),
        (r"An escaped \* star", r"Ein maskierter \* Stern"),
        ("Read [a](/x) and [b](/y)", "Lesen Sie [b](/y) und [a](/x)"),
        # Emphasis around a code span or a link, moved next to punctuation.
        ("Ask for the **`MSC-2`** protocol.", "Fragen Sie nach dem Protokoll **`MSC-2`**:"),
        ("Use **[Strawberry](https://s.r/)** for it.", "Dafür **[Strawberry](https://s.r/)**."),
        ("See <https://a.b> **now**", "**Jetzt** <https://a.b>."),
    ],
)
def test_markup_moved_or_respelt_is_fine(msgid: str, msgstr: str) -> None:
    """Markup may move with the sentence and ``*``/``_`` are the same emphasis."""
    assert markup_problems(msgid, msgstr) == []


@pytest.mark.parametrize(
    ("msgid", "msgstr", "code"),
    [
        ("**Relief.** About half", "*Linderung.* Etwa die Hälfte", "markup"),
        ("Costs and *results*", "Kosten und *Ergebnisse", "markup"),
        ("Costs and results", "Kosten und __Ergebnisse__", "markup"),
        ("See `a_b`", "Siehe `a-b`", "markup"),
        ("Ask for **`MSC-2`** first", "Fragen Sie zuerst nach `MSC-2`", "markup"),
        ("Read the [**study**](/s).", "Lesen Sie die [Studie](/s).", "markup"),
        ("A [link](/a)", "Ein [Link](/b)", "links"),
        ("Text", "Text <span>x</span>", "html"),
        ("Text", "# Text", "block"),
    ],
)
def test_markup_changed_is_an_error(msgid: str, msgstr: str, code: str) -> None:
    """Each markup change gives exactly one error with its code, and makes the string unsafe to render."""
    problems = markup_problems(msgid, msgstr)
    assert [(p.severity, p.code) for p in problems] == [("error", code)]
    assert not render_safe(msgid, msgstr)


def test_punctuation_equivalents_across_scripts() -> None:
    """A full stop, a question or an exclamation may be written the locale's way."""
    for msgid, msgstr in [
        ("Done.", "完了。"),
        ("Why?", "لماذا؟"),
        ("Wait...", "Warten Sie…"),
        ("Stop!", "止まれ！"),
        ("“Quoted.”", "„Zitiert.“"),
    ]:
        assert style_problems(msgid, msgstr) == [], (msgid, msgstr)


# A spread of what pocount's word rule (UAX #29 words, after its own clean-up) meets.
WORD_SAMPLES = [
    "It costs {price_min} — really? Don't ask.",
    "e.g. a.b.c 3.14 x. U.S.A. os.path.join()",
    "7,000.50 EUR; 10 000 patients; 3,5 %",
    "See <https://example.org/ref> and <b>bold</b><br/>text",
    "snake_case __dunder__ ___ _x",
    "naïve café, Zürich’s clinic, soft\u00adhyphen",
    "日本語のテキストとカタカナ語",
    "σ² s³ x¹ H₂O",
    "Привет, мир! مرحبا بالعالم. שלום עולם",
    "foo:bar a:1 1:2 time 10:30",
    "**Relief.** About *half* of `code_span`",
    "한국어 \U00020001 \U000e0001 \u303f\u3040",
    "\u200b",  # nothing left once the format character goes
    "",
]


@pytest.mark.parametrize("text", WORD_SAMPLES)
def test_word_count_agrees_with_pocount(text: str) -> None:
    """count_words gives pocount's source word count (translate-toolkit, a [dev] dependency)."""
    from translate.tools.pocount import wordcount

    assert count_words(text) == wordcount(text)


def test_stats_fixture_agrees_with_msgfmt_and_pocount(tmp_path: Path) -> None:
    """Messages by state agree with ``msgfmt --statistics`` and ``pocount``; words with pocount's
    source words (both tools must be installed)."""
    from translate.tools.pocount import calcstats

    path = CHECK / "clean.po"
    text = path.read_text("utf-8")
    # Add a fuzzy and an untranslated entry to the clean catalog.
    text += (
        '\n#, fuzzy\nmsgid "A fuzzy one, e.g. this."\nmsgstr "Eine unscharfe."\n'
        '\nmsgid "Not translated yet: 3,000 words."\nmsgstr ""\n'
    )
    sample = tmp_path / "sample.po"
    sample.write_text(text, "utf-8")
    stats = catalog_stats(read_po(sample).messages)
    run = subprocess.run(
        [MSGFMT, "--statistics", "-o", "/dev/null", str(sample)],
        capture_output=True,
        text=True,
        check=True,
    )
    expected = (
        f"{stats.translated} translated messages, {stats.fuzzy} fuzzy translation, {stats.untranslated}"
    )
    assert run.stderr.startswith(expected), run.stderr
    pocount = calcstats(str(sample))
    assert (pocount["translated"], pocount["fuzzy"], pocount["untranslated"]) == (
        stats.translated,
        stats.fuzzy,
        stats.untranslated,
    )
    assert (
        pocount["translatedsourcewords"],
        pocount["fuzzysourcewords"],
        pocount["untranslatedsourcewords"],
    ) == (stats.translated_words, stats.fuzzy_words, stats.untranslated_words)


def test_plural_with_an_empty_form_is_untranslated_unlike_msgfmt() -> None:
    """The one deliberate difference from msgfmt and pocount: a plural entry with an empty form
    is untranslated, because the page would fall back to English for that form."""
    catalog = read_po(CHECK / "untranslated.po")
    stats = catalog_stats(catalog.messages)
    assert (stats.translated, stats.fuzzy, stats.untranslated) == (0, 0, 2)
    run = subprocess.run(
        [MSGFMT, "--statistics", "-o", "/dev/null", str(CHECK / "untranslated.po")],
        capture_output=True,
        text=True,
    )
    assert run.stderr.startswith("1 translated message, 1 untranslated message"), run.stderr


DOCTEST_MODULES = sorted(
    p.stem for p in Path(lingopress.checks.__file__).parent.glob("*.py") if ">>>" in p.read_text("utf-8")
)


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_doctests(name: str) -> None:
    """The examples in the docstrings of every module are true."""
    result = doctest.testmod(importlib.import_module(f"lingopress.{name}"))
    assert result.attempted > 0 and result.failed == 0


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="*_ a.é,\n!", max_size=16))
def test_emphasis_runs_are_the_maximal_runs_of_one_delimiter(text: str) -> None:
    """The runs found from their first character are those of ``\\*+|_+``, each counted by the
    flanking rules."""
    expected = []
    for m in re.finditer(r"\*+|_+", text):
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        left = not after.isspace() and (
            not _is_punctuation(after) or before.isspace() or _is_punctuation(before)
        )
        right = not before.isspace() and (
            not _is_punctuation(before) or after.isspace() or _is_punctuation(after)
        )
        if not (m.group()[0] == "_" and before.isalnum() and after.isalnum()) and (left or right):
            expected.append(min(len(m.group()), 3))
    assert _emphasis_runs(text) == sorted(expected)
