# make run   - create the virtual environment, install, migrate, load the demo, serve on :5000
# make test  - install what the tests need, lint, run the tests on SQLite and on PostgreSQL
# make bench - this service against Isso 0.14 under gunicorn, same settings (docs/performance.md)
# make messages - re-extract the translatable text and update translations/*/messages.po
# make screenshots - the pages in Chromium at 1280 and 390 px, light and dark, into docs/screenshots/

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_DATABASE_URL ?=
PG_URL := postgresql://postgres@127.0.0.1:5432/test
# The compiled catalogs (not in git): every target that runs the app depends on them.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
# Keywords beyond gettext's own; tests/test_i18n.py extracts with the same.
BABEL_KEYWORDS := -k _l -k lazy_gettext

.PHONY: run serve test test-sqlite test-postgres lint format clean bench catalogs messages screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	$(BIN)/pybabel -q compile -d translations
	@touch $@

catalogs: $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -l $* -i $< -o $@

# After changing text in the code or the templates: re-extract, merge into every catalog
# (new text arrives untranslated or fuzzy, and tests/test_i18n.py fails until it is
# translated), and compile.
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg $(BABEL_KEYWORDS) --add-location=file --sort-by-file \
	  --project corrections --copyright-holder "corrections" -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --ignore-obsolete
	$(BIN)/pybabel -q compile -d translations

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,dev]'
	@touch $@

run: $(VENV)/.installed $(CATALOGS)
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/corrections demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

# Production serving with gunicorn (gunicorn.conf.py): needs SECRET_KEY, and DATABASE_URL for
# more than one worker. Workers: WEB_CONCURRENCY; address: BIND (default 127.0.0.1:8000).
serve: $(VENV)/.installed $(CATALOGS)
	CORRECTIONS_ENV=production $(BIN)/flask --app wsgi db upgrade
	CORRECTIONS_ENV=production $(BIN)/gunicorn -c gunicorn.conf.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint test-sqlite test-postgres

# The tests that share nothing run in $(TEST_WORKERS) processes (pytest-xdist: each has its
# own databases and ports); the live tests (servers under load, a PostgreSQL restart) and the
# browser tests then run alone, so nothing else competes with what they start.
TEST_WORKERS ?= 2
PARALLEL := -n $(TEST_WORKERS) -m "not browser and not live"
ALONE := -m "browser or live" -p no:xdist

test-sqlite: $(VENV)/.installed-test $(CATALOGS)
	@echo "== tests on SQLite"
	TEST_DATABASE_URL= $(BIN)/pytest $(PARALLEL)
	TEST_DATABASE_URL= $(BIN)/pytest $(ALONE)

# What touches no database runs in the SQLite pass only (the text modules, the fuzzers).
DATABASE_FREE := --ignore=tests/text --ignore=tests/fuzz

# PostgreSQL runs when TEST_DATABASE_URL names it, or when a server answers on 127.0.0.1:5432.
test-postgres: $(VENV)/.installed-test $(CATALOGS)
	@url="$(TEST_DATABASE_URL)"; \
	if [ -z "$$url" ] && $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1)' 2>/dev/null; then url="$(PG_URL)"; fi; \
	if [ -z "$$url" ]; then echo "== PostgreSQL: no server at 127.0.0.1:5432 and TEST_DATABASE_URL unset; skipped"; \
	else echo "== tests on PostgreSQL ($$url)"; \
	  TEST_DATABASE_URL="$$url" $(BIN)/pytest $(PARALLEL) $(DATABASE_FREE) && \
	  TEST_DATABASE_URL="$$url" $(BIN)/pytest -m "live and not browser" -p no:xdist; fi

# The benchmark (bench/run.py): makes its data, Isso's virtual environment (bench/.isso-venv,
# from PyPI) and its servers itself; wrk from Debian when it can be installed, else the
# bench's own Python load generator. Not part of `make test` (its smoke mode is).
# BENCH_SECONDS (per measure, 10), BENCH_ROUNDS (3), BENCH_WORKERS (2), BENCH_CONNECTIONS.
bench: $(VENV)/.installed $(CATALOGS)
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "== installing wrk"; \
	    (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)) || \
	    echo "== wrk could not be installed: using the Python load generator"; \
	  else echo "== no wrk: using the Python load generator"; fi; }
	$(BIN)/python -m bench.run

# The demo article in a realistic state (tests/browser/scenes.py: comments with quotes and
# replies, a pending correction, an accepted one), photographed by tests/browser/screenshots.py
# in Debian's Chromium (CHROMIUM=/usr/bin/chromium) at 1280 and 390 pixels, light and dark.
screenshots: $(VENV)/.installed-test $(CATALOGS)
	$(BIN)/python -m tests.browser.screenshots docs/screenshots

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
