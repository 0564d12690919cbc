"""lingopress tasks: thin wrappers that call the package (``invoke --list``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from invoke import Context, Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
# Invoke turns off writing .pyc files for the whole process (its --write-pyc flag); with an
# editable install, the package would then be compiled again at every run (about 100 ms).
# Python's own setting (-B, PYTHONDONTWRITEBYTECODE) is kept.
sys.dont_write_bytecode = bool(sys.flags.dont_write_bytecode)

from lingopress.errors import LingopressError  # noqa: E402


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn input errors into ``path:line: message`` and exit 1, without a traceback."""
    try:
        yield
    except LingopressError as exc:
        raise Exit(f"{exc}", code=1) from None


def _config():  # type: ignore[no-untyped-def]
    from lingopress import set_up_process
    from lingopress.config import load_config

    set_up_process()  # the task's modules are imported by now
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
    from lingopress.extract import pot_plan, stale_pots, write_pots

    with _user_errors():
        config = _config()
        planned = pot_plan(config, remember=not check)  # a check writes nothing, not even the cache
        if check:
            stale = stale_pots(config, planned)
            for path in stale:
                print(f"{config.relative(path)}:1: error: template is out of date [stale-pot]")
            if stale:
                raise Exit("POT files are stale: run 'invoke extract' and commit the result", code=1)
            print(f"{len(planned)} templates up to date")
            return
        written = write_pots(config, planned)
        print(f"{len(planned)} templates; {len(written)} written")
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
        "locale": "build only this locale (or a comma-separated list) besides the source, e.g. one CI shard",
        "force": "build even if a required locale fails the check",
        "pseudo": "also render the pseudo-locales en-XA and ar-XB (accented, expanded, bracketed text)",
        "jobs": "worker processes (default: one per core)",
    }
)
def build(
    c: Context, locale: str | None = None, force: bool = False, pseudo: bool = False, jobs: int = 0
) -> None:
    """Compile catalogs and render the localized site into build/ (incremental, on all cores)."""
    from lingopress.build import build_site

    with _user_errors():
        start = time.perf_counter()
        config = _config()
        only = _locales(config, locale) if locale else None
        report = build_site(
            config, only, pseudo=pseudo, gate=not force, jobs=jobs or None, progress=sys.stderr
        )
        if report.blocking:
            for d in report.blocking[:20]:
                print(d)
            more = len(report.blocking) - 20
            if more > 0:
                print(f"... and {more} more (see 'invoke check')")
            raise Exit("build stopped: required locales fail the check (use --force to build anyway)", code=1)
        elapsed = time.perf_counter() - start
        for name, why in report.skipped_locales.items():
            print(f"not published: {name} ({why})")
        print(
            f"{report.pages} pages ({report.rendered} rendered), {len(report.written)} files written,"
            f" {len(report.removed)} removed in {elapsed:.2f} s"
        )


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
    from lingopress.gate import check_project
    from lingopress.report import check_json, check_text, diagnostics_github

    if format not in ("text", "json", "github"):
        raise Exit("--format must be text, json or github", code=2)
    if site:
        _check_site(format)
        return
    with _user_errors():
        config = _config()
        result = check_project(config, _locales(config, locale) if locale else None)
        if format == "json":
            print(check_json(result, strict))
        elif format == "github":
            output = diagnostics_github(result.diagnostics)
            if output:
                print(output)
        else:
            print(check_text(result, strict))
        if not result.passed(strict):
            raise Exit(code=1)


@task(help={"locale": "only this locale (or a comma-separated list)"})
def stats(c: Context, locale: str | None = None) -> None:
    """Show translated, fuzzy and untranslated messages and source words per locale and domain."""
    from lingopress.gate import project_stats
    from lingopress.report import stats_table

    with _user_errors():
        config = _config()
        result = project_stats(config, _locales(config, locale) if locale else None)
        print(stats_table(result, {n: lc.status for n, lc in config.locales.items()}))


def _check_site(format: str) -> None:
    from lingopress.gate import CheckResult
    from lingopress.report import check_json, diagnostics_github, diagnostics_text
    from lingopress.sitecheck import check_site

    with _user_errors():
        diagnostics = check_site(_config())
    if format == "json":
        print(check_json(CheckResult(diagnostics=diagnostics)))
    elif format == "github":
        if diagnostics:
            print(diagnostics_github(diagnostics))
    else:
        if diagnostics:
            print(diagnostics_text(diagnostics))
        print(f"{len(diagnostics)} problems in the built site")
    if diagnostics:
        raise Exit(code=1)


@task(
    help={
        "port": "port to listen on (default 8000)",
        "bind": "address to bind (default 127.0.0.1)",
        "watch": "rebuild (like build --force) when source/, locales/ or pyproject.toml change",
    }
)
def serve(c: Context, port: int = 8000, bind: str = "127.0.0.1", watch: bool = False) -> None:
    """Serve build/ on http://127.0.0.1:8000/ for preview."""
    from lingopress.serve import preview_server, watch_and_rebuild

    with _user_errors():
        config = _config()
        server = preview_server(config.build_dir, bind, port)
        if watch:
            watch_and_rebuild(config, _load_and_build)
    print(f"serving build/ on http://{bind}:{server.server_address[1]}/ (Ctrl+C to stop)")
    with server, suppress(KeyboardInterrupt):
        server.serve_forever()


def _load_and_build() -> str:
    from lingopress.build import build_site

    try:
        report = build_site(_config())
    except LingopressError as exc:
        return f"rebuild failed: {exc}"
    return f"rebuilt: {report.pages} pages, {len(report.written)} files written"


@task(help={"k": "only tests matching this expression", "x": "stop at the first failure"})
def test(c: Context, k: str | None = None, x: bool = False) -> None:
    """Run the test suite."""
    args = ["-q"] + (["-k", k] if k else []) + (["-x"] if x else [])
    c.run(f"{sys.executable} -m pytest {' '.join(args)}", pty=False)


@task(
    help={
        "sizes": "localized pages per run, comma-separated (default 1000,10000)",
        "locales": "target locales besides the source (default 9)",
        "corpus": "the shared corpus folder (default ../shared/corpus)",
        "mo": "also time the MO writer on the 52k-message corpus catalog against msgfmt",
    }
)
def bench(
    c: Context, sizes: str = "1000,10000", locales: int = 9, corpus: str = "", mo: bool = False
) -> None:
    """Benchmark extract, update, compile, check and builds on generated sites (benchmarks/)."""
    args = [f"--sizes {sizes}", f"--locales {locales}"]
    if corpus:
        args.append(f"--corpus {corpus}")
    if mo:
        args.append("--mo")
    c.run(f"{sys.executable} {ROOT / 'benchmarks' / 'bench.py'} {' '.join(args)}", pty=False)


@task
def lint(c: Context) -> None:
    """ruff (lint and format check) and mypy --strict over src/."""
    c.run(f"{sys.executable} -m ruff check src tests tasks.py")
    c.run(f"{sys.executable} -m ruff format --check src tests tasks.py")
    c.run(f"{sys.executable} -m mypy")
