"""PO and POT files <-> :class:`Catalog`: a strict reader and a writer in GNU gettext's layout.

The reader rejects what GNU ``msgfmt`` rejects (and a few things it silently
accepts, such as NUL bytes) with ``path:line: reason``, where lines are 1-based
and point inside the offending entry. The writer reproduces the layout of
``msgcat``/``msgmerge`` (79-column wrapping at Unicode line-break
opportunities, comment order, escapes), so a catalog that goes through GNU
tools, Poedit or Weblate and back shows no spurious diff.
"""

from __future__ import annotations

import codecs
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lingopress.errors import CatalogError
from lingopress.files import write_atomic
from lingopress.inputs import MAX_CATALOG_BYTES, read_input

__all__ = [
    "Catalog",
    "Message",
    "bulk_allocation",
    "format_po",
    "parse_po",
    "parse_po_bytes",
    "read_po",
    "read_po_bytes",
    "save_po",
    "write_atomic",
]

PAGE_WIDTH = 79


@dataclass(slots=True, eq=False)
class Message:
    """One PO entry. ``msgstr`` holds the forms: one for a singular entry, n for a plural one."""

    msgid: str
    msgstr: list[str] = field(default_factory=lambda: [""])
    msgid_plural: str | None = None
    msgctxt: str | None = None
    translator_comments: list[str] = field(default_factory=list)
    extracted_comments: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    lineno: int = 0
    """1-based line of the ``msgid`` keyword in the file it was read from (0: not read)."""

    @property
    def key(self) -> tuple[str | None, str]:
        """The identity of the entry within a catalog: context and msgid."""
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value and "fuzzy" in self.flags:
            self.flags = [f for f in self.flags if f != "fuzzy"]

    @property
    def translated(self) -> bool:
        """True when every form has a translation and the entry is not fuzzy."""
        return not self.fuzzy and all(self.msgstr)

    @property
    def has_translation(self) -> bool:
        """True when any form has text, fuzzy or not."""
        return any(self.msgstr)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    def copy(self) -> Message:
        return Message(
            msgid=self.msgid,
            msgstr=list(self.msgstr),
            msgid_plural=self.msgid_plural,
            msgctxt=self.msgctxt,
            translator_comments=list(self.translator_comments),
            extracted_comments=list(self.extracted_comments),
            references=list(self.references),
            flags=list(self.flags),
            previous_msgctxt=self.previous_msgctxt,
            previous_msgid=self.previous_msgid,
            previous_msgid_plural=self.previous_msgid_plural,
            obsolete=self.obsolete,
            lineno=self.lineno,
        )


@dataclass(slots=True, eq=False)
class Catalog:
    """A PO file in memory: the header entry, the messages in file order, obsolete ones last."""

    header: Message = field(default_factory=lambda: Message(""))
    messages: list[Message] = field(default_factory=list)
    obsolete: list[Message] = field(default_factory=list)
    path: str | None = None

    def header_fields(self) -> dict[str, str]:
        """The ``Key: value`` lines of the header msgstr, in order."""
        fields: dict[str, str] = {}
        for line in self.header.msgstr[0].split("\n"):
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        return fields

    def set_header_fields(self, fields: dict[str, str]) -> None:
        self.header.msgstr = ["".join(f"{k}: {v}\n" for k, v in fields.items())]

    def index(self) -> dict[tuple[str | None, str], Message]:
        return {m.key: m for m in self.messages}

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)


# --------------------------------------------------------------------------- reading

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_ESCAPE_RE = re.compile(r"\\(?:([ntr\"\\abfv])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.?))", re.S)
_VALID_BODY_RE = re.compile(r'(?:[^"\\]|\\.)*', re.S)
_KEYWORD_RE = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]*(.*)", re.S)
_CHARSET_RE = re.compile(rb"charset=([^\s\\\"]+)", re.I)


