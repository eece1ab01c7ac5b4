# Aula: `make run` serves the course, `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
STAMP  := $(VENV)/.installed

.PHONY: run test test-quick test-postgres need-test need-postgres need-bench install translations messages db validate bench clean

# System tools (CHECK:DEBIAN_PACKAGE, see scripts/need.sh): installed with apt-get when
# make runs as root, else make stops with one line naming the packages. Add yours here.
VENV_NEEDS  := py.ensurepip:python3-venv
TEST_NEEDS  := chromium:chromium pdftoppm:poppler-utils
PG_NEEDS    := /usr/lib/postgresql/*/bin/initdb:postgresql runuser:util-linux
BENCH_NEEDS := wrk:wrk sqlite3:sqlite3 /usr/bin/time:time $(PG_NEEDS)
need = $(eval need_out := $(shell PYTHON=$(PYTHON) scripts/need.sh $(1)))$(if $(need_out),$(error $(need_out)))

run: install translations db
	$(FLASK) run --host 127.0.0.1 --port 5000

test: need-test install translations
	$(BIN)/pytest

need-test:
	@:$(call need,$(TEST_NEEDS))

# The same tests on PostgreSQL: a throw-away server (scripts/pg_cluster.py) for the run.
test-postgres: need-test need-postgres install translations
	$(BIN)/python scripts/pg_cluster.py -- $(BIN)/pytest

need-postgres:
	@:$(call need,$(PG_NEEDS))

# The quick tests alone (no browser), for development.
test-quick: install translations
	$(BIN)/pytest -m "not e2e"

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

# Benchmarks (not tests): writes bench/RESULTS.md. Byte-compiles the venv
# first, as pip does on install (uv and PYTHONDONTWRITEBYTECODE skip it), so
# start-up is measured as a normal installation has it.
bench: need-bench install translations
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib course bench >/dev/null 2>&1 || true
	$(BIN)/python -m bench

need-bench:
	@:$(call need,$(BENCH_NEEDS))

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
