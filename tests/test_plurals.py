"""Plural forms: the safe evaluator, GNU gettext's table, and mapping forms between two rules."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from hypothesis import given, settings
from hypothesis import strategies as st

from lingopress.catalogs import update_project
from lingopress.config import Config
from lingopress.extract import extract_project, write_pots
from lingopress.imports import import_files
from lingopress.locales import locale_info, plural_forms_of
from lingopress.plurals import (
    GNU_PLURAL_FORMS,
    adopt_plural_forms,
    compile_plural,
    form_map,
    gnu_plural_forms,
    plural_forms_table,
)
from lingopress.pofile import parse_po, read_po, save_po
from lingopress.render import Renderer, Translations

ARABIC_GNU = GNU_PLURAL_FORMS["ar"]
# CLDR's Arabic rule as Babel 2.14 to 2.18 give it: forms 4 and 5 the other way round from GNU's.
ARABIC_OLD_CLDR = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3"
    " : n%100>=0 && n%100<=2 ? 4 : 5);"
)


def _reference(expr: str, n: int) -> int:
    """The same expression computed by Python itself, written out by hand for the cases below."""
    return {
        "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2": (
            0 if n % 10 == 1 and n % 100 != 11 else 1 if 2 <= n % 10 <= 4 and not 10 <= n % 100 < 20 else 2
        ),
        "(n != 1)": int(n != 1),
        "n > 1": int(n > 1),
        "!(n % 3) + (n - 1) * 0": int(n % 3 == 0),
        "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5": (
            0
            if n == 0
            else 1
            if n == 1
            else 2
            if n == 2
            else 3
            if 3 <= n % 100 <= 10
            else 4
            if n % 100 >= 11
            else 5
        ),
    }[expr]


@pytest.mark.parametrize(
    "expr",
    [
        "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2",
        "(n != 1)",
        "n > 1",
        "!(n % 3) + (n - 1) * 0",
        "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5",
    ],
)
def test_expressions_compute_as_c_does(expr: str) -> None:
    """Precedence, the conditional's right associativity, ``!``, and unsigned arithmetic (``n - 1``
    for n = 0 wraps around, times 0 is 0)."""
    function = compile_plural(expr)
    assert [function(n) for n in range(300)] == [_reference(expr, n) for n in range(300)]


def test_unsigned_arithmetic_wraps_around_as_unsigned_long() -> None:
    """``n - 1`` for n = 0 is 2**64 - 1 in gettext's unsigned long, so it is greater than 5."""
    assert compile_plural("(n - 1) > 5")(0) == 1
    assert plural_forms_table("nplurals=2; plural=(n - 1) > 5;")[1][:8] == (1, 0, 0, 0, 0, 0, 0, 1)


def test_a_division_by_zero_c_would_never_make_is_fine() -> None:
    """Only the branch C takes is computed: ``n == 0 ? 0 : 5 / n`` divides by n only when n > 0."""
    assert plural_forms_table("nplurals=6; plural=n == 0 ? 0 : 5 / n;")[1][:7] == (0, 5, 2, 1, 1, 1, 0)
    with pytest.raises(ValueError, match="fails for n=0"):
        plural_forms_table("nplurals=6; plural=5 / n;")


@pytest.mark.parametrize(
    "expr",
    [
        "__import__('os').system('id')",
        "n.__class__",
        "n ** 2",
        "-n",
        "n << 1",
        "lambda: 1",
        "n ? 1",
        "(n",
        "n)",
        "1 2",
        "",
        "(" * 200 + "n" + ")" * 200,
        "!" * 300 + "n",
        "n" + "+n" * 300,
        "n?" * 150 + "1" + ":0" * 150,
    ],
)
def test_anything_but_a_bounded_c_expression_is_refused(expr: str) -> None:
    """Names, calls, attributes, Python-only operators, broken syntax and deep nesting are a
    ValueError before anything is computed."""
    with pytest.raises(ValueError):
        compile_plural(expr)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="n0123456789 ()!?:|&=<>+-*/%", max_size=60))
