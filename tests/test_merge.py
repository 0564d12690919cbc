"""merge: POT + PO -> PO, with msgmerge's semantics and nothing a translator wrote lost."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lingopress.catalogs import update_project
from lingopress.config import Config, load_config
from lingopress.extract import extract_project, write_pots
from lingopress.merge import FuzzyIndex, is_close, match_fuzzy, merge_catalogs, whitespace_only
from lingopress.pofile import Catalog, Message, format_po, parse_po, read_po, save_po

TRIPLES = Path(__file__).parent / "merge"
CASES = sorted(p.name for p in TRIPLES.iterdir() if p.is_dir())
CORPUS = Path(__file__).resolve().parent / "fixtures" / "po-merge"


def _merge_case(name: str) -> str:
    case = TRIPLES / name
    merged, _ = merge_catalogs(read_po(case / "template.pot"), read_po(case / "before.po"), nplurals=2)
    return format_po(merged)


@pytest.mark.parametrize("name", CASES)
def test_merge_triples(name: str) -> None:
    """before.po + template.pot gives after.po, byte for byte."""
    assert _merge_case(name) == (TRIPLES / name / "after.po").read_text(encoding="utf-8")


def _entries(text: str) -> dict[str, tuple[str, ...]]:
    catalog = parse_po(text)
    return {m.msgid: (*m.msgstr, "fuzzy" if m.fuzzy else "", m.previous_msgid or "") for m in catalog} | {
        f"~{m.msgid}": tuple(m.msgstr) for m in catalog.obsolete
    }


def test_changed_msgid_keeps_translation_as_fuzzy_with_previous() -> None:
    """A one-word edit, in a long paragraph and in a short string, is matched and marked."""
    entries = _entries(_merge_case("changed"))
    long_id = next(k for k in entries if k.startswith("The treatment"))
    assert entries[long_id][0].startswith("Die Behandlung")
    assert entries[long_id][1] == "fuzzy"
    assert "that the doctors recommend" in entries[long_id][2]
    assert entries["Book a free consultation"] == ("Beratung buchen", "fuzzy", "Book a consultation")


def test_whitespace_change_keeps_translation_as_is() -> None:
    """Re-wrapping or re-spacing the source is not a change for the translator."""
    entries = _entries(_merge_case("whitespace"))
    assert entries["Psoriasis is a chronic disease of the skin."] == (
        "Schuppenflechte ist eine chronische Hautkrankheit.",
        "",
        "",
    )


def test_removed_becomes_obsolete_and_returning_msgid_is_revived_fuzzy() -> None:
    """Removed translations go to the end as #~; one that comes back is fuzzy, not lost."""
    removed = _entries(_merge_case("removed"))
    assert removed["~Our prices were last updated in January."] == (
        "Unsere Preise wurden zuletzt im Januar aktualisiert.",
    )
    assert "~Untranslated and removed" not in removed
    assert _entries(_merge_case("revived"))["Contact us"] == ("Kontakt", "fuzzy", "")


def test_translator_comments_and_flags_survive() -> None:
    """Translator comments and flags stay; extracted comments, references and format flags follow the POT."""
    merged = parse_po(_merge_case("comments"))
    welcome, psoriasis = merged.messages
    assert welcome.translator_comments == ["Translator: keep the clinic name in Latin letters."]
    assert welcome.extracted_comments == ["title"]
    assert welcome.references == ["source/a.md:1", "source/b.md:4"]
    assert welcome.flags == ["python-brace-format", "no-wrap"]
    assert psoriasis.fuzzy and psoriasis.msgstr == ["Schuppenflechte"]


def test_purge_drops_obsolete_entries() -> None:
    """With keep_obsolete=False no #~ entry is written, old or new."""
    case = TRIPLES / "revived"
    po = read_po(case / "before.po")
    pot = read_po(case / "template.pot")
    pot.messages.pop()  # "Contact us" stays removed
    merged, summary = merge_catalogs(pot, po, keep_obsolete=False)
    assert merged.obsolete == [] and summary.obsoleted == 0


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"GNU gettext ({name}) is required for this test"
    return path


@pytest.mark.gettext
@pytest.mark.parametrize("name", CASES)
def test_output_passes_msgfmt_and_msgcat_keeps_it(name: str, tmp_path: Path) -> None:
    """msgfmt --check accepts what we write, and msgcat rewrites it unchanged."""
    after = TRIPLES / name / "after.po"
    subprocess.run([_tool("msgfmt"), "--check", "-o", str(tmp_path / "x.mo"), str(after)], check=True)
    again = subprocess.run([_tool("msgcat"), str(after)], check=True, capture_output=True, text=True).stdout
    assert again == after.read_text(encoding="utf-8")


