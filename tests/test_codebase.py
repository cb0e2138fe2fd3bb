"""What the code base promises of itself: docstring examples hold (STYLE.md, Density), the packages keep apart,
and every document the code cites is in the repository (docs/)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

PACKAGES = ("models", "scraper", "api")


def modules() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        names.append(package)
        names.extend(info.name for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."))
    return sorted(names)


def modules_with_examples() -> list[str]:
    """The modules whose source holds a docstring example (`>>>`); a module without one has nothing to check, and
    importing it only to find none cost the fast loop 0.4 s of CPU (api.mcp_server imports the MCP SDK)."""
    root = Path(__file__).resolve().parents[1]
    found = []
    for name in modules():
        path = root.joinpath(*name.split("."))
        source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        if ">>>" in source.read_text(encoding="utf-8"):
            found.append(name)
    return found


@pytest.mark.parametrize("name", modules_with_examples())
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    # exclude_empty: testmod would otherwise run every docstring, example or not, each run resetting a debugger
    # that stats every file in linecache (1,922 runs for 98 docstrings with examples: half the test's CPU).
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, optionflags=flags, verbose=False, exclude_empty=True)
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
            source = path.read_text(encoding="utf-8")
            if not any(name in source for name in banned):
                continue  # an import of a banned package names it: only the files that do are parsed
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    targets = [node.module]
                else:
                    continue
                offenders += [f"{path.relative_to(root)} imports {t}" for t in targets if t.split(".")[0] in banned]
    assert offenders == []


CITED_DOCUMENT = re.compile(r"\b([A-Za-z][\w-]*\.md)\b")


def test_every_document_the_code_cites_is_in_the_repository() -> None:
    # Comments cite DESIGN.md, FORMATS.md, STYLE.md for a contract or a quirk: a newcomer must be able to open them.
    root = Path(__file__).resolve().parents[1]
    present = {path.name for path in (root / "docs").glob("*.md")} | {path.name for path in root.glob("*.md")}
    cited: dict[str, str] = {}
    for package in (*PACKAGES, "tests", "bench"):
        for path in (root / package).rglob("*.py"):
            for name in CITED_DOCUMENT.findall(path.read_text(encoding="utf-8")):
                cited.setdefault(name, str(path.relative_to(root)))
    missing = {name: where for name, where in cited.items() if name not in present}
    assert cited, "no citations found: the pattern is wrong"
    assert not missing, f"cited but not in docs/ or the top folder: {missing}"
