"""pofile: the strict reader, and a writer whose layout is GNU gettext's to the byte."""

from __future__ import annotations

import ctypes
import ctypes.util
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lingopress.errors import CatalogError
from lingopress.linebreak import break_opportunities, fill_lines
from lingopress.pofile import Catalog, Message, format_po, parse_po, read_po, save_po, write_atomic

CORPUS = Path(__file__).resolve().parent / "fixtures" / "po-merge"

MULTILINGUAL = (Path(__file__).parent / "pofile" / "multilingual.po").read_text(encoding="utf-8")


def _msgcat(path: Path) -> str:
    msgcat = shutil.which("msgcat")
    assert msgcat is not None, "GNU gettext (msgcat) is required for this test"
    return subprocess.run([msgcat, str(path)], check=True, capture_output=True, text=True).stdout


@pytest.mark.gettext
def test_format_is_what_msgcat_writes(tmp_path: Path) -> None:
    """Wrapping, escapes, flags and comment order match msgcat in Japanese, Russian and Arabic."""
    source = tmp_path / "in.po"
    source.write_text(MULTILINGUAL, encoding="utf-8")
    ours = format_po(parse_po(MULTILINGUAL, "in.po"))
    assert ours == _msgcat(source)
    written = tmp_path / "ours.po"
    written.write_text(ours, encoding="utf-8")
    assert _msgcat(written) == ours


@pytest.mark.gettext
def test_gnu_file_round_trip_is_byte_identical() -> None:
    """A file in msgcat's layout (real excerpts: python-format entries whose directives sit at
    a line's end, comments with trailing spaces) is read and written back byte for byte."""
    path = Path(__file__).parent / "pofile" / "python-format.po"
    text = path.read_text(encoding="utf-8")
    assert _msgcat(path) == text
    assert format_po(read_po(path)) == text


@pytest.mark.gettext
def test_directives_are_never_broken_across_lines(tmp_path: Path) -> None:
    """At every column, a c-format or python-format directive stays whole on its line, as msgcat
    keeps it, while the same text without a format flag may break inside it."""
    catalog = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    tail = "%-formatting, %(name)-12s and 100%% of %s, %1$*2$d or %-10lu bytes, 100% %d sure, and more."
    for pad in range(40):
        for flag in ("python-format", "c-format", "no-python-format"):
            text = f"{'x' * pad} The logging package uses {tail} [{flag}]"
            catalog.messages.append(Message(text, [text], flags=[flag], translator_comments=[f"n{pad}  "]))
    source = tmp_path / "in.po"
    source.write_text(format_po(catalog), encoding="utf-8")
    assert _msgcat(source) == source.read_text(encoding="utf-8")
    assert '%-"\n"formatting' in source.read_text(encoding="utf-8")  # no flag: UAX #14 alone decides


@pytest.mark.gettext
def test_no_wrap_and_escapes_at_every_column_are_laid_out_as_msgcat_does(tmp_path: Path) -> None:
    """A no-wrap entry breaks only after its own newlines; a tab or quote escape near the end of
    a line breaks where msgcat breaks it, at every column."""
    catalog = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    for pad in range(30):
        for flags, middle in ((["no-wrap"], "x"), ([], "a/b    \t w"), ([], 'say "hi" \\ \t\tend')):
            text = f"{'w' * pad} the quick brown fox jumps over {middle} the lazy dog and runs away, twice"
            text += "\nand a second line that is long enough to be wrapped by any other tool as well."
            catalog.messages.append(Message(text, [text], flags=list(flags)))
    source = tmp_path / "in.po"
    source.write_text(format_po(catalog), encoding="utf-8")
    assert _msgcat(source) == source.read_text(encoding="utf-8")


_PIECES = [
    "alpha",
    "%s",
    "%(n)d",
    "x-y",
    "a/b",
    "é",
    "日本",
    "\\",
    '"',
    "\t",
    "  ",
    "%-f",
    "{x}",
    "long" * 5,
    "100%",
]
_FLAGS = ["fuzzy", "c-format", "python-format", "no-wrap", "python-brace-format", "range: 1..5"]


