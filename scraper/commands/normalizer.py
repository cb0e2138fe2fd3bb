"""`jobfeed salary TEXT` and `jobfeed classify TITLE`: the normalizer's reading of one string, as JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from models.settings import Settings


def cmd_salary(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.normalization.currency import annualize, load_rates
    from scraper.normalization.salary import parse_salary
    from scraper.validation.salary import salary_flags

    salary = parse_salary(args.text, default_currency=args.currency)
    if salary is None:
        print("null")
        return 0
    rates = load_rates()
    low, high = annualize(salary, rates)
    result = {
        "raw": salary.raw,
        "min": salary.min,
        "max": salary.max,
        "currency": salary.currency,
        "period": salary.period,
        "period_basis": salary.period_basis,
        "annual_usd_min": low,
        "annual_usd_max": high,
        "flags": [{"code": f.code, "message": f.message} for f in salary_flags(salary, rates)],
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_classify(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.normalization.title import classify_title, clean_title, load_title_rules

    rules = load_title_rules(args.rules) if args.rules else None
    title = clean_title(args.title)
    result = classify_title(title, rules=rules)
    out: dict[str, Any] = {"title": title, "category": result.slug}
    if args.explain:
        out["rule"] = result.rule
        out["matched"] = result.matched
    print(json.dumps(out, ensure_ascii=False))
    return 0
