"""Properties (Hypothesis): PO write -> read -> write is byte-stable and keeps every string;
merging a template never loses a translation."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lingopress.merge import merge_catalogs
from lingopress.pofile import Catalog, Message, format_po, parse_po

# Any character a PO file can hold: everything but NUL and lone surrogates, with the
# escapes and the characters that move line breaks (spaces, hyphens, CJK, combining
# marks, wide and RTL text) made likely.
_TRICKY = (
    ' \n\t\r\\"\a\b\f\v-–|/.,;:!?«»“”「」。、ー\u0301\u200b\u00a0\u202fäßçÉøЖжשלוםمرحبا漢字かなカナ한국어😀'
)
_any = st.characters(codec="utf-8", exclude_characters="\0")


def _strings_of(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    """Pieces of tricky and of arbitrary characters, joined (a single draw per piece is fast)."""
    piece = st.text(_TRICKY, max_size=max_size // 3) | st.text(_any, max_size=max_size // 3)
    return st.lists(piece, max_size=3).map("".join).filter(lambda t: len(t) >= min_size)


_text = _strings_of(0, 120)
_long_text = _strings_of(0, 240)
_nonempty = _strings_of(1, 120)
# Comments and references are lines: no line ends, no edge whitespace (the reader strips it).
_comment = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Zl", "Zp", "Zs"), include_characters=" "),
    max_size=60,
).map(str.strip)
_word = st.text(st.characters(whitelist_categories=("L", "N"), max_codepoint=0x2FFF), min_size=1, max_size=12)
_reference = st.builds(lambda a, b, n: f"{a}/{b}.md:{n}", _word, _word, st.integers(1, 99999))
_flag = st.sampled_from(["python-brace-format", "no-python-format", "c-format", "no-wrap", "custom"])


@st.composite
def _messages(draw: st.DrawFn, nplurals: int) -> Message:
    plural = draw(st.booleans())
    msgid = draw(_nonempty)
    message = Message(
        msgid=msgid,
        msgid_plural=draw(_text) if plural else None,
        msgstr=draw(st.lists(_long_text, min_size=nplurals, max_size=nplurals))
        if plural
        else [draw(_long_text)],
        msgctxt=draw(st.none() | _text),
        translator_comments=draw(st.lists(_comment, max_size=3)),
        extracted_comments=draw(st.lists(_comment, max_size=3)),
        references=draw(st.lists(_reference, max_size=6, unique=True)),
        flags=draw(st.lists(_flag, max_size=3, unique=True)),
    )
    if draw(st.booleans()):
        message.previous_msgid = draw(_nonempty)
        message.previous_msgctxt = draw(st.none() | _text)
        if plural:
            message.previous_msgid_plural = draw(_text)
    if message.has_translation and draw(st.booleans()):
        message.fuzzy = True
    return message


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    nplurals = draw(st.integers(1, 6))
    header = Message(
        "",
        [
            "Language: xx\nContent-Type: text/plain; charset=UTF-8\n"
            f"Plural-Forms: nplurals={nplurals}; plural=0;\n"
        ],
        translator_comments=draw(st.lists(_comment, max_size=2)),
    )
    entries = draw(st.lists(_messages(nplurals), max_size=8, unique_by=lambda m: m.key))
    active: list[Message] = []
    obsolete: list[Message] = []
    for message in entries:
        if message.has_translation and draw(st.booleans()):
            message.obsolete = True
            message.references = []
            obsolete.append(message)
        else:
            active.append(message)
    return Catalog(header=header, messages=active, obsolete=obsolete)


def _content(message: Message) -> tuple[object, ...]:
    return (
        message.msgctxt,
        message.msgid,
        message.msgid_plural,
        tuple(message.msgstr),
        message.previous_msgctxt,
        message.previous_msgid,
        message.previous_msgid_plural,
        tuple(message.translator_comments),
        tuple(message.extracted_comments),
        tuple(message.references),
        message.obsolete,
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.sampled_from([79, 40, 0]))
def test_write_read_write_is_byte_stable_and_lossless(catalog: Catalog, width: int) -> None:
    """Any catalog (comments, contexts, plurals, escapes, Unicode, obsolete and previous
    entries) is read back with every string intact, and writing it again gives the same bytes."""
    first = format_po(catalog, width)
    again = parse_po(first, "generated.po")
    assert [_content(m) for m in again.messages] == [_content(m) for m in catalog.messages]
    assert [_content(m) for m in again.obsolete] == [_content(m) for m in catalog.obsolete]
    assert again.header.msgstr == catalog.header.msgstr
    assert format_po(again, width) == first


def _strings(catalog: Catalog) -> set[str]:
    return {form for m in [*catalog.messages, *catalog.obsolete] for form in m.msgstr if form}


@st.composite
def _edits(draw: st.DrawFn) -> tuple[Catalog, Catalog]:
    """A translated catalog and a new template: some msgids kept, edited, dropped, added."""
    po = draw(catalogs())
    pot = Catalog(header=Message("", ["Content-Type: text/plain; charset=UTF-8\n"]))
    keys = set()
    for message in po.messages:
        action = draw(st.sampled_from(["keep", "edit", "drop"]))
        if action == "drop":
            continue
        msgid = message.msgid if action == "keep" else message.msgid + draw(_nonempty)
        new = Message(msgid, [""] * len(message.msgstr), message.msgid_plural, message.msgctxt)
        if new.key not in keys:
            keys.add(new.key)
            pot.messages.append(new)
    for extra in draw(st.lists(_nonempty, max_size=3)):
        if (None, extra) not in keys:
            keys.add((None, extra))
            pot.messages.append(Message(extra))
    return po, pot


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edits(), st.booleans())
def test_update_never_drops_a_translated_string(edit: tuple[Catalog, Catalog], fuzzy: bool) -> None:
    """Every translation in the old PO is in the merged one: kept, fuzzy, or obsolete (#~)."""
    po, pot = edit
    nplurals = len(po.messages[0].msgstr) if po.messages and po.messages[0].msgid_plural else None
    merged, _ = merge_catalogs(pot, po, fuzzy_matching=fuzzy, nplurals=nplurals)
    assert _strings(po) <= _strings(merged)
    assert _strings(po) <= _strings(parse_po(format_po(merged)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edits())
def test_update_is_idempotent(edit: tuple[Catalog, Catalog]) -> None:
    """Merging the same template twice changes nothing the second time."""
    po, pot = edit
    once, _ = merge_catalogs(pot, po)
    twice, _ = merge_catalogs(pot, once)
    assert format_po(twice) == format_po(once)


def test_update_keeps_plural_forms_when_the_message_becomes_singular() -> None:
    """A message that loses its msgid_plural becomes fuzzy and keeps its other forms in a comment."""
    po = Catalog(
        messages=[Message("{num} file", ["{num} Datei", "{num} Dateien"], msgid_plural="{num} files")]
    )
    pot = Catalog(messages=[Message("{num} file")])
    merged, _ = merge_catalogs(pot, po, nplurals=2)
    (message,) = merged.messages
    assert message.fuzzy and message.msgstr == ["{num} Datei"]
    assert message.previous_msgid_plural == "{num} files"
    assert any(c.endswith(": {num} Dateien") for c in message.translator_comments)
