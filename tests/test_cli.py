"""The command line (``lingopress``, and the invoke tasks that call it): exit codes, usage errors,
locale names, and what import tells the translator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lingopress.catalogs import update_project
from lingopress.cli import COMMANDS, main
from lingopress.config import Config
from lingopress.extract import extract_project, write_pots
from lingopress.pofile import read_po

LINGOPRESS = Path(sys.executable).parent / "lingopress"
HEADER = """\
msgid ""
msgstr ""
"Language: {language}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""


def _run(project: Path, *args: str, tool: str = "lingopress") -> subprocess.CompletedProcess[str]:
    command = [str(LINGOPRESS)] if tool == "lingopress" else [sys.executable, "-m", "invoke"]
    result = subprocess.run(
        [*command, *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"},
        check=False,
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


@pytest.fixture
def updated(project: Config) -> Config:
    write_pots(project, extract_project(project).catalogs)
    update_project(project, list(project.locales))
    return project


def _write(path: Path, body: str, language: str = "de") -> Path:
    path.write_text(HEADER.format(language=language) + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["build", "--jobs", "abc"], "argument --jobs: 'abc' is not a whole number"),
        (["build", "--jobs", "-3"], "argument --jobs: '-3': give 1 or more"),
        (["build", "--jobs", "0"], "argument --jobs: '0': give 1 or more"),
        (["serve", "--port", "notaport"], "argument --port: 'notaport' is not a port number"),
        (["serve", "--port", "70000"], "argument --port: '70000': a port is from 0"),
        (["check", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
        (["check", "--locale", ","], "argument --locale: name at least one locale"),
        (["import"], "name at least one PO file"),
        (["import", ""], "argument FILE: an empty file name"),
        (["import", "--file", " "], "argument --file: an empty file name"),
        (["publish"], "argument COMMAND: invalid choice: 'publish'"),
        ([], "the following arguments are required: COMMAND"),
        (["build", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    ],
)
def test_a_bad_command_line_is_a_usage_error(
    args: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A flag or value that cannot be understood gives the usage and one error line, exit 2."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: lingopress")
    assert error in err.splitlines()[-1]


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    """``lingopress COMMAND --help`` describes each of the eight commands and exits 0."""
    for command in COMMANDS:
        assert main([command, "--help"]) == 0
        assert f"usage: lingopress {command}" in capsys.readouterr().out


def test_console_script_runs_the_pipeline(project_dir: Path) -> None:
    """``lingopress`` works without invoke: extract, update, a BCP 47 locale name, a failing check."""
    assert _run(project_dir, "extract").returncode == 0
    assert _run(project_dir, "update", "--locale", "DE,ja").returncode == 0
    assert (project_dir / "locales" / "de" / "LC_MESSAGES" / "sample.po").is_file()
    assert not (project_dir / "locales" / "tr").exists()
    check = _run(project_dir, "check", "--locale", "de")
    assert check.returncode == 1 and "locales/de/LC_MESSAGES/sample.po:" in check.stdout
    elsewhere = _run(project_dir.parent, "-C", str(project_dir), "stats", "--locale", "de")
    assert elsewhere.returncode == 0 and elsewhere.stdout.startswith("locale")
    unknown = _run(project_dir, "stats", "--locale", "pl")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == (
        "pyproject.toml: locale 'pl' is not configured (configured: de, tr, ar, ja);"
        " add it under [tool.lingopress.locales]"
    )
    nowhere = _run(project_dir.parent, "build")
    assert nowhere.returncode == 1 and "no pyproject.toml here" in nowhere.stderr


def test_a_project_without_target_locales_fails_check_and_build(project_dir: Path) -> None:
    """With ``[tool.lingopress.locales]`` gone, check and build exit 1 naming pyproject.toml,
    instead of passing on an empty table or building the source language alone."""
    pyproject = project_dir / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    pyproject.write_text(text[: text.index("[tool.lingopress.locales]")], "utf-8")
    for command in ("check", "build"):
        result = _run(project_dir, command)
        assert result.returncode == 1, result.stdout
        assert result.stderr.startswith("pyproject.toml: no target locales: add them under [tool.lingopress")
    assert not (project_dir / "build" / "index.html").exists()


def test_import_takes_several_files_and_a_bcp47_locale(updated: Config, tmp_path: Path) -> None:
    """``lingopress import a.po b.po --locale sr-Latn``-style calls: several files, a tag for the locale."""
    sample = _write(tmp_path / "sample.po", '\nmsgid "Sample Treatment"\nmsgstr "Beispielbehandlung"\n', "")
    site = _write(tmp_path / "site.po", "", "")
    result = _run(updated.root, "import", str(sample), str(site), "--locale", "De")
    assert result.returncode == 0, result.stderr
    assert f"{sample} -> locales/de/LC_MESSAGES/sample.po: 1 updated" in result.stdout
    assert f"{site} -> locales/de/LC_MESSAGES/site.po: 0 updated" in result.stdout
    assert read_po(updated.po_path("de", "sample")).messages[0].msgstr == ["Beispielbehandlung"]


def test_import_names_what_it_did_not_take(updated: Config, tmp_path: Path) -> None:
    """Fuzzy entries not taken and entries left empty are listed at file:line; obsolete (#~)
    entries of the translator's file are passed over without a word, every time."""
    first = _write(tmp_path / "sample.po", '\nmsgid "Sample Treatment"\nmsgstr "Beispielbehandlung"\n')
    assert _run(updated.root, "import", str(first)).returncode == 0
    body = """
#, fuzzy
msgid "Sample Treatment"
msgstr "Musterbehandlung"

msgid "Costs and *results*"
msgstr ""

#~ msgid "A paragraph removed long ago"
#~ msgstr "Ein längst entfernter Absatz"

#~ msgid "Criterion"
#~ msgstr "Kriterium"
"""
    (tmp_path / "again").mkdir()
    again = _write(tmp_path / "again" / "sample.po", body)
    for _ in range(2):
        result = _run(updated.root, "import", str(again))
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[:2] == [
            f"1 fuzzy entry not imported (review them and remove the flag): {again}:10",
            f"1 entry left untranslated: {again}:13",
        ]
        assert "no longer exists" not in result.stdout and "Kriterium" not in result.stdout
    entries = {m.msgid: m for m in read_po(updated.po_path("de", "sample"))}
    assert entries["Sample Treatment"].msgstr == ["Beispielbehandlung"]
    assert entries["Criterion"].msgstr == [""]


def test_invoke_tasks_pass_their_flags_through(updated: Config, tmp_path: Path) -> None:
    """The invoke tasks are the same commands: ``--file``, comma-separated files, the same usage
    errors (exit 2) where invoke's own parser would raise, and a -k expression kept whole."""
    sample = _write(tmp_path / "sample.po", '\nmsgid "Sample Treatment"\nmsgstr "Beispielbehandlung"\n')
    site = _write(tmp_path / "site.po", "")
    by_flag = _run(updated.root, "import", "--file", str(sample), tool="invoke")
    assert by_flag.returncode == 0 and "sample.po: 1 updated" in by_flag.stdout, by_flag.stderr
    both = _run(updated.root, "import", f"{sample},{site}", "--dry-run", tool="invoke")
    assert both.returncode == 0 and both.stdout.count(" -> locales/de/LC_MESSAGES/") == 2
    jobs = _run(updated.root, "build", "--jobs", "abc", tool="invoke")
    assert jobs.returncode == 2
    assert jobs.stderr.splitlines()[-1] == (
        "invoke build: error: argument --jobs: 'abc' is not a whole number"
    )
    port = _run(updated.root, "serve", "--port", "notaport", tool="invoke")
    assert port.returncode == 2 and "'notaport' is not a port number" in port.stderr
    dry = _run(updated.root, "--dry", "test", "-k", "not browser", tool="invoke")
    assert dry.returncode == 0
    assert "-m pytest -q -k 'not browser'\x1b" in dry.stdout  # echoed in bold
