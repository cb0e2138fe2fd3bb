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

# The inner loop (docs/development.md): no slow tests (slow modules are not even imported, so neither is the
# schemathesis plugin), 15 examples per property test, the database tests on SQLite alone (make test runs them on
# PostgreSQL too), and bytecode kept between runs even where the environment turns it off.
test-fast: $(BIN)/.installed
	PYTHONDONTWRITEBYTECODE= HYPOTHESIS_PROFILE=fast JOBFEED_TEST_BACKENDS=sqlite \
		$(BIN)/python -m pytest -n auto -m "not slow" -p no:schemathesis -q $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check models scraper api tests bench
	$(BIN)/ruff format --check models scraper api tests bench
	$(BIN)/mypy
