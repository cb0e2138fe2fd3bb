"""The offline sample job boards of `jobfeed demo`; nothing here reads or writes the database.

`catalogue` holds what each board lists in a round, `renderers/` print it in each board's wire format, `routing`
answers a request, `server` serves the boards on 127.0.0.1, and `sources_file` points jobfeed at them.
"""

from scraper.demo.catalogue import BoardState, board_state
from scraper.demo.records import DemoJob, Pay
from scraper.demo.server import DemoBoard
from scraper.demo.sources_file import demo_sources_toml

__all__ = ["BoardState", "DemoBoard", "DemoJob", "Pay", "board_state", "demo_sources_toml"]
