"""The dated currency rate table (ECB reference rates + a small supplement) and annualization to USD.

Reading and converting are pure; `update_rates` is the one I/O function (through a Fetcher, written atomically).
Plausibility of the result is not judged here (scraper/validation/salary.py).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Final, Protocol
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XMLParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from models.enums import Period
from models.records import Salary
from scraper.errors import ParseError

ECB_DAILY_URL: Final = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
DATA_DIR: Final = Path(__file__).parent / "data"
DEFAULT_RATES_PATH: Final = DATA_DIR / "ecb_rates.xml"
SUPPLEMENT_PATH: Final = DATA_DIR / "supplementary_rates.json"

# The contract's working year (DESIGN.md section 5): 2080 hours, 260 days, 52 weeks, 12 months.
PERIODS_PER_YEAR: Final[Mapping[Period, int]] = MappingProxyType(
    {Period.HOUR: 2080, Period.DAY: 260, Period.WEEK: 52, Period.MONTH: 12, Period.YEAR: 1}
)

_ECB_NS: Final = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"


@dataclass(frozen=True, slots=True)
class Rates:
    """What one unit of each currency is worth in USD, as of `date` (the ECB reference day)."""

    date: date
    usd_value: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    source: str = "ECB euro foreign exchange reference rates"

    def usd_per(self, code: str | None) -> float | None:
        """USD for one unit of `code` ("EUR" -> 1.16...), or None for a currency the table lacks.

        >>> Rates(date(2026, 11, 27), {"USD": 1.0, "EUR": 1.1642}).usd_per("eur")
        1.1642
        >>> Rates(date(2026, 11, 27), {"USD": 1.0}).usd_per("XYZ") is None
        True
        """
        if not code:
            return None
        return self.usd_value.get(code.upper())

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self.usd_value)


class _HasContent(Protocol):
    @property
    def content(self) -> bytes: ...


class RatesFetcher(Protocol):
    """The one method of `scraper.fetching.Fetcher` this module uses."""

    def get(self, url: str) -> _HasContent: ...


def parse_ecb_xml(data: bytes) -> Rates:
    """The rates of an ECB `eurofxref-daily.xml` document (EUR-based), turned to USD value per unit.

    Raises ParseError for anything that is not that document (an HTML error page, entities, no USD rate).
    """
    try:
        root: Element = fromstring(data)
    except (XMLParseError, DefusedXmlException, ValueError) as exc:
        raise ParseError(f"ECB rates are not readable XML: {exc}", url=ECB_DAILY_URL) from exc
    day_cube = next((cube for cube in root.iter(f"{_ECB_NS}Cube") if cube.get("time")), None)
    if day_cube is None:
        raise ParseError("ECB rates XML has no dated <Cube time=...>", url=ECB_DAILY_URL)
    try:
        day = date.fromisoformat(day_cube.get("time", ""))
        per_eur = {
            str(cube.get("currency")).upper(): float(cube.get("rate", ""))
            for cube in day_cube
            if cube.tag == f"{_ECB_NS}Cube" and cube.get("currency")
        }
    except ValueError as exc:
        raise ParseError(f"ECB rates XML has a bad date or rate: {exc}", url=ECB_DAILY_URL) from exc
    usd_per_eur = per_eur.get("USD")
    if not usd_per_eur or any(rate <= 0 for rate in per_eur.values()):
        raise ParseError("ECB rates XML lacks a positive USD rate", url=ECB_DAILY_URL)
    values = {code: usd_per_eur / rate for code, rate in per_eur.items()}
    values["EUR"] = usd_per_eur
    values["USD"] = 1.0
    return Rates(date=day, usd_value=MappingProxyType(values))


def load_supplement(path: Path = SUPPLEMENT_PATH) -> dict[str, float]:
    """USD value per unit of the currencies the ECB does not publish, from the bundled JSON table."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return {code.upper(): 1.0 / float(per_usd) for code, per_usd in document["rates"].items() if float(per_usd) > 0}


def load_rates(path: str | os.PathLike[str] | None = None) -> Rates:
    """The rate table: the ECB file at `path` (default: the bundled one) plus the bundled supplement.

    ECB rates win where both name a currency (they are the dated reference).
    """
    ecb = parse_ecb_xml(Path(path or DEFAULT_RATES_PATH).read_bytes())
    return _with_supplement(ecb)


def update_rates(fetcher: RatesFetcher, path: str | os.PathLike[str] = DEFAULT_RATES_PATH) -> Rates:
    """Fetch today's ECB reference rates and replace the file at `path` atomically; return the new table.

    The document is parsed before anything is written, so a bad answer leaves the old file in place.
    """
    data = fetcher.get(ECB_DAILY_URL).content
    rates = parse_ecb_xml(data)
    target = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return _with_supplement(rates)


def annualize(salary: Salary, rates: Rates) -> tuple[float | None, float | None]:
    """Annual USD bounds of a salary (2080 h, 260 d, 52 w, 12 mo); None where period or currency is unknown.

    >>> from models.enums import PeriodBasis
    >>> r = Rates(date(2026, 11, 27), {"USD": 1.0, "EUR": 1.2})
    >>> annualize(Salary(20, 25, "USD", Period.HOUR, PeriodBasis.STATED, "$20-25/h"), r)
    (41600.0, 52000.0)
    >>> annualize(Salary(None, 5000, "EUR", Period.MONTH, PeriodBasis.STATED, "up to €5000/mo"), r)
    (None, 72000.0)
    >>> annualize(Salary(45, 55, "USD", None, PeriodBasis.INFERRED, "$45-55"), r)
    (None, None)
    """
    if salary.period is None:
        return None, None
    usd = rates.usd_per(salary.currency)
    if usd is None:
        return None, None
    factor = PERIODS_PER_YEAR[salary.period] * usd
    return _scaled(salary.min, factor), _scaled(salary.max, factor)


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else round(value * factor, 2)


def _with_supplement(ecb: Rates) -> Rates:
    merged = {**load_supplement(), **ecb.usd_value}
    return Rates(date=ecb.date, usd_value=MappingProxyType(merged), source=ecb.source)