# Where we differ from msgmerge on purpose: whitespace-only edits stay translated, a
# revived obsolete translation is marked fuzzy, and a translator's no-wrap flag stays.
_DIFFERENT_ON_PURPOSE = {"whitespace", "revived"}


@pytest.mark.gettext
@pytest.mark.parametrize("name", [c for c in CASES if c not in _DIFFERENT_ON_PURPOSE])
def test_same_entries_and_states_as_msgmerge(name: str, tmp_path: Path) -> None:
    """msgmerge --previous on the same inputs gives the same entries, translations and states."""
    case = TRIPLES / name
    out = tmp_path / "mm.po"
    command = [_tool("msgmerge"), "--quiet", "--previous", "-o", str(out)]
    subprocess.run([*command, str(case / "before.po"), str(case / "template.pot")], check=True)
    assert _entries(out.read_text(encoding="utf-8")) == _entries(_merge_case(name))


def test_fuzzy_index_finds_one_word_edit_in_long_paragraph() -> None:
    """A one-word change in a 600-character paragraph is found among many other paragraphs."""
    base = (
        "Mesenchymal stem cells are taken from the patient's own fat tissue or bone marrow, grown in the "
        "laboratory for several weeks, checked for purity and viability, and then given back through an "
        "intravenous infusion in the clinic. The procedure is done under local anaesthesia, takes about "
        "an hour, and most patients go back to their hotel the same day. Doctors follow up with blood "
        "tests and skin examinations after one, three and six months, and adjust the treatment plan when "
        "the results show that the inflammation has not gone down as much as expected by the team. "
        "Costs are covered by some insurers."
    )
    others = [f"Paragraph {i} about topic {i * 7} and the clinic number {i} in the city." for i in range(300)]
    index = FuzzyIndex([*others, base])
    edited = base.replace("several weeks", "several days")
    assert len(base) > 590
    assert index.candidates(edited)[0][1] == len(others)


def test_unrelated_short_strings_are_not_paired() -> None:
    """Short strings that share a word or two but say something else get no suggestion."""
    new = ["Add a file", "Contact", "Prices", "Open the menu"]
    old = ["Remove the file", "Contacts", "Close the door"]
    assert match_fuzzy(new, old) == {1: 1}
    assert not is_close("Add a file", "Remove the file", 56.0)


def test_best_pairs_win_over_file_order() -> None:
    """An edited string keeps its own old version even if a looser match comes first."""
    old = ["The module defines the following functions:"]
    new = [
        "The module also defines the following functions and constants:",
        "The module defines the following function:",
    ]
    assert is_close(new[0], old[0], 80.0)
    assert match_fuzzy(new, old) == {1: 0}


def test_corpus_recall_and_no_stray_suggestions() -> None:
    """On an excerpt of a real catalog (300 messages, 14 edited by a word or two, 19 added): every
    edit comes back fuzzy with its old translation, and no new text gets a suggestion."""
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    merged, _ = merge_catalogs(read_po(CORPUS / "new.pot"), read_po(CORPUS / "old.po"))
    by_id = {m.msgid: m for m in merged}
    edited = manifest["edited"]
    right = sum(
        1
        for msgid in edited
        if by_id[msgid].fuzzy and by_id[msgid].msgstr[0] == manifest["edited_old_msgstr"][msgid]
    )
    stray = sum(1 for msgid in manifest["added"] if by_id[msgid].msgstr[0])
    assert len(edited) == 14 and right == len(edited)
    assert stray == 0
    removed = set(manifest["removed"])
    assert removed and not removed & set(by_id)


# --------------------------------------------------------------------------- properties

_WORDS = st.sampled_from(["stem", "cell", "therapy", "psoriasis", "clinic", "patient", "week", "doctor"])
_MSGID = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)


def _catalog(entries: list[tuple[str, str, bool]], obsolete: bool = False) -> Catalog:
    catalog = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    for msgid, msgstr, fuzzy in entries:
        message = Message(msgid, [msgstr], flags=["fuzzy"] if fuzzy and msgstr else [], obsolete=obsolete)
        (catalog.obsolete if obsolete else catalog.messages).append(message)
    return catalog


_ENTRIES = st.lists(
    st.tuples(_MSGID, st.sampled_from(["", "Übersetzung", "Stammzelle", "Klinik"]), st.booleans()),
    max_size=10,
    unique_by=lambda e: e[0],
)


