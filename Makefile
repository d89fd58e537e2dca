# dxkit — two commands: `make lab` (set up and open the curriculum) and `make test`.
# Windows (PowerShell) and conda equivalents are in README.md.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dxkit-installed
JOBS   ?= 2
# JupyterLab on a closed network (LGWAN): no news feed, no update checks.
# Jupyter refuses to start as root (containers, some training PCs) unless told to.
ALLOW_ROOT  := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)
LAB_OFFLINE := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --LabApp.extension_manager=readonly

.PHONY: setup lab test bench datasets clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dxkit には Python 3.11 以上が必要です。PYTHON=python3.12 make … のように指定してください。")'
	@# bubblewrap isolates learners' code during `dxkit cohort autograde` (Linux); installed when we can.
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v bwrap >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

lab: setup
	$(BIN)/jupyter lab $(LAB_OFFLINE) $(ALLOW_ROOT) courses/00_orientation/01_jupyterlab.ipynb

test: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env

bench: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python benchmarks/run.py

datasets: setup
	$(BIN)/python -m tools.datagen

clean:
	rm -rf grading/release grading/submitted grading/autograded grading/feedback grading/exchange grading/gradebook.db
