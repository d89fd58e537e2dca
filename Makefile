# dxkit — two commands: `make lab` (set up and open the curriculum) and `make test`.
# Windows (PowerShell) and conda equivalents are in README.md.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dxkit-installed
TEST_STAMP := $(VENV)/.dxkit-test-installed
JOBS   ?= 2
# JupyterLab on a closed network (LGWAN): no news feed, no update checks.
# Jupyter refuses to start as root (containers, some training PCs) unless told to.
ALLOW_ROOT  := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly

.PHONY: setup setup-test lab test bench datasets clean

setup: $(STAMP)
setup-test: $(TEST_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dxkit には Python 3.11 以上が必要です。PYTHON=python3.12 make … のように指定してください。")'
	@# bubblewrap isolates learners' code during `dxkit cohort autograde` (Linux); installed when we can.
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v bwrap >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

# The test suite adds pytest/nbval, a real JupyterHub and Playwright, and (as root on Debian/Ubuntu) the
# distribution's Chromium with Japanese fonts and configurable-http-proxy from npm; elsewhere those tests skip.
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test,hub]"
	@# Browser/hub tests: distro Chromium + Japanese/emoji fonts (root on Debian/Ubuntu only); elsewhere they skip.
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && { ! command -v chromium >/dev/null || ! command -v npm >/dev/null || ! fc-list :lang=ja 2>/dev/null | grep -q .; }; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont fonts-noto-cjk fonts-noto-color-emoji $$(command -v npm >/dev/null || echo nodejs npm) >/dev/null; fi
	@# configurable-http-proxy from npm into deploy/local-hub/node_modules (project-local, never global)
	@if command -v npm >/dev/null && [ ! -x deploy/local-hub/node_modules/.bin/configurable-http-proxy ]; then \
		npm ci --prefix deploy/local-hub --no-audit --no-fund --loglevel=error; fi
	@touch $(TEST_STAMP)

lab: setup
	$(BIN)/jupyter lab $(LAB_OFFLINE) $(ALLOW_ROOT) courses/00_orientation/01_jupyterlab.ipynb

test: setup-test
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env

bench: setup-test
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python benchmarks/run.py

datasets: setup
	$(BIN)/python -m tools.datagen

clean:
	rm -rf grading/release grading/submitted grading/autograded grading/feedback grading/exchange grading/gradebook.db
