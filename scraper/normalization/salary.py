"""Free-text salaries ("USD 60K - 120K", "€45.000 brutto/Jahr", "年収600万円〜900万円") -> `Salary`.

Owns the reading of amounts, currencies and periods; pure, no I/O, no currency conversion (see currency.py)
and no judgement of plausibility (see scraper/validation/salary.py). Linear time: one regex tokenizer pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization.pay_period import yearly_by_size
from scraper.normalization.salary_tokens import (
    AND,
    BETWEEN,
    CONN,
    CUR,
    EXTRA,
    FAMILIES,
    FROM,
    ISO_CODES,
    MAX_CHARS,
    MULT,
    NO_SALARY,
    NUM,
    PCT,
    PERIOD,
    PLUS,
    RANGE_WORDS,
    UNIT,
    UPTO,
    WAVE_DASHES,
    Tok,
    classify_tokens,
)


@dataclass(slots=True)
class _Item:
    value: float
    mult: float | None
    mult_period: Period | None
    indian: bool
    curs: list[Tok]
    period: Period | None
    noise: bool
    plus: bool = False


@dataclass(slots=True)
class _Group:
    low: _Item
    high: _Item | None
    shape: str  # "single", "range", "upto", "from"
    curs: list[Tok] = field(default_factory=list)


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
    if head.strip() in NO_SALARY:
        return None
    tokens, hints = classify_tokens(head)
    group = _choose(_groups(tokens))
    if group is None:
        return None
    return _salary(group, tokens, hints, text, default_currency)


# --- groups --------------------------------------------------------------------------------------


def _item(toks: list[Tok], i: int) -> tuple[_Item, int] | None:
    """An amount with its currencies, multiplier and period: "$150,000.00/yr", "45 000 €", "₹20L"."""
    n = len(toks)
    curs: list[Tok] = []
    while i < n and toks[i].kind == CUR:
        curs.append(toks[i])
        i += 1
    if i >= n or toks[i].kind != NUM:
        return None
    num = toks[i]
    i += 1
    mult: Tok | None = None
    if i < n and toks[i].kind == MULT:
        mult = toks[i]
        i += 1
    while i < n and toks[i].kind == CUR:
        curs.append(toks[i])
        i += 1
    item = _Item(num.value, mult.value if mult else None, mult.period if mult else None, bool(mult and mult.indian),
                 curs, None, num.noise)  # fmt: skip
    if i < n and toks[i].kind == PLUS and not toks[i].noise:
        i += 1
        if i < n and toks[i].kind == UNIT:  # "5+ yrs"
            item.noise = True
            return item, i + 1
        item.plus = not (i < n and toks[i].kind == EXTRA)
    if i < n and toks[i].kind == PCT:
        item.noise = True
        return item, i + 1
    if i < n and toks[i].kind == PERIOD:
        item.period = toks[i].period
        i += 1
    elif i < n and toks[i].kind == UNIT:
        # "$50 hour" names a period; "6 months", "3-5 years" or "40 hours" is a duration, not pay.
        if curs or mult:
            item.period = toks[i].period
        else:
            item.noise = True
        i += 1
    while i < n and toks[i].kind == CUR:
        curs.append(toks[i])
        i += 1
    return item, i


def _groups(toks: list[Tok]) -> list[_Group]:
    groups: list[_Group] = []
    n = len(toks)
    i = 0
    seen_amount = False
    while i < n:
        kind = toks[i].kind
        if kind not in (NUM, CUR):
            i += 1
            continue
        parsed = _item(toks, i)
        if parsed is None:
            i += 1
            continue
        low, j = parsed
        before = toks[i - 1] if i > 0 else None
        between = before is not None and before.kind == BETWEEN
        if low.noise:
            groups.append(_Group(low, None, "noise"))
            seen_amount = True
            i = j
            continue
        if j < n and not low.plus and (toks[j].kind == CONN or (toks[j].kind == AND and between)):
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


def _single_shape(low: _Item, before: Tok | None, after: Tok | None, seen_amount: bool) -> str:
    """ "single", "from" or "upto" for a lone amount, from the words around it."""
    after_word = after.text.lower() if after is not None else ""
    before_word = before.text.lower() if before is not None else ""
    if low.plus or after_word in WAVE_DASHES or after_word in ("min", "minimum"):
        return "from"  # "$150k+", "月給28万円〜", "$50k minimum"
    if after_word in ("max", "maximum"):
        return "upto"
    if before is None:
        return "single"
    if before.kind == UPTO or (before.kind == CONN and before_word in RANGE_WORDS and not seen_amount):
        return "upto"  # "up to $80k", "bis 60.000 €"
    if before.kind == FROM:
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


def _salary(group: _Group, toks: list[Tok], hints: set[str], raw: str, default_currency: str | None) -> Salary | None:
    items = [group.low] if group.high is None else [group.low, group.high]
    values = [round(it.value * (it.mult or 1.0), 2) for it in items]
    if all(v == 0 for v in values) and not group.curs:
        return None  # a bare "0" says nothing; "$0" states a zero salary, which validation flags
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
        if any(it.mult for it in items) or yearly_by_size(values):
            period = Period.YEAR

    currency = _resolve_currency(group.curs, toks, hints, default_currency)
    if currency is None and any(it.indian for it in items):
        currency = "INR"
    if currency is None and default_currency and not any(t.kind == CUR for t in toks):
        currency = default_currency
    if currency is None and hints == {"CNY"}:
        currency = "CNY"  # 月薪/年薪 20K-35K: Chinese pay words name the yuan when no symbol does
    return Salary(min=low_value, max=high_value, currency=currency, period=period, period_basis=basis, raw=raw)


def _text_period(toks: list[Tok]) -> Period | None:
    """The first period the text states anywhere ("Hourly: $45 - $55"), except one that qualifies an
    extra ("$8,000 + annual bonus")."""
    for i, tok in enumerate(toks):
        if tok.period is None or tok.kind not in (PERIOD, MULT):
            continue
        if i + 1 < len(toks) and toks[i + 1].kind == EXTRA:
            continue
        return tok.period
    return None


def _resolve_currency(group_curs: list[Tok], toks: list[Tok], hints: set[str], default: str | None) -> str | None:
    candidates = group_curs or [t for t in toks if t.kind == CUR]
    if not candidates:
        return None
    best = max(candidates, key=lambda t: t.strength)  # max keeps the first of equals
    if best.family is None:
        return best.code
    members, usual = FAMILIES[best.family]
    for tok in toks:
        if tok.kind == CUR and tok.strength >= 2 and tok.code in members:
            return tok.code
    named = {code for code in hints if code in members}
    if len(named) == 1:
        return named.pop()
    if default in members:
        return default
    return usual
