# Aimaq: two commands set everything up on a fresh machine: `make book` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
PIP     := $(BIN)/pip --disable-pip-version-check --quiet
JOBS    ?= 2
# uv (a pinned wheel from PyPI) installs the pins in seconds where pip takes minutes.
UV_VERSION := 0.13.8
UV      := $(BIN)/uv --quiet pip

.PHONY: all install book run test test-fast bench browser check clean

all: book

# The stamp is newer than the pins once they are installed: a second run installs nothing.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install uv==$(UV_VERSION)
	$(UV) install --python $(BIN)/python -r requirements.txt
	$(UV) install --python $(BIN)/python --no-deps -e .
	@touch $@

install: $(STAMP)

check: $(STAMP)
	$(BIN)/aimaq data check

run: check
	$(BIN)/aimaq run

book: run
	$(BIN)/aimaq book

# Debian's Chromium for the browser tests and the PDF editions (Playwright's own browser download
# does not work offline); poppler-utils (pdftotext, pdffonts, pdftoppm) reads the PDFs back in the tests.
browser:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium and poppler-utils"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow and not browser"

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf _build .pytest_cache
