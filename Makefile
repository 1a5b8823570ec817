# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The exact versions CI last passed with (`make lock` renews them; pyproject.toml keeps ranges).
LOCK := constraints.txt
CORPUS := fixtures/corpus
DEMO_DB := demo/triage.db

.PHONY: install demo test lint fixtures bench clean system-deps browser-deps train-verdicts \
	train-manipulation lock upgrade-check fuzz

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $@

install: $(STAMP)

$(CORPUS)/truth.json: | $(STAMP)
	$(BIN)/python -m fixtures.generate --seed 1 --out $(CORPUS)

fixtures: $(STAMP)  ## regenerate the committed corpus (seeded, byte-identical)
	rm -rf $(CORPUS)
	$(BIN)/python -m fixtures.generate --seed 1 --out $(CORPUS)

demo: $(STAMP) $(CORPUS)/truth.json system-deps  ## ingest the fixture corpus into demo/, print clusters, route
	rm -rf demo
	$(BIN)/triage --config $(CORPUS)/demo.toml --db $(DEMO_DB) ingest $(CORPUS)
	$(BIN)/triage --config $(CORPUS)/demo.toml --db $(DEMO_DB) clusters --all
	$(BIN)/triage --config $(CORPUS)/demo.toml --db $(DEMO_DB) route
	$(BIN)/triage --config $(CORPUS)/demo.toml --db $(DEMO_DB) queue
	@echo
	@echo "The investigators' web view of this demo (Ctrl-C stops it):"
	@echo "  $(BIN)/triage --config $(CORPUS)/demo.toml --db $(DEMO_DB) serve"
	@echo "then open the http://127.0.0.1:8001/?token=... address it prints (the token is"
	@echo "generated at start unless TRIAGE_WEB_TOKEN is set; then open http://127.0.0.1:8001/)."

# What the tests need from Debian: Dovecot (IMAP tests, 2.3 or 2.4), openssl (certificates),
# setpriv (util-linux: drops privileges). Installed with apt when missing and we are root;
# otherwise the command to run is printed and the tests that need them fail.
SYSTEM_PACKAGES := dovecot-imapd openssl util-linux
# Tesseract (English and both Chinese scripts) reads the words inside pictures.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra
system-deps:
	@missing=""; \
	command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing="$$missing dovecot-imapd"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	command -v setpriv >/dev/null 2>&1 || missing="$$missing util-linux"; \
	tesseract --list-langs 2>/dev/null | grep -qx chi_tra || missing="$$missing $(OCR_PACKAGES)"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing (apt) for the tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "missing for the tests:$$missing (sudo apt-get install$$missing)" >&2; \
	  fi; \
	fi

# The web view's tests drive Debian's Chromium (Playwright, no browser download); only the
# tests need it, so `make demo` does not install it.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing chromium (apt) for the web view's tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "missing for the tests: chromium (sudo apt-get install chromium)" >&2; \
	  fi; \
	fi

# Test files run on every core, at most four (each worker starts its own Dovecot and Chromium);
# TEST_JOBS=0 runs them in one process.
TEST_JOBS ?= auto
PARALLEL := -n $(TEST_JOBS) --maxprocesses 4 --dist loadfile
test: $(STAMP) system-deps browser-deps
	$(BIN)/pytest -q $(PARALLEL)

# The long hardening run: FUZZ_CASES mutated messages through ingest (prints how many were
# tried and how many failed cleanly; exit 1 on a bug), the property tests with more examples,
# and the tests marked `long` (not part of make test).
FUZZ_CASES ?= 2000
FUZZ_SEED ?= 1
fuzz: $(STAMP) $(CORPUS)/truth.json system-deps
	nice -n 10 $(BIN)/python -m bench.fuzz --cases $(FUZZ_CASES) --seed $(FUZZ_SEED)
	FUZZ_EXAMPLES=$(FUZZ_CASES) nice -n 10 $(BIN)/pytest -q tests/test_fuzz_parse.py
	nice -n 10 $(BIN)/pytest -q -m long

