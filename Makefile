# HallQ: `make run` starts the demo hall, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test test-fast bench translations clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,redis]'
	touch $(STAMP)

run: $(STAMP)
	HALLQ_ASYNC_MODE=$${HALLQ_ASYNC_MODE:-eventlet} $(BIN)/queue-server demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Unit, API and Socket.IO tests only (no server processes, no PostgreSQL or Redis).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not e2e and not postgres and not redis'

bench: $(STAMP)
	$(BIN)/python bench/bench_server.py

# The kiosk pages' catalogs: extract the message ids, add new ones to every language
# (untranslated: tests/kiosk/test_i18n.py fails until they are), drop unused ones, compile the
# .mo files (committed: a pip install compiles nothing).
translations: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F kiosk/babel.cfg -o build/kiosk.pot --add-location=file \
		--sort-output kiosk
	$(BIN)/pybabel update -i build/kiosk.pot -d kiosk/translations --no-fuzzy-matching \
		--ignore-obsolete --ignore-pot-creation-date
	$(BIN)/pybabel compile -d kiosk/translations --statistics

clean:
	rm -rf $(VENV) build *.egg-info
