"""The rate table (ECB XML + supplement), annualization, and the atomic rates update."""

from __future__ import annotations

import doctest
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
import respx

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.errors import ParseError
from scraper.fetching import Fetcher, FetchPolicy
from scraper.normalization import currency
from scraper.normalization.currency import (
    DEFAULT_RATES_PATH,
    ECB_DAILY_URL,
    PERIODS_PER_YEAR,
    SUPPLEMENT_PATH,
    Rates,
    annualize,
    load_rates,
    load_supplement,
    parse_ecb_xml,
    update_rates,
)

# The ECB's eurofxref-daily.xml as served (trimmed to three currencies, real envelope and quoting).
ECB_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
\t\t<Cube time='2026-11-30'>
\t\t\t<Cube currency='USD' rate='1.2000'/>
\t\t\t<Cube currency='JPY' rate='180.00'/>
\t\t\t<Cube currency='GBP' rate='0.80000'/>
\t\t</Cube>
\t</Cube>
</gesmes:Envelope>
"""
_ECB_LINE = (
    "USD JPY CZK DKK GBP HUF PLN RON SEK CHF ISK NOK TRY AUD BRL CAD CNY HKD IDR ILS INR KRW MXN MYR NZD PHP SGD THB"
)
ECB_CURRENCIES = {*_ECB_LINE.split(), "ZAR"}
RATES = Rates(date(2026, 11, 27), {"USD": 1.0, "EUR": 1.2, "JPY": 0.0065, "INR": 0.0112})


def test_bundled_table_is_dated_and_covers_the_ecb_list() -> None:
    rates = load_rates()
    assert rates.date == date(2026, 11, 27)
    assert {"EUR", *ECB_CURRENCIES} <= rates.currencies
    assert rates.usd_per("USD") == 1.0
    assert rates.usd_per("EUR") == pytest.approx(1.1642)
    assert rates.usd_per("JPY") == pytest.approx(1.1642 / 181.95)


def test_bundled_table_has_the_supplement_for_what_the_ecb_lacks() -> None:
    rates = load_rates()
    for code in ("AED", "SAR", "VND", "NGN", "ARS", "COP", "CLP", "PKR", "EGP", "TWD", "UAH"):
        assert rates.usd_per(code) is not None, code
    assert rates.usd_per("AED") == pytest.approx(1 / 3.6725)  # the dirham's peg
    assert rates.usd_per("SAR") == pytest.approx(1 / 3.75)


def test_supplement_names_its_date_and_provenance() -> None:
    import json

    document = json.loads(SUPPLEMENT_PATH.read_text(encoding="utf-8"))
    assert date.fromisoformat(document["date"])
    assert "ECB" in document["provenance"]
    assert set(document["rates"]).isdisjoint(ECB_CURRENCIES)
    assert all(value > 0 for value in load_supplement().values())


def test_ecb_rates_win_over_the_supplement(tmp_path: Path) -> None:
    path = tmp_path / "ecb.xml"
    path.write_bytes(ECB_XML.replace(b"<Cube currency='GBP'", b"<Cube currency='AED' rate='4.8'/><Cube currency='GBP'"))
    assert load_rates(path).usd_per("AED") == pytest.approx(1.2 / 4.8)


def test_parse_ecb_xml_turns_eur_rates_into_usd_values() -> None:
    rates = parse_ecb_xml(ECB_XML)
    assert rates.date == date(2026, 11, 30)
    assert rates.usd_per("EUR") == pytest.approx(1.2)
    assert rates.usd_per("GBP") == pytest.approx(1.5)
    assert rates.usd_per("JPY") == pytest.approx(1.2 / 180)
    assert rates.usd_per("usd") == 1.0
    assert rates.usd_per("AED") is None  # the supplement is merged by load_rates, not here
    assert rates.usd_per(None) is None


def test_rates_are_frozen() -> None:
    rates = parse_ecb_xml(ECB_XML)
    with pytest.raises(AttributeError):
        rates.date = date(2000, 1, 1)  # type: ignore[misc]
    with pytest.raises(TypeError):
        rates.usd_value["USD"] = 2.0  # type: ignore[index]


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"<html><body>Service unavailable</body></html>",
        b"{}",
        ECB_XML.replace(b"time='2026-11-30'", b"time='yesterday'"),
        ECB_XML.replace(b"rate='1.2000'", b"rate='n/a'"),
        ECB_XML.replace(b"currency='USD'", b"currency='XXX'"),
        ECB_XML.replace(b"rate='180.00'", b"rate='0'"),
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
    ],
    ids=["empty", "html", "json", "bad date", "bad rate", "no usd", "zero rate", "entities"],
)
def test_parse_ecb_xml_refuses_what_is_not_the_document(payload: bytes) -> None:
    with pytest.raises(ParseError):
        parse_ecb_xml(payload)


def _salary(low: float | None, high: float | None, currency: str | None, period: Period | None) -> Salary:
    return Salary(low, high, currency, period, PeriodBasis.STATED, "raw")


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        (_salary(60_000, 120_000, "USD", Period.YEAR), (60_000, 120_000)),
        (_salary(20, 25, "USD", Period.HOUR), (41_600, 52_000)),
        (_salary(400, 500, "USD", Period.DAY), (104_000, 130_000)),
        (_salary(1_000, 2_000, "USD", Period.WEEK), (52_000, 104_000)),
        (_salary(5_000, 6_000, "EUR", Period.MONTH), (72_000, 86_400)),
        (_salary(None, 5_000, "EUR", Period.MONTH), (None, 72_000)),
        (_salary(50_000, None, "EUR", Period.YEAR), (60_000, None)),
        (_salary(6_000_000, 9_000_000, "JPY", Period.YEAR), (39_000, 58_500)),
        (_salary(45, 55, "USD", None), (None, None)),
        (_salary(45_000, 55_000, None, Period.YEAR), (None, None)),
        (_salary(45_000, 55_000, "XYZ", Period.YEAR), (None, None)),
        (_salary(1_111_111_000, 1_111_111_000, "USD", Period.YEAR), (1_111_111_000, 1_111_111_000)),
    ],
    ids=lambda v: str(v) if isinstance(v, tuple) else f"{v.min}-{v.max} {v.currency}/{v.period}",
)
def test_annualize(salary: Salary, expected: tuple[float | None, float | None]) -> None:
    low, high = annualize(salary, RATES)
    assert (low, high) == tuple(pytest.approx(v) if v is not None else None for v in expected)


def test_working_year_is_the_contract() -> None:
    assert dict(PERIODS_PER_YEAR) == {
        Period.HOUR: 2080,
        Period.DAY: 260,
        Period.WEEK: 52,
        Period.MONTH: 12,
        Period.YEAR: 1,
    }


@dataclass
class _Page:
    content: bytes


class _FakeFetcher:
    def __init__(self, content: bytes) -> None:
        self.content = content
        self.urls: list[str] = []

    def get(self, url: str) -> _Page:
        self.urls.append(url)
        return _Page(self.content)


def test_update_rates_writes_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "ecb_rates.xml"
    path.write_bytes(DEFAULT_RATES_PATH.read_bytes())
    fetcher = _FakeFetcher(ECB_XML)
    rates = update_rates(fetcher, path)
    assert fetcher.urls == [ECB_DAILY_URL]
    assert path.read_bytes() == ECB_XML
    assert rates.date == date(2026, 11, 30)
    assert rates.usd_per("AED") is not None  # merged with the supplement, like load_rates
    assert load_rates(path).date == date(2026, 11, 30)
    assert [p.name for p in tmp_path.iterdir()] == ["ecb_rates.xml"]  # no temporary file left


def test_update_rates_keeps_the_old_file_on_a_bad_answer(tmp_path: Path) -> None:
    path = tmp_path / "ecb_rates.xml"
    path.write_bytes(ECB_XML)
    with pytest.raises(ParseError):
        update_rates(_FakeFetcher(b"<html>maintenance</html>"), path)
    assert path.read_bytes() == ECB_XML
    assert [p.name for p in tmp_path.iterdir()] == ["ecb_rates.xml"]


@respx.mock(assert_all_mocked=True)
def test_update_rates_through_the_fetcher(respx_mock: respx.MockRouter, tmp_path: Path) -> None:
    route = respx_mock.get(ECB_DAILY_URL).mock(
        return_value=httpx.Response(200, content=ECB_XML, headers={"content-type": "text/xml"})
    )
    policy = FetchPolicy(obey_robots=False, min_delay_seconds=0.0, max_retries=0)
    with Fetcher(policy, resolver=lambda host, port: ["145.8.1.1"], sleep=lambda seconds: None) as fetcher:
        rates = update_rates(fetcher, tmp_path / "ecb.xml")
    assert route.called
    assert rates.date == date(2026, 11, 30)
    assert (tmp_path / "ecb.xml").read_bytes() == ECB_XML


def test_docstring_examples() -> None:
    results = doctest.testmod(currency, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0
