"""Translation statistics -> the status page: build/status.html, build/status.json, build/badges/*.svg.

``status.html`` is a dashboard for translators and release staff: a bar per
locale (translated / fuzzy / untranslated), whether and where the locale is
published, and when its catalogs were last revised (their ``PO-Revision-Date``,
so the page depends on the catalogs only, not on the clock). ``status.json``
holds the same data for scripts; ``badges/<tag>.svg`` is a badge per locale
for a README.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from jinja2 import Environment

from lingopress.checks import Stats
from lingopress.config import Config
from lingopress.locales import LocaleInfo
from lingopress.pofile import Catalog, write_atomic

__all__ = ["badge_svg", "last_revision", "status_data", "status_html", "write_status"]

_REVISION_FORMAT = "%Y-%m-%d %H:%M%z"


class _Slugged(Protocol):
    """What the status page needs of an article: an Article, or the build's facts about one."""

    @property
    def slug(self) -> str: ...


def last_revision(catalogs: Iterable[Catalog | None]) -> str | None:
    """The latest ``PO-Revision-Date`` of ``catalogs`` as an ISO 8601 UTC time, or None.

    >>> from lingopress.pofile import parse_po
    >>> po = parse_po('msgid ""\\nmsgstr "PO-Revision-Date: 2025-02-03 10:30+0100\\\\n"\\n')
    >>> last_revision([po, None])
    '2025-02-03T09:30:00Z'
    >>> later = parse_po('msgid ""\\nmsgstr "PO-Revision-Date: 2025-02-03 09:45+0000\\\\n"\\n')
    >>> last_revision([later, po]), last_revision([po, later])
    ('2025-02-03T09:45:00Z', '2025-02-03T09:45:00Z')
    """
    found = (_utc(c.header_fields().get("PO-Revision-Date", "")) for c in catalogs if c is not None)
    return max((moment for moment in found if moment), default=None)


@lru_cache(maxsize=1024)
def _utc(value: str) -> str | None:
    """A PO-Revision-Date as an ISO 8601 UTC time (of one length, so that the latest sorts
    last); None for the template's placeholder "YEAR-MO-DA HO:MI+ZONE" or a hand-written date.
    Kept per value: catalogs revised together have the same."""
    try:
        moment = dt.datetime.strptime(value, _REVISION_FORMAT)
    except ValueError:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_data(
    config: Config,
    stats: Mapping[str, Stats],
    published: list[LocaleInfo],
    articles: Iterable[_Slugged] = (),
    revisions: Mapping[str, str | None] | None = None,
) -> dict[str, object]:
    """Everything the status page shows, as JSON-ready data (``status.json``)."""
    names = {info.name for info in published}
    slugs = [article.slug for article in articles]
    locales: dict[str, object] = {}
    for name, locale in config.locales.items():
        s = stats[name]
        is_published = name in names
        locales[name] = {
            "tag": locale.info.tag,
            "native_name": locale.info.native_name,
            "english_name": locale.info.english_name,
            "direction": locale.info.direction,
            "status": locale.status,
            "min_percent": locale.min_percent,
            "published": is_published,
            **s.counts(),
            "percent": round(s.percent, 1),
            "updated": (revisions or {}).get(name),
            "pages": [f"{locale.info.path_tag}/{slug}/" for slug in slugs] if is_published else [],
            "badge": f"badges/{locale.info.path_tag}.svg",
            "domains": {
                domain: {**d.counts(), "percent": round(d.percent, 1)} for domain, d in s.domains.items()
            },
        }
    updated = [u for u in (revisions or {}).values() if u]
    return {
        "source_locale": config.source_locale.name,
        "site_name": config.site_name,
        "updated": max(updated) if updated else None,
        "locales": locales,
    }


# --------------------------------------------------------------------------- badges

_BADGE_COLOURS = ((100.0, "#2e7d32"), (80.0, "#558b2f"), (50.0, "#9e6a00"), (0.0, "#c62828"))


