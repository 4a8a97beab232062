# HallQ: `make run` starts the demo hall, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test test-fast bench translations clean constraints

# constraints.txt pins every package to the versions tested here (see docs/DEPENDENCIES.md);
# the venv is rebuilt when it changes.
$(STAMP): setup.cfg pyproject.toml constraints.txt
	@echo "Installing HallQ into $(VENV) (first run only; takes a minute)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -qq --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install -qq --disable-pip-version-check -c constraints.txt -e '.[test,postgres,redis]'
	@touch $(STAMP)

# Rewrite constraints.txt from the current venv (after raising a floor in setup.cfg and
# `$(BIN)/pip install -U -e '.[test,postgres,redis]'`).
constraints:
	{ sed -n '1,2p' constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^hallq'; } \
		> constraints.txt.new && mv constraints.txt.new constraints.txt

# The demo hall on http://127.0.0.1:5000 (HALLQ_HOST=0.0.0.0 to open it to the network): quiet
# apart from its banner and warnings (HALLQ_LOG_LEVEL=INFO for more). Ctrl-C stops it.
run: $(STAMP)
	@HALLQ_ASYNC_MODE=$${HALLQ_ASYNC_MODE:-eventlet} HALLQ_LOG_LEVEL=$${HALLQ_LOG_LEVEL:-WARNING} \
		$(BIN)/queue-server demo

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
