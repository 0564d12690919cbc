"""The command line: ``lingopress COMMAND`` (the invoke tasks call :func:`main` too).

Each command loads the project, calls the package and prints its report. Exit codes, as the
gettext tools have them: 0 done, 1 a problem in the input (printed as ``path:line: message``)
or a check that failed, 2 a command line that cannot be understood (a usage message). No input
and no argument ever ends in a traceback; one that does is a bug.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import NoReturn

from lingopress.config import Config, load_config
from lingopress.errors import ConfigError, LingopressError

__all__ = ["COMMANDS", "Failure", "main"]

COMMANDS = ("extract", "update", "import", "compile", "build", "check", "stats", "serve")


class Failure(Exception):
    """The command ran and failed (exit 1), with an optional last line for stderr."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- arguments


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 or more")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: a port is from 0 (any free one) to 65535")
    return value


def _names(text: str) -> list[str]:
    """``de,fr`` -> ``["de", "fr"]`` (checked against the project once it is loaded)."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one locale")
    return names


class _Parser(argparse.ArgumentParser):
    """argparse, with an error that does not exit the process (the invoke tasks call main())."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise _UsageError(f"{self.prog}: error: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


class _UsageError(Exception):
    pass


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(
        prog=prog,
        description="Markdown articles -> gettext catalogs -> a localized static site.",
        epilog="Exit status: 0 done, 1 a problem in the project (path:line: message) or a failed"
        " check, 2 a usage error.",
    )
    parser.add_argument(
        "-C",
        "--project",
        metavar="DIR",
        type=Path,
        default=Path(),
        help="the project's folder, with its pyproject.toml (default: the current folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)

    def command(name: str, help: str) -> argparse.ArgumentParser:
        p = commands.add_parser(name, help=help, description=help)
        p.set_defaults(usage=p)
        return p

    def locale_option(p: argparse.ArgumentParser, help: str = "only this locale, or several: de,fr") -> None:
        p.add_argument("--locale", type=_names, metavar="LOCALE[,LOCALE...]", help=help)

    p = command("extract", "Extract messages from the articles and templates into locales/*.pot.")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a POT file is out of date")

    p = command("update", "Merge the POT files into every locale's PO files (fuzzy matching).")
    locale_option(p, "only this locale, or several: de,fr; a configured locale without PO files is created")
    p.add_argument("--no-fuzzy", action="store_true", help="no fuzzy matching of changed messages")
    p.add_argument("--purge-obsolete", action="store_true", help="drop obsolete (#~) entries")

    p = command("import", "Merge translators' PO files into locales/, entry by entry, validated.")
    p.add_argument("files", nargs="*", type=_file_name, metavar="FILE", help="a translator's PO file")
    p.add_argument(
        "--file",
        action="append",
        type=_file_name,
        default=[],
        metavar="FILE",
        help="one more PO file (repeatable)",
    )
    p.add_argument("--locale", metavar="LOCALE", help="the files' locale (default: their Language header)")
    p.add_argument("--dry-run", action="store_true", help="write nothing; show what would change")

    p = command("compile", "Compile the PO files into MO files under build/locale/.")
    locale_option(p)

    p = command("build", "Compile the catalogs and render the localized site into build/.")
    locale_option(p, "build only this locale (or de,fr) besides the source, e.g. one CI shard")
    p.add_argument("--force", action="store_true", help="build even if a required locale fails the check")
    p.add_argument("--pseudo", action="store_true", help="also render the pseudo-locales en-XA and ar-XB")
    p.add_argument("--jobs", type=_positive, metavar="N", help="worker processes (default: one per core)")

    p = command("check", "The CI gate: fail when a required locale is incomplete or a translation broken.")
    p.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text (default), json (docs/check-json.md) or github (workflow annotations)",
    )
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    locale_option(p)
    p.add_argument("--site", action="store_true", help="check the built site in build/ instead")

    p = command("stats", "Translated, fuzzy and untranslated messages and words per locale.")
    locale_option(p)

    p = command("serve", "Serve build/ over HTTP for a preview.")
    p.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS", help="address (default 127.0.0.1)")
    p.add_argument("--watch", action="store_true", help="rebuild (as build --force) when an input changes")
    return parser


# --------------------------------------------------------------------------- commands