def _random_catalog(rng: random.Random) -> Catalog:
    def text(low: int, high: int) -> str:
        words = (
            rng.choice(_PIECES) if rng.random() < 0.4 else "w" * rng.randint(1, 10) for _ in range(low, high)
        )
        value = " ".join(words)
        value = value.replace(" ", "\n", 1) if rng.random() < 0.2 else value
        return value + "\n" if rng.random() < 0.1 else value

    catalog = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    seen: set[str] = set()
    for _ in range(300):
        msgid = text(0, rng.randint(1, 30))
        if msgid in seen or not msgid:
            continue
        seen.add(msgid)
        message = Message(msgid, [text(0, rng.randint(0, 25))], flags=rng.sample(_FLAGS, rng.randint(0, 3)))
        if not message.msgstr[0]:
            message.fuzzy = False
        if rng.random() < 0.2:
            message.msgctxt = text(0, 3)
        if rng.random() < 0.2:
            message.previous_msgid = text(0, 20)
        if rng.random() < 0.3:
            message.translator_comments = [text(0, 8).replace("\n", " ").rstrip("\\")]
        if rng.random() < 0.3:
            message.references = [f"src/f{rng.randint(1, 999)}.py:{rng.randint(1, 9999)}" for _ in range(8)]
        if rng.random() < 0.1 and message.msgstr[0]:
            message.obsolete = True
            catalog.obsolete.append(message)
        else:
            catalog.messages.append(message)
    return catalog


@pytest.mark.gettext
@pytest.mark.parametrize("seed", range(1, 13))
def test_random_catalog_is_laid_out_as_msgcat_does(tmp_path: Path, seed: int) -> None:
    """Directives, escapes, no-wrap, contexts, previous msgids and obsolete entries mixed at random:
    msgcat rewrites what we write unchanged."""
    source = tmp_path / "in.po"
    source.write_text(format_po(_random_catalog(random.Random(seed))), encoding="utf-8")
    assert _msgcat(source) == source.read_text(encoding="utf-8")


def test_comment_text_is_kept_as_written() -> None:
    """Trailing spaces, tabs and extra leading spaces of comments survive a round trip."""
    text = '#  two  \n#\ttab\n#   \n#.  extracted  \n#: a.c:1\nmsgid "a"\nmsgstr "b"\n'
    message = parse_po(text).messages[0]
    assert message.translator_comments == [" two  ", "\ttab", "  "]
    assert message.extracted_comments == [" extracted  "]
    assert format_po(parse_po(text)) == text.replace("#\ttab", "# \ttab")


@pytest.mark.parametrize("name", ["old.po", "new.pot"])
def test_corpus_round_trip_is_byte_identical(name: str) -> None:
    """A file msgcat wrote (an excerpt of a real catalog, 300 messages) comes back byte for byte."""
    path = CORPUS / name
    assert format_po(read_po(path)) == path.read_text(encoding="utf-8")


@pytest.mark.gettext
@pytest.mark.parametrize("width", ["--width=60", "--no-wrap"])
def test_rewrapped_file_reads_the_same(tmp_path: Path, width: str) -> None:
    """A file re-wrapped by another tool parses to the same messages and is written back identically."""
    source = tmp_path / "in.po"
    source.write_text(MULTILINGUAL, encoding="utf-8")
    msgcat = shutil.which("msgcat")
    assert msgcat is not None
    other = tmp_path / "other.po"
    subprocess.run([msgcat, width, str(source), "-o", str(other)], check=True)
    assert other.read_text(encoding="utf-8") != MULTILINGUAL
    assert format_po(read_po(other)) == format_po(parse_po(MULTILINGUAL))


