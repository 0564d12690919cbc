"""formats: printf-style directives and newlines, checked as GNU msgfmt --check checks them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lingopress.formats import FormatError, format_problems, newline_problems, parse_c, parse_python
from lingopress.gate import check_catalog
from lingopress.locales import locale_info
from lingopress.pofile import Catalog, Message, read_po

BROKEN = Path(__file__).parent / "check" / "format.po"
_MSGFMT_LINE_RE = re.compile(r"^[^:]+:(\d+): (.*)$")


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"GNU gettext ({name}) is required for this test"
    return path


def _entry_line(lines: list[int], line: int) -> int:
    """The msgid line of the entry that holds ``line`` (msgfmt points at the msgstr)."""
    return max(start for start in lines if start <= line)


@pytest.mark.gettext
def test_same_findings_as_msgfmt_check_on_broken_entries() -> None:
    """On a catalog of deliberately broken entries, the check reports each error msgfmt -c
    reports, at the same entry: c-format, python-format and newline errors in the same words,
    python-brace-format errors as placeholder errors; and no other such error."""
    run = subprocess.run(
        [_tool("msgfmt"), "--check", "-o", "/dev/null", str(BROKEN)], capture_output=True, text=True
    )
    assert run.returncode == 1
    catalog = read_po(BROKEN)
    starts = sorted(m.lineno for m in catalog.messages)
    theirs = set()
    for line in run.stderr.splitlines():
        match = _MSGFMT_LINE_RE.match(line)
        if match and not match.group(2).startswith("warning:"):
            theirs.add((_entry_line(starts, int(match.group(1))), match.group(2)))
    assert len(theirs) >= 20
    found = check_catalog(catalog, None, locale_info("de"), False, str(BROKEN)).diagnostics
    ours = {(d.line, d.message) for d in found if d.code in ("format", "newline")}
    # python-brace-format is the placeholder check's, in its own words: the same entries.
    brace = {d.line for d in found if d.code == "placeholders"}
    assert ours == {(line, message) for line, message in theirs if line not in brace}
    assert brace == {line for line, _ in theirs} - {line for line, _ in ours}
    assert len(brace) == 3


def test_fuzzy_entries_are_checked_too() -> None:
    """A broken directive in a fuzzy entry is reported, although msgfmt skips fuzzy entries."""
    message = Message("%(n)d files", ["%(m)d Dateien"], flags=["fuzzy", "python-format"])
    found = check_catalog(_catalog(message), None, locale_info("de"), False, "x.po").diagnostics
    assert [d.code for d in found] == ["format"]


def _catalog(*messages: Message) -> Catalog:
    header = (
        "Language: de\nContent-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    )
    return Catalog(header=Message("", [header]), messages=list(messages))


def test_python_directive_cut_across_a_line_is_still_checked() -> None:
    """``%-formatting`` in prose is an invalid directive in a python-format translation."""
    problems = format_problems("Uses %s-style %(x)s", "Nutzt %-Formatierung", ["python-format"])
    assert problems == []  # the msgid itself is invalid (mixes): not the translator's fault
    problems = format_problems("Uses %s", "Nutzt %-Formatierung: %s", ["python-format"])
    assert problems[0].startswith("'msgstr' is not a valid Python format string")


def test_flags_decide_which_language_is_checked() -> None:
    """c-format and python-format are checked by their own rules; no-c-format and other flags not."""
    assert format_problems("%s", "%d", ["c-format"]) != []
    assert format_problems("%s", "%d", ["no-c-format"]) == []
    assert format_problems("%s", "%d", ["fuzzy"]) == []
    assert format_problems("%lu", "%lu", ["c-format"]) == []
    assert format_problems("%(a)s", "%(a)s %(a)s", ["python-format"]) == []


def test_parsers_reject_what_gettext_rejects() -> None:
    """Unterminated directives, unknown conversions and mixed styles are errors."""
    for bad in ("%(x", "%k", "%(a)s %s", "50%"):
        with pytest.raises(FormatError):
            parse_python(bad)
    for bad in ("%k", "%1$s %s", "%2$s", "%"):
        with pytest.raises(FormatError):
            parse_c(bad)
    assert parse_c("%2$s %1$d").unnamed == ("int", "string")


def test_single_number_form_may_leave_out_arguments() -> None:
    """A plural form used for one number only may drop the number, as msgfmt allows."""
    assert format_problems("%d files", "Eine Datei", ["c-format"], "msgstr[0]", strict=False) == []
    assert format_problems("%d files", "Eine Datei", ["c-format"], "msgstr[1]") != []


def test_newline_at_either_end_must_match() -> None:
    """Leading and trailing newlines of the translation follow the source's."""
    assert newline_problems("a\n", "b\n") == []
    assert len(newline_problems("\na", "b\n")) == 2