class _Syntax(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


def _unescape(body: str, line: int) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return _ESCAPES[m.group(1)]
        if m.group(2) is not None:
            return chr(int(m.group(2), 8))
        if m.group(3) is not None:
            return chr(int(m.group(3), 16))
        raise _Syntax(f"invalid escape sequence '\\{m.group(4)}'", line)

    return _ESCAPE_RE.sub(repl, body)


def _string(token: str, line: int) -> str:
    """The value of a quoted C string token (``"..."``) on one line."""
    token = token.rstrip()
    if not token.startswith('"'):
        raise _Syntax("expected a quoted string", line)
    if len(token) < 2 or not token.endswith('"'):
        raise _Syntax("unterminated string", line)
    body = token[1:-1]
    if "\\" not in body:
        if '"' in body:
            raise _Syntax("unescaped '\"' inside a string (or text after its end)", line)
        return body
    match = _VALID_BODY_RE.fullmatch(body)
    if match is None or (body.endswith("\\") and not body.endswith("\\\\")):
        # Either an unescaped quote ends the string early, or the closing quote is escaped.
        if _VALID_BODY_RE.fullmatch(body + '"') is not None:
            raise _Syntax("unterminated string", line)
        raise _Syntax("unescaped '\"' inside a string (or text after its end)", line)
    return _unescape(body, line)


def _decode(data: bytes, path: str) -> tuple[str, list[str]]:
    """Decode a PO file's bytes by the charset its header declares; returns text and warnings."""
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        warnings.append("byte order mark removed (PO files should not start with one)")
    nul = data.find(b"\0")
    if nul >= 0:
        raise CatalogError(
            "NUL byte in file (GNU msgfmt would silently truncate the string here)",
            path,
            data.count(b"\n", 0, nul) + 1,
        )
    charset = "utf-8"
    match = _CHARSET_RE.search(data, 0, 65536)
    if match is not None:
        declared = match.group(1).decode("ascii", "replace")
        if declared.upper() != "CHARSET":
            try:
                charset = codecs.lookup(declared).name
            except LookupError:
                raise CatalogError(
                    f"unknown charset {declared!r} in the header",
                    path,
                    data.count(b"\n", 0, match.start()) + 1,
                ) from None
    try:
        text = data.decode(charset)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(
            f"invalid {charset} byte sequence {data[exc.start : exc.end]!r}"
            " (save the file as UTF-8, or declare its charset in the header)",
            path,
            line,
        ) from exc
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, warnings


def read_po(path: str | Path, display_path: str | None = None) -> Catalog:
    """Read and strictly parse a PO or POT file.

    ``display_path`` is the name used in error messages (normally relative to the project).
    """
    name = display_path if display_path is not None else str(path)
    return parse_po_bytes(read_po_bytes(path, name), name)


def read_po_bytes(path: str | Path, display_path: str) -> bytes:
    """The bytes of a PO or POT file; :class:`CatalogError` (at ``display_path``) when it
    cannot be read, is not a regular file or is larger than :data:`MAX_CATALOG_BYTES`."""
    try:
        return read_input(path, display_path, CatalogError, MAX_CATALOG_BYTES)
    except FileNotFoundError as exc:
        raise CatalogError(f"cannot read file: {exc.strerror}", display_path) from exc


def parse_po_bytes(data: bytes, path: str = "<bytes>") -> Catalog:
    """Parse the bytes of a PO or POT file (in the charset its header declares)."""
    text, _warnings = _decode(data, path)
    return parse_po(text, path)


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that stay alive.

    Reading a large catalog creates hundreds of thousands of lists and entries,
    none of them garbage; every collection would walk them all again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_po(text: str, path: str = "<string>") -> Catalog:
    """Parse PO text into a :class:`Catalog`; raise :class:`CatalogError` at the first error."""
    try:
        with bulk_allocation():
            return _Parser(path).parse(text)
    except _Syntax as exc:
        raise CatalogError(exc.message, path, exc.line) from None


# A quoted string on one line; escapes are checked when the value is unescaped.
_STR = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_BLOCK = rf"{_STR}(?:\n{_STR})*"
_ENTRY_RE = re.compile(
    rf"(#(?!~)[^\n]*\n(?:#(?!~)[^\n]*\n)*)?"
    rf"(?:msgctxt ({_BLOCK})\n)?"
    rf"msgid ({_BLOCK})\n"
    rf"(?:msgid_plural ({_BLOCK})\n)?"
    rf"((?:msgstr(?:\[\d+\])? {_BLOCK}\n)+)"
    r"(?=\n|#|msg|$)"
)
_MSGSTR_RE = re.compile(rf"msgstr(?:\[(\d+)\])? ({_BLOCK})\n")


def _joined(block: str, line: int) -> str:
    """The value of consecutive quoted strings, one per line, already known to be well formed."""
    # Each line is a whole quoted string, so a quote, a line break and a quote mark exactly the
    # places where one line's string ends and the next one's starts.
    value = block[1:-1].replace('"\n"', "") if "\n" in block else block[1:-1]
    return _unescape(value, line) if "\\" in value else value


class _Parser:
    """A line-oriented state machine following GNU gettext's PO grammar."""

    def __init__(self, path: str):
        self.path = path
        self.catalog = Catalog(path=path)
        self.seen: dict[tuple[str | None, str], int] = {}
        self._reset()

    def _reset(self) -> None:
        self.comments: list[str] = []
        self.extracted: list[str] = []
        self.refs: list[str] = []
        self.flags: list[str] = []
        self.prev: dict[str, str] = {}
        self.prev_field: str | None = None
        self.msgctxt: str | None = None
        self.msgid: str | None = None
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}
        self.plural_syntax = False
        self.field: str | None = None  # the keyword whose string continues
        self.field_index = 0
        self.obsolete: bool | None = None
        self.start = 0
        self.msgid_line = 0
        self.has_content = False

    # An entry is finished when a new one starts (a comment or keyword after a msgstr)
    # or at the end of the file.
    def _finish(self, line: int) -> None:
        if not self.has_content:
            self._reset()
            return
        if self.msgid is None:
            if self.msgctxt is not None or self.msgstr:
                raise _Syntax("msgstr or msgctxt without msgid", self.start)
            # Comments only at the end of the file (or before a blank line): GNU ignores
            # a comment block without an entry; so do we.
            self._reset()
            return
        if not self.msgstr:
            raise _Syntax("missing msgstr after msgid", self.msgid_line)
        if self.msgid_plural is not None:
            if not self.plural_syntax:
                raise _Syntax("plural entry needs msgstr[0], msgstr[1], ...", self.msgid_line)
            indices = sorted(self.msgstr)
            if indices != list(range(len(indices))):
                raise _Syntax("plural forms msgstr[n] are not numbered 0, 1, 2, ...", self.msgid_line)
            forms = [self.msgstr[i] for i in indices]
        else:
            if self.plural_syntax:
                raise _Syntax("msgstr[n] used without msgid_plural", self.msgid_line)
            forms = [self.msgstr[0]]
        message = Message(
            msgid=self.msgid,
            msgstr=forms,
            msgid_plural=self.msgid_plural,
            msgctxt=self.msgctxt,
            translator_comments=self.comments,
            extracted_comments=self.extracted,
            references=self.refs,
            flags=self.flags,
            previous_msgctxt=self.prev.get("msgctxt"),
            previous_msgid=self.prev.get("msgid"),
            previous_msgid_plural=self.prev.get("msgid_plural"),
            obsolete=bool(self.obsolete),
            lineno=self.msgid_line,
        )
        self._add(message)
        self._reset()

    def _add(self, message: Message) -> None:
        catalog = self.catalog
        if message.obsolete:
            catalog.obsolete.append(message)
            return
        key = message.key
        first = self.seen.get(key)
        if first is not None:
            raise _Syntax(
                f"duplicate message definition (first defined at {self.path}:{first})",
                message.lineno,
            )
        self.seen[key] = message.lineno
        if message.is_header and not catalog.messages and catalog.header.lineno == 0:
            catalog.header = message
        else:
            catalog.messages.append(message)

    def parse(self, text: str) -> Catalog:
        """Read entries in the common layout with one regular expression each; from the first
        entry that is laid out otherwise (obsolete, indented, broken...), go line by line."""
        if not text.endswith("\n"):
            text += "\n"
        pos, lineno, size = 0, 1, len(text)
        match_entry = _ENTRY_RE.match
        while pos < size:
            if text[pos] == "\n":
                pos += 1
                lineno += 1
                continue
            match = match_entry(text, pos)
            if match is None or not self._fast_entry(match, lineno):
                break
            lineno += text.count("\n", pos, match.end())
            pos = match.end()
        else:
            return self.catalog
        return self._parse_lines(text[pos:].split("\n"), lineno - 1)

    def _fast_entry(self, match: re.Match[str], lineno: int) -> bool:
        """Add the entry ``match`` found at ``lineno``; False (nothing added) if it needs the slow path."""
        comments, ctxt, msgid, plural, msgstrs = match.groups()
        forms: list[str] = []
        try:
            if plural is None and msgstrs.startswith('msgstr "') and "\nmsgstr" not in msgstrs[:-1]:
                forms.append(_joined(msgstrs[7:-1], lineno))
            else:
                for index, block in _MSGSTR_RE.findall(msgstrs):
                    if (plural is None) != (index == "") or (index and int(index) != len(forms)):
                        return False
                    if plural is None and forms:
                        return False  # msgstr given twice
                    forms.append(_joined(block, lineno))
                if not forms:
                    return False
            context = None if ctxt is None else _joined(ctxt, lineno)
            source = _joined(msgid, lineno)
            source_plural = None if plural is None else _joined(plural, lineno)
        except _Syntax:
            return False  # the line-by-line reader reports it at its exact line
        msgid_line = lineno + (comments.count("\n") if comments else 0)
        if ctxt is not None:
            msgid_line += ctxt.count("\n") + 1
        if comments and "#|" not in comments:
            translator: list[str] = []
            extracted: list[str] = []
            references: list[str] = []
            flags: list[str] = []
            for line in comments[:-1].split("\n"):
                kind = line[1:2]
                if kind == ":":
                    references.extend(line[2:].split())
                elif kind == ".":
                    extracted.append(line[3:] if line[2:3] == " " else line[2:])
                elif kind == ",":
                    for flag in line[2:].split(","):
                        flag = flag.strip()
                        if flag and flag not in flags:
                            flags.append(flag)
                else:
                    # GNU keeps a comment's text as it is, but for the one space after "#".
                    translator.append(line[2:] if line[1:2] == " " else line[1:])
            message = Message(
                msgid=source,
                msgstr=forms,
                msgid_plural=source_plural,
                msgctxt=context,
                translator_comments=translator,
                extracted_comments=extracted,
                references=references,
                flags=flags,
                lineno=msgid_line,
            )
        elif comments:
            for offset, line in enumerate(comments[:-1].split("\n")):
                self._comment(line, lineno + offset)
            message = Message(
                msgid=source,
                msgstr=forms,
                msgid_plural=source_plural,
                msgctxt=context,
                translator_comments=self.comments,
                extracted_comments=self.extracted,
                references=self.refs,
                flags=self.flags,
                previous_msgctxt=self.prev.get("msgctxt"),
                previous_msgid=self.prev.get("msgid"),
                previous_msgid_plural=self.prev.get("msgid_plural"),
                lineno=msgid_line,
            )
            self._reset()
        else:
            message = Message(
                msgid=source,
                msgstr=forms,
                msgid_plural=source_plural,
                msgctxt=context,
                lineno=msgid_line,
            )
        self._add(message)
        return True

    def _parse_lines(self, lines: list[str], lineno: int) -> Catalog:
        if lines and lines[-1] == "":
            lines.pop()
        for raw in lines:
            lineno += 1
            line = raw.strip()
            if not line:
                # A blank line ends the string in progress; entries end when the next starts.
                self.field = None
                if self.msgstr:
                    self._finish(lineno)
                continue
            obsolete = False
            if line.startswith("#~"):
                obsolete = True
                line = line[2:].lstrip()
                if not line:
                    continue
                if line.startswith("|"):
                    self._previous(line[1:].strip(), lineno, obsolete=True)
                    continue
            elif line[0] == "#":
                self._comment(raw.lstrip(), lineno)
                continue
            if line[0] == '"':
                self._continuation(line, lineno, obsolete)
                continue
            self._keyword(line, lineno, obsolete)
        self.field = None
        self._finish(lineno + 1)
        return self.catalog

    def _begin_entry_part(self, lineno: int) -> None:
        # A comment after a complete entry starts the next one.
        if self.msgstr:
            self._finish(lineno)
        if not self.has_content:
            self.start = lineno
            self.has_content = True

    def _comment(self, line: str, lineno: int) -> None:
        self._begin_entry_part(lineno)
        self.field = None
        kind = line[1:2]
        if kind == ".":
            self.extracted.append(line[3:] if line[2:3] == " " else line[2:])
        elif kind == ":":
            self.refs.extend(line[2:].split())
        elif kind == ",":
            for flag in line[2:].split(","):
                flag = flag.strip()
                if flag and flag not in self.flags:
                    self.flags.append(flag)
        elif kind == "|":
            self._previous(line[2:].strip(), lineno, obsolete=False)
        else:
            self.comments.append(line[2:] if line[1:2] == " " else line[1:])

    def _previous(self, rest: str, lineno: int, obsolete: bool) -> None:
        self._begin_entry_part(lineno)
        if rest.startswith('"'):
            if self.prev_field is None:
                raise _Syntax("continuation of a previous (#|) string without a keyword", lineno)
            self.prev[self.prev_field] += _string(rest, lineno)
            return
        match = _KEYWORD_RE.fullmatch(rest)
        if match is None or match.group(1) not in ("msgctxt", "msgid", "msgid_plural"):
            raise _Syntax(f"invalid previous-msgid comment '#| {rest}'", lineno)
        self.prev_field = match.group(1)
        self.prev[self.prev_field] = _string(match.group(3), lineno)

    def _check_obsolete(self, obsolete: bool, lineno: int) -> None:
        if self.obsolete is None:
            self.obsolete = obsolete
        elif self.obsolete != obsolete:
            raise _Syntax("entry mixes obsolete (#~) and active lines", lineno)

    def _keyword(self, line: str, lineno: int, obsolete: bool) -> None:
        match = _KEYWORD_RE.fullmatch(line)
        if match is None:
            word = line.split(None, 1)[0]
            raise _Syntax(f"unexpected text {word[:40]!r} (expected a keyword or a string)", lineno)
        keyword, index, rest = match.group(1), match.group(2), match.group(3)
        if not rest:
            raise _Syntax(f"{keyword.split('[')[0]} without a string", lineno)
        value = _string(rest, lineno)
        if (keyword == "msgctxt" or (keyword == "msgid" and self.msgstr)) and self.msgstr:
            self._finish(lineno)
        if not self.has_content:
            self.start = lineno
            self.has_content = True
        self._check_obsolete(obsolete, lineno)
        if keyword == "msgctxt":
            if self.msgctxt is not None or self.msgid is not None:
                raise _Syntax("msgctxt must come first in an entry", lineno)
            self.msgctxt = value
        elif keyword == "msgid":
            if self.msgid is not None:
                # The entry at fault is the one without msgstr, not the next one.
                raise _Syntax("missing msgstr after msgid", self.msgid_line)
            self.msgid = value
            self.msgid_line = lineno
        elif keyword == "msgid_plural":
            if self.msgid is None:
                raise _Syntax("msgid_plural without msgid", lineno)
            if self.msgid_plural is not None or self.msgstr:
                raise _Syntax("misplaced msgid_plural", lineno)
            self.msgid_plural = value
        else:
            if self.msgid is None:
                raise _Syntax("msgstr before msgid", lineno)
            if index is not None:
                if self.msgid_plural is None:
                    raise _Syntax("msgstr[n] used without msgid_plural", lineno)
                n = int(index)
                if n in self.msgstr:
                    raise _Syntax(f"msgstr[{n}] given twice", lineno)
                self.plural_syntax = True
            else:
                if self.msgid_plural is not None:
                    raise _Syntax("plural entry needs msgstr[0], msgstr[1], ...", lineno)
                if self.msgstr:
                    raise _Syntax("msgstr given twice", lineno)
                n = 0
            self.msgstr[n] = value
            keyword, self.field_index = "msgstr", n
        self.field = keyword

    def _continuation(self, line: str, lineno: int, obsolete: bool) -> None:
        if self.field is None:
            raise _Syntax("string without a keyword before it", lineno)
        self._check_obsolete(obsolete, lineno)
        value = _string(line, lineno)
        field_name = self.field
        if field_name == "msgctxt":
            self.msgctxt = (self.msgctxt or "") + value
        elif field_name == "msgid":
            self.msgid = (self.msgid or "") + value
        elif field_name == "msgid_plural":
            self.msgid_plural = (self.msgid_plural or "") + value
        else:
            self.msgstr[self.field_index] += value


# --------------------------------------------------------------------------- writing


def format_po(catalog: Catalog, width: int = PAGE_WIDTH) -> str:
    """Serialize ``catalog`` in GNU gettext's layout (see :mod:`lingopress.powriter`)."""
    # Imported here: the writer is built on this module's model.
    from lingopress.powriter import format_catalog

    return format_catalog(catalog, width)


def save_po(path: str | Path, catalog: Catalog, width: int = PAGE_WIDTH) -> bool:
    """Write ``catalog`` to ``path`` atomically; returns whether the file changed."""
    return write_atomic(path, format_po(catalog, width).encode("utf-8"))
