"""Location text -> Location: remote mode, ISO countries, region tokens and cities, from data in data/countries.toml.

Pure and total: never raises on text, never guesses (a place it cannot name stays out of the result).
It does not geocode, and it does not decide whether a source is a remote-only board (sources pass a hint).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Final, Literal

from models.enums import RemoteMode
from models.records import Location
from scraper.normalization.workplace import parse_workplace

GAZETTEER_PATH: Final = Path(__file__).parent / "data" / "countries.toml"

# The closed set of region tokens a Location may carry (countries.toml maps names onto them).
REGIONS: Final = frozenset(
    {
        "EUROPE",
        "EMEA",
        "LATAM",
        "APAC",
        "ASIA",
        "OCEANIA",
        "AMERICAS",
        "NORTH AMERICA",
        "SOUTH AMERICA",
        "CENTRAL AMERICA",
        "CARIBBEAN",
        "MIDDLE EAST",
        "MENA",
        "AFRICA",
        "NORDICS",
        "DACH",
        "BENELUX",
        "CEE",
        "SOUTHEAST ASIA",
        "WORLDWIDE",
    }
)
WORLDWIDE: Final = "WORLDWIDE"

# A location longer than this is read only up to here: no real location is, and it keeps time bounded.
MAX_CHARS: Final = 4_000
_MAX_PHRASE_WORDS: Final = 6

# Workplace words in the location text (folded: lower case, no accents). The first one mentioned wins.
_REMOTE_TERMS: Final[dict[str, RemoteMode]] = {
    "remote": RemoteMode.REMOTE,
    "remotely": RemoteMode.REMOTE,
    "fully remote": RemoteMode.REMOTE,
    "full remote": RemoteMode.REMOTE,
    "remote first": RemoteMode.REMOTE,
    "remote friendly": RemoteMode.REMOTE,
    "work from home": RemoteMode.REMOTE,
    "work from anywhere": RemoteMode.REMOTE,
    "wfh": RemoteMode.REMOTE,
    "telecommute": RemoteMode.REMOTE,
    "telecommuting": RemoteMode.REMOTE,
    "telework": RemoteMode.REMOTE,
    "teletravail": RemoteMode.REMOTE,
    "teletrabajo": RemoteMode.REMOTE,
    "remoto": RemoteMode.REMOTE,
    "remota": RemoteMode.REMOTE,
    "a distancia": RemoteMode.REMOTE,
    "distanciel": RemoteMode.REMOTE,
    "home office": RemoteMode.REMOTE,
    "homeoffice": RemoteMode.REMOTE,
    "mobiles arbeiten": RemoteMode.REMOTE,
    "distributed": RemoteMode.REMOTE,
    "hybrid": RemoteMode.HYBRID,
    "hybrid remote": RemoteMode.HYBRID,
    "remote hybrid": RemoteMode.HYBRID,
    "partially remote": RemoteMode.HYBRID,
    "hybride": RemoteMode.HYBRID,
    "hibrido": RemoteMode.HYBRID,
    "hibrida": RemoteMode.HYBRID,
    "ibrido": RemoteMode.HYBRID,
    "onsite": RemoteMode.ONSITE,
    "on site": RemoteMode.ONSITE,
    "in office": RemoteMode.ONSITE,
    "in the office": RemoteMode.ONSITE,
    "office based": RemoteMode.ONSITE,
    "in person": RemoteMode.ONSITE,
    "vor ort": RemoteMode.ONSITE,
    "presencial": RemoteMode.ONSITE,
    "presentiel": RemoteMode.ONSITE,
    "sur site": RemoteMode.ONSITE,
}

# Two-letter codes that are both a US state and an ISO country; standing alone they name no one,
# except these, which boards use for the country far more than for the state.
_STANDALONE_COUNTRY_CODES: Final = frozenset({"DE", "IN"})
# Upper-case words that are codes only when they stand alone ("Portland, OR"), not inside a phrase
# ("NEW YORK OR REMOTE").
_WORD_LIKE_CODES: Final = frozenset(
    {"OR", "IN", "ME", "OK", "HI", "AS", "TO", "AT", "BE", "BY", "IS", "IT", "NO", "ON", "SO", "AN", "AM", "DO", "GO"}
)
# Words that make a region's name out of a country's or an area's ("Central Macedonia" is in Greece, "South Tyrol"
# in Italy, "New England" in the US): such a phrase, when the gazetteer does not know it, is read as that country
# only while nothing else in the location names another (`_Item.qualified`).
_QUALIFIERS: Final = frozenset(
    {
        "central",
        "north",
        "northern",
        "south",
        "southern",
        "east",
        "eastern",
        "west",
        "western",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "upper",
        "lower",
        "new",
        "inner",
        "outer",
        "middle",
    }
)
# Words a location may carry around place names that say nothing about the place.
_NOISE_WORDS: Final = frozenset(
    {"only", "or", "and", "based", "in", "the", "hq", "area", "greater", "metro", "office", "offices", "main"}
)

_FOLD_TABLE: Final = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "Đ": "D", "ı": "i", "œ": "oe"}
)
_WORD_RE: Final = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*\.?")
_GROUP_SPLIT_RE: Final = re.compile(r"[;|/()\[\]{}\n\r\t•·:+]|\s[-–—]+\s|\s[-–—]+(?=\w)|(?<=\w)[–—]+\s")
_FLAG_RE: Final = re.compile(r"[\U0001F1E6-\U0001F1FF]{2}")
_WASHINGTON_DC_RE: Final = re.compile(r"\bWashington\s*,?\s*D\.?\s?C\b\.?", re.IGNORECASE)


Kind = Literal["country", "state", "region", "city"]


@dataclass(frozen=True, slots=True)
class _Place:
    kind: Kind
    country: str | None  # ISO alpha-2 (for a region: None)
    name: str  # display name of a city, region token, or the country/state code


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    names: dict[str, tuple[_Place, ...]]
    codes: dict[str, tuple[_Place, ...]]


@dataclass(slots=True)
class _Item:
    places: tuple[_Place, ...]
    is_code: bool
    strong: bool  # names a place by itself (a weak item is a bare 2-letter code other than US)
    qualified: bool = False  # a country or area name after a word such as "Central": maybe a region named after it


@dataclass(slots=True)
class _Part:
    """One comma-separated part of a location group ("Rotterdam" of "Rotterdam, South Holland, NL")."""

    text: str
    items: list[_Item] = field(default_factory=list)
    modes: list[RemoteMode] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    worldwide: bool = False


def fold(text: str) -> str:
    """Lower case without accents or dots/apostrophes, hyphens as spaces: the key every name is matched by."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ").replace(".", "").replace("'", "").replace("’", "")
    text = re.sub(r"[-_,]", " ", text)
    return " ".join(text.split())


