"""Check output (lingopress.report): the text table, the JSON schema, GitHub workflow annotations."""

from __future__ import annotations

import json

from lingopress.checks import Diagnostic, Stats
from lingopress.gate import CheckResult, LocaleSummary
from lingopress.report import JSON_VERSION, check_json, check_text, diagnostics_github, stats_table


def _result() -> CheckResult:
    de = Stats(translated=9, fuzzy=1, untranslated=0, translated_words=90, fuzzy_words=5)
    de.domains = {"site": Stats(translated=4, translated_words=20), "a": Stats(5, 1, 0, 70, 5, 0)}
    ja = Stats(translated=3, untranslated=7, translated_words=10, untranslated_words=85)
    result = CheckResult(
        diagnostics=[
            Diagnostic(
                "locales/de/LC_MESSAGES/a.po", 12, "error", "fuzzy", "translation is marked fuzzy", "de"
            ),
            Diagnostic("locales/ja/LC_MESSAGES/a.po", 7, "warning", "punctuation", "ends with ':'", "ja"),
        ],
        locales={
            "de": LocaleSummary("de", "required", 100.0, de, errors=1),
            "ja": LocaleSummary("ja", "preview", 40.0, ja, warnings=1),
        },
    )
    return result


def test_text_output() -> None:
    """A table with one row per locale, then one finding a line, then the verdict."""
    table, findings, verdict = check_text(_result()).split("\n\n")
    rows = table.split("\n")
    assert rows[0].split() == [
        "locale",
        "status",
        "translated",
        "fuzzy",
        "untranslated",
        "percent",
        "errors",
        "warnings",
        "result",
    ]
    assert rows[2].split() == ["de", "required", "9", "1", "0", "90.0%", "1", "0", "fail"]
    assert rows[3].endswith("pass, not published (< 40%)")
    assert findings.split("\n") == [
        "locales/de/LC_MESSAGES/a.po:12: error: translation is marked fuzzy [fuzzy]",
        "locales/ja/LC_MESSAGES/a.po:7: warning: ends with ':' [punctuation]",
    ]
    assert verdict == "1 error(s), 1 warning(s): check failed"


def test_json_schema() -> None:
    """The JSON output has exactly the fields docs/check-json.md documents, with their types."""
    data = json.loads(check_json(_result(), strict=True))
    assert set(data) == {"version", "passed", "strict", "errors", "warnings", "locales", "diagnostics"}
    assert (data["version"], data["passed"], data["strict"], data["errors"], data["warnings"]) == (
        JSON_VERSION,
        False,
        True,
        1,
        1,
    )
    ja = data["locales"]["ja"]
    assert set(ja) == {
        "status",
        "min_percent",
        "published",
        "passed",
        "errors",
        "warnings",
        "messages",
        "words",
        "percent",
        "domains",
    }
    assert ja["messages"] == {"total": 10, "translated": 3, "fuzzy": 0, "untranslated": 7}
    assert ja["words"] == {"total": 95, "translated": 10, "fuzzy": 0, "untranslated": 85}
    assert (ja["percent"], ja["published"], ja["passed"]) == (30.0, False, False)  # strict: warnings fail
    assert set(data["locales"]["de"]["domains"]["site"]) == {"messages", "words", "percent"}
    assert data["diagnostics"][0] == {
        "path": "locales/de/LC_MESSAGES/a.po",
        "line": 12,
        "severity": "error",
        "code": "fuzzy",
        "message": "translation is marked fuzzy",
        "locale": "de",
    }


def test_github_annotations_escape_their_fields() -> None:
    """Workflow commands per GitHub's toolkit: % CR LF escaped everywhere, ':' and ',' in properties."""
    diagnostics = [
        Diagnostic("locales/de/LC_MESSAGES/a,b.po", 3, "error", "links", "50% off:\nsee [x](y)", "de"),
        Diagnostic("locales/de/LC_MESSAGES/a.po", 9, "warning", "glossary", "term 'stem cell'", "de"),
    ]
    assert diagnostics_github(diagnostics).split("\n") == [
        "::error file=locales/de/LC_MESSAGES/a%2Cb.po,line=3,title=lingopress [links]"
        "::50%25 off:%0Asee [x](y)",
        "::warning file=locales/de/LC_MESSAGES/a.po,line=9,title=lingopress [glossary]::term 'stem cell'",
    ]


def test_stats_table_lists_domains_under_each_locale() -> None:
    """stats shows a total row per locale and a row per domain, messages and words."""
    rows = stats_table(_result().stats, {"de": "required"}).split("\n")
    assert rows[2].split() == ["de", "(all)", "required", "9", "1", "0", "10", "90.0%", "90", "5", "0", "95"]
    assert rows[3].split() == ["site", "4", "0", "0", "4", "100.0%", "20", "0", "0", "20"]
    assert rows[5].split()[:2] == ["ja", "(all)"]
