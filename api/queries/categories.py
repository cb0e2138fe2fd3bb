"""Categories: open jobs per category with the median salary."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session

from api.queries.salaries import SalaryScope
from api.queries.summaries import salary_stats
from models.schemas import (
    CategoryOut,
    CategorySalaryOut,
)
from models.tables import Posting
from models.taxonomy import Category


def open_jobs_by_category(session: Session) -> dict[str, int]:
    query = (
        select(Posting.category, func.count())
        .where(Posting.closed_at.is_(None), Posting.duplicate_of.is_(None))
        .group_by(Posting.category)
    )
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
