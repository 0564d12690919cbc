"""No data loss: a PO file killed mid-write is the old or the new version, never a mix."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lingopress.pofile import write_atomic
    path, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
    versions = [Path(a).read_bytes(), Path(b).read_bytes()]
    i = 0
    print("ready", flush=True)
    while True:
        write_atomic(path, versions[i % 2])
        i += 1
    """
)


def _catalog_text(n: int, tag: str) -> str:
    from lingopress.pofile import Catalog, Message, format_po

    catalog = Catalog()
    catalog.header = Message("", msgstr=["Content-Type: text/plain; charset=UTF-8\nLanguage: de\n"])
    for i in range(n):
        catalog.messages.append(Message(f"Message number {i} " * 8, msgstr=[f"{tag} Übersetzung {i} " * 8]))
    return format_po(catalog)


def test_sigkill_during_writes_never_leaves_a_partial_file(tmp_path: Path) -> None:
    """Killed at random moments (bounded trials), the target always holds one complete version."""
    a, b = tmp_path / "a.po", tmp_path / "b.po"
    a.write_text(_catalog_text(800, "A"), "utf-8")
    b.write_text(_catalog_text(800, "B"), "utf-8")
    versions = {a.read_bytes(), b.read_bytes()}
    target = tmp_path / "locales" / "de.po"
    target.parent.mkdir()
    target.write_bytes(a.read_bytes())
    script = tmp_path / "child.py"
    script.write_text(CHILD, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    rng = random.Random(1234)
    trials, deadline = 0, time.monotonic() + 10
    while trials < 200 and time.monotonic() < deadline:
        child = subprocess.Popen(
            [sys.executable, str(script), str(target), str(a), str(b)], stdout=subprocess.PIPE, env=env
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0, 0.02))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        trials += 1
        assert target.read_bytes() in versions, f"trial {trials}: a partial or mixed file was left"
    assert trials >= 50
    leftovers = [p.name for p in target.parent.iterdir() if p.name != "de.po"]
    assert all(name.startswith(".de.po.") and name.endswith(".tmp") for name in leftovers)
