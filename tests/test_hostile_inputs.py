"""Hostile input that used to end in a traceback, a hang or a leak: values Babel cannot format,
Markdown nested until Python-Markdown recurses, files that are not UTF-8 or not regular files,
symlinks in static files, and the preview server's address and URLs."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import make_project
from lingopress.config import load_config
from lingopress.errors import CatalogError, ConfigError, LingopressError, SourceError
from lingopress.glossary import read_glossary
from lingopress.inputs import read_input
from lingopress.locales import locale_info
from lingopress.pofile import read_po
from lingopress.segment import BodySegmenter, Translation
from lingopress.serve import preview_server
from lingopress.site import static_files
from lingopress.source import MAX_NESTING, parse_article, read_article
from lingopress.values import Value, format_value

FRONT = '+++\ntitle = "T"\nslug = "t"\n\n[values]\nother = { number = 1 }\nn = VALUE\n+++\n\nIntro.\n\n'
"""An article whose value ``n`` is on line 7 and whose body starts on line 9 (text on 10)."""


def invoke(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The timeout only bounds a hang (a FIFO read would never end); it is not a speed test.
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1735689600"},
        timeout=120,
    )


def _refused(result: subprocess.CompletedProcess[str], expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert expected in output, output
    assert "Traceback" not in output


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with its POT and PO files."""
    project = make_project(tmp_path_factory.mktemp("hostile") / "project")
    for task in ("extract", "update"):
        result = invoke(project, task)
        assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture
def project(prepared: Path, tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(prepared, target, symlinks=True)
    return target


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{ number = nan }", "value 'n': number must be a finite number, not nan"),
        ("{ number = inf }", "value 'n': number must be a finite number, not inf"),
        ("{ percent = -inf }", "value 'n': percent must be a finite number, not -inf"),
        ('{ money = 1e400, currency = "EUR" }', "value 'n': money must be a finite number, not inf"),
        ("{ number = " + "1" * 47 + " }", "value 'n': number is too large (it must be below 10**18)"),
        ("{ compact = 1e308 }", "value 'n': compact is too large (it must be below 10**18)"),
        ("{ number = 1_000_000_000_000_000_000 }", "value 'n': number is too large"),
        ("{ number = 0.1234567890123456789 }", "value 'n': number has 17 significant digits (at most 15)"),
        ("{ number = 1e-300 }", "value 'n': number has 300 decimal places (at most 9)"),
    ],
)
def test_values_babel_cannot_format_exactly_are_refused_at_their_line(value: str, message: str) -> None:
    """nan, inf, overflow and amounts beyond 10**18, 15 digits or 9 decimals are refused at their line."""
    with pytest.raises(SourceError) as caught:
        parse_article(FRONT.replace("VALUE", value), "source/t.md")
    assert caught.value.line == 7
    assert str(caught.value).startswith(f"source/t.md:7: {message}")


@pytest.mark.parametrize(
    "amount", ["999999999999999000", "-999999999999999000", "0.000000001", "123456.123456789"]
)
@pytest.mark.parametrize("kind", ["number", "percent", "compact", "money"])
@pytest.mark.parametrize("locale", ["en", "de", "ar", "ja", "sr_Latn", "my"])
def test_values_at_the_bounds_format_in_every_kind(amount: str, kind: str, locale: str) -> None:
    """The largest and most precise accepted amounts format with Babel without an error or NaN."""
    spec = f"{{ {kind} = {amount}{', currency = ' + chr(34) + 'BHD' + chr(34) if kind == 'money' else ''} }}"
    article = parse_article(FRONT.replace("VALUE", spec), "source/t.md")
    value = article.values["n"]
    assert isinstance(value.amount, Decimal) and value.amount == Decimal(amount)
    text = format_value(
        Value("n", value.kind, value.amount, currency=value.currency), locale_info(locale).babel
    )
    assert text and "NaN" not in text and "∞" not in text


def test_a_nan_value_stops_the_build_at_its_line(project: Path) -> None:
    """invoke build with a nan value exits 1 with the article's path and the value's line."""
    path = project / "source" / "sample.md"
    text = path.read_text("utf-8")
    line = text[: text.index("{ number = 10000 }")].count("\n") + 1
    path.write_text(text.replace("{ number = 10000 }", "{ number = nan }"), "utf-8")
    _refused(
        invoke(project, "build", "--force"),
        f"source/sample.md:{line}: value 'patients': number must be a finite number, not nan",
    )


