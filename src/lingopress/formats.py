"""Format strings and newlines of a translation, checked as ``msgfmt --check`` checks them.

Part of the content checks (:mod:`lingopress.checks`): an entry flagged
``c-format`` or ``python-format`` must keep the printf-style directives of its
msgid (the same arguments, of the same types; by name for Python's
``%(name)s``), and every translation must begin and end with a newline exactly
when its msgid does. The rules are GNU gettext's, so a catalog that passes here
passes ``msgfmt -c``; unlike msgfmt, fuzzy entries are checked too.
``python-brace-format`` is checked by :func:`lingopress.checks.placeholder_problems`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from lingopress.checks import Problem

if TYPE_CHECKING:
    from lingopress.pofile import Message

__all__ = [
    "FormatError",
    "format_problems",
    "message_problems",
    "newline_problems",
    "parse_c",
    "parse_python",
]


class FormatError(ValueError):
    """A string that is not a valid format string; the message says why."""


@dataclass(frozen=True, slots=True)
class Spec:
    """The arguments a format string takes: by position (``unnamed``) or by name (``named``)."""

    unnamed: tuple[str, ...] = ()
    named: tuple[tuple[str, str], ...] = ()


# --------------------------------------------------------------------------- Python's % operator

_PY_TYPES = {"c": "char", "s": "string", "r": "string"}
_PY_TYPES.update(dict.fromkeys("iduoxX", "integer"))
_PY_TYPES.update(dict.fromkeys("eEfgG", "float"))
_PY_SPEC_RE = re.compile(r"[-+ #0]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?")


@lru_cache(maxsize=4096)
def parse_python(text: str) -> Spec:
    """The arguments of a Python ``%`` format string; :class:`FormatError` if it is not one.

    >>> parse_python("%(n)d of %(total)d")
    Spec(unnamed=(), named=(('n', 'integer'), ('total', 'integer')))
    >>> parse_python("%s%%")
    Spec(unnamed=('string',), named=())
    """
    unnamed: list[str] = []
    named: dict[str, str] = {}
    position = 0
    number = 0
    while (start := text.find("%", position)) >= 0:
        number += 1
        i = start + 1
        name = None
        if text.startswith("(", i):
            depth, j = 0, i + 1
            while j < len(text):
                if text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    if depth == 0:
                        break
                    depth -= 1
                j += 1
            if j >= len(text):
                raise FormatError("The string ends in the middle of a directive.")
            name = text[i + 1 : j]
            i = j + 1
        m = _PY_SPEC_RE.match(text, i)
        assert m is not None
        stars = (m.group(1) == "*") + (m.group(2) == "*")
        zero_precision = m.group(2) is not None and m.group(2) != "" and set(m.group(2)) == {"0"}
        i = m.end()
        if stars:
            if named or name is not None:
                raise FormatError(_MIXED)
            unnamed.extend(["integer"] * stars)
        if i >= len(text):
            raise FormatError("The string ends in the middle of a directive.")
        conversion = text[i]
        if conversion == "%":
            kind = ""
        elif conversion in _PY_TYPES:
            kind = _PY_TYPES[conversion]
            if conversion in "sr" and zero_precision:
                kind = "any"
        else:
            raise FormatError(
                f"In the directive number {number}, the character '{conversion}' is not a valid"
                " conversion specifier."
            )
        if name is not None:
            if unnamed:
                raise FormatError(_MIXED)
            before = named.get(name)
            if before is not None and kind != before and "any" not in (kind, before):
                raise FormatError(f"The string refers to the argument named '{name}' in incompatible ways.")
            named[name] = kind if before in (None, "any") else before
        elif conversion != "%":
            if named:
                raise FormatError(_MIXED)
            unnamed.append(kind)
        position = i + 1
    return Spec(tuple(unnamed), tuple(sorted(named.items())))


_MIXED = (
    "The string refers to arguments both through argument names and through unnamed argument specifications."
)


def _compare_python(source: Spec, target: Spec, strict: bool, where: str) -> list[str]:
    if source.named and target.unnamed:
        return [f"format specifications in 'msgid' expect a mapping, those in '{where}' expect a tuple"]
    if source.unnamed and target.named:
        return [f"format specifications in 'msgid' expect a tuple, those in '{where}' expect a mapping"]
    problems: list[str] = []
    if source.named or target.named:
        names = dict(source.named)
        for name, _kind in target.named:
            if name not in names:
                return [
                    f"a format specification for argument '{name}', as in '{where}', doesn't exist in 'msgid'"
                ]
        if strict:
            for name in names:
                if name not in dict(target.named):
                    return [f"a format specification for argument '{name}' doesn't exist in '{where}'"]
        for name, kind in target.named:
            if not _same(names[name], kind, strict):
                return [
                    f"format specifications in 'msgid' and '{where}' for argument '{name}' are not the same"
                ]
    if source.unnamed or target.unnamed:
        if len(source.unnamed) != len(target.unnamed):
            problems.append(f"number of format specifications in 'msgid' and '{where}' does not match")
        else:
            for n, (a, b) in enumerate(zip(source.unnamed, target.unnamed, strict=True), 1):
                if not _same(a, b, strict):
                    problems.append(
                        f"format specifications in 'msgid' and '{where}' for argument {n} are not the same"
                    )
    return problems


def _same(a: str, b: str, strict: bool) -> bool:
    return a == b or (not strict and "any" in (a, b))


# --------------------------------------------------------------------------- C's printf

_C_DIRECTIVE_RE = re.compile(
    r"%(?:(\d+)\$)?([-+ #0'I]*)(\*(?:\d+\$)?|\d+)?(?:\.(\*(?:\d+\$)?|\d*))?(hh|h|ll|l|L|q|j|z|Z|t)?(.?)"
)
_C_TYPES = {
    **dict.fromkeys("di", "int"),
    **dict.fromkeys("ouxX", "unsigned int"),
    **dict.fromkeys("eEfFgGaA", "double"),
    "c": "char",
    "C": "wide char",
    "s": "string",
    "S": "wide string",
    "p": "pointer",
    "n": "count pointer",
}


@lru_cache(maxsize=4096)
def parse_c(text: str) -> Spec:
    """The arguments of a C ``printf`` format string, by number; :class:`FormatError` if it is none.

    >>> parse_c("%2$s has %1$lu files")
    Spec(unnamed=('l unsigned int', 'string'), named=())
    >>> parse_c("%s: %*d")
    Spec(unnamed=('string', 'int', 'int'), named=())
    """
    numbered: dict[int, str] = {}
    unnumbered: list[str] = []
    number = 0
    for match in _C_DIRECTIVE_RE.finditer(text):
        number += 1
        position, _flags, width, precision, size, conversion = match.groups()
        if not conversion:
            raise FormatError("The string ends in the middle of a directive.")
        if conversion == "%":
            continue  # "%%", or "% %" with flags: a percent sign, no argument
        if conversion not in _C_TYPES:
            raise FormatError(
                f"In the directive number {number}, the character '{conversion}' is not a valid"
                " conversion specifier."
            )
        kind = _C_TYPES[conversion]
        if size and kind:
            if conversion in "cs" and size == "l":
                kind = "wide " + kind
            elif kind in ("int", "unsigned int", "count pointer"):
                kind = f"{size} {kind}"
            elif kind == "double" and size == "L":
                kind = "long double"
        arguments: list[tuple[int | None, str]] = []
        for star in (width, precision):
            if star and star.startswith("*"):
                arguments.append((int(star[1:-1]) if len(star) > 1 else None, "int"))
        if kind:
            arguments.append((int(position) if position else None, kind))
        for index, argument_kind in arguments:
            if index is None:
                if numbered:
                    raise FormatError(_C_MIXED)
                unnumbered.append(argument_kind)
            else:
                if unnumbered:
                    raise FormatError(_C_MIXED)
                if index == 0:
                    raise FormatError(
                        f"In the directive number {number}, the argument number 0 is not a positive integer."
                    )
                before = numbered.setdefault(index, argument_kind)
                if before != argument_kind:
                    raise FormatError(f"The string refers to argument number {index} in incompatible ways.")
    if numbered:
        for i in range(1, max(numbered) + 1):
            if i not in numbered:
                raise FormatError(
                    f"The string refers to argument number {max(numbered)} but ignores argument number {i}."
                )
        return Spec(tuple(numbered[i] for i in range(1, max(numbered) + 1)))
    return Spec(tuple(unnumbered))


_C_MIXED = (
    "The string refers to arguments both through absolute argument numbers and through unnumbered"
    " argument specifications."
)


def _compare_c(source: Spec, target: Spec, strict: bool, where: str) -> list[str]:
    a, b = source.unnamed, target.unnamed
    if len(b) > len(a) or (strict and len(b) != len(a)):
        return [f"number of format specifications in 'msgid' and '{where}' does not match"]
    for n, (x, y) in enumerate(zip(a, b, strict=False), 1):
        if x != y:
            return [f"format specifications in 'msgid' and '{where}' for argument {n} are not the same"]
    return []


# --------------------------------------------------------------------------- the checks

_LANGUAGES = {"c": (parse_c, _compare_c), "python": (parse_python, _compare_python)}


def format_problems(
    msgid: str, msgstr: str, flags: Iterable[str], where: str = "msgstr", strict: bool = True
) -> list[str]:
    """What ``msgstr`` gets wrong in the format directives of ``msgid``, for its ``*-format`` flags.

    ``where`` names the translation in the messages (``msgstr[1]``...); ``strict``
    False is for a plural form that the locale uses for one number only, which may
    leave out arguments. An invalid msgid is the source's business: not checked.

    >>> format_problems("%(n)d files", "%(n)s fichiers", ["python-format"])
    ["format specifications in 'msgid' and 'msgstr' for argument 'n' are not the same"]
    """
    problems: list[str] = []
    for flag in flags:
        name = flag[9:-7] if flag.startswith("possible-") else flag[:-7]
        if not flag.endswith("-format") or name not in _LANGUAGES:
            continue
        parse, compare = _LANGUAGES[name]
        try:
            source = parse(msgid)
        except FormatError:
            continue
        try:
            target = parse(msgstr)
        except FormatError as exc:
            problems.append(
                f"'{where}' is not a valid {_TITLE[name]} format string, unlike 'msgid'. Reason: {exc}"
            )
            continue
        problems.extend(compare(source, target, strict, where))
    return problems


_TITLE = {"c": "C", "python": "Python"}


def newline_problems(msgid: str, msgstr: str, where: str = "msgstr") -> list[str]:
    """A translation must begin and end with a newline exactly when its source does (``msgfmt -c``).

    >>> newline_problems("Done\\n", "Fertig")
    ["'msgid' and 'msgstr' entries do not both end with '\\\\n'"]
    """
    problems = []
    if msgid.startswith("\n") != msgstr.startswith("\n"):
        problems.append(f"'msgid' and '{where}' entries do not both begin with '\\n'")
    if msgid.endswith("\n") != msgstr.endswith("\n"):
        problems.append(f"'msgid' and '{where}' entries do not both end with '\\n'")
    return problems


def message_problems(message: Message, single: frozenset[int] = frozenset()) -> list[Problem]:
    """Every error ``msgfmt --check`` finds in the translations of ``message``, fuzzy or not.

    The msgid is the reference for newlines; the msgid_plural, when there is one,
    for the format directives of every form, as in GNU gettext. ``single`` holds the
    plural forms the locale uses for one number only (they may leave an argument out).
    """
    plural = message.msgid_plural
    formats = [f for f in message.flags if f.endswith("-format")] if message.flags else []
    if plural is None and not formats:
        # The common case, without building anything.
        msgid, msgstr = message.msgid, message.msgstr[0]
        if not msgstr or (
            (msgid[:1] == "\n") == (msgstr[:1] == "\n") and (msgid[-1:] == "\n") == (msgstr[-1:] == "\n")
        ):
            return []
    problems: list[Problem] = []
    source_name = "msgid" if plural is None else "msgid_plural"
    if plural is not None:
        problems.extend(
            Problem("error", "newline", p) for p in newline_problems(message.msgid, plural, "msgid_plural")
        )
    for i, form in enumerate(message.msgstr):
        if not form:
            continue
        where = "msgstr" if plural is None else f"msgstr[{i}]"
        problems.extend(Problem("error", "newline", p) for p in newline_problems(message.msgid, form, where))
        if formats:
            source = message.msgid if plural is None else plural
            found = format_problems(source, form, formats, where, strict=i not in single)
            problems.extend(
                Problem("error", "format", p.replace("'msgid'", f"'{source_name}'")) for p in found
            )
    return problems


# --------------------------------------------------------------------------- directive extents

_C_SIMPLE_RE = re.compile(
    r"%(?:%|(\d+\$)?[-+ #0'I]*(?:\*(?:\d+\$)?|\d+)?(?:\.(?:\*(?:\d+\$)?|\d*))?"
    r"(?:hh|h|ll|l|L|q|j|z|Z|t)?(.?))",
    re.S,
)
_C_CONVERSIONS = frozenset("diouxXeEfFgGaAcCsSpn")


def directive_spans(text: str, language: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the valid format directives of ``text`` in ``language``
    (``c`` or ``python``), up to the first invalid one, where GNU gettext's parser stops.

    The writer never breaks a line inside one of them, as ``msgcat`` does not.

    >>> directive_spans("%d%% of %(x)s", "python")
    [(0, 2), (2, 4)]
    >>> directive_spans("Uses %-formatting", "python")
    [(5, 8)]
    """
    if "%" not in text:
        return []
    return _python_spans(text) if language == "python" else _c_spans(text)


