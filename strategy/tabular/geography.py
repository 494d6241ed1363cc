"""The columns of published statistics that say which area a row is for, and the choice of the
partnership's area from a file holding several.

Official downloads put every area in one file: explore-education-statistics data files
(``geographic_level``, ``country_name``, ``region_name``, ``la_name`` and their codes), police
recorded crime tables (``Force Name``), ONS tables (``Code``, ``Name``, ``Geography``) and StatsWales
downloads (``Area``). These columns name places, never people: an import reads them to keep the
partnership's rows, and refuses a file holding several areas until one is chosen."""

from __future__ import annotations

import re
from dataclasses import dataclass

from strategy.core.text import shorten
from strategy.tabular.reading import cell_text, folded_words, header_key, is_blank

#: Column names (compared by ``header_key``) that name an area, by rank: 1 the most local (a
#: council, a police force, the area of a row), 2 a region, 3 a country.
AREA_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "la_name",
        "Local authority",
        "Local authority name",
        "LA name",
        "LA",
        "Local authority district",
        "Unitary authority",
        "Council",
        "Area",
        "Area name",
        "Geography name",
        "Force Name",
        "Force",
        "Police force",
        "Police force area",
        "Police force area name",
        "PFA",
        "PFA name",
        "Community safety partnership",
        "CSP name",
        "Health board",
        "Local health board",
        "Safeguarding partnership",
        "opportunity_area_name",
        "pcon_name",
        "lad_name",
        "Name",
    ),
    2: ("region_name", "Region", "Region name", "English region", "Police region"),
    3: ("country_name", "Country", "Country name", "Nation"),
}
#: Codes of the same areas, by the same ranks.
AREA_CODES: dict[int, tuple[str, ...]] = {
    1: (
        "new_la_code",
        "old_la_code",
        "la_code",
        "LA code",
        "Local authority code",
        "Area code",
        "Code",
        "Geography code",
        "ONS code",
        "Force code",
        "PFA code",
        "lad_code",
        "pcon_code",
        "opportunity_area_code",
    ),
    2: ("region_code", "Region code"),
    3: ("country_code", "Country code"),
}
#: Columns that say what kind of area a row is (National, Regional, Local authority...).
AREA_LEVELS = ("geographic_level", "Geographic level", "Geography", "Geography level", "Geography type", "Level")
#: ONS's own column names such as LAD23NM and LAD23CD.
_ONS_NAME = re.compile(r"^(lad|utla|ltla|cty|ctyua|rgn|ctry|pfa|csp|lhb|ua|cauth|wd|msoa|lsoa)\d{2}(nm|cd|nmw)$")
#: ... and as the newer population estimates write them: ladcode23, laname23.
_ONS_LONG = re.compile(r"^(lad|la|ctry|rgn)(code|name)\d{2}$")

_NAME_KEYS = {header_key(h): rank for rank, names in AREA_NAMES.items() for h in names}
_CODE_KEYS = {header_key(h): rank for rank, names in AREA_CODES.items() for h in names}
_LEVEL_KEYS = {header_key(h) for h in AREA_LEVELS}


@dataclass(frozen=True)
class AreaColumns:
    """The geography columns of a file: name and code columns by rank, and the level column."""

    names: dict[int, str]
    codes: dict[int, list[str]]
    level: str | None

    @property
    def all(self) -> list[str]:
        return [*self.names.values(), *(c for cs in self.codes.values() for c in cs), *([self.level] if self.level else [])]

    def __bool__(self) -> bool:
        return bool(self.names or self.codes)

    def rank_of(self, row: dict) -> int | None:
        """The rank of the most local area a row names (1 a council or force, 2 a region, 3 a country), or None."""
        for rank in sorted(set(self.names) | set(self.codes)):
            if self.name_at(row, rank) or self.codes_at(row, rank):
                return rank
        return None

    def name_at(self, row: dict, rank: int) -> str:
        """The name a row gives at one rank ("" when it gives none)."""
        name = self.names.get(rank)
        return "" if name is None or is_blank(row.get(name)) else cell_text(row.get(name)).strip()

    def codes_at(self, row: dict, rank: int) -> list[str]:
        return [cell_text(row.get(c)).strip() for c in self.codes.get(rank, []) if not is_blank(row.get(c))]

    def area_of(self, row: dict) -> tuple[str, list[str]]:
        """The row's area (the most local name given) and its codes; ("", []) when it names none."""
        for rank in sorted(set(self.names) | set(self.codes)):
            name = self.names.get(rank)
            text = "" if name is None or is_blank(row.get(name)) else cell_text(row.get(name)).strip()
            codes = [cell_text(row.get(c)).strip() for c in self.codes.get(rank, []) if not is_blank(row.get(c))]
            if text or codes:
                return (text or codes[0]), codes
        return "", []


