"""lingopress: Markdown articles, gettext catalogs and localized static pages.

The package follows the flow of the data, one module per stage::

    inputs     reading input files: regular files of a bounded size only
    config     pyproject.toml [tool.lingopress] -> Config
    plurals    gettext plural expressions (a safe evaluator); GNU gettext's and CLDR's rules
    locales    locale names, BCP 47 tags, plural forms, text direction (CLDR)
    source     source/*.md -> Article (front matter, typed values, body)
    values     typed values -> locale-formatted strings; the {placeholder} syntax
    segment    Article body -> Segments (one per block), and back to HTML
    linebreak  Unicode line-break opportunities, as GNU gettext wraps PO lines
    pofile     PO/POT text <-> Catalog (strict reader, GNU-layout writer, atomic writes)
    lock       the project lock: one task at a time writes locales/ and build/
    files      atomic writes, all-or-nothing groups of them (a journal), what a killed task left
    validate   Catalog -> Diagnostics on its structure (header, Language, Plural-Forms)
    extract    Articles and templates -> POT catalogs
    merge      POT + PO -> updated PO (exact, whitespace and fuzzy matching)
    catalogs   locales/ on disk: update and compile every locale's PO files
    imports    translators' PO files -> project PO files, validated entry by entry
    mofile     Catalog -> MO bytes, as msgfmt --no-hash writes them
    checks     one translation -> Problems (placeholders, markup, style); statistics
    glossary   glossary/<locale>.csv -> the terms a translation must use
    gate       the project -> Diagnostics and a verdict per locale (invoke check, the build's gate)
    report     check results -> text table, JSON, GitHub annotations
    render     Article + translations -> HTML page
    pseudo     pseudo-locales (accented, expanded, bracketed) for layout testing
    site       site-wide pieces: published locales, links, index, sitemap, assets
    status     translation dashboard: status.html, status.json, badges
    build      the whole build (invoke build), one module per phase:
      inputs     the project's inputs as content hashes (buildcache), what is known of each
      plan       what is out of date: pages to render, MO files to compile, files to check
      (gate)     the required locales checked, verdicts kept per PO file (gate.Verdicts)
      stage      render, check and compile per domain on all cores (work, pool), staged
      sitewide   the language index, sitemap, status page and assets
      cleanup    the outputs of what is gone removed
    parallel   the one worker pool (forked processes) of extract, check, update, compile, build
    lock       one writer of locales/ and build/ at a time
    sitecheck  the built site -> Diagnostics (links, hreflang, lang/dir)
    cli        the command line (lingopress COMMAND, and the invoke tasks): arguments, reports, exit codes
"""

from functools import cache

__version__ = "0.1.0"


@cache
def set_up_process() -> None:
    """Once, in a process that runs lingopress tasks and ends (the invoke tasks, the benchmark's
    stages), after their modules are imported.

    - What is imported lives as long as the process: it is frozen from the garbage
      collector, so that full collections (at exit too) need not walk it again (about 25 ms of
      the seed's build).
    - The young generation is collected after 10,000 allocations instead of 700, here and in
      the worker processes forked from here: a build worker makes many short-lived objects
      (element trees, catalogs, pages) and spent 2% of its time collecting them, about 1,500
      times, on a site of 10,000 pages.
    """
    import gc

    gc.freeze()
    gc.set_threshold(10_000, *gc.get_threshold()[1:])
