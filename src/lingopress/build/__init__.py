"""The whole build (``invoke build``): every published locale's pages and MO files, the language
index, the sitemap, the status page and the assets, in build/.

:func:`build_site` runs the phases in order, each in a module of its own:

    inputs     the project's inputs, as content hashes (:mod:`.inputs`)
    plan       what is out of date: pages to render, MO files to compile, files to check (:mod:`.plan`)
    gate       the check of the required locales (:class:`lingopress.gate.Verdicts`), the same as
               ``invoke check``'s, its verdicts kept per PO file
    render     check, count, render and compile, per domain, on all cores (:mod:`.stage`,
               :mod:`.work`, :mod:`.pool`); the outputs wait in build/.cache/staging
    commit     staged outputs moved into build/, the site-wide files (:mod:`.sitewide`), the
               outputs of what is gone removed (:mod:`.cleanup`), the cache saved

The build is incremental: a page is rendered again only when the hash of its inputs changes,
and written only when its bytes change. A build that the gate or an unreadable file stops
changes nothing in build/, its cache included. The whole build holds the project lock
(:mod:`lingopress.lock`): a second build waits for the first. The build never writes to
locales/.

An article with ``draft = true`` in its front matter is extracted, checked and counted like
any other (its translation can start), but it is not published: no page in any locale, no MO
file, no entry in the index or the sitemap; the pages of an article that becomes a draft are
removed.

Pseudo-locales (``pseudo=True``, :mod:`lingopress.pseudo`) go through the same phases, as
locales whose catalogs are made from the sources; the next build without them removes their
pages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from lingopress.build.cleanup import remove_stale
from lingopress.build.inputs import Inputs
from lingopress.build.plan import make_plan
from lingopress.build.pool import Runner
from lingopress.build.progress import Progress
from lingopress.build.sitewide import write_site_files
from lingopress.build.stage import STAGING, Staged
from lingopress.buildcache import BuildCache, code_digest
from lingopress.checks import Diagnostic, Stats
from lingopress.config import Config
from lingopress.gate import Verdicts
from lingopress.lock import project_lock
from lingopress.pseudo import with_pseudo_config
from lingopress.site import published_locales, static_files

__all__ = ["CACHE_FILE", "STAGING", "BuildResult", "Progress", "build_site"]

CACHE_FILE = Path(".cache") / "build.json"
"""The build cache, under build/."""


@dataclass(slots=True)
class BuildResult:
    """What a build did."""

    pages: int = 0
    """Pages the site has (in the locales built)."""
    rendered: int = 0
    """Pages rendered this time (the others were up to date)."""
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped_locales: dict[str, str] = field(default_factory=dict)
    stats: dict[str, Stats] = field(default_factory=dict)
    blocking: list[Diagnostic] = field(default_factory=list)
    """Check errors that stopped the build (nothing was written)."""


def build_site(
    config: Config,
    only: list[str] | None = None,
    *,
    pseudo: bool = False,
    gate: bool = False,
    jobs: int | None = None,
    progress: TextIO | None = None,
) -> BuildResult:
    """Bring build/ up to date. ``only`` limits the target locales rendered (plus the source),
    so that a large site can be built in shards; ``pseudo`` adds the pseudo-locales en-XA and
    ar-XB (see :mod:`lingopress.pseudo`); ``gate`` stops before anything is written when a
    required locale fails the check (the errors are in ``blocking``); ``jobs`` is the number of
    processes (default: one per core); ``progress`` gets a per-locale progress line when it is
    a terminal."""
    with project_lock(config.build_dir, "invoke build"):
        real = config
        if pseudo:
            config = with_pseudo_config(config)
        runner = Runner(config, jobs, pseudo)
        try:
            return _build(config, real, only, gate, runner, progress)
        finally:
            runner.close()


def _build(
    config: Config,
    real: Config,
    only: list[str] | None,
    gate: bool,
    runner: Runner,
    progress: TextIO | None,
) -> BuildResult:
    result = BuildResult()
    cache_path = config.build_dir / CACHE_FILE
    cache = BuildCache.load(cache_path, code_digest(), str(config.root))
    # Whether build/ holds anything of earlier builds (a build into an empty folder has no stale
    # outputs to look for).
    look_on_disk = config.build_dir.is_dir() and any(
        name != ".cache"
        for name in os.listdir(config.build_dir)  # noqa: PTH208 -- names only
    )

    # Gather the inputs. A static file that may not be published stops the build before anything
    # is written.
    static_files(config)
    inputs = Inputs(config, cache, runner)
    inputs.read_po_digests()
    verdicts = Verdicts(config, cache, inputs)
    source = config.source_locale.name
    scope = only or list(config.locales)
    required = [name for name, lc in real.locales.items() if lc.status == "required"]
    checked = [name for name in scope if name in required] if gate else []

    # Decide what is stale. Which locales are published follows from the statistics of the
    # preview locales.
    previews = [name for name, lc in config.locales.items() if lc.status == "preview"]
    inputs.count(previews)
    counted = {name: inputs.locale_stats(name)[0] for name in previews}
    published, skipped = published_locales(config, {**{n: Stats() for n in config.locales}, **counted})
    targets = [info for info in published if only is None or info.name in only or info.name == source]
    plan = make_plan(config, inputs, verdicts, published, targets, checked, gate)
    verdicts.keep([name for name in required if name not in checked])

    # Check: with every verdict known, decide before anything is done.
    if gate and not plan.checking:
        result.blocking = verdicts.blocking(checked)
        if result.blocking:
            return result

    # Render (checking what the gate does not know yet, on all cores), into the staging folder.
    staged = Staged(inputs, verdicts, plan, fresh=not look_on_disk)
    staged.run(runner, max(1, len(targets)), progress)
    if gate and plan.checking:
        result.blocking = verdicts.blocking(checked)
    if result.blocking or staged.failure is not None:
        staged.discard()
        if staged.failure is not None:
            raise staged.failure.error()
        return result

    # Commit: the outputs into build/, the site-wide files, what is gone removed, the cache.
    staged.commit()
    for name in config.locales:
        result.stats[name], inputs.revisions[name] = inputs.locale_stats(name)
    result.skipped_locales = skipped
    result.pages = len(targets) * len(inputs.articles)
    result.rendered = staged.rendered
    site_files, written = write_site_files(config, inputs, published, staged.titles, result.stats)
    result.written = sorted([*staged.written, *written])
    result.removed = remove_stale(
        config,
        cache,
        {**plan.outputs, **site_files},
        {info.name for info in targets},
        only is not None,
        look_on_disk and not cache.loaded,
    )
    cache.save(cache_path)
    return result