def _config(args: argparse.Namespace) -> Config:
    from lingopress import set_up_process

    set_up_process()  # the command's modules are imported by now
    return load_config(args.project)


def _locales(config: Config, names: list[str] | None) -> list[str]:
    """The configured locales ``names`` name (``sr-Latn`` is ``sr_Latn``); all when None."""
    if names is None:
        return list(config.locales)
    return list(dict.fromkeys(config.locale(name).name for name in names))


def _targets(config: Config) -> None:
    """A project with nothing to translate into is a mistake for check and build, not a pass."""
    if not config.locales:
        raise ConfigError(
            'no target locales: add them under [tool.lingopress.locales], e.g. de = { status = "required" }',
            "pyproject.toml",
        )


def extract(args: argparse.Namespace) -> None:
    from lingopress.extract import pot_plan, stale_pots, write_pots

    config = _config(args)
    planned = pot_plan(config, remember=not args.check)  # a check writes nothing, not even the cache
    if args.check:
        stale = stale_pots(config, planned)
        for path in stale:
            print(f"{config.relative(path)}:1: error: template is out of date [stale-pot]")
        if stale:
            raise Failure("POT files are stale: run 'invoke extract' and commit the result")
        print(f"{len(planned)} templates up to date")
        return
    written = write_pots(config, planned)
    print(f"{len(planned)} templates; {len(written)} written")
    for path in written:
        print(f"  {config.relative(path)}")


def update(args: argparse.Namespace) -> None:
    from lingopress.catalogs import update_project

    config = _config(args)
    report = update_project(
        config,
        _locales(config, args.locale),
        fuzzy_matching=not args.no_fuzzy,
        purge_obsolete=args.purge_obsolete,
    )
    for path, s in report.files.items():
        if s.new or s.fuzzy or s.obsoleted or s.revived or path in report.created:
            state = "created" if path in report.created else "updated"
            print(
                f"{path}: {state}: {s.kept} kept, {s.fuzzy} fuzzy, {s.new} new,"
                f" {s.revived} revived, {s.obsoleted} obsolete"
            )
    print(f"{len(report.written)} of {len(report.files)} PO files written")


def _lines(path: str, lines: list[int], limit: int = 10) -> str:
    shown = ", ".join(f"{path}:{line}" for line in lines[:limit])
    return shown + (f", and {len(lines) - limit} more" if len(lines) > limit else "")


