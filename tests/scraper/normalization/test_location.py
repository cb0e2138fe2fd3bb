"""Location text -> Location: the table is the specification (unknown stays empty, nothing guessed)."""

from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.enums import RemoteMode
from models.records import Location
from scraper.normalization.location import GAZETTEER_PATH, REGIONS, is_location, parse_location

R, H, ONSITE = RemoteMode.REMOTE, RemoteMode.HYBRID, RemoteMode.ONSITE

# text -> (remote, countries, regions, cities)
CASES: list[tuple[str, tuple[RemoteMode | None, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]] = [
    # aijobs.net featured cards and listing (FORMATS.md section 1)
    ("Remote: Europe, LATAM, Canada, UK, Asia, Oceania", (R, ("CA", "GB"), ("EUROPE", "LATAM", "ASIA", "OCEANIA"), ())),
    ("Galveston, TX", (None, ("US",), (), ("Galveston",))),
    ("San Francisco, US", (None, ("US",), (), ("San Francisco",))),
    ("Remote", (R, (), (), ())),
    ("New York", (None, ("US",), (), ("New York",))),
    ("Remote - US", (R, ("US",), (), ())),
    ("Rotterdam, South Holland, NL", (None, ("NL",), (), ("Rotterdam",))),
    ("  Berlin,  Berlin, DE  ", (None, ("DE",), (), ("Berlin",))),
    # Greenhouse / Lever / Ashby shapes
    ("Hybrid - SF, NYC", (H, ("US",), (), ("San Francisco", "New York"))),
    ("Hybrid - Austin", (H, ("US",), (), ("Austin",))),
    ("NYC", (None, ("US",), (), ("New York",))),
    ("Remote - Europe", (R, (), ("EUROPE",), ())),
    ("San Francisco, CA; New York, NY", (None, ("US",), (), ("San Francisco", "New York"))),
    ("Toronto, ON", (None, ("CA",), (), ("Toronto",))),
    ("Montreal, QC", (None, ("CA",), (), ("Montreal",))),
    ("San Francisco, CA (HQ)", (None, ("US",), (), ("San Francisco",))),
    ("Remote (US)", (R, ("US",), (), ())),
    ("New York, NY (HQ)", (None, ("US",), (), ("New York",))),
    ("London", (None, ("GB",), (), ("London",))),
    ("Manila", (None, ("PH",), (), ("Manila",))),
    ("Bengaluru", (None, ("IN",), (), ("Bengaluru",))),
    ("Lisbon, Lisbon, Portugal", (None, ("PT",), (), ("Lisbon",))),
    ("Poland, Remote, Poland", (R, ("PL",), (), ())),
    # remote boards' eligibility regions
    ("Worldwide", (R, (), ("WORLDWIDE",), ())),
    ("Anywhere", (R, (), ("WORLDWIDE",), ())),
    ("Anywhere in the World", (R, (), ("WORLDWIDE",), ())),
    ("Anywhere in Europe", (R, (), ("EUROPE",), ())),
    ("USA Only", (None, ("US",), (), ())),
    ("USA, Canada", (None, ("US", "CA"), (), ())),
    ("Europe", (None, (), ("EUROPE",), ())),
    ("Europe, UK timezones +/- 2h", (None, ("GB",), ("EUROPE",), ())),
    ("Remote (EU timezones +/- 3h)", (R, (), ("EUROPE",), ())),
    ("New York or REMOTE (US)", (R, ("US",), (), ("New York",))),
    ("EMEA", (None, (), ("EMEA",), ())),
    ("APAC", (None, (), ("APAC",), ())),
    ("North America", (None, (), ("NORTH AMERICA",), ())),
    ("Remote - Middle East & Africa", (R, (), ("MIDDLE EAST", "AFRICA"), ())),
    # flags (We Work Remotely)
    ("🇩🇪", (None, ("DE",), (), ())),
    ("🇨🇦 Canada and 🇺🇸 United States of America", (None, ("CA", "US"), (), ())),
    ("🇬🇧 London", (None, ("GB",), (), ("London",))),
    # US states and Canadian provinces, and the codes they share with countries
    ("Atlanta, GA", (None, ("US",), (), ("Atlanta",))),
    ("Atlanta, Georgia", (None, ("US",), (), ("Atlanta",))),
    ("Cambridge, MA", (None, ("US",), (), ("Cambridge",))),
    ("Cambridge", (None, ("GB",), (), ("Cambridge",))),
    ("London, ON", (None, ("CA",), (), ("London",))),
    ("Portland, OR", (None, ("US",), (), ("Portland",))),
    ("Boise, Idaho", (None, ("US",), (), ("Boise",))),
    ("Springfield, Illinois", (None, ("US",), (), ("Springfield",))),
    ("Seattle, Washington", (None, ("US",), (), ("Seattle",))),
    ("Washington, D.C.", (None, ("US",), (), ("Washington",))),
    ("Delft, NL", (None, ("NL",), (), ("Delft",))),
    ("Halifax, Nova Scotia", (None, ("CA",), (), ("Halifax",))),
    ("Remote - DE", (R, ("DE",), (), ())),
    ("Austin, TX, US", (None, ("US",), (), ("Austin",))),
    # country names in other languages
    ("München, Deutschland", (None, ("DE",), (), ("Munich",))),
    ("Paris, Île-de-France, France", (None, ("FR",), (), ("Paris",))),
    ("Estados Unidos", (None, ("US",), (), ())),
    ("Royaume-Uni", (None, ("GB",), (), ())),
    ("Österreich", (None, ("AT",), (), ())),
    ("Suisse", (None, ("CH",), (), ())),
    ("Niederlande", (None, ("NL",), (), ())),
    ("España", (None, ("ES",), (), ())),
    ("Polska", (None, ("PL",), (), ())),
    ("Brasil", (None, ("BR",), (), ())),
    ("Łódź, Polska", (None, ("PL",), (), ("Lodz",))),
    ("São Paulo, SP, Brasil", (None, ("BR",), (), ("Sao Paulo",))),
    ("Ciudad de México", (None, ("MX",), (), ("Mexico City",))),
    ("Côte d'Ivoire", (None, ("CI",), (), ())),
    ("Bosnia & Herzegovina", (None, ("BA",), (), ())),
    ("Trinidad and Tobago", (None, ("TT",), (), ())),
    # workplace words in other languages and spellings
    ("Homeoffice", (R, (), (), ())),
    ("Télétravail", (R, (), (), ())),
    ("Remoto - España", (R, ("ES",), (), ())),
    ("On-site - Austin, TX", (ONSITE, ("US",), (), ("Austin",))),
    ("Hybrid (Berlin)", (H, ("DE",), (), ("Berlin",))),
    ("Remote-US", (R, ("US",), (), ())),
    ("Work from home", (R, (), (), ())),
    # regions whose name holds another country's (issue 13: SmartRecruiters' "Central Macedonia" read as MK)
    ("Central Macedonia", (None, ("GR",), (), ())),  # a known region
    ("Thessaloniki, Central Macedonia, Greece", (None, ("GR",), (), ("Thessaloniki",))),
    ("Greece - Central Macedonia", (None, ("GR",), (), ())),
    ("East Macedonia and Thrace, Greece", (None, ("GR",), (), ())),
    ("Western Macedonia", (None, ("GR",), (), ())),
    ("South Tyrol", (None, ("IT",), (), ())),
    ("Bolzano, South Tyrol, Italy", (None, ("IT",), (), ("Bolzano",))),
    ("New England", (None, ("US",), (), ())),
    ("Boston, New England", (None, ("US",), (), ("Boston",))),
    # ... and ones the gazetteer does not know: the rest of the location says which country
    ("Northern Macedonia Region, Greece", (None, ("GR",), (), ())),
    ("Thessaloniki, Northern Macedonia", (None, ("GR",), (), ("Thessaloniki",))),  # a Greek city's country
    ("Upper Tyrol, Italy", (None, ("IT",), (), ())),
    ("Lower Austria, Austria", (None, ("AT",), (), ())),  # the region is of the country it names
    # ... while a qualified country that nothing contradicts stays that country
    ("Northern Italy", (None, ("IT",), (), ())),
    ("Southern Germany, DE", (None, ("DE",), (), ())),
    ("Macedonia", (None, ("MK",), (), ())),
    ("Skopje, North Macedonia", (None, ("MK",), (), ("Skopje",))),
    ("North Macedonia, Greece", (None, ("MK", "GR"), (), ())),  # the country's own name is no region
    # nothing guessed
    ("Springfield", (None, (), (), ())),
    ("Georgia", (None, (), (), ())),
    ("Tbilisi, Georgia", (None, (), (), ())),
    ("Remote - CA", (R, (), (), ())),
    ("CA", (None, (), (), ())),
    ("12 Dock Rd, Leeds", (None, ("GB",), (), ("Leeds",))),
    ("Join us", (None, (), (), ())),
    ("TBD", (None, (), (), ())),
    ("", (None, (), (), ())),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text or "<empty>" for text, _ in CASES])