def _text_width(text: str) -> int:
    # Verdana 11px averages about 7 px a character; wide glyphs count double.
    return sum(14 if ord(c) > 0x2E80 else 7 for c in text)


def badge_svg(label: str, percent: float) -> str:
    """A flat badge ``label | 97%``, coloured by completeness.

    >>> 'fill="#2e7d32"' in badge_svg("de", 100.0), ">100%<" in badge_svg("de", 100.0)
    (True, True)
    """
    value = f"{math.floor(percent)}%"  # 99.9 % is not done: never round up to 100
    colour = next(c for threshold, c in _BADGE_COLOURS if percent >= threshold)
    left, right = _text_width(label) + 12, _text_width(value) + 12
    width = left + right
    esc_label = _xml(label)
    esc_value = _xml(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img"'
        f' aria-label="{esc_label}: {esc_value} translated">\n'
        f"  <title>{esc_label}: {esc_value} translated</title>\n"
        f'  <rect width="{left}" height="20" fill="#555"/>\n'
        f'  <rect x="{left}" width="{right}" height="20" fill="{colour}"/>\n'
        f'  <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif"'
        f' font-size="11">\n'
        f'    <text x="{left / 2:g}" y="14">{esc_label}</text>\n'
        f'    <text x="{left + right / 2:g}" y="14">{esc_value}</text>\n'
        "  </g>\n"
        "</svg>\n"
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --------------------------------------------------------------------------- the page

_PAGE = """<!DOCTYPE html>
<html lang="{{ source_tag }}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Translation status{% if site_name %} · {{ site_name }}{% endif %}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; color: #1a1a1a;
       margin: 0 auto; max-width: 64rem; padding: 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: start; padding: .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num, time { white-space: nowrap; }
td.num { text-align: end; font-variant-numeric: tabular-nums; }
.bar { display: flex; height: 1rem; min-width: 10rem; background: #eee;
       border-radius: .25rem; overflow: hidden; }
.bar span { display: block; height: 100%; }
.translated { background: #2e7d32; }
.fuzzy { background: #f9a825; }
.untranslated { background: #d7d7d7; }
.legend span { display: inline-block; width: .8rem; height: .8rem;
               margin: 0 .3rem 0 1rem; vertical-align: middle; }
.pages { margin: 0; padding: 0; list-style: none; font-size: .9rem; }
.unpublished { color: #666; font-size: .9rem; }
</style>
</head>
<body>
<main>
<h1>Translation status{% if site_name %}: {{ site_name }}{% endif %}</h1>
<p class="legend"><span class="translated"></span>translated<span class="fuzzy"></span>fuzzy
<span class="untranslated"></span>untranslated</p>
{% if updated -%}
<p>Last update of a translation: <time datetime="{{ updated }}">{{ updated[:10] }}</time></p>
{% endif -%}
<table>
<thead><tr><th scope="col">Language</th><th scope="col">Status</th><th scope="col">Progress</th>
<th scope="col">Translated</th><th scope="col">Messages</th><th scope="col">Words</th>
<th scope="col">Last update</th><th scope="col">Pages</th></tr></thead>
<tbody>
{% for name, lc in locales %}
{%- set m = lc.messages %}
<tr id="{{ lc.tag }}">
<th scope="row"><span lang="{{ lc.tag }}" dir="{{ lc.direction }}">{{ lc.native_name }}</span><br>
<small>{{ lc.english_name }} ({{ lc.tag }})</small></th>
<td>{{ lc.status }}
{%- if lc.status == "preview" -%}
<br><small>published from {{ "%g"|format(lc.min_percent) }}%</small>
{%- endif %}</td>
<td><div class="bar" role="img"
 aria-label="{{ m.translated }} translated, {{ m.fuzzy }} fuzzy, {{ m.untranslated }} untranslated">
{%- for state in ("translated", "fuzzy", "untranslated") if m[state] -%}
<span class="{{ state }}" style="width: {{ share(m[state], m.total) }}%"
 title="{{ m[state] }} {{ state }}"></span>
{%- endfor -%}
</div></td>
<td class="num">{{ "%.1f"|format(lc.percent) }}%</td>
<td class="num">{{ m.translated }} / {{ m.total }}
{%- if m.fuzzy %}<br><small>{{ m.fuzzy }} fuzzy</small>{% endif %}</td>
<td class="num">{{ lc.words.translated }} / {{ lc.words.total }}</td>
<td>{% if lc.updated %}<time datetime="{{ lc.updated }}">{{ lc.updated[:10] }}</time>
{%- else %}–{% endif %}</td>
<td>{% if lc.published %}<ul class="pages">
{%- for href in lc.pages %}<li><a href="{{ href }}" hreflang="{{ lc.tag }}">{{ href }}</a></li>{% endfor -%}
</ul>{% else %}<span class="unpublished">not published yet</span>{% endif %}
<br><img src="{{ lc.badge }}" alt="{{ lc.tag }}: {{ lc.percent|int }}% translated" height="20"></td>
</tr>
{%- endfor %}
</tbody>
</table>
<p><a href="index.html">All languages</a> · <a href="status.json">status.json</a></p>
</main>
</body>
</html>
"""


def _share(part: int, total: int) -> str:
    return f"{100.0 * part / total:.2f}".rstrip("0").rstrip(".") if total else "0"


def status_html(data: Mapping[str, object], source_tag: str = "en") -> str:
    """The dashboard page for ``data`` from :func:`status_data`."""
    env = Environment(autoescape=True, keep_trailing_newline=True)
    template = env.from_string(_PAGE)
    locales = data["locales"]
    assert isinstance(locales, dict)
    return template.render(
        site_name=data.get("site_name"),
        updated=data.get("updated"),
        locales=list(locales.items()),
        source_tag=source_tag,
        share=_share,
    )


def _json(value: object, depth: int, level: int = 0) -> str:
    """``value`` as JSON with sorted keys: objects indented by two spaces for ``depth`` levels,
    anything deeper on one line. On a large site, ``status.json`` has an object per locale and
    article: one line each instead of fifteen, made by the json module's C encoder (which
    ``indent`` turns off) in less than half the time.

    >>> print(_json({"b": {"x": [1, 2]}, "a": 1}, depth=1))
    {
      "a": 1,
      "b": {"x": [1, 2]}
    }
    """
    if level >= depth or not isinstance(value, dict) or not value:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    inner = "  " * (level + 1)
    fields = [
        f"{inner}{json.dumps(key, ensure_ascii=False)}: {_json(value[key], depth, level + 1)}"
        for key in sorted(value)
    ]
    return "{\n" + ",\n".join(fields) + "\n" + "  " * level + "}"


def write_status(
    config: Config,
    stats: Mapping[str, Stats],
    published: list[LocaleInfo],
    articles: Iterable[_Slugged],
    catalogs: Mapping[str, Mapping[str, Catalog | None]] | None = None,
    *,
    revisions: Mapping[str, str | None] | None = None,
) -> list[str]:
    """Write status.json, status.html and the badges under build/; return the files that changed.

    The revision dates come from ``catalogs``, or ready-made from ``revisions`` (the build keeps them).
    """
    if revisions is None:
        revisions = {name: last_revision((catalogs or {}).get(name, {}).values()) for name in config.locales}
    data = status_data(config, stats, published, articles, revisions)
    files: dict[Path, str] = {
        config.build_dir / "status.json": _json(data, depth=4) + "\n",
        config.build_dir / "status.html": status_html(data, config.source_locale.tag),
    }
    for name, locale in config.locales.items():
        files[config.build_dir / "badges" / f"{locale.info.path_tag}.svg"] = badge_svg(
            locale.info.tag, stats[name].percent
        )
    return [
        config.relative(path)
        for path, text in files.items()
        if write_atomic(path, text.encode("utf-8"), durable=False)
    ]
