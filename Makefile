# One-word tasks: `make demo`, `make test`, `make lint`, `make bench`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

demo: $(BIN)/python
	$(BIN)/pip install -q .
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh

test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test,pdf]'
	$(BIN)/python -m pytest -q

lint: $(BIN)/python
	$(BIN)/pip install -q -e '.[test,dev]'
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# The benchmark measures a non-editable install (bytecode compiled at install time, as users
# get it) in its own venv, so it never replaces the editable install that `make test` uses.
BENCH_VENV ?= .venv-bench
bench:
	command -v task >/dev/null || { apt-get update -qq && apt-get install -y -qq taskwarrior; }
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --upgrade pip
	$(BENCH_VENV)/bin/pip install -q '.[postgres]'
	$(BENCH_VENV)/bin/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-bench build dist src/*.egg-info .pytest_cache .hypothesis db/*.db db/*.db-wal db/*.db-shm
