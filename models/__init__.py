"""Shapes shared by the scraper and the API: tables, enums, pipeline records, API schemas, taxonomy.

Imports neither `scraper` nor `api`; holds no I/O beyond building an engine when asked.
"""
