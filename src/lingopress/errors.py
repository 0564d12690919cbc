"""Exceptions: input that cannot be processed, always with the path and line to fix.

The tree is shallow::

    LingopressError          anything a user can fix; str() is ``path:line: message``
    ├── ConfigError          pyproject.toml [tool.lingopress]
    ├── SourceError          an article: front matter, values, Markdown structure
    ├── CatalogError         a PO/POT/MO file: syntax, encoding, header
    ├── GlossaryError        a glossary/<locale>.csv file
    ├── TemplateError        a site template
    └── WriteError           a file that cannot be written (full disk): left as it was

Findings about translation content (untranslated, placeholder mismatch, ...)
are not exceptions but :class:`lingopress.checks.Diagnostic` values.
"""

from __future__ import annotations

from pathlib import Path


class LingopressError(Exception):
    """A problem in the user's input, located at ``path:line`` when known."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class ConfigError(LingopressError):
    """The project configuration is invalid."""


class SourceError(LingopressError):
    """A source article cannot be read."""


class CatalogError(LingopressError):
    """A PO, POT or MO file cannot be read or is structurally invalid."""


class GlossaryError(LingopressError):
    """A glossary file cannot be read or has a malformed row."""


class TemplateError(LingopressError):
    """A site template cannot be loaded or rendered."""


class WriteError(LingopressError, OSError):
    """A file cannot be written (a full disk, no permission); it was left as it was.

    Also an :class:`OSError`, so that code which shrugs off a failed write of a cache still does.
    """

    def __init__(self, path: str | Path, reason: str, code: int | None = None):
        super().__init__(f"cannot write: {reason}", path)
        self.errno = code
        self.strerror = reason

    def __reduce__(self) -> tuple[object, ...]:
        # Made again from its own arguments when it comes back from a worker process.
        return (type(self), (self.path, self.strerror, self.errno), self.__dict__)
