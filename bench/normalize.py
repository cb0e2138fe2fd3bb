"""Benchmark of the normalizers: strings per second on a realistic mix, and time on adversarial input.

Run `python bench/normalize.py`. Prints figures only; no assertion (timings belong here, not in tests).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.normalization.location import parse_location
from scraper.normalization.pay_in_text import salary_in_text
from scraper.normalization.salary import parse_salary
from scraper.normalization.title import classify_title

# What boards print, in roughly the proportions a crawl sees (many USD K ranges, then the rest).
SALARY_MIX = [
    "USD 60K - 120K",
    "USD 174K-284K",
    "ILS 139K-151K (estimate)",
    "EUR 85K-110K (estimate)",
    "USD 1111111K - 1111111K",
    "$40,000 - $50,000",
    "$160,000 - $210,000",
    "€45/hour, ~6 months",
    "₹20L – ₹30L",
    "$150K – $200K • Offers Equity",
    "₹60K – ₹80K / month",
    "$75K - $110K (Glassdoor est.)",
    "$25.00 - $35.00 Per Hour (Employer est.)",
    "-1",
    "$50,000 - $60,000 a year",
    "$20 - $25 an hour",
    "From $45,000 a year",
    "Up to $80,000 a year",
    "$120,000.00/yr - $150,000.00/yr",
    "$50.00/hr - $60.00/hr",
    "€45.000 brutto/Jahr",
    "45.000 € - 55.000 € brutto/Jahr",
    "Salaire : 45K à 55K €",
    "年収600万円〜900万円",
    "15 000 - 20 000 zł brutto / mies.",
    "CHF 120'000",
    "12-18 LPA",
    "$180k-$230k + equity",
    "€70–95k DOE, contractors ok",
    "Competitive",
    "DOE",
    "",
    "£400 - £500 per day (Outside IR35)",
    "$120-150K",
    "R$ 8.000 a R$ 10.000 por mês",
    "45 000 kr/mån",
    "5+ yrs experience, $120k-$140k",
    "$120k + 401(k) match",
]
ADVERSARIAL = {
    '"1" * 10000 + "!"': "1" * 10_000 + "!",
    "1 MB of digits": "1" * 1_000_000,
    "1 MB of '1 '": "1 " * 500_000,
    "1 MB of '$1-'": "$1-" * 333_333,
    "1 MB of 'per '": "per " * 250_000,
    "1 MB of '1,'": "1," * 500_000,
    "1 MB of 'salary '": "salary " * 150_000,
    "1 MB of 'Pay: $1 - $2. '": "Pay: $1 - $2. " * 75_000,
}

TITLE_MIX = [
    "Featured Data Engineer",
    "Senior Machine Learning Engineer, Ranking",
    "Lead Developer (AI)",
    "Artificial Intelligence – Bioinformatic Expert",
    "Dateningenieur (m/w/d) - Berlin",
    "Científico de Datos Sr.",
    "Ingénieur Machine Learning H/F",
    "STAFF LLM INFERENCE ENGINEER - REMOTE - US",
    "Head of Data & Analytics",
    "Product Manager, ML Platform",
    "Software Engineer II, Backend (L4)",
    "Developer Advocate, Ecosystem",
    "Business Intelligence Analyst",
    "Research Scientist, Alignment",
    "Database Administrator (PostgreSQL)",
    "Rockstar Ninja",
]
LOCATION_MIX = [
    "Remote: Europe, LATAM, Canada, UK, Asia, Oceania",
    "Galveston, TX",
    "San Francisco, US",
    "Remote - US",
    "Hybrid - SF, NYC",
    "Rotterdam, South Holland, NL",
    "Berlin,  Berlin, DE",
    "🇩🇪 Germany",
    "Anywhere",
    "London, England, United Kingdom",
    "São Paulo, Brazil",
    "Bengaluru, Karnataka, India",
]

DESCRIPTION_MIX = [
    "<p>The estimated salary range for this position is $60,000 - $97,000/year.</p>" * 3,
    "<h3>About us</h3><p>We raised a $2M seed round and serve 250,000 customers.</p>" * 20,
    "<p><strong>Pay:</strong></p><p>$45 - $55 per hour</p><ul><li>401(k)</li><li>$1,500 learning budget</li></ul>",
    "<p>Build pipelines &amp; APIs.</p>" * 40,
]

# The normalizers to measure: (name, function, realistic inputs).
NORMALIZERS: list[tuple[str, Callable[[str], object], list[str]]] = [
    ("parse_salary", parse_salary, SALARY_MIX),
    ("classify_title", classify_title, TITLE_MIX),
    ("parse_location", parse_location, LOCATION_MIX),
    ("salary_in_text", salary_in_text, DESCRIPTION_MIX),
]


def strings_per_second(function: Callable[[str], object], inputs: list[str], min_seconds: float = 1.0) -> float:
    done = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < min_seconds:
        for text in inputs:
            function(text)
        done += len(inputs)
        elapsed = time.perf_counter() - start
    return done / elapsed


def best_of(function: Callable[[str], object], text: str, repeat: int = 5) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(text)
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    for name, function, inputs in NORMALIZERS:
        rate = strings_per_second(function, inputs)
        print(f"{name}: {rate:,.0f} strings/s on a mix of {len(inputs)} realistic strings")
        for label, text in ADVERSARIAL.items():
            print(f"{name}: {best_of(function, text) * 1000:.3f} ms for {label} ({len(text):,} chars)")


if __name__ == "__main__":
    main()