# --------------------------------------------------------------------------- nesting

DEEP: dict[str, Callable[[int], str]] = {
    "list-2-spaces": lambda n: "".join("  " * i + "- x\n" for i in range(n)),
    "list-4-spaces": lambda n: "".join("    " * i + "1. x\n" for i in range(n)),
    "list-tabs": lambda n: "".join("\t" * i + "- x\n" for i in range(n)),
    "list-markers": lambda n: "- " * n + "x\n",
    "blockquote": lambda n: ">" * n + " x\n",
    "quote-in-list": lambda n: "".join("> " * i + "- x\n" for i in range(n)),
    "md-in-html-div": lambda n: '<div markdown="1">\n\n' * n + "x\n\n" + "</div>\n\n" * n,
    "md-in-html-blockquote": lambda n: (
        '<blockquote markdown="1">\n\n' * n + "x\n\n" + "</blockquote>\n\n" * n
    ),
    "raw-blocks-in-md-div": lambda n: (
        '<div markdown="1">\n\n' + "<section>\n" * n + "x\n" + "</section>\n" * n + "\n</div>\n"
    ),
}


@pytest.mark.parametrize("shape", DEEP)
def test_markdown_nested_a_thousand_deep_is_refused_where_it_starts(shape: str) -> None:
    """A structure nested 1,000 deep is a SourceError at its first line, never a RecursionError."""
    with pytest.raises(SourceError) as caught:
        parse_article(FRONT.replace("VALUE", "{ number = 1 }") + DEEP[shape](1000), "source/t.md")
    assert caught.value.path == "source/t.md"
    assert caught.value.line == 12
    assert f"more than {MAX_NESTING} levels deep" in caught.value.message


@pytest.mark.parametrize("shape", DEEP)
def test_nesting_below_the_limit_renders(shape: str) -> None:
    """Twenty levels of each structure (more than real documents use) parse and render."""
    article = parse_article(FRONT.replace("VALUE", "{ number = 1 }") + DEEP[shape](20), "source/t.md")
    segmenter = BodySegmenter()
    parsed = segmenter.parse(article.body, article.body_line)
    html = segmenter.render(parsed, lambda s: Translation(s.text, False), lambda name: "", {})
    assert re.search(r"[>\n]x[<\n]", html), html


def test_nested_emphasis_and_links_need_no_limit() -> None:
    """Emphasis and brackets nested 1,000 deep are not recursive in Python-Markdown: they render."""
    body = "*_" * 1000 + "x" + "_*" * 1000 + "\n\n" + "[" * 300 + "x" + "](y)" * 300 + "\n"
    article = parse_article(FRONT.replace("VALUE", "{ number = 1 }") + body, "source/t.md")
    segmenter = BodySegmenter()
    html = segmenter.render(
        segmenter.parse(article.body, article.body_line),
        lambda s: Translation(s.text, False),
        lambda n: "",
        {},
    )
    assert "<em>" in html and "<a href" in html


def test_deep_list_stops_extract_at_the_list_line(project: Path) -> None:
    """invoke extract on an article with a list nested 1,000 deep exits 1 at the list's first line."""
    path = project / "source" / "sample.md"
    text = path.read_text("utf-8").rstrip("\n") + "\n\n"
    line = text.count("\n") + 1
    path.write_text(text + DEEP["list-2-spaces"](1000), "utf-8")
    _refused(invoke(project, "extract"), f"source/sample.md:{line}: lists or block quotes nested more than")


# --------------------------------------------------------------------------- encodings


