"""The human page a posting's URL leads to on the boards that have no page format of their own."""

from __future__ import annotations

import html

from scraper.demo.records import DemoJob
from scraper.demo.renderers._shared import description, template
from scraper.demo.site import Site


def render_job_page(job: DemoJob, site: Site) -> str:
    """The human page a posting's URL leads to, so links from the dashboard land somewhere."""
    board = site.boards[job.board]
    name = "demo-aijobs" if board.kind == "featured" else f"{board.company} jobs" if board.company else "demo board"
    home = {"featured": "/", "rss": f"/{board.path}.rss", "jsonld": f"/{board.path}/"}
    return template("job.html").substitute(
        title=html.escape(job.title),
        board=html.escape(name),
        board_url=home.get(board.kind, "/"),
        company=html.escape(job.company),
        location=html.escape(job.location),
        description=description(job),
    )
