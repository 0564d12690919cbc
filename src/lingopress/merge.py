"""POT + PO -> updated PO, with msgmerge's semantics: nothing a translator wrote is lost.

- a msgid that is still there keeps its translation, comments and flags;
- a msgid whose only change is whitespace keeps its translation as it is;
- a changed msgid is matched fuzzily to its old entry: the translation is kept,
  marked fuzzy, and the old msgid is recorded as ``#| msgid``;
- a removed msgid becomes obsolete (``#~``); one that returns is revived as fuzzy.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from lingopress.pofile import Catalog, Message
from lingopress.segment import collapse

__all__ = ["FuzzyIndex", "MergeSummary", "merge_catalogs"]

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


def _score_cutoff(length: int) -> float:
    """The similarity a fuzzy match needs: stricter for short strings, where one word is a lot."""
    if length < 20:
        return 90.0
    if length < 60:
        return 80.0
    return 70.0


class FuzzyIndex:
    """Finds, for a new msgid, the most similar old msgid, without comparing all pairs.

    Candidates are the old strings that share the new string's rarest words
    (an inverted index); only those are scored with rapidfuzz's ratio.
    """

    def __init__(self, strings: Iterable[str], max_candidates: int = 20):
        self.strings = list(strings)
        self.max_candidates = max_candidates
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, text in enumerate(self.strings):
            for word in set(_WORD_RE.findall(text.lower())):
                self.postings[word].append(i)
        self.used: set[int] = set()

    def best(self, text: str) -> int | None:
        words = set(_WORD_RE.findall(text.lower()))
        if not words:
            return None
        n = len(self.strings)
        # The rarest words first: they pick out the paraphrase, common words pick out everything.
        ranked = sorted((w for w in words if w in self.postings), key=lambda w: len(self.postings[w]))
        votes: Counter[int] = Counter()
        for word in ranked[:12]:
            postings = self.postings[word]
            if len(postings) > max(50, n // 10):
                break
            weight = math.log(1 + n / len(postings))
            for i in postings:
                votes[i] += weight  # type: ignore[assignment]
        cutoff = _score_cutoff(len(text))
        best, best_score = None, cutoff
        for i, _ in votes.most_common(self.max_candidates):
            if i in self.used:
                continue
            candidate = self.strings[i]
            if min(len(candidate), len(text)) / max(len(candidate), len(text), 1) < cutoff / 100:
                continue
            score = fuzz.ratio(text, candidate, score_cutoff=best_score)
            if score > best_score or (best is None and score >= cutoff):
                best, best_score = i, score
        return best


def _carry(new: Message, old: Message) -> Message:
    """``new`` (from the POT) with the translator's part of ``old``."""
    merged = new.copy()
    forms = len(new.msgstr)
    if new.msgid_plural is not None and old.msgid_plural is not None:
        merged.msgstr = (list(old.msgstr) + [""] * forms)[: max(forms, len(old.msgstr))]
    elif new.msgid_plural is None and old.msgid_plural is None:
        merged.msgstr = [old.msgstr[0]]
    else:
        merged.msgstr = [old.msgstr[0]] + [""] * (forms - 1) if new.msgid_plural else [old.msgstr[0]]
    merged.translator_comments = list(old.translator_comments)
    format_flags = [f for f in new.flags if _FORMAT_FLAG_RE.match(f)]
    other_flags = [f for f in old.flags if not _FORMAT_FLAG_RE.match(f)]
    merged.flags = other_flags + [f for f in format_flags if f not in other_flags]
    merged.previous_msgctxt = old.previous_msgctxt
    merged.previous_msgid = old.previous_msgid
    merged.previous_msgid_plural = old.previous_msgid_plural
    merged.obsolete = False
    merged.lineno = 0
    return merged


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
    summary = MergeSummary()
    active = {m.key: m for m in po.messages}
    by_collapsed = {(m.msgctxt, collapse(m.msgid)): m for m in po.messages}
    obsolete = {m.key: m for m in po.obsolete}
    used: set[int] = set()
    result = Catalog(header=po.header.copy(), path=po.path)
    pending: list[tuple[int, Message]] = []
    for new in pot.messages:
        if new.msgid_plural is not None and nplurals is not None:
            new = new.copy()
            new.msgstr = [""] * nplurals
        old = active.get(new.key) or by_collapsed.get((new.msgctxt, collapse(new.msgid)))
        if old is not None and id(old) not in used:
            used.add(id(old))
            result.messages.append(_carry(new, old))
            summary.kept += 1
            continue
        revived = obsolete.pop(new.key, None)
        if revived is not None:
            merged = _carry(new, revived)
            if merged.has_translation:
                merged.fuzzy = True
            result.messages.append(merged)
            summary.revived += 1
            continue
        pending.append((len(result.messages), new))
        result.messages.append(new.copy())

    leftovers = [m for m in po.messages if id(m) not in used and m.has_translation]
    if fuzzy_matching and pending and leftovers:
        index = FuzzyIndex(m.msgid for m in leftovers)
        for position, new in pending:
            found = index.best(new.msgid)
            if found is None:
                continue
            old = leftovers[found]
            index.used.add(found)
            used.add(id(old))
            merged = _carry(new, old)
            _mark_fuzzy(merged, old)
            result.messages[position] = merged
            summary.fuzzy += 1
    summary.new = len(pending) - summary.fuzzy

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