@cache
def _gazetteer() -> _Gazetteer:
    document = tomllib.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    names: dict[str, list[_Place]] = {}
    codes: dict[str, list[_Place]] = {}

    def add(table: dict[str, list[_Place]], key: str, place: _Place) -> None:
        bucket = table.setdefault(key, [])
        if place not in bucket:
            bucket.append(place)

    for code, country_names in document["countries"].items():
        place = _Place("country", code, code)
        add(codes, code, place)
        for name in country_names:
            add(names, fold(name), place)
    for token, region_names in document["regions"].items():
        if token not in REGIONS:
            raise ValueError(f"{GAZETTEER_PATH}: region {token!r} is not in location.REGIONS")
        for name in region_names:
            add(names, fold(name), _Place("region", None, token))
    for table, country in (("us_states", "US"), ("ca_provinces", "CA")):
        for code, name in document[table].items():
            place = _Place("state", country, code)
            add(codes, code, place)
            add(names, fold(name), place)
    for name, country in document["areas"].items():
        add(names, fold(name), _Place("state", country, fold(name)))
    for display, (country, *aliases) in document["cities"].items():
        place = _Place("city", country or None, display)
        for name in (display, *aliases):
            add(names, fold(name), place)
    return _Gazetteer(
        names={key: tuple(value) for key, value in names.items()},
        codes={key: tuple(value) for key, value in codes.items()},
    )


def _scan_part(text: str, gazetteer: _Gazetteer) -> _Part:
    """Greedy longest-match of place names, codes and workplace words over one part's words."""
    part = _Part(text=" ".join(text.split()))
    words = _WORD_RE.findall(text)
    keys = [fold(word) for word in words]
    count = len(words)
    i = 0
    while i < count:
        if not keys[i]:
            i += 1
            continue
        matched = 0
        for length in range(min(_MAX_PHRASE_WORDS, count - i), 0, -1):
            key = " ".join(keys[i : i + length])
            original = words[i : i + length]
            mode = _REMOTE_TERMS.get(key)
            if mode is not None:
                part.modes.append(mode)
                matched = length
                break
            if length == 1 and _is_code(original[0], count):
                places = gazetteer.codes.get(original[0].replace(".", ""))
                if places:
                    code = original[0].replace(".", "")
                    part.items.append(_Item(places, is_code=True, strong=code == "US"))
                    matched = 1
                    break
            places = gazetteer.names.get(key)
            if places and (len(key.replace(" ", "")) > 3 or not all(w.islower() for w in original)):
                regions_only = [p for p in places if p.kind == "region"]
                if len(regions_only) == len(places) and all(p.name == WORLDWIDE for p in places):
                    part.worldwide = True
                    part.modes.append(RemoteMode.REMOTE)
                else:
                    qualified = bool(part.unknown) and part.unknown[-1] == keys[i - 1] in _QUALIFIERS
                    qualified = qualified and any(p.kind in ("country", "state") for p in places)
                    part.items.append(_Item(places, is_code=False, strong=True, qualified=qualified))
                matched = length
                break
        if matched:
            i += matched
        else:
            part.unknown.append(keys[i])
            i += 1
    return part


