"""The examples in the fetching modules' docstrings are part of the specification: run them."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from scraper.fetching import address, cache, charset, retry, robots

MODULES = [address, cache, charset, retry, robots]


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
