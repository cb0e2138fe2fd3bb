"""Free-text salaries ("USD 60K - 120K", "€45.000 brutto/Jahr", "年収600万円〜900万円") -> `Salary`.

Owns the reading of amounts, currencies and periods; pure, no I/O, no currency conversion (see currency.py)
and no judgement of plausibility (see scraper/validation/salary.py). Linear time: one regex tokenizer pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from models.enums import Period, PeriodBasis
from models.records import Salary

# A salary field is a line, not a document: reading only its head bounds the cost on hostile input
# (a 1 MB "salary" is a scraping accident) while every real board string fits many times over.
MAX_CHARS: Final = 1000
# Amounts with more integer digits than a float holds exactly are not amounts ("1" * 10000).
_MAX_DIGITS: Final = 15
# The inference rule: with no stated period, a K/M figure or one over 10,000 is yearly.
_YEARLY_ABOVE: Final = 10_000


def _words(text: str) -> frozenset[str]:
    """The space-separated words of a vocabulary line (tables below read better as prose than as lists)."""
    return frozenset(text.split())


Y, MO, W, D, H = Period.YEAR, Period.MONTH, Period.WEEK, Period.DAY, Period.HOUR

# Every separator here is a single character followed by digits, so the pattern cannot backtrack.
# A space groups thousands only before exactly three digits ("15 000 - 20 000", not "45 55").
_TOKEN: Final = re.compile(
    r"(?P<num>\d+(?:(?:[.,'’]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d+)*)"
    r"|(?P<cjk>[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<sym>\S)"
)

# ISO 4217 active codes.
ISO_CODES: Final = _words(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD
    CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD
    HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"""
)
# Codes that are also ordinary words ("ALL remote", "TOP pay", "PHP developer") count only beside an amount.
_WORDLIKE_CODES: Final = _words("ALL TOP CUP MAD TRY PEN MOP PHP BOB SOS GEL RON BAM AMD DOP LAK FJD")
# Lower-case codes people type ("120k usd"); the rest must be upper case to be a code.
_LOWER_CODES: Final = _words(
    "usd eur gbp chf cad aud nzd sek nok dkk pln jpy cny inr brl mxn sgd hkd zar czk huf ils aed"
)

# Families of currencies that share a symbol: a code elsewhere in the text, the caller's default or the
# language of the text decides; otherwise the family's usual reading (None where there is none).
_DOLLAR, _KRONA, _YEN, _RUPEE, _PESO = "dollar", "krona", "yen", "rupee", "peso"
_FAMILIES: Final[dict[str, tuple[frozenset[str], str | None]]] = {
    _DOLLAR: (
        _words("USD CAD AUD NZD SGD HKD TWD MXN BRL ARS CLP COP JMD TTD BSD BBD BZD NAD FJD LRD SRD GYD XCD"),
        "USD",
    ),
    _KRONA: (_words("SEK NOK DKK ISK"), None),
    _YEN: (_words("JPY CNY"), "JPY"),
    _RUPEE: (_words("INR PKR LKR NPR MUR SCR"), "INR"),
    _PESO: (_words("MXN ARS CLP COP UYU DOP CUP PHP"), None),
}
# "kr" alone does not say which krona; these words of the text do.
_NORDIC_HINTS: Final[dict[str, str]] = {
    **dict.fromkeys(_words("kronor mån månad månaden månadslön årslön timlön timme timmen vecka veckan lön"), "SEK"),
    **dict.fromkeys(_words("lønn årslønn månedslønn timelønn mnd uke uken"), "NOK"),
    **dict.fromkeys(_words("løn årsløn månedsløn timeløn uge ugen md"), "DKK"),
    "krónur": "ISK",
}
# "¥" is the yen and the yuan; 薪 (pay, in 月薪/年薪) and 币 (人民币) are Chinese, not Japanese.
_CURRENCY_HINTS: Final[dict[str, str]] = {**_NORDIC_HINTS, "薪": "CNY", "币": "CNY"}

