"""Plural forms: gettext's C expressions evaluated safely, the rules of GNU gettext and of CLDR.

A PO file's ``Plural-Forms`` header is judged by what it does, not by its text:
:func:`plural_forms_table` evaluates its expression for every n in
:data:`PLURAL_SAMPLE`, and a file is right for a language when its table equals
GNU gettext's rule for that language (what ``msginit`` and Poedit write) or CLDR's
(what Babel gives, and what a new file gets). :func:`form_map` says how the forms
of one rule map onto another's, so that a translator's file with the other
accepted rule (GNU's order of the Arabic forms, say) can be imported.

The expressions are parsed here, never given to ``eval``: only ``n``, decimal
integers, parentheses and C's operators ``?: || && == != < <= > >= + - * / % !``,
as GNU gettext's own grammar (``plural.y``) has them, computed in unsigned 64-bit
arithmetic as gettext's ``unsigned long int`` is. An expression is at most
:data:`MAX_EXPRESSION` characters and nests at most :data:`MAX_DEPTH` deep.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingopress.pofile import Catalog

__all__ = [
    "GNU_PLURAL_FORMS",
    "MAX_DEPTH",
    "MAX_EXPRESSION",
    "PLURAL_SAMPLE",
    "adopt_plural_forms",
    "compile_plural",
    "form_map",
    "gnu_plural_forms",
    "parse_plural_forms",
    "plural_forms_table",
    "remap_forms",
]

PLURAL_SAMPLE = range(10_001)
"""The values of ``n`` two rules must agree on to be the same rule."""

MAX_EXPRESSION = 1000
"""Characters a plural expression may have."""

MAX_DEPTH = 100
"""How deep the operators of a plural expression may nest."""

_MASK = (1 << 64) - 1
_PLURAL_FORMS_RE = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*")
_TOKEN_RE = re.compile(r"\s*(?:(\d+)|(n)|(\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()]))")

# GNU gettext's plural rules, as its msginit writes them (gettext-tools/src/plural-table.c, the
# same in gettext 0.19 to 0.23), for the languages CLDR knows; Arabic's, which that table lacks,
# from the gettext manual (section "Plural forms"), as Poedit writes it. tests/test_plurals.py
# compares the table with what the installed msginit writes.
_NOT_ONE = "nplurals=2; plural=(n != 1);"
_SLAVIC = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
_TWO_FORMS = "bg da de el en eo es et fi fo he hu it nb nl nn no pt sv tr".split()  # noqa: SIM905
_WEST_SLAVIC = "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"
GNU_PLURAL_FORMS: dict[str, str] = {
    **dict.fromkeys(("ja", "ko", "vi"), "nplurals=1; plural=0;"),
    **dict.fromkeys(_TWO_FORMS, _NOT_ONE),
    "pt_BR": "nplurals=2; plural=(n > 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "lt": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);",
    **dict.fromkeys(("ru", "uk", "be", "sr", "hr"), _SLAVIC),
    **dict.fromkeys(("cs", "sk"), _WEST_SLAVIC),
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "ar": (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"
    ),
}
"""GNU gettext's ``Plural-Forms`` per language (see :func:`gnu_plural_forms`)."""


def gnu_plural_forms(locale_name: str) -> str | None:
    """GNU gettext's ``Plural-Forms`` for a locale: its own entry (``pt_BR``), else its language's.

    >>> gnu_plural_forms("sr_Latn") == gnu_plural_forms("ru"), gnu_plural_forms("pt_BR")
    (True, 'nplurals=2; plural=(n > 1);')
    >>> gnu_plural_forms("xx") is None
    True
    """
    found = GNU_PLURAL_FORMS.get(locale_name)
    if found is None:
        found = GNU_PLURAL_FORMS.get(locale_name.split("_", 1)[0])
    return found


# -- the evaluator -----------------------------------------------------------------------

_Tree = tuple[object, ...]
"""A parsed expression: ``("n",)``, ``("int", value)``, ``("!", operand)``,
``("?", condition, then, otherwise)`` or ``(operator, left, right)``."""

