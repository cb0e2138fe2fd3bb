# The two commands of the README. Each creates .venv and installs jobfeed on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast demo lint

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/jobfeed run

demo: $(BIN)/.installed
	$(BIN)/jobfeed demo

# The whole suite, one worker per core (each worker gets its own PostgreSQL database).
test: $(BIN)/.installed
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

# The inner loop: no process-starting end-to-end tests, fewer generated examples per property test.
test-fast: $(BIN)/.installed
	HYPOTHESIS_PROFILE=fast $(BIN)/python -m pytest -n auto -m "not slow" -q $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check models scraper api tests bench
	$(BIN)/ruff format --check models scraper api tests bench
	$(BIN)/mypy
