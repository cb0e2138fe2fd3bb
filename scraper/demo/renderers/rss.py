"""The We Work Remotely style RSS feed: "Company: Title" items with region, skills, category and type."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from email.utils import format_datetime
from typing import Final
from xml.sax.saxutils import escape as xml_escape

from scraper.demo.records import Board, DemoJob
from scraper.demo.renderers._shared import description
from scraper.demo.site import Site

RSS_TYPES: Final = {
    "full-time": "Full-Time",
    "part-time": "Part-Time",
    "contract": "Contract",
    "internship": "Internship",
}


def render_rss(jobs: Sequence[DemoJob], board: Board, site: Site) -> str:
    """The We Work Remotely style feed: "Company: Title" items with region, skills, category and type."""
    items = "\n".join(_rss_item(job, site) for job in jobs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss">\n'
        f"<channel><title>{xml_escape(board.path.replace('-', ' ').capitalize())} | demo board</title>\n"
        f"  <link>{xml_escape(site.base_url)}/{xml_escape(board.path)}.rss</link>\n"
        "  <description>Sample remote jobs served by jobfeed demo; every company and posting is invented.\n"
        "  </description>\n"
        f"{items}\n</channel></rss>\n"
    )


def _rss_item(job: DemoJob, site: Site) -> str:
    posted = site.posted_at(job)
    # A guid that is not the URL, so the posting keeps its id when the demo serves on another port.
    return f"""  <item>
    <title>{xml_escape(f"{job.company}: {job.title}")}</title>
    <region>{xml_escape(job.location)}</region>
    <skills>{xml_escape(", ".join(job.tags))}</skills>
    <category>{xml_escape(job.team or "All Other Remote")}</category>
    <type>{RSS_TYPES[job.employment]}</type>
    <description>{xml_escape(description(job) + _pay_sentence(job))}</description>
    <pubDate>{format_datetime(posted)}</pubDate>
    <expires_at>{format_datetime(max(posted, site.started_at) + timedelta(days=30))}</expires_at>
    <guid isPermaLink="false">{xml_escape(job.id)}</guid>
    <link>{xml_escape(site.job_url(job))}</link>
  </item>"""


def _pay_sentence(job: DemoJob) -> str:
    # The feed has no salary element: boards that state pay put it in the description, where jobfeed reads it.
    if job.salary is None:
        return ""
    pay = job.salary
    return f"<p>Salary: {pay.currency} {pay.min:,} - {pay.max:,} per {pay.period}.</p>"
