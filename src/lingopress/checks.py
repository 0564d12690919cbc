"""Catalogs -> diagnostics and statistics: the CI gate.

Findings are data (:class:`Diagnostic`), collected in full and judged once.
The content checks here are independent of PO flags: a placeholder is checked
whether or not the entry says ``python-brace-format``, and fuzzy entries are
checked too. The renderer uses the same checks to refuse unsafe translations.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from lingopress.values import tokenize

__all__ = [
    "Diagnostic",
    "Problem",
    "Stats",
    "catalog_stats",
    "count_words",
    "placeholder_problems",
    "translation_problems",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding at ``path:line``."""

    path: str
    line: int
    severity: Severity
    code: str
    message: str
    locale: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message} [{self.code}]"


@dataclass(frozen=True, slots=True)
class Problem:
    """A content problem of one translation, before it is placed at a file and line."""

    severity: Severity
    code: str
    message: str


# --------------------------------------------------------------------------- content checks

_LINK_RE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_REF_LINK_RE = re.compile(r"\]\[([^\]]*)\]")
_CODE_RE = re.compile(r"(`+)(.+?)\1", re.S)
_HTML_RE = re.compile(r"<(?:[A-Za-z][\w:-]*(?:\s[^<>]*)?/?|/[A-Za-z][\w:-]*\s*|!--.*?--)>", re.S)
_BLOCK_START_RE = re.compile(r"(?:#{1,6}\s|[-*+]\s|>\s?|\d+[.)]\s|\||```|~~~|={3,}|-{3,})")
_STRONG_RE = re.compile(r"\*\*|__")
_EM_RE = re.compile(r"(?<![*\\])\*(?!\*)|(?<![\w_\\])_(?![_\w])|(?<=\w)_(?=[^\w])")
_IMAGE_RE = re.compile(r"!\[")


def _fields(text: str) -> tuple[list[str], list[Problem]]:
    names: list[str] = []
    problems: list[Problem] = []
    for token in tokenize(text):
        if token.error is not None:
            problems.append(Problem("error", "placeholders", token.error))
        elif token.field is not None:
            if not token.is_bare_name:
                problems.append(
                    Problem(
                        "error",
                        "placeholders",
                        f"placeholder {{{token.field}}} is not a bare name"
                        " (no attributes, indexes, conversions or format specs)",
                    )
                )
            names.append(token.field)
    return names, problems


def placeholder_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Placeholders of ``msgstr`` against ``msgid``: same names, bare, balanced braces."""
    if "{" not in msgid and "}" not in msgid and "{" not in msgstr and "}" not in msgstr:
        return []
    source_names, _ = _fields(msgid)
    names, problems = _fields(msgstr)
    missing = Counter(source_names) - Counter(names)
    extra = Counter(names) - Counter(source_names)
    if missing:
        shown = ", ".join(f"{{{n}}}" for n in missing)
        problems.append(Problem("error", "placeholders", f"placeholder missing: {shown}"))
    if extra:
        shown = ", ".join(f"{{{n}}}" for n in extra)
        problems.append(Problem("error", "placeholders", f"placeholder not in the source: {shown}"))
    return problems


def _strip_code(text: str) -> str:
    return _CODE_RE.sub("", text)


def _links(text: str) -> list[str]:
    text = _strip_code(text)
    return sorted(
        [m.group(1) for m in _LINK_RE.finditer(text)]
        + [m.group(1) for m in _AUTOLINK_RE.finditer(text)]
        + [m.group(1).lower() for m in _REF_LINK_RE.finditer(text)]
    )


def markup_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Inline Markdown and HTML of ``msgstr`` against ``msgid``."""
    problems: list[Problem] = []
    source_links, links = _links(msgid), _links(msgstr)
    if source_links != links:
        lost = sorted((Counter(source_links) - Counter(links)).elements())
        added = sorted((Counter(links) - Counter(source_links)).elements())
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(lost)}" if lost else "",
                f"not in the source: {', '.join(added)}" if added else "",
            )
            if part
        )
        problems.append(Problem("error", "links", f"link targets differ from the source ({detail})"))
    source_code = sorted(m.group(2) for m in _CODE_RE.finditer(msgid))
    code = sorted(m.group(2) for m in _CODE_RE.finditer(msgstr))
    if source_code != code:
        problems.append(Problem("error", "markup", "code spans differ from the source (keep `code` as is)"))
    plain_id, plain_str = _strip_code(msgid), _strip_code(msgstr)
    for name, pattern in (("strong emphasis (**)", _STRONG_RE), ("images (![...])", _IMAGE_RE)):
        if len(pattern.findall(plain_id)) != len(pattern.findall(plain_str)):
            problems.append(Problem("error", "markup", f"{name} markers differ from the source"))
    ems = (
        len(_EM_RE.findall(_STRONG_RE.sub("", plain_id))),
        len(_EM_RE.findall(_STRONG_RE.sub("", plain_str))),
    )
    if ems[0] != ems[1] and (ems[0] % 2 == 0 or ems[1] % 2 == 0):
        problems.append(Problem("error", "markup", "emphasis (*) markers differ from the source"))
    if _HTML_RE.search(plain_str) and not _HTML_RE.search(plain_id):
        problems.append(Problem("error", "html", "raw HTML in the translation; the source has none"))
    if _BLOCK_START_RE.match(msgstr.lstrip()) and not _BLOCK_START_RE.match(msgid.lstrip()):
        problems.append(
            Problem(
                "error", "block", "translation starts with Markdown block syntax (heading, list, quote...)"
            )
        )
    return problems


