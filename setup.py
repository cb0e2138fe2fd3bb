"""Packaging beyond pyproject.toml: ship ./alembic (the migrations) inside the wheel as `jobfeed_migrations`,
so that a non-editable install can run `jobfeed db upgrade` (models/migrate.py finds either)."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["models*", "scraper*", "api*"]),
        "jobfeed_migrations",
        "jobfeed_migrations.versions",
    ],
    package_dir={"jobfeed_migrations": "alembic"},
    package_data={"jobfeed_migrations": ["script.py.mako"]},
)
