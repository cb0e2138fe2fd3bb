"""What every renderer shares: a posting's description, JSON inside a page, the bundled page templates."""

from __future__ import annotations

import functools
import html
import json
from importlib.resources import files
from string import Template
from typing import Any

from scraper.demo.records import DemoJob


def description(job: DemoJob) -> str:
    skills = "".join(f"<li>{html.escape(tag)}</li>" for tag in job.tags) or "<li>Curiosity</li>"
    # A feed's `team` is its category ("Back-End Programming"), not a team of the company.
    team = f" in our {html.escape(job.team)} team" if job.team and job.board in ("greenhouse", "lever") else ""
    article = "an" if job.title[:1].upper() in "AEIOU" else "a"
    return (
        f"<p>{html.escape(job.company)} is hiring {article} {html.escape(job.title)}{team}.</p>"
        f"<h3>What you bring</h3><ul>{skills}</ul>"
    )


def script_json(value: Any, indent: int | None = None) -> str:
    # JSON inside <script>: "</" would end the element early.
    return json.dumps(value, indent=indent).replace("</", "<\\/")


@functools.cache
def template(name: str) -> Template:
    return Template(files("scraper.demo").joinpath("data", name).read_text(encoding="utf-8"))
