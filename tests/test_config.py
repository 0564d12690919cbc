"""Configuration: [tool.lingopress] validated, locale names checked against CLDR."""

from __future__ import annotations

from pathlib import Path

import pytest

from lingopress.config import config_from_dict, load_config
from lingopress.errors import ConfigError
from lingopress.locales import locale_info

BASE = {"source_locale": "en", "base_url": "https://example.org"}


def test_repository_config_loads() -> None:
    """The project's own pyproject.toml configures seven required locales and ja as preview."""
    config = load_config(Path(__file__).resolve().parent.parent)
    assert [n for n, lc in config.locales.items() if lc.status == "required"] == [
        "de", "fr", "es", "ru", "ar", "tr", "sr_Latn",
    ]  # fmt: skip
    assert config.locales["ja"].status == "preview"
    assert config.locales["ja"].min_percent == 40


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({**BASE, "colour": 1}, r"colour: unknown key"),
        ({**BASE, "base_url": "example.org"}, r"base_url: must be an absolute"),
        ({**BASE, "locales": {"../../x": {}}}, r"is not a locale identifier"),
        ({**BASE, "locales": {"xx": {}}}, r"not a locale known to CLDR"),
        ({**BASE, "locales": {"de": {"status": "done"}}}, r"locales.de.status"),
        ({**BASE, "locales": {"ja": {"status": "preview", "min_percent": 140}}}, r"min_percent"),
        ({**BASE, "locales": {"de": {"stat": "required"}}}, r"locales.de.stat: unknown key"),
        ({**BASE, "locales": {"en": {}}}, r"is the source locale"),
    ],
)
def test_bad_config_names_the_key(section: dict[str, object], message: str) -> None:
    """Every configuration error names pyproject.toml and the offending key."""
    with pytest.raises(ConfigError, match=message) as info:
        config_from_dict(Path(), section)
    assert str(info.value).startswith("pyproject.toml: [tool.lingopress]")


def test_locale_facts_come_from_cldr() -> None:
    """Tags, direction, native names and plural rules are CLDR's."""
    sr = locale_info("sr_Latn")
    assert (sr.tag, sr.path_tag, sr.nplurals) == ("sr-Latn", "sr-latn", 3)
    assert locale_info("ar").direction == "rtl"
    assert locale_info("ar").nplurals == 6
    assert locale_info("ja").plural_forms == "nplurals=1; plural=0;"
    assert locale_info("de").native_name == "Deutsch"


def test_a_locale_is_named_by_its_identifier_or_its_bcp47_tag() -> None:
    """``sr-Latn``, ``SR-latn`` and ``sr_latn`` name the configured ``sr_Latn``; ``pt-br`` names
    ``pt_BR``; a tag of a locale not configured is an error naming pyproject.toml."""
    config = config_from_dict(
        Path(), {**BASE, "locales": {"sr_Latn": {}, "pt_BR": {}, "de": {"status": "preview"}}}
    )
    for name in ("sr_Latn", "sr-Latn", "SR-latn", "sr_latn", "sr-latn"):
        assert config.locale(name).name == "sr_Latn"
    assert config.locale("pt-br").name == "pt_BR"
    assert config.locale("DE").name == "de"
    for name in ("sr-Cyrl", "pt", "../de", "de-"):
        with pytest.raises(ConfigError, match=r"^pyproject.toml: locale .* is not configured"):
            config.locale(name)


def test_configured_locales_may_be_written_as_bcp47_tags() -> None:
    """``sr-Latn = {...}`` in pyproject.toml configures ``sr_Latn`` (its paths and headers use the
    gettext identifier); naming one locale twice, in either form, is an error naming the key."""
    config = config_from_dict(Path(), {**BASE, "locales": {"sr-Latn": {}, "pt-BR": {"status": "preview"}}})
    assert list(config.locales) == ["sr_Latn", "pt_BR"]
    assert config.po_path("sr_Latn", "site").parts[-3] == "sr_Latn"
    with pytest.raises(ConfigError, match=r"locales\.sr-Latn.*'sr_Latn' a second time"):
        config_from_dict(Path(), {**BASE, "locales": {"sr_Latn": {}, "sr-Latn": {}}})
