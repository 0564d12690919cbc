"""``invoke serve``: the built site over HTTP, rebuilt when an input changes."""

from __future__ import annotations

import errno
import functools
import http
import http.server
import os
import socket
import threading
import urllib.parse
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from lingopress.config import Config
from lingopress.errors import LingopressError

__all__ = ["preview_server", "source_fingerprint", "watch_and_rebuild"]


def preview_server(build_dir: Path, bind: str, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``build_dir`` (not started): directory URLs serve their index.html.

    It serves what a static host would publish and nothing else: no directory listings, nothing
    under a name starting with a dot (``/.cache/``), no file reached through a symlink that
    leads out of ``build_dir``. An address it cannot listen on (in use, not of this machine, a
    port out of 0-65535) is a :class:`LingopressError` naming it.
    """
    where = f"{bind}:{port}"
    if not 0 <= port <= 65535:
        raise LingopressError(f"cannot serve on {where}: the port must be from 0 to 65535")
    handler = functools.partial(_PreviewHandler, directory=str(build_dir))
    try:
        return http.server.ThreadingHTTPServer((bind, port), handler)
    except socket.gaierror as exc:
        raise LingopressError(f"cannot serve on {where}: unknown host ({exc.strerror})") from exc
    except OSError as exc:
        reason = {
            errno.EADDRINUSE: "the port is in use (is another server running? try --port)",
            errno.EADDRNOTAVAIL: "the address is not one of this machine's",
            errno.EACCES: "permission denied (ports below 1024 need privileges)",
        }.get(exc.errno or 0, exc.strerror or str(exc))
        raise LingopressError(f"cannot serve on {where}: {reason}") from exc
    except (OverflowError, ValueError) as exc:
        raise LingopressError(f"cannot serve on {where}: {exc}") from exc


class _PreviewHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        url_path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if any(part.startswith(".") for part in url_path.split("/")):
            self.send_error(http.HTTPStatus.NOT_FOUND)
            return None
        target = Path(self.translate_path(self.path))
        if target.is_dir():
            target = target / "index.html"  # a folder is its index page, or nothing
        if not target.is_file() or not target.resolve().is_relative_to(Path(self.directory).resolve()):
            self.send_error(http.HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(http.HTTPStatus.NOT_FOUND)
        return None


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