def _is_code(word: str, words_in_part: int) -> bool:
    letters = word.replace(".", "")
    if len(letters) != 2 or not letters.isalpha() or not letters.isupper() or not letters.isascii():
        return False
    return not (letters in _WORD_LIKE_CODES and words_in_part > 1)


@dataclass(slots=True)
class _Result:
    modes: list[RemoteMode] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    worldwide: bool = False

    def add(self, bucket: list[str], value: str) -> None:
        if value not in bucket:
            bucket.append(value)


def _resolve_group(parts: list[_Part], result: _Result) -> None:
    """Choose one reading for each item of a comma chain ("City, State, Country") and record it."""
    chain_len = len(parts)
    # Evidence for reading an ambiguous item: countries named without doubt in the same chain (strong),
    # then the home countries of the known cities in it (weak).
    named = [
        (item, item.places[0].country)
        for part in parts
        for item in part.items
        if len({q.country for q in item.places}) == 1
        and item.places[0].kind in ("country", "state")
        and item.places[0].country
    ]
    strong_countries = {country for _, country in named if country}
    # What the chain names besides its region-like phrases: the evidence that a phrase is a region of elsewhere.
    plain_countries = {country for item, country in named if country and not item.qualified}
    weak_countries: set[str] = {
        p.country for part in parts for item in part.items for p in item.places if p.kind == "city" and p.country
    }
    chosen: list[list[_Place]] = []
    for index, part in enumerate(parts):
        picks: list[_Place] = []
        for item in part.items:
            if item.qualified and _named_elsewhere(item, plain_countries or weak_countries):
                continue
            pick = _choose(item, index, chain_len, len(part.items), strong_countries, weak_countries)
            if pick is not None:
                picks.append(pick)
        chosen.append(picks)

    resolved_countries = {p.country for picks in chosen for p in picks if p.kind in ("country", "state") and p.country}
    for index, (part, picks) in enumerate(zip(parts, chosen, strict=True)):
        result.modes.extend(part.modes)
        result.worldwide = result.worldwide or part.worldwide
        if (
            index == 0
            and chain_len > 1
            and not part.items
            and not part.modes
            and not part.worldwide
            and part.unknown
            and len(part.unknown) <= 4
            and not any(ch.isdigit() for ch in part.text)
            and any(p.kind in ("country", "state") for later in chosen[1:] for p in later)
        ):
            result.add(result.cities, part.text)
        for place in picks:
            if place.kind == "region":
                result.add(result.regions, place.name)
            elif place.kind == "city":
                result.add(result.cities, place.name)
                if place.country and not resolved_countries:
                    result.add(result.countries, place.country)
            elif place.country:
                result.add(result.countries, place.country)


def _named_elsewhere(item: _Item, countries: set[str]) -> bool:
    """Whether the rest of the chain names countries and none of them is this item's: "Central Macedonia, Greece"
    is a region of Greece, not North Macedonia; "Northern Italy" and "Southern Germany, DE" stay what they say."""
    return bool(countries) and not countries & {place.country for place in item.places}


def _choose(
    item: _Item,
    index: int,
    chain_len: int,
    items_in_part: int,
    strong: set[str],
    weak: set[str],
) -> _Place | None:
    places = item.places
    if len(places) == 1:
        return places[0]
    areas = [p for p in places if p.kind != "city"]
    if len(areas) == 1 and (index > 0 or len({p.country for p in places}) == 1):
        # After a city, an area reading beats another city of the same name ("Berlin, Berlin, DE");
        # so it does where every reading is in one country ("Washington").
        return areas[0]
    for evidence in (strong, weak):
        agreeing = [p for p in places if p.country in evidence]
        if len({p.country for p in agreeing}) == 1:
            return agreeing[0]
    if not item.is_code:
        return None
    country = next((p for p in places if p.kind == "country"), None)
    state = next((p for p in places if p.kind == "state"), None)
    if chain_len >= 3 and index == chain_len - 1:
        return country
    if index > 0 and state is not None:
        # "City, XX" follows the US postal convention; a Canadian province code that is also a
        # country (NL, PE, SK, NU, YT) is read as the country.
        return state if state.country == "US" else country
    if chain_len == 1 and items_in_part == 1 and country is not None:
        return country if country.name in _STANDALONE_COUNTRY_CODES else None
    return None


