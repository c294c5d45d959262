# Two commands do all the set-up on a fresh machine:
#   make run    — install, import the bundled sample directory, build the search index, serve on :8000
#   make test   — install (with test tools and Debian's Chromium), then run the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
NAV := $(VENV)/bin/navigator
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install install-dev browser lint bench-import clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	# torch is pinned (pyproject) so pip takes the CPU wheel, never a multi-GB CUDA build.
	$(VENV)/bin/pip install --quiet torch==2.13.0
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	$(NAV) import directory_data/sample-services.csv --source sample
	$(NAV) serve --host $(HOST) --port $(PORT)

test: install-dev browser
	$(VENV)/bin/pytest -q

lint: install-dev
	$(VENV)/bin/ruff check navigator tests bench
	$(VENV)/bin/ruff format --check navigator tests bench
	$(VENV)/bin/mypy

bench-import: install
	$(PY) bench/import_bench.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
