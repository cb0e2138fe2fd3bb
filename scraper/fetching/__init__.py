"""All network I/O of the scraper goes through `Fetcher`: robots, throttle, retry, deadline, size cap, cache.

Sources receive a Fetcher and get `Page`s back; they never build their own HTTP client.
"""

from scraper.fetching.cache import ValidatorStore
from scraper.fetching.fetcher import Fetcher, FetchPolicy, FetchStats
from scraper.fetching.page import Page
from scraper.fetching.throttle import HostThrottle

__all__ = ["FetchPolicy", "FetchStats", "Fetcher", "HostThrottle", "Page", "ValidatorStore"]