def style_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Warnings a reviewer wants to see, none of which stops a release by itself."""
    problems: list[Problem] = []
    if msgstr == msgid and any(c.isalpha() for c in msgid) and len(msgid.split()) > 1:
        problems.append(Problem("warning", "same-as-source", "translation is identical to the source"))
    if msgstr != msgstr.strip() or msgid != msgid.strip():
        if (msgstr[:1].isspace(), msgstr[-1:].isspace()) != (msgid[:1].isspace(), msgid[-1:].isspace()):
            problems.append(
                Problem("warning", "whitespace", "leading/trailing whitespace differs from the source")
            )
    if "  " in msgstr and "  " not in msgid:
        problems.append(Problem("warning", "whitespace", "double space in the translation"))
    end_id, end_str = _end_punct(msgid), _end_punct(msgstr)
    if end_id != end_str and not _equivalent_ends(end_id, end_str):
        shown = end_id or "none"
        problems.append(
            Problem(
                "warning",
                "punctuation",
                f"ends with {end_str or 'no punctuation'!r}, the source with {shown!r}",
            )
        )
    return problems


_END_CLASSES = [
    set(".。।۔॥"),
    set("?？؟;;"),
    set("!！"),
    set(":："),
]


def _end_punct(text: str) -> str:
    stripped = text.rstrip().rstrip("*_)»\"'”’」")
    return stripped[-1:] if stripped[-1:] in ".?!:。？！：؟;।۔…" else ""


def _equivalent_ends(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _END_CLASSES)


def translation_problems(msgid: str, msgstr: str) -> list[Problem]:
    """Every error and warning for one translated string (empty: fine)."""
    return (
        placeholder_problems(msgid, msgstr) + markup_problems(msgid, msgstr) + style_problems(msgid, msgstr)
    )


def render_safe(msgid: str, msgstr: str) -> bool:
    """Whether a translation may be put on a page: no error-level problem."""
    return not any(
        p.severity == "error" for p in placeholder_problems(msgid, msgstr) + markup_problems(msgid, msgstr)
    )


# --------------------------------------------------------------------------- statistics

_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


def count_words(text: str) -> int:
    """Source words as translators count them (pocount's rule: runs of letters and digits).

    >>> count_words("It costs {price} — really?")
    4
    """
    return len(_WORD_RE.findall(text))


@dataclass(slots=True)
class Stats:
    """Messages and source words by state, for one catalog or a sum of them."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    domains: dict[str, Stats] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Share of translated messages, 0-100 (100 for an empty catalog)."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def add(self, other: Stats) -> None:
        self.translated += other.translated
        self.fuzzy += other.fuzzy
        self.untranslated += other.untranslated
        self.translated_words += other.translated_words
        self.fuzzy_words += other.fuzzy_words
        self.untranslated_words += other.untranslated_words


def catalog_stats(messages: Iterable[object]) -> Stats:
    """Count the states of the (non-obsolete) messages: a plural entry with an empty form is
    untranslated, whatever msgfmt says; a fuzzy entry is fuzzy, whatever pybabel says."""
    from lingopress.pofile import Message

    stats = Stats()
    for message in messages:
        assert isinstance(message, Message)
        words = count_words(message.msgid)
        if message.msgid_plural is not None:
            words += count_words(message.msgid_plural)
        if message.fuzzy and message.has_translation:
            stats.fuzzy += 1
            stats.fuzzy_words += words
        elif all(message.msgstr):
            stats.translated += 1
            stats.translated_words += words
        else:
            stats.untranslated += 1
            stats.untranslated_words += words
    return stats