@settings(max_examples=150, deadline=None)
@given(_ENTRIES, _ENTRIES, st.lists(_MSGID, max_size=10, unique=True))
def test_update_is_idempotent_and_loses_no_translation(
    active: list[tuple[str, str, bool]], gone: list[tuple[str, str, bool]], template: list[str]
) -> None:
    """Merging twice changes nothing more, and every translation is still somewhere in the file."""
    gone = [e for e in gone if e[0] not in {a[0] for a in active}]
    po = _catalog(active)
    po.obsolete = _catalog(gone, obsolete=True).obsolete
    pot = _catalog([(msgid, "", False) for msgid in template])
    once, _ = merge_catalogs(pot, po)
    twice, _ = merge_catalogs(pot, once)
    assert format_po(twice) == format_po(once)
    kept = {(m.msgid, s) for m in [*once.messages, *once.obsolete] for s in m.msgstr if s}
    for msgid, msgstr, _fuzzy in [*active, *gone]:
        if msgstr:
            assert any(s == msgstr for _, s in kept), (msgid, msgstr)


# --------------------------------------------------------------------------- project level


def test_update_project_creates_merges_and_leaves_unchanged_files_alone(project: Config) -> None:
    """Creating every locale's PO, then a no-op update writes nothing; an edited source gives fuzzy."""
    write_pots(project, extract_project(project).catalogs)
    first = update_project(project, ["de"])
    assert sorted(first.created) == ["locales/de/LC_MESSAGES/sample.po", "locales/de/LC_MESSAGES/site.po"]
    po_path = project.po_path("de", "sample")
    catalog = read_po(po_path)
    target = next(m for m in catalog if m.msgid == "Patients come first.")
    target.msgstr = ["Die Patienten stehen an erster Stelle."]
    save_po(po_path, catalog)
    assert update_project(project, ["de"]).written == []
    source = project.source_dir / "sample.md"
    source.write_text(source.read_text(encoding="utf-8").replace("come first.", "always come first."))
    write_pots(project, extract_project(project).catalogs)
    report = update_project(project, ["de"])
    assert report.files["locales/de/LC_MESSAGES/sample.po"].fuzzy == 1
    entry = next(m for m in read_po(po_path) if m.msgid == "Patients always come first.")
    assert entry.fuzzy and entry.previous_msgid == "Patients come first."
    assert entry.msgstr == ["Die Patienten stehen an erster Stelle."]


def test_repository_catalogs_are_current(tmp_path: Path) -> None:
    """The committed PO files are what 'invoke update' makes of them, byte for byte (so a
    translator's first update does not rewrap lines they did not touch)."""
    repo = Path(__file__).resolve().parent.parent
    for name in ("pyproject.toml", "locales", "source", "glossary"):
        source = repo / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    config = load_config(tmp_path)
    report = update_project(config, list(config.locales))
    changed = [str(path) for path in report.written]
    assert changed == [], f"run 'invoke update' and commit: {changed}"


