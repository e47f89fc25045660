# Envelope: `make run` starts the app, `make test` runs every test. Both set up what they need.
# Set-up is idempotent: each requirements file has its own stamp, so a file is installed again
# only when it changes. `make run` installs the runtime (requirements.txt) alone; `make test`,
# `make bench` and `make setup` add the test, lint and benchmark tools (requirements-dev.txt).

VENV    := .venv
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip install --quiet --disable-pip-version-check
RUNTIME := $(VENV)/.installed-runtime
DEV     := $(VENV)/.installed-dev
NODE    := node_modules/.installed
PYTEST  := $(PY) -m pytest

.PHONY: run test bench lint fuzz setup graphviz chromium fonts clean

run: $(RUNTIME) graphviz fonts
	$(VENV)/bin/streamlit run app.py

test: setup graphviz chromium fonts $(NODE)
	$(PYTEST) -n 2 -q

bench: setup graphviz chromium
	$(PY) benchmarks/run.py

setup: $(DEV)

$(RUNTIME): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -e .
	touch $@

$(DEV): requirements-dev.txt $(RUNTIME)
	$(PIP) -r requirements-dev.txt
	touch $@

FUZZ_SECONDS ?= 300

# Fuzz the scenario loader (not part of `make test` or CI): atheris comes from requirements-fuzz.txt.
# New inputs go to fuzz/corpus, findings (crash-*, timeout-*, oom-*) to fuzz/findings/; the scenario
# library and tests/invalid seed the corpus and are only read.
fuzz: $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-fuzz.txt
	mkdir -p fuzz/corpus fuzz/findings
	$(PY) fuzz/fuzz_loader.py fuzz/corpus scenarios tests/invalid -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=5 -rss_limit_mb=2048 -max_len=4096 -artifact_prefix=fuzz/findings/

graphviz:
	@scripts/ensure-debian-package.sh dot graphviz

chromium:
	@scripts/ensure-debian-package.sh chromium chromium

# Diagrams draw labels in any script: Noto CJK covers Chinese, Japanese and Korean (fc-list is
# how the renderer finds out which glyphs no installed font has).
fonts:
	@scripts/ensure-debian-package.sh fc-list fontconfig
	@scripts/ensure-debian-package.sh - fonts-noto-cjk

# Test-only tools from package.json / package-lock.json: the real Mermaid parser and renderer
# (mermaid-cli, driven by Debian's chromium: no browser download) and D2's compiler (WebAssembly).
$(NODE): package.json package-lock.json
	@scripts/ensure-debian-package.sh npm npm
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE)

clean:
	rm -rf $(VENV) build *.egg-info node_modules
