"""Categories: open jobs per category with the median salary, both read from tables the writers keep (the
counts exact, kept by triggers on `postings` in each writing transaction: no count of postings per request)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.queries.salaries import SalaryScope
from api.queries.summaries import salary_stats
from models.schemas import (
    CategoryOut,
    CategorySalaryOut,
)
from models.tables import CategoryCount
from models.taxonomy import Category


def open_jobs_by_category(session: Session) -> dict[str, int]:
    query = select(CategoryCount.category, CategoryCount.open_jobs).where(CategoryCount.open_jobs > 0)
    return {category: count for category, count in session.execute(query)}


def list_categories(session: Session, categories: Sequence[Category]) -> list[CategoryOut]:
    """Every category of the taxonomy, empty ones too, with open jobs and the median salary."""
    counts = open_jobs_by_category(session)
    stats = {s.category: s for s in salary_stats(session, SalaryScope(), categories)}
    return [
        CategoryOut(
            slug=c.slug,
            name=c.name,
            open_jobs=counts.get(c.slug, 0),
            salary=CategorySalaryOut(count=stats[c.slug].count, p50=stats[c.slug].p50),
        )
        for c in categories
    ]
