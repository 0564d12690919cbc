"""lingopress: Markdown articles, gettext catalogs and localized static pages.

The package follows the flow of the data, one module per stage::

    config     pyproject.toml [tool.lingopress] -> Config
    locales    locale names, BCP 47 tags, plural forms, text direction (CLDR)
    source     source/*.md -> Article (front matter, typed values, body)
    values     typed values -> locale-formatted strings; the {placeholder} syntax
    segment    Article body -> Segments (one per block), and back to HTML
    linebreak  Unicode line-break opportunities, as GNU gettext wraps PO lines
    pofile     PO/POT text <-> Catalog (strict reader, GNU-layout writer, atomic writes)
    validate   Catalog -> Diagnostics on its structure (header, Language, Plural-Forms)
    extract    Articles and templates -> POT catalogs
    merge      POT + PO -> updated PO (exact, whitespace and fuzzy matching)
    catalogs   locales/ on disk: update and compile every locale's PO files
    imports    translators' PO files -> project PO files, validated entry by entry
    mofile     Catalog -> MO bytes, as msgfmt writes them
    checks     one translation -> Problems (placeholders, markup, style); statistics
    glossary   glossary/<locale>.csv -> the terms a translation must use
    gate       the project -> Diagnostics and a verdict per locale (invoke check)
    report     check results -> text table, JSON, GitHub annotations
    render     Article + translations -> HTML page
    pseudo     pseudo-locales (accented, expanded, bracketed) for layout testing
    site       site-wide pieces: published locales, links, index, sitemap, assets
    status     translation dashboard: status.html, status.json, badges
    build      the whole build (invoke build)
    sitecheck  the built site -> Diagnostics (links, hreflang, lang/dir)
"""

__version__ = "0.1.0"
