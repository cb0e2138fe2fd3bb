# The two commands of the README. Each creates .venv and installs jobfeed on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test demo lint

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/jobfeed run

demo: $(BIN)/.installed
	$(BIN)/jobfeed demo

test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check models scraper api tests bench
	$(BIN)/ruff format --check models scraper api tests bench
	$(BIN)/mypy
