"""Values: typed, formatted per locale by CLDR; the {placeholder} syntax."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from lingopress.values import _TOKEN_RE, format_value, parse_value, placeholder_names, tokenize

CASES = [
    (
        {"money": 7000, "currency": "EUR"},
        {"en": "€7,000", "de": "7.000\xa0€", "fr": "7\u202f000\xa0€", "tr": "€7.000"},
    ),
    ({"money": 50000, "currency": "USD"}, {"en": "$50,000", "de": "50.000\xa0$"}),
    ({"money": 12.5, "currency": "EUR"}, {"en": "€12.50", "de": "12,50\xa0€"}),
    ({"number": 10000}, {"en": "10,000", "de": "10.000", "fr": "10\u202f000"}),
    ({"compact": 1_250_000}, {"en": "1.25 million", "de": "1,25 Millionen"}),
    ({"percent": 0.4}, {"en": "40%", "de": "40\xa0%", "tr": "%40"}),
    ({"compact": 120_000_000}, {"en": "120 million", "de": "120 Millionen", "ja": "1.2億"}),
    (
        {"date": dt.date(2025, 1, 1), "skeleton": "yMMMM"},
        {"en": "January 2025", "de": "Januar 2025", "ja": "2025年1月"},
    ),
]


@pytest.mark.parametrize(("spec", "expected"), CASES)
def test_values_are_written_the_locales_way(spec: dict[str, object], expected: dict[str, str]) -> None:
    """Money without decimals when whole, compact falls back to short (ja), dates by skeleton."""
    value = parse_value("v", spec)
    for locale, text in expected.items():
        assert format_value(value, Locale.parse(locale)) == text, locale


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"money": 1, "currency": "EURO"}, "not an ISO 4217 currency"),
        ({"money": 1}, "not an ISO 4217 currency"),
        ({"number": "ten"}, "must be a number"),
        ({"number": True}, "must be a number"),
        ({"date": dt.date(2025, 1, 1), "skeleton": "yMMMM!"}, "invalid date skeleton"),
        ({"date": "2025-01-01"}, "TOML date"),
        ({"number": 1, "percent": 0.1}, "exactly one of"),
        ({"number": 1, "currency": "EUR"}, "unknown key 'currency'"),
        ({}, "exactly one of"),
    ],
)
def test_bad_values_are_refused(spec: dict[str, object], message: str) -> None:
    """An author's mistake in [values] is reported in words they can act on."""
    with pytest.raises(ValueError, match=message):
        parse_value("v", spec)


def test_tokenize_handles_literal_and_unbalanced_braces() -> None:
    """{{ and }} are literal braces; a lone brace is an error token; fields keep their raw text."""
    tokens = tokenize("{a} and {{b}} {c.d} }")
    assert [(t.text, t.field, t.error is not None) for t in tokens] == [
        ("{a}", "a", False),
        (" and {b} ", None, False),
        ("{c.d}", "c.d", False),
        (" ", None, False),
        ("}", None, True),
    ]
    assert placeholder_names("x {a} {b!r} {{c}}") == ["a", "b!r"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="{}a_ .", max_size=14))
def test_placeholder_pattern_finds_what_the_plain_alternation_finds(text: str) -> None:
    """``{{``, ``}}``, ``{field}`` and a lone brace, in that order of preference: the pattern
    written brace first matches where and as the plain alternation does."""
    plain = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
    found = [(m.span(), m.group(1)) for m in _TOKEN_RE.finditer(text)]
    assert found == [(m.span(), m.group(1)) for m in plain.finditer(text)]


def test_whole_money_leaves_babels_shared_patterns_as_they_were() -> None:
    """Whole amounts lose their decimals in our output only: Babel's own currency formatting of the
    same locales still shows them afterwards (its pattern objects are shared and cached)."""
    from decimal import Decimal

    from babel.numbers import format_currency

    value = parse_value("v", {"money": 7000, "currency": "EUR"})
    names = ["en", "de", "fr", "ar", "ja", "tr", "ru", "sr_Latn", "es", "hi"]
    for name in names:
        locale = Locale.parse(name)
        whole = format_value(value, locale)
        full = format_currency(Decimal(7000), "EUR", locale=locale)
        assert whole != full, name
        assert locale.currency_formats["standard"].frac_prec == (2, 2), name
        assert full.replace(locale.number_symbols["latn"]["decimal"] + "00", "") == whole, name
