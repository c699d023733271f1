PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
LINT_DIRS := app tests migrations $(wildcard bench)

.PHONY: run test lint fmt migrate seed bench bench-scale clean clients openapi messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kap-journal needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/kap-journal migrate
	$(BIN)/kap-journal seed-demo
	$(BIN)/kap-journal serve --host $(HOST) --port $(PORT)

migrate: $(VENV)/.installed
	$(BIN)/kap-journal migrate

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check $(LINT_DIRS)
	$(BIN)/ruff format --check $(LINT_DIRS)
	$(BIN)/mypy

fmt: $(VENV)/.installed-dev
	$(BIN)/ruff format $(LINT_DIRS)
	$(BIN)/ruff check --fix $(LINT_DIRS)

# The TypeScript client check (tests/clients): pinned packages from the lock file.
TS := clients/ts
$(TS)/node_modules/.installed: $(TS)/package.json $(TS)/package-lock.json
	cd $(TS) && npm ci --no-audit --no-fund
	@touch $@

clients: $(VENV)/.installed-dev $(TS)/node_modules/.installed

# -rs: every skipped check is named with its reason at the end of the run.
# -n: one pytest-xdist worker per core, each with its own databases (tests/conftest.py);
# loadgroup keeps the tests marked xdist_group (the browser walk, the generated clients)
# on one worker. PYTEST_WORKERS=0 runs in one process. --durations: the slowest tests
# are named at the end, so the suite's time can be watched from any CI log.
PYTEST_WORKERS ?= auto
test: lint clients
	$(BIN)/python -m pytest -rs -n $(PYTEST_WORKERS) --dist loadgroup --durations=25 $(PYTEST_ARGS)

# Rewrite docs/openapi.json and the operationId snapshot from the app as it is now.
openapi: $(VENV)/.installed-dev
	$(BIN)/python -m tests.contract.spec

# Compile the message catalogues (the .mo files are committed: a clone runs without this).
# The clinic's catalogue is extracted from its code (babel.cfg); the app's is written by hand.
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F babel.cfg -k N_ --add-location=file --sort-output \
		--project=kap-journal --copyright-holder=kap-journal --omit-header \
		-o app/locale/clinic.pot .
	$(BIN)/pybabel update -D clinic -i app/locale/clinic.pot -d app/locale -l es \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d app/locale -D messages --statistics
	$(BIN)/pybabel compile -d app/locale -D clinic --statistics

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run

bench-scale: $(VENV)/.installed-dev
	$(BIN)/python -m bench.scale

clean:
	rm -rf $(VENV) data .cache $(TS)/node_modules $(TS)/generated