def _split_groups(text: str) -> list[list[str]]:
    return [group.split(",") for group in _GROUP_SPLIT_RE.split(text) if group.strip()]


def _prepare(text: str, result: _Result) -> str:
    text = text[:MAX_CHARS]
    for match in _FLAG_RE.finditer(text):
        code = "".join(chr(ord("A") + ord(ch) - 0x1F1E6) for ch in match.group())
        if code == "EU":
            result.add(result.regions, "EUROPE")
        elif any(p.kind == "country" for p in _gazetteer().codes.get(code, ())):
            result.add(result.countries, code)
    text = _FLAG_RE.sub(" ; ", text)
    text = "".join(" " if unicodedata.category(ch) in ("So", "Cs", "Co", "Cf") else ch for ch in text)
    return _WASHINGTON_DC_RE.sub("Washington DC", text)


def _read(text: str, result: _Result) -> None:
    gazetteer = _gazetteer()
    for group in _split_groups(_prepare(text, result)):
        parts = [_scan_part(raw_part, gazetteer) for raw_part in group if raw_part.strip()]
        if parts:
            _resolve_group(parts, result)


def parse_location(text: str | Sequence[str] | None, *, remote_hint: str | None = None) -> Location:
    """Read a location string (or a list of them, the main one first) into a Location.

    Countries come from names in several languages, ISO codes, flag emoji, US state and Canadian
    province codes, and big cities; regions from a closed token set (REGIONS); cities from known
    names or a "City, State/Country" shape. A workplace value the source found (`remote_hint`: "R", "Remote",
    "Hybrid (Travel-Required)", "on_site", "true", "TELECOMMUTE"; read by workplace.py) decides the remote mode
    over the text.

    >>> loc = parse_location("Remote: Europe, LATAM, Canada, UK, Asia, Oceania")
    >>> loc.remote, loc.countries, loc.regions
    (<RemoteMode.REMOTE: 'remote'>, ('CA', 'GB'), ('EUROPE', 'LATAM', 'ASIA', 'OCEANIA'))
    >>> parse_location("Galveston, TX").countries, parse_location("Galveston, TX").cities
    (('US',), ('Galveston',))
    >>> parse_location("Springfield").countries   # unknown stays empty
    ()
    """
    if text is None:
        raw: str | None = None
        texts: list[str] = []
    elif isinstance(text, str):
        raw = text
        texts = [text]
    else:
        texts = [item for item in text if isinstance(item, str) and item.strip()]
        raw = " | ".join(texts) if texts else None
    result = _Result()
    budget = MAX_CHARS
    for item in texts:
        if budget <= 0:
            break
        _read(item[:budget], result)
        budget -= len(item)

    hint_mode, vetoes_remote = parse_workplace(remote_hint)
    text_mode = result.modes[0] if result.modes else None
    if hint_mode is not None:
        mode: RemoteMode | None = hint_mode
    elif vetoes_remote and text_mode is RemoteMode.REMOTE:
        mode = None
    else:
        mode = text_mode
    regions = result.regions
    if result.worldwide and not result.countries and not regions:
        regions = [WORLDWIDE]
    return Location(
        raw=raw,
        remote=mode,
        countries=tuple(result.countries),
        regions=tuple(regions),
        cities=tuple(result.cities),
    )


def is_location(text: str) -> bool:
    """True when `text` is nothing but a location ("Remote - US", "Berlin", "(Hybrid)"), for title cleaning.

    Every word must be a place, a workplace word or a joiner, and at least one must name a place or a
    workplace by itself: a bare code such as "AI" or "IT" (Anguilla, Italy) is not enough.
    """
    if not text or len(text) > 200 or any(ch.isdigit() for ch in text):
        return False
    gazetteer = _gazetteer()
    strong = False
    seen = False
    for group in _split_groups(text):
        for raw_part in group:
            if not raw_part.strip():
                continue
            part = _scan_part(raw_part, gazetteer)
            if any(word not in _NOISE_WORDS for word in part.unknown):
                return False
            seen = seen or bool(part.items or part.modes or part.worldwide)
            strong = strong or bool(part.modes or part.worldwide or any(item.strong for item in part.items))
    return seen and strong