def test_same_messages_compares_what_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether an update keeps PO-Revision-Date: entries with the same fields are the same
    without writing them out; entries that differ only in what the PO layout normalizes (the
    order of flags) are the same; another translation, comment or state is not."""
    from lingopress import catalogs as catalogs_module

    def catalog(*entries: Message) -> Catalog:
        return Catalog(messages=list(entries))

    def entry(**changes: object) -> Message:
        fields: dict[str, object] = {
            "msgid": "Hello {name}",
            "msgstr": ["Hallo {name}"],
            "flags": ["python-brace-format", "no-wrap"],
            "references": ["source/a.md:3"],
            "extracted_comments": ["paragraph"],
            "lineno": 7,
        }
        fields.update(changes)
        return Message(**fields)  # type: ignore[arg-type]

    real_format = format_po
    monkeypatch.setattr(catalogs_module, "format_po", lambda *a: pytest.fail("formatted"))
    assert catalogs_module._same_messages(catalog(entry()), catalog(entry(lineno=40)))
    monkeypatch.setattr(catalogs_module, "format_po", real_format)
    assert catalogs_module._same_messages(
        catalog(entry()), catalog(entry(flags=["no-wrap", "python-brace-format"]))
    )
    for changed in (
        entry(msgstr=["Servus {name}"]),
        entry(flags=["fuzzy", "python-brace-format", "no-wrap"]),
        entry(translator_comments=["checked"]),
        entry(references=["source/a.md:4"]),
        entry(obsolete=True),
    ):
        assert not catalogs_module._same_messages(catalog(entry()), catalog(changed))
    assert not catalogs_module._same_messages(catalog(entry()), catalog(entry(), entry(msgid="Bye")))


# --------------------------------------------------------------------------- exact first, whitespace after


def _po(*entries: tuple[str, str]) -> Catalog:
    catalog = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    catalog.messages = [Message(msgid, [msgstr]) for msgid, msgstr in entries]
    return catalog


def _merged(pot_ids: list[str], *entries: tuple[str, str]) -> dict[str, tuple[str, bool]]:
    merged, _ = merge_catalogs(_po(*((msgid, "") for msgid in pot_ids)), _po(*entries))
    return {m.msgid: (m.msgstr[0], m.fuzzy) for m in merged.messages}


def test_exact_match_wins_over_an_earlier_whitespace_variant() -> None:
    """A new ``' '`` listed before the unchanged ``'  '`` does not take its translation: the
    unchanged msgid keeps it, and the variant gets no translation published as is."""
    two, one = "Use ``'  '`` here.", "Use ``' '`` here."
    result = _merged([one, two], (two, "Utilisez ``'  '`` ici."))
    assert result[two] == ("Utilisez ``'  '`` ici.", False)
    assert result[one] == ("", False)


def test_whitespace_variant_of_a_msgid_still_in_use_gets_nothing() -> None:
    """Two spaces where the kept msgid has one: its translation is not shared with the variant."""
    kept, variant = "PEP written and implemented by Guido.", "PEP written and  implemented by Guido."
    result = _merged([variant, kept], (kept, "PEP écrite et implémentée par Guido."))
    assert result[kept] == ("PEP écrite et implémentée par Guido.", False)
    assert result[variant] == ("", False)


def test_newline_or_literal_whitespace_change_is_fuzzy() -> None:
    """A gained trailing newline, or spaces changed inside a code span or quotes, needs review."""
    result = _merged(
        ["Done.\n", "Call ``f( x )`` now.", 'Type " " to go.', "Re-wrapped\nparagraph of prose."],
        ("Done.", "Fait."),
        ("Call ``f(x)`` now.", "Appelez ``f(x)``."),
        ('Type "  " to go.', 'Tapez "  ".'),
        ("Re-wrapped paragraph  of prose.", "Paragraphe."),
    )
    assert result["Done.\n"] == ("Fait.", True)
    assert result["Call ``f( x )`` now."] == ("Appelez ``f(x)``.", True)
    assert result['Type " " to go.'] == ('Tapez "  ".', True)
    assert result["Re-wrapped\nparagraph of prose."] == ("Paragraphe.", False)
    _, summary = merge_catalogs(
        _po(("Done.\n", ""), ("Two\nlines.", "")), _po(("Done.", "Fait."), ("Two lines.", "Deux."))
    )
    assert (summary.kept, summary.fuzzy, summary.new) == (1, 1, 0)


def test_appended_and_prepended_sentences_are_matched() -> None:
    """A msgid that gained a whole sentence before or after it keeps its translation, fuzzy."""
    base = "The handler writes each record to the stream given when it was created."
    after = base + " Records that cannot be encoded in the stream's encoding are replaced by question marks."
    tool = base.replace("handler", "tool")
    before = "Changed in version 3.12: the lock is no longer held while flushing. " + tool
    result = _merged(
        [after, before],
        (base, "Le gestionnaire écrit chaque enregistrement."),
        (tool, "L'outil écrit chaque enregistrement."),
    )
    assert result[after] == ("Le gestionnaire écrit chaque enregistrement.", True)
    assert result[before] == ("L'outil écrit chaque enregistrement.", True)
    assert not is_close("Contents This field cannot be null.", "Contents", 37.0)


_SPACED = st.lists(
    st.tuples(
        st.sampled_from(["stem", "cell", "``f( x )``", "' '", "clinic"]), st.sampled_from([" ", "  ", "\n"])
    ),
    min_size=1,
    max_size=5,
).map(lambda parts: "".join(word + gap for word, gap in parts))


@settings(max_examples=200, deadline=None)
@given(st.lists(_SPACED, min_size=1, max_size=6, unique=True), st.lists(_SPACED, max_size=6, unique=True))
def test_whitespace_variants_never_steal_or_publish_a_changed_text(
    old_ids: list[str], new_ids: list[str]
) -> None:
    """Every msgid found unchanged keeps its own translation; any other translation that is
    carried without ``fuzzy`` comes from an unused msgid differing only in meaningless whitespace."""
    translations = {msgid: f"T{i}" for i, msgid in enumerate(old_ids)}
    template = list(dict.fromkeys(new_ids + old_ids[: len(old_ids) // 2]))
    merged, _ = merge_catalogs(_po(*((m, "") for m in template)), _po(*translations.items()))
    owners = {v: k for k, v in translations.items()}
    published = [m.msgstr[0] for m in merged.messages if m.msgstr[0] and not m.fuzzy]
    assert len(published) == len(set(published))
    for message in merged.messages:
        if message.msgid in translations:
            assert (message.msgstr[0], message.fuzzy) == (translations[message.msgid], False)
        elif message.msgstr[0] and not message.fuzzy:
            assert whitespace_only(owners[message.msgstr[0]], message.msgid)
