"""Pure normalizers: raw strings as sources found them -> the comparable shape (DESIGN.md section 6).

No I/O beyond reading the bundled data files once.
"""

from scraper.normalization.currency import Rates, annualize, load_rates
from scraper.normalization.dates import parse_posted_at
from scraper.normalization.employment import parse_employment_types
from scraper.normalization.location import parse_location
from scraper.normalization.salary import parse_salary
from scraper.normalization.seniority import parse_seniority
from scraper.normalization.title import classify_title, clean_title, load_title_rules

__all__ = [
    "Rates",
    "annualize",
    "classify_title",
    "clean_title",
    "load_rates",
    "load_title_rules",
    "parse_employment_types",
    "parse_location",
    "parse_posted_at",
    "parse_salary",
    "parse_seniority",
]
