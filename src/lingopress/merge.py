"""POT + PO -> updated PO, with msgmerge's semantics: nothing a translator wrote is lost.

- a msgid that is still there keeps its translation, comments and flags;
- exact msgids are matched first; a msgid whose only change is whitespace then takes the
  translation of an entry no other msgid uses, as it is unless the change touches what
  whitespace means (leading or trailing newlines, code spans, quoted literals): then fuzzy;
- a changed msgid is matched fuzzily to its old entry: the translation is kept,
  marked fuzzy, and the old msgid is recorded as ``#| msgid``;
- a removed msgid becomes obsolete (``#~``); one that returns is revived as fuzzy.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from lingopress.pofile import Catalog, Message, bulk_allocation
from lingopress.segment import collapse

__all__ = ["FuzzyIndex", "MergeSummary", "is_close", "match_fuzzy", "merge_catalogs", "whitespace_only"]

_FORMAT_FLAG_RE = re.compile(r"(?:no-)?[\w-]+-format$")
_WORD_RE = re.compile(r"\w+")


@dataclass(slots=True)
class MergeSummary:
    """What a merge did, for the report."""

    kept: int = 0
    fuzzy: int = 0
    revived: int = 0
    new: int = 0
    obsoleted: int = 0


_TOKEN_RE = re.compile(r"\w+|[^\w\s]")

MIN_SCORE = 55.0
"""Below this similarity (rapidfuzz ratio, 0-100) two strings are never paired."""
CLOSE_SCORE = 75.0
"""From this similarity on, two strings are paired whatever the number of words changed."""
MAX_WORDS_CHANGED = 2
"""Between the two scores, at most this many words (and half of them) may differ."""


def is_close(new: str, old: str, score: float) -> bool:
    """Whether ``old`` is a plausible previous version of ``new``, given their ratio ``score``.

    A small edit in a long paragraph scores high; in a short string the score
    alone cannot tell an edit from an unrelated string, so there the number of
    words that changed decides.

    >>> is_close("Set a new protocol.", "Set the new protocol.", 80.0)
    True
    >>> is_close("Add a file", "Remove the file", 56.0)
    False
    """
    if score >= CLOSE_SCORE:
        return True
    if score < MIN_SCORE:
        return False
    new_tokens, old_tokens = _TOKEN_RE.findall(new), _TOKEN_RE.findall(old)
    changed = Levenshtein.distance(new_tokens, old_tokens, score_cutoff=MAX_WORDS_CHANGED + 1)
    if changed <= MAX_WORDS_CHANGED and changed * 2 <= max(len(new_tokens), len(old_tokens)):
        return True
    return _grown(old_tokens, new_tokens) or _grown(new_tokens, old_tokens)


MIN_KEPT_WORDS = 4
"""A string that grew by a sentence is paired only when it keeps at least this many words."""


def _grown(short: list[str], long: list[str]) -> bool:
    """Whether ``long`` is ``short`` with one stretch of text inserted (a sentence added before,
    after or inside it), give or take :data:`MAX_WORDS_CHANGED` words replaced there.

    >>> _grown("The cache is fast and small .".split(), "The cache is fast and small . It runs .".split())
    True
    """
    size = min(len(short), len(long))
    head = 0
    while head < size and short[head] == long[head]:
        head += 1
    tail = 0
    while tail < size - head and short[-1 - tail] == long[-1 - tail]:
        tail += 1
    kept = short[:head] + short[len(short) - tail :]
    words = sum(1 for t in kept if t[0].isalnum() or t[0] == "_")
    return len(short) - len(kept) <= MAX_WORDS_CHANGED and words >= MIN_KEPT_WORDS


class FuzzyIndex:
    """Finds the old strings close to a new one, without comparing all pairs.

    Candidates are the old strings that share the new string's rarest words (an
    inverted index) and, for short strings, whose words are too common to
    index, the old strings of about the same length; only candidates are scored
    with rapidfuzz.
    """

    SHORT = 80
    """Strings up to this length are also compared with every old string of about their length."""

    def __init__(self, strings: Iterable[str], max_candidates: int = 24):
        self.strings = list(strings)
        self.max_candidates = max_candidates
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(self.strings):
            for word in set(_WORD_RE.findall(text.lower())):
                self.postings[word].append(i)
        self.common = max(64, len(self.strings) // 16)
        short = sorted((len(t), i) for i, t in enumerate(self.strings) if len(t) <= self.SHORT * 2)
        self._short_lengths = [length for length, _ in short]
        self._short_ids = [i for _, i in short]
        self._short_texts = [self.strings[i] for i in self._short_ids]

    def candidates(self, text: str) -> list[tuple[float, int]]:
        """The old strings close to ``text`` (see :func:`is_close`), as (score, index), best first."""
        postings = self.postings
        words = [w for w in set(_WORD_RE.findall(text.lower())) if w in postings]
        words.sort(key=lambda w: (len(postings[w]), w))
        votes: Counter[int] = Counter()
        for word in words[:8]:
            if len(postings[word]) > self.common:
                break
            votes.update(postings[word])
        found = self._scored(text, {i for i, _ in votes.most_common(self.max_candidates)})
        if len(text) <= self.SHORT and (not found or found[0][0] < CLOSE_SCORE):
            pool = set()
            # Two changed words move the length by a few dozen characters at most.
            low = bisect_left(self._short_lengths, len(text) - 24)
            high = bisect_right(self._short_lengths, len(text) + 24)
            for _, _score, k in process.extract(
                text,
                self._short_texts[low:high],
                scorer=fuzz.ratio,
                score_cutoff=MIN_SCORE,
                limit=self.max_candidates,
            ):
                pool.add(self._short_ids[low + k])
            found = self._scored(text, pool | {i for _, i in found})
        return found

    def _scored(self, text: str, pool: set[int]) -> list[tuple[float, int]]:
        found = []
        for i in pool:
            candidate = self.strings[i]
            score = fuzz.ratio(text, candidate, score_cutoff=MIN_SCORE)
            if score and is_close(text, candidate, score):
                found.append((score, i))
        found.sort(key=lambda pair: (-pair[0], pair[1]))
        return found


def match_fuzzy(new: list[str], old: list[str]) -> dict[int, int]:
    """Pair changed msgids with old ones: the closest pairs first, each string used once.

    Returns ``{index in new: index in old}``. Deciding by the best pairs overall,
    not in file order, keeps an unrelated string from taking the old version of
    an edited one.
    """
    index = FuzzyIndex(old)
    pairs = [(score, n, o) for n, text in enumerate(new) for score, o in index.candidates(text)]
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _, n, o in pairs:
        if n not in matched and o not in taken:
            matched[n] = o
            taken.add(o)
    return matched


_LITERAL_RE = re.compile(r"(`+).+?\1|(?<!\w)'[^'\n]*'(?!\w)|(?<!\w)\"[^\"\n]*\"(?!\w)", re.S)


def _edges(text: str) -> tuple[str, str]:
    body = text.strip()
    if not body:
        return (text, "")
    start = text.index(body[0])
    return text[:start], text[start + len(body) :]


def whitespace_only(old: str, new: str) -> bool:
    """Whether ``new`` says what ``old`` says, its whitespace changed only where it means nothing.

    Both must collapse to the same text; their leading and trailing whitespace
    (newlines included, which ``msgfmt -c`` requires the translation to keep) and
    their code spans and quoted literals must be the same, character for character.

    >>> whitespace_only("a  b\\nc", "a b c"), whitespace_only("Use ``' '``.", "Use ``'  '``.")
    (True, False)
    >>> whitespace_only("Done", "Done\\n")
    False
    """
    if collapse(old) != collapse(new) or _edges(old) != _edges(new):
        return False
    if "`" in new or "'" in new or '"' in new:
        literals = [m.group() for m in _LITERAL_RE.finditer(old)]
        return literals == [m.group() for m in _LITERAL_RE.finditer(new)]
    return True


def _carry(new: Message, old: Message) -> Message:
    """``new`` (from the POT) with the translator's part of ``old``: translation, comments, flags."""
    forms = len(new.msgstr)
    translator_comments = list(old.translator_comments)
    if new.msgid_plural is None:
        msgstr = [old.msgstr[0]]
        # A message that lost its plural: the other forms stay in a comment for the translator.
        translator_comments.extend(
            f"msgstr[{i}] before the source became singular: {form}"
            for i, form in enumerate(old.msgstr[1:], 1)
            if form and old.msgid_plural is not None
        )
    elif old.msgid_plural is not None:
        msgstr = (list(old.msgstr) + [""] * forms)[: max(forms, len(old.msgstr))]
    else:
        msgstr = [old.msgstr[0]] + [""] * (forms - 1)
    if old.flags or new.flags:
        # Format flags describe the source text: the template's are right; the rest is the translator's.
        other_flags = [f for f in old.flags if not _FORMAT_FLAG_RE.match(f)]
        flags = other_flags + [f for f in new.flags if _FORMAT_FLAG_RE.match(f) and f not in other_flags]
    else:
        flags = []
    return Message(
        msgid=new.msgid,
        msgstr=msgstr,
        msgid_plural=new.msgid_plural,
        msgctxt=new.msgctxt,
        translator_comments=translator_comments,
        extracted_comments=list(new.extracted_comments),
        references=list(new.references),
        flags=flags,
        previous_msgctxt=old.previous_msgctxt,
        previous_msgid=old.previous_msgid,
        previous_msgid_plural=old.previous_msgid_plural,
    )