def test_parse_location(text: str, expected: tuple[object, ...]) -> None:
    loc = parse_location(text)
    assert (loc.remote, loc.countries, loc.regions, loc.cities) == expected
    assert loc.raw == text


def test_featured_card_location_is_the_record_example() -> None:
    assert parse_location("Remote: Europe, LATAM, Canada, UK, Asia, Oceania") == Location(
        raw="Remote: Europe, LATAM, Canada, UK, Asia, Oceania",
        remote=RemoteMode.REMOTE,
        countries=("CA", "GB"),
        regions=("EUROPE", "LATAM", "ASIA", "OCEANIA"),
        cities=(),
    )


@pytest.mark.parametrize(
    ("text", "hint", "remote"),
    [
        ("Remote - US", "R", R),
        ("Berlin, DE", "R", R),
        ("Toronto, ON", "hybrid", H),
        ("Remote (US)", "Hybrid", H),  # Ashby: isRemote=true with workplaceType=Hybrid; the source passes the type
        ("London", "OnSite", ONSITE),
        ("London", "on-site", ONSITE),
        ("London", "ON_SITE", ONSITE),
        (None, "TELECOMMUTE", R),
        ("Lisbon", "true", R),
        ("Remote (US)", "false", None),  # isRemote=false vetoes a remote reading, and says no more
        ("Hybrid - Austin", "false", H),
        ("Remote", "unspecified", R),
        ("Berlin", None, None),
        ("Berlin", "", None),
        ("Berlin", "garbage", None),
    ],
    ids=lambda value: repr(value),
)
def test_remote_hint(text: str | None, hint: str | None, remote: RemoteMode | None) -> None:
    assert parse_location(text, remote_hint=hint).remote == remote


