"""What lingopress writes reads the same in two other PO readers: polib and Babel.

polib is the tests' reference reader (the product does not use it); Babel's reader is the one
Python projects around us (Sphinx, pybabel) use. Every committed catalog and a written catalog
with plurals, contexts, flags, obsolete entries and previous msgids must give, in each, the entries
lingopress's own reader gives.
"""

from __future__ import annotations

import io
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po as babel_read_po

from lingopress.pofile import Catalog, Message, format_po, parse_po, read_po

REPO = Path(__file__).resolve().parent.parent
COMMITTED = sorted((REPO / "locales").rglob("*.po")) + sorted((REPO / "locales").glob("*.pot"))

Entry = tuple[object, ...]


def _ours(catalog: Catalog) -> list[Entry]:
    return [
        (
            m.obsolete,
            m.msgctxt,
            m.msgid,
            m.msgid_plural,
            tuple(m.msgstr),
            tuple(sorted(m.flags)),
            tuple(m.translator_comments),
            tuple(m.extracted_comments),
            tuple(m.references),
            (m.previous_msgctxt, m.previous_msgid, m.previous_msgid_plural),
        )
        for m in [*catalog.messages, *catalog.obsolete]
    ]


def _polib(text: str) -> list[Entry]:
    entries = []
    for e in polib.pofile(text, wrapwidth=0):
        forms = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural)) if e.msgid_plural else (e.msgstr,)
        entries.append(
            (
                bool(e.obsolete),
                e.msgctxt,
                e.msgid,
                e.msgid_plural or None,
                forms,
                tuple(sorted(e.flags)),
                tuple(e.tcomment.split("\n")) if e.tcomment else (),
                tuple(e.comment.split("\n")) if e.comment else (),
                tuple(f"{path}:{line}" if line else path for path, line in e.occurrences),
                (e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural),
            )
        )
    return entries


def _babel(text: str) -> list[Entry]:
    """Babel keeps fewer fields: it has no previous msgids (it keeps their ``#|`` lines among the
    translator comments, left out here)."""
    # Babel 2.14's reader fails on a template's empty Language field (as GNU gettext writes it
    # in a POT file); the entries are what is compared.
    text = text.replace('"Language: \\n"\n', "", 1)
    catalog = babel_read_po(io.StringIO(text), abort_invalid=True)
    entries = []
    for message, obsolete in [
        *((m, False) for m in catalog if m.id),
        *((m, True) for m in catalog.obsolete.values()),
    ]:
        plural = isinstance(message.id, tuple | list)
        msgid = message.id[0] if plural else message.id
        forms = tuple(message.string) if plural else (message.string,)
        entries.append(
            (
                obsolete,
                message.context,
                msgid,
                message.id[1] if plural else None,
                forms,
                tuple(sorted(message.flags)),
                tuple(c for c in message.user_comments if not c.startswith("|")),
                tuple(message.auto_comments),
                tuple(f"{path}:{line}" if line else path for path, line in message.locations),
            )
        )
    return entries


def _without_previous_context(entries: list[Entry]) -> list[Entry]:
    return [entry[:-1] for entry in entries]


def _sample_catalog() -> Catalog:
    """A catalog with every kind of entry lingopress writes."""
    header = Message(
        "",
        [
            "Project-Id-Version: sample\nLanguage: ru\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
            "Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
            "(n%100<10 || n%100>=20) ? 1 : 2);\n"
        ],
    )
    long_text = "A long paragraph that GNU gettext would wrap at seventy-nine columns, " * 3
    messages = [
        Message("Plain", ["Просто"], references=["source/a.md:3"], extracted_comments=["paragraph"]),
        Message("File", ["Файл"], msgctxt="menu", translator_comments=["checked"]),
        Message(
            "{n} day",
            ["{n} день", "{n} дня", "{n} дней"],
            msgid_plural="{n} days",
            flags=["python-brace-format"],
            references=["source/templates/base.html:4", "source/a.md:9"],
        ),
        Message(
            long_text.strip(),
            ['Длинный\nабзац "в кавычках"\t'],
            flags=["fuzzy", "no-wrap"],
            previous_msgid="An old paragraph",
        ),
        Message("Changed", ["Изменено"], flags=["fuzzy"], previous_msgctxt="old", previous_msgid="Chnged"),
        Message("Untranslated"),
    ]
    obsolete = [
        Message("Gone", ["Ушло"], obsolete=True),
        Message("gone one", ["a", "b", "c"], msgid_plural="gone many", msgctxt="ctx", obsolete=True),
    ]
    return Catalog(header=header, messages=messages, obsolete=obsolete)


def test_the_sample_catalog_reads_the_same_in_polib_and_babel() -> None:
    """Plurals, contexts, flags, comments, references, previous msgids and obsolete entries."""
    text = format_po(_sample_catalog())
    ours = _ours(parse_po(text, "sample.po"))
    assert len(ours) == 8 and any(e[0] for e in ours) and any(e[3] for e in ours)
    assert _polib(text) == ours
    assert _babel(text) == _without_previous_context(ours)


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: str(p.relative_to(REPO)))
def test_committed_catalogs_read_the_same_in_polib_and_babel(path: Path) -> None:
    """Each PO and POT file in locales/ gives the same entries in the three readers."""
    text = path.read_text("utf-8")
    ours = _ours(read_po(path))
    assert ours
    assert _polib(text) == ours
    assert _babel(text) == _without_previous_context(ours)
