# Two entry points for a fresh machine:
#   make demo   installs symphony in .venv and serves the handwritten digits dashboard
#   make test   installs everything the tests need (Debian's chromium included) and
#               runs the whole test suite
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5006
BIN := $(VENV)/bin

.PHONY: demo test install install-test browser lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

# Browser tests drive Debian's Chromium through Playwright; Playwright's own browser
# download is not used.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; \
	fi

demo: install
	$(BIN)/symphony serve --port $(PORT)

lint: install-test
	$(BIN)/ruff check src tests gallery

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
test: install-test lint
	$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests"; exit 1; fi; \
	exit $$status
