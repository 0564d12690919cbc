"""Merge quality on real catalogs: a seeded simulated source update, and its score.

    python benchmarks/merge_corpus.py make OUT_DIR SOURCE.po... --unrelated OTHER.po... [--seed N] [--size N]
    python benchmarks/merge_corpus.py score OUT_DIR MERGED.po
    python benchmarks/merge_corpus.py run OUT_DIR... [--no-msgmerge]

``make`` joins the SOURCE catalogs (with ``msgcat --use-first``) into ``old.po``
(the first ``--size`` messages, when given) and writes ``new.pot``, a template
as the source would look after an update: 10 % of the translated msgids edited,
5 % removed, and as many as 5 % added from the unrelated catalogs. The kinds of
edit, in turn: one word replaced, a sentence appended, a sentence prepended,
punctuation, a number, whitespace (a doubled space), re-wrapping (spaces become
newlines). ``manifest.json`` records where every msgid of the template comes from.

``score`` judges a merged PO against the manifest, per kind of edit:

- right: fuzzy with the translation of the msgid it was edited from, or, on a
  whitespace edit or a re-wrap, that translation carried (fuzzy or not);
- wrong: another translation, or the right one carried without ``fuzzy`` on an
  edit that changes the text; an unchanged msgid whose translation changed;
- missed: no translation;
- stray: a translation proposed for an added (unrelated) msgid.

``run`` merges each corpus with lingopress and with GNU msgmerge (fuzzy
matching on, ``--previous``), scores both and prints one table. Generated
corpora belong in benchmarks/out/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lingopress.merge import merge_catalogs  # noqa: E402
from lingopress.pofile import Catalog, Message, read_po, save_po  # noqa: E402

KINDS = ("word", "append", "prepend", "punctuation", "number", "whitespace", "rewrap")
WHITESPACE_KINDS = {"whitespace", "rewrap"}
EDITED, REMOVED, ADDED = 0.10, 0.05, 0.05

_WORD_RE = re.compile(r"(?<![\w%{$`'\"])[A-Za-z\u00c0-\u024f]{3,}(?![\w}`'\"])")
_SENTENCE_RE = re.compile(r"[A-Z][^.!?\n]{15,120}[.!?](?=\s|$)")
_PUNCT = ".,;:!?"


def _key(message: Message) -> str:
    return message.msgid if message.msgctxt is None else f"{message.msgctxt}\x04{message.msgid}"


def _edit(kind: str, text: str, rng: random.Random, words: list[str], sentences: list[str]) -> str | None:
    """``text`` edited the way ``kind`` says, or None when that edit does not apply to it."""
    if kind == "word":
        found = list(_WORD_RE.finditer(text))
        if not found:
            return None
        m = rng.choice(found)
        word = rng.choice(words)
        return None if word == m.group() else text[: m.start()] + word + text[m.end() :]
    if kind in ("append", "prepend"):
        if not text.strip() or text.endswith("\n") or text.startswith("\n"):
            return None
        sentence = rng.choice(sentences)
        return f"{text} {sentence}" if kind == "append" else f"{sentence} {text}"
    if kind == "punctuation":
        marks = [i for i, c in enumerate(text) if c in _PUNCT]
        if marks and rng.random() < 0.5:
            i = rng.choice(marks)
            other = rng.choice([c for c in _PUNCT if c != text[i]])
            return text[:i] + other + text[i + 1 :]
        found = list(_WORD_RE.finditer(text))
        if not found:
            return None
        m = rng.choice(found)
        return text[: m.end()] + "," + text[m.end() :]
    if kind == "number":
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        if digits:
            i = rng.choice(digits)
            return text[:i] + str((int(text[i]) + rng.randint(1, 8)) % 10) + text[i + 1 :]
        found = list(_WORD_RE.finditer(text))
        if not found:
            return None
        m = rng.choice(found)
        return f"{text[: m.end()]} {rng.randint(2, 99)}{text[m.end() :]}"
    spaces = [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", text)]
    if not spaces:
        return None
    if kind == "whitespace":
        i = rng.choice(spaces)
        return text[:i] + "  " + text[i + 1 :]
    chosen = set(rng.sample(spaces, min(len(spaces), rng.randint(1, 3))))
    return "".join("\n" if i in chosen else c for i, c in enumerate(text))


def make(out: Path, sources: list[Path], unrelated: list[Path], seed: int, size: int | None) -> None:
    """Write ``old.po``, ``new.pot`` and ``manifest.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise SystemExit("msgcat (GNU gettext) is needed")
    subprocess.run([msgcat, "--use-first", "-o", str(out / "old.po"), *map(str, sources)], check=True)
    old = read_po(out / "old.po")
    old.obsolete = []
    if size is not None and len(old.messages) > size:
        old.messages = old.messages[:size]
    save_po(out / "old.po", old)
    rng = random.Random(seed)
    known = {m.msgid for m in old.messages}
    known_collapsed = {" ".join(m.msgid.split()) for m in old.messages}
    pool: list[str] = []
    for path in unrelated:
        for m in read_po(path).messages:
            collapsed = " ".join(m.msgid.split())
            if (
                m.msgid
                and m.msgid_plural is None
                and collapsed not in known_collapsed
                and m.msgid not in pool
            ):
                pool.append(m.msgid)
    pool = list(dict.fromkeys(pool))
    words = sorted({w for m in old.messages for w in _WORD_RE.findall(m.msgid)})
    sentences = sorted({s for text in pool for s in _SENTENCE_RE.findall(text)})
    messages = list(old.messages)
    candidates = [i for i, m in enumerate(messages) if m.translated and m.msgid_plural is None]
    count = len(messages)
    chosen = rng.sample(candidates, min(len(candidates), round(EDITED * count)))
    removed = set(rng.sample([i for i in range(count) if i not in set(chosen)], round(REMOVED * count)))
    edited: dict[int, tuple[str, str]] = {}
    taken = set(known)
    for n, i in enumerate(chosen):
        for attempt in range(len(KINDS)):
            kind = KINDS[(n + attempt) % len(KINDS)]
            text = _edit(kind, messages[i].msgid, rng, words, sentences)
            if text is not None and text not in taken:
                edited[i] = (kind, text)
                taken.add(text)
                break
    template = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    manifest: dict[str, object] = {"edited": {}, "added": [], "removed": [], "unchanged": []}
    entries: dict[str, dict[str, str]] = {}
    for i, m in enumerate(messages):
        if i in removed:
            manifest["removed"].append(_key(m))  # type: ignore[attr-defined]
            continue
        new = Message(
            m.msgid,
            [""] * len(m.msgstr),
            msgid_plural=m.msgid_plural,
            msgctxt=m.msgctxt,
            references=list(m.references),
            extracted_comments=list(m.extracted_comments),
            flags=[f for f in m.flags if f.endswith("-format")],
        )
        if i in edited:
            kind, new.msgid = edited[i]
            entries[_key(new)] = {"kind": kind, "old": _key(m), "msgstr": m.msgstr[0]}
        else:
            manifest["unchanged"].append(_key(m))  # type: ignore[attr-defined]
        template.messages.append(new)
    for text in rng.sample(pool, min(len(pool), round(ADDED * count))):
        if text in taken:
            continue
        position = rng.randrange(len(template.messages) + 1)
        template.messages.insert(position, Message(text, [""]))
        manifest["added"].append(text)  # type: ignore[attr-defined]
    manifest["edited"] = entries
    save_po(out / "new.pot", template)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=0), encoding="utf-8")
    added = len(manifest["added"])  # type: ignore[arg-type]
    print(f"{out}: {count} messages, {len(entries)} edited, {len(removed)} removed, {added} added")


