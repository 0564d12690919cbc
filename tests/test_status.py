"""The status page (lingopress.status): status.html, status.json and badges, written by the build."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import html5lib

from lingopress.build import build_site
from lingopress.catalogs import update_project
from lingopress.config import Config
from lingopress.extract import extract_project, write_pots
from lingopress.pofile import read_po, save_po
from lingopress.status import badge_svg, status_html

NS = {"h": "http://www.w3.org/1999/xhtml"}


def _prepare(project: Config) -> None:
    write_pots(project, extract_project(project).catalogs)
    update_project(project, list(project.locales))
    path = project.po_path("de", "sample")
    catalog = read_po(path)
    header = catalog.header_fields()
    header["PO-Revision-Date"] = "2025-02-03 10:30+0100"
    catalog.set_header_fields(header)
    for i, message in enumerate(catalog.messages):
        message.msgstr = [f"«{message.msgid}»"] * len(message.msgstr)
        if i == 0:
            message.fuzzy = True
    save_po(path, catalog)
    site = read_po(project.po_path("de", "site"))
    header = site.header_fields()
    header["PO-Revision-Date"] = "2025-01-31 23:00-0500"  # earlier, once converted to UTC
    site.set_header_fields(header)
    save_po(project.po_path("de", "site"), site)


def test_build_writes_the_status_page(project: Config) -> None:
    """build writes status.json, status.html and a badge per locale; the numbers are the catalogs'."""
    _prepare(project)
    report = build_site(project)
    for name in ("status.json", "status.html", "badges/de.svg", "badges/ja.svg"):
        assert f"build/{name}" in report.written
    text = (project.build_dir / "status.json").read_text("utf-8")
    data = json.loads(text)
    de = data["locales"]["de"]
    # Indented down to each locale's domains, each domain's numbers on their line.
    line = f'        "sample": {json.dumps(de["domains"]["sample"], sort_keys=True)},\n'
    assert line in text and text.startswith('{\n  "locales": {\n    "ar": {\n') and text.endswith("}\n")
    total = len(read_po(project.po_path("de", "sample")).messages)
    site = len(read_po(project.po_path("de", "site")).messages)
    assert de["messages"] == {
        "total": total + site,
        "translated": total - 1,
        "fuzzy": 1,
        "untranslated": site,
    }
    assert de["updated"] == "2025-02-03T09:30:00Z"
    assert data["updated"] == max(lc["updated"] for lc in data["locales"].values() if lc["updated"])
    assert de["pages"] == ["de/sample/"] and data["locales"]["ja"]["pages"] == []
    assert (de["published"], data["locales"]["ja"]["published"]) == (True, False)
    assert build_site(project).written == []  # unchanged: nothing rewritten

    page = html5lib.parse((project.build_dir / "status.html").read_text("utf-8"), namespaceHTMLElements=True)
    row = page.find(".//h:tr[@id='de']", NS)
    assert row is not None
    bar = [span.get("class") for span in row.iterfind(".//h:div[@class='bar']/h:span", NS)]
    assert bar == ["translated", "fuzzy", "untranslated"]
    links = [a.get("href") for a in row.iterfind(".//h:a", NS)]
    assert links == ["de/sample/"]
    assert (project.build_dir / "de" / "sample" / "index.html").is_file()
    assert row.find(".//h:img", NS).get("src") == "badges/de.svg"  # type: ignore[union-attr]


def test_status_html_escapes_everything() -> None:
    """Names from the configuration are text, never markup."""
    data = {
        "site_name": "<script>alert(1)</script>",
        "updated": None,
        "locales": {
            "de": {
                "tag": "de",
                "native_name": "Deutsch",
                "english_name": "German",
                "direction": "ltr",
                "status": "required",
                "min_percent": 100.0,
                "published": True,
                "messages": {"total": 4, "translated": 1, "fuzzy": 1, "untranslated": 2},
                "words": {"total": 8, "translated": 2, "fuzzy": 2, "untranslated": 4},
                "percent": 25.0,
                "updated": None,
                "pages": ["de/a/"],
                "badge": "badges/de.svg",
                "domains": {},
            }
        },
    }
    html = status_html(data)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'style="width: 25%"' in html and 'style="width: 50%"' in html


def test_badge_is_valid_svg_and_never_rounds_up_to_done() -> None:
    """A badge is well-formed SVG; 99.9 % shows as 99 %, in the colour of unfinished work."""
    root = ET.fromstring(badge_svg("sr-Latn", 99.9))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["sr-Latn", "99%"]
    assert badge_svg("de", 99.9) != badge_svg("de", 100.0).replace("100%", "99%")
