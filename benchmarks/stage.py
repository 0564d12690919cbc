"""One benchmark stage on a generated site, in its own interpreter: prints a JSON line with its
wall time (imports excluded) and peak memory (main process, largest worker).

    python benchmarks/stage.py STAGE SITE_ROOT

The ``build`` stage moves the site's last build into ``.bench-trash`` next to the site, which
bench.py and targets.py empty when they are done; run on its own, delete that folder yourself.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from bench import to_trash  # noqa: E402

from lingopress import set_up_process  # noqa: E402
from lingopress.build import build_site  # noqa: E402
from lingopress.catalogs import compile_project, update_project  # noqa: E402
from lingopress.config import Config, load_config  # noqa: E402
from lingopress.extract import CACHE_FILE as EXTRACT_CACHE  # noqa: E402
from lingopress.extract import write_pots  # noqa: E402
from lingopress.gate import check_project  # noqa: E402
from lingopress.pofile import read_po, save_po  # noqa: E402


def _build(config: Config, force: bool = False) -> str:
    result = build_site(config, gate=not force)
    if result.blocking:
        raise SystemExit(f"build blocked: {result.blocking[0]}")
    return f"{result.rendered} rendered, {len(result.written)} written"


def _full(config: Config) -> str:
    """A build into an empty build/ (the old one is moved into the trash before the clock
    starts)."""
    return _build(config)


_MARKER = "\nAn edited paragraph.\n"


def _edit_article(config: Config) -> str:
    path = sorted(config.source_dir.glob("*.md"))[0]
    path.write_text(path.read_text("utf-8") + _MARKER, "utf-8")
    # The POT is stale until 'invoke extract' (the gate would stop the build): what is
    # measured here is the rebuild itself.
    return _build(config, force=True)


def _restore_article(config: Config) -> str:
    """Undo :func:`_edit_article` (not timed by the benchmark)."""
    path = sorted(config.source_dir.glob("*.md"))[0]
    text = path.read_text("utf-8")
    if text.endswith(_MARKER):
        path.write_text(text[: -len(_MARKER)], "utf-8")
    return _build(config, force=True)


def _edit_po(config: Config) -> str:
    slug = next(p.stem for p in sorted(config.locales_dir.glob("*.pot")) if p.stem != "site")
    path = config.po_path(next(iter(config.locales)), slug)
    catalog = read_po(path)
    message = catalog.messages[-1]
    text = message.msgstr[0]
    message.msgstr = [text[:-2] if text.endswith(" ·") else text + " ·"]
    save_po(path, catalog)
    return _build(config)


def _render(config: Config, pages: int = 1000) -> tuple[str, float, int]:
    """Render the first ``pages`` pages in this process (one core), as the build does: the
    body parsed once per article, the catalogs read beforehand. Nothing is written."""
    from lingopress.catalogs import read_locale_po
    from lingopress.render import Renderer, Translations
    from lingopress.site import language_links
    from lingopress.source import find_articles, read_article

    renderer = Renderer(config)
    infos = [config.source_locale, *(lc.info for lc in config.locales.values())]
    site = {i.name: Translations.from_catalog(read_locale_po(config, i.name, "site")) for i in infos[1:]}
    site[config.source_locale.name] = Translations({})
    work = []
    for path in find_articles(config.source_dir)[: max(1, pages // len(infos))]:
        article = read_article(path, config.relative(path))
        parsed = renderer.segmenter.parse(article.body, article.body_line)
        for info in infos:
            is_source = info is config.source_locale
            catalog = None if is_source else read_locale_po(config, info.name, article.slug)
            links = language_links(config, infos, info, article.slug)
            work.append((article, parsed, info, Translations.from_catalog(catalog), links))
    start = time.process_time()
    for article, parsed, info, translations, links in work:
        renderer.article_page(article, info, translations, site[info.name], links, False, parsed)
    seconds = time.process_time() - start
    return f"CPU time of {len(work)} pages on one core", seconds, len(work)


STAGES: dict[str, Callable[[Config], str | tuple[str, float, int]]] = {
    "extract": lambda c: f"{len(write_pots(c))} written",  # with what an extraction keeps removed
    "re-extract": lambda c: f"{len(write_pots(c))} written",
    "update": lambda c: f"{len(update_project(c, list(c.locales)).written)} written",
    "compile": lambda c: f"{len(compile_project(c, list(c.locales)))} written",
    "check": lambda c: f"{len(check_project(c).errors)} errors",
    "render": _render,
    "build": _full,
    "no-op": _build,
    "edit-article": _edit_article,
    "restore-article": _restore_article,
    "edit-po": _edit_po,
}


def main() -> None:
    stage, root = sys.argv[1], Path(sys.argv[2])
    set_up_process()  # as the invoke tasks do once their modules are imported
    config = load_config(root)
    if stage == "build" and config.build_dir.exists():
        # The last build is moved into the trash, which the benchmark scripts empty when they are
        # done: removing tens of thousands of files shortly before making as many would time the
        # file system too (see bench.SETTLE). Here, a serial build of 1,000 pages spent 1.9 to
        # 4.4 s in the kernel right after the last one was deleted, and 0.3 s with nothing
        # deleted for minutes.
        to_trash(config.build_dir, root.resolve().parent)
    if stage == "extract":
        (config.build_dir / EXTRACT_CACHE).unlink(missing_ok=True)
    start = time.perf_counter()
    outcome = STAGES[stage](config)
    seconds = time.perf_counter() - start
    pages = None
    if isinstance(outcome, tuple):  # a stage that times a part of what it does
        note, seconds, pages = outcome
    else:
        note = outcome
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent process.
    # RUSAGE_CHILDREN (KiB) is the largest worker process.
    status = Path("/proc/self/status").read_text()
    peak = int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM:"))) / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    data = {"seconds": seconds, "pages": pages, "peak_mb": peak, "worker_mb": worker, "note": note}
    print(json.dumps(data))


if __name__ == "__main__":
    main()
