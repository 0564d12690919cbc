"""lingopress tasks: thin wrappers that call the package (``invoke --list``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from invoke import Context, Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from lingopress.errors import LingopressError  # noqa: E402


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn input errors into ``path:line: message`` and exit 1, without a traceback."""
    try:
        yield
    except LingopressError as exc:
        raise Exit(f"{exc}", code=1) from None


def _config():  # type: ignore[no-untyped-def]
    from lingopress.config import load_config

    return load_config(ROOT)


def _locales(config, locale: str | None) -> list[str]:  # type: ignore[no-untyped-def]
    if locale is None:
        return list(config.locales)
    names = [name.strip() for name in locale.split(",") if name.strip()]
    for name in names:
        config.locale(name)
    return names


@task(help={"check": "write nothing; exit 1 if a committed POT is out of date (for CI)"})
def extract(c: Context, check: bool = False) -> None:
    """Extract messages from the articles and templates into locales/*.pot."""
    from lingopress.extract import extract_project, stale_pots, write_pots

    with _user_errors():
        config = _config()
        extraction = extract_project(config)
        if check:
            stale = stale_pots(config, extraction.catalogs)
            for path in stale:
                print(f"{config.relative(path)}:1: error: template is out of date [stale-pot]")
            if stale:
                raise Exit("POT files are stale: run 'invoke extract' and commit the result", code=1)
            print(f"{len(extraction.catalogs)} templates up to date")
            return
        written = write_pots(config, extraction.catalogs)
        total = sum(len(c) for c in extraction.catalogs.values())
        print(f"{total} messages in {len(extraction.catalogs)} templates; {len(written)} written")
        for path in written:
            print(f"  {config.relative(path)}")


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
    from lingopress.catalogs import update_project

    with _user_errors():
        config = _config()
        report = update_project(
            config, _locales(config, locale), fuzzy_matching=not no_fuzzy, purge_obsolete=purge_obsolete
        )
        for path, s in report.files.items():
            if s.new or s.fuzzy or s.obsoleted or s.revived or path in report.created:
                state = "created" if path in report.created else "updated"
                print(
                    f"{path}: {state}: {s.kept} kept, {s.fuzzy} fuzzy, {s.new} new,"
                    f" {s.revived} revived, {s.obsoleted} obsolete"
                )
        print(f"{len(report.written)} of {len(report.files)} PO files written")


@task(
    name="import",
    iterable=["file"],
    help={
        "files": "the translator's PO file; several: comma-separated (FILE,FILE...) or more --file",
        "file": "one more PO file to import (repeatable)",
        "locale": "the locale of the files (default: each file's Language header)",
        "dry_run": "write nothing; show what would change",
    },
)
def import_(
    c: Context, files: str, file: list[str] | None = None, locale: str | None = None, dry_run: bool = False
) -> None:
    """Merge PO files sent back by translators into locales/, entry by entry, validated."""
    from lingopress.imports import import_files

    paths = [Path(name) for name in [*files.split(","), *(file or [])] if name.strip()]
    with _user_errors():
        config = _config()
        report = import_files(config, [p.resolve() for p in paths], locale=locale, dry_run=dry_run)
        would = "would be " if dry_run else ""
        for f in report.files:
            for rejection in f.rejected:
                print(f"{rejection}")
            for line, msgid, target in f.stale:
                where = f"kept as a fuzzy suggestion for {target[:60]!r}" if target else "not kept"
                print(f"{f.path}:{line}: msgid no longer exists ({msgid[:60]!r}): {where}")
            if dry_run:
                for line, msgid in f.updated:
                    print(f"{f.path}:{line}: would update {msgid[:70]!r}")
            into = f" -> {f.target}" if f.target else ""
            print(
                f"{f.path}{into}: {len(f.updated)} updated, {f.unchanged} unchanged,"
                f" {len(f.rejected)} rejected, {len(f.stale)} stale"
            )
        for path in report.written:
            print(f"{path} {would}written")
        if report.rejected:
            raise Exit(f"rejected: {report.rejected}; those entries of the project are as they were", code=1)


@task(help={"locale": "only this locale (or a comma-separated list)"})
def compile(c: Context, locale: str | None = None) -> None:
    """Compile the PO files to MO files under build/locale/."""
    from lingopress.catalogs import compile_project

    with _user_errors():
        config = _config()
        written = compile_project(config, _locales(config, locale))
        print(f"{len(written)} MO files written")


