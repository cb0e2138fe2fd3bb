"""What the code base promises of itself: docstring examples hold (STYLE.md, Density), and the packages keep apart."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("models", "scraper", "api")


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        names.append(package)
        names.extend(info.name for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."))
    return sorted(names)


@pytest.mark.parametrize("name", modules())
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples in {name} fail"


def test_the_layout_keeps_api_and_scraper_apart() -> None:
    """api never imports scraper, scraper never imports api, models imports neither (STYLE.md principle 4)."""
    import ast
    from pathlib import Path

    root = Path(importlib.import_module("models").__file__ or "").parent.parent
    forbidden = {"api": {"scraper"}, "scraper": {"api"}, "models": {"api", "scraper"}}
    offenders = []
    for package, banned in forbidden.items():
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    targets = [node.module]
                else:
                    continue
                offenders += [f"{path.relative_to(root)} imports {t}" for t in targets if t.split(".")[0] in banned]
    assert offenders == []
