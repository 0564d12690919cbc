"""Typed article values -> strings formatted for a locale (Babel/CLDR); the ``{name}`` syntax.

Every Babel call is given an explicit locale and value: nothing depends on the
system locale or on today's date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from typing import Literal

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import (
    format_compact_decimal,
    format_decimal,
    format_percent,
    is_currency,
)

__all__ = [
    "Token",
    "Value",
    "format_value",
    "parse_value",
    "placeholder_names",
    "tokenize",
]

Kind = Literal["money", "number", "percent", "compact", "date"]
KINDS: tuple[Kind, ...] = ("money", "number", "percent", "compact", "date")
_SKELETON_RE = re.compile(r"[GyYuUrQqMLlwWdDFgEecabBhHKkjJCmsSAzZOvVXx]+")


@dataclass(frozen=True, slots=True)
class Value:
    """One entry of an article's ``[values]`` table."""

    name: str
    kind: Kind
    amount: Decimal | dt.date
    currency: str | None = None
    skeleton: str | None = None


def parse_value(name: str, spec: object) -> Value:
    """Validate one ``[values]`` entry; raise ValueError with a message for the author."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"value name {name!r} is not an identifier")
    if not isinstance(spec, dict):
        raise ValueError(f"value {name!r} must be an inline table such as {{ number = 10000 }}")
    kinds = [k for k in spec if k in KINDS]
    if len(kinds) != 1:
        raise ValueError(f"value {name!r} needs exactly one of {', '.join(KINDS)}")
    kind: Kind = kinds[0]
    allowed = {kind, "currency"} if kind == "money" else {kind, "skeleton"} if kind == "date" else {kind}
    extra = sorted(set(spec) - allowed)
    if extra:
        raise ValueError(f"value {name!r}: unknown key {extra[0]!r} for a {kind} value")
    raw = spec[kind]
    if kind == "date":
        if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
            raise ValueError(f"value {name!r}: date must be a TOML date such as 2025-01-01")
        skeleton = spec.get("skeleton", "yMMMd")
        if not isinstance(skeleton, str) or not _SKELETON_RE.fullmatch(skeleton):
            raise ValueError(f"value {name!r}: invalid date skeleton {skeleton!r} (e.g. 'yMMMM')")
        try:
            _check_skeleton(skeleton)
        except (KeyError, ValueError) as exc:
            raise ValueError(f"value {name!r}: CLDR has no date format for skeleton {skeleton!r}") from exc
        return Value(name, kind, raw, skeleton=skeleton)
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise ValueError(f"value {name!r}: {kind} must be a number")
    amount = _checked_amount(name, kind, Decimal(str(raw)))
    if kind == "money":
        currency = spec.get("currency")
        if not isinstance(currency, str) or not _is_currency(currency):
            raise ValueError(f"value {name!r}: {currency!r} is not an ISO 4217 currency code")
        return Value(name, kind, amount, currency=currency)
    return Value(name, kind, amount)


MAX_MAGNITUDE = Decimal(10) ** 18
"""Numbers must be smaller than this in absolute value (a quintillion)."""
MAX_SIGNIFICANT_DIGITS = 15
"""At most this many significant digits: what a TOML float carries exactly."""
MAX_DECIMAL_PLACES = 9
"""No digit smaller than 10**-9: smaller amounts are not written on a page."""


def _checked_amount(name: str, kind: str, amount: Decimal) -> Decimal:
    """``amount``, when Babel formats it exactly in every locale; ValueError otherwise.

    Babel formats in Python's default decimal context (28 significant digits) and raises
    ``InvalidOperation`` beyond it; TOML also allows ``nan`` and ``inf`` (and ``1e400`` reads
    as ``inf``), which would print as "NaN" or "∞". So an amount must be finite, below
    :data:`MAX_MAGNITUDE`, with at most :data:`MAX_SIGNIFICANT_DIGITS` significant digits and
    :data:`MAX_DECIMAL_PLACES` decimal places: 18 integer digits, times 100 for a percent,
    plus the 4 fraction digits of a currency stay well within 28 digits. Every Babel locale
    formats the extremes of that range, in each kind of value.

    >>> _checked_amount("x", "number", Decimal("1.5"))
    Decimal('1.5')
    >>> _checked_amount("x", "number", Decimal("inf"))
    Traceback (most recent call last):
    ValueError: value 'x': number must be a finite number, not inf
    """
    if not amount.is_finite():
        shown = "nan" if amount.is_nan() else "-inf" if amount < 0 else "inf"
        raise ValueError(f"value {name!r}: {kind} must be a finite number, not {shown}")
    if abs(amount) >= MAX_MAGNITUDE:
        raise ValueError(f"value {name!r}: {kind} is too large (it must be below 10**18)")
    if amount:
        _sign, digits, exponent = amount.normalize().as_tuple()
        assert isinstance(exponent, int)  # finite
        if len(digits) > MAX_SIGNIFICANT_DIGITS:
            raise ValueError(
                f"value {name!r}: {kind} has {len(digits)} significant digits"
                f" (at most {MAX_SIGNIFICANT_DIGITS})"
            )
        if -exponent > MAX_DECIMAL_PLACES:
            raise ValueError(
                f"value {name!r}: {kind} has {-exponent} decimal places (at most {MAX_DECIMAL_PLACES})"
            )
    return amount


@lru_cache(maxsize=256)
def _check_skeleton(skeleton: str) -> None:
    """Raise KeyError or ValueError when CLDR has no date format for ``skeleton`` (kept: an
    article's values are parsed by every task, the same few skeletons each time)."""
    format_skeleton(skeleton, dt.date(2025, 1, 31), locale="en")


@lru_cache(maxsize=1024)
def _is_currency(code: str) -> bool:
    """Babel's ``is_currency`` lists every currency at each call."""
    return bool(is_currency(code))


_FRACTION_RE = re.compile(r"\.[0#]+")


@cache
def _whole_currency_format(locale: Locale) -> str:
    """The locale's standard currency pattern without its fraction digits (``¤#,##0.00`` becomes
    ``¤#,##0``): a new pattern text for ``format_currency``; Babel's own pattern objects are
    shared by every caller and stay as they are."""
    return _FRACTION_RE.sub("", str(locale.currency_formats["standard"].pattern))


@lru_cache(maxsize=4096)
def format_value(value: Value, locale: Locale) -> str:
    """``value`` written the way ``locale`` writes it (kept: a value is written once per locale)."""
    amount = value.amount
    if value.kind == "date":
        assert isinstance(amount, dt.date) and value.skeleton is not None
        return str(format_skeleton(value.skeleton, amount, locale=locale))
    assert isinstance(amount, Decimal)
    if value.kind == "money":
        from babel.numbers import format_currency

        assert value.currency is not None
        if amount == amount.to_integral_value():
            whole = _whole_currency_format(locale)
            return str(format_currency(amount, value.currency, whole, locale=locale, currency_digits=False))
        return str(format_currency(amount, value.currency, locale=locale))
    if value.kind == "percent":
        return str(format_percent(amount, locale=locale))
    if value.kind == "compact":
        # CLDR has no long compact form for some locales (ja): use the short one there.
        # Two fraction digits at most, so that 120,000,000 is 1.2億 in ja, not a rounded 1億.
        if "long" in locale.compact_decimal_formats:
            return str(format_compact_decimal(amount, format_type="long", locale=locale, fraction_digits=2))
        return str(format_compact_decimal(amount, format_type="short", locale=locale, fraction_digits=2))
    return str(format_decimal(amount, locale=locale))


# --------------------------------------------------------------------------- placeholders


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of a text with placeholders: literal text, or a ``{field}``."""

    text: str
    field: str | None = None
    """The raw content between the braces, for a placeholder; None for literal text."""
    error: str | None = None
    """Why this piece is not valid placeholder syntax (unbalanced brace)."""

    @property
    def is_bare_name(self) -> bool:
        return self.field is not None and self.field.isidentifier()


# ``{{``, ``}}``, a ``{field}``, or a brace alone, in that order of preference; written so that
# each alternative starts with its brace (a search then jumps from brace to brace).
_TOKEN_RE = re.compile(r"\{(?:\{|([^{}]*)\})?|\}\}?")


@lru_cache(maxsize=8192)
def tokenize(text: str) -> tuple[Token, ...]:
    """Split ``text`` into literal runs and ``{placeholders}``; ``{{``/``}}`` are literal braces.

    Kept per text: a message is read by the check, the renderer and the extractor.

    >>> [(t.text, t.field) for t in tokenize("{a} costs {{b}}")]
    [('{a}', 'a'), (' costs {b}', None)]
    """
    if "{" not in text and "}" not in text:
        return (Token(text),) if text else ()
    tokens: list[Token] = []
    literal: list[str] = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        literal.append(text[pos : m.start()])
        pos = m.end()
        found = m.group()
        if found == "{{":
            literal.append("{")
        elif found == "}}":
            literal.append("}")
        elif found in "{}":
            tokens.append(Token("".join(literal)))
            literal = []
            tokens.append(Token(found, error=f"unbalanced '{found}' (write {found * 2} for a literal brace)"))
        else:
            tokens.append(Token("".join(literal)))
            literal = []
            tokens.append(Token(found, field=m.group(1)))
    literal.append(text[pos:])
    tokens.append(Token("".join(literal)))
    return tuple(t for t in tokens if t.text or t.field is not None)


def placeholder_names(text: str) -> list[str]:
    """The ``{fields}`` of ``text`` in order (raw, whether or not they are bare names)."""
    if "{" not in text:
        return []
    return [t.field for t in tokenize(text) if t.field is not None]
