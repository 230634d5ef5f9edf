# Aimaq: two commands set everything up on a fresh machine: `make book` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
PIP     := $(BIN)/pip --disable-pip-version-check --quiet
JOBS    ?= 2

.PHONY: all install book run test test-fast bench browser check clean

all: book

# The stamp is newer than the pins once they are installed: a second run installs nothing.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

install: $(STAMP)

check: $(STAMP)
	$(BIN)/aimaq data check

run: check
	$(BIN)/aimaq run

book: run
	$(BIN)/aimaq book

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow and not browser"

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf _build .pytest_cache
