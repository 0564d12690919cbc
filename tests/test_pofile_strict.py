"""The PO reader and the catalog validator on the corpus of bad inputs in tests/bad/.

Each file there is one case. Files the reader must refuse are listed in
``SYNTAX`` with the line and reason it must give; files it reads but the
validator must refuse are in ``STRUCTURE``; ``accept-*`` files are tricky but
valid. Every file in the folder must be listed, so a new case cannot go untested.
"""

from __future__ import annotations

import codecs
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lingopress.errors import CatalogError
from lingopress.locales import locale_info
from lingopress.plurals import gnu_plural_forms, plural_forms_table
from lingopress.pofile import format_po, parse_po, read_po
from lingopress.validate import validate_catalog

BAD = Path(__file__).resolve().parent / "bad"

SYNTAX: dict[str, tuple[int, str]] = {
    "unterminated-string.po": (10, "unterminated string"),
    "unterminated-continuation.po": (12, "unterminated string"),
    "escaped-closing-quote.po": (10, "unterminated string"),
    "msgstr-before-msgid.po": (9, "msgstr before msgid"),
    "stray-text.po": (11, "unexpected text 'Hallo'"),
    "unknown-escape.po": (10, "invalid escape sequence '\\q'"),
    "missing-msgstr.po": (9, "missing msgstr after msgid"),
    "bare-quote.po": (10, "unescaped '\"'"),
    "plural-without-index.po": (11, "plural entry needs msgstr[0]"),
    "plural-gap-in-forms.po": (12, "not numbered 0, 1, 2"),
    "msgstr-twice.po": (11, "msgstr given twice"),
    "duplicate.po": (12, "duplicate message definition (first defined at {path}:9)"),
    "duplicate-with-context.po": (14, "duplicate message definition (first defined at {path}:10)"),
    "invalid-utf8.po": (10, "invalid utf-8 byte sequence b'\\xfc'"),
    "nul-byte.po": (10, "NUL byte in file"),
    "unknown-charset.po": (5, "unknown charset 'KLINGON-8'"),
}

STRUCTURE: dict[str, tuple[int, str]] = {
    "header-missing.po": (1, "no header entry"),
    "header-garbled.po": (1, "garbled header line 'Language de'"),
    "header-template.po": (2, "the header is marked fuzzy"),
    "charset-template.po": (1, "Content-Type still has the template value"),
    "language-other-locale.po": (1, "Language is 'fr', but this file is for 'de'"),
    "language-path.po": (1, "Language '../../x' is not a locale identifier"),
    "language-unknown.po": (1, "'xx' is not a locale known to CLDR"),
    "plural-forms-missing.po": (1, "no Plural-Forms in the header"),
    "plural-forms-unparsable.po": (1, "cannot be parsed"),
    "plural-forms-code.po": (1, "cannot be parsed (unexpected '__import__"),
    "plural-expression-too-large.po": (1, "gives 2 for n=2, but nplurals is 2"),
    "plural-forms-not-cldr.po": (1, "it picks form 0 for n=0, CLDR's and GNU gettext's 'nplurals=2;"),
    "plural-nplurals-not-cldr.po": (1, "it has nplurals=3, CLDR's and GNU gettext's 'nplurals=2;"),
    "plural-too-few-forms.po": (12, "plural entry has 1 msgstr[n] forms, the language has 2"),
    "plural-too-many-forms.po": (12, "plural entry has 3 msgstr[n] forms, the language has 2"),
}

ACCEPT = ["accept-bom.po", "accept-crlf.po", "accept-latin1.po"]

GERMAN = locale_info("de")


def test_every_corpus_file_has_an_expectation() -> None:
    """tests/bad/ holds exactly the cases listed here, one file each."""
    listed = set(SYNTAX) | set(STRUCTURE) | set(ACCEPT)
    assert {p.name for p in BAD.iterdir()} == listed


