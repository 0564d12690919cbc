"""Generate a synthetic lingopress site: N articles of real Markdown with values, M locales of
machine-filled PO files.

    python benchmarks/sitegen.py OUT --articles 1000 --locales 9 [--corpus ../shared/corpus/markdown]

Paragraphs, headings and list items are sampled (with a fixed seed) from the Markdown corpus;
every article gets a [values] table and placeholders in some of its paragraphs. Each locale's PO
files are complete: every msgstr is the msgid behind a locale marker, so placeholders and markup
survive and the check passes. The templates and stylesheet are this repository's.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from lingopress.catalogs import domains, po_header_fields, read_pot  # noqa: E402
from lingopress.config import load_config  # noqa: E402
from lingopress.extract import extract_project, write_pots  # noqa: E402
from lingopress.pofile import Catalog, Message, save_po  # noqa: E402

LOCALES = ["de", "fr", "es", "ru", "ar", "tr", "sr_Latn", "ja", "it", "pl", "pt_BR", "nl", "uk", "zh_Hans"]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "markdown"
EPOCH = "1735689600"

VALUE_SENTENCES = [
    "Plans start at {price_min} and go up to {price_max}.",
    "More than {users} teams rely on it, {share} of them every day.",
    "The community counts about {community} people, as of {as_of}.",
]
VALUES = """\
[values]
price_min = {{ money = {low}, currency = "EUR" }}
price_max = {{ money = {high}, currency = "USD" }}
users     = {{ number = {users} }}
share     = {{ percent = 0.{share:02d} }}
community = {{ compact = {community} }}
as_of     = {{ date = 2025-0{month}-01, skeleton = "yMMMM" }}
"""

_PLAIN_RE = re.compile(r"[A-Za-z]")
_BAD_RE = re.compile(r"[{}<>|\\]|^\s|^```|^~~~|^\[[^\]]*\]:|^\d+\.|^[=-]{3,}|^\*\*\*|^!\[", re.M)


def corpus_blocks(corpus: Path) -> tuple[list[str], list[str]]:
    """Headings and body blocks (paragraphs, list items) of the corpus that stand on their own."""
    headings: list[str] = []
    blocks: list[str] = []
    files = sorted(corpus.rglob("*.md"))
    if not files:
        raise SystemExit(f"{corpus}: no Markdown files (pass --corpus)")
    for path in files:
        text = path.read_text("utf-8")
        # Drop fenced code blocks first, so their lines are never sampled.
        text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
        for raw in re.split(r"\n\s*\n", text):
            block = raw.strip("\n")
            if not block or _BAD_RE.search(block) or not _PLAIN_RE.search(block):
                continue
            if block.count("`") % 2 or block.count("*") % 2 or block.count("_") % 2:
                continue
            if block.startswith("#"):
                title = block.lstrip("#").strip()
                if "\n" not in title and 3 <= len(title) <= 80:
                    headings.append(title)
            elif (block.startswith("- ") and all(ln.startswith("- ") for ln in block.split("\n"))) or (
                not block.startswith(("-", "*", "+", ">", "#")) and 40 <= len(block) <= 900
            ):
                blocks.append(block)
    return headings, blocks


def article_text(index: int, rng: random.Random, headings: list[str], blocks: list[str]) -> str:
    title = f"{rng.choice(headings)} {index}"
    body: list[str] = []
    for section in range(rng.randint(3, 5)):
        body.append(f"## {rng.choice(headings)} ({section + 1})")
        for _ in range(rng.randint(3, 6)):
            block = rng.choice(blocks)
            if rng.random() < 0.25 and not block.startswith("- "):
                block = f"{block} {rng.choice(VALUE_SENTENCES)}"
            body.append(block)
    values = VALUES.format(
        low=rng.randint(1, 90) * 100,
        high=rng.randint(100, 900) * 100,
        users=rng.randint(1000, 90000),
        share=rng.randint(10, 99),
        community=rng.randint(10, 900) * 100_000,
        month=rng.randint(1, 9),
    )
    front = "\n".join(
        [
            "+++",
            f'title = "{title}"',
            f'description = "How {title.lower()} works, with {{users}} users and plans from {{price_min}}."',
            f'slug = "article-{index:05d}"',
            f"published = 2025-01-{1 + index % 28:02d}",
            values.rstrip("\n"),
            "+++",
        ]
    )
    return front + "\n\n" + "\n\n".join(body) + "\n"


def machine_translation(locale: str, text: str) -> str:
    """A stand-in translation that keeps placeholders and inline markup exactly."""
    return f"«{locale}» {text}"


def write_project(out: Path, articles: int, locales: int, corpus: Path, seed: int = 1) -> None:
    """Write the whole project to ``out`` (which must not exist or be empty)."""
    if locales > len(LOCALES):
        raise SystemExit(f"at most {len(LOCALES)} target locales")
    out.mkdir(parents=True, exist_ok=True)
    names = LOCALES[:locales]
    table = "\n".join(f'{name} = {{ status = "required" }}' for name in names)
    (out / "pyproject.toml").write_text(
        '[project]\nname = "bench-site"\nversion = "0"\n\n'
        '[tool.lingopress]\nsource_locale = "en"\nbase_url = "https://example.org"\n'
        f'site_name = "Bench"\n\n[tool.lingopress.locales]\n{table}\n',
        "utf-8",
    )
    shutil.copytree(REPO / "source" / "templates", out / "source" / "templates", dirs_exist_ok=True)
    shutil.copytree(REPO / "source" / "static", out / "source" / "static", dirs_exist_ok=True)
    shutil.copy(REPO / "tasks.py", out / "tasks.py")
    src = out / "src"
    if not src.exists():
        src.symlink_to(REPO / "src", target_is_directory=True)
    headings, blocks = corpus_blocks(corpus)
    rng = random.Random(seed)
    for index in range(articles):
        (out / "source" / f"article-{index:05d}.md").write_text(
            article_text(index, rng, headings, blocks), "utf-8"
        )
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    config = load_config(out)
    write_pots(config, extract_project(config))
    # As written, header included: the PO headers are what 'invoke update' makes of them.
    pots = {domain: read_pot(config, domain) for domain in domains(config)}
    for name in names:
        locale = config.locales[name]
        for domain, pot in pots.items():
            catalog = Catalog()
            catalog.header = Message("")
            catalog.set_header_fields(po_header_fields(locale, domain, pot, None))
            catalog.header.translator_comments = [f"Machine translation of {domain!r}.", ""]
            for message in pot.messages:
                filled = message.copy()
                if message.msgid_plural is None:
                    filled.msgstr = [machine_translation(name, message.msgid)]
                else:
                    forms = [message.msgid] + [message.msgid_plural] * (locale.info.nplurals - 1)
                    filled.msgstr = [machine_translation(name, form) for form in forms]
                catalog.messages.append(filled)
            save_po(config.po_path(name, domain), catalog)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--locales", type=int, default=9, help="target locales besides the source")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    write_project(args.out, args.articles, args.locales, args.corpus, args.seed)
    pages = args.articles * (args.locales + 1)
    print(f"{args.out}: {args.articles} articles x {args.locales + 1} locales = {pages} pages", end="")
    print(f" in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
