# Aula: `make run` serves the course, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
STAMP  := $(VENV)/.installed

.PHONY: run test test-quick test-postgres audit tools ralph need-test need-postgres need-bench install translations messages db validate bench clean

# System tools (CHECK:DEBIAN_PACKAGE, see scripts/need.sh): installed with apt-get when
# make runs as root, else make stops with one line naming the packages. Add yours here.
VENV_NEEDS  := py.ensurepip:python3-venv
TEST_NEEDS  := chromium:chromium pdftoppm:poppler-utils
PG_NEEDS    := /usr/lib/postgresql/*/bin/initdb:postgresql runuser:util-linux
BENCH_NEEDS := wrk:wrk sqlite3:sqlite3 /usr/bin/time:time $(PG_NEEDS)
# The real clients of tests/clients (README "Real clients"): Java runs the Nu Html Checker.
TEST_NEEDS  += java:default-jre-headless node:nodejs npm:npm spamassassin:spamassassin
# Python keeps compiled modules (in __pycache__, which git ignores) for everything make runs, even
# where the environment turns that off (PYTHONDONTWRITEBYTECODE=1, as some container images do):
# otherwise every test process compiles the project again, every Ralph start compiles Ralph, and
# pytest rewrites every test module on every run (about 6 s a run).
unexport PYTHONDONTWRITEBYTECODE

# The tests' temporary files (about 20,000 files and 1,700 SQLite databases a run, each database
# synced to disk as it closes) are kept in memory, in /dev/shm, when it has a gigabyte free (a
# container's is often 64 MB): else where TMPDIR says, or /tmp. `make test TEST_TMPDIR=DIR` chooses.
TEST_TMPDIR ?= $(shell $(PYTHON) -c 'import shutil; print("/dev/shm" if shutil.disk_usage("/dev/shm").free >= 2**30 else "")' 2>/dev/null)
TESTENV := $(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR))

need = $(eval need_out := $(shell PYTHON=$(PYTHON) scripts/need.sh $(1)))$(if $(need_out),$(error $(need_out)))

run: install translations db
	$(FLASK) run --host 127.0.0.1 --port 5000

# The quick tests on both cores (pytest-xdist), then the browser tests (not the Lighthouse audit) on
# both cores too, each worker with its own server and Chromium; then, as one run with them
# (AULA_TEST_RUN, see tests/results.py), the test marked `last`, which checks the pages they all visited.
test: need-test install translations tools ralph
	$(TESTENV) $(BIN)/pytest -m "not e2e and not audit" -n 2
	export AULA_TEST_RUN=e2e-$$(date +%s%N) $(TESTENV); \
	$(BIN)/pytest -m "e2e and not audit and not last" -n 2 && $(BIN)/pytest -m "e2e and last and not audit"

# Lighthouse on the main pages, mobile and desktop (about 15 s a page): .ci/run runs it too.
audit: need-test install translations tools
	$(TESTENV) $(BIN)/pytest -m audit

# The npm clients (vnu-jar, ical.js, Lighthouse), pinned by tests/clients/node/package-lock.json,
# installed into .tools/ and kept between runs.
TOOLS := .tools
tools: $(TOOLS)/.installed

$(TOOLS)/.installed: tests/clients/node/package.json tests/clients/node/package-lock.json
	@:$(call need,$(TEST_NEEDS))
	mkdir -p $(TOOLS)
	cp tests/clients/node/package.json tests/clients/node/package-lock.json $(TOOLS)/
	cd $(TOOLS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

need-test:
	@:$(call need,$(TEST_NEEDS))

# The same tests on PostgreSQL: a throw-away server (scripts/pg_cluster.py) for the run.
test-postgres: need-test need-postgres install translations tools ralph
	$(TESTENV) $(BIN)/python scripts/pg_cluster.py -- sh -c 'export AULA_TEST_RUN=pg-$$(date +%s%N); \
	  $(BIN)/pytest -m "not e2e and not audit" -n 2 && \
	  $(BIN)/pytest -m "e2e and not audit and not last" -n 2 && $(BIN)/pytest -m "e2e and last and not audit"'

need-postgres:
	@:$(call need,$(PG_NEEDS))

# The quick tests alone (no browser), for development.
test-quick: install translations ralph
	$(TESTENV) $(BIN)/pytest -m "not e2e" -n 2

install: $(STAMP)

$(STAMP): pyproject.toml
	@:$(if $(wildcard $(BIN)/python),,$(call need,$(VENV_NEEDS)))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade uv || true
	if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'; \
	else $(BIN)/python -m pip install --quiet -e '.[dev]'; fi
	touch $(STAMP)

# Compile every catalogue (.po -> .mo); compiled files are not committed.
translations: install
	@for dir in course/translations course/*/translations; do \
	  if ls $$dir/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then out=$$($(BIN)/pybabel compile -d $$dir 2>&1) || { echo "$$out"; exit 1; }; fi; \
	done

# Extract UI strings and merge them into the catalogues (then translate them).
messages: install
	$(FLASK) translate update

db: install
	$(FLASK) db upgrade

validate: install
	$(FLASK) course validate

# Benchmarks (not tests): writes bench/RESULTS.md. Byte-compiles the venv, the
# project and the benchmarks first, so that no benchmark's first process pays
# for compiling them: start-up is measured as an installation that has run once.
bench: need-bench need-test install translations tools
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib course bench >/dev/null 2>&1 || true
	$(BIN)/python -m bench

need-bench:
	@:$(call need,$(BENCH_NEEDS))

# Ralph, a real Learning Record Store, for the xAPI tests: in a venv of its own
# (its dependencies must not clash with the app's pins); kept between runs.
RALPH_VENV := .venv-ralph
ralph: $(RALPH_VENV)/.installed

$(RALPH_VENV)/.installed:
	@:$(if $(wildcard $(RALPH_VENV)/bin/python),,$(call need,$(VENV_NEEDS)))
	test -x $(RALPH_VENV)/bin/python || $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/python -m pip install --quiet --upgrade uv || true
	if [ -x $(RALPH_VENV)/bin/uv ]; then $(RALPH_VENV)/bin/uv pip install --quiet --compile-bytecode --python $(RALPH_VENV)/bin/python 'ralph-malph[cli,lrs]==5.1.0' 'requests==2.34.2'; \
	else $(RALPH_VENV)/bin/python -m pip install --quiet 'ralph-malph[cli,lrs]==5.1.0' 'requests==2.34.2'; fi
	touch $@

clean:
	rm -rf $(VENV) $(RALPH_VENV) $(TOOLS) *.egg-info .pytest_cache