# Strength: 3 an ISO code, 2 a symbol or word of one currency, 1 a symbol several currencies share.
_SYMBOLS: Final[dict[str, tuple[str, int, str | None]]] = {
    "$": ("USD", 1, _DOLLAR),
    "€": ("EUR", 2, None),
    "£": ("GBP", 2, None),
    "¥": ("JPY", 1, _YEN),
    "￥": ("JPY", 1, _YEN),
    "₹": ("INR", 2, None),
    "₨": ("INR", 1, _RUPEE),
    "₩": ("KRW", 2, None),
    "₽": ("RUB", 2, None),
    "₺": ("TRY", 2, None),
    "₪": ("ILS", 2, None),
    "₱": ("PHP", 2, None),
    "₫": ("VND", 2, None),
    "₦": ("NGN", 2, None),
    "₴": ("UAH", 2, None),
    "₸": ("KZT", 2, None),
    "₡": ("CRC", 2, None),
    "₲": ("PYG", 2, None),
    "₵": ("GHS", 2, None),
    "₭": ("LAK", 2, None),
    "฿": ("THB", 2, None),
    "₼": ("AZN", 2, None),
    "₾": ("GEL", 2, None),
    "৳": ("BDT", 2, None),
    "円": ("JPY", 2, None),
    "元": ("CNY", 2, None),
    "원": ("KRW", 2, None),
}
# Letters written against a "$": "US$", "CA$", "A$", "R$", "HK$", "NT$", "MX$".
_DOLLAR_PREFIXES: Final[dict[str, str]] = {
    "us": "USD", "usd": "USD", "u": "USD",
    "ca": "CAD", "c": "CAD", "cad": "CAD", "can": "CAD",
    "a": "AUD", "au": "AUD", "aud": "AUD",
    "nz": "NZD", "nzd": "NZD",
    "hk": "HKD", "hkd": "HKD",
    "s": "SGD", "sg": "SGD", "sgd": "SGD",
    "nt": "TWD",
    "mx": "MXN", "mex": "MXN", "mxn": "MXN",
    "r": "BRL",
    "rd": "DOP",
    "j": "JMD",
    "tt": "TTD",
    "n": "NAD",
}  # fmt: skip
# Currency words (lower case): code, strength, family, whether they count only beside an amount.
_CURRENCY_WORDS: Final[dict[str, tuple[str, int, str | None, bool]]] = {
    "rmb": ("CNY", 3, None, False),
    "nis": ("ILS", 3, None, False),
    "ntd": ("TWD", 3, None, False),
    "euro": ("EUR", 2, None, False),
    "euros": ("EUR", 2, None, False),
    "dollar": ("USD", 1, _DOLLAR, False),
    "dollars": ("USD", 1, _DOLLAR, False),
    "pound": ("GBP", 2, None, True),
    "pounds": ("GBP", 2, None, False),
    "rs": ("INR", 1, _RUPEE, False),
    "rupee": ("INR", 1, _RUPEE, False),
    "rupees": ("INR", 1, _RUPEE, False),
    "yen": ("JPY", 2, None, False),
    "yuan": ("CNY", 2, None, False),
    "renminbi": ("CNY", 2, None, False),
    "kr": ("SEK", 1, _KRONA, False),
    "kronor": ("SEK", 2, None, False),
    "kroner": ("NOK", 1, _KRONA, False),
    "sfr": ("CHF", 2, None, False),
    "fr": ("CHF", 2, None, True),
    "franken": ("CHF", 2, None, False),
    "zł": ("PLN", 2, None, False),
    "zl": ("PLN", 2, None, True),
    "złotych": ("PLN", 2, None, False),
    "zlotych": ("PLN", 2, None, False),
    "złoty": ("PLN", 2, None, False),
    "kč": ("CZK", 2, None, False),
    "ft": ("HUF", 2, None, True),
    "forint": ("HUF", 2, None, False),
    "lei": ("RON", 2, None, True),
    "лв": ("BGN", 2, None, False),
    "руб": ("RUB", 2, None, False),
    "грн": ("UAH", 2, None, False),
    "tl": ("TRY", 2, None, True),
    "lira": ("TRY", 2, None, True),
    "ksh": ("KES", 2, None, False),
    "kshs": ("KES", 2, None, False),
    "rp": ("IDR", 2, None, True),
    "rupiah": ("IDR", 2, None, False),
    "rm": ("MYR", 2, None, True),
    "ringgit": ("MYR", 2, None, False),
    "r": ("ZAR", 2, None, True),
    "rand": ("ZAR", 2, None, True),
    "reais": ("BRL", 2, None, False),
    "pesos": ("MXN", 1, _PESO, False),
    "dhs": ("AED", 2, None, False),
    "dirham": ("AED", 2, None, False),
    "dirhams": ("AED", 2, None, False),
    "sr": ("SAR", 2, None, True),
    "riyal": ("SAR", 2, None, True),
    "riyals": ("SAR", 2, None, True),
    "naira": ("NGN", 2, None, False),
    "shekel": ("ILS", 2, None, False),
    "shekels": ("ILS", 2, None, False),
    "baht": ("THB", 2, None, False),
    "won": ("KRW", 2, None, True),
    "vnđ": ("VND", 3, None, False),
    "đ": ("VND", 2, None, True),
    "dong": ("VND", 2, None, True),
}

# Multipliers written after a number; lakh and crore also say the currency is INR.
_MULTIPLIERS: Final[dict[str, float]] = {
    "k": 1e3, "tsd": 1e3, "tausend": 1e3, "thousand": 1e3, "mil": 1e3, "千": 1e3, "천": 1e3,
    "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "mln": 1e6, "million": 1e6, "millions": 1e6,
    "millionen": 1e6, "millones": 1e6, "millón": 1e6, "milhões": 1e6, "milhão": 1e6, "miljoen": 1e6,
    "miljon": 1e6, "miljoner": 1e6,
    "l": 1e5, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "lpa": 1e5,
    "cr": 1e7, "crore": 1e7, "crores": 1e7,
    "万": 1e4, "萬": 1e4, "만": 1e4, "億": 1e8, "亿": 1e8, "억": 1e8,
}  # fmt: skip
_INDIAN_MULTIPLIERS: Final = _words("l lakh lakhs lac lacs lpa cr crore crores")
# "120kEUR", "60TEUR": a thousands prefix glued to a code.
_GLUED_THOUSANDS: Final = frozenset("kt")