def _mark_fuzzy(message: Message, old: Message) -> None:
    if message.has_translation:
        message.fuzzy = True
    if message.previous_msgid is None or not old.fuzzy:
        message.previous_msgctxt = old.msgctxt
        message.previous_msgid = old.msgid
        message.previous_msgid_plural = old.msgid_plural


def merge_catalogs(
    pot: Catalog,
    po: Catalog,
    *,
    fuzzy_matching: bool = True,
    keep_obsolete: bool = True,
    nplurals: int | None = None,
) -> tuple[Catalog, MergeSummary]:
    """Merge the template ``pot`` into the translations ``po``; neither is modified."""
    with bulk_allocation():
        return _merge(pot, po, fuzzy_matching, keep_obsolete, nplurals)


def _merge(
    pot: Catalog, po: Catalog, fuzzy_matching: bool, keep_obsolete: bool, nplurals: int | None
) -> tuple[Catalog, MergeSummary]:
    summary = MergeSummary()
    active = {m.key: m for m in po.messages}
    obsolete = {m.key: m for m in po.obsolete}
    used: set[int] = set()
    result = Catalog(header=po.header.copy(), path=po.path)
    template: list[Message] = []
    waiting: list[int] = []
    # First every exact match (context and raw msgid), so that no looser match can take an old
    # entry whose own msgid is still in the template.
    for new in pot.messages:
        if new.msgid_plural is not None and nplurals is not None:
            new = new.copy()
            new.msgstr = [""] * nplurals
        old = active.get(new.key)
        if old is not None:
            used.add(id(old))
            merged = _carry(new, old)
            if (old.msgid_plural is None) != (new.msgid_plural is None):
                _mark_fuzzy(merged, old)  # the forms no longer fit: a translator must look
            result.messages.append(merged)
            summary.kept += 1
        else:
            waiting.append(len(result.messages))
            result.messages.append(new)
        template.append(new)

    pending: list[tuple[int, Message]] = []
    by_collapsed: dict[tuple[str | None, str], list[Message]] | None = None
    for position in waiting:
        new = template[position]
        # A change of whitespace only (a re-wrapped source) is no change for the translator, as
        # long as the old entry is not still in use and nothing that whitespace means changed.
        if by_collapsed is None:
            by_collapsed = defaultdict(list)
            for m in po.messages:
                if id(m) not in used:
                    by_collapsed[(m.msgctxt, collapse(m.msgid))].append(m)
        same = [m for m in by_collapsed.get((new.msgctxt, collapse(new.msgid)), ()) if id(m) not in used]
        if same:
            old = min(same, key=lambda m: Levenshtein.distance(m.msgid, new.msgid))
            used.add(id(old))
            merged = _carry(new, old)
            if (old.msgid_plural is None) != (new.msgid_plural is None) or not whitespace_only(
                old.msgid, new.msgid
            ):
                _mark_fuzzy(merged, old)
            if merged.fuzzy and not old.fuzzy:
                summary.fuzzy += 1
            else:
                summary.kept += 1
            result.messages[position] = merged
            continue
        revived = obsolete.pop(new.key, None)
        if revived is not None:
            merged = _carry(new, revived)
            if merged.has_translation:
                merged.fuzzy = True
            result.messages[position] = merged
            summary.revived += 1
            continue
        pending.append((position, new))
        result.messages[position] = new.copy()

    leftovers = [m for m in po.messages if id(m) not in used and m.has_translation]
    matched = 0
    if fuzzy_matching and pending and leftovers:
        matches = match_fuzzy([new.msgid for _, new in pending], [m.msgid for m in leftovers])
        matched = len(matches)
        for k, o in sorted(matches.items()):
            position, new = pending[k]
            old = leftovers[o]
            used.add(id(old))
            merged = _carry(new, old)
            _mark_fuzzy(merged, old)
            result.messages[position] = merged
            summary.fuzzy += 1
    summary.new = len(pending) - matched

    if keep_obsolete:
        for old in po.messages:
            if id(old) not in used and old.has_translation:
                gone = old.copy()
                gone.obsolete = True
                gone.references = []
                gone.extracted_comments = []
                result.obsolete.append(gone)
                summary.obsoleted += 1
        result.obsolete.extend(m.copy() for m in obsolete.values())
    return result, summary