@pytest.mark.parametrize("name", sorted(SYNTAX))
def test_reader_rejects_with_path_and_line(name: str) -> None:
    """The reader refuses the file with ``path:line: reason``, the line inside the bad entry."""
    line, reason = SYNTAX[name]
    path = f"locales/de/LC_MESSAGES/{name}"
    with pytest.raises(CatalogError) as info:
        read_po(BAD / name, path)
    assert info.value.path == path
    assert info.value.line == line, str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert reason.format(path=path) in info.value.message


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_validator_rejects_with_path_and_line(name: str) -> None:
    """The file parses, but validate_catalog reports an error at the expected line."""
    line, reason = STRUCTURE[name]
    catalog = read_po(BAD / name, f"po/{name}")
    found = validate_catalog(catalog, GERMAN, configured=["de", "fr"])
    assert found, "no diagnostic"
    assert all(d.severity == "error" and d.path == f"po/{name}" and d.locale == "de" for d in found)
    assert any(d.line == line and reason in d.message for d in found), [str(d) for d in found]


@pytest.mark.parametrize("name", ACCEPT)
def test_tricky_but_valid_files_are_read_right(name: str) -> None:
    """BOM, CRLF line ends and a declared latin-1 charset: read, decoded right, header kept."""
    catalog = read_po(BAD / name)
    assert validate_catalog(catalog, GERMAN) == []
    assert catalog.header_fields()["Language"] == "de"
    assert catalog.header.lineno == 1 and not any(m.is_header for m in catalog.messages)
    expected = "Grüße" if name != "accept-crlf.po" else "Hallo"
    assert catalog.messages[0].msgstr == [expected]
    assert catalog.messages[1].msgstr == ["Eine Datei", "{num} Dateien"]
    assert "\r" not in format_po(catalog)


def test_latin1_is_really_decoded_as_latin1() -> None:
    """The file's bytes are latin-1 (ü is one byte), so a UTF-8 reading would have failed."""
    data = (BAD / "accept-latin1.po").read_bytes()
    assert "Grüße".encode("latin-1") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_bom_does_not_turn_the_header_into_a_message() -> None:
    """Unlike polib and Babel, a leading BOM leaves the header as the header."""
    assert (BAD / "accept-bom.po").read_bytes().startswith(codecs.BOM_UTF8)
    catalog = read_po(BAD / "accept-bom.po")
    assert catalog.header.msgid == "" and "Plural-Forms" in catalog.header_fields()


def test_cr_only_line_ends_are_read_too(tmp_path: Path) -> None:
    """Old Mac line ends (CR alone) split lines like LF."""
    path = tmp_path / "cr.po"
    path.write_bytes(b'msgid ""\rmsgstr "Language: de\\n"\r\rmsgid "a"\rmsgstr "b"\r')
    assert [m.msgstr for m in read_po(path).messages] == [["b"]]


def test_validator_accepts_what_update_writes_for_every_shipped_plural_rule() -> None:
    """A header with CLDR's Plural-Forms and complete plural entries validates clean, for 1 to 6 forms."""
    for name in ("ja", "de", "fr", "ru", "sr_Latn", "ar"):
        info = locale_info(name)
        forms = "".join(f'msgstr[{i}] "f{i}"\n' for i in range(info.nplurals))
        text = (
            f'msgid ""\nmsgstr ""\n"Language: {name}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            f'"Plural-Forms: {info.plural_forms}\\n"\n\nmsgid "a"\nmsgid_plural "as"\n{forms}'
        )
        assert validate_catalog(parse_po(text, "x.po"), info) == [], name


def test_equivalent_plural_expression_is_accepted() -> None:
    """A rule written differently but choosing the same forms as CLDR's is fine (Poedit writes `n != 1`)."""
    text = (
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=n==1 ? 0 : 1;\\n"\n'
    )
    assert validate_catalog(parse_po(text, "x.po"), GERMAN) == []