def score(out: Path, merged_path: Path) -> dict[str, dict[str, int]]:
    """Counts per kind of edit: n, right, wrong, missed; and for added msgids n and stray."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    old = {_key(m): m for m in read_po(out / "old.po").messages}
    merged = {_key(m): m for m in read_po(merged_path).messages}
    table: dict[str, dict[str, int]] = {k: Counter() for k in (*KINDS, "unchanged", "added")}  # type: ignore[misc]
    for key, entry in manifest["edited"].items():
        row = table[entry["kind"]]
        row["n"] += 1
        m = merged[key]
        if not m.msgstr[0]:
            row["missed"] += 1
        elif m.msgstr[0] != entry["msgstr"]:
            row["wrong"] += 1
        elif m.fuzzy or entry["kind"] in WHITESPACE_KINDS:
            row["right"] += 1
        else:
            row["wrong"] += 1  # published unreviewed for a changed text
    for key in manifest["unchanged"]:
        row = table["unchanged"]
        row["n"] += 1
        before, after = old[key], merged[key]
        if before.msgstr != after.msgstr or before.fuzzy != after.fuzzy:
            row["wrong"] += 1
    for key in manifest["added"]:
        row = table["added"]
        row["n"] += 1
        if merged[key].msgstr[0]:
            row["stray"] += 1
    return {k: dict(v) for k, v in table.items()}


def _merge_lingopress(out: Path, target: Path) -> float:
    start = time.perf_counter()
    merged, _ = merge_catalogs(read_po(out / "new.pot"), read_po(out / "old.po"))
    save_po(target, merged)
    return time.perf_counter() - start


def _merge_msgmerge(out: Path, target: Path) -> float:
    msgmerge = shutil.which("msgmerge")
    if msgmerge is None:
        raise SystemExit("msgmerge (GNU gettext) is needed")
    start = time.perf_counter()
    subprocess.run(
        [msgmerge, "--quiet", "--previous", "-o", str(target), str(out / "old.po"), str(out / "new.pot")],
        check=True,
    )
    return time.perf_counter() - start


def _summary(scores: dict[str, dict[str, int]]) -> dict[str, int]:
    edited = [scores[k] for k in KINDS]
    return {
        "n": sum(r.get("n", 0) for r in edited),
        "right": sum(r.get("right", 0) for r in edited),
        "wrong": sum(r.get("wrong", 0) for r in edited) + scores["unchanged"].get("wrong", 0),
        "missed": sum(r.get("missed", 0) for r in edited),
        "stray": scores["added"].get("stray", 0),
        "added": scores["added"].get("n", 0),
    }


def run(dirs: list[Path], with_msgmerge: bool) -> None:
    """Merge and score every corpus with each tool; print a Markdown table."""
    tools = [("lingopress", _merge_lingopress)]
    if with_msgmerge:
        tools.append(("msgmerge", _merge_msgmerge))
    totals: dict[str, Counter[str]] = {name: Counter() for name, _ in tools}
    print("| corpus | tool | edited | right | recall | wrong pairings | missed | stray / added | time |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    per_kind: dict[str, dict[str, Counter[str]]] = {name: {k: Counter() for k in KINDS} for name, _ in tools}
    with tempfile.TemporaryDirectory() as tmp:
        for out in dirs:
            for name, merge in tools:
                target = Path(tmp) / f"{name}.po"
                seconds = merge(out, target)
                scores = score(out, target)
                s = _summary(scores)
                totals[name].update(s)
                totals[name]["time"] += round(seconds * 1000)
                for kind in KINDS:
                    per_kind[name][kind].update(scores[kind])
                recall = 100 * s["right"] / max(s["n"], 1)
                print(
                    f"| {out.name} | {name} | {s['n']} | {s['right']} | {recall:.1f} %"
                    f" | {s['wrong']} | {s['missed']} | {s['stray']} / {s['added']} | {seconds:.2f} s |"
                )
    for name, _ in tools:
        s = totals[name]
        print(
            f"| all | {name} | {s['n']} | {s['right']} | {100 * s['right'] / max(s['n'], 1):.1f} %"
            f" | {s['wrong']} | {s['missed']} | {s['stray']} / {s['added']} | {s['time'] / 1000:.2f} s |"
        )
    print()
    print("| kind of edit | " + " | ".join(f"{name} right / wrong / missed" for name, _ in tools) + " |")
    print("|---|" + "---:|" * len(tools))
    for kind in KINDS:
        cells = []
        for name, _ in tools:
            r = per_kind[name][kind]
            cells.append(f"{r['right']} / {r['wrong']} / {r['missed']} of {r['n']}")
        print(f"| {kind} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_make = sub.add_parser("make")
    p_make.add_argument("out", type=Path)
    p_make.add_argument("sources", type=Path, nargs="+")
    p_make.add_argument("--unrelated", type=Path, nargs="+", required=True)
    p_make.add_argument("--seed", type=int, default=1)
    p_make.add_argument("--size", type=int)
    p_score = sub.add_parser("score")
    p_score.add_argument("out", type=Path)
    p_score.add_argument("merged", type=Path)
    p_run = sub.add_parser("run")
    p_run.add_argument("dirs", type=Path, nargs="+")
    p_run.add_argument("--no-msgmerge", action="store_true")
    args = parser.parse_args()
    if args.command == "make":
        make(args.out, args.sources, args.unrelated, args.seed, args.size)
    elif args.command == "score":
        print(json.dumps(score(args.out, args.merged)))
    else:
        run(args.dirs, not args.no_msgmerge)


if __name__ == "__main__":
    main()
