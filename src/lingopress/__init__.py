"""lingopress: Markdown articles, gettext catalogs and localized static pages.

The package follows the flow of the data, one module per stage::

    config    pyproject.toml [tool.lingopress] -> Config
    locales   locale names, BCP 47 tags, plural forms, text direction (CLDR)
    source    source/*.md -> Article (front matter, typed values, body)
    values    typed values -> locale-formatted strings; placeholder syntax
    segment   Article body -> Segments (one per block), and back to HTML
    pofile    PO/POT text <-> Catalog (strict reader, GNU-layout writer)
    validate  Catalog -> Diagnostics on its structure (header, Language, Plural-Forms)
    extract   Articles and templates -> POT catalogs
    merge     POT + PO -> updated PO (exact, whitespace and fuzzy matching)
    imports   translator PO files -> project PO files, validated
    mofile    Catalog -> MO bytes
    checks    Catalogs -> Diagnostics (the CI gate) and statistics
    render    Article + translations -> HTML page
    site      the whole build: pages, index, sitemap, status
"""

__version__ = "0.1.0"
