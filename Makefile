# dxkit — two commands: `make lab` (set up and open the curriculum) and `make test`.
# Windows (PowerShell) and conda equivalents are in README.md.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dxkit-installed
TEST_STAMP := $(VENV)/.dxkit-test-installed
JOBS   ?= 2
# Extra arguments for JupyterLab, e.g. make lab LAB_ARGS="--no-browser --ServerApp.port=8899".
# The JupyterLab settings themselves (Japanese, no news, learner/instructor) live in dxkit/lab/.
LAB_ARGS ?=
# setuptools' one notice for every editable install of a flat layout is not for learners' eyes.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip --quiet --disable-pip-version-check

.PHONY: setup setup-test lab instructor test bench datasets clean

setup: $(STAMP)
setup-test: $(TEST_STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dxkit には Python 3.11 以上が必要です。PYTHON=python3.12 make … のように指定してください。")'
	@# bubblewrap isolates learners' code during `dxkit cohort autograde` (Linux); installed when we can.
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v bwrap >/dev/null; then \
		echo "[0/3] bubblewrap を入れます（apt）…"; apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; fi
	@echo "[1/3] Python の仮想環境（$(VENV)）を用意します…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "[2/3] pip を新しくします…"
	@$(PIP) install --upgrade pip
	@echo "[3/3] dxkit と JupyterLab（日本語の画面）などを入れます（初回は数分かかります）…"
	@$(PIP) install -e .
	@touch $(STAMP)
	@echo "準備ができました。"

# The test suite adds pytest/nbval, a real JupyterHub and Playwright, and (as root on Debian/Ubuntu) the
# distribution's Chromium with Japanese fonts and configurable-http-proxy from npm; elsewhere those tests skip.
$(TEST_STAMP): $(STAMP) deploy/local-hub/package-lock.json tools/a11y/package-lock.json
	@echo "[1/4] テスト用のパッケージ（pytest・nbval・JupyterHub・Playwright など）を入れます…"
	@$(PIP) install -e ".[test,hub]"
	@# Browser/hub tests: distro Chromium + Japanese/emoji fonts (root on Debian/Ubuntu only); elsewhere they skip.
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && { ! command -v chromium >/dev/null || ! command -v npm >/dev/null || ! fc-list :lang=ja 2>/dev/null | grep -q .; }; then \
		echo "[2/4] ブラウザのテスト用に Chromium と日本語フォントを入れます（apt）…"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipafont fonts-noto-cjk fonts-noto-color-emoji $$(command -v npm >/dev/null || echo nodejs npm) >/dev/null; fi
	@# configurable-http-proxy from npm into deploy/local-hub/node_modules (project-local, never global)
	@if command -v npm >/dev/null && [ ! -x deploy/local-hub/node_modules/.bin/configurable-http-proxy ]; then \
		echo "[3/4] configurable-http-proxy を入れます（npm）…"; npm ci --prefix deploy/local-hub --no-audit --no-fund --loglevel=error; fi
	@if command -v npm >/dev/null && [ ! -f tools/a11y/node_modules/axe-core/axe.min.js ]; then \
		echo "[4/4] HTML 版のアクセシビリティ検査用に axe-core を入れます（npm）…"; npm ci --prefix tools/a11y --no-audit --no-fund --loglevel=error; fi
	@touch $(TEST_STAMP)

# The curriculum folder is the server's root (courses/, exercises/, datasets/ all reachable); the first
# lesson opens. Learners get no nbgrader instructor tools; `make instructor` gives them back.
lab: setup
	@$(BIN)/dxkit lab -- $(LAB_ARGS)

instructor: setup
	@$(BIN)/dxkit lab --instructor -- $(LAB_ARGS)

test: setup-test
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python -m pytest -n $(JOBS) --dist loadscope --nbval-lax --nbval-current-env

bench: setup-test
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/python benchmarks/run.py

datasets: setup
	$(BIN)/python -m tools.datagen

clean:
	rm -rf grading/release grading/submitted grading/autograded grading/feedback grading/exchange grading/gradebook.db
