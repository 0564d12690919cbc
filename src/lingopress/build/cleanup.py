"""The build's last phase: remove the outputs of articles, drafts, domains and locales that are gone.

Only outputs are removed: build/.cache (the caches, the staging folder, the project lock) is
never touched.
"""

from __future__ import annotations

from pathlib import Path

from lingopress.build.plan import Planned
from lingopress.buildcache import BuildCache
from lingopress.config import Config

__all__ = ["remove_stale"]


def remove_stale(
    config: Config,
    cache: BuildCache,
    planned: dict[str, Planned],
    scope: set[str],
    sharded: bool,
    look_on_disk: bool,
) -> list[str]:
    """Delete the outputs that are not ``planned``. A sharded build only touches the locales in
    ``scope``. ``look_on_disk``: the cache does not know what earlier builds made, so look for
    their pages and MO files in build/."""
    stale: set[str] = set()
    for out, entry in list(cache.outputs.items()):
        if out in planned:
            continue
        if not sharded or entry[1] in scope:
            stale.add(out)
            cache.drop_output(out)
    tags = {
        info.path_tag: info.name
        for info in [config.source_locale, *(lc.info for lc in config.locales.values())]
    }
    if look_on_disk:
        for path in config.build_dir.glob("*/*/index.html"):
            out = path.relative_to(config.build_dir).as_posix()
            top = out.split("/", 1)[0]
            if (
                out not in planned
                and top not in ("static", "locale", ".cache")
                and (not sharded or tags.get(top) in scope)
            ):
                stale.add(out)
        for path in config.build_dir.glob("locale/*/LC_MESSAGES/*.mo"):
            out = path.relative_to(config.build_dir).as_posix()
            if out not in planned and (not sharded or out.split("/")[1] in scope):
                stale.add(out)
    for path in config.build_dir.glob("badges/*.svg"):
        # Badges of locales no longer configured (or of the pseudo-locales, after a --pseudo build).
        if path.stem not in tags:
            stale.add(path.relative_to(config.build_dir).as_posix())
    removed = []
    for out in sorted(stale):
        path = config.build_dir / out
        if path.is_file():
            path.unlink()
            removed.append(f"build/{out}")
        _prune_empty(path.parent, config.build_dir)
    return removed


def _prune_empty(folder: Path, root: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
