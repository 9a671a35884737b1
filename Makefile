# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint fuzz bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/pointsbank migrate
	$(BIN)/pointsbank demo
	@echo "pointsbank: open http://127.0.0.1:8000/ and sign in with a demo account above (API docs: /docs)"
	$(BIN)/pointsbank serve

lint: install
	$(BIN)/ruff check src projections api tests benchmarks
	$(BIN)/mypy

test: install
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-chromium.sh
	$(MAKE) lint
	$(BIN)/pytest -q

# A long schemathesis run (see README, "The HTTP API"): many examples and the stateful phase.
FUZZ_EXAMPLES ?= 200
fuzz: install
	bash scripts/ensure-postgres.sh
	POINTSBANK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
	POINTSBANK_FUZZ_PHASES=examples,coverage,fuzzing,stateful \
	$(BIN)/pytest tests/e2e/test_schemathesis.py -q -s -p no:cacheprovider

# Every target of issue 14 beside its baselines, in one run (see README, "Benchmarks");
# BENCH_RESIDENTS=100000 for a smaller street. Each benchmarks/bench_*.py also runs on its own.
bench: install
	bash scripts/ensure-postgres.sh
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) var