def _libunistring() -> ctypes.CDLL:
    name = ctypes.util.find_library("unistring")
    assert name is not None, "GNU libunistring is required to cross-check line breaking"
    lib = ctypes.CDLL(name)
    lib.u8_possible_linebreaks.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_char_p]
    lib.u8_width_linebreaks.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
    ]
    return lib


_POOL = (
    list("    aaaaeeeiioou1.,:;-/()[]{}\"'\\!?%$#@_`|+*")
    + list("éàç«»\u00a0\u202f’—–жыйالعربية")
    + list("日本語のテキスト。、「」（）ー々〜")
    + ["\u0301", "\u200b", "\u200d", "\U0001f1eb", "\U0001f600", "\u2028", "\u05d0", "\u0e01", "\uac00"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_POOL), min_size=1, max_size=160), st.integers(4, 77), st.integers(0, 14))
def test_line_breaking_matches_libunistring(chars: list[str], width: int, startcol: int) -> None:
    """Break opportunities and line filling agree with libunistring, which msgcat uses."""
    text = "".join(chars)
    lib = _libunistring()
    data = text.encode("utf-8")
    offsets, position = [], 0
    for ch in text:
        offsets.append(position)
        position += len(ch.encode("utf-8"))
    marks = ctypes.create_string_buffer(len(data))
    lib.u8_possible_linebreaks(data, len(data), b"UTF-8", marks)
    expected = [{1: 0, 2: 1, 3: 2}[marks.raw[o]] for o in offsets]
    assert break_opportunities(text) == expected
    lib.u8_width_linebreaks(data, len(data), width, startcol, 0, None, b"UTF-8", marks)
    cuts = [i for i, o in enumerate(offsets) if i and marks.raw[o] == 2]
    lines = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert fill_lines(text, width, startcol) == lines


@pytest.mark.gettext
@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(_POOL), min_size=1, max_size=90).map("".join),
            st.lists(st.sampled_from(_POOL), max_size=90).map("".join),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda entry: entry[0],
    )
)
# Short enough to fit by their length, too wide by their columns; narrow, with zero-width marks.
@example([("日本語のテキスト" * 8, "日本語" * 21), ("\U0001f600" * 40, "e\u0301" * 36)])
@example([("\u200b" * 60 + "a" * 20, 'x"' * 34)])
def test_format_is_what_msgcat_writes_for_any_text(entries: list[tuple[str, str]]) -> None:
    """Strings around the page width, of narrow, wide, zero-width and escaped characters: our
    layout is msgcat's, on one line or wrapped."""
    header = Message("", msgstr=["Content-Type: text/plain; charset=UTF-8\n"])
    catalog = Catalog(header=header, messages=[Message(msgid, msgstr=[msgstr]) for msgid, msgstr in entries])
    ours = format_po(catalog)
    msgcat = shutil.which("msgcat")
    assert msgcat is not None, "GNU gettext (msgcat) is required for this test"
    theirs = subprocess.run([msgcat, "-"], input=ours, check=True, capture_output=True, text=True).stdout
    assert ours == theirs


_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\0"), max_size=200)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT, st.booleans()), max_size=8, unique_by=lambda t: t[0]))
def test_write_read_round_trip(entries: list[tuple[str, str, bool]]) -> None:
    """Whatever we write reads back as the same messages."""
    catalog = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    for msgid, msgstr, fuzzy in entries:
        if msgid:
            catalog.messages.append(Message(msgid, [msgstr], flags=["fuzzy"] if fuzzy and msgstr else []))
    text = format_po(catalog)
    again = parse_po(text)
    assert [(m.msgid, m.msgstr, m.fuzzy) for m in again] == [(m.msgid, m.msgstr, m.fuzzy) for m in catalog]
    assert format_po(again) == text


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('msgid "a"\nmsgstr "b\n', 2, "unterminated string"),
        ('msgid "a"\n', 1, "missing msgstr"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message definition"),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', 1, "not numbered"),
        ('msgid "a"\nmsgstr "b" junk\n', 2, "string"),
        ('msgid "a\\q"\nmsgstr ""\n', 1, "invalid escape"),
    ],
)
def test_reader_rejects_broken_files_at_their_line(text: str, line: int, reason: str) -> None:
    """Errors name the file and the 1-based line to fix."""
    with pytest.raises(CatalogError) as info:
        parse_po(text, "locales/de/LC_MESSAGES/x.po")
    assert info.value.line == line
    assert reason in info.value.message
    assert str(info.value).startswith(f"locales/de/LC_MESSAGES/x.po:{line}: ")


