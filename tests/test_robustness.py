"""Bad input through the real tasks: exit 1, ``path:line:`` a translator can act on, no
traceback, and locales/ byte for byte as it was."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import make_project
from lingopress.errors import CatalogError
from lingopress.locales import locale_info
from lingopress.pofile import Catalog, Message, format_po, parse_po, read_po, save_po
from lingopress.validate import validate_catalog

SITE_PO = "locales/de/LC_MESSAGES/site.po"


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"},
    )


def _snapshot(project: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(project)): p.read_bytes() for p in (project / "locales").rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def clean_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with POTs and PO files, German translated in full (identity), so that
    ``check --locale de`` passes until a test breaks something."""
    project = make_project(tmp_path_factory.mktemp("robust") / "project")
    for task in (("extract",), ("update",)):
        assert invoke(project, *task).returncode == 0
    for domain in ("sample", "site"):
        path = project / "locales" / "de" / "LC_MESSAGES" / f"{domain}.po"
        catalog = read_po(path)
        for message in catalog.messages:
            if message.msgid_plural is not None:
                message.msgstr = [message.msgid, message.msgid_plural]
            else:
                message.msgstr = [message.msgid]
        save_po(path, catalog)
    result = invoke(project, "check", "--locale", "de")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture
def project(clean_project: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(clean_project, target, symlinks=True)
    return target


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# Each case edits de/site.po and returns the line an error must point at.
def _unterminated(text: str) -> tuple[str, int]:
    needle = 'msgstr "Skip to main content"'
    return text.replace(needle, needle[:-1]), _line_of(text, needle)


def _nul(text: str) -> tuple[str, int]:
    needle = 'msgstr "All languages"'
    return text.replace(needle, 'msgstr "All\0 languages"'), _line_of(text, needle)


def _duplicate(text: str) -> tuple[str, int]:
    extra = '\nmsgid "All languages"\nmsgstr "Alle Sprachen"\n'
    return text + extra, text.count("\n") + 2


def _stray(text: str) -> tuple[str, int]:
    needle = 'msgid "Translation status"'
    return text.replace(needle, needle + "\nTranslation status"), _line_of(text, needle) + 1


def _language(value: str) -> Callable[[str], tuple[str, int]]:
    def edit(text: str) -> tuple[str, int]:
        return text.replace('"Language: de\\n"', f'"Language: {value}\\n"'), _line_of(text, 'msgid ""')

    return edit


def _no_plural_forms(text: str) -> tuple[str, int]:
    return re.sub(r'"Plural-Forms: [^"]*"\n', "", text), _line_of(text, 'msgid ""')


def _three_forms(text: str) -> tuple[str, int]:
    needle = 'msgstr[1] "{num} minutes read"'
    return text.replace(needle, needle + '\nmsgstr[2] "{num} Minuten"'), _line_of(
        text, 'msgid "{num} minute read"'
    )


SYNTAX_CASES = {
    "unterminated-string": _unterminated,
    "nul-byte": _nul,
    "duplicate": _duplicate,
    "stray-text": _stray,
}
HEADER_CASES = {
    "language-path": _language("../../x"),
    "language-other-locale": _language("fr"),
    "plural-forms-missing": _no_plural_forms,
}


def _break(project: Path, edit: Callable[[str], tuple[str, int]]) -> int:
    path = project / SITE_PO
    text, line = edit(path.read_text("utf-8"))
    path.write_bytes(text.encode("utf-8"))
    return line


def _assert_refused(project: Path, args: tuple[str, ...], located: str) -> None:
    before = _snapshot(project)
    result = invoke(project, *args)
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"{args}: exit {result.returncode}\n{output}"
    assert located in output, f"{args}: {located!r} not in\n{output}"
    assert "Traceback" not in output
    assert _snapshot(project) == before, f"{args} changed locales/"


def test_unreadable_po_stops_every_task_at_its_line(project: Path) -> None:
    """check, update, compile and build all refuse a syntactically broken PO with its path:line."""
    line = _break(project, _unterminated)
    for args in (("check", "--locale", "de"), ("update",), ("compile",), ("build", "--locale", "de")):
        _assert_refused(project, args, f"{SITE_PO}:{line}: ")


@pytest.mark.parametrize("case", sorted(SYNTAX_CASES))
def test_unreadable_po_fails_the_check_at_its_line(project: Path, case: str) -> None:
    """Each kind of syntax error reaches the CI gate as path:line (the reader is shared by all tasks)."""
    line = _break(project, SYNTAX_CASES[case])
    _assert_refused(project, ("check", "--locale", "de"), f"{SITE_PO}:{line}: ")


@pytest.mark.parametrize("case", sorted(HEADER_CASES))
def test_bad_header_fails_the_check(project: Path, case: str) -> None:
    """A header with a wrong Language or no Plural-Forms fails the gate at the header."""
    line = _break(project, HEADER_CASES[case])
    _assert_refused(project, ("check", "--locale", "de"), f"{SITE_PO}:{line}: error:")


def test_bad_header_stops_the_build(project: Path) -> None:
    """build runs the gate first: a PO whose Language is a path is refused before anything is rendered."""
    line = _break(project, _language("../../x"))
    _assert_refused(project, ("build", "--locale", "de"), f"{SITE_PO}:{line}: error:")
    assert not (project / "build" / "de").exists()


def test_wrong_number_of_plural_forms_fails_check(project: Path) -> None:
    """A plural entry with more forms than the language has is a check error at the entry."""
    line = _break(project, _three_forms)
    _assert_refused(project, ("check", "--locale", "de"), f"{SITE_PO}:{line}: error:")


def test_update_refuses_a_po_file_of_another_language(project: Path) -> None:
    """A French file dropped into de/ is not silently relabelled German by update."""
    line = _break(project, _language("fr"))
    _assert_refused(project, ("update",), f"{SITE_PO}:{line}: ")


def test_update_keeps_every_plural_form_it_cannot_place(project: Path) -> None:
    """update never silently drops a translated plural form: it keeps the file or refuses it."""
    _break(project, _three_forms)
    invoke(project, "update", "--locale", "de")
    text = (project / SITE_PO).read_text("utf-8")
    assert "{num} Minuten" in text


SOURCE_CASES = {
    "front matter is not TOML": ('title = "Sample Treatment"', 'title = "Sample Treatment', 2),
    "unknown value kind": ("{ number = 10000 }", "{ amount = 10000 }", 12),
    "bad currency code": ('currency = "EUR"', 'currency = "EURO"', 9),
    "bad date skeleton": ('skeleton = "yMMMM"', 'skeleton = "y-M-M"', 14),
    "unknown value name": ("{patients} patients", "{patientz} patients", 17),
}


@pytest.mark.parametrize("case", sorted(SOURCE_CASES))
def test_bad_article_stops_extract_and_build_at_its_line(project: Path, case: str) -> None:
    """Front matter, values and placeholders in an article are reported at source/<file>.md:line."""
    old, new, line = SOURCE_CASES[case]
    article = project / "source" / "sample.md"
    text = article.read_text("utf-8")
    assert old in text
    article.write_text(text.replace(old, new, 1), "utf-8")
    _assert_refused(project, ("extract",), f"source/sample.md:{line}: ")
    if case == "bad currency code":
        _assert_refused(project, ("build", "--force"), f"source/sample.md:{line}: ")


# --------------------------------------------------------------------------- large inputs


def _big_catalog(entries: int, msgstr: str = "Übersetzung {n}") -> Catalog:
    catalog = parse_po(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    )
    catalog.messages = [
        Message(f"Message number {i}", [msgstr.replace("{n}", str(i))], references=[f"a.md:{i}"])
        for i in range(entries)
    ]
    return catalog


def test_a_one_megabyte_msgstr_survives_write_and_read(tmp_path: Path) -> None:
    """A 1 MB translation (with escapes and long words) is written, wrapped and read back intact."""
    chunk = 'Wort "zitiert"\\Pfad\tTab ' + "x" * 200 + "\n"
    huge = (chunk * (1_000_000 // len(chunk) + 1))[:1_000_000]
    catalog = _big_catalog(1, huge)
    path = tmp_path / "huge.po"
    save_po(path, catalog)
    again = read_po(path)
    assert again.messages[0].msgstr == [huge]
    assert validate_catalog(again, locale_info("de")) == []
    assert format_po(again) == path.read_text("utf-8")


def test_a_hundred_thousand_entries_are_read_and_validated(tmp_path: Path) -> None:
    """100,000 entries are all read back; a duplicate at the very end is still caught, with both lines.

    (Speed and scaling are measured in benchmarks/bench_large_inputs.py.)"""
    header = format_po(_big_catalog(0))
    body = "".join(
        f'#: a.md:{i}\nmsgid "Message number {i}"\nmsgstr "Übersetzung {i}"\n\n' for i in range(100_000)
    )
    path = tmp_path / "many.po"
    path.write_text(header + "\n" + body, "utf-8")
    catalog = read_po(path)
    assert len(catalog) == 100_000
    assert catalog.messages[99_999].msgstr == ["Übersetzung 99999"]
    assert catalog.messages[99_999].lineno == 8 + 4 * 99_999
    assert validate_catalog(catalog, locale_info("de")) == []
    with path.open("a", encoding="utf-8") as handle:
        handle.write('msgid "Message number 5"\nmsgstr "doppelt"\n')
    with pytest.raises(CatalogError) as info:
        read_po(path, "many.po")
    first, last = 8 + 4 * 5, 7 + 4 * 100_000
    assert (
        str(info.value) == f"many.po:{last}: duplicate message definition (first defined at many.po:{first})"
    )
