"""MO writer against GNU msgfmt on one PO file: time, and bytes compared with ``msgfmt --no-hash``.

    python benchmarks/bench_mo.py PATH.po [--runs 3]

Prints the best of ``--runs`` for: lingopress reading the PO file and writing the MO bytes,
the MO writer alone (catalog read beforehand), and GNU msgfmt (which reads and writes, with
its hash table). Exits 1 when the bytes differ from ``msgfmt --no-hash``'s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("po", type=Path, help="the PO file")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (best is shown)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from lingopress.mofile import mo_bytes
    from lingopress.pofile import read_po

    whole, writer, gnu = [], [], []
    ours = b""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "msgfmt.mo"
        for _ in range(max(1, args.runs)):
            start = time.perf_counter()
            catalog = read_po(args.po)
            read = time.perf_counter()
            ours = mo_bytes(catalog)
            done = time.perf_counter()
            whole.append(done - start)
            writer.append(done - read)
            start = time.perf_counter()
            subprocess.run(["msgfmt", "-o", str(target), str(args.po)], check=True, capture_output=True)
            gnu.append(time.perf_counter() - start)
        subprocess.run(
            ["msgfmt", "--no-hash", "-o", str(target), str(args.po)], check=True, capture_output=True
        )
        same = ours == target.read_bytes()
    entries = int.from_bytes(ours[8:12], "little")
    print(f"{args.po}: {entries} MO entries")
    print(f"  lingopress read + write  {min(whole):6.2f} s")
    print(f"  lingopress write alone   {min(writer):6.2f} s")
    print(f"  msgfmt (read + write)    {min(gnu):6.2f} s")
    print(f"  byte-identical to msgfmt --no-hash: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