def geography_role(header: str) -> str | None:
    """ "name", "code" or "level" for a column naming an area, else None."""
    key = header_key(header)
    found = _ONS_NAME.match(key)
    if found:
        return "code" if found.group(2) == "cd" else "name"
    long = _ONS_LONG.match(key)
    if long:
        return "code" if long.group(2) == "code" else "name"
    if key in _NAME_KEYS:
        return "name"
    if key in _CODE_KEYS:
        return "code"
    if key in _LEVEL_KEYS:
        return "level"
    return None


def area_columns(headers: list[str], *, exclude: set[str] | frozenset[str] = frozenset()) -> AreaColumns:
    """The geography columns among ``headers`` (those in ``exclude`` are read as something else). A
    lone "Name" or "Code" column counts only beside another geography column (ONS's Code, Name,
    Geography), since "Name" alone is more often a person's."""
    names: dict[int, str] = {}
    codes: dict[int, list[str]] = {}
    level = None
    generic = {header_key("Name"), header_key("Code"), header_key("Level"), header_key("Geography")}
    found = [h for h in headers if h not in exclude and geography_role(h)]
    if len(found) == 1 and header_key(found[0]) in generic:
        found = []
    for h in found:
        key = header_key(h)
        role = geography_role(h)
        ons = _ONS_NAME.match(key) or _ONS_LONG.match(key)
        rank = 1 if ons and ons.group(1) not in ("rgn", "ctry") else 2 if ons and ons.group(1) == "rgn" else 3 if ons else 0
        if role == "name":
            rank = rank or _NAME_KEYS[key]
            names.setdefault(rank, h)
        elif role == "code":
            rank = rank or _CODE_KEYS[key]
            codes.setdefault(rank, []).append(h)
        elif role == "level" and level is None:
            level = h
    if not names and not codes:
        level = None
    return AreaColumns(names, codes, level)


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w]+", " ", folded_words(text).replace("&", " and ")).strip() + " "


def matches(area: str, codes: list[str], chosen: str) -> bool:
    """Whether a row's area (or one of its codes) is the one chosen; case, spaces and punctuation ignored."""
    key = header_key(chosen)
    return bool(key) and (header_key(area) == key or any(header_key(c) == key for c in codes))


def suggest(areas: list[str], *partnership_words: str) -> list[str]:
    """The areas in the file that the partnership's name or its areas name, in the file's order."""
    text = _words(" ".join(partnership_words))
    return [a for a in areas if len(_words(a).strip()) > 2 and _words(a) in text]


def listed(areas: list[str], most: int = 8) -> str:
    shown = ", ".join(shorten(a, 50) for a in areas[:most])
    return shown + (f" and {len(areas) - most:,} more" if len(areas) > most else "")


# --- Comparators: the nation's and the region's rows beside the partnership's -------------------------

#: The nations a published file's national row names.
NATIONS = ("England", "Wales", "England and Wales")
#: What marks a stored figure's detail as a comparator's (a nation's or a region's), never the area's own.
COMPARATOR_MARK = "comparator"
_RATE_WORDS = "rate per 10,000 children"
_NUMBER_WORDS = "number; the file gives no rate"


def comparator_detail(area: str, *, rate: bool, region: bool = False, detail: str = "") -> str:
    """The detail a comparator figure is stored with: "England (comparator: rate per 10,000 children)",
    "North East region (comparator: number; the file gives no rate)", after the local detail if any."""
    name = area if not region or "region" in area.casefold() else f"{area} region"
    marked = f"{name} ({COMPARATOR_MARK}: {_RATE_WORDS if rate else _NUMBER_WORDS})"
    return f"{detail}, {marked}" if detail else marked


def is_comparator(detail: object) -> bool:
    """Whether a figure's detail says it is a comparator (the nation's or a region's), never to be counted
    with the area's own figures: one an import marked, or one a person recorded naming the nation or a
    region ("England", "Wales average", "Regional rate", "Region: North East"). A detail such as
    "North Wales Police" is the area's own."""
    text = " ".join(str(detail or "").split()).casefold()
    if not text:
        return False
    if f"({COMPARATOR_MARK}:" in text or text.startswith(COMPARATOR_MARK):
        return True
    words = re.sub(r"[^\w]+", " ", text).strip()
    nations = tuple(n.casefold() for n in NATIONS)
    return words in nations or words.startswith(tuple(f"{n} " for n in nations) + ("region", "national"))


def comparator_parts(detail: str) -> tuple[str, bool]:
    """A comparator's area as stored, and whether its value is a published rate (an import's mark says
    so; a comparator a person recorded holds a rate, as the workbook asks)."""
    text = " ".join(str(detail or "").split())
    found = re.search(rf"^(?:(.*), )?(.+?) \({COMPARATOR_MARK}: (.+)\)$", text)
    if not found:
        return text, True
    return found.group(2), found.group(3) == _RATE_WORDS
