"""Writes to the database: postings (upsert, history, closing, dedup, outliers) and scrape runs (claims, leases).

Reads here serve writing only; the API's queries live in `api/`.
"""
