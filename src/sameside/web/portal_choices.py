"""The lists a customer chooses from in the portal: time zones (grouped by region) and languages.

Choosing from a list means nobody has to know that Berlin is `Europe/Berlin`
or that German is `de`; a value saved before (typed, or set by staff) that is
not in a list still shows, chosen.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

LANGUAGES: tuple[tuple[str, str], ...] = (
    ("ar", "العربية — Arabic"),
    ("bg", "Български — Bulgarian"),
    ("bn", "বাংলা — Bengali"),
    ("ca", "Català — Catalan"),
    ("cs", "Čeština — Czech"),
    ("cy", "Cymraeg — Welsh"),
    ("da", "Dansk — Danish"),
    ("de", "Deutsch — German"),
    ("de-AT", "Deutsch (Österreich) — German (Austria)"),
    ("de-CH", "Deutsch (Schweiz) — German (Switzerland)"),
    ("el", "Ελληνικά — Greek"),
    ("en", "English"),
    ("en-GB", "English (United Kingdom)"),
    ("en-US", "English (United States)"),
    ("es", "Español — Spanish"),
    ("es-MX", "Español (México) — Spanish (Mexico)"),
    ("et", "Eesti — Estonian"),
    ("eu", "Euskara — Basque"),
    ("fa", "فارسی — Persian"),
    ("fi", "Suomi — Finnish"),
    ("fr", "Français — French"),
    ("fr-CA", "Français (Canada) — French (Canada)"),
    ("fr-CH", "Français (Suisse) — French (Switzerland)"),
    ("ga", "Gaeilge — Irish"),
    ("he", "עברית — Hebrew"),
    ("hi", "हिन्दी — Hindi"),
    ("hr", "Hrvatski — Croatian"),
    ("hu", "Magyar — Hungarian"),
    ("id", "Bahasa Indonesia — Indonesian"),
    ("is", "Íslenska — Icelandic"),
    ("it", "Italiano — Italian"),
    ("ja", "日本語 — Japanese"),
    ("ko", "한국어 — Korean"),
    ("lt", "Lietuvių — Lithuanian"),
    ("lv", "Latviešu — Latvian"),
    ("ms", "Bahasa Melayu — Malay"),
    ("nb", "Norsk bokmål — Norwegian"),
    ("nl", "Nederlands — Dutch"),
    ("pl", "Polski — Polish"),
    ("pt", "Português — Portuguese"),
    ("pt-BR", "Português (Brasil) — Portuguese (Brazil)"),
    ("ro", "Română — Romanian"),
    ("ru", "Русский — Russian"),
    ("sk", "Slovenčina — Slovak"),
    ("sl", "Slovenščina — Slovenian"),
    ("sr", "Српски — Serbian"),
    ("sv", "Svenska — Swedish"),
    ("sw", "Kiswahili — Swahili"),
    ("ta", "தமிழ் — Tamil"),
    ("th", "ไทย — Thai"),
    ("tr", "Türkçe — Turkish"),
    ("uk", "Українська — Ukrainian"),
    ("ur", "اردو — Urdu"),
    ("vi", "Tiếng Việt — Vietnamese"),
    ("zh", "中文 — Chinese"),
    ("zh-TW", "中文（台灣）— Chinese (Taiwan)"),
)

_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@cache
def zone_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Every IANA zone of a region, grouped by region, as (name, label) with the city first: `Europe/Berlin`
    reads "Berlin"; `America/Argentina/Buenos_Aires` reads "Buenos Aires, Argentina". UTC comes first."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(available_timezones()):
        region, _, rest = name.partition("/")
        if region not in _REGIONS or not rest:
            continue
        parts = rest.replace("_", " ").split("/")
        label = ", ".join(reversed(parts))
        groups.setdefault(region, []).append((name, label))
    ordered: list[tuple[str, tuple[tuple[str, str], ...]]] = [
        ("Universal", (("UTC", "UTC (Coordinated Universal Time)"),))
    ]
    ordered += [(region, tuple(sorted(zones, key=lambda z: z[1]))) for region, zones in sorted(groups.items())]
    return tuple(ordered)


def known_zone(name: str | None) -> bool:
    return any(name == zone for _, zones in zone_groups() for zone, _ in zones)


def known_language(tag: str | None) -> bool:
    return any(tag == code for code, _ in LANGUAGES)
