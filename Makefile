# Envelope: `make run` starts the app, `make test` runs every test. Both set up what they need.
# Set-up is idempotent: the virtual environment is rebuilt only when requirements change.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST := $(PY) -m pytest

.PHONY: run test bench lint fuzz setup graphviz chromium fonts clean

run: setup graphviz fonts
	$(VENV)/bin/streamlit run app.py

test: setup graphviz chromium fonts $(NODE_STAMP)
	$(PYTEST) -n 2 -q

bench: setup graphviz
	$(PY) benchmarks/run.py

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

FUZZ_SECONDS ?= 300

# Fuzz the scenario loader (not part of `make test` or CI): atheris comes from requirements-fuzz.txt.
# New inputs go to fuzz/corpus, findings (crash-*, timeout-*, oom-*) to fuzz/findings/; the scenario
# library and tests/invalid seed the corpus and are only read.
fuzz: setup
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
	@scripts/ensure-debian-package.sh /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk

# Test-only tools from package.json / package-lock.json: the real Mermaid parser and renderer
# (mermaid-cli, driven by Debian's chromium: no browser download) and D2's compiler (WebAssembly).
$(NODE_STAMP): package.json package-lock.json
	@scripts/ensure-debian-package.sh npm npm
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

clean:
	rm -rf $(VENV) build *.egg-info node_modules
