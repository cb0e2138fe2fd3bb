"""featured-html: boards printing job cards as aijobs.net does (listing cards, older layouts, "Featured Job" widget).

One module per layout family (listing, current_card, detail, widget, custom) over the shared card reading in _common.
"""

from __future__ import annotations

from scraper.sources.featured_html._common import job_id, split_badge_line
from scraper.sources.featured_html.source import FeaturedHtmlSource, page_url, parse_featured_html
from scraper.sources.featured_html.widget import text_lines

__all__ = ["FeaturedHtmlSource", "job_id", "page_url", "parse_featured_html", "split_badge_line", "text_lines"]