def test_reader_keeps_previous_msgid_and_obsolete_entries() -> None:
    """``#|`` fields and ``#~`` entries are read, not dropped."""
    text = (
        '#, fuzzy\n#| msgid "old text"\nmsgid "new text"\nmsgstr "alter Text"\n\n'
        '#~ msgid "gone"\n#~ msgstr "weg"\n'
    )
    catalog = parse_po(text)
    (message,) = catalog.messages
    assert (message.previous_msgid, message.fuzzy, message.lineno) == ("old text", True, 3)
    assert [(m.msgid, m.msgstr) for m in catalog.obsolete] == [("gone", ["weg"])]
    assert format_po(catalog) == text


def test_write_atomic_leaves_unchanged_files_alone(tmp_path: Path) -> None:
    """Same bytes: no write; new bytes: replaced through a temporary file, nothing left behind."""
    target = tmp_path / "de" / "x.po"
    assert write_atomic(target, b"one\n") is True
    assert write_atomic(target, b"one\n") is False
    assert save_po(target, parse_po('msgid "a"\nmsgstr "b"\n')) is True
    assert target.read_text() == 'msgid "a"\nmsgstr "b"\n'
    assert [p.name for p in target.parent.iterdir()] == ["x.po"]


def test_layouts_other_tools_write_read_the_same() -> None:
    """Indented or unusually spaced entries (read line by line) give what the GNU layout gives."""
    plain = parse_po(MULTILINGUAL)
    odd = parse_po(MULTILINGUAL.replace('\nmsgid "', '\n  msgid   "').replace("\nmsgstr ", "\nmsgstr\t"))
    fields = [
        (m.msgid, m.msgstr, m.msgid_plural, m.flags, m.references, m.extracted_comments, m.lineno)
        for m in [plain.header, *plain.messages, *plain.obsolete]
    ]
    assert fields == [
        (m.msgid, m.msgstr, m.msgid_plural, m.flags, m.references, m.extracted_comments, m.lineno)
        for m in [odd.header, *odd.messages, *odd.obsolete]
    ]
    assert [m.lineno for m in plain.messages] == [15, 18, 21, 24, 27]


def test_word_character_ranges_come_out_of_the_class_table_as_from_each_code_point() -> None:
    """The wrapper's fast path knows which characters never break from the class table's
    ranges; that is the set a test of every code point gives."""
    from lingopress import linebreak

    assert linebreak._inert_ranges(0x3000) == linebreak._char_ranges(linebreak._inert, 0x3000)


@pytest.mark.parametrize("width", [79, 30])
def test_control_characters_are_written_as_escapes_and_read_back(width: int) -> None:
    """Every C0 control character and DEL is written as an escape, never as a raw byte, at any
    wrapping width, so a catalog the project writes can always be read again."""
    controls = "".join(map(chr, range(32))) + "\x7f"
    text = "lead " + " word".join(controls) + " \x02wzxhzdk:0\x03 end " * 3
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    source = parse_po(header + 'msgid "a"\nmsgstr "x"\n')
    source.messages[-1].msgstr[0] = text
    written = format_po(source, width)
    assert all(ch not in written for ch in controls if ch != "\n")
    assert "\\000" in written and "\\002" in written and "\\177" in written
    assert parse_po(written).messages[-1].msgstr[0] == text