@pytest.mark.parametrize("name", ["ar", "tr", "fr", "ru", "sr_Latn", "ja", "de", "es"])
def test_gnu_gettext_rule_is_accepted_as_msginit_and_poedit_write_it(name: str) -> None:
    """A file with GNU gettext's rule for its language validates clean, whatever CLDR's rule is, with
    as many forms in its plural entries as that rule has."""
    gnu = gnu_plural_forms(name)
    assert gnu is not None
    nplurals = plural_forms_table(gnu)[0]
    forms = "".join(f'msgstr[{i}] "f{i}"\n' for i in range(nplurals))
    text = (
        f'msgid ""\nmsgstr ""\n"Language: {name}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {gnu}\\n"\n\nmsgid "a"\nmsgid_plural "as"\n{forms}'
    )
    assert validate_catalog(parse_po(text, "x.po"), locale_info(name)) == [], name


def test_arabic_rule_in_another_order_is_refused_with_both_rules_named() -> None:
    """A rule that agrees with neither CLDR's nor GNU gettext's is an error naming where it differs."""
    text = (
        'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=6; plural=n==0 ? 5 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3'
        ' : n%100>=11 ? 4 : 0;\\n"\n'
    )
    found = validate_catalog(parse_po(text, "x.po"), locale_info("ar"))
    assert len(found) == 1
    assert found[0].message.startswith("Plural-Forms agrees with no rule for Arabic: it picks form 5 for n=0")
    assert "GNU gettext's" in found[0].message and "CLDR's" in found[0].message


def test_language_outside_the_configuration_is_named_as_such() -> None:
    """A real CLDR locale that the project does not publish is reported as not configured."""
    text = (
        'msgid ""\nmsgstr ""\n"Language: pt_BR\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    )
    found = validate_catalog(parse_po(text, "x.po"), GERMAN, configured=["de"])
    assert [d.message for d in found] == ["Language 'pt_BR' is not a locale of this project"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("nplurals=0; plural=0;", "out of range"),
        ("nplurals=2; plural=n/0;", "fails for n=0"),
        ("nplurals=2; plural=" + "(" * 400 + "n" + ")" * 400 + ";", "cannot be parsed"),
        ("nplurals=2; plural=" + "n+" * 600 + "n;", "longer than 1000"),
        ("plural=(n != 1);", "is not 'nplurals=N; plural=EXPRESSION;'"),
        ("nplurals=2; plural=n.__class__;", "cannot be parsed"),
    ],
)
def test_hostile_plural_forms_are_refused_not_run(value: str, reason: str) -> None:
    """Unparsable, non-arithmetic, dividing-by-zero or absurdly long expressions give a ValueError."""
    with pytest.raises(ValueError) as info:
        plural_forms_table(value)
    assert reason in str(info.value)


# msgfmt lets these through; we do not (NUL truncation, unknown charset, header content).
MSGFMT_ACCEPTS = {
    "nul-byte.po",
    "unknown-charset.po",
    "charset-template.po",
    "header-garbled.po",
    "language-other-locale.po",
    "language-path.po",
    "language-unknown.po",
    "plural-forms-not-cldr.po",
    "plural-nplurals-not-cldr.po",
}


@pytest.mark.gettext
def test_at_least_as_strict_as_msgfmt() -> None:
    """Every bad file GNU msgfmt --check rejects, we reject too; the known extras are ours alone.
    (msgfmt also rejects a BOM, which we accept, keeping the header.)"""
    assert shutil.which("msgfmt") is not None, "GNU gettext's msgfmt is needed for this test"
    rejected_by_msgfmt = set()
    for path in sorted(BAD.iterdir()):
        result = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True)
        if result.returncode != 0:
            rejected_by_msgfmt.add(path.name)
    ours = set(SYNTAX) | set(STRUCTURE)
    assert rejected_by_msgfmt - ours == {"accept-bom.po"}
    assert ours - rejected_by_msgfmt == MSGFMT_ACCEPTS