# Words that are a period by themselves ("annually", "Jahresgehalt", "TJM", "年収").
_PERIOD_WORDS: Final[dict[str, Period]] = {
    **dict.fromkeys(
        _words(
            "annually annual yearly annum jährlich jaehrlich jahresgehalt jahresbrutto bruttojahresgehalt "
            "jahresbruttogehalt jahreszielgehalt jahresfixgehalt annuel annuelle annuels annuelles anual anuales "
            "anuais jaarlijks jaarsalaris jaarinkomen årligen årlig årlige årslön årsløn årslønn rocznie roczne "
            "roczny lpa jaarbasis ročně rocne"
        ),
        Y,
    ),
    **dict.fromkeys(
        _words(
            "monthly monatlich monatsgehalt bruttomonatsgehalt monatsbrutto mensuel mensuelle mensuels mensual "
            "mensuales mensal mensais mensile maandelijks maandsalaris maandloon månadslön månedsløn månedslønn "
            "månatlig månedlig månedligt miesięcznie miesiecznie pcm maandbasis měsíčně mesicne"
        ),
        MO,
    ),
    **dict.fromkeys(_words("weekly wöchentlich woechentlich hebdomadaire semanal wekelijks weekloon"), W),
    **dict.fromkeys(
        _words(
            "daily täglich taeglich tagessatz tagesrate journalier journalière tjm diario diaria diária diaria "
            "dagelijks dagtarief dagloon dagpris dagsats dzienna dniówka dagbasis"
        ),
        D,
    ),
    **dict.fromkeys(
        _words(
            "hourly stündlich stuendlich stundenlohn stundensatz horaire uurtarief uurloon timlön timeløn "
            "timelønn godzinowa godzinowo godzinowe uurbasis"
        ),
        H,
    ),
}
# Abbreviations that are a period only right after an amount ("£45k pa", "£500pd", "£30 ph").
_ADJACENT_PERIODS: Final[dict[str, Period]] = {"pa": Y, "pcm": MO, "pw": W, "pd": D, "ph": H}
# Units that need a preposition or slash before them ("per year", "a month", "/h", "pro Jahr", "par an").
_UNITS: Final[dict[str, Period]] = {
    **dict.fromkeys(
        _words(
            "year years yr yrs annum jahr jahre jahren an année annee ans año años ano anos anno jaar jaren år året "
            "åren rok roku lat yıl năm 年 년"
        ),
        Y,
    ),
    **dict.fromkeys(
        _words(
            "month months mo mos mth mths monat monate monaten mois mes meses mês maand maanden månad månaden "
            "månader måned måneden måneder mån mnd md mies miesiąc miesiac miesiące miesięcy mc tháng hó 月 월"
        ),
        MO,
    ),
    **dict.fromkeys(
        _words(
            "week weeks wk wks woche wochen semaine semaines semana semanas weken vecka veckan veckor uke uken "
            "uker uge ugen uger tydzień tydzien tyg 週 주"
        ),
        W,
    ),
    **dict.fromkeys(
        _words("day days tag tage tagen jour jours día dia días dias dag dagen dagar dage dzień dzien dni diem 日 일"),
        D,
    ),
    **dict.fromkeys(
        _words(
            "hour hours hr hrs std stunde stunden heure heures hora horas uur uren timme timmen timmar time timen "
            "timer godz godzinę godzine godzina godzin giờ hodinu 時間 时 小时 시간"
        ),
        H,
    ),
}
# One-letter units only ever follow a slash ("/h", "/m", "€/a", "kr/t").
_SLASH_UNITS: Final[dict[str, Period]] = {"h": H, "t": H, "d": D, "w": W, "m": MO, "y": Y, "a": Y, "j": Y}
_PREFIXES: Final = _words("/ per pr a an each every pro je im par la l ' ’ por al el ao à om i na za w op in")
# Words that may sit between a preposition and its unit ("brutto/Jahr", "pr. måned", "per calendar month").
_PASSABLE: Final = _words("brutto gross netto bruto brut net . calendar")

