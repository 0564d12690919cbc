"""The PO writer against GNU msgcat on real catalogs: read each file, write it back, compare.

    python benchmarks/bench_writer.py PATH... [--show N]

Every ``*.po`` under each PATH is passed through ``msgcat`` (GNU's own layout of
that file) and through our reader and writer; the two must be the same bytes.
Prints how many files differ and, with ``--show N``, the first N differing lines.
Real catalogs to try: the locale folders of Django, Sphinx or Wagtail wheels
(``pip download --no-deps django sphinx wagtail`` and unzip).
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from lingopress.errors import CatalogError  # noqa: E402
from lingopress.pofile import format_po, read_po  # noqa: E402


def main() -> None:
    args = sys.argv[1:]
    show = 0
    if "--show" in args:
        i = args.index("--show")
        show = int(args[i + 1])
        del args[i : i + 2]
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise SystemExit("msgcat (GNU gettext) is needed")
    files = sorted(
        p for arg in args for p in ([Path(arg)] if Path(arg).is_file() else Path(arg).rglob("*.po"))
    )
    differ = unreadable = 0
    for path in files:
        run = subprocess.run([msgcat, str(path)], capture_output=True)
        if run.returncode != 0:
            unreadable += 1
            continue
        theirs = run.stdout.decode("utf-8", "replace")
        try:
            ours = format_po(read_po(path))
        except CatalogError as exc:
            print(f"{exc}")
            differ += 1
            continue
        if ours != theirs:
            differ += 1
            print(f"differs: {path}")
            if show:
                diff = difflib.unified_diff(
                    theirs.splitlines(), ours.splitlines(), "msgcat", "lingopress", n=1, lineterm=""
                )
                print("\n".join(list(diff)[:show]))
    print(f"{len(files)} files, {differ} differ from msgcat, {unreadable} refused by msgcat")


if __name__ == "__main__":
    main()
