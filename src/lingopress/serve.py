"""``invoke serve``: the built site over HTTP, rebuilt when an input changes."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from lingopress.config import Config

__all__ = ["preview_server", "source_fingerprint", "watch_and_rebuild"]


def preview_server(build_dir: Path, bind: str, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``build_dir`` (not started): directory URLs serve their index.html."""
    handler = functools.partial(_QuietHandler, directory=str(build_dir))
    return http.server.ThreadingHTTPServer((bind, port), handler)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def source_fingerprint(config: Config) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every input of a build, to notice a change cheaply."""
    paths = [config.root / "pyproject.toml"]
    for folder in (config.source_dir, config.locales_dir):
        if folder.is_dir():
            paths += sorted(p for p in folder.rglob("*") if p.is_file())
    out = []
    for path in paths:
        with suppress(OSError):
            stat = path.stat()
            out.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def watch_and_rebuild(
    config: Config, rebuild: Callable[[], str], interval: float = 1.0, stop: threading.Event | None = None
) -> threading.Thread:
    """Call ``rebuild`` in a background thread whenever a build input changes; print what it says."""
    stop = stop or threading.Event()
    seen = source_fingerprint(config)

    def loop() -> None:
        nonlocal seen
        while not stop.wait(interval):
            now = source_fingerprint(config)
            if now != seen:
                seen = now
                print(rebuild(), flush=True)

    thread = threading.Thread(target=loop, name="lingopress-watch", daemon=True)
    thread.start()
    return thread
