"""The salary table is the specification: every row is a string a board prints and the Salary it means."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization import salary as salary_module
from scraper.normalization.salary import MAX_CHARS, parse_salary
from tests.properties import examples

Y, MO, W, D, H = "year", "month", "week", "day", "hour"
S, I = "stated", "inferred"  # noqa: E741

# (text, min, max, currency, period, basis)
CASES: list[tuple[str, float | None, float | None, str | None, str | None, str]] = [
    # aijobs.net featured-job widget, the six cards of FORMATS.md section 1
    ("USD 60K - 120K", 60_000, 120_000, "USD", Y, I),
    ("USD 1111111K - 1111111K", 1_111_111_000, 1_111_111_000, "USD", Y, I),
    ("USD 120K - 160K", 120_000, 160_000, "USD", Y, I),
    ("USD 160K - 180K", 160_000, 180_000, "USD", Y, I),
    ("USD 100K - 120K", 100_000, 120_000, "USD", Y, I),
    ("USD 100K - 180K", 100_000, 180_000, "USD", Y, I),
    # aijobs.net listing badges
    ("USD 174K-284K", 174_000, 284_000, "USD", Y, I),
    ("ILS 139K-151K (estimate)", 139_000, 151_000, "ILS", Y, I),
    ("EUR 85K-110K (estimate)", 85_000, 110_000, "EUR", Y, I),
    ("USD 68K-88K", 68_000, 88_000, "USD", Y, I),
    ("GBP 50K-70K", 50_000, 70_000, "GBP", Y, I),
    ("INR 1200K-2400K", 1_200_000, 2_400_000, "INR", Y, I),
    ("CHF 110K-140K (estimate)", 110_000, 140_000, "CHF", Y, I),
    # Ashby compensation summaries
    ("₹20L – ₹30L", 2_000_000, 3_000_000, "INR", Y, I),
    ("$150K – $200K • Offers Equity", 150_000, 200_000, "USD", Y, I),
    ("₹60K – ₹80K / month", 60_000, 80_000, "INR", MO, S),
    ("$180K - $240K", 180_000, 240_000, "USD", Y, I),
    ("€70K – €90K • Offers Equity", 70_000, 90_000, "EUR", Y, I),
    ("CA$120K – CA$150K", 120_000, 150_000, "CAD", Y, I),
    ("£60K – £75K", 60_000, 75_000, "GBP", Y, I),
    ("A$140K – A$160K", 140_000, 160_000, "AUD", Y, I),
    ("$45 – $60 / hour", 45, 60, "USD", H, S),
    # Remotive free text
    ("$40,000 - $50,000", 40_000, 50_000, "USD", Y, I),
    ("$160,000 - $210,000", 160_000, 210_000, "USD", Y, I),
    ("€45/hour, ~6 months", 45, 45, "EUR", H, S),
    ("$70k - $90k", 70_000, 90_000, "USD", Y, I),
    ("USD 80,000 - 100,000", 80_000, 100_000, "USD", Y, I),
    ("$5,000 - $7,000/month", 5_000, 7_000, "USD", MO, S),
    ("40-50k EUR", 40_000, 50_000, "EUR", Y, I),
    ("$50-60/hour", 50, 60, "USD", H, S),
    # Greenhouse pay-range HTML, as text
    ("$125,000—$155,000 USD", 125_000, 155_000, "USD", Y, I),
    ("$38—$45.50 USD", 38, 45.5, "USD", None, I),
    # issue 13: an upper bound written like a retirement plan, prefixed symbols, Chinese pay words
    ("$266K – $401K", 266_000, 401_000, "USD", Y, I),
    ("$266,000—$401,000 USD", 266_000, 401_000, "USD", Y, I),
    ("CN¥300K – CN¥500K", 300_000, 500_000, "CNY", Y, I),
    ("CN¥25,000 - CN¥35,000 / month", 25_000, 35_000, "CNY", MO, S),
    ("R$ 8.000 - R$ 12.000 / mês", 8_000, 12_000, "BRL", MO, S),
    ("HK$40,000 - HK$55,000 per month", 40_000, 55_000, "HKD", MO, S),
    ("NT$1,200,000 - NT$1,800,000", 1_200_000, 1_800_000, "TWD", Y, I),
    ("S$6,000 – S$9,000 / month", 6_000, 9_000, "SGD", MO, S),
    ("MX$40,000 - MX$60,000 / month", 40_000, 60_000, "MXN", MO, S),
    ("kr 45 000 – 55 000 per månad", 45_000, 55_000, "SEK", MO, S),
    ("zł 12 000 - 18 000 / miesiąc", 12_000, 18_000, "PLN", MO, S),
    ("月薪 20K-35K", 20_000, 35_000, "CNY", MO, S),
    ("$75,000–$95,000 DOE", 75_000, 95_000, "USD", Y, I),
    ("£50,000 + 4-day week", 50_000, 50_000, "GBP", Y, I),
    ("Salary: $0", 0, 0, "USD", None, I),  # a stated zero: validation flags it and drops it
    # Glassdoor
    ("$75K - $110K (Glassdoor est.)", 75_000, 110_000, "USD", Y, I),
    ("$80K - $120K (Employer est.)", 80_000, 120_000, "USD", Y, I),
    ("$25.00 - $35.00 Per Hour (Employer est.)", 25, 35, "USD", H, S),
    ("$60K (Employer est.)", 60_000, 60_000, "USD", Y, I),
    ("$120K - $150K (Glassdoor Est.)", 120_000, 150_000, "USD", Y, I),
    ("£35K - £45K (Glassdoor est.)", 35_000, 45_000, "GBP", Y, I),
    ("€50K - €65K (Employer est.)", 50_000, 65_000, "EUR", Y, I),
    ("₹6L - ₹10L (Glassdoor est.)", 600_000, 1_000_000, "INR", Y, I),
    ("$130K - $160K a year (Employer est.)", 130_000, 160_000, "USD", Y, S),
    # Indeed
    ("$50,000 - $60,000 a year", 50_000, 60_000, "USD", Y, S),
    ("$20 - $25 an hour", 20, 25, "USD", H, S),
    ("From $45,000 a year", 45_000, None, "USD", Y, S),
    ("Up to $80,000 a year", None, 80_000, "USD", Y, S),
    ("$3,000 - $4,000 a month", 3_000, 4_000, "USD", MO, S),
    ("$150 - $200 a day", 150, 200, "USD", D, S),
    ("$1,000 a week", 1_000, 1_000, "USD", W, S),
    ("Estimated $60.3K - $76.3K a year", 60_300, 76_300, "USD", Y, S),
    ("$18.50 an hour", 18.5, 18.5, "USD", H, S),
    ("£30,000 - £35,000 a year", 30_000, 35_000, "GBP", Y, S),
    ("£12.50 an hour", 12.5, 12.5, "GBP", H, S),
    ("₹25,000 - ₹35,000 a month", 25_000, 35_000, "INR", MO, S),
    ("From £25 an hour", 25, None, "GBP", H, S),
    ("Up to $35 an hour", None, 35, "USD", H, S),
    ("2.500 € - 3.000 € al mes", 2_500, 3_000, "EUR", MO, S),
    ("45.000 € - 55.000 € pro Jahr", 45_000, 55_000, "EUR", Y, S),
    ("35 000 € - 45 000 € par an", 35_000, 45_000, "EUR", Y, S),
    ("R$ 5.000 - R$ 7.000 por mês", 5_000, 7_000, "BRL", MO, S),
    ("€ 3.500 - € 4.500 per maand", 3_500, 4_500, "EUR", MO, S),
    ("月給25万円～35万円", 250_000, 350_000, "JPY", MO, S),
    ("年収400万円～600万円", 4_000_000, 6_000_000, "JPY", Y, S),
    ("時給1,200円～1,500円", 1_200, 1_500, "JPY", H, S),
    ("₹3,00,000 - ₹5,00,000 a year", 300_000, 500_000, "INR", Y, S),
    ("Pay: $18.00 - $22.00 per hour", 18, 22, "USD", H, S),
    ("Pay: From $50,000.00 per year", 50_000, None, "USD", Y, S),
    ("Salary: Up to ₹1,200,000.00 per year", None, 1_200_000, "INR", Y, S),
    ("£25,000 - £30,000 a year - Permanent, Full-time", 25_000, 30_000, "GBP", Y, S),
    # LinkedIn
    ("$120,000.00/yr - $150,000.00/yr", 120_000, 150_000, "USD", Y, S),
    ("$50.00/hr - $60.00/hr", 50, 60, "USD", H, S),
    ("$120K/yr - $150K/yr", 120_000, 150_000, "USD", Y, S),
    ("€60K/yr - €80K/yr", 60_000, 80_000, "EUR", Y, S),
    ("$150,000.00/yr - $180,000.00/yr", 150_000, 180_000, "USD", Y, S),
    ("£40K/yr - £50K/yr", 40_000, 50_000, "GBP", Y, S),
    ("CA$90K/yr - CA$110K/yr", 90_000, 110_000, "CAD", Y, S),
    ("$6,000/month - $8,000/month", 6_000, 8_000, "USD", MO, S),
    # StepStone and other German boards
    ("€45.000 brutto/Jahr", 45_000, 45_000, "EUR", Y, S),
    ("45.000 € - 55.000 € brutto/Jahr", 45_000, 55_000, "EUR", Y, S),
    ("50.000 - 60.000 € pro Jahr", 50_000, 60_000, "EUR", Y, S),
    ("3.500 € brutto/Monat", 3_500, 3_500, "EUR", MO, S),
    ("ab 60.000 € jährlich", 60_000, None, "EUR", Y, S),
    ("bis zu 75.000 € p.a.", None, 75_000, "EUR", Y, S),
    ("60.000 – 70.000 EUR p.a.", 60_000, 70_000, "EUR", Y, S),
    ("Gehalt: 55.000 € - 65.000 € (brutto jährlich)", 55_000, 65_000, "EUR", Y, S),
    ("80 - 90 TEUR", 80_000, 90_000, "EUR", Y, I),
    ("75TEUR", 75_000, 75_000, "EUR", Y, I),
    ("45,50 €/Stunde", 45.5, 45.5, "EUR", H, S),
    ("Stundenlohn: 15,00 €", 15, 15, "EUR", H, S),
    ("45.000,- bis 55.000,- € p.a.", 45_000, 55_000, "EUR", Y, S),
    ("bis 60.000 €", None, 60_000, "EUR", Y, I),
    ("1.234,56 €/Monat", 1_234.56, 1_234.56, "EUR", MO, S),
    ("€1,2 Mio.", 1_200_000, 1_200_000, "EUR", Y, I),
    ("65.000 – 80.000 € Jahresgehalt", 65_000, 80_000, "EUR", Y, S),
    ("45 € pro Stunde", 45, 45, "EUR", H, S),
    # Welcome to the Jungle and French boards
    ("Salaire : 45K à 55K €", 45_000, 55_000, "EUR", Y, I),
    ("Salary: 40K to 50K €", 40_000, 50_000, "EUR", Y, I),
    ("45 000 à 55 000 € par an", 45_000, 55_000, "EUR", Y, S),
    ("Entre 45K€ et 55K€", 45_000, 55_000, "EUR", Y, I),
    ("Salaire : 500 € à 600 € / jour", 500, 600, "EUR", D, S),
    ("TJM : 500 - 600 €", 500, 600, "EUR", D, S),
    ("De 40 000 € à 50 000 € brut annuel", 40_000, 50_000, "EUR", Y, S),
    ("45-55 k€", 45_000, 55_000, "EUR", Y, I),
    ("45k€ - 55k€ /an", 45_000, 55_000, "EUR", Y, S),
    ("à partir de 50K€", 50_000, None, "EUR", Y, I),
    ("jusqu'à 60 000 € par an", None, 60_000, "EUR", Y, S),
    ("15 € de l'heure", 15, 15, "EUR", H, S),
    # Japan, China, Korea
    ("年収600万円〜900万円", 6_000_000, 9_000_000, "JPY", Y, S),
    ("¥6,000,000 - ¥9,000,000", 6_000_000, 9_000_000, "JPY", Y, I),
    ("月給30万円以上", 300_000, None, "JPY", MO, S),
    ("JPY 8M - 10M", 8_000_000, 10_000_000, "JPY", Y, I),
    ("¥8M", 8_000_000, 8_000_000, "JPY", Y, I),
    ("연봉 5000만원 ~ 7000만원", 50_000_000, 70_000_000, "KRW", Y, S),
    ("KRW 60,000,000", 60_000_000, 60_000_000, "KRW", Y, I),
    ("CNY 300,000 - 500,000", 300_000, 500_000, "CNY", Y, I),
    ("RMB 20k-30k/month", 20_000, 30_000, "CNY", MO, S),
    ("¥25,000 - ¥30,000 元/月", 25_000, 30_000, "CNY", MO, S),
    ("月薪 ¥15,000-20,000", 15_000, 20_000, "CNY", MO, S),
    ("¥15,000-20,000 人民币/月", 15_000, 20_000, "CNY", MO, S),
    ("NT$ 1,000,000", 1_000_000, 1_000_000, "TWD", Y, I),
    ("TWD 60,000 / month", 60_000, 60_000, "TWD", MO, S),
    # Poland
    ("15 000 - 20 000 zł brutto / mies.", 15_000, 20_000, "PLN", MO, S),
    ("10 000 - 15 000 PLN netto (+ VAT) / mies. B2B", 10_000, 15_000, "PLN", MO, S),
    ("od 12 000 zł brutto", 12_000, None, "PLN", Y, I),
    ("do 25 000 zł / mc", None, 25_000, "PLN", MO, S),
    ("120 - 150 zł/h netto", 120, 150, "PLN", H, S),
    ("8000 - 12000 PLN/month", 8_000, 12_000, "PLN", MO, S),
    ("18 000 – 24 000 PLN miesięcznie", 18_000, 24_000, "PLN", MO, S),
    # Switzerland
    ("CHF 120'000", 120_000, 120_000, "CHF", Y, I),
    ("CHF 120'000 - 140'000 p.a.", 120_000, 140_000, "CHF", Y, S),
    ("Fr. 100'000.– bis 120'000.–", 100_000, 120_000, "CHF", Y, I),
    ("CHF 110k - 130k", 110_000, 130_000, "CHF", Y, I),
    ("CHF 120’000 – 150’000", 120_000, 150_000, "CHF", Y, I),
    # Nordics
    ("45 000 kr/mån", 45_000, 45_000, "SEK", MO, S),
    ("45 000 - 55 000 SEK per månad", 45_000, 55_000, "SEK", MO, S),
    ("600 000 NOK per år", 600_000, 600_000, "NOK", Y, S),
    ("Månadslön 45 000 kr", 45_000, 45_000, "SEK", MO, S),
    ("Årslønn 650 000 kr", 650_000, 650_000, "NOK", Y, S),
    ("Timeløn 250 kr", 250, 250, "DKK", H, S),
    ("35 000 - 40 000 DKK pr. måned", 35_000, 40_000, "DKK", MO, S),
    ("45 000 kr", 45_000, 45_000, None, Y, I),
    # Netherlands
    ("€ 3.500 - € 4.500 bruto per maand", 3_500, 4_500, "EUR", MO, S),
    ("€4000 per maand", 4_000, 4_000, "EUR", MO, S),
    ("€ 50.000 - € 60.000 per jaar", 50_000, 60_000, "EUR", Y, S),
    ("tussen € 3.000 en € 4.000 per maand", 3_000, 4_000, "EUR", MO, S),
    ("€25 per uur", 25, 25, "EUR", H, S),
    ("€ 40,- per uur", 40, 40, "EUR", H, S),
    # Spanish and Portuguese
    ("30.000 - 40.000 € brutos al año", 30_000, 40_000, "EUR", Y, S),
    ("$25.000 - $30.000 MXN mensuales", 25_000, 30_000, "MXN", MO, S),
    ("Salario: $15,000 a $20,000 MXN al mes", 15_000, 20_000, "MXN", MO, S),
    ("R$ 8.000 a R$ 10.000 por mês", 8_000, 10_000, "BRL", MO, S),
    ("R$ 10 mil", 10_000, 10_000, "BRL", Y, I),
    ("Entre 2.000 y 2.500 € al mes", 2_000, 2_500, "EUR", MO, S),
    ("hasta 45.000 € anuales", None, 45_000, "EUR", Y, S),
    ("1.800 € / mes", 1_800, 1_800, "EUR", MO, S),
    ("€ 25.000 - 30.000 brutos/año", 25_000, 30_000, "EUR", Y, S),
    ("de 30.000 a 40.000 € al año", 30_000, 40_000, "EUR", Y, S),
    ("Mex$ 30,000", 30_000, 30_000, "MXN", Y, I),
    # United Kingdom
    ("£45,000 - £55,000 + benefits", 45_000, 55_000, "GBP", Y, I),
    ("£35k-£40k pro rata", 35_000, 40_000, "GBP", Y, I),
    ("£30 - £35 per hour", 30, 35, "GBP", H, S),
    ("£500/day inside IR35", 500, 500, "GBP", D, S),
    ("£400 - £500 per day (Outside IR35)", 400, 500, "GBP", D, S),
    ("£45k pa", 45_000, 45_000, "GBP", Y, S),
    ("£550pd", 550, 550, "GBP", D, S),
    ("Up to £60,000 + bonus + benefits", None, 60_000, "GBP", Y, I),
    ("£50,000 - £60,000 per annum", 50_000, 60_000, "GBP", Y, S),
    ("£50k - £60k p.a. + bonus", 50_000, 60_000, "GBP", Y, S),
    ("£28,000 - £32,000 DOE", 28_000, 32_000, "GBP", Y, I),
    ("£40k-£50k + 15% bonus", 40_000, 50_000, "GBP", Y, I),
    ("£2,500 pcm", 2_500, 2_500, "GBP", MO, S),
    # India
    ("12-18 LPA", 1_200_000, 1_800_000, "INR", Y, S),
    ("INR 10,00,000 - 15,00,000 per annum", 1_000_000, 1_500_000, "INR", Y, S),
    ("Rs. 50,000 per month", 50_000, 50_000, "INR", MO, S),
    ("₹ 8 - 12 Lakhs P.A.", 800_000, 1_200_000, "INR", Y, S),
    ("1.5 Cr - 2 Cr", 15_000_000, 20_000_000, "INR", Y, I),
    ("₹15,00,000 - ₹25,00,000", 1_500_000, 2_500_000, "INR", Y, I),
    ("10-15 lakhs per annum", 1_000_000, 1_500_000, "INR", Y, S),
    ("₹12 LPA", 1_200_000, 1_200_000, "INR", Y, S),
    # Hacker News "Who is hiring" lines and We Work Remotely descriptions
    ("$120-150K", 120_000, 150_000, "USD", Y, I),
    ("$150k+", 150_000, None, "USD", Y, I),
    ("$100k - $130k + equity", 100_000, 130_000, "USD", Y, I),
    ("$180k-$230k + equity", 180_000, 230_000, "USD", Y, I),
    ("€70–95k DOE, contractors ok", 70_000, 95_000, "EUR", Y, I),
    ("€70–90k + equity", 70_000, 90_000, "EUR", Y, I),
    ("120-160k USD", 120_000, 160_000, "USD", Y, I),
    ("$150k-$200k", 150_000, 200_000, "USD", Y, I),
    ("Salary: $140k–$170k.", 140_000, 170_000, "USD", Y, I),
    ("$95k-115k", 95_000, 115_000, "USD", Y, I),
    ("150K+", 150_000, None, None, Y, I),
    # Noise that is not an amount
    ("$100K OTE", 100_000, 100_000, "USD", Y, I),
    ("$80k base, $160k OTE", 80_000, 80_000, "USD", Y, I),
    ("$120,000 - $150,000 + 10% bonus", 120_000, 150_000, "USD", Y, I),
    ("5+ yrs experience, $120k-$140k", 120_000, 140_000, "USD", Y, I),
    ("$120k + 401(k) match", 120_000, 120_000, "USD", Y, I),
    ("$8,000 + annual bonus", 8_000, 8_000, "USD", None, I),
    ("$8,000/month + annual bonus", 8_000, 8_000, "USD", MO, S),
    ("401k, $80,000", 80_000, 80_000, "USD", Y, I),
    ("$90,000 - $110,000 (estimate)", 90_000, 110_000, "USD", Y, I),
    ("$45k–$60k per year, 3-5 years experience", 45_000, 60_000, "USD", Y, S),
    ("Level L5: $200k-$250k", 200_000, 250_000, "USD", Y, I),
    ("$150k+ equity", 150_000, 150_000, "USD", Y, I),
    ("USD 120K - 150K plus equity", 120_000, 150_000, "USD", Y, I),
    ("$120K-$150K+", 120_000, 150_000, "USD", Y, I),
    ("$60/hr ($124,800/yr)", 60, 60, "USD", H, S),
    ("€50k ($55k)", 50_000, 50_000, "EUR", Y, I),
    ("Competitive, up to $150k", None, 150_000, "USD", Y, I),
    ("€60,000 – €80,000 per year + 10% bonus", 60_000, 80_000, "EUR", Y, S),
    ("40 hours/week, $25/hour", 25, 25, "USD", H, S),
    # Other currencies and symbols
    ("AU$140,000 - AU$160,000 + super", 140_000, 160_000, "AUD", Y, I),
    ("NZ$90,000 - NZ$110,000", 90_000, 110_000, "NZD", Y, I),
    ("HK$50,000 - HK$70,000 per month", 50_000, 70_000, "HKD", MO, S),
    ("S$6,000 - S$8,000 monthly", 6_000, 8_000, "SGD", MO, S),
    ("SGD 6,000 - 8,000 per month", 6_000, 8_000, "SGD", MO, S),
    ("US$100,000", 100_000, 100_000, "USD", Y, I),
    ("USD 5,000 - 7,000 / month", 5_000, 7_000, "USD", MO, S),
    ("$25,000 - $30,000 MXN", 25_000, 30_000, "MXN", Y, I),
    ("$100,000-$120,000 CAD", 100_000, 120_000, "CAD", Y, I),
    ("C$80,000 - C$100,000", 80_000, 100_000, "CAD", Y, I),
    ("$120K–$150K USD", 120_000, 150_000, "USD", Y, I),
    ("IDR 15.000.000 - 20.000.000 / month", 15_000_000, 20_000_000, "IDR", MO, S),
    ("Rp 10.000.000", 10_000_000, 10_000_000, "IDR", Y, I),
    ("VND 25,000,000 - 35,000,000", 25_000_000, 35_000_000, "VND", Y, I),
    ("₫20.000.000 - ₫30.000.000/tháng", 20_000_000, 30_000_000, "VND", MO, S),
    ("ZAR 600 000 - 700 000 per annum", 600_000, 700_000, "ZAR", Y, S),
    ("R 45 000 per month", 45_000, 45_000, "ZAR", MO, S),
    ("AED 25,000 - 30,000 per month", 25_000, 30_000, "AED", MO, S),
    ("SAR 15,000 monthly", 15_000, 15_000, "SAR", MO, S),
    ("₦500,000 - ₦700,000 monthly", 500_000, 700_000, "NGN", MO, S),
    ("PHP 50,000 - 70,000 / month", 50_000, 70_000, "PHP", MO, S),
    ("₱40,000 - ₱60,000", 40_000, 60_000, "PHP", Y, I),
    ("MYR 5,000 - 7,000", 5_000, 7_000, "MYR", None, I),
    ("RM 5,000 - RM 7,000 per month", 5_000, 7_000, "MYR", MO, S),
    ("THB 50,000 - 80,000", 50_000, 80_000, "THB", Y, I),
    ("TRY 60.000 - 80.000", 60_000, 80_000, "TRY", Y, I),
    ("CZK 60 000 - 80 000 měsíčně", 60_000, 80_000, "CZK", MO, S),
    ("60 000 - 80 000 Kč", 60_000, 80_000, "CZK", Y, I),
    ("10.000 - 15.000 lei", 10_000, 15_000, "RON", Y, I),
    ("UAH 50 000", 50_000, 50_000, "UAH", Y, I),
    ("KES 150,000 per month", 150_000, 150_000, "KES", MO, S),
    ("EGP 20,000 - 30,000", 20_000, 30_000, "EGP", Y, I),
    ("COP 5.000.000 mensuales", 5_000_000, 5_000_000, "COP", MO, S),
    ("ARS 1.500.000 por mes", 1_500_000, 1_500_000, "ARS", MO, S),
    ("CLP 2.000.000 - 2.500.000", 2_000_000, 2_500_000, "CLP", Y, I),
    ("PKR 200,000 - 300,000 per month", 200_000, 300_000, "PKR", MO, S),
    ("₪25,000 - ₪30,000 per month", 25_000, 30_000, "ILS", MO, S),
    # Periods in words and abbreviations
    ("$12/hour to $15/hour", 12, 15, "USD", H, S),
    ("$4,000-$5,000/mo", 4_000, 5_000, "USD", MO, S),
    ("$2,500/wk", 2_500, 2_500, "USD", W, S),
    ("Hourly: $45 - $55", 45, 55, "USD", H, S),
    ("Annual salary: $100,000", 100_000, 100_000, "USD", Y, S),
    ("$40 per hour", 40, 40, "USD", H, S),
    ("USD 30 - 40 / hour", 30, 40, "USD", H, S),
    ("EUR 500-600/day", 500, 600, "EUR", D, S),
    ("€600 daily rate", 600, 600, "EUR", D, S),
    ("$500 per week", 500, 500, "USD", W, S),
    ("$30/h", 30, 30, "USD", H, S),
    ("50 €/h", 50, 50, "EUR", H, S),
    ("$3,500 USD monthly", 3_500, 3_500, "USD", MO, S),
    ("5k-7k USD/month", 5_000, 7_000, "USD", MO, S),
    ("USD 5k-7k monthly", 5_000, 7_000, "USD", MO, S),
    ("$10 - 15/hr", 10, 15, "USD", H, S),
    ("$10-$15 per hour DOE", 10, 15, "USD", H, S),
    ("$80,000-$100,000/year", 80_000, 100_000, "USD", Y, S),
    ("$100k annually", 100_000, 100_000, "USD", Y, S),
    ("$95,000 yearly", 95_000, 95_000, "USD", Y, S),
    ("$28 hourly", 28, 28, "USD", H, S),
    ("$1,500 weekly", 1_500, 1_500, "USD", W, S),
    ("€500 per diem", 500, 500, "EUR", D, S),
    ("€40k/a", 40_000, 40_000, "EUR", Y, S),
    # More of what boards print
    ("$100K-$120K/year + equity + benefits", 100_000, 120_000, "USD", Y, S),
    ("Salary range: $165,000 - $195,000 USD", 165_000, 195_000, "USD", Y, I),
    ("The base salary range for this role is $120,000 to $150,000.", 120_000, 150_000, "USD", Y, I),
    ("$55 - $65 per hour (W2)", 55, 65, "USD", H, S),
    ("$70/hr - $80/hr", 70, 80, "USD", H, S),
    ("$100 – 120k", 100_000, 120_000, "USD", Y, I),
    ("USD $80,000-$100,000", 80_000, 100_000, "USD", Y, I),
    ("85k-100k", 85_000, 100_000, None, Y, I),
    ("€60.000 - €70.000 brutto", 60_000, 70_000, "EUR", Y, I),
    ("60k - 70k €", 60_000, 70_000, "EUR", Y, I),
    ("Starting at $25/hr", 25, None, "USD", H, S),
    ("Min $50k", 50_000, None, "USD", Y, I),
    ("$50k minimum", 50_000, None, "USD", Y, I),
    ("$80k max", None, 80_000, "USD", Y, I),
    ("£80k-£90k + 10-15% bonus", 80_000, 90_000, "GBP", Y, I),
    ("$60K ~ $80K", 60_000, 80_000, "USD", Y, I),
    ("$60K-$80K a year (Indeed est.)", 60_000, 80_000, "USD", Y, S),
    ("Expected salary: ₹1,000,000.00 - ₹1,500,000.00 per year", 1_000_000, 1_500_000, "INR", Y, S),
    ("Salary: 3.5 - 5 LPA", 350_000, 500_000, "INR", Y, S),
    ("CTC: 12 LPA", 1_200_000, 1_200_000, "INR", Y, S),
    ("INR 15-20 Lakhs", 1_500_000, 2_000_000, "INR", Y, I),
    ("Rs 3.5 Lakh - 5 Lakh per annum", 350_000, 500_000, "INR", Y, S),
    ("8 to 12 LPA", 800_000, 1_200_000, "INR", Y, S),
    ("4 000 - 5 000 EUR", 4_000, 5_000, "EUR", None, I),
    ("4.000-5.000€ netto/Monat", 4_000, 5_000, "EUR", MO, S),
    ("60 - 70 k", 60_000, 70_000, None, Y, I),
    ("35.000€", 35_000, 35_000, "EUR", Y, I),
    ("CAD $90,000 - $110,000", 90_000, 110_000, "CAD", Y, I),
    ("90 000 $ - 110 000 $ par année", 90_000, 110_000, "USD", Y, S),
    ("A$120k-$140k + super", 120_000, 140_000, "AUD", Y, I),
    ("$120k-$140k AUD + super", 120_000, 140_000, "AUD", Y, I),
    ("6,000,000円～9,000,000円", 6_000_000, 9_000_000, "JPY", Y, I),
    ("600万円～", 6_000_000, None, "JPY", Y, I),
    ("年収 500万円 ~ 800万円", 5_000_000, 8_000_000, "JPY", Y, S),
    ("時給 1500円", 1_500, 1_500, "JPY", H, S),
    ("연봉 4,000만원 이상", 40_000_000, None, "KRW", Y, S),
    ("월급 300만원", 3_000_000, 3_000_000, "KRW", MO, S),
    ("R$ 4.500,00", 4_500, 4_500, "BRL", None, I),
    ("R$ 5 mil a R$ 7 mil", 5_000, 7_000, "BRL", Y, I),
    ("$15.000 - $20.000 MXN", 15_000, 20_000, "MXN", Y, I),
    ("€ 2.800,- tot € 3.900,-", 2_800, 3_900, "EUR", None, I),
    ("€3.500 - €5.000 bruto p/m", 3_500, 5_000, "EUR", MO, S),
    ("kr 600 000 - 700 000", 600_000, 700_000, None, Y, I),
    ("DKK 45.000 - 55.000 pr. md.", 45_000, 55_000, "DKK", MO, S),
    ("12 000 - 18 000 zł netto (B2B)", 12_000, 18_000, "PLN", Y, I),
    ("od 8 000 zł", 8_000, None, "PLN", None, I),
    ("8 000 – 12 000 zł brutto / miesiąc", 8_000, 12_000, "PLN", MO, S),
    ("CHF 100’000.- bis 120’000.-", 100_000, 120_000, "CHF", Y, I),
    ("CHF 8'000 - 10'000 pro Monat", 8_000, 10_000, "CHF", MO, S),
    ("$200K-$300K + equity (0.5%-1.0%)", 200_000, 300_000, "USD", Y, I),
    ("$150K - $200K ($175K median)", 150_000, 200_000, "USD", Y, I),
    ("$120k (base) + $30k (bonus)", 120_000, 120_000, "USD", Y, I),
    ("$80/hour or $160k/year", 80, 80, "USD", H, S),
    ("$90K p/a", 90_000, 90_000, "USD", Y, S),
    ("$1.125M", 1_125_000, 1_125_000, "USD", Y, I),
    ("$1,500K", 1_500_000, 1_500_000, "USD", Y, I),
    ("$112,000.00 - $168,000.00 USD Annual", 112_000, 168_000, "USD", Y, S),
    ("Annual Salary: $172,800 - $297,000 USD", 172_800, 297_000, "USD", Y, S),
    ("CAD 100,000 - 120,000 annually", 100_000, 120_000, "CAD", Y, S),
    ("80-100k€ brut/an", 80_000, 100_000, "EUR", Y, S),
    ("Salary: 45000-55000 EUR (gross)", 45_000, 55_000, "EUR", Y, I),
    ("₹15k - ₹25k per month", 15_000, 25_000, "INR", MO, S),
    ("Up to $1,500 a week", None, 1_500, "USD", W, S),
    (
        "Quillwork | Senior ML Engineer, Search | New York or REMOTE (US) | Full-time | $180k-$230k + equity | "
        "https://quillwork.example/jobs",
        180_000,
        230_000,
        "USD",
        Y,
        I,
    ),
    ("Remote (EU timezones +/- 3h) | €70–95k DOE, contractors ok", 70_000, 95_000, "EUR", Y, I),
    ("Model risk. Salary: EUR 70,000 – 85,000 gross/year.", 70_000, 85_000, "EUR", Y, S),
    ("£14.50 - £16.00 per hour", 14.5, 16, "GBP", H, S),
    ("Salary $85,000 – $95,000, 2 days in office", 85_000, 95_000, "USD", Y, I),
    ("From 4 000 EUR brutto", 4_000, None, "EUR", None, I),
    ("EUR55K-EUR70K", 55_000, 70_000, "EUR", Y, I),
    ("£60-70k", 60_000, 70_000, "GBP", Y, I),
    ("¥400万～¥600万", 4_000_000, 6_000_000, "JPY", Y, I),
    ("400-600万円", 4_000_000, 6_000_000, "JPY", Y, I),
    ("R$ 3.000,00 a R$ 4.000,00", 3_000, 4_000, "BRL", None, I),
    ("4 - 6 Lacs P.A.", 400_000, 600_000, "INR", Y, S),
    ("Rs. 25000 - 35000 /month", 25_000, 35_000, "INR", MO, S),
    ("Ft 800 000", 800_000, 800_000, "HUF", Y, I),
    ("800 000 Ft/hó", 800_000, 800_000, "HUF", MO, S),
    ("$120,000-$160,000/year + 0.05%-0.1% equity", 120_000, 160_000, "USD", Y, S),
    ("US$120k - US$150k", 120_000, 150_000, "USD", Y, I),
    ("£30ph", 30, 30, "GBP", H, S),
    ("$50/hour (1099)", 50, 50, "USD", H, S),
    ("$65-$75/hr W2", 65, 75, "USD", H, S),
    ("$60k base / $120k OTE", 60_000, 60_000, "USD", Y, I),
    ("12,5 €/h", 12.5, 12.5, "EUR", H, S),
    ("13.50€/hour", 13.5, 13.5, "EUR", H, S),
    ("$1,234.56", 1_234.56, 1_234.56, "USD", None, I),
    ("12.345,67 EUR", 12_345.67, 12_345.67, "EUR", Y, I),
    ("$15 - $20 per hour + tips", 15, 20, "USD", H, S),
    # Ranges worded out
    ("$120,000 to $140,000", 120_000, 140_000, "USD", Y, I),
    ("between $100k and $120k", 100_000, 120_000, "USD", Y, I),
    ("zwischen 50.000 und 60.000 €", 50_000, 60_000, "EUR", Y, I),
    ("von 50.000 bis 60.000 €", 50_000, 60_000, "EUR", Y, I),
    ("$1.2M - $1.5M", 1_200_000, 1_500_000, "USD", Y, I),
    ("150000 - 120000 USD", 150_000, 120_000, "USD", Y, I),
    # No currency, no period: kept as written
    ("$45-55", 45, 55, "USD", None, I),
    ("120-150", 120, 150, None, None, I),
    ("60000-80000", 60_000, 80_000, None, Y, I),
    ("$45.50", 45.5, 45.5, "USD", None, I),
    ("$15", 15, 15, "USD", None, I),
    ("1111111", 1_111_111, 1_111_111, None, Y, I),
    ("USD 999999999", 999_999_999, 999_999_999, "USD", Y, I),
    ("10000", 10_000, 10_000, None, None, I),
    ("10001", 10_001, 10_001, None, Y, I),
]
# A text that states no salary.
NO_SALARY = [
    "",
    "   ",
    "-1",
    "Competitive",
    "DOE",
    "Negotiable",
    "Competitive salary + benefits",
    "Salaire : Non spécifié",
    "Not disclosed",
    "Market rate",
    "0",
    "Competitive + 4-day week",
    "32-hour week, fully remote",
    "4-day week",
    "Salary: DOE",
    "Up to 20% bonus",
    "10% bonus",
    "Offers Equity",
    "5+ years experience",
    "3-5 years",
    "£",
    "401(k) match",
    "24/7 support, Level 2",
    "1.2.3",
    "1" * 10_000 + "!",
]


@pytest.mark.parametrize(("text", "low", "high", "currency", "period", "basis"), CASES, ids=[c[0] for c in CASES])
def test_parse_salary(
    text: str, low: float | None, high: float | None, currency: str | None, period: str | None, basis: str
) -> None:
    salary = parse_salary(text)
    assert salary is not None
    got = (salary.min, salary.max, salary.currency, salary.period, salary.period_basis)
    expected = (low, high, currency, Period(period) if period else None, PeriodBasis(basis))
    assert got == expected
    assert salary.raw == text
    assert salary.annual_usd_min is None and salary.annual_usd_max is None


@pytest.mark.parametrize("text", NO_SALARY, ids=[t[:40] or "<empty>" for t in NO_SALARY])
def test_texts_without_a_salary_give_none(text: str) -> None:
    assert parse_salary(text) is None


def test_none_gives_none() -> None:
    assert parse_salary(None) is None


@pytest.mark.parametrize(
    ("text", "default", "currency"),
    [
        ("$60,000–$75,000 a year", "CAD", "CAD"),  # a Canadian board's bare dollar
        ("$60,000–$75,000 a year", "EUR", "USD"),  # a default that is no dollar does not rename "$"
        ("45 000 kr/mån", "NOK", "SEK"),  # the text's own words win over the default
        ("45 000 kr", "NOK", "NOK"),
        ("45 000 kr", "EUR", None),  # "kr" says a krona; EUR cannot be it
        ("60.000 - 70.000 brutto/Jahr", "EUR", "EUR"),
        ("60.000 - 70.000 brutto/Jahr", None, None),
        ("USD 60K - 120K", "EUR", "USD"),
        ("¥300,000", "CNY", "CNY"),
        ("120-150", "usd", "USD"),
        ("120-150", "dollars", None),  # not an ISO code: ignored
    ],
    ids=lambda v: str(v),
)
def test_default_currency(text: str, default: str | None, currency: str | None) -> None:
    salary = parse_salary(text, default_currency=default)
    assert salary is not None
    assert salary.currency == currency


def test_result_is_the_shared_record() -> None:
    assert isinstance(parse_salary("USD 60K - 120K"), Salary)


def test_salary_beyond_the_head_is_not_read() -> None:
    assert parse_salary("x" * MAX_CHARS + " $100,000") is None
    assert parse_salary("$100,000 " + "x" * 2_000_000) is not None


@given(st.text(max_size=300))
@settings(max_examples=examples(400), deadline=None)
def test_parse_never_raises(text: str) -> None:
    result = parse_salary(text)
    assert result is None or isinstance(result, Salary)


_SALARYISH = st.text(
    alphabet="0123456789 .,'’-–~〜kKmML$€£¥₹/+%()аaperyearhourtobisdzuplnUSDEURup万円年収以上月給연봉만원zł",
    max_size=200,
)


@given(_SALARYISH)
@settings(max_examples=examples(400), deadline=None)
def test_parse_never_raises_on_salary_alphabet(text: str) -> None:
    result = parse_salary(text)
    if result is not None:
        assert result.min is not None or result.max is not None
        assert result.raw == text


@pytest.mark.parametrize(
    "text",
    [
        "1" * 1_000_000,
        "1 " * 500_000,
        "1," * 500_000,
        "$1-" * 250_000,
        "per " * 250_000,
        "1" * 10_000 + "!",
        "1 000" * 200_000,
        "€" * 1_000_000,
    ],
    ids=["digits", "spaced digits", "commas", "dashes", "per", "digits then bang", "grouped", "symbols"],
)
@pytest.mark.timeout(10)  # a catastrophic regex fails here instead of hanging; bench/normalize.py reports the time
def test_adversarial_megabyte_inputs_complete(text: str) -> None:
    parse_salary(text)


def test_docstring_examples() -> None:
    results = doctest.testmod(salary_module, optionflags=doctest.ELLIPSIS)
    assert results.attempted > 0
    assert results.failed == 0