# Range words. A word connector before any amount means "up to" ("bis 60.000 €", "hasta $2,000").
_DASHES: Final = frozenset("-–—‒―−~〜～")
_WAVE_DASHES: Final = frozenset("〜～")
_RANGE_WORDS: Final = _words("to bis à a até ate tot till til do hasta au")
_AND_WORDS: Final = _words("and und et y e en och og")
_BETWEEN_WORDS: Final = _words("between zwischen entre tussen mellan mellom mellem pomiędzy między")
_UPTO_WORDS: Final = _words("upto max maximum maximal höchstens inntil")
_FROM_WORDS: Final = _words("from ab starting dès desde vanaf min minimum mindestens od fra från")
# After "$150k+", these say "plus something else", not "150k or more".
_EXTRAS: Final = _words(
    "equity bonus bonuses benefits commission commissions stock stocks options rsu rsus ote super "
    "superannuation shares incentive incentives allowance allowances tips overtime perks vat mwst"
)

# Multi-token phrases, as lower-cased token texts.
_PHRASES: Final[dict[tuple[str, ...], tuple[str, Period | None]]] = {
    ("up", "to"): ("upto", None),
    ("up", "-", "to"): ("upto", None),
    ("up", "till"): ("upto", None),
    ("bis", "zu"): ("upto", None),
    ("jusqu", "'", "à"): ("upto", None),
    ("jusqu", "’", "à"): ("upto", None),
    ("jusqu", "'", "a"): ("upto", None),
    ("op", "til"): ("upto", None),
    ("upp", "till"): ("upto", None),
    ("less", "than"): ("upto", None),
    ("at", "least"): ("from", None),
    ("à", "partir", "de"): ("from", None),
    ("a", "partir", "de"): ("from", None),
    ("à", "partir", "d"): ("from", None),
    ("starting", "at"): ("from", None),
    ("starting", "from"): ("from", None),
    ("starts", "at"): ("from", None),
    ("p", ".", "a", "."): ("period", Y),
    ("p", ".", "a"): ("period", Y),
    ("p", ".", "h", "."): ("period", H),
    ("p", ".", "d", "."): ("period", D),
    ("day", "rate"): ("period", D),
    ("hourly", "rate"): ("period", H),
    ("年", "収"): ("period", Y),
    ("年", "俸"): ("period", Y),
    ("年", "薪"): ("period", Y),
    ("月", "給"): ("period", MO),
    ("月", "収"): ("period", MO),
    ("月", "薪"): ("period", MO),
    ("時", "給"): ("period", H),
    ("时", "薪"): ("period", H),
    ("日", "給"): ("period", D),
    ("以", "上"): ("plus", None),
    ("이", "상"): ("plus", None),
    ("연", "봉"): ("period", Y),
    ("월", "급"): ("period", MO),
    ("시", "급"): ("period", H),
    ("일", "급"): ("period", D),
}
_PHRASE_HEADS: Final = frozenset(key[0] for key in _PHRASES)
# A number right after these labels is a rank, not pay ("Level 2", "Band 5", "Zone B 3").
_LABELS: Final = _words("level lvl grade band tier step zone stage ic version v")
_NO_SALARY: Final = frozenset({"-1", "-1.0", "-1.00"})

# Token kinds.
_NUM, _MULT, _CUR, _PERIOD, _UNIT, _CONN, _AND, _BETWEEN, _UPTO, _FROM, _PLUS, _PCT, _EXTRA, _OTHER = range(14)


@dataclass(slots=True)
class _Tok:
    kind: int
    text: str
    start: int
    end: int
    value: float = 0.0
    period: Period | None = None
    code: str | None = None
    strength: int = 0
    family: str | None = None
    noise: bool = False
    indian: bool = False


@dataclass(slots=True)
class _Item:
    value: float
    mult: float | None
    mult_period: Period | None
    indian: bool
    curs: list[_Tok]
    period: Period | None
    noise: bool
    plus: bool = False


@dataclass(slots=True)
class _Group:
    low: _Item
    high: _Item | None
    shape: str  # "single", "range", "upto", "from"
    curs: list[_Tok] = field(default_factory=list)


def parse_salary(text: str | None, *, default_currency: str | None = None) -> Salary | None:
    """The salary a text states, or None when it states none ("Competitive", "DOE", "", "-1").

    Bounds keep the stated order; a single figure is both bounds, "up to" leaves `min` None and
    "from"/"X+" leaves `max` None. `currency` is the ISO code the text names (a bare "$" is USD unless
    `default_currency` is another dollar; "kr" needs the text or the default to say which krona);
    `default_currency` (an ISO code) also applies when the text names none. With no stated period, K/M
    figures and amounts over 10,000 are yearly, other amounts keep period None; either way the basis
    is `inferred`, since nothing was stated.

    >>> s = parse_salary("USD 60K - 120K")
    >>> (s.min, s.max, s.currency, s.period.value, s.period_basis.value)
    (60000.0, 120000.0, 'USD', 'year', 'inferred')
    >>> s = parse_salary("€45.000 brutto/Jahr")
    >>> (s.min, s.max, s.currency, s.period.value, s.period_basis.value)
    (45000.0, 45000.0, 'EUR', 'year', 'stated')
    >>> s = parse_salary("Up to $25/hr")
    >>> (s.min, s.max, s.period.value)
    (None, 25.0, 'hour')
    >>> s = parse_salary("15 000 - 20 000 zł brutto / mies.")
    >>> (s.min, s.max, s.currency, s.period.value)
    (15000.0, 20000.0, 'PLN', 'month')
    >>> parse_salary("$45-55").period is None
    True
    >>> parse_salary("Competitive") is None
    True
    """
    if not isinstance(text, str):
        return None
    if default_currency is not None:
        default_currency = default_currency.strip().upper()
        if default_currency not in ISO_CODES:
            default_currency = None
    head = text[:MAX_CHARS]
    if head.strip() in _NO_SALARY:
        return None
    tokens, hints = _classify(head)
    group = _choose(_groups(tokens))
    if group is None:
        return None
    return _salary(group, tokens, hints, text, default_currency)