def _python_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    named = unnamed = False
    position = 0
    while (start := text.find("%", position)) >= 0:
        i = start + 1
        name = False
        if text.startswith("(", i):
            depth, j = 0, i + 1
            while j < len(text) and not (text[j] == ")" and depth == 0):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            if j >= len(text):
                break
            name, i = True, j + 1
        m = _PY_SPEC_RE.match(text, i)
        assert m is not None
        if "*" in (m.group(1), m.group(2)):
            if named:
                break
            unnamed = True
        i = m.end()
        if i >= len(text) or (text[i] != "%" and text[i] not in _PY_TYPES):
            break
        if name:
            if unnamed:
                break
            named = True
        elif text[i] != "%":
            if named:
                break
            unnamed = True
        spans.append((start, i + 1))
        position = i + 1
    return spans


def _c_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    numbered = unnumbered = False
    position = 0
    while (start := text.find("%", position)) >= 0:
        m = _C_SIMPLE_RE.match(text, start)
        assert m is not None
        if m.group() != "%%":
            if m.group(2) == "%":
                spans.append((start, m.end()))
                position = m.end()
                continue
            if m.group(2) not in _C_CONVERSIONS:
                break
            directive = m.group()
            is_numbered = m.group(1) is not None
            stars_numbered = re.findall(r"\*(\d+\$)?", directive)
            kinds = [is_numbered] + [bool(s) for s in stars_numbered]
            if (numbered and not all(kinds)) or (unnumbered and any(kinds)):
                break
            numbered = numbered or any(kinds)
            unnumbered = unnumbered or not all(kinds)
            if numbered and unnumbered:
                break
        spans.append((start, m.end()))
        position = m.end()
    return spans
