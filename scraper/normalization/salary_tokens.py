"""Free-text salary tokens: the vocabulary (data/salary_vocabulary.toml), amounts as printed, and one
tokenizer pass that gives each token its meaning (amount, multiplier, currency, period, range word).

Pure; salary.py groups these tokens into a Salary. Linear time: one regex pass and one scan.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from models.enums import Period

# A salary field is a line, not a document: reading only its head bounds the cost on hostile input
# (a 1 MB "salary" is a scraping accident) while every real board string fits many times over.
MAX_CHARS: Final = 1000
# Amounts with more integer digits than a float holds exactly are not amounts ("1" * 10000).
_MAX_DIGITS: Final = 15


def _words(text: str) -> frozenset[str]:
    """The space-separated words of a vocabulary line (the data file writes lists as prose)."""
    return frozenset(text.split())


# Every separator here is a single character followed by digits, so the pattern cannot backtrack.
# A space groups thousands only before exactly three digits ("15 000 - 20 000", not "45 55").
_TOKEN: Final = re.compile(
    r"(?P<num>\d+(?:(?:[.,'’]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d+)*)"
    r"|(?P<cjk>[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff])"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<sym>\S)"
)

VOCABULARY_PATH: Final = Path(__file__).parent / "data" / "salary_vocabulary.toml"
_VOCABULARY: Final = tomllib.loads(VOCABULARY_PATH.read_text(encoding="utf-8"))
_CURRENCY: Final = _VOCABULARY["currency"]
_PERIODS: Final = _VOCABULARY["periods"]
_PLAIN: Final = _VOCABULARY["words"]


def _by_period(table: dict[str, str]) -> dict[str, Period]:
    """`{"year": "annually yearly"}` -> `{"annually": YEAR, "yearly": YEAR}`."""
    return {word: Period(period) for period, words in table.items() for word in words.split()}


def _inverted(table: dict[str, str]) -> dict[str, str]:
    """`{"SEK": "kronor lön"}` -> `{"kronor": "SEK", "lön": "SEK"}`."""
    return {word: key for key, words in table.items() for word in words.split()}


# The meaning of each table is described beside it in data/salary_vocabulary.toml.
ISO_CODES: Final = _words(_CURRENCY["iso_codes"])
_WORDLIKE_CODES: Final = _words(_CURRENCY["wordlike_codes"])
_LOWER_CODES: Final = _words(_CURRENCY["lower_codes"])
_GLUED_THOUSANDS: Final = _words(_CURRENCY["glued_thousands"])
FAMILIES: Final[dict[str, tuple[frozenset[str], str | None]]] = {
    name: (_words(family["members"]), family["usual"] or None) for name, family in _CURRENCY["families"].items()
}
_CURRENCY_HINTS: Final = _inverted(_CURRENCY["hints"])
_SYMBOLS: Final[dict[str, tuple[str, int, str | None]]] = {
    symbol: (code, strength, family or None) for symbol, (code, strength, family) in _CURRENCY["symbols"].items()
}
# Letters glued before a shared symbol name its currency: "HK$", "CN¥".
_SYMBOL_PREFIXES: Final[dict[str, dict[str, str]]] = {
    "$": _inverted(_CURRENCY["dollar_prefixes"]),
    "¥": _inverted(_CURRENCY["yen_prefixes"]),
    "￥": _inverted(_CURRENCY["yen_prefixes"]),
}
_CURRENCY_WORDS: Final[dict[str, tuple[str, int, str | None, bool]]] = {
    word: (code, strength, family or None, needs_amount)
    for word, (code, strength, family, needs_amount) in _CURRENCY["words"].items()
}
_MULTIPLIERS: Final[dict[str, float]] = {
    word: float(value)
    for value, words in _VOCABULARY["multipliers"].items()
    if value != "indian"
    for word in words.split()
}
_INDIAN_MULTIPLIERS: Final = _words(_VOCABULARY["multipliers"]["indian"])
_PERIOD_WORDS: Final = _by_period(_PERIODS["words"])
_ADJACENT_PERIODS: Final = _by_period(_PERIODS["adjacent"])
_UNITS: Final = _by_period(_PERIODS["units"])
_SLASH_UNITS: Final = _by_period(_PERIODS["slash_units"])
_PREFIXES: Final = _words(_PLAIN["prefixes"])
_PASSABLE: Final = _words(_PLAIN["passable"])
_DASHES: Final = _words(_PLAIN["dashes"])
WAVE_DASHES: Final = _words(_PLAIN["wave_dashes"])
RANGE_WORDS: Final = _words(_PLAIN["range"])
_AND_WORDS: Final = _words(_PLAIN["and"])
_BETWEEN_WORDS: Final = _words(_PLAIN["between"])
_UPTO_WORDS: Final = _words(_PLAIN["upto"])
_FROM_WORDS: Final = _words(_PLAIN["from"])
_EXTRAS: Final = _words(_PLAIN["extras"])
_LABELS: Final = _words(_PLAIN["labels"])
NO_SALARY: Final = _words(_PLAIN["no_salary"])
_PHRASES: Final[dict[tuple[str, ...], tuple[str, Period | None]]] = {
    tuple(phrase["tokens"]): (phrase["role"], Period(phrase["period"]) if "period" in phrase else None)
    for phrase in _PLAIN["phrases"]
}
_PHRASE_HEADS: Final = frozenset(key[0] for key in _PHRASES)

# Token kinds.
NUM, MULT, CUR, PERIOD, UNIT, CONN, AND, BETWEEN, UPTO, FROM, PLUS, PCT, EXTRA, OTHER = range(14)


@dataclass(slots=True)
class Tok:
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


def classify_tokens(text: str) -> tuple[list[Tok], set[str]]:
    """Tokens with meaning: amounts, multipliers, currencies, periods, range words; plus Nordic hints."""
    raw = [(m.lastgroup or "sym", m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    lows = [r[1].lower() for r in raw]
    out: list[Tok] = []
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
                role_kind = {"upto": UPTO, "from": FROM, "period": PERIOD, "plus": PLUS}[role]
                out.append(Tok(role_kind, txt, start, last_end, period=period))
                i += length
                continue
        if low in _MULTIPLIERS and prev is not None and prev.kind == NUM and not prev.noise:
            period = Period.YEAR if low == "lpa" else None
            out.append(
                Tok(MULT, txt, start, end, value=_MULTIPLIERS[low], period=period, indian=low in _INDIAN_MULTIPLIERS)
            )
            i = _skip_dot(raw, i + 1)
            continue
        if low in _PREFIXES:
            found = _prefixed_unit(raw, lows, i)
            if found is not None:
                j, period = found
                out.append(Tok(PERIOD, txt, start, raw[j][3], period=period))
                i = _skip_dot(raw, j + 1)
                continue
        after_amount = prev is not None and prev.kind in (NUM, MULT, CUR) and not prev.noise
        prefixed = _SYMBOL_PREFIXES.get(raw[i + 1][1]) if kind == "word" and attached_next else None
        if prefixed is not None and low in prefixed:
            out.append(Tok(CUR, txt, start, raw[i + 1][3], code=prefixed[low], strength=2))
            i += 2
            continue
        if prev is not None and prev.kind == NUM and not prev.noise and _glued_code(low) is not None:
            code = _glued_code(low) or ""
            out.append(Tok(MULT, txt[:1], start, start + 1, value=1e3))
            out.append(Tok(CUR, code, start + 1, end, code=code, strength=3))
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
            out.append(Tok(PERIOD, txt, start, end, period=_PERIOD_WORDS[low]))
        elif low in _ADJACENT_PERIODS and after_amount:
            out.append(Tok(PERIOD, txt, start, end, period=_ADJACENT_PERIODS[low]))
        elif low in _UNITS:
            out.append(Tok(UNIT, txt, start, end, period=_UNITS[low]))
            i = _skip_dot(raw, i + 1)
            continue
        elif low in _DASHES or low in RANGE_WORDS:
            out.append(Tok(CONN, txt, start, end))
        elif low in _AND_WORDS:
            out.append(Tok(AND, txt, start, end))
        elif low in _BETWEEN_WORDS:
            out.append(Tok(BETWEEN, txt, start, end))
        elif low in _UPTO_WORDS:
            out.append(Tok(UPTO, txt, start, end))
            i = _skip_dot(raw, i + 1)
            continue
        elif low in _FROM_WORDS:
            out.append(Tok(FROM, txt, start, end))
            i = _skip_dot(raw, i + 1)
            continue
        elif low == "+":
            out.append(Tok(PLUS, txt, start, end, noise=not attached_prev))
        elif low in ("%", "٪", "％"):
            out.append(Tok(PCT, txt, start, end))
        elif low in _EXTRAS:
            out.append(Tok(EXTRA, txt, start, end))
        else:
            out.append(Tok(OTHER, txt, start, end))
        i += 1
    return out, hints


def _classify_number(raw: list[tuple[str, str, int, int]], lows: list[str], i: int, out: list[Tok]) -> int:
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
        noise = noise or prev is None or prev.kind != CUR
    # "24/7", "9/80", "12/2026": a ratio or a date, not pay.
    if nxt + 1 < n and lows[nxt] == "/" and raw[nxt + 1][0] == "num" and raw[nxt][2] == end:
        noise = True
    if i > 1 and lows[i - 1] == "/" and raw[i - 2][0] == "num" and raw[i - 1][2] == raw[i - 2][3]:
        noise = True
    if i > 0 and lows[i - 1] in _LABELS:
        noise = True
    # 401(k), 403(b) and 401k are retirement plans, not amounts; "$401K" is money.
    money_before = bool(out) and out[-1].kind == CUR and out[-1].end == start
    if txt in ("401", "403", "457") and nxt < n and lows[nxt] in ("k", "(", "b") and not money_before:
        noise = True
    # "4-day week", "32-hour week", "3-month contract": a count of units, not an amount.
    if nxt + 1 < n and lows[nxt] in ("-", "‑") and raw[nxt][2] == end and raw[nxt + 1][2] == raw[nxt][3]:
        noise = noise or lows[nxt + 1] in _UNITS
    out.append(Tok(NUM, txt, start, end, value=value or 0.0, noise=noise))
    # "45.000,-" and "120'000.-": a German/Swiss way to say "no cents".
    if nxt + 1 < n and lows[nxt] in (",", ".") and lows[nxt + 1] in ("-", "–", "—") and raw[nxt][2] == end:
        return nxt + 2
    if nxt < n and raw[nxt][2] == end and raw[nxt][0] == "word":
        low = lows[nxt]
        glued = _glued_code(low)
        if glued is not None:
            out.append(Tok(MULT, raw[nxt][1][:1], raw[nxt][2], raw[nxt][2] + 1, value=1e3))
            out.append(Tok(CUR, glued, raw[nxt][2] + 1, raw[nxt][3], code=glued, strength=3))
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


def _currency(kind: str, txt: str, low: str, after_amount: bool, before_number: bool) -> Tok | None:
    if kind in ("sym", "cjk") and txt in _SYMBOLS:
        code, strength, family = _SYMBOLS[txt]
        return Tok(CUR, txt, 0, 0, code=code, strength=strength, family=family)
    if kind != "word":
        return None
    upper = txt.upper()
    if upper in ISO_CODES and (txt.isupper() or low in _LOWER_CODES):
        if upper in _WORDLIKE_CODES and not (after_amount or before_number):
            return None
        return Tok(CUR, txt, 0, 0, code=upper, strength=3)
    if low in _CURRENCY_WORDS:
        code, strength, family, needs_amount = _CURRENCY_WORDS[low]
        if needs_amount and not (after_amount or before_number):
            return None
        if low in ("r", "sr", "rm", "tl", "ft") and not txt.isupper() and not txt[0].isupper():
            return None  # "r", "rm" in lower case are words, not currencies
        return Tok(CUR, txt, 0, 0, code=code, strength=strength, family=family)
    return None