# --- numbers -------------------------------------------------------------------------------------


def _number(raw: str, scale: float) -> float | None:
    """A printed number's value, reading "60.000", "60,000", "120'000", "1.234,56", "12,00,000", "45.50".

    A lone separator before three digits groups thousands, except before a million ("$1.125M");
    `scale` is the multiplier that follows (1 for none).
    """
    digits: list[str] = []
    seps: list[str] = []
    for ch in raw:
        if ch.isdigit():
            digits.append(ch)
        else:
            seps.append(ch)
            digits.append("|")
    groups = "".join(digits).split("|")
    if not seps:
        return _bounded(groups[0], "")
    marks = [s for s in seps if s in ".,"]
    if not marks:  # spaces and apostrophes only ever group thousands
        return _bounded("".join(groups), "")
    decimal_mark: str | None = None
    if len(set(marks)) == 2:
        decimal_mark = seps[-1]
        if decimal_mark not in ".," or marks.count(decimal_mark) != 1:
            return None
    elif len(marks) == 1 and seps[-1] in ".,":
        last, first = groups[-1], groups[-2]
        if scale >= 1e6 or len(last) != 3 or len(first) > 3:
            decimal_mark = seps[-1]
    elif seps[-1] in ".," and len(groups[-1]) != 3:
        return None  # "1.2.3" is a version, not an amount
    if decimal_mark is None:
        return _bounded("".join(groups), "")
    return _bounded("".join(groups[:-1]), groups[-1])


def _bounded(integer: str, fraction: str) -> float | None:
    integer = integer.lstrip("0")
    if len(integer) > _MAX_DIGITS:
        return None
    whole = int(integer) if integer else 0
    if not fraction:
        return float(whole)
    return float(f"{whole}.{int(fraction):0{len(fraction)}d}")


# --- tokens --------------------------------------------------------------------------------------