@task(
    help={
        "locale": "render only this locale (plus the source), e.g. to shard a large site",
        "force": "build even if a required locale fails the check",
    }
)
def build(c: Context, locale: str | None = None, force: bool = False) -> None:
    """Compile catalogs and render the localized site into build/."""
    from lingopress.build import build_site
    from lingopress.gate import check_project

    with _user_errors():
        start = time.perf_counter()
        config = _config()
        only = _locales(config, locale) if locale else None
        if not force:
            result = check_project(config, only)
            required = {n for n, lc in config.locales.items() if lc.status == "required"}
            blocking = [d for d in result.errors if d.locale is None or d.locale in required]
            if blocking:
                for d in blocking[:20]:
                    print(d)
                more = len(blocking) - 20
                if more > 0:
                    print(f"... and {more} more (see 'invoke check')")
                raise Exit(
                    "build stopped: required locales fail the check (use --force to build anyway)", code=1
                )
        report = build_site(config, only)
        elapsed = time.perf_counter() - start
        for name, why in report.skipped_locales.items():
            print(f"not published: {name} ({why})")
        print(f"{report.pages} pages, {len(report.written)} files written in {elapsed:.2f} s")


@task(
    help={
        "format": "text (default), json or github (workflow annotations)",
        "strict": "fail on warnings too",
        "locale": "only this locale (or a comma-separated list)",
    }
)
def check(c: Context, format: str = "text", strict: bool = False, locale: str | None = None) -> None:
    """The CI gate: fail when a required locale is incomplete or any translation is broken."""
    from lingopress.gate import check_project
    from lingopress.report import (
        diagnostics_github,
        diagnostics_json,
        diagnostics_text,
        stats_table,
    )

    if format not in ("text", "json", "github"):
        raise Exit("--format must be text, json or github", code=2)
    with _user_errors():
        config = _config()
        result = check_project(config, _locales(config, locale) if locale else None)
        passed = result.passed(strict)
        if format == "json":
            print(diagnostics_json(result.diagnostics, result.stats, passed))
        elif format == "github":
            output = diagnostics_github(result.diagnostics)
            if output:
                print(output)
        else:
            statuses = {n: lc.status for n, lc in config.locales.items()}
            print(stats_table(result.stats, statuses))
            if result.diagnostics:
                print()
                print(diagnostics_text(result.diagnostics))
            print()
            print(f"{len(result.errors)} errors, {len(result.warnings)} warnings")
        if not passed:
            raise Exit(code=1)


@task
def stats(c: Context) -> None:
    """Show translated, fuzzy and untranslated messages and words per locale."""
    from lingopress.gate import check_project
    from lingopress.report import stats_table

    with _user_errors():
        config = _config()
        result = check_project(config)
        print(stats_table(result.stats, {n: lc.status for n, lc in config.locales.items()}))


@task(help={"port": "port to listen on (default 8000)", "bind": "address to bind (default 127.0.0.1)"})
def serve(c: Context, port: int = 8000, bind: str = "127.0.0.1") -> None:
    """Serve build/ on http://127.0.0.1:8000/ for preview."""
    import functools
    import http.server

    handler: Callable[..., http.server.SimpleHTTPRequestHandler] = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(ROOT / "build")
    )
    with http.server.ThreadingHTTPServer((bind, port), handler) as server:
        print(f"serving build/ on http://{bind}:{port}/ (Ctrl+C to stop)")
        with suppress(KeyboardInterrupt):
            server.serve_forever()


@task(help={"k": "only tests matching this expression", "x": "stop at the first failure"})
def test(c: Context, k: str | None = None, x: bool = False) -> None:
    """Run the test suite."""
    args = ["-q"] + (["-k", k] if k else []) + (["-x"] if x else [])
    c.run(f"{sys.executable} -m pytest {' '.join(args)}", pty=False)


@task
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy --strict over src/."""
    c.run(f"{sys.executable} -m ruff check src tests tasks.py")
    c.run(f"{sys.executable} -m ruff format --check src tests tasks.py")
    c.run(f"{sys.executable} -m mypy")
