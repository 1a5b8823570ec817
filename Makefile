# Two commands set up a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CORPUS := fixtures/corpus
DEMO_DB := demo/triage.db

.PHONY: install demo test lint fixtures bench clean system-deps train-verdicts train-manipulation

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
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

# The IMAP tests talk to a real Dovecot; install it from Debian when it is missing.
# Tesseract (English and both Chinese scripts) reads the words inside pictures.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra
system-deps:
	@if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then \
	  echo "installing dovecot-imapd (apt) for the IMAP tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends dovecot-imapd openssl >/dev/null; \
	fi
	@if ! command -v tesseract >/dev/null 2>&1 || \
	  ! tesseract --list-langs 2>/dev/null | grep -qx chi_tra; then \
	  echo "installing tesseract-ocr (apt) to read words inside pictures"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(OCR_PACKAGES) >/dev/null; \
	fi

test: $(STAMP) system-deps
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check triage tests fixtures bench training
	$(BIN)/ruff format --check triage tests fixtures bench training
	$(BIN)/mypy

BENCH_CORPUS := /tmp/triage-bench-corpus

bench: $(STAMP) $(CORPUS)/truth.json  ## figures: clustering, verdicts, scale (prints, never fails)
	$(BIN)/python -m bench.campaigns
	rm -rf $(BENCH_CORPUS)
	$(BIN)/python -m fixtures.generate --seed 7 --scale 3 --out $(BENCH_CORPUS)
	$(BIN)/python -m bench.campaigns --corpus $(BENCH_CORPUS)
	$(BIN)/python -m bench.verdicts
	$(BIN)/python -m bench.scale
	nice -n 10 $(BIN)/python -m bench.manipulation

train-manipulation: $(STAMP)  ## retrain triage/models/manipulation.pkl (seeded, ~3 min)
	nice -n 10 $(BIN)/python -m training.manipulation.train --jobs 2

train-verdicts: $(STAMP)  ## rebuild the labelled set and the shipped verdict model
	$(BIN)/python -m training.verdicts.make_labelled
	nice -n 10 $(BIN)/python -m training.verdicts.train

clean:
	rm -rf $(VENV) demo .pytest_cache .ruff_cache .mypy_cache
