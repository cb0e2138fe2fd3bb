"""Every source module is registered under its kind, and every registered class follows the protocol."""

from __future__ import annotations

import importlib
import pkgutil

import scraper.sources
from scraper.sources import REGISTRY


def test_every_source_module_is_registered() -> None:
    modules = {
        info.name
        for info in pkgutil.iter_modules(scraper.sources.__path__)
        if not info.name.startswith("_") and info.name != "base"
    }
    # A kind is a module or a package directly under scraper.sources (featured_html is a package).
    registered = {cls.__module__.split(".")[2] for cls in REGISTRY.values()}
    assert modules == registered


def test_registered_classes_name_their_kind() -> None:
    for kind, cls in REGISTRY.items():
        module = importlib.import_module(cls.__module__)
        assert getattr(module, cls.__name__) is cls
        assert cls.kind == kind
        assert callable(cls.fetch) and callable(cls.parse)
