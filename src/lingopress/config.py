"""pyproject.toml ``[tool.lingopress]`` -> :class:`Config`, validated, with every project path."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import urlsplit

from lingopress.errors import ConfigError
from lingopress.inputs import MAX_CONFIG_BYTES, read_input
from lingopress.locales import LocaleInfo, locale_info, locale_name

__all__ = ["REFERENCES", "SITE_DOMAIN", "Config", "LocaleConfig", "load_config"]

SITE_DOMAIN = "site"
"""The gettext domain of the template strings; article domains are their slugs."""

Status = Literal["required", "preview"]

_TOP_KEYS = {"source_locale", "base_url", "site_name", "locales", "glossary", "languages_order", "references"}
REFERENCES = ("file:line", "file", "none")
"""What the ``#:`` lines of POT and PO files give, as pybabel's --add-location: ``file`` (the
default) leaves the line out, so that an edit above a block does not rewrite every entry below."""
_LOCALE_KEYS = {"status", "min_percent"}


@dataclass(frozen=True, slots=True)
class LocaleConfig:
    """The release policy of one target locale."""

    info: LocaleInfo
    status: Status
    min_percent: float
    """Preview locales are published when at least this share of messages is translated."""

    @property
    def name(self) -> str:
        return self.info.name


@dataclass(frozen=True, slots=True)
class Config:
    """The project: where things are and which locales it publishes."""

    root: Path
    source_locale: LocaleInfo
    base_url: str
    site_name: str
    locales: MappingProxyType[str, LocaleConfig]
    references: str = "file"
    """One of :data:`REFERENCES`."""

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def templates_dir(self) -> Path:
        return self.root / "source" / "templates"

    @property
    def static_dir(self) -> Path:
        return self.root / "source" / "static"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def glossary_dir(self) -> Path:
        return self.root / "glossary"

    def pot_path(self, domain: str) -> Path:
        return self.locales_dir / f"{domain}.pot"

    def po_path(self, locale: str, domain: str) -> Path:
        # ``locale`` is always a key of ``self.locales``: validated against CLDR.
        return self.locales_dir / locale / "LC_MESSAGES" / f"{domain}.po"

    def mo_path(self, locale: str, domain: str) -> Path:
        return self.build_dir / self.mo_output(locale, domain)

    @staticmethod
    def mo_output(locale: str, domain: str) -> str:
        """Where a MO file is, relative to build/."""
        return f"locale/{locale}/LC_MESSAGES/{domain}.mo"

    def relative(self, path: Path | str) -> str:
        """``path`` relative to the project root, for messages."""
        text = str(path)
        prefix = f"{self.root}/"
        if text.startswith(prefix) and "/.." not in text and "/./" not in text:
            # Already under the (resolved) root: no symlink to follow, no file system call.
            return text[len(prefix) :]
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def locale(self, name: str) -> LocaleConfig:
        """The configured locale ``name`` names: its identifier (``sr_Latn``) or its BCP 47 tag
        in any case (``sr-Latn``, ``sr-latn``), as URLs and hreflang write it."""
        try:
            return self.locales[name] if name in self.locales else self.locales[locale_name(name)]
        except KeyError:
            known = ", ".join(self.locales) or "none"
            raise ConfigError(
                f"locale {name!r} is not configured (configured: {known});"
                " add it under [tool.lingopress.locales]",
                "pyproject.toml",
            ) from None


def _error(key: str, message: str) -> ConfigError:
    return ConfigError(f"[tool.lingopress] {key}: {message}", "pyproject.toml")


def load_config(root: str | Path = ".") -> Config:
    """Read and validate ``<root>/pyproject.toml``."""
    root = Path(root).resolve()
    path = root / "pyproject.toml"
    try:
        raw = read_input(path, "pyproject.toml", ConfigError, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise ConfigError("no pyproject.toml here: run from the project root", path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError("not valid UTF-8 (TOML files are UTF-8)", "pyproject.toml", line) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", "pyproject.toml") from exc
    section = data.get("tool", {}).get("lingopress")
    if not isinstance(section, dict):
        raise ConfigError("missing [tool.lingopress] section", "pyproject.toml")
    return config_from_dict(root, section)


def config_from_dict(root: Path, section: dict[str, Any]) -> Config:
    """Validate the ``[tool.lingopress]`` table."""
    for key in section:
        if key not in _TOP_KEYS:
            raise _error(key, f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    source_name = section.get("source_locale", "en")
    if not isinstance(source_name, str):
        raise _error("source_locale", "must be a string such as 'en'")
    source_name = locale_name(source_name)  # a BCP 47 tag ('en-GB') names the same locale
    try:
        source = locale_info(source_name)
    except ValueError as exc:
        raise _error("source_locale", str(exc)) from None
    base_url = section.get("base_url", "")
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise _error("base_url", "must be an absolute http(s) URL such as 'https://example.org'")
    site_name = section.get("site_name", "")
    if not isinstance(site_name, str):
        raise _error("site_name", "must be a string")
    references = section.get("references", "file")
    if references not in REFERENCES:
        raise _error("references", f"must be one of {', '.join(map(repr, REFERENCES))}, not {references!r}")
    raw_locales = section.get("locales", {})
    if not isinstance(raw_locales, dict):
        raise _error("locales", "must be a table of locale = { status = ... }")
    locales: dict[str, LocaleConfig] = {}
    for written, spec in raw_locales.items():
        key = f"locales.{written}"
        # A BCP 47 tag ("sr-Latn", "pt-BR") names the locale whose gettext identifier is
        # "sr_Latn", "pt_BR": that identifier is the one used in paths and PO headers.
        name = locale_name(written)
        if name in locales:
            raise _error(key, f"names the locale {name!r} a second time")
        try:
            info = locale_info(name)
        except ValueError as exc:
            raise _error(key, str(exc)) from None
        if name == source_name:
            raise _error(key, "is the source locale; list only target locales")
        if not isinstance(spec, dict):
            raise _error(key, 'must be an inline table such as { status = "required" }')
        for sub in spec:
            if sub not in _LOCALE_KEYS:
                raise _error(f"{key}.{sub}", f"unknown key (known: {', '.join(sorted(_LOCALE_KEYS))})")
        status = spec.get("status", "required")
        if status not in ("required", "preview"):
            raise _error(f"{key}.status", f"must be 'required' or 'preview', not {status!r}")
        min_percent = spec.get("min_percent", 100 if status == "required" else 0)
        if (
            not isinstance(min_percent, int | float)
            or isinstance(min_percent, bool)
            or not 0 <= min_percent <= 100
        ):
            raise _error(f"{key}.min_percent", "must be a number from 0 to 100")
        if status == "required" and "min_percent" in spec:
            raise _error(f"{key}.min_percent", "applies to preview locales only")
        locales[name] = LocaleConfig(info=info, status=status, min_percent=float(min_percent))
    return Config(
        root=root,
        source_locale=source,
        base_url=base_url.rstrip("/"),
        site_name=site_name,
        locales=MappingProxyType(locales),
        references=references,
    )
