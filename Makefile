# Envelope: `make run` starts the app, `make test` runs every test. Both set up what they need.
# Set-up is idempotent: the virtual environment is rebuilt only when requirements change.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST := $(PY) -m pytest

.PHONY: run test bench lint fuzz setup graphviz chromium clean

run: setup graphviz
	$(VENV)/bin/streamlit run app.py

test: setup graphviz chromium
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

clean:
	rm -rf $(VENV) build *.egg-info
