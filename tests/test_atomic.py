"""No data loss: a PO file killed mid-write is the old or the new version, never a mix."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from lingopress.pofile import Catalog, Message, format_po, write_atomic


def _catalog_text(n: int, tag: str) -> str:
    catalog = Catalog()
    catalog.header = Message("", msgstr=["Content-Type: text/plain; charset=UTF-8\nLanguage: de\n"])
    for i in range(n):
        catalog.messages.append(Message(f"Message number {i} " * 8, msgstr=[f"{tag} Übersetzung {i} " * 8]))
    return format_po(catalog)


def _writer(target: Path, versions: list[bytes]) -> None:
    """The child: write the two versions alternately until killed."""
    i = 0
    while True:
        write_atomic(target, versions[i % 2])
        i += 1


def test_sigkill_during_writes_never_leaves_a_partial_file(tmp_path: Path) -> None:
    """Killed at random moments (hundreds of trials, bounded in time), the target always holds
    one complete version."""
    versions = [_catalog_text(800, "A").encode(), _catalog_text(800, "B").encode()]
    target = tmp_path / "locales" / "de.po"
    target.parent.mkdir()
    target.write_bytes(versions[0])
    rng = random.Random(1234)
    trials, deadline = 0, time.monotonic() + 15
    while trials < 300 and time.monotonic() < deadline:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            try:
                _writer(target, versions)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, 0.01))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        trials += 1
        assert target.read_bytes() in versions, f"trial {trials}: a partial or mixed file was left"
    assert trials >= 100
    leftovers = [p.name for p in target.parent.iterdir() if p.name != "de.po"]
    assert all(name.startswith(".de.po.") and name.endswith(".tmp") for name in leftovers)
