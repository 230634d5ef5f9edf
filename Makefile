# Aimaq: two commands set everything up on a fresh machine: `make book` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp
CROSS_STAMP := $(VENV)/.installed-crosscheck-stamp
# Where this machine kind keeps the CPU build of torch that honestdid needs (requirements-crosscheck.txt).
TORCH_WHEELS ?= /opt/wheels
TORCH_PIN := $(shell sed -n 's/^torch==//p' requirements-crosscheck.txt)
PIP     := $(BIN)/pip --disable-pip-version-check --quiet
JOBS    ?= 2
# uv (a pinned wheel from PyPI) installs the pins in seconds where pip takes minutes. It compiles
# every installed module to bytecode once: a Python started with PYTHONDONTWRITEBYTECODE (set on
# machines like this one) would otherwise compile numpy, pandas, Sphinx... from source in every
# kernel, every `jupyter-book build` and every test process, about 3 s each time.
UV_VERSION := 0.13.8
UV      := $(BIN)/uv --quiet pip
UV_INSTALL := $(UV) install --compile-bytecode --python $(BIN)/python

.PHONY: all install install-test pins bytecode book run test test-fast bench browser check clean

all: book

# Two sets of exact pins, both generated from pyproject.toml by `make pins`: requirements.txt is what
# the book needs at run time (`make book` installs only these), requirements-test.txt adds what only the
# tests need (reference implementations, pytest) at the same versions (`make test` installs both).
# A stamp is newer than its pins once they are installed: a second set-up installs nothing.
$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(PIP) install uv==$(UV_VERSION)
	$(UV_INSTALL) -r requirements.txt
	$(UV_INSTALL) --no-deps -e .
	@touch $@

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(UV_INSTALL) -r requirements.txt -r requirements-test.txt
	@touch $@

# honestdid, the reference for the Rambachan-Roth bounds, and the CPU build of torch it needs, from
# the wheel on this machine's disk (uv does not look there by itself). Without that wheel the
# cross-check test says why it is skipped instead of a multi-GB CUDA download.
$(CROSS_STAMP): $(TEST_STAMP) requirements-crosscheck.txt
	@if ls $(TORCH_WHEELS)/torch-$(TORCH_PIN)-*.whl >/dev/null 2>&1; then \
	  $(UV_INSTALL) --no-deps --find-links $(TORCH_WHEELS) -r requirements-crosscheck.txt; \
	else echo "no CPU build of torch in $(TORCH_WHEELS): the honestdid cross-check will be skipped"; fi
	@touch $@

install: $(STAMP)

install-test: $(CROSS_STAMP)

# Regenerate both pin files from the direct dependencies of pyproject.toml (PyPI only). Versions
# already pinned are kept (uv prefers the output file's pins); `make pins UPGRADE=--upgrade` moves them.
pins: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --quiet --python $(BIN)/python --no-emit-package setuptools \
	  $(UPGRADE) -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --quiet --python $(BIN)/python --no-emit-package setuptools \
	  --extra test --extra dask -c requirements.txt $(UPGRADE) -o requirements-test.txt

# The project's own modules (an editable install, which uv does not compile), brought up to date
# before every command that starts Pythons; compileall rewrites only what changed, in about a second.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q -j 0 src bench >/dev/null

check: bytecode
	$(BIN)/aimaq data check

run: check
	$(BIN)/aimaq run

# The PDF editions print with Debian's Chromium, installed first so a missing browser stops the
# set-up before the runs rather than after them.
book: browser run
	$(BIN)/aimaq book

# Debian's Chromium for the browser tests and the PDF editions (Playwright's own browser download
# does not work offline); poppler-utils (pdftotext, pdffonts, pdftoppm) reads the PDFs back in the tests.
browser:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium and poppler-utils"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core poppler-utils >/dev/null; }

test: $(CROSS_STAMP) bytecode browser
	$(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider

test-fast: $(TEST_STAMP) bytecode
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow and not browser"

bench: $(TEST_STAMP) bytecode
	$(BIN)/python -m bench

clean:
	rm -rf _build .pytest_cache