def test_pyproject_that_is_not_utf8_is_a_config_error_at_its_line(project: Path) -> None:
    """A Latin-1 byte in pyproject.toml is a ConfigError naming the file and line, through invoke too."""
    path = project / "pyproject.toml"
    lines = path.read_bytes().count(b"\n")
    path.write_bytes(path.read_bytes() + b"# caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        load_config(project)
    assert str(caught.value) == f"pyproject.toml:{lines + 1}: not valid UTF-8 (TOML files are UTF-8)"
    _refused(invoke(project, "build"), f"pyproject.toml:{lines + 1}: not valid UTF-8")


def test_template_that_is_not_utf8_stops_extract_and_build_at_its_line(project: Path) -> None:
    """A Latin-1 byte in a template is a TemplateError at its path:line in extract and build."""
    path = project / "source" / "templates" / "base.html"
    lines = path.read_bytes().count(b"\n")
    path.write_bytes(path.read_bytes() + b"<!-- caf\xe9 -->\n")
    expected = f"source/templates/base.html:{lines + 1}: not valid UTF-8"
    _refused(invoke(project, "extract"), expected)
    _refused(invoke(project, "build", "--force"), expected)


def test_article_and_glossary_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    """Articles and glossaries in Latin-1 are refused at the line of the first bad byte."""
    article = tmp_path / "a.md"
    article.write_bytes(b'+++\ntitle = "T"\nslug = "t"\n+++\n\ncaf\xe9\n')
    with pytest.raises(SourceError, match="not valid UTF-8") as caught:
        read_article(article, "source/a.md")
    assert (caught.value.path, caught.value.line) == ("source/a.md", 6)
    glossary = tmp_path / "de.csv"
    glossary.write_bytes(b"term,translation,note\ncaf\xe9,Kaffee,\n")
    with pytest.raises(LingopressError, match="not UTF-8") as gcaught:
        read_glossary(glossary, "glossary/de.csv")
    assert (gcaught.value.path, gcaught.value.line) == ("glossary/de.csv", 2)


# --------------------------------------------------------------------------- not regular files


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.po"
    os.mkfifo(path)
    return path


def test_reading_a_fifo_device_or_folder_as_po_is_refused(fifo: Path, tmp_path: Path) -> None:
    """read_po refuses a FIFO, /dev/zero and a folder with 'not a regular file', without reading."""
    for path in (fifo, Path("/dev/zero"), tmp_path):
        with pytest.raises(CatalogError) as caught:
            read_po(path, "x.po")
        assert str(caught.value) == "x.po: not a regular file"


def test_reading_a_fifo_as_article_glossary_or_config_is_refused(fifo: Path, tmp_path: Path) -> None:
    """Articles, glossaries and pyproject.toml are refused the same way."""
    with pytest.raises(SourceError, match="not a regular file"):
        read_article(fifo, "source/x.md")
    with pytest.raises(LingopressError, match="not a regular file"):
        read_glossary(fifo, "glossary/de.csv")
    (tmp_path / "cfg").mkdir()
    os.mkfifo(tmp_path / "cfg" / "pyproject.toml")
    with pytest.raises(ConfigError, match=r"^pyproject\.toml: not a regular file$"):
        load_config(tmp_path / "cfg")


def test_a_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    """A file larger than the cap is refused before its content is parsed."""
    path = tmp_path / "big.po"
    path.write_bytes(b"x" * (3 << 20))
    with pytest.raises(CatalogError) as caught:
        read_input(path, "big.po", CatalogError, 2 << 20)
    assert str(caught.value) == "big.po: file is too large (3.0 MiB; the limit is 2 MiB)"
    assert read_input(path, "big.po", CatalogError, 3 << 20) == b"x" * (3 << 20)


def test_invoke_import_of_dev_zero_and_a_fifo_ends_with_exit_1(prepared: Path, fifo: Path) -> None:
    """invoke import /dev/zero or a FIFO rejects the file as not a regular file and exits 1."""
    for path in ("/dev/zero", str(fifo)):
        _refused(invoke(prepared, "import", path, "--locale", "de"), f"{path}:1: not a regular file")


def test_a_fifo_in_locales_stops_build_and_update(project: Path) -> None:
    """A FIFO in place of a PO file ends build and update with exit 1 naming it."""
    po = project / "locales" / "de" / "LC_MESSAGES" / "site.po"
    po.unlink()
    os.mkfifo(po)
    for task in (("build", "--force"), ("update",)):
        _refused(invoke(project, *task), "locales/de/LC_MESSAGES/site.po: not a regular file")


# --------------------------------------------------------------------------- static files


def test_a_symlink_in_static_is_refused_and_never_copied(project: Path) -> None:
    """A symlink in source/static (to /etc/passwd) stops the build by name; build/ gets no copy."""
    (project / "source" / "static" / "passwd").symlink_to("/etc/passwd")
    _refused(invoke(project, "build", "--force"), "source/static/passwd: is a symlink")
    assert not (project / "build" / "static" / "passwd").exists()


def test_static_files_refuses_any_symlink_and_non_regular_file(project: Path) -> None:
    """static_files lists regular files; a symlinked folder, an internal symlink or a FIFO is refused."""
    config = load_config(project)
    static = config.static_dir
    assert [p.name for p in static_files(config)] == sorted(p.name for p in static.iterdir())
    for make in (
        lambda p: p.symlink_to("/etc", target_is_directory=True),
        lambda p: p.symlink_to(next(static.iterdir())),
        os.mkfifo,
    ):
        extra = static / "extra"
        make(extra)
        with pytest.raises(SourceError) as caught:
            static_files(config)
        assert caught.value.path == "source/static/extra"
        extra.unlink()


# --------------------------------------------------------------------------- serve


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A preview server over a build folder with a cache, a symlink out and a folder without index."""
    build = tmp_path / "build"
    (build / "de" / "page").mkdir(parents=True)
    (build / "de" / "page" / "index.html").write_text("<p>Seite</p>", "utf-8")
    (build / "index.html").write_text("<p>Home</p>", "utf-8")
    (build / "noindex").mkdir()
    (build / "noindex" / "a.txt").write_text("a", "utf-8")
    (build / ".cache").mkdir()
    (build / ".cache" / "build.json").write_text("{}", "utf-8")
    (build / ".hidden").write_text("h", "utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", "utf-8")
    (build / "leak.txt").symlink_to(secret)
    (build / "outside").symlink_to(tmp_path, target_is_directory=True)
    (build / "alias.html").symlink_to(build / "index.html")
    server = preview_server(build, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _get(where: tuple[str, int], path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(*where, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "path",
    [
        "/.cache/",
        "/.cache/build.json",
        "/%2ecache/build.json",
        "/.hidden",
        "/noindex/",
        "/de/",
        "/leak.txt",
        "/outside/secret.txt",
        "/outside/",
        "/../secret.txt",
    ],
)
def test_preview_server_hides_dot_folders_listings_and_symlinks_out(
    served: tuple[str, int], path: str
) -> None:
    """Dot-folders, folders without index.html and symlinks leading out of build/ are 404."""
    status, body = _get(served, path)
    assert status == 404
    assert b"secret" not in body and b"build.json" not in body and b"a.txt" not in body


def test_preview_server_serves_pages_and_links_inside_build(served: tuple[str, int]) -> None:
    """Index pages and a symlink to a file inside build/ are served."""
    assert _get(served, "/") == (200, b"<p>Home</p>")
    assert _get(served, "/de/page/") == (200, b"<p>Seite</p>")
    assert _get(served, "/alias.html") == (200, b"<p>Home</p>")


@pytest.fixture
def busy_port() -> Iterator[int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def test_preview_server_names_an_address_it_cannot_use(tmp_path: Path, busy_port: int) -> None:
    """A busy port, a port out of range and an address not on this machine are one-line errors."""
    cases = [
        ("127.0.0.1", busy_port, "the port is in use"),
        ("127.0.0.1", 99999, "the port must be from 0 to 65535"),
        ("127.0.0.1", -1, "the port must be from 0 to 65535"),
        ("192.0.2.1", 8000, "the address is not one of this machine's"),
    ]
    for bind, port, reason in cases:
        with pytest.raises(LingopressError) as caught:
            preview_server(tmp_path, bind, port)
        assert str(caught.value).startswith(f"cannot serve on {bind}:{port}: {reason}")


def test_invoke_serve_on_a_busy_port_exits_1(prepared: Path, busy_port: int) -> None:
    """invoke serve on a port in use prints the address and the reason and exits 1; a port out
    of range is a usage error (exit 2), without a traceback either."""
    _refused(
        invoke(prepared, "serve", "--port", str(busy_port)),
        f"cannot serve on 127.0.0.1:{busy_port}: the port is in use",
    )
    out_of_range = invoke(prepared, "serve", "--port", "99999")
    assert out_of_range.returncode == 2, out_of_range.stderr
    assert "a port is from 0 (any free one) to 65535" in out_of_range.stderr
    assert "Traceback" not in out_of_range.stdout + out_of_range.stderr


def test_a_fifo_article_stops_extract_by_name(project: Path) -> None:
    """A FIFO named source/*.md is refused by name, neither read forever nor skipped in silence."""
    os.mkfifo(project / "source" / "x.md")
    _refused(invoke(project, "extract"), "source/x.md: not a regular file")