def _classify(text: str) -> tuple[list[_Tok], set[str]]:
    """Tokens with meaning: amounts, multipliers, currencies, periods, range words; plus Nordic hints."""
    raw = [(m.lastgroup or "sym", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    lows = [r[1].lower() for r in raw]
    out: list[_Tok] = []
    hints = {_CURRENCY_HINTS[low] for low in lows if low in _CURRENCY_HINTS}
    n = len(raw)
    i = 0
    while i < n:
        kind, txt, start, end = raw[i]
        low = lows[i]
        prev = out[-1] if out else None
        attached_prev = i > 0 and raw[i - 1][3] == start
        attached_next = i + 1 < n and raw[i + 1][2] == end
        if kind == "num":
            i = _classify_number(raw, lows, i, out)
            continue
        if low in _PHRASE_HEADS:
            matched = _phrase(lows, i)
            if matched is not None:
                length, (role, period) = matched
                last_end = raw[i + length - 1][3]
                role_kind = {"upto": _UPTO, "from": _FROM, "period": _PERIOD, "plus": _PLUS}[role]
                out.append(_Tok(role_kind, txt, start, last_end, period=period))
                i += length
                continue
        if low in _MULTIPLIERS and prev is not None and prev.kind == _NUM and not prev.noise:
            period = Y if low == "lpa" else None
            out.append(
                _Tok(_MULT, txt, start, end, value=_MULTIPLIERS[low], period=period, indian=low in _INDIAN_MULTIPLIERS)
            )
            i = _skip_dot(raw, i + 1)
            continue
        if low in _PREFIXES:
            found = _prefixed_unit(raw, lows, i)
            if found is not None:
                j, period = found
                out.append(_Tok(_PERIOD, txt, start, raw[j][3], period=period))
                i = _skip_dot(raw, j + 1)
                continue
        after_amount = prev is not None and prev.kind in (_NUM, _MULT, _CUR) and not prev.noise
        if kind == "word" and attached_next and raw[i + 1][1] == "$" and low in _DOLLAR_PREFIXES:
            out.append(_Tok(_CUR, txt, start, raw[i + 1][3], code=_DOLLAR_PREFIXES[low], strength=2))
            i += 2
            continue
        if prev is not None and prev.kind == _NUM and not prev.noise and _glued_code(low) is not None:
            code = _glued_code(low) or ""
            out.append(_Tok(_MULT, txt[:1], start, start + 1, value=1e3))
            out.append(_Tok(_CUR, code, start + 1, end, code=code, strength=3))
            i += 1
            continue
        before_number = i + 1 < n and (
            raw[i + 1][0] == "num" or (raw[i + 1][1] == "." and i + 2 < n and raw[i + 2][0] == "num")
        )
        currency = _currency(kind, txt, low, after_amount, before_number)
        if currency is not None:
            currency.start, currency.end = start, end
            out.append(currency)
            i = _skip_dot(raw, i + 1)
            continue
        if low in _PERIOD_WORDS:
            out.append(_Tok(_PERIOD, txt, start, end, period=_PERIOD_WORDS[low]))
        elif low in _ADJACENT_PERIODS and after_amount:
            out.append(_Tok(_PERIOD, txt, start, end, period=_ADJACENT_PERIODS[low]))
        elif low in _UNITS:
            out.append(_Tok(_UNIT, txt, start, end, period=_UNITS[low]))
            i = _skip_dot(raw, i + 1)
            continue
        elif low in _DASHES or low in _RANGE_WORDS:
            out.append(_Tok(_CONN, txt, start, end))
        elif low in _AND_WORDS:
            out.append(_Tok(_AND, txt, start, end))
        elif low in _BETWEEN_WORDS:
            out.append(_Tok(_BETWEEN, txt, start, end))
        elif low in _UPTO_WORDS:
            out.append(_Tok(_UPTO, txt, start, end))
            i = _skip_dot(raw, i + 1)
            continue
        elif low in _FROM_WORDS:
            out.append(_Tok(_FROM, txt, start, end))
            i = _skip_dot(raw, i + 1)
            continue
        elif low == "+":
            out.append(_Tok(_PLUS, txt, start, end, noise=not attached_prev))
        elif low in ("%", "٪", "％"):
            out.append(_Tok(_PCT, txt, start, end))
        elif low in _EXTRAS:
            out.append(_Tok(_EXTRA, txt, start, end))
        else:
            out.append(_Tok(_OTHER, txt, start, end))
        i += 1
    return out, hints


def _classify_number(raw: list[tuple[str, str, int, int]], lows: list[str], i: int, out: list[_Tok]) -> int:
    """Append the amount at raw[i] (and what is glued to it); return the next raw index."""
    n = len(raw)
    _, txt, start, end = raw[i]
    nxt = i + 1
    scale = _MULTIPLIERS.get(lows[nxt], 1.0) if nxt < n and raw[nxt][0] in ("word", "cjk") else 1.0
    value = _number(txt, scale)
    noise = value is None
    # A number glued to letters is part of a word ("L5", "Q4", "IR35", "B2B"), unless they name a currency.
    if i > 0 and raw[i - 1][3] == start and raw[i - 1][0] == "word":
        prev = out[-1] if out else None
        noise = noise or prev is None or prev.kind != _CUR
    # "24/7", "9/80", "12/2026": a ratio or a date, not pay.
    if nxt + 1 < n and lows[nxt] == "/" and raw[nxt + 1][0] == "num" and raw[nxt][2] == end:
        noise = True
    if i > 1 and lows[i - 1] == "/" and raw[i - 2][0] == "num" and raw[i - 1][2] == raw[i - 2][3]:
        noise = True
    if i > 0 and lows[i - 1] in _LABELS:
        noise = True
    # 401(k), 403(b) and 401k are retirement plans, not amounts.
    if txt in ("401", "403", "457") and nxt < n and lows[nxt] in ("k", "(", "b"):
        noise = True
    out.append(_Tok(_NUM, txt, start, end, value=value or 0.0, noise=noise))
    # "45.000,-" and "120'000.-": a German/Swiss way to say "no cents".
    if nxt + 1 < n and lows[nxt] in (",", ".") and lows[nxt + 1] in ("-", "–", "—") and raw[nxt][2] == end:
        return nxt + 2
    if nxt < n and raw[nxt][2] == end and raw[nxt][0] == "word":
        low = lows[nxt]
        glued = _glued_code(low)
        if glued is not None:
            out.append(_Tok(_MULT, raw[nxt][1][:1], raw[nxt][2], raw[nxt][2] + 1, value=1e3))
            out.append(_Tok(_CUR, glued, raw[nxt][2] + 1, raw[nxt][3], code=glued, strength=3))
            return _skip_dot(raw, nxt + 1)
        known = (
            low in _MULTIPLIERS
            or low in _UNITS
            or low in _PERIOD_WORDS
            or low in _ADJACENT_PERIODS
            or low in _CURRENCY_WORDS
            or raw[nxt][1].upper() in ISO_CODES
        )
        if not known:
            out[-1].noise = True  # "2nd", "10x", "24h", "3D"
            return nxt + 1
    return nxt


def _glued_code(low: str) -> str | None:
    """The code in "kEUR", "TEUR", "kusd" (thousands of that currency), else None."""
    if len(low) == 4 and low[0] in _GLUED_THOUSANDS and low[1:] in _LOWER_CODES:
        return low[1:].upper()
    return None


def _phrase(lows: list[str], i: int) -> tuple[int, tuple[str, Period | None]] | None:
    for length in (4, 3, 2):
        if i + length > len(lows):
            continue
        found = _PHRASES.get(tuple(lows[i : i + length]))
        if found is not None:
            return length, found
    return None


def _prefixed_unit(raw: list[tuple[str, str, int, int]], lows: list[str], i: int) -> tuple[int, Period] | None:
    """The index and period of a unit after prepositions at raw[i] ("per year", "à l'heure", "/ mies.")."""
    for j in range(i + 1, min(i + 4, len(raw))):
        low = lows[j]
        if raw[j][0] == "num":
            return None
        if low in _UNITS:
            return j, _UNITS[low]
        if lows[j - 1] == "/" and low in _SLASH_UNITS:
            return j, _SLASH_UNITS[low]
        if low not in _PREFIXES and low not in _PASSABLE:
            return None
    return None


def _skip_dot(raw: list[tuple[str, str, int, int]], j: int) -> int:
    """Skip an abbreviation's dot ("Mio.", "Rs.", "mies.", "Std.")."""
    if j < len(raw) and raw[j][1] == "." and raw[j][2] == raw[j - 1][3]:
        return j + 1
    return j


def _currency(kind: str, txt: str, low: str, after_amount: bool, before_number: bool) -> _Tok | None:
    if kind in ("sym", "cjk") and txt in _SYMBOLS:
        code, strength, family = _SYMBOLS[txt]
        return _Tok(_CUR, txt, 0, 0, code=code, strength=strength, family=family)
    if kind != "word":
        return None
    upper = txt.upper()
    if upper in ISO_CODES and (txt.isupper() or low in _LOWER_CODES):
        if upper in _WORDLIKE_CODES and not (after_amount or before_number):
            return None
        return _Tok(_CUR, txt, 0, 0, code=upper, strength=3)
    if low in _CURRENCY_WORDS:
        code, strength, family, needs_amount = _CURRENCY_WORDS[low]
        if needs_amount and not (after_amount or before_number):
            return None
        if low in ("r", "sr", "rm", "tl", "ft") and not txt.isupper() and not txt[0].isupper():
            return None  # "r", "rm" in lower case are words, not currencies
        return _Tok(_CUR, txt, 0, 0, code=code, strength=strength, family=family)
    return None


# --- groups --------------------------------------------------------------------------------------


def _item(toks: list[_Tok], i: int) -> tuple[_Item, int] | None:
    """An amount with its currencies, multiplier and period: "$150,000.00/yr", "45 000 €", "₹20L"."""
    n = len(toks)
    curs: list[_Tok] = []
    while i < n and toks[i].kind == _CUR:
        curs.append(toks[i])
        i += 1
    if i >= n or toks[i].kind != _NUM:
        return None
    num = toks[i]
    i += 1
    mult: _Tok | None = None
    if i < n and toks[i].kind == _MULT:
        mult = toks[i]
        i += 1
    while i < n and toks[i].kind == _CUR:
        curs.append(toks[i])
        i += 1
    item = _Item(num.value, mult.value if mult else None, mult.period if mult else None, bool(mult and mult.indian),
                 curs, None, num.noise)  # fmt: skip
    if i < n and toks[i].kind == _PLUS and not toks[i].noise:
        i += 1
        if i < n and toks[i].kind == _UNIT:  # "5+ yrs"
            item.noise = True
            return item, i + 1
        item.plus = not (i < n and toks[i].kind == _EXTRA)
    if i < n and toks[i].kind == _PCT:
        item.noise = True
        return item, i + 1
    if i < n and toks[i].kind == _PERIOD:
        item.period = toks[i].period
        i += 1
    elif i < n and toks[i].kind == _UNIT:
        # "$50 hour" names a period; "6 months", "3-5 years" or "40 hours" is a duration, not pay.
        if curs or mult:
            item.period = toks[i].period
        else:
            item.noise = True
        i += 1
    while i < n and toks[i].kind == _CUR:
        curs.append(toks[i])
        i += 1
    return item, i


def _groups(toks: list[_Tok]) -> list[_Group]:
    groups: list[_Group] = []
    n = len(toks)
    i = 0
    seen_amount = False
    while i < n:
        kind = toks[i].kind
        if kind not in (_NUM, _CUR):
            i += 1
            continue
        parsed = _item(toks, i)
        if parsed is None:
            i += 1
            continue
        low, j = parsed
        before = toks[i - 1] if i > 0 else None
        between = before is not None and before.kind == _BETWEEN
        if low.noise:
            groups.append(_Group(low, None, "noise"))
            seen_amount = True
            i = j
            continue
        if j < n and not low.plus and (toks[j].kind == _CONN or (toks[j].kind == _AND and between)):
            right = _item(toks, j + 1)
            if right is not None:
                high, k = right
                if not high.noise:
                    _share_multiplier(low, high)
                    groups.append(_Group(low, high, "range", low.curs + high.curs))
                    seen_amount = True
                    i = k
                    continue
                if not (low.curs or low.mult or low.period):  # "3-5 years", "10-15%"
                    groups.append(_Group(low, None, "noise"))
                    seen_amount = True
                    i = k
                    continue
        shape = _single_shape(low, before, toks[j] if j < n else None, seen_amount)
        groups.append(_Group(low, None, shape, list(low.curs)))
        seen_amount = True
        i = j
    return groups


def _single_shape(low: _Item, before: _Tok | None, after: _Tok | None, seen_amount: bool) -> str:
    """ "single", "from" or "upto" for a lone amount, from the words around it."""
    after_word = after.text.lower() if after is not None else ""
    before_word = before.text.lower() if before is not None else ""
    if low.plus or after_word in _WAVE_DASHES or after_word in ("min", "minimum"):
        return "from"  # "$150k+", "月給28万円〜", "$50k minimum"
    if after_word in ("max", "maximum"):
        return "upto"
    if before is None:
        return "single"
    if before.kind == _UPTO or (before.kind == _CONN and before_word in _RANGE_WORDS and not seen_amount):
        return "upto"  # "up to $80k", "bis 60.000 €"
    if before.kind == _FROM:
        return "from"
    return "single"


def _share_multiplier(low: _Item, high: _Item) -> None:
    """ "$120-150K" scales both sides; "€45k-55" too, when the bare side is of the same order."""
    if high.mult and not low.mult and low.value <= high.value * 10:
        low.mult, low.indian = high.mult, high.indian
        low.mult_period = low.mult_period or high.mult_period
    elif low.mult and not high.mult and high.value < 1000:
        scaled = high.value * low.mult
        if low.value * low.mult * 0.5 <= scaled <= low.value * low.mult * 10:
            high.mult, high.indian = low.mult, low.indian


def _choose(groups: list[_Group]) -> _Group | None:
    """The group that is the salary: the first naming a currency, else one with a unit, else the first."""
    real = [g for g in groups if g.shape != "noise"]
    for group in real:
        if group.curs:
            return group
    for group in real:
        if group.low.mult or group.low.period or (group.high and (group.high.mult or group.high.period)):
            return group
    return real[0] if real else None


# --- the answer ----------------------------------------------------------------------------------


def _salary(group: _Group, toks: list[_Tok], hints: set[str], raw: str, default_currency: str | None) -> Salary | None:
    items = [group.low] if group.high is None else [group.low, group.high]
    values = [round(it.value * (it.mult or 1.0), 2) for it in items]
    if all(v == 0 for v in values):
        return None
    if group.shape == "range":
        low_value, high_value = values
    elif group.shape == "upto":
        low_value, high_value = None, values[0]
    elif group.shape == "from":
        low_value, high_value = values[0], None
    else:
        low_value = high_value = values[0]

    period = next((it.period or it.mult_period for it in items if it.period or it.mult_period), None)
    if period is None:
        period = _text_period(toks)
    basis = PeriodBasis.STATED
    if period is None:
        basis = PeriodBasis.INFERRED
        if any(it.mult for it in items) or any(v > _YEARLY_ABOVE for v in values):
            period = Y

    currency = _resolve_currency(group.curs, toks, hints, default_currency)
    if currency is None and any(it.indian for it in items):
        currency = "INR"
    if currency is None and default_currency and not any(t.kind == _CUR for t in toks):
        currency = default_currency
    return Salary(min=low_value, max=high_value, currency=currency, period=period, period_basis=basis, raw=raw)


def _text_period(toks: list[_Tok]) -> Period | None:
    """The first period the text states anywhere ("Hourly: $45 - $55"), except one that qualifies an
    extra ("$8,000 + annual bonus")."""
    for i, tok in enumerate(toks):
        if tok.period is None or tok.kind not in (_PERIOD, _MULT):
            continue
        if i + 1 < len(toks) and toks[i + 1].kind == _EXTRA:
            continue
        return tok.period
    return None


def _resolve_currency(group_curs: list[_Tok], toks: list[_Tok], hints: set[str], default: str | None) -> str | None:
    candidates = group_curs or [t for t in toks if t.kind == _CUR]
    if not candidates:
        return None
    best = max(candidates, key=lambda t: t.strength)  # max keeps the first of equals
    if best.family is None:
        return best.code
    members, usual = _FAMILIES[best.family]
    for tok in toks:
        if tok.kind == _CUR and tok.strength >= 2 and tok.code in members:
            return tok.code
    named = {code for code in hints if code in members}
    if len(named) == 1:
        return named.pop()
    if default in members:
        return default
    return usual
