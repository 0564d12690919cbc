"""invoke serve: the preview server, and the watcher that rebuilds when an input changes."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path

from lingopress.config import Config
from lingopress.serve import preview_server, source_fingerprint, watch_and_rebuild


def test_preview_server_serves_a_folder_page_from_its_index(tmp_path: Path) -> None:
    """A directory URL serves the folder's index.html, as a static host does."""
    (tmp_path / "de" / "article").mkdir(parents=True)
    (tmp_path / "de" / "article" / "index.html").write_text("<p>Hallo</p>", "utf-8")
    server = preview_server(tmp_path, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/de/article/"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"<p>Hallo</p>"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_serve_watch_sees_inputs_not_outputs(project: Config) -> None:
    """What serve --watch watches: articles, templates, PO files and pyproject.toml, not build/."""
    before = source_fingerprint(project)
    project.build_dir.mkdir(exist_ok=True)
    (project.build_dir / "page.html").write_text("output", "utf-8")
    assert source_fingerprint(project) == before
    po = project.locales_dir / "de" / "LC_MESSAGES" / "sample.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n', "utf-8")
    assert source_fingerprint(project) != before


def test_serve_watch_rebuilds_when_an_input_changes(project: Config) -> None:
    """Editing an article while serve --watch runs triggers a rebuild."""
    rebuilt = threading.Event()
    stop = threading.Event()
    thread = watch_and_rebuild(project, lambda: rebuilt.set() or "rebuilt", interval=0.01, stop=stop)
    try:
        article = project.source_dir / "sample.md"
        article.write_text(article.read_text("utf-8") + "\nOne more paragraph.\n", "utf-8")
        assert rebuilt.wait(30), "no rebuild after the article changed"
    finally:
        stop.set()
        thread.join(30)