# Renew constraints.txt: the newest releases pyproject.toml allows, in a throwaway venv.
# Run `make upgrade-check` first; commit the new file once `make test` passes with it.
lock:
	rm -rf /tmp/triage-lock-venv
	$(PYTHON) -m venv /tmp/triage-lock-venv
	/tmp/triage-lock-venv/bin/pip install --quiet --upgrade pip
	/tmp/triage-lock-venv/bin/pip install --quiet '.[dev]'
	{ echo "# Exact versions CI tested (make lock writes this file; pyproject.toml keeps ranges)."; \
	  /tmp/triage-lock-venv/bin/pip freeze --exclude-editable | grep -v '^triage[= @]'; } > $(LOCK)
	rm -rf /tmp/triage-lock-venv

# The newest releases pyproject.toml allows, with the whole test suite, in a throwaway venv.
upgrade-check: system-deps browser-deps
	rm -rf /tmp/triage-upgrade-venv
	$(PYTHON) -m venv /tmp/triage-upgrade-venv
	/tmp/triage-upgrade-venv/bin/pip install --quiet --upgrade pip
	/tmp/triage-upgrade-venv/bin/pip install --quiet --upgrade -e '.[dev]'
	/tmp/triage-upgrade-venv/bin/pip freeze --exclude-editable | diff $(LOCK) - || true
	/tmp/triage-upgrade-venv/bin/pytest -q -p no:cacheprovider $(PARALLEL)
	rm -rf /tmp/triage-upgrade-venv

# The package is checked strictly; tests, benches, fixtures and training only for what drifts
# when the package changes (a name gone, a call's arguments changed): a bench that imported a
# removed constant failed only when `make bench` reached it.
DRIFT_ONLY := $(foreach code,index arg-type has-type var-annotated assignment operator misc \
	annotation-unchecked union-attr return-value dict-item list-item override,--disable-error-code $(code))
lint: $(STAMP)
	$(BIN)/ruff check triage tests fixtures bench training
	$(BIN)/ruff format --check triage tests fixtures bench training
	$(BIN)/mypy
	$(BIN)/mypy --config-file= --ignore-missing-imports --follow-imports=silent --check-untyped-defs $(DRIFT_ONLY) \
		tests bench fixtures training

BENCH_CORPUS := /tmp/triage-bench-corpus
# `make bench BENCH_10K=1` adds ingest of a 10k-message corpus (about an hour on 2 shared cores).
BENCH_10K ?=

bench: $(STAMP) $(CORPUS)/truth.json  ## figures: clustering, verdicts, scale (prints, never fails)
	$(BIN)/python -m bench.campaigns
	rm -rf $(BENCH_CORPUS)
	$(BIN)/python -m fixtures.generate --seed 7 --scale 3 --out $(BENCH_CORPUS)
	$(BIN)/python -m bench.campaigns --corpus $(BENCH_CORPUS)
	$(BIN)/python -m bench.forwards --corpus $(BENCH_CORPUS)
	nice -n 10 $(BIN)/python -m bench.linking
	nice -n 10 $(BIN)/python -m bench.linkgen2
	rm -rf $(BENCH_CORPUS)-pv
	$(BIN)/python -m fixtures.generate --seed 11 --profile per-victim --scale 6 --out $(BENCH_CORPUS)-pv
	$(BIN)/python -m bench.campaigns --corpus $(BENCH_CORPUS)-pv --no-localise
	rm -rf $(BENCH_CORPUS)-pv
	$(BIN)/python -m fixtures.generate --seed 12 --profile per-victim --campaigns 16 --victims 100 --benign 700 --out $(BENCH_CORPUS)-pv
	$(BIN)/python -m bench.campaigns --corpus $(BENCH_CORPUS)-pv --no-localise
	$(BIN)/python -m bench.verdicts
	nice -n 10 $(BIN)/python -m bench.independent
	$(BIN)/python -m bench.scale
	nice -n 10 $(BIN)/python -m bench.throughput $(if $(BENCH_10K),--also 10000)
	nice -n 10 $(BIN)/python -m bench.manipulation
	nice -n 10 $(BIN)/python -m bench.picturetext

train-manipulation: $(STAMP)  ## retrain triage/models/manipulation.json (seeded; about 30 min on 2 shared cores)
	nice -n 10 $(BIN)/python -m training.manipulation.train --jobs 2

train-verdicts: $(STAMP)  ## rebuild the labelled set and the shipped verdict model
	$(BIN)/python -m training.verdicts.make_labelled
	nice -n 10 $(BIN)/python -m training.verdicts.train

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache .mypy_cache