_BINARY: dict[str, tuple[int, Callable[[int, int], int]]] = {
    # C's precedence, loosest first (the conditional, below all of these, is apart).
    "||": (1, lambda a, b: int(bool(a) or bool(b))),
    "&&": (2, lambda a, b: int(bool(a) and bool(b))),
    "==": (3, lambda a, b: int(a == b)),
    "!=": (3, lambda a, b: int(a != b)),
    "<": (4, lambda a, b: int(a < b)),
    "<=": (4, lambda a, b: int(a <= b)),
    ">": (4, lambda a, b: int(a > b)),
    ">=": (4, lambda a, b: int(a >= b)),
    "+": (5, lambda a, b: (a + b) & _MASK),
    "-": (5, lambda a, b: (a - b) & _MASK),
    "*": (6, lambda a, b: (a * b) & _MASK),
    "/": (6, lambda a, b: a // b),  # ZeroDivisionError, where C would trap
    "%": (6, lambda a, b: a % b),
}


_VECTOR: dict[str, Callable[[int, int], int]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.floordiv,
    "%": operator.mod,
}
"""What :func:`_table` computes each operator with (comparisons give bools, which are 0 and 1)."""


class _Parser:
    """Precedence climbing over the tokens of one expression."""

    def __init__(self, expr: str):
        self.tokens: list[str] = []
        position = 0
        stripped = expr.rstrip()
        while position < len(stripped):
            match = _TOKEN_RE.match(stripped, position)
            if match is None:
                raise ValueError(f"unexpected {stripped[position:].lstrip()[:10]!r}")
            self.tokens.append(match.group(match.lastindex or 0))
            position = match.end()
        self.index = 0

    def peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise ValueError(f"expected {expected or 'more'}, found {token or 'the end'}")
        self.index += 1
        return token

    def expression(self, depth: int) -> _Tree:
        _deeper(depth)
        condition = self.binary(1, depth + 1)
        if self.peek() != "?":
            return condition
        self.take("?")
        then = self.expression(depth + 1)
        self.take(":")
        otherwise = self.expression(depth + 1)
        return ("?", condition, then, otherwise)

    def binary(self, level: int, depth: int) -> _Tree:
        _deeper(depth)
        left = self.unary(depth + 1)
        while (token := self.peek()) in _BINARY and _BINARY[token][0] >= level:
            depth += 1  # each operator applied makes the tree one deeper on its left
            _deeper(depth)
            operator = self.take()
            right = self.binary(_BINARY[operator][0] + 1, depth + 1)
            left = (operator, left, right)
        return left

    def unary(self, depth: int) -> _Tree:
        _deeper(depth)
        token = self.take()
        if token == "!":
            return ("!", self.unary(depth + 1))
        if token == "(":
            inner = self.expression(depth + 1)
            self.take(")")
            return inner
        if token == "n":
            return ("n",)
        if token.isdigit():
            return ("int", int(token) & _MASK)
        raise ValueError(f"unexpected {token!r}")


def _deeper(depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"nested more than {MAX_DEPTH} deep")


@cache
def _parse(expr: str) -> _Tree:
    if len(expr) > MAX_EXPRESSION:
        raise ValueError(f"longer than {MAX_EXPRESSION} characters")
    parser = _Parser(expr)
    tree = parser.expression(0)
    if parser.peek() is not None:
        raise ValueError(f"unexpected {parser.peek()!r}")
    return tree


def _function(tree: _Tree) -> Callable[[int], int]:
    """``tree`` as a function of one n, evaluated as C does (short-circuits included)."""
    kind = tree[0]
    if kind == "n":
        return lambda n: n
    if kind == "int":
        value = tree[1]
        assert isinstance(value, int)
        return lambda n: value
    if kind == "!":
        operand = _function(tree[1])  # type: ignore[arg-type]
        return lambda n: int(not operand(n))
    if kind == "?":
        condition, then, otherwise = (_function(t) for t in tree[1:])  # type: ignore[arg-type]
        return lambda n: then(n) if condition(n) else otherwise(n)
    left, right = _function(tree[1]), _function(tree[2])  # type: ignore[arg-type]
    if kind == "&&":
        return lambda n: int(bool(left(n)) and bool(right(n)))
    if kind == "||":
        return lambda n: int(bool(left(n)) or bool(right(n)))
    operate = _BINARY[str(kind)][1]
    return lambda n: operate(left(n), right(n))


def _table(tree: _Tree, ns: Sequence[int]) -> list[int]:
    """``tree`` evaluated for every n of ``ns`` at once, one operator at a time (about ten times
    as fast as n by n). Both sides of ``?:``, ``&&`` and ``||`` are computed: a division by zero
    where C would not divide raises ZeroDivisionError (see :func:`plural_forms_table`)."""
    kind = tree[0]
    if kind == "n":
        return list(ns)
    if kind == "int":
        return [tree[1]] * len(ns)  # type: ignore[list-item]
    if kind == "!":
        return list(map(operator.not_, _table(tree[1], ns)))  # type: ignore[arg-type]
    if kind == "?":
        condition, then, otherwise = (_table(t, ns) for t in tree[1:])  # type: ignore[arg-type]
        # (otherwise, then)[bool(condition)], n by n, without a Python step per n.
        return list(map(operator.getitem, zip(otherwise, then, strict=True), map(bool, condition)))
    left, right = _table(tree[1], ns), _table(tree[2], ns)  # type: ignore[arg-type]
    if kind == "&&":
        return list(map(operator.and_, map(bool, left), map(bool, right)))
    if kind == "||":
        return list(map(operator.or_, map(bool, left), map(bool, right)))
    values = list(map(_VECTOR[str(kind)], left, right))  # a C function each: no Python call per n
    if str(kind) in "+-*" and values and (min(values) < 0 or max(values) > _MASK):
        values = [v & _MASK for v in values]
    return values


@cache
def compile_plural(expr: str) -> Callable[[int], int]:
    """The function of ``n`` a gettext plural expression stands for; ValueError when it is not one.

    >>> f = compile_plural("n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2")
    >>> [f(n) for n in (0, 1, 2, 11, 21)]
    [2, 0, 1, 1, 0]
    >>> compile_plural("n.__class__")
    Traceback (most recent call last):
    ...
    ValueError: unexpected '.__class__'
    """
    return _function(_parse(expr))


@cache
def parse_plural_forms(value: str) -> tuple[int, str]:
    """``nplurals`` and the expression of a ``Plural-Forms`` value; ValueError when malformed.

    >>> parse_plural_forms("nplurals=2; plural=(n != 1);")
    (2, '(n != 1)')
    """
    match = _PLURAL_FORMS_RE.fullmatch(value)
    if match is None:
        raise ValueError(f"Plural-Forms {value[:80]!r} is not 'nplurals=N; plural=EXPRESSION;'")
    nplurals, expr = int(match.group(1)), match.group(2)
    if not 1 <= nplurals <= 6:
        raise ValueError(f"nplurals={nplurals} is out of range (languages have 1 to 6 forms)")
    if len(expr) > MAX_EXPRESSION:
        raise ValueError(f"plural expression is longer than {MAX_EXPRESSION} characters")
    return nplurals, expr


@cache
def plural_forms_table(value: str) -> tuple[int, tuple[int, ...]]:
    """``nplurals`` and the form a ``Plural-Forms`` value picks for each n of :data:`PLURAL_SAMPLE`.

    Raise ValueError with a message for the translator when the value is unusable.

    >>> plural_forms_table("nplurals=2; plural=(n != 1);")[1][:3]
    (1, 0, 1)
    >>> plural_forms_table("nplurals=2; plural=n > 5 ? 2 : 0;")
    Traceback (most recent call last):
    ...
    ValueError: plural expression gives 2 for n=6, but nplurals is 2 (forms are 0..1)
    """
    nplurals, expr = parse_plural_forms(value)
    try:
        tree = _parse(expr)
    except ValueError as exc:
        raise ValueError(f"plural expression {expr[:80]!r} cannot be parsed ({exc})") from None
    try:
        forms = _table(tree, PLURAL_SAMPLE)
    except ZeroDivisionError:
        forms = []  # a division by zero, maybe where C would not divide: n by n
        function = _function(tree)
        for n in PLURAL_SAMPLE:
            try:
                forms.append(function(n))
            except ZeroDivisionError as exc:
                raise ValueError(f"plural expression fails for n={n} ({exc})") from None
    forms = list(map(int, forms))  # bools from comparisons, as ints
    for n, form in enumerate(forms):
        if not 0 <= form < nplurals:
            raise ValueError(
                f"plural expression gives {form} for n={n}, but nplurals is {nplurals}"
                f" (forms are 0..{nplurals - 1})"
            )
    return nplurals, tuple(forms)


@cache
def form_map(source: str, target: str) -> tuple[int, ...] | None:
    """For each form of the ``target`` rule, the form of the ``source`` rule that says the same:
    the form ``source`` picks for every n ``target`` gives that form. None when there is no such
    form for some target form (the source rule has fewer distinctions, or other ones).

    Both are ``Plural-Forms`` values; ValueError when one is unusable.

    >>> form_map("nplurals=1; plural=0;", "nplurals=2; plural=(n != 1);")
    (0, 0)
    >>> form_map("nplurals=2; plural=(n != 1);", "nplurals=2; plural=(n == 1);")
    (1, 0)
    >>> form_map("nplurals=2; plural=(n != 1);", "nplurals=1; plural=0;") is None
    True
    """
    _, source_forms = plural_forms_table(source)
    nplurals, target_forms = plural_forms_table(target)
    mapping: dict[int, int] = {}
    for theirs, ours in zip(source_forms, target_forms, strict=True):
        if mapping.setdefault(ours, theirs) != theirs:
            return None
    if len(mapping) != nplurals:
        return None  # a target form that no n of the sample picks: nothing to take it from
    return tuple(mapping[i] for i in range(nplurals))


def remap_forms(msgstr: Sequence[str], mapping: Sequence[int]) -> list[str]:
    """The forms of a plural translation in the order of ``mapping`` (from :func:`form_map`).

    >>> remap_forms(["one", "other"], (1, 0))
    ['other', 'one']
    """
    return [msgstr[i] if i < len(msgstr) else "" for i in mapping]


def adopt_plural_forms(catalog: Catalog, plural_forms: str) -> list[tuple[int, str]]:
    """Put the forms of ``catalog``'s plural entries in the order of the rule ``plural_forms`` (the
    project's), from the order of the catalog's own ``Plural-Forms`` (a translator's tool may
    write GNU gettext's rule where the project has CLDR's: Arabic's forms 4 and 5 swap places).

    Changes ``catalog`` in place. Returns ``(line, reason)`` for each plural entry that cannot be
    mapped (the file's rule makes fewer or other distinctions than the project's); the forms of
    those entries are emptied, so that nothing of them is taken. A file without a usable
    ``Plural-Forms``, or with the same rule, is left as it is.
    """
    theirs = catalog.header_fields().get("Plural-Forms", "").strip() if catalog.header.msgstr[0] else ""
    if not theirs or theirs == plural_forms.strip():
        return []
    try:
        their_nplurals = plural_forms_table(theirs)[0]
        mapping = form_map(theirs, plural_forms)
    except ValueError:
        return []  # the validator reports it; the forms are taken as they are
    if mapping == tuple(range(their_nplurals)):
        return []
    problems: list[tuple[int, str]] = []
    for message in [*catalog.messages, *catalog.obsolete]:
        if message.msgid_plural is None or len(message.msgstr) != their_nplurals:
            continue  # a wrong number of forms is rejected entry by entry
        if mapping is None:
            if any(message.msgstr):
                problems.append(
                    (
                        message.lineno,
                        f"the file's Plural-Forms {theirs!r} cannot be mapped onto the project's"
                        f" {plural_forms!r}: its plural forms are not taken",
                    )
                )
            message.msgstr = [""] * len(message.msgstr)
        else:
            message.msgstr = remap_forms(message.msgstr, mapping)
    return problems
