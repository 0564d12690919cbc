"""lingopress tasks (``invoke --list``): each one a call of the ``lingopress`` command line.

The package is installed (``pip install -e ".[dev]"``); each task passes its flags to
:func:`lingopress.cli.main`, which checks them, runs the command and prints its report, and
exits with its status: 0 done, 1 a problem in the project or a failed check, 2 a usage error.
Flags whose values the command checks (``--jobs``, ``--port``) are taken here as text, so that
a bad value gets the command's one-line usage error rather than invoke's parser's traceback.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import Context, Exit, task

ROOT = Path(__file__).resolve().parent
# Invoke turns off writing .pyc files for the whole process (its --write-pyc flag); with an
# editable install, the package would then be compiled again at every run (about 100 ms).
# Python's own setting (-B, PYTHONDONTWRITEBYTECODE) is kept.
sys.dont_write_bytecode = bool(sys.flags.dont_write_bytecode)


def _lingopress(command: str, *args: str | None, **flags: str | bool | None) -> None:
    """``lingopress -C ROOT command args... --flag value...``; exit with its status unless 0."""
    from lingopress.cli import main

    argv = ["-C", str(ROOT), command, *(a for a in args if a is not None)]
    for name, value in flags.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif isinstance(value, str):
            argv += [flag, value]
    status = main(argv, prog="invoke")
    if status:
        raise Exit(code=status)


@task(help={"check": "write nothing; exit 1 if a committed POT is out of date (for CI)"})
def extract(c: Context, check: bool = False) -> None:
    """Extract messages from the articles and templates into locales/*.pot."""
    _lingopress("extract", check=check)


@task(
    help={
        "locale": "only this locale (or a comma-separated list); a configured locale without PO files"
        " is created",
        "no_fuzzy": "do not match changed messages fuzzily (like msgmerge --no-fuzzy-matching)",
        "purge_obsolete": "drop obsolete (#~) entries instead of keeping them",
    }
)
def update(
    c: Context, locale: str | None = None, no_fuzzy: bool = False, purge_obsolete: bool = False
) -> None:
    """Merge the POT templates into every locale's PO files (fuzzy matching, obsolete entries kept)."""
    _lingopress("update", locale=locale, no_fuzzy=no_fuzzy, purge_obsolete=purge_obsolete)


@task(
    name="import",
    positional=["file"],
    help={
        "file": "the translator's PO file (FILE or --file FILE); several: FILE,FILE,...",
        "locale": "the locale of the files (default: each file's Language header)",
        "dry_run": "write nothing; show what would change",
    },
)
def import_(c: Context, file: str, locale: str | None = None, dry_run: bool = False) -> None:
    """Merge PO files sent back by translators into locales/, entry by entry, validated."""
    # Invoke takes one value for a positional argument: several files are comma-separated.
    files = [name.strip() for name in file.split(",") if name.strip()]
    _lingopress("import", *files, locale=locale, dry_run=dry_run)


@task(help={"locale": "only this locale (or a comma-separated list)"})
def compile(c: Context, locale: str | None = None) -> None:
    """Compile the PO files to MO files under build/locale/."""
    _lingopress("compile", locale=locale)


@task(
    help={
        "locale": "build only this locale (or a comma-separated list) besides the source, e.g. one CI shard",
        "force": "build even if a required locale fails the check",
        "pseudo": "also render the pseudo-locales en-XA and ar-XB (accented, expanded, bracketed text)",
        "jobs": "worker processes (default: one per core)",
    }
)
def build(
    c: Context, locale: str | None = None, force: bool = False, pseudo: bool = False, jobs: str = ""
) -> None:
    """Compile catalogs and render the localized site into build/ (incremental, on all cores)."""
    _lingopress("build", locale=locale, force=force, pseudo=pseudo, jobs=jobs or None)


@task(
    help={
        "format": "text (default), json (schema in docs/check-json.md) or github (workflow annotations)",
        "strict": "fail on warnings too",
        "locale": "only this locale (or a comma-separated list)",
        "site": "check the built site in build/ instead: links, assets, hreflang, lang/dir, headings",
    }
)
def check(
    c: Context, format: str = "text", strict: bool = False, locale: str | None = None, site: bool = False
) -> None:
    """The CI gate: fail when a required locale is incomplete or any translation is broken."""
    _lingopress("check", format=format, strict=strict, locale=locale, site=site)


@task(help={"locale": "only this locale (or a comma-separated list)"})
def stats(c: Context, locale: str | None = None) -> None:
    """Show translated, fuzzy and untranslated messages and source words per locale and domain."""
    _lingopress("stats", locale=locale)


@task(
    help={
        "port": "port to listen on (default 8000)",
        "bind": "address to bind (default 127.0.0.1)",
        "watch": "rebuild (like build --force) when source/, locales/ or pyproject.toml change",
    }
)
def serve(c: Context, port: str = "8000", bind: str = "127.0.0.1", watch: bool = False) -> None:
    """Serve build/ on http://127.0.0.1:8000/ for preview."""
    _lingopress("serve", port=port, bind=bind, watch=watch)


def _missing_test_tools() -> list[str]:
    """The Debian packages of the external tools the test suite uses that this machine lacks."""
    missing = []
    if not all(shutil.which(tool) for tool in ("msgfmt", "msgmerge", "msgcat")):
        missing.append("gettext")
    if not Path("/usr/bin/chromium").exists():
        missing.append("chromium")
    if not shutil.which("java"):
        missing.append("default-jre-headless")
    for language, package in (("ja", "fonts-noto-cjk"), ("ar", "fonts-noto-core")):
        try:
            found = subprocess.run(["fc-list", f":lang={language}"], capture_output=True, text=True).stdout
        except OSError:
            found = ""
        if not found.strip():
            missing.append(package)
    return missing


@task(
    help={
        "k": 'only tests matching this expression (e.g. "not browser"); the external tools are then'
        " not required",
        "x": "stop at the first failure",
    }
)
def test(c: Context, k: str | None = None, x: bool = False) -> None:
    """Run the test suite (needs GNU gettext, Chromium, Java and fonts: scripts/setup --test)."""
    missing = _missing_test_tools()
    if missing:
        message = (
            f"the test suite needs {', '.join(missing)}: run scripts/setup --test"
            f" (or: sudo apt-get install -y {' '.join(missing)})"
        )
        if not k:
            raise Exit(message, code=1)
        print(f"warning: {message}", file=sys.stderr)
    args = [sys.executable, "-m", "pytest", "-q", *(["-k", k] if k else []), *(["-x"] if x else [])]
    c.run(shlex.join(args), pty=False)


@task(
    help={
        "sizes": "localized pages per run, comma-separated (default 1000,10000)",
        "locales": "target locales besides the source (default 9)",
        "corpus": "the corpus folder (default ../shared/corpus)",
        "mo": "also time the MO writer on the 52k-message corpus catalog against msgfmt",
    }
)
def bench(
    c: Context, sizes: str = "1000,10000", locales: str = "9", corpus: str = "", mo: bool = False
) -> None:
    """Benchmark extract, update, compile, check and builds on generated sites (benchmarks/)."""
    args = [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--sizes", sizes, "--locales", locales]
    if corpus:
        args += ["--corpus", corpus]
    if mo:
        args.append("--mo")
    c.run(shlex.join(args), pty=False)


@task
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy --strict over src/."""
    c.run(f"{shlex.quote(sys.executable)} -m ruff check src tests tasks.py")
    c.run(f"{shlex.quote(sys.executable)} -m ruff format --check src tests tasks.py")
    c.run(f"{shlex.quote(sys.executable)} -m mypy")