def test_any_text_is_a_function_or_a_value_error(expr: str) -> None:
    """Whatever a header holds, the evaluator answers with a function of n or a ValueError."""
    try:
        function = compile_plural(expr)
    except ValueError:
        return
    for n in (0, 1, 2, 11, 100):
        with contextlib.suppress(ZeroDivisionError):
            assert function(n) >= 0


def test_babel_rules_agree_with_the_evaluator_for_every_cldr_language() -> None:
    """Babel's own Plural-Forms for every language in the GNU table parses and stays in range."""
    for name in GNU_PLURAL_FORMS:
        plural = get_plural(name)
        nplurals, forms = plural_forms_table(f"nplurals={plural.num_plurals}; plural={plural.plural_expr};")
        assert nplurals == plural.num_plurals and max(forms) < nplurals, name


def test_gnu_table_is_looked_up_by_locale_then_language() -> None:
    """A script or region variant takes its language's rule unless it has its own (pt_BR)."""
    assert gnu_plural_forms("sr_Latn") == gnu_plural_forms("sr") == gnu_plural_forms("ru")
    assert gnu_plural_forms("pt_BR") == "nplurals=2; plural=(n > 1);"
    assert gnu_plural_forms("pt") == "nplurals=2; plural=(n != 1);"
    assert gnu_plural_forms("zz") is None


