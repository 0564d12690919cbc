"""Check results -> text for people and machines: tables, JSON, GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from lingopress.checks import Diagnostic, Stats
from lingopress.gate import CheckResult, LocaleSummary

__all__ = [
    "JSON_VERSION",
    "check_json",
    "check_text",
    "diagnostics_github",
    "diagnostics_text",
    "locale_table",
    "stats_table",
]

JSON_VERSION = 1


def _table(rows: Sequence[Sequence[str]], left: set[int]) -> str:
    """Columns padded to width: the ``left`` columns left-aligned, the others (numbers) right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i in left else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _outcome(summary: LocaleSummary) -> str:
    parts = ["fail" if summary.errors else "pass"]
    if summary.status == "preview":
        parts.append("published" if summary.published else f"not published (< {summary.min_percent:g}%)")
    return ", ".join(parts)


def locale_table(locales: dict[str, LocaleSummary]) -> str:
    """The check's summary: one row per locale with its completeness, findings and outcome."""
    rows = [
        ["locale", "status", "translated", "fuzzy", "untranslated", "percent", "errors", "warnings", "result"]
    ]
    for name, summary in locales.items():
        s = summary.stats
        rows.append(
            [
                name,
                summary.status,
                str(s.translated),
                str(s.fuzzy),
                str(s.untranslated),
                f"{s.percent:.1f}%",
                str(summary.errors),
                str(summary.warnings),
                _outcome(summary),
            ]
        )
    return _table(rows, {0, 1, 8})


def stats_table(stats: dict[str, Stats], statuses: dict[str, str] | None = None) -> str:
    """Messages and source words by state, per locale and, below it, per domain."""
    rows = [
        [
            "locale",
            "domain",
            "status",
            "translated",
            "fuzzy",
            "untranslated",
            "total",
            "percent",
            "words tr.",
            "words fuzzy",
            "words untr.",
            "words total",
        ]
    ]

    def row(locale: str, domain: str, status: str, s: Stats) -> list[str]:
        return [
            locale,
            domain,
            status,
            str(s.translated),
            str(s.fuzzy),
            str(s.untranslated),
            str(s.total),
            f"{s.percent:.1f}%",
            str(s.translated_words),
            str(s.fuzzy_words),
            str(s.untranslated_words),
            str(s.total_words),
        ]

    for name, total in stats.items():
        rows.append(row(name, "(all)", (statuses or {}).get(name, ""), total))
        for domain, s in total.domains.items():
            rows.append(row("", domain, "", s))
    return _table(rows, {0, 1, 2})


def diagnostics_text(diagnostics: Iterable[Diagnostic]) -> str:
    """One finding a line: ``path:line: severity: message [code]``."""
    return "\n".join(str(d) for d in diagnostics)


def check_text(result: CheckResult, strict: bool = False) -> str:
    """The check as a person reads it: the locale table, the findings, the verdict."""
    parts = [locale_table(result.locales)]
    if result.diagnostics:
        parts.append(diagnostics_text(result.diagnostics))
    errors, warnings = len(result.errors), len(result.warnings)
    verdict = "passed" if result.passed(strict) else "failed"
    why = " (--strict: warnings fail)" if strict and warnings and not errors else ""
    parts.append(f"{errors} error(s), {warnings} warning(s): check {verdict}{why}")
    return "\n\n".join(parts)


def _counts(s: Stats) -> dict[str, object]:
    return {**s.counts(), "percent": round(s.percent, 2)}


def check_json(result: CheckResult, strict: bool = False) -> str:
    """The check as JSON; the schema is documented in ``docs/check-json.md``."""
    data = {
        "version": JSON_VERSION,
        "passed": result.passed(strict),
        "strict": strict,
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "locales": {
            name: {
                "status": summary.status,
                "min_percent": summary.min_percent,
                "published": summary.published,
                "passed": summary.errors == 0 and not (strict and summary.warnings),
                "errors": summary.errors,
                "warnings": summary.warnings,
                **_counts(summary.stats),
                "domains": {domain: _counts(s) for domain, s in summary.stats.domains.items()},
            }
            for name, summary in result.locales.items()
        },
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "severity": d.severity,
                "code": d.code,
                "message": d.message,
                "locale": d.locale,
            }
            for d in result.diagnostics
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _github_escape(text: str, property_value: bool = False) -> str:
    # The escaping of GitHub's own toolkit (@actions/core, command.ts).
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def diagnostics_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: ``::error file=PATH,line=N,title=lingopress [code]::message``."""
    lines = []
    for d in diagnostics:
        lines.append(
            f"::{d.severity} file={_github_escape(d.path, True)},line={d.line},"
            f"title={_github_escape(f'lingopress [{d.code}]', True)}::{_github_escape(d.message)}"
        )
    return "\n".join(lines)
