# One line per target; `make test` and `make serve` work on a fresh machine with only python3 + pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install test lint

install: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV) && $(BIN)/pip install -q --upgrade pip && $(BIN)/pip install -q -e '.[test]' && touch $@

test: install
	$(BIN)/ruff check . && $(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
