"""The sources file as a document: its schema (schema.py), careers-URL recognition and the edits the CLI makes.

Kept import-light: `scraper.config` imports the schema from here.
"""
