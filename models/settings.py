"""Service settings from the environment (DESIGN.md section 4), built at the entry points and passed down.

Nothing here runs at import: call `Settings()` where the process starts.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./jobfeed.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JOBFEED_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    sources: Path | None = None  # None: ./sources.toml if present, else the bundled list
    admin_token: str | None = None
    taxonomy: Path | None = None  # None: the bundled taxonomy
    # per client address: N/s, N/m or N/h, optionally ";burst=M" (default burst N); "off" disables it
    rate_limit: str = "20/s"
    webhooks_allow_private: bool = False  # true lets webhooks reach loopback/private addresses (tests, a LAN)