@pytest.mark.gettext
def test_gnu_table_is_what_msginit_writes(tmp_path: Path) -> None:
    """Each rule of the table (but Arabic's, from the gettext manual) is the one GNU msginit
    writes for that language."""
    assert shutil.which("msginit") is not None, "GNU gettext's msginit is needed for this test"
    pot = tmp_path / "t.pot"
    pot.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=CHARSET\\n"\n'
        '"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\\n"\n',
        "utf-8",
    )
    for name, rule in GNU_PLURAL_FORMS.items():
        if name == "ar":
            continue
        written = subprocess.run(
            ["msginit", "--no-translator", "-l", name, "-i", str(pot), "-o", "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        header = parse_po(written, "msginit.po").header_fields()
        assert header["Plural-Forms"] == rule, name


def test_form_map_between_gnu_and_old_cldr_arabic_swaps_forms_4_and_5() -> None:
    """GNU's form 4 is n % 100 in 11..99, which Babel before 2.19 numbers 5, and back."""
    assert form_map(ARABIC_GNU, ARABIC_OLD_CLDR) == (0, 1, 2, 3, 5, 4)
    assert form_map(ARABIC_OLD_CLDR, ARABIC_GNU) == (0, 1, 2, 3, 5, 4)
    assert form_map(ARABIC_GNU, ARABIC_GNU) == (0, 1, 2, 3, 4, 5)


def test_form_map_refuses_a_rule_with_fewer_distinctions() -> None:
    """One form cannot fill two; two forms fill one only when every n agrees."""
    assert form_map("nplurals=1; plural=0;", "nplurals=2; plural=(n != 1);") == (0, 0)
    assert form_map("nplurals=2; plural=(n != 1);", "nplurals=1; plural=0;") is None
    assert form_map("nplurals=2; plural=(n > 1);", "nplurals=2; plural=(n != 1);") is None


def _arabic_po(rule: str, forms: list[str]) -> str:
    strings = "".join(f'msgstr[{i}] "{form}"\n' for i, form in enumerate(forms))
    return (
        f'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Plural-Forms: {rule}\\n"\n\n'
        f'#: x:1\nmsgid "{{n}} day"\nmsgid_plural "{{n}} days"\n{strings}\n'
        'msgid "one"\nmsgstr "wahid"\n'
    )


def test_adopting_the_project_rule_reorders_a_translators_forms() -> None:
    """A file with GNU's Arabic rule imported into a project on Babel's older order: its forms
    move to the project's places; singular entries are untouched."""
    catalog = parse_po(_arabic_po(ARABIC_GNU, ["f0", "f1", "f2", "few", "many", "other"]), "t.po")
    assert adopt_plural_forms(catalog, ARABIC_OLD_CLDR) == []
    assert catalog.messages[0].msgstr == ["f0", "f1", "f2", "few", "other", "many"]
    assert catalog.messages[1].msgstr == ["wahid"]


def test_a_rule_that_cannot_be_mapped_takes_nothing_and_says_so() -> None:
    """A Turkish file with two forms into a project with one: nothing to fill form 0 alone from."""
    text = (
        'msgid ""\nmsgstr ""\n"Language: tr\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n'
    )
    catalog = parse_po(text, "t.po")
    problems = adopt_plural_forms(catalog, "nplurals=1; plural=0;")
    assert [line for line, _ in problems] == [6]
    assert "cannot be mapped onto the project's 'nplurals=1; plural=0;'" in problems[0][1]
    assert catalog.messages[0].msgstr == ["", ""]


def test_a_file_keeps_its_own_usable_rule_and_a_new_file_gets_cldrs() -> None:
    """update keeps GNU's or any usable rule (the check judges it); it gives CLDR's to a new file
    and in place of a template or broken value."""
    arabic = locale_info("ar")
    assert plural_forms_of({"Plural-Forms": ARABIC_GNU}, arabic) == ARABIC_GNU
    assert plural_forms_of(None, arabic) == arabic.plural_forms
    assert (
        plural_forms_of({"Plural-Forms": "nplurals=INTEGER; plural=EXPRESSION;"}, arabic)
        == arabic.plural_forms
    )
    assert plural_forms_of({"Plural-Forms": "nplurals=2; plural=n/0;"}, arabic) == arabic.plural_forms


def test_accepted_rules_are_judged_by_what_they_do() -> None:
    """Turkish with one form or two, French with `n > 1`: each is GNU's or CLDR's, whatever Babel."""
    turkish, french = locale_info("tr"), locale_info("fr")
    assert turkish.accepts_plural_forms("nplurals=2; plural=n != 1;")
    assert turkish.accepts_plural_forms("nplurals=2; plural=(n==1 ? 0 : 1);")
    assert french.accepts_plural_forms("nplurals=2; plural=(n>1);")
    assert not french.accepts_plural_forms("nplurals=2; plural=(n != 1);")
    assert locale_info("ar").accepts_plural_forms(ARABIC_GNU)


def test_import_puts_a_gnu_ordered_arabic_file_in_the_projects_order(project: Config, tmp_path: Path) -> None:
    """A translator's file with GNU's Arabic rule, into a project file that keeps Babel's older
    order: each form lands where the project's rule looks for it, and the project keeps its rule."""
    write_pots(project, extract_project(project).catalogs)
    update_project(project, ["ar"])
    site = project.po_path("ar", "site")
    catalog = read_po(site)
    fields = catalog.header_fields()
    fields["Plural-Forms"] = ARABIC_OLD_CLDR
    catalog.set_header_fields(fields)
    save_po(site, catalog)
    forms = "".join(f'msgstr[{i}] "{{num}} f{i}"\n' for i in range(6))
    sent = tmp_path / "site.po"
    sent.write_text(
        f'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Plural-Forms: {ARABIC_GNU}\\n"\n\n'
        f'msgid "{{num}} minute read"\nmsgid_plural "{{num}} minutes read"\n{forms}',
        "utf-8",
    )
    report = import_files(project, [sent], locale="ar")
    assert report.files[0].rejected == []
    after = read_po(site)
    assert after.header_fields()["Plural-Forms"] == ARABIC_OLD_CLDR
    (entry,) = [m for m in after.messages if m.msgid == "{num} minute read"]
    assert entry.msgstr == [f"{{num}} f{i}" for i in (0, 1, 2, 3, 5, 4)]


def test_template_plurals_follow_the_site_catalogs_own_rule(project: Config) -> None:
    """ngettext picks the form by the rule of the catalog the translations come from: n = 100 is
    form 5 by GNU's Arabic rule and form 4 by Babel's older one."""
    forms = tuple(f"f{i}" for i in range(6))
    entries = {(None, "{num} minute read"): forms}
    renderer = Renderer(project)
    for rule, expected in [(ARABIC_GNU, "f5"), (ARABIC_OLD_CLDR, "f4")]:
        site = Translations(entries, plural_forms=rule)
        ngettext = renderer.gettext_functions(locale_info("ar"), site)["ngettext"]
        assert str(ngettext("{num} minute read", "{num} minutes read", 100)) == expected