def test_lists_from_apis_merge_in_order() -> None:
    # Lever allLocations / Ashby location + secondaryLocations
    loc = parse_location(["San Francisco, CA (HQ)", "Remote (US)", "Toronto"], remote_hint="Hybrid")
    assert loc == Location(
        raw="San Francisco, CA (HQ) | Remote (US) | Toronto",
        remote=RemoteMode.HYBRID,
        countries=("US", "CA"),
        regions=(),
        cities=("San Francisco", "Toronto"),
    )
    assert parse_location(["Toronto, ON", "Montreal, QC"]).cities == ("Toronto", "Montreal")
    assert parse_location([]) == Location(raw=None)
    assert parse_location(None) == Location(raw=None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Remote - US", True),
        ("Berlin", True),
        ("(Hybrid)", True),
        ("San Francisco, CA", True),
        ("US", True),
        ("AI", False),  # Anguilla's code, but in a title it is AI
        ("IT", False),
        ("ML", False),
        ("Backend", False),
        ("Agents", False),
        ("Platform", False),
        ("Berlin Office 2", False),
        ("", False),
    ],
    ids=lambda value: repr(value),
)
def test_is_location(text: str, expected: bool) -> None:
    assert is_location(text) is expected


def test_gazetteer_regions_are_the_closed_set() -> None:
    document = tomllib.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    assert set(document["regions"]) == set(REGIONS)
    assert all(len(code) == 2 and code.isupper() for code in document["countries"])
    for name, (country, *_aliases) in document["cities"].items():
        assert country == "" or country in document["countries"], name


@given(st.one_of(st.none(), st.text(max_size=300), st.lists(st.text(max_size=50), max_size=5)), st.none() | st.text())
def test_never_raises(text: str | list[str] | None, hint: str | None) -> None:
    loc = parse_location(text, remote_hint=hint)
    assert set(loc.regions) <= REGIONS
    assert all(len(code) == 2 for code in loc.countries)


@pytest.mark.parametrize(
    "text",
    ["1" * 10_000 + "!", "a " * 100_000, "Remote, " * 50_000, "🇩🇪" * 10_000, "x" * 1_000_000],
    ids=["digits", "words", "commas", "flags", "one-mb"],
)
@pytest.mark.timeout(10)  # linear-time parsing; a catastrophic regex fails here instead of hanging
def test_adversarial_input_is_read_in_bounded_time(text: str) -> None:
    # Input beyond MAX_CHARS is not read; the rest is a linear scan (a catastrophic regex would hang here).
    assert parse_location(text).raw == text
