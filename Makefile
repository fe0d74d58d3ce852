# The ICS Registry. `make run` serves the app; `make test` runs the whole suite.
# Both set everything up on a fresh machine: a virtualenv, the packages, and an embedded
# PostgreSQL and Redis under ./var/ unless DATABASE_URL / REDIS_URL point elsewhere.

SHELL := /bin/bash
VENV ?= .venv
# A Python of 3.11 or newer; 3.12+ is preferred (the accessibility checker needs it).
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3 python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3 python3.11 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EMBED := $(PY) -m ics_registry.embedded
# Two test workers (pytest-xdist), each with its own test database.
PYTEST_ARGS ?= -n 2

.PHONY: run test bench install lint clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(EMBED) run

test: $(STAMP)
	DJANGO_SETTINGS_MODULE=ics_registry.settings.test $(EMBED) exec -- $(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(EMBED) exec -- $(PY) -m tests.bench.run

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var
