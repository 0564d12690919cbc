"""The build's render phase: run the plan's units on all cores, and stage what they make.

What the units make waits in ``build/.cache/staging`` and is moved into build/ (:meth:`Staged.commit`)
only when the build is known to go through: one that the gate or an unreadable file stops
leaves build/ as it was (:meth:`Staged.discard`). What the units learn of the inputs (the
gate's verdicts, statistics) goes into the build cache, which is saved only by a build that
goes through.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import TextIO

from lingopress.build import pool
from lingopress.build.inputs import Inputs
from lingopress.build.plan import Plan
from lingopress.build.pool import Runner, batches
from lingopress.build.progress import Progress
from lingopress.build.work import Failure, UnitDone, UnitJob, Worker
from lingopress.gate import Verdicts

__all__ = ["STAGING", "Staged"]

STAGING = Path(".cache") / "staging"
"""Where outputs wait while the gate has not decided (under build/)."""


class Staged:
    """Runs a build's units, keeps what they learned of the inputs in the cache, and notes what
    they made; the outputs wait in the staging folder until :meth:`commit`."""

    def __init__(self, inputs: Inputs, verdicts: Verdicts, plan: Plan, fresh: bool):
        self.inputs, self.verdicts, self.plan = inputs, verdicts, plan
        self.staging = inputs.config.build_dir / STAGING
        self.fresh = fresh
        """build/ holds no outputs: each one made is new."""
        self.titles: dict[tuple[str, str], tuple[str, bool]] = dict(plan.titles)
        """(locale, slug) -> the title of its page: those up to date, and those rendered now."""
        self.made: dict[str, list[str | bool | None]] = {}
        """Output -> its cache entry, recorded once the output is in place."""
        self.staged: list[str] = []
        """Outputs whose bytes changed, waiting in the staging folder."""
        self.rendered = 0
        self.failure: Failure | None = None
        """The first PO file that could not be read."""

    def run(self, runner: Runner, per_unit: int, progress: TextIO | None) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        units = [
            dataclasses.replace(unit, staging=str(self.staging), fresh=self.fresh) for unit in self.plan.units
        ]
        bar = Progress(progress, self.plan.pages)

        def done(batch: list[UnitJob], found: list[UnitDone]) -> None:
            for job, outcome in zip(batch, found, strict=True):
                self._collect(job, outcome, bar)

        try:
            runner.run(Worker.unit, batches(units, max(1, pool.BATCH // per_unit)), done, weight=per_unit)
        except BaseException:
            self.discard()
            raise
        bar.close()

    def _collect(self, job: UnitJob, outcome: UnitDone, bar: Progress) -> None:
        inputs, plan = self.inputs, self.plan
        if outcome.stale is not None:
            self.verdicts.remember_stale(job.domain, outcome.stale)
        if outcome.pot_read:
            self.verdicts.remember_pot(job.domain, outcome.pot_error)
        if outcome.pot_stats is not None:
            inputs.remember_pot_stats(job.domain, outcome.pot_stats)
        for work, done in zip(job.work, outcome.locales, strict=True):
            if done.verdict is not None:
                self.verdicts.remember(work.locale, job.domain, done.verdict)
            if done.failure is not None and self.failure is None:
                self.failure = done.failure
            if done.counts is not None:
                inputs.remember_counts(inputs.po_digest(work.locale, job.domain), done.counts)
            if done.mo is not None:
                planned = plan.outputs[done.mo.out]
                self._made(done.mo.out, done.mo.written, [planned.key, planned.locale])
            if done.page is not None:
                page = done.page
                planned = plan.outputs[page.out]
                self.titles[(work.locale, job.domain)] = (page.title, page.fallback)
                self._made(page.out, page.written, [planned.key, planned.locale, page.title, page.fallback])
                self.rendered += 1
            if work.page:
                bar.advance(work.locale, 1)

    def _made(self, out: str, written: bool, entry: list[str | bool | None]) -> None:
        if written:
            self.staged.append(out)
        self.made[out] = entry

    @property
    def written(self) -> list[str]:
        return [f"build/{out}" for out in self.staged]

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def commit(self) -> None:
        """Move the staged outputs into build/ and record them in the cache: a whole folder at
        once where build/ has none yet (a locale's first build), else file by file (each move
        is a rename: a file in build/ is either the old one or the new one)."""
        build_dir, staging = self.inputs.config.build_dir, self.staging
        moved: set[str] = set()
        for out in self.staged:
            top = out.split("/", 1)[0]
            if top in moved:
                continue
            if "/" in out and not (build_dir / top).exists():
                (staging / top).replace(build_dir / top)
                moved.add(top)
                continue
            target = build_dir / out
            target.parent.mkdir(parents=True, exist_ok=True)
            (staging / out).replace(target)
        shutil.rmtree(staging, ignore_errors=True)
        for out, entry in self.made.items():
            self.inputs.cache.set_output(out, entry)
