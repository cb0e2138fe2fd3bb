"""The human page a posting's URL leads to on the boards that have no page format of their own."""

from __future__ import annotations

import html

from scraper.demo.catalogue import DemoJob
from scraper.demo.renderers._shared import description, template
from scraper.demo.site import Site


def render_job_page(job: DemoJob, site: Site) -> str:
    """The human page a posting's URL leads to, so links from the dashboard land somewhere."""
    names = {"featured": "demo-aijobs", "greenhouse": "Quillstone Analytics jobs", "lever": "Ferrovia Robotics jobs"}
    home = {"featured": "/", "rss": "/remote-jobs.rss", "jsonld": "/careers/"}
    return template("job.html").substitute(
        title=html.escape(job.title),
        board=html.escape(names.get(job.board, "demo board")),
        board_url=home.get(job.board, "/"),
        company=html.escape(job.company),
        location=html.escape(job.location),
        description=description(job),
    )