def _file_name(value: str) -> Path:
    """A file named on the command line; an empty name (``import ""``) is a usage error, not the
    current folder."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty file name")
    return Path(value)


def import_(args: argparse.Namespace) -> None:
    from lingopress.imports import import_files

    paths = [*args.files, *args.file]
    if not paths:
        args.usage.error("name at least one PO file")
    config = _config(args)
    locale = config.locale(args.locale).name if args.locale else None
    report = import_files(config, [p.resolve() for p in paths], locale=locale, dry_run=args.dry_run)
    would = "would be " if args.dry_run else ""
    for f in report.files:
        for rejection in f.rejected:
            print(f"{rejection}")
        for line, msgid, target in f.stale:
            where = f"kept as a fuzzy suggestion for {target[:60]!r}" if target else "not kept"
            print(f"{f.path}:{line}: msgid no longer exists ({msgid[:60]!r}): {where}")
        if args.dry_run:
            for line, msgid in f.updated:
                print(f"{f.path}:{line}: would update {msgid[:70]!r}")
        if f.fuzzy:
            entries = "entry" if len(f.fuzzy) == 1 else "entries"
            print(
                f"{len(f.fuzzy)} fuzzy {entries} not imported (review them and remove the flag):"
                f" {_lines(f.path, f.fuzzy)}"
            )
        if f.empty:
            entries = "entry" if len(f.empty) == 1 else "entries"
            print(f"{len(f.empty)} {entries} left untranslated: {_lines(f.path, f.empty)}")
        into = f" -> {f.target}" if f.target else ""
        print(
            f"{f.path}{into}: {len(f.updated)} updated, {f.unchanged} unchanged,"
            f" {len(f.rejected)} rejected, {len(f.stale)} stale"
        )
    for path in report.written:
        print(f"{path} {would}written")
    if report.rejected:
        raise Failure(f"rejected: {report.rejected}; those entries of the project are as they were")


def compile_(args: argparse.Namespace) -> None:
    from lingopress.catalogs import compile_project

    config = _config(args)
    written = compile_project(config, _locales(config, args.locale))
    print(f"{len(written)} MO files written")


def build(args: argparse.Namespace) -> None:
    from lingopress.build import build_site

    start = time.perf_counter()
    config = _config(args)
    _targets(config)
    only = _locales(config, args.locale) if args.locale else None
    report = build_site(
        config, only, pseudo=args.pseudo, gate=not args.force, jobs=args.jobs, progress=sys.stderr
    )
    if report.blocking:
        for d in report.blocking[:20]:
            print(d)
        more = len(report.blocking) - 20
        if more > 0:
            print(f"... and {more} more (see 'invoke check')")
        raise Failure("build stopped: required locales fail the check (use --force to build anyway)")
    elapsed = time.perf_counter() - start
    for name, why in report.skipped_locales.items():
        print(f"not published: {name} ({why})")
    print(
        f"{report.pages} pages ({report.rendered} rendered), {len(report.written)} files written,"
        f" {len(report.removed)} removed in {elapsed:.2f} s"
    )


def check(args: argparse.Namespace) -> None:
    from lingopress.gate import check_project
    from lingopress.report import check_json, check_text, diagnostics_github

    if args.site:
        _check_site(args)
        return
    config = _config(args)
    _targets(config)
    result = check_project(config, _locales(config, args.locale) if args.locale else None)
    if args.format == "json":
        print(check_json(result, args.strict))
    elif args.format == "github":
        output = diagnostics_github(result.diagnostics)
        if output:
            print(output)
    else:
        print(check_text(result, args.strict))
    if not result.passed(args.strict):
        raise Failure()


def _check_site(args: argparse.Namespace) -> None:
    from lingopress.gate import CheckResult
    from lingopress.report import check_json, diagnostics_github, diagnostics_text
    from lingopress.sitecheck import check_site

    diagnostics = check_site(_config(args))
    if args.format == "json":
        print(check_json(CheckResult(diagnostics=diagnostics)))
    elif args.format == "github":
        if diagnostics:
            print(diagnostics_github(diagnostics))
    else:
        if diagnostics:
            print(diagnostics_text(diagnostics))
        print(f"{len(diagnostics)} problems in the built site")
    if diagnostics:
        raise Failure()


def stats(args: argparse.Namespace) -> None:
    from lingopress.gate import project_stats
    from lingopress.report import stats_table

    config = _config(args)
    result = project_stats(config, _locales(config, args.locale) if args.locale else None)
    print(stats_table(result, {n: lc.status for n, lc in config.locales.items()}))


def serve(args: argparse.Namespace) -> None:
    from lingopress.serve import preview_server, watch_and_rebuild

    config = _config(args)
    try:
        server = preview_server(config.build_dir, args.bind, args.port)
    except OSError as exc:  # the port is taken, the address is not this machine's, ...
        raise Failure(f"cannot serve on {args.bind}:{args.port}: {exc.strerror or exc}") from None
    if args.watch:
        watch_and_rebuild(config, lambda: _rebuild(args.project))
    print(f"serving build/ on http://{args.bind}:{server.server_address[1]}/ (Ctrl+C to stop)", flush=True)
    with server, suppress(KeyboardInterrupt):
        server.serve_forever()


def _rebuild(project: Path) -> str:
    from lingopress.build import build_site

    try:
        report = build_site(load_config(project))
    except LingopressError as exc:
        return f"rebuild failed: {exc}"
    return f"rebuilt: {report.pages} pages, {len(report.written)} files written"


_RUN: dict[str, Callable[[argparse.Namespace], None]] = {
    "extract": extract,
    "update": update,
    "import": import_,
    "compile": compile_,
    "build": build,
    "check": check,
    "stats": stats,
    "serve": serve,
}


def main(argv: Sequence[str] | None = None, prog: str = "lingopress") -> int:
    """Run one command; returns the exit status (the console script exits with it)."""
    parser = _parser(prog)
    try:
        args = parser.parse_args(argv)
        _RUN[args.command](args)
    except _Exit as exc:  # --help
        return exc.code
    except KeyboardInterrupt:
        return 130
    except _UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except LingopressError as exc:
        print(exc, file=sys.stderr)
        return 1
    except Failure as exc:
        if exc.message:
            print(exc.message, file=sys.stderr)
        return 1
    return 0
