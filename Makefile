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
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m pytest -q

lint: $(BIN)/python
	$(BIN)/pip install -q -e '.[test,dev]'
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: $(BIN)/python
	$(BIN)/pip install -q '.[postgres]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis db/*.db db/*.db-wal db/*.db-shm
