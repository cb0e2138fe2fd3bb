"""Scraping side of jobfeed: fetching, sources, normalization, validation, pipeline, storage, scheduling, CLI.

Never imports `api`; the database is the contract between the two.
"""
