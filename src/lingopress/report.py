"""Results -> text for people and machines: tables, JSON, GitHub workflow annotations."""

from __future__ import annotations

import json
from collections.abc import Iterable

from lingopress.checks import Diagnostic, Stats

__all__ = ["diagnostics_github", "diagnostics_json", "diagnostics_text", "stats_table"]


def stats_table(stats: dict[str, Stats], statuses: dict[str, str] | None = None) -> str:
    """A per-locale table of messages and words by state."""
    header = ["locale", "status", "translated", "fuzzy", "untranslated", "percent", "words (tr/total)"]
    rows = [header]
    for name, s in stats.items():
        rows.append(
            [
                name,
                (statuses or {}).get(name, ""),
                str(s.translated),
                str(s.fuzzy),
                str(s.untranslated),
                f"{s.percent:.1f}%",
                f"{s.translated_words}/{s.total_words}",
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def diagnostics_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(str(d) for d in diagnostics)


def diagnostics_json(diagnostics: list[Diagnostic], stats: dict[str, Stats], passed: bool) -> str:
    data = {
        "version": 1,
        "passed": passed,
        "locales": {
            name: {
                "translated": s.translated,
                "fuzzy": s.fuzzy,
                "untranslated": s.untranslated,
                "total": s.total,
                "percent": round(s.percent, 2),
            }
            for name, s in stats.items()
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
            for d in diagnostics
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def diagnostics_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands: ``::error file=...,line=...,title=...::message``."""
    lines = []
    for d in diagnostics:
        level = "error" if d.severity == "error" else "warning"
        lines.append(
            f"::{level} file={_github_escape(d.path, True)},line={d.line},"
            f"title={_github_escape(d.code, True)}::{_github_escape(d.message)}"
        )
    return "\n".join(lines)
