# HallQ: `make run` starts the demo hall, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test test-fast bench clean

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

clean:
	rm -rf $(VENV) build *.egg-info
