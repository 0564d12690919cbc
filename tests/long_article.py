"""A project with one long article (hundreds of paragraphs) in two locales, and translators'
files for it: what the lock and crash tests run tasks on, and count translations of."""

from __future__ import annotations

import os
import re
from pathlib import Path

from conftest import REPO, make_project
from lingopress.catalogs import update_project
from lingopress.config import Config, load_config
from lingopress.extract import write_pots
from lingopress.files import write_atomic
from lingopress.pofile import Catalog, Message, read_po, save_po

LOCALES = ("de", "tr")

WORKER = """
import sys
from pathlib import Path

from lingopress.config import load_config

root, action, *files = sys.argv[1:]
config = load_config(Path(root))
if action == "update":
    from lingopress.catalogs import update_project
    from lingopress.extract import write_pots

    write_pots(config)
    update_project(config, list(config.locales))
elif action == "import":
    from lingopress.imports import import_files

    report = import_files(config, [Path(name) for name in files])
    problems = [str(r) for f in report.files for r in f.rejected]
    assert not problems, problems
elif action == "compile":
    from lingopress.catalogs import compile_project

    compile_project(config, list(config.locales))
else:
    raise SystemExit(f"unknown action {action}")
"""
"""A task run in a process of its own through the package: ``python -c WORKER root action
[file...]``."""


def paragraph(i: int) -> str:
    return f"Paragraph {i} of the long article, about what the treatment costs and does."


def write_article(config: Config, paragraphs: int, extra: list[str] | None = None) -> None:
    """The article: ``paragraphs`` numbered paragraphs, then the ``extra`` ones (written
    atomically: a test that kills tasks does not kill the author's edit)."""
    path = config.source_dir / "sample.md"
    front = path.read_text("utf-8").split("+++")[1]
    body = [paragraph(i) for i in range(paragraphs)] + list(extra or [])
    write_atomic(path, ("+++" + front + "+++\n\n" + "\n\n".join(body) + "\n").encode("utf-8"))


def make_long_project(target: Path, paragraphs: int) -> Config:
    """The sample project with a long article, in the locales de and tr, extracted and updated."""
    make_project(target)
    pyproject = target / "pyproject.toml"
    text = pyproject.read_text("utf-8")
    text = re.sub(
        r"\[tool\.lingopress\.locales\].*",
        "[tool.lingopress.locales]\n" + "".join(f'{n} = {{ status = "required" }}\n' for n in LOCALES),
        text,
        flags=re.S,
    )
    pyproject.write_text(text, "utf-8")
    config = load_config(target)
    write_article(config, paragraphs)
    write_pots(config)
    update_project(config, list(LOCALES))
    return config


def translator_file(path: Path, locale: str, paragraphs: int, tag: str) -> Path:
    """A translator's PO file for ``locale`` translating every numbered paragraph as
    ``"<tag> <i>"``."""
    catalog = Catalog()
    catalog.header = Message("", msgstr=[f"Content-Type: text/plain; charset=UTF-8\nLanguage: {locale}\n"])
    catalog.messages = [Message(paragraph(i), msgstr=[f"{tag} {i}"]) for i in range(paragraphs)]
    path.parent.mkdir(parents=True, exist_ok=True)
    save_po(path, catalog)
    return path


def translations(config: Config, locale: str) -> dict[str, str]:
    """The article's translated (not fuzzy) entries in ``locale``, read strictly."""
    catalog = read_po(config.po_path(locale, "sample"))
    return {m.msgid: m.msgstr[0] for m in catalog.messages if m.translated}


def msgids(config: Config, locale: str) -> set[str]:
    return {m.msgid for m in read_po(config.po_path(locale, "sample")).messages}


def worker_env() -> dict[str, str]:
    """The environment of a worker process: this repository's package first on its path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    return env
