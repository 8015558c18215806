# One line per target; `make test` and `make serve` work on a fresh machine with only python3 + pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install test lint index bench soak serve browser messages

# The site's Chinese catalog is compiled here, never committed: web/translations/*/LC_MESSAGES/messages.mo.
CATALOGS := $(wildcard web/translations/*/LC_MESSAGES/messages.po)
# Byte-compiled now: an editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is set every
# cold `archive search` would compile our modules again (30 ms of 0.3 s).
install: $(VENV)/.installed $(CATALOGS:.po=.mo)
	$(BIN)/python -m compileall -q archive index web cli

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@

# After changing a message in web/, index/ or archive/: collect them all and update the catalogs.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -k N_ -o web/translations/messages.pot . && $(BIN)/pybabel update --no-fuzzy-matching -i web/translations/messages.pot -d web/translations

# Debian's python3 has no venv module until python3-venv is installed: install it when needed.
$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV) || (rm -rf $(VENV) && apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV))
	$(BIN)/pip install -q --upgrade pip && $(BIN)/pip install -q -e '.[test]' --config-settings editable_mode=compat && touch $@

test: install browser
	$(BIN)/ruff check . && $(BIN)/python -m pytest -q

# The browser tests drive Debian's chromium (never a downloaded browser); CJK fonts make screenshots legible.
browser:
	@(command -v chromium && fc-list :lang=zh | grep -q .) >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk)

lint: install
	$(BIN)/ruff check .

index: install
	$(BIN)/archive build --source seeds

bench: install
	$(BIN)/pip install -q -e '.[test,bench]' --config-settings editable_mode=compat && mkdir -p bench/data && $(BIN)/python -m bench all | tee bench/data/bench-all.md && $(BIN)/python -c "from bench.scale import replace_rest; replace_rest('docs/bench-latest.md', 'bench/data/bench-all.md')"

# Long runs (issue 6): wrk from Debian, load on loopback only, bounded to 60 s.
soak: install
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk) && $(BIN)/pip install -q -e '.[test,bench]' --config-settings editable_mode=compat && $(BIN)/python -m bench soak

# `make serve PORT=5001` when 5000 is taken.
PORT ?= 5000
serve: index
	$(BIN)/archive serve --host 127.0.0.1 --port $(PORT)
